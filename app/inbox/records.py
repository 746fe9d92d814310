"""The records export of the inbox and the retention purge of personal data.

Comments hold citizens' names. Answered and handled comments are purged (names,
texts and links erased, a tombstone kept so collecting never brings them back)
a number of days after they were closed (setting ``inbox_retention_days``,
default 90). Nothing is purged before it went into a records export (CSV of the
comments with their replies and who handled them) unless the caller says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.clock import Clock
from app.errors import StorageError, ValidationError
from app.i18n import _, ngettext
from app.inbox.actions import current_actor, reason_label
from app.storage.inbox import Comment, InboxStore
from app.timeutil import to_iso


@dataclass(frozen=True)
class PurgePlan:
    """What a purge would erase: comment ids, and how many were never exported."""

    ids: tuple[int, ...]
    not_exported: int


def export_csv(inbox: InboxStore, path: Path, clock: Clock, handled_only: bool = False) -> int:
    """Write the comments with their replies and who handled them to ``path``.

    UTF-8 with a BOM (Excel opens it right), one row per comment or reply, times in
    ISO UTC. The exported comments are marked so that the purge may erase them.
    Returns the number of rows. Raises StorageError if the file cannot be written.
    """
    comments = inbox.for_export(handled_only=handled_only)
    header = [
        _("Network"),
        _("Account"),
        _("Post"),
        _("Post link"),
        _("Comment id"),
        _("In reply to"),
        _("Author"),
        _("Written at"),
        _("Comment"),
        _("Link"),
        _("State"),
        _("Reason"),
        _("Note"),
        _("Handled at"),
        _("Handled by"),
        _("Our reply"),
        _("Reply id"),
    ]
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for c in comments:
                writer.writerow(_row(c))
    except OSError as exc:
        raise StorageError(
            _("Could not write {path}: {why}").format(path=path, why=exc.strerror or exc)
        ) from None
    inbox.mark_exported([c.id for c in comments], clock.now())
    return len(comments)


#: A cell starting with one of these is a formula for Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it, never run as a formula (citizens write these
    cells): a leading ``'`` is added before ``= + - @`` (OWASP "CSV Injection")."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(c: Comment) -> list[str]:
    return [safe_cell(cell) for cell in _raw_row(c)]


def _raw_row(c: Comment) -> list[str]:
    return [
        c.network,
        c.account_name,
        c.post_label or c.post_remote_id,
        c.post_permalink,
        c.remote_id,
        c.parent_remote_id or "",
        c.author_name,
        to_iso(c.created_at),
        c.text,
        c.permalink,
        state_label(c.state),
        reason_label(c.reason) if c.reason else "",
        c.note,
        to_iso(c.handled_at) if c.handled_at else "",
        c.handled_by,
        c.reply_text if c.reply_state == "sent" else "",
        c.reply_remote_id or "",
    ]


def state_label(state: str) -> str:
    """Translated name of a comment state."""
    return {
        "open": _("Open"),
        "answered": _("Answered"),
        "handled": _("Handled"),
        "own": _("Ours"),
    }.get(state, state)


def plan_purge(
    inbox: InboxStore, now: datetime, retention_days: int, exported_only: bool = False
) -> PurgePlan:
    """Which comments the retention setting says to erase now (``exported_only``: only
    those already in a records export)."""
    before = now - timedelta(days=max(0, retention_days))
    candidates = inbox.purge_candidates(before)
    if exported_only:
        candidates = [c for c in candidates if exported_closed(c)]
    return PurgePlan(
        tuple(c.id for c in candidates), sum(1 for c in candidates if not exported_closed(c))
    )


def exported_closed(c: Comment) -> bool:
    """True when a records export was taken after the comment was closed (so the export
    holds its reply and who handled it)."""
    if c.exported_at is None:
        return False
    return c.handled_at is None or c.exported_at >= c.handled_at


def purge(
    inbox: InboxStore,
    clock: Clock,
    retention_days: int,
    *,
    force: bool = False,
    exported_only: bool = False,
    actor: str | None = None,
) -> int:
    """Erase the personal data of comments closed more than ``retention_days`` ago.

    Open comments are never purged. Raises ValidationError when some of them were not
    exported yet, unless ``force`` (purge them too) or ``exported_only`` (leave them).
    Returns how many comments were purged.
    """
    plan = plan_purge(inbox, clock.now(), retention_days, exported_only)
    if plan.not_exported and not force:
        raise ValidationError(
            ngettext(
                "{n} comment to purge was never exported for the records. Export the comments "
                "first, or purge anyway.",
                "{n} comments to purge were never exported for the records. Export the "
                "comments first, or purge anyway.",
                plan.not_exported,
            ).format(n=plan.not_exported),
            code="not_exported",
        )
    return inbox.purge(plan.ids, clock.now(), current_actor() if actor is None else actor)
