"""Copies of the database: a daily automatic backup (keeping the last N) and restore.

Backups use SQLite's online backup API, so they are consistent while the scheduler
writes. Restoring first checks the file (a Pregonero database this version can
open, passing ``PRAGMA integrity_check``), keeps a copy of the current database
next to the backups, then replaces it. Secrets are not in the database, so a
backup holds none.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from app.errors import StorageError
from app.i18n import _
from app.storage.db import SCHEMA_VERSION

NAME = re.compile(r"^pregonero-(\d{8}-\d{6})(-before-restore)?\.sqlite3$")
DEFAULT_KEEP = 14


def backups_dir(db_path: Path) -> Path:
    """The folder that holds the backups of ``db_path`` (created if missing)."""
    folder = db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def list_backups(db_path: Path) -> list[Path]:
    """Backups of ``db_path``, newest first."""
    found = [p for p in backups_dir(db_path).iterdir() if NAME.match(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _copy(source: sqlite3.Connection, dest: Path) -> None:
    # Unique per writer: the daily backup and "Back up now" may run in the same second.
    tmp = dest.with_suffix(f".{os.getpid()}-{threading.get_ident()}.part")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        source.backup(target)
    finally:
        target.close()
    tmp.replace(dest)


def make_backup(
    db_path: Path, now: datetime, *, keep: int = DEFAULT_KEEP, suffix: str = ""
) -> Path:
    """Write ``backups/pregonero-YYYYMMDD-HHMMSS.sqlite3`` (local ``now``) and prune to ``keep``.

    Raises StorageError if the database cannot be read or the copy cannot be written.
    """
    dest = backups_dir(db_path) / f"pregonero-{now:%Y%m%d-%H%M%S}{suffix}.sqlite3"
    try:
        source = sqlite3.connect(str(db_path), timeout=10.0)
        try:
            _copy(source, dest)
        finally:
            source.close()
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(_("Could not back up the database: {why}").format(why=exc)) from None
    if keep > 0:
        regular = [
            p for p in list_backups(db_path) if not p.name.endswith("-before-restore.sqlite3")
        ]
        for old in regular[keep:]:
            old.unlink(missing_ok=True)
    return dest


def latest_backup_time(db_path: Path) -> datetime | None:
    """Local time of the newest regular backup, or None."""
    for path in list_backups(db_path):
        match = NAME.match(path.name)
        if match and not match.group(2):
            return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    return None


def check_backup(path: Path) -> None:
    """Raise StorageError unless ``path`` is a sound Pregonero database this version can open."""
    if not path.is_file():
        raise StorageError(_("The backup {path} does not exist.").format(path=path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            _("{path} is not a Pregonero database: {why}").format(path=path.name, why=exc)
        ) from None
    if "deliveries" not in tables or version < 1:
        raise StorageError(_("{path} is not a Pregonero database.").format(path=path.name))
    if version > SCHEMA_VERSION:
        raise StorageError(
            _("{path} was written by a newer version of Pregonero.").format(path=path.name)
        )
    if ok != "ok":
        raise StorageError(_("{path} is damaged: {why}").format(path=path.name, why=ok))


def restore_backup(db_path: Path, backup: Path, now: datetime) -> Path:
    """Replace the database at ``db_path`` with ``backup``; returns the copy of the old one.

    Stop publishing before calling this (the caller holds the publisher lock or no
    scheduler runs). Raises StorageError if the backup is not usable; then nothing changed.
    """
    check_backup(backup)
    saved = make_backup(db_path, now, keep=0, suffix="-before-restore")
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        target = sqlite3.connect(str(db_path), timeout=10.0)
        try:
            outcomes = _sent_deliveries(target)
            source.backup(target)
            _carry_over(target, outcomes, now)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        shutil.copyfile(saved, db_path)
        raise StorageError(_("Could not restore the backup: {why}").format(why=exc)) from None
    return saved


#: Delivery states whose network side effects a restore must not forget.
_SENT = ("published", "publishing", "unconfirmed", "handed_off")


def _sent_deliveries(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Deliveries of the current database that reached (or may have reached) the network."""
    marks = ", ".join("?" for _s in _SENT)
    return list(
        conn.execute(
            "SELECT id, state, remote_id, permalink, published_at, claimed_at FROM deliveries "
            f"WHERE state IN ({marks})",
            _SENT,
        )
    )


def _carry_over(conn: sqlite3.Connection, sent: list[tuple[object, ...]], now: datetime) -> None:
    """Never publish twice after a restore: keep what the network already has.

    A delivery published after the backup was taken is still published in the restored
    database (with its remote id and permalink, and a line in the record saying so); one
    whose outcome was unknown becomes ``unconfirmed``, so it is reconciled before any resend.
    """
    when = now.astimezone().astimezone(UTC).isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for delivery_id, state, remote_id, permalink, published_at, claimed_at in sent:
            row = conn.execute(
                "SELECT state FROM deliveries WHERE id = ?", (delivery_id,)
            ).fetchone()
            if row is None or row[0] == state or row[0] == "published":
                continue
            to = "published" if state == "published" else "unconfirmed"
            conn.execute(
                "UPDATE deliveries SET state = ?, remote_id = ?, permalink = ?, "
                "published_at = ?, claimed_at = COALESCE(?, claimed_at), updated_at = ? "
                "WHERE id = ?",
                (to, remote_id, permalink, published_at, claimed_at, when, delivery_id),
            )
            conn.execute(
                "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, reason, "
                "detail) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    delivery_id,
                    when,
                    row[0],
                    to,
                    "kept through a backup restore",
                    f"{state} before the restore {remote_id or ''}".strip(),
                ),
            )
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        raise
