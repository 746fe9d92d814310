"""``pregonero handoff NAME on|off``: native hand-off of an account (issue 4).

On: posts of the account are given to its network ahead of time, so they go out even
when this computer is off (where the network allows it). Off: the posts the network
holds are taken back and published from this computer.
"""

from __future__ import annotations

import argparse

from app.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``handoff`` command."""
    cmd = sub.add_parser(
        "handoff",
        help=_("let the network publish an account's posts by itself (on/off), or show it"),
    )
    cmd.add_argument("name", help=_("the account's name"))
    cmd.add_argument("state", nargs="?", choices=["on", "off"], default=None)
    cmd.set_defaults(handler=cmd_handoff)


def cmd_handoff(args: argparse.Namespace) -> int:
    """Show or set the account's native hand-off. Raises ValidationError for an unknown
    account or a network that cannot hold scheduled posts."""
    from app.context import AppContext

    ctx = AppContext()
    try:
        account = ctx.accounts.by_name(args.name)
        if args.state is None:
            on = ctx.handoffs.enabled(account)
            print(
                _("Native hand-off of {name}: {state}.").format(
                    name=account.name, state=_("on") if on else _("off")
                )
            )
            return 0
        stuck = ctx.handoffs.set_enabled(account.id, args.state == "on")
        if args.state == "on":
            print(
                _(
                    "{name}: posts inside the network's window are handed off when Pregonero "
                    "next runs; they then go out even if this computer is off."
                ).format(name=account.name)
            )
        else:
            print(
                _("{name}: posts are published from this computer again.").format(name=account.name)
            )
        for delivery in stuck:
            print(
                _(
                    "Post {id} could not be taken back from the network; delete it there or "
                    "try again."
                ).format(id=delivery.post_id)
            )
        return 0
    finally:
        ctx.close()
