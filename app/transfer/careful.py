"""The one place an import calls the careful-publishing checks (issue 7, :mod:`app.checks`).

Every row that has a time goes through :func:`app.checks.run_checks` offline (no link
is fetched; dates in the text, weekdays, relative days, key dates, hashtags, alt text,
network media rules). A finding that is an error there is an error here when the rows
are imported as scheduled, and a warning when they land as drafts (the composer shows
it again before scheduling). Findings the dry run already reports in its own words
(:data:`ALREADY_CHECKED`) are left out so a row does not say the same thing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from app.checks import KeyDate, MediaItem, run_checks
from app.transfer.model import Reason, ResolvedMedia, Severity

#: Finding codes the dry run checks itself (network_class(...).validate, media formats/size).
ALREADY_CHECKED = frozenset({"text_too_long", "media_too_many", "media_format", "media_too_large"})


def text_checks(
    text: str,
    *,
    link: str | None,
    due_at: datetime,
    tz: str,
    networks: Sequence[str],
    media: Sequence[ResolvedMedia],
    language: str,
    key_date: tuple[str, date, str] | None,
    strict: bool,
) -> list[Reason]:
    """Findings of the careful-publishing checks on one row, as dry-run reasons.

    ``due_at`` is the aware instant the post goes out, ``tz`` its IANA zone, ``networks``
    the target networks' keys, ``media`` the photos already read (others are skipped),
    ``key_date`` (name, day, campaign) of a pinned row. ``strict`` (importing as
    scheduled) keeps the checks' errors as errors; else they become warnings.
    """
    findings = run_checks(
        text,
        publish_at=due_at,
        tz=tz,
        networks=networks,
        link=link,
        media=[
            MediaItem(m.local_path, m.ref.alt)
            for m in media
            if m.local_path is not None and m.format is not None
        ],
        language=language or None,
        key_date=KeyDate(key_date[0], key_date[1], key_date[2]) if key_date else None,
    )
    out = []
    for finding in findings:
        if finding.code in ALREADY_CHECKED:
            continue
        severity = Severity.ERROR if finding.is_error and strict else Severity.WARNING
        out.append(Reason(severity, finding.code, finding.message))
    return out
