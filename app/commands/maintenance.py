"""``pregonero backup``, ``pregonero restore`` and ``pregonero history`` (the record)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from app import paths
from app.backup import list_backups, make_backup, restore_backup
from app.errors import StorageError
from app.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the backup, restore and history commands."""
    backup = sub.add_parser("backup", help=_("copy the database now, or list the copies"))
    backup.add_argument("--list", action="store_true", help=_("list the existing backups"))
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser("restore", help=_("replace the database with a backup"))
    restore.add_argument("file", type=Path)
    restore.set_defaults(handler=cmd_restore)
    history = sub.add_parser("history", help=_("export the publication record"))
    history.add_argument(
        "--format", choices=["csv", "json"], default=None, help=_("default: from the file name")
    )
    history.add_argument("--post", type=int, default=None, help=_("only this post"))
    history.add_argument(
        "-o", "--output", type=Path, required=True, help=_("a file, or - for the screen")
    )
    history.set_defaults(handler=cmd_history)


def cmd_backup(args: argparse.Namespace) -> int:
    """Make a backup now, or list them."""
    if args.list:
        for path in list_backups(paths.db_path()):
            print(path)
        return 0
    from app.context import AppContext

    keep = AppContext().settings.backups_keep
    print(make_backup(paths.db_path(), datetime.now(), keep=keep))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup, refusing while another Pregonero publishes."""
    from schedulers.lock import PublisherLock

    lock = PublisherLock(paths.publisher_lock_path())
    if not lock.try_acquire():
        raise StorageError(
            _("Close the Pregonero window and stop “pregonero run” before restoring a backup.")
        )
    try:
        saved = restore_backup(paths.db_path(), args.file.expanduser(), datetime.now())
    finally:
        lock.release()
    print(
        _("Restored {file}. The database as it was is kept in {saved}.").format(
            file=args.file, saved=saved
        )
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Export the publication record as CSV or JSON."""
    from app.context import AppContext
    from app.record import export_record

    ctx = AppContext()
    if args.format is None:
        args.format = "json" if args.output.suffix.lower() == ".json" else "csv"
    if str(args.output) == "-":
        from app.record import record, write_record

        write_record(sys.stdout, args.format, record(ctx.store, args.post))
        return 0
    count = export_record(ctx.store, args.output, args.format, args.post)
    print(_("{n} entries written to {path}.").format(n=count, path=args.output))
    return 0
