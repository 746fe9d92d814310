"""``pregonero account connect|list|check|app``: browser sign-in and account health.

``account connect NETWORK`` prints the sign-in address (and opens the browser unless
``--no-browser``), waits for the browser to come back to the loopback listener, then
adds the accounts found. When the browser cannot reach Pregonero (another computer, a
blocked port), run ``account connect NETWORK --code ADDRESS`` with the address the
browser ended on (or just the code) within 15 minutes.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from app.auth.flow import SignInFlow, SignInResult
from app.auth.loopback import SignInError
from app.auth.providers import PROVIDERS, provider_for_network
from app.errors import ValidationError
from app.i18n import _
from app.models import Account
from app.networks.base import DiscoveredAccount

SIGNIN_NETWORKS = ("facebook", "instagram", "x", "linkedin", "youtube")


def add_subparsers(acc_sub: argparse._SubParsersAction) -> None:
    """Add connect, check and app to ``pregonero account``."""
    connect = acc_sub.add_parser(
        "connect", help=_("sign in through the browser and add the accounts found")
    )
    connect.add_argument("network", choices=SIGNIN_NETWORKS)
    connect.add_argument(
        "--code",
        default=None,
        metavar="CODE_OR_URL",
        help=_("finish the last sign-in with the code or the address the browser ended on"),
    )
    connect.add_argument(
        "--pick",
        default=None,
        help=_("which accounts to add: numbers, ids or names separated by commas, or all"),
    )
    connect.add_argument("--name", default=None, help=_("name in Pregonero (one account)"))
    connect.add_argument(
        "--no-browser", action="store_true", help=_("only print the address to open")
    )
    check = acc_sub.add_parser("check", help=_("check an account's connection with its network"))
    check.add_argument("name")
    app = acc_sub.add_parser("app", help=_("set the developer app of a network"))
    app.add_argument("provider", choices=list(PROVIDERS))
    app.add_argument("--client-id", required=True)
    app.add_argument(
        "--secret-stdin", action="store_true", help=_("read the client secret from stdin")
    )
    app.add_argument("--scopes", default=None, help=_("permissions to request (default: all)"))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def cmd_connect(ctx: Any, args: argparse.Namespace) -> int:
    """Run a browser sign-in (or finish one with ``--code``) and add the picked accounts."""
    provider = provider_for_network(args.network)
    if args.code:
        flow = SignInFlow.resume(provider.key, ctx.apps, ctx.credentials, clock=ctx.clock)
        result = flow.finish(args.code)
    else:
        flow = SignInFlow(provider.key, ctx.apps, clock=ctx.clock)
        listening = True
        try:
            url = flow.start()
        except SignInError as exc:
            print(_("Warning: {message}").format(message=exc.problems[0].message), file=sys.stderr)
            url, listening = flow.start(listen=False), False
        flow.save_pending(ctx.credentials)
        print(_("Open this address in a browser and sign in:"))
        print(url, flush=True)
        if not args.no_browser:
            import webbrowser

            try:
                webbrowser.open(url)
            except Exception:  # noqa: BLE001 - no browser here: the address is printed
                pass
        hint = _(
            "If the browser cannot come back to Pregonero, copy the address it ends on and "
            "run: pregonero account connect {network} --code ADDRESS"
        ).format(network=args.network)
        print(hint, file=sys.stderr, flush=True)
        if not listening:
            return 0
        print(
            _("Waiting for the browser (up to {minutes} minutes)…").format(
                minutes=round(flow.timeout / 60)
            ),
            file=sys.stderr,
            flush=True,
        )
        result = flow.wait()
    SignInFlow.forget_pending(provider.key, ctx.credentials)
    return _add(ctx, args, result)


def _add(ctx: Any, args: argparse.Namespace, result: SignInResult) -> int:
    for problem in result.problems:
        print(_("Warning: {message}").format(message=problem), file=sys.stderr)
    found = [a for a in result.accounts if a.network == args.network]
    if not found:
        raise ValidationError(
            _("The signed-in user has no {network} account Pregonero can publish to.").format(
                network=args.network
            ),
            code="nothing_found",
        )
    for i, account in enumerate(found, start=1):
        line = f"{i}. {account.name}  ({account.kind}, {account.remote_id})"
        if account.note:
            line += f"  {account.note}"
        if account.missing_scopes:
            line += "  " + _("missing permissions: {scopes}").format(
                scopes=", ".join(sorted(account.missing_scopes))
            )
        print(line)
    picks = _pick(found, args.pick)
    names = {}
    if args.name:
        if len(picks) != 1:
            raise ValidationError(_("--name needs exactly one account picked."), code="name_many")
        names[picks[0].remote_id] = args.name
    for account in ctx.accounts.add_signed_in(result, picks, names):
        print(
            _("Connected {name}: {display} ({network} {id}).").format(
                name=account.name,
                display=account.display_name,
                network=account.network,
                id=account.remote_id,
            )
        )
    return 0


def _pick(found: list[DiscoveredAccount], wanted: str | None) -> list[DiscoveredAccount]:
    if wanted is None and len(found) > 1 and sys.stdin.isatty():
        wanted = input(_("Which ones? Numbers separated by commas, Enter = all: ")).strip()
    if not wanted or wanted.strip().lower() == "all":
        return found
    picks: list[DiscoveredAccount] = []
    for item in (w.strip() for w in wanted.split(",") if w.strip()):
        match = [
            a
            for n, a in enumerate(found, start=1)
            if item in (str(n), a.remote_id, a.name) or a.remote_id.endswith(":" + item)
        ]
        if not match:
            raise ValidationError(
                _("“{item}” is none of the accounts listed.").format(item=item), code="bad_pick"
            )
        picks += [a for a in match if a not in picks]
    return picks


def cmd_list(ctx: Any) -> int:
    """List accounts with their health."""
    ctx.accounts.mark_expired()
    accounts: list[Account] = ctx.accounts.list()
    if not accounts:
        print(_("No accounts yet. Connect one with: pregonero account connect NETWORK"))
    for acc in accounts:
        health = ctx.accounts.health(acc)
        print(f"{acc.name}\t{acc.network}\t{acc.remote_id}\t{acc.display_name}\t{health.summary()}")
    return 0


def cmd_check(ctx: Any, name: str) -> int:
    """Check one account with its network and print its health; 1 if it needs attention."""
    health = ctx.accounts.check(ctx.accounts.by_name(name))
    acc = health.account
    print(f"{acc.name} ({acc.network} {acc.remote_id}): {health.summary()}")
    for warning in health.warnings[1:]:
        print("  " + warning)
    granted = ", ".join(sorted(health.granted)) or _("unknown")
    print("  " + _("Permissions granted: {scopes}").format(scopes=granted))
    if health.needed:
        print(
            "  " + _("Permissions needed: {scopes}").format(scopes=", ".join(sorted(health.needed)))
        )
    if health.renews_itself:
        print("  " + _("Renews itself before it expires."))
    print("  " + _("Connection ends: {when}").format(when=_when(health.expires_at)))
    print("  " + _("Last successful call: {when}").format(when=_when(health.last_ok_at)))
    return 0 if health.state == "ok" else 1


def cmd_app(ctx: Any, args: argparse.Namespace) -> int:
    """Save a developer app (the secret from stdin)."""
    secret = None
    if args.secret_stdin:
        if sys.stdin.isatty():
            import getpass

            secret = getpass.getpass(_("Client secret: "))
        else:
            secret = sys.stdin.readline()
    ctx.apps.save(args.provider, args.client_id, secret, args.scopes)
    print(_("Developer app of {provider} saved.").format(provider=args.provider))
    return 0
