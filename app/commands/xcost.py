"""``pregonero x-cost``: what the X queue of a month will cost (pay-per-use prices).

    pregonero x-cost [--month YYYY-MM] [--post POST_ID]

Prints, per X account, the posts still queued in the month (scheduled or paused) and
the ones already published, with the estimated cost from the account's prices
(``accounts.options``, defaults in :mod:`app.services.xcost`). ``--post`` estimates
one post instead. Months are calendar months in the user's time zone.
"""

from __future__ import annotations

import argparse
import re

from app.errors import ValidationError
from app.i18n import _
from app.services.xcost import (
    PRICES_CHECKED,
    MonthCost,
    PostCost,
    XPrices,
    estimate_month,
    estimate_outgoing,
    format_usd,
    prices_for,
)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``x-cost`` command."""
    cmd = sub.add_parser(
        "x-cost", help=_("estimate what publishing on X costs this month (or for one post)")
    )
    cmd.add_argument("--month", help=_("YYYY-MM; default: the current month"))
    cmd.add_argument("--post", type=int, metavar="POST_ID", help=_("estimate one post"))
    cmd.set_defaults(handler=cmd_xcost)


def parse_month(text: str) -> tuple[int, int]:
    """``"2027-01"`` -> ``(2027, 1)``. Raises ValidationError."""
    match = _MONTH_RE.match(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValidationError(
            _("Write the month as YYYY-MM, for example 2027-01 (got “{text}”).").format(text=text),
            code="bad_month",
        )
    return int(match[1]), int(match[2])


def cost_line(cost: PostCost) -> str:
    """``"5 posts (2 with a link): $0.445"``."""
    return _("{n} posts ({links} with a link): {total}").format(
        n=cost.parts, links=cost.parts_with_url, total=format_usd(cost.total)
    )


def prices_line(prices: XPrices) -> str:
    """The prices used, as a short text."""
    return _("{post} per post, {url} with a link").format(
        post=format_usd(prices.per_post), url=format_usd(prices.per_post_with_url)
    )


def month_lines(result: MonthCost) -> list[str]:
    """The month report as text lines."""
    lines = [
        _("X cost estimate for {year}-{month:02d} ({zone}); prices checked {checked}:").format(
            year=result.year, month=result.month, zone=result.zone, checked=PRICES_CHECKED
        )
    ]
    if not result.accounts:
        lines.append("  " + _("No X account is connected."))
        return lines
    for account in result.accounts:
        lines.append(f"  {account.account_name} ({prices_line(account.prices)})")
        lines.append(
            "    "
            + _("queued: {n} deliveries, {cost}").format(
                n=account.queued_posts, cost=cost_line(account.queued)
            )
        )
        lines.append(
            "    "
            + _("published: {n} deliveries, {cost}").format(
                n=account.spent_posts, cost=cost_line(account.spent)
            )
        )
    lines.append(
        _("Total still to pay this month: {total}").format(total=format_usd(result.queued.total))
    )
    return lines


def cmd_xcost(args: argparse.Namespace) -> int:
    """Print the month's estimate, or one post's."""
    from app.context import AppContext
    from app.services.campaigns import rendered_outgoing
    from app.timeutil import to_local

    ctx = AppContext()
    try:
        zone = ctx.settings.timezone
        if args.post is not None:
            post = ctx.posts.get(args.post)
            out = rendered_outgoing(ctx.store, post, "x")  # its X version and thread
            accounts = [
                ctx.store.get_account(d.account_id)
                for d in post.deliveries
                if ctx.store.get_account(d.account_id).network == "x"
            ]
            prices = prices_for(accounts[0]) if accounts else XPrices()
            print(
                _("Post #{id} on X: {cost}").format(
                    id=post.id, cost=cost_line(estimate_outgoing(out, prices))
                )
            )
            return 0
        if args.month:
            year, month = parse_month(args.month)
        else:
            now = to_local(ctx.clock.now(), zone)
            year, month = now.year, now.month
        for line in month_lines(estimate_month(ctx.store, year, month, zone)):
            print(line)
        return 0
    finally:
        ctx.close()
