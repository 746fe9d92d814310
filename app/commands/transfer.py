"""``pregonero import`` and ``pregonero export`` (issue 9; the work is in :mod:`app.transfer`).

::

    pregonero import FILE --format hootsuite|buffer|publer|pregonero
                     [--date-order dmy|mdy] --account NAME [NAME...] [--dry-run]
                     [--as draft|scheduled] [--tz ZONE] [--skip-errors]
                     [--dst first|second] [--no-download] [--language es]
    pregonero export --format ics|csv|hootsuite|buffer [--account NAME] [--campaign NAME]
                     [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz ZONE]
                     [--date-order dmy|mdy] -o FILE        # -o - writes to stdout

``import`` prints the per-row table. Without ``--dry-run`` it stores the rows (drafts by
default) only when no row has errors, unless ``--skip-errors``. Exit status: 0 done
(or a dry run without errors), 1 refused or rows with errors, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.errors import ValidationError
from app.i18n import _
from app.transfer import (
    EXPORT_FORMATS,
    FORMATS,
    ExportFilter,
    ExportService,
    ImportOptions,
    ImportService,
)
from app.transfer.table import render


def add_parser(sub: Any) -> None:
    """Add the ``import`` and ``export`` subcommands to ``sub``."""
    imp = sub.add_parser("import", help=_("import posts from a CSV or JSON file"))
    imp.add_argument("file", help=_("the file to import"))
    imp.add_argument("--format", required=True, choices=FORMATS)
    imp.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        default="dmy",
        help=_("how to read 05/12/2027: day first (dmy) or month first (mdy)"),
    )
    imp.add_argument(
        "--account",
        action="extend",
        nargs="+",
        default=[],
        help=_("account name(s) the posts go to"),
    )
    imp.add_argument("--dry-run", action="store_true", help=_("only show what would be imported"))
    imp.add_argument(
        "--as",
        dest="as_",
        choices=["draft", "scheduled"],
        default="draft",
        help=_("store the posts as drafts (default) or scheduled"),
    )
    imp.add_argument("--tz", default=None, help=_("IANA time zone of the file's times"))
    imp.add_argument(
        "--skip-errors",
        action="store_true",
        help=_("import the good rows even if others have errors"),
    )
    imp.add_argument(
        "--dst",
        choices=["first", "second"],
        default=None,
        help=_("which one, when a time happens twice as the clocks go back"),
    )
    imp.add_argument(
        "--no-download",
        action="store_true",
        help=_("do not download photos given by address during the dry run"),
    )
    imp.add_argument(
        "--language", default="", help=_("which text to take when a JSON post has one per language")
    )
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser("export", help=_("export posts to iCalendar or CSV"))
    exp.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    exp.add_argument("--account", default=None, help=_("only this account's posts"))
    exp.add_argument("--campaign", default=None, help=_("only this campaign's posts"))
    exp.add_argument("--from", dest="start", default=None, help=_("first day, YYYY-MM-DD"))
    exp.add_argument("--to", dest="end", default=None, help=_("last day, YYYY-MM-DD"))
    exp.add_argument("--tz", default=None, help=_("IANA time zone of the dates and times"))
    exp.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        default="dmy",
        help=_("date order of a Hootsuite export"),
    )
    exp.add_argument("-o", "--output", required=True, help=_("file to write, - for stdout"))
    exp.set_defaults(handler=cmd_export)


def _context() -> Any:
    from app.context import AppContext

    return AppContext()


def cmd_import(args: argparse.Namespace) -> int:
    """``pregonero import ...``"""
    ctx = _context()
    try:
        tz = args.tz or ctx.settings.timezone
        accounts = tuple(dict.fromkeys(ctx.accounts.by_name(n).id for n in args.account))
        options = ImportOptions(
            account_ids=accounts,
            tz=tz,
            as_draft=args.as_ == "draft",
            dst_fold=None if args.dst is None else (0 if args.dst == "first" else 1),
            fetch_media=not args.no_download,
        )
        service = ImportService.from_context(ctx)
        plan = service.preview(
            Path(args.file).expanduser(),
            args.format,
            options,
            date_order=args.date_order,
            language=args.language,
        )
        print(render(plan))
        if args.dry_run:
            return 1 if plan.errors else 0
        if plan.errors and not args.skip_errors:
            print(
                _(
                    "Nothing was imported: correct the rows with errors, or add --skip-errors "
                    "to import the others."
                ),
                file=sys.stderr,
            )
            return 1
        outcome = service.commit(plan, skip_errors=args.skip_errors)
        done = (
            _("Imported {n} posts as scheduled.")
            if outcome.scheduled
            else _("Imported {n} posts as drafts.")
        ).format(n=len(outcome.post_ids))
        print(
            done
            + " "
            + _("{skipped} rows skipped, {refused} not imported because of errors.").format(
                skipped=outcome.skipped, refused=outcome.refused
            )
        )
        return 0
    finally:
        ctx.close()


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("{option} must be a date written YYYY-MM-DD (got “{text}”).").format(
                option=option, text=text
            ),
            code="bad_date",
        ) from None


def cmd_export(args: argparse.Namespace) -> int:
    """``pregonero export ...``"""
    ctx = _context()
    try:
        start, end = _day(args.start, "--from"), _day(args.end, "--to")
        if start and end and start > end:
            raise ValidationError(_("--from must not be after --to."), code="bad_range")
        campaign_id = None
        if args.campaign:
            campaign = ctx.store.find_campaign(args.campaign)
            if campaign is None:
                raise ValidationError(
                    _("There is no campaign called “{name}”.").format(name=args.campaign),
                    code="unknown_campaign",
                )
            campaign_id = campaign.id
        flt = ExportFilter(
            account_id=ctx.accounts.by_name(args.account).id if args.account else None,
            campaign_id=campaign_id,
            start=start,
            end=end,
            tz=args.tz or ctx.settings.timezone,
        )
        service = ExportService.from_context(ctx)
        if args.format == "ics":
            result = service.ics(
                flt,
                name=" · ".join(["Pregonero", *(x for x in (args.account, args.campaign) if x)]),
            )
        elif args.format == "csv":
            result = service.history_csv(flt)
        elif args.format == "hootsuite":
            result = service.hootsuite(flt, date_order=args.date_order)
        else:
            result = service.buffer(flt)
        if args.output == "-":
            sys.stdout.buffer.write(result.data)
            sys.stdout.flush()
        else:
            try:
                Path(args.output).expanduser().write_bytes(result.data)
            except OSError as exc:
                raise ValidationError(
                    _("Cannot write {path}: {why}").format(
                        path=args.output, why=exc.strerror or exc
                    ),
                    code="write_failed",
                ) from None
        for warning in result.warnings:
            print(_("Warning: {message}").format(message=warning), file=sys.stderr)
        print(
            _("Exported {n} items to {path}.").format(n=result.count, path=args.output),
            file=sys.stderr,
        )
        return 0
    finally:
        ctx.close()
