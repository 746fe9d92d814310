"""``pregonero check``: run the pre-publish checks on a text, for scripts and testing.

::

    pregonero check FILE|--text TEXT --at "YYYY-MM-DD HH:MM" [--tz ZONE]
                    [--network N]... [--link URL] [--media FILE [--alt TEXT]]...
                    [--key-date NAME=YYYY-MM-DD] [--lang es|ca|en] [--online]

FILE holds the text (UTF-8; ``-`` reads stdin). ``--tz`` defaults to the computer's
zone. Prints each finding (severity, message, the quoted span, the suggestion) and a
count. Exit status: 1 if any error was found (or the input is refused), 0 otherwise,
2 usage. Follows the ``add_parser(sub)`` convention of :mod:`app.commands`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.checks.model import KeyDate, MediaItem
from app.checks.report import format_findings
from app.checks.run import run_checks
from app.commands.args import MediaAction
from app.errors import ValidationError
from app.i18n import _
from app.timeutil import parse_local, system_zone_name, zone


def add_parser(sub: Any) -> None:
    """Add the ``check`` subcommand to ``sub`` (an argparse sub-parsers action)."""
    chk = sub.add_parser("check", help=_("check a text before publishing it; exit 1 on errors"))
    source = chk.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help=_("file with the text (- reads stdin)"))
    source.add_argument("--text", help=_("the text itself"))
    chk.add_argument("--at", required=True, help=_('local publish time "YYYY-MM-DD HH:MM"'))
    chk.add_argument("--tz", default=None, help=_("IANA time zone, e.g. Europe/Madrid"))
    chk.add_argument(
        "--network",
        action="append",
        default=[],
        help=_("target network (repeatable), e.g. facebook"),
    )
    chk.add_argument("--link", default=None, help=_("the post's link"))
    chk.add_argument("--media", action=MediaAction, help=_("an image file (repeatable)"))
    chk.add_argument("--alt", action=MediaAction, help=_("alt text of the preceding --media"))
    chk.add_argument(
        "--key-date",
        default=None,
        help=_("campaign key date the post is pinned to, NAME=YYYY-MM-DD"),
    )
    chk.add_argument(
        "--lang", choices=["es", "ca", "en"], default=None, help=_("language of the text")
    )
    chk.add_argument(
        "--online", action="store_true", help=_("also check that links open (needs internet)")
    )
    chk.set_defaults(handler=cmd_check)


def _key_date(value: str | None) -> KeyDate | None:
    if value is None:
        return None
    name, _sep, day = value.rpartition("=")
    try:
        return KeyDate(name or "key date", date.fromisoformat(day.strip()))
    except ValueError:
        raise ValidationError(
            _(
                "Write the key date as NAME=YYYY-MM-DD, for example apertura=2027-01-18 "
                "(got “{value}”)."
            ).format(value=value),
            code="bad_key_date",
        ) from None


def _read_text(args: argparse.Namespace) -> str:
    if args.text is not None:
        return str(args.text)
    if args.file == "-":
        return sys.stdin.read().rstrip("\n")
    path = Path(args.file).expanduser()
    try:
        return path.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            _("Cannot read {file}: {reason}").format(
                file=path, reason=getattr(exc, "strerror", None) or exc
            ),
            code="bad_file",
        ) from None


def cmd_check(args: argparse.Namespace) -> int:
    """Print the findings for the text; 1 if any is an error, else 0.

    The publish time is taken as written in the zone (a time skipped or repeated by a
    DST change is not refused here: the checks only need its day).
    """
    text = _read_text(args)
    tz = args.tz or system_zone_name()
    when = parse_local(args.at).replace(tzinfo=zone(tz))
    media = [MediaItem(Path(path).expanduser(), alt) for path, alt in (args.media or [])]
    findings = run_checks(
        text,
        publish_at=when,
        tz=tz,
        networks=args.network,
        media=media,
        link=args.link,
        language=args.lang,
        key_date=_key_date(args.key_date),
        online=args.online,
    )
    print(format_findings(text, findings))
    return 1 if any(f.is_error for f in findings) else 0
