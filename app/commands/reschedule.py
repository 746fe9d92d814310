"""``pregonero reschedule``: move posts, or a campaign key date and its pinned posts.

    pregonero reschedule --campaign NAME --key-date KEY=YYYY-MM-DD [--dry-run]
    pregonero reschedule POST_ID... (--by 7d|5wd|-2d | --to YYYY-MM-DD) [--dry-run]

The preview (every post with its old and new time, or why it stays) is always
printed; without ``--dry-run`` the movable posts are then moved. Exit status 0 when
every post moved (or would move), 1 when some stay where they are.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import Any

from app.errors import ValidationError
from app.i18n import _
from app.services.reschedule import MovePlan
from app.timeutil import format_local

_BY_RE = re.compile(r"^([+-]?\d+)\s*(d|wd)$", re.IGNORECASE)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``reschedule`` command."""
    cmd = sub.add_parser(
        "reschedule",
        help=_("move posts by days, working days or to a date; or move a campaign key date"),
    )
    cmd.add_argument("post_ids", nargs="*", type=int, metavar="POST_ID")
    how = cmd.add_mutually_exclusive_group()
    how.add_argument("--by", help=_("7d = 7 days, 5wd = 5 working days; earlier: --by=-2d"))
    how.add_argument("--to", help=_("YYYY-MM-DD: the new date (each post keeps its time)"))
    cmd.add_argument("--campaign", help=_("the campaign whose key date moves"))
    cmd.add_argument("--key-date", help=_("KEY=YYYY-MM-DD: the key date and its new date"))
    cmd.add_argument("--dry-run", action="store_true", help=_("only show what would move"))
    cmd.set_defaults(handler=cmd_reschedule)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("Write the date as YYYY-MM-DD, for example 2027-01-25 (got “{text}”).").format(
                text=text
            ),
            code="bad_date",
        ) from None


def build_plan(ctx: Any, args: argparse.Namespace) -> MovePlan:
    """The plan the arguments ask for. Raises ValidationError for bad arguments."""
    if args.campaign or args.key_date:
        if not (args.campaign and args.key_date) or args.post_ids or args.by or args.to:
            raise ValidationError(
                _("Use --campaign NAME --key-date KEY=YYYY-MM-DD together, without post ids."),
                code="bad_arguments",
            )
        campaign = ctx.campaigns.find(args.campaign)
        if campaign is None:
            raise ValidationError(
                _("There is no campaign called “{name}”.").format(name=args.campaign),
                code="unknown_campaign",
            )
        key, _sep, day = args.key_date.partition("=")
        found = [kd for kd in campaign.key_dates if kd.name == key.strip()]
        if not found:
            names = ", ".join(kd.name for kd in campaign.key_dates) or "-"
            raise ValidationError(
                _("{campaign} has no key date “{key}” (it has: {names}).").format(
                    campaign=campaign.name, key=key, names=names
                ),
                code="unknown_key_date",
            )
        return ctx.reschedule.key_date(found[0].id, _day(day))
    if not args.post_ids or not (args.by or args.to):
        raise ValidationError(
            _("Give post ids and --by 7d|5wd or --to YYYY-MM-DD."), code="bad_arguments"
        )
    if args.to:
        return ctx.reschedule.to_date(args.post_ids, _day(args.to))
    match = _BY_RE.match(args.by.strip())
    if match is None:
        raise ValidationError(
            _("Write --by as 7d (days) or 5wd (working days), got “{text}”.").format(text=args.by),
            code="bad_arguments",
        )
    amount, unit = int(match[1]), match[2].lower()
    if unit == "wd":
        return ctx.reschedule.by_working_days(args.post_ids, amount)
    return ctx.reschedule.by_days(args.post_ids, amount)


def plan_lines(plan: MovePlan) -> list[str]:
    """The preview as text lines: the description, then one line (or two) per post."""
    lines = [plan.description]
    for move in plan.moves:
        old = format_local(move.old_due, move.tz) or "-"
        if move.ok:
            lines.append(
                f"  #{move.post_id}  {old} → {format_local(move.new_due, move.tz)}  {move.text}"
            )
        else:
            lines.append(f"  #{move.post_id}  {old}  {move.text}")
            lines.append("      " + _("stays: {why}").format(why=move.problem))
        for extra in (move.note, move.review or ""):
            if extra:
                lines.append("      " + extra)
    if not plan.moves:
        lines.append("  " + _("No post is affected."))
    return lines


def cmd_reschedule(args: argparse.Namespace) -> int:
    """Print the preview, then (without --dry-run) apply it."""
    from app.context import AppContext

    ctx = AppContext()
    try:
        plan = build_plan(ctx, args)
        for line in plan_lines(plan):
            print(line)
        if args.dry_run:
            print(_("Dry run: nothing was changed."))
        else:
            applied = ctx.reschedule.apply(plan)
            print(
                _("Moved {n} of {total} posts.").format(n=len(applied.moves), total=len(plan.moves))
            )
        return 1 if plan.refused else 0
    finally:
        ctx.close()
