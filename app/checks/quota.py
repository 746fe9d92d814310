"""Publishing quotas over a rolling window (Instagram: posts per 24 h per account).

Source: the media_publish reference (updated 2025-01-21) says 50 API-published posts per
rolling 24 h per account; the live value is read from ``content_publishing_limit``
(:meth:`app.networks.instagram.Instagram.publishing_limit`). Carousels count as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.checks.model import ERROR, Finding
from app.i18n import _
from app.timeutil import zone

DEFAULT_WINDOW = timedelta(hours=24)


def busiest_window(
    when: datetime, others: Sequence[datetime], window: timedelta = DEFAULT_WINDOW
) -> tuple[int, datetime]:
    """The most posts (``when`` included) in any window of length ``window`` that
    contains ``when``, and the start of the first such window. All aware datetimes."""
    times = sorted([*others, when])
    best, best_start = 0, when
    starts = [t for t in times if when - window < t <= when]
    for start in starts:
        end = start + window
        count = sum(1 for t in times if start <= t < end)
        if count > best:
            best, best_start = count, start
    return best, best_start


def quota_findings(
    when: datetime,
    others: Sequence[datetime],
    quota: int,
    *,
    network: str = "instagram",
    label: str = "Instagram",
    account: str = "",
    tz: str = "UTC",
    window: timedelta = DEFAULT_WINDOW,
) -> list[Finding]:
    """An error ``publish_quota`` when publishing at ``when`` would put more than
    ``quota`` posts of one account in some rolling ``window`` (``others``: the account's
    other posts, scheduled or published, as aware datetimes). The message names the
    window in the zone ``tz``."""
    count, start = busiest_window(when, others, window)
    if count <= quota:
        return []
    local = zone(tz)
    fmt = "%Y-%m-%d %H:%M"
    message = _(
        "{network} lets {account} publish at most {quota} posts in any {hours} hours; with "
        "this one there would be {count} between {start} and {end}. Move it or another post "
        "of that window."
    ).format(
        network=label,
        account=account or label,
        quota=quota,
        hours=int(window.total_seconds() // 3600),
        count=count,
        start=start.astimezone(local).strftime(fmt),
        end=(start + window).astimezone(local).strftime(fmt),
    )
    return [Finding("publish_quota", ERROR, message, None, "when", network=network)]
