"""The one entry point: every check on a post, before it is scheduled or published."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from app.checks.dates import check_dates
from app.checks.hashtags import check_caption_counts, check_hashtags
from app.checks.length import check_length
from app.checks.links import DEFAULT_TIMEOUT, Fetch, check_links
from app.checks.media import check_media
from app.checks.model import Finding, KeyDate, MediaItem
from app.checks.repeats import check_repeats
from app.networks.registry import network_class
from app.timeutil import zone


def sort_key(finding: Finding) -> tuple[int, int, str, str]:
    """Errors first, then by position in the text (findings without span last), field."""
    position = finding.span[0] if finding.span is not None else 1 << 30
    return (0 if finding.is_error else 1, position, finding.field, finding.code)


def run_checks(
    text: str,
    *,
    publish_at: datetime,
    tz: str,
    networks: Sequence[str] = (),
    media: Sequence[MediaItem] = (),
    link: str | None = None,
    language: str | None = None,
    key_date: KeyDate | None = None,
    recent_texts: Sequence[str] = (),
    online: bool = False,
    fetch: Fetch | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    alt_required: bool = True,
    kinds: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Check a post and return its findings, errors first, then in text order.

    * ``text``: the post's text; spans in findings are offsets into it.
    * ``publish_at``: the aware instant the post goes out; ``tz``: the IANA zone its
      dates are read in (the post's zone, e.g. ``"Europe/Madrid"``).
    * ``networks``: target network keys (``"facebook"``); length and media limits are
      checked for each.
    * ``media``: attached files in order, with their alt text.
    * ``link``: the post's link field, if any (URLs in ``text`` are checked anyway).
    * ``language``: ``"es"``, ``"ca"`` or ``"en"`` if known (spelling of suggestions).
    * ``key_date``: the campaign key date the post is pinned to, if any.
    * ``recent_texts``: texts of the same account's recent and pending posts.
    * ``online``: also test that links answer, through ``fetch`` (default: real HTTP that
      never contacts local addresses) with ``timeout`` seconds per link. Offline, the
      checks do no I/O besides reading the media files, and take milliseconds.
    * ``alt_required``: missing alt text is an error (default) or only a warning.
    * ``kinds``: the post's kind per network (``{"instagram": "reel"}``; default feed).

    Raises ValueError for a naive ``publish_at``; ValidationError for an unknown zone or
    network.
    """
    if publish_at.tzinfo is None or publish_at.utcoffset() is None:
        raise ValueError("publish_at must be an aware datetime")
    zone(tz)
    for key in networks:
        network_class(key)
    findings: list[Finding] = []
    findings += check_dates(
        text, publish_at=publish_at, tz=tz, key_date=key_date, language=language
    )
    findings += check_length(text, networks)
    findings += check_caption_counts(text, networks)
    findings += check_media(media, networks, alt_required=alt_required, kinds=kinds)
    findings += check_links(text, link, online=online, fetch=fetch, timeout=timeout)
    findings += check_repeats(text, recent_texts)
    findings += check_hashtags(text)
    return sorted(findings, key=sort_key)
