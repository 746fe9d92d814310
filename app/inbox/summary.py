"""The inbox in one line: "N open, the oldest from 2 days ago", in the user's language."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_timedelta

from app.i18n import _, current_language, ngettext


def relative_age(oldest: datetime, now: datetime, language: str | None = None) -> str:
    """How long ago ``oldest`` was (aware UTC), e.g. "2 days ago" / "hace 2 días"."""
    return format_timedelta(
        oldest - now,
        add_direction=True,
        threshold=1.0,
        locale=language or current_language(),
    )


def summary_line(
    open_count: int, oldest: datetime | None, now: datetime, language: str | None = None
) -> str:
    """ "N open, the oldest from 2 days ago" ("No open comments" when there are none)."""
    if open_count <= 0 or oldest is None:
        return _("No open comments")
    count = ngettext("{n} open comment", "{n} open comments", open_count).format(n=open_count)
    return _("{count}, the oldest from {age}").format(
        count=count, age=relative_age(oldest, now, language)
    )
