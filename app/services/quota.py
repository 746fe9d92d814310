"""Instagram's publishing quota in the scheduling checks.

The quota of an Instagram account (posts per rolling 24 h) is read from the network by
:func:`refresh_quota` (:meth:`Instagram.publishing_limit`) and cached in the account's
``options["publishing_limit"]`` = ``{"quota_total", "quota_duration", "quota_usage",
"read_at"}``; the checks use the cached value, or :data:`DEFAULT_QUOTA` when it was never
read. :func:`quota_findings_for` is what :class:`app.services.checking.CheckService` adds
to a stored post's findings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.checks.model import Finding
from app.checks.quota import quota_findings
from app.models import Account, DeliveryState, Post
from app.networks.instagram import DEFAULT_QUOTA, QUOTA_WINDOW_SECONDS, Instagram
from app.storage.repository import Store
from app.storage.variants import set_account_option

OPTIONS_KEY = "publishing_limit"
COUNTED = frozenset(
    {
        DeliveryState.SCHEDULED,
        DeliveryState.PUBLISHING,
        DeliveryState.PUBLISHED,
        DeliveryState.UNCONFIRMED,
        DeliveryState.HANDED_OFF,
    }
)
"""Deliveries that take (or took) a place in the quota."""


def cached_quota(account: Account) -> tuple[int, int]:
    """``(quota_total, quota_duration seconds)`` cached for ``account``, else the defaults."""
    raw = account.options.get(OPTIONS_KEY)
    if isinstance(raw, dict):
        total, duration = raw.get("quota_total"), raw.get("quota_duration")
        if isinstance(total, int) and total > 0:
            return total, duration if isinstance(duration, int) and duration > 0 else (
                QUOTA_WINDOW_SECONDS
            )
    return DEFAULT_QUOTA, QUOTA_WINDOW_SECONDS


def refresh_quota(
    store: Store, account: Account, client: Instagram, now: datetime
) -> dict[str, Any]:
    """Read the live quota of ``account`` with ``client`` and cache it in the account's
    options (only the ``publishing_limit`` key is written). Returns the cached dict.
    Raises the client's network errors (nothing is written then)."""
    usage, total, duration = client.publishing_limit()
    value = {
        "quota_usage": usage,
        "quota_total": total,
        "quota_duration": duration,
        "read_at": now.isoformat(),
    }
    set_account_option(store, account.id, OPTIONS_KEY, value)
    account.options[OPTIONS_KEY] = value
    return value


def quota_findings_for(store: Store, post: Post, when: datetime) -> list[Finding]:
    """Errors for each Instagram account of ``post`` whose quota would be exceeded in a
    rolling window around ``when`` (other posts of the account: scheduled, publishing,
    unconfirmed at their due time, published at their publication time)."""
    found: list[Finding] = []
    for delivery in post.deliveries:
        if delivery.state == DeliveryState.CANCELLED:
            continue
        try:
            account = store.get_account(delivery.account_id)
        except KeyError:
            continue
        if account.network != Instagram.key:
            continue
        total, seconds = cached_quota(account)
        window = timedelta(seconds=seconds)
        others: list[datetime] = []
        for other in store.deliveries_in(COUNTED, account_id=account.id):
            if other.post_id == post.id:
                continue
            at = other.published_at if other.state == DeliveryState.PUBLISHED else other.due_at
            if at is not None and abs(at - when) < window:
                others.append(at)
        found += quota_findings(
            when,
            others,
            total,
            account=account.display_name or account.name,
            tz=post.tz,
            window=window,
        )
    return found
