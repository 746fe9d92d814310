"""``pregonero inbox``: the comments inbox from the command line.

pregonero inbox list [--all] [--network KEY]   open comments (or every comment)
pregonero inbox summary                          "N open comments, the oldest from …"
pregonero inbox collect                          collect new comments now
pregonero inbox export FILE.csv                  the records export (UTF-8 with BOM)
pregonero inbox purge [--force]                  apply the retention setting
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.i18n import _, ngettext
from app.storage.inbox import CommentFilter
from app.timeutil import format_local


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``inbox`` command."""
    cmd = sub.add_parser("inbox", help=_("comments on the published posts"))
    what = cmd.add_subparsers(dest="inbox_command", required=True)
    ls = what.add_parser("list", help=_("list the open comments, oldest first"))
    ls.add_argument("--all", action="store_true", help=_("also answered and handled ones"))
    ls.add_argument("--network", default="", help=_("only this network (facebook, x...)"))
    what.add_parser("summary", help=_("how many comments are open and since when"))
    what.add_parser("collect", help=_("collect new comments now"))
    ex = what.add_parser("export", help=_("write the comments and replies to a CSV file"))
    ex.add_argument("path", type=Path, metavar="FILE.csv")
    pu = what.add_parser("purge", help=_("erase personal data past the retention period"))
    pu.add_argument("--force", action="store_true", help=_("purge even what was never exported"))
    cmd.set_defaults(handler=cmd_inbox)


def cmd_inbox(args: argparse.Namespace) -> int:
    """Run one ``inbox`` subcommand. Raises AppError subclasses for refusals."""
    from app.context import AppContext

    ctx = AppContext()
    try:
        service = ctx.inbox
        if args.inbox_command == "list":
            flt = CommentFilter(network=args.network, states=() if args.all else ("open",))
            tz = ctx.settings.timezone
            for c in service.comments(flt):
                print(
                    f"#{c.id}\t{c.state}\t{c.network}\t{format_local(c.created_at, tz)}\t"
                    f"{c.author_name}\t{c.text.replace(chr(10), ' ')[:100]}"
                )
            print(service.summary())
        elif args.inbox_command == "summary":
            print(service.summary())
        elif args.inbox_command == "collect":
            result = service.collect(force=True)
            print(
                ngettext("{n} new comment.", "{n} new comments.", len(result.new_ids)).format(
                    n=len(result.new_ids)
                )
            )
            for account_id, why in result.errors.items():
                print(
                    _("{account}: {why}").format(
                        account=ctx.store.get_account(account_id).name, why=why
                    )
                )
            return 1 if result.errors else 0
        elif args.inbox_command == "export":
            n = service.export_csv(args.path)
            print(ngettext("{n} row written.", "{n} rows written.", n).format(n=n))
        elif args.inbox_command == "purge":
            n = service.purge(force=args.force)
            print(ngettext("{n} comment purged.", "{n} comments purged.", n).format(n=n))
        return 0
    finally:
        ctx.close()
