"""Preparing deliveries ahead of their time (Instagram containers) and cleaning up after.

A network whose client declares ``prepare_lead_seconds > 0`` (Instagram) has its slow
work done before the due time, so the publish call itself is quick and on time:

* :meth:`PreparingService.due_for_prepare` lists the scheduled deliveries whose lead time
  has begun (:func:`app.services.instagram_support.lead_seconds`);
* :meth:`PreparingService.prepare` builds the delivery's :class:`OutgoingPost` with its
  stored ``progress`` (saved back to ``deliveries.progress`` at every ``progress.save()``)
  and calls ``client.prepare`` (and refreshes Instagram's cached publishing quota,
  :func:`app.services.quota.refresh_quota`); it never raises for network errors: they are kept in
  ``progress["prepare_error"]`` and the publish attempt deals with them;
* :meth:`PreparingService.cleanup` deletes media-host files after the delivery is
  published (or given up); what could not be deleted stays in ``progress["hosted"]``.

:func:`outgoing_for` is also what the publishing service should send (same progress), so
``publish`` reuses the prepared containers and never publishes one twice.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.clock import Clock
from app.errors import AppError, NetworkError
from app.models import Account, Delivery, DeliveryState, Post
from app.networks.base import OutgoingPost, PostOptions, Progress
from app.networks.instagram import Instagram
from app.networks.registry import NETWORKS
from app.services.accounts import AccountService
from app.services.campaigns import rendered_outgoing
from app.services.instagram_support import cleanup_hosted, configure_client, lead_seconds
from app.services.quota import refresh_quota
from app.storage.repository import Store

log = logging.getLogger(__name__)

MAX_LEAD = timedelta(hours=2)
"""No client prepares earlier than this before the due time."""


def save_progress(store: Store, delivery_id: int, data: dict[str, Any]) -> None:
    """Write ``deliveries.progress`` of ``delivery_id`` (JSON) at once."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE deliveries SET progress = ? WHERE id = ?", (json.dumps(data), delivery_id)
        )


def saver_for(store: Store, delivery_id: int) -> Callable[[dict[str, Any]], None]:
    """A :class:`Progress` saver that persists to the delivery's row."""
    return lambda data: save_progress(store, delivery_id, data)


def variant_options(store: Store, post_id: int, network: str) -> PostOptions:
    """The post's options for ``network`` from ``post_variants.options`` (kind,
    share_to_feed...); defaults when there is no variant."""
    rows = list(
        store.db.query(
            "SELECT options FROM post_variants WHERE post_id = ? AND network = ?",
            (post_id, network),
        )
    )
    try:
        raw = json.loads(rows[0]["options"]) if rows else {}
    except (ValueError, TypeError):
        raw = {}
    if not isinstance(raw, dict):
        return PostOptions()
    defaults = PostOptions()
    simple: dict[str, Any] = {}
    for f in dataclasses.fields(PostOptions):
        value, default = raw.get(f.name), getattr(defaults, f.name)
        if isinstance(default, str | bool) and type(value) is type(default):
            simple[f.name] = value
    return dataclasses.replace(defaults, **simple)


def outgoing_for(store: Store, post: Post, delivery: Delivery, network: str) -> OutgoingPost:
    """What ``delivery`` sends: the rendered post with its network options, due and
    claimed times, and its stored progress (saved back on every ``progress.save()``)."""
    out = rendered_outgoing(store, post)
    return dataclasses.replace(
        out,
        due_at=delivery.due_at or post.due_at,
        claimed_at=delivery.claimed_at,
        options=variant_options(store, post.id, network),
        progress=Progress(delivery.progress, saver_for(store, delivery.id)),
    )


class PreparingService:
    """Ahead-of-time preparation and clean-up of deliveries (see the module docstring)."""

    def __init__(self, store: Store, accounts: AccountService, clock: Clock) -> None:
        self.store = store
        self.accounts = accounts
        self.clock = clock

    def due_for_prepare(self, now: datetime | None = None) -> list[Delivery]:
        """Scheduled deliveries whose preparation should start by ``now`` (not yet ready)."""
        now = now or self.clock.now()
        found = []
        for delivery in self.store.deliveries_in(
            {DeliveryState.SCHEDULED}, due_before=now + MAX_LEAD
        ):
            if delivery.due_at is None or delivery.progress.get("ready"):
                continue
            account = self.store.get_account(delivery.account_id)
            cls = NETWORKS.get(account.network)
            if cls is None or cls.prepare_lead_seconds <= 0:
                continue
            post = self.store.get_post(delivery.post_id)
            out = outgoing_for(self.store, post, delivery, account.network)
            if delivery.due_at - timedelta(seconds=lead_seconds(cls, out)) <= now:
                found.append(delivery)
        return found

    def prepare(self, delivery_id: int) -> bool:
        """Prepare one delivery; True when it is ready to publish. Network and credential
        errors are kept in ``progress["prepare_error"]`` (``{"code", "message", "at"}``)
        and give False; nothing is raised."""
        delivery = self.store.get_delivery(delivery_id)
        account = self.store.get_account(delivery.account_id)
        post = self.store.get_post(delivery.post_id)
        out = outgoing_for(self.store, post, delivery, account.network)
        try:
            client = configure_client(
                self.accounts.client(account), account, self.accounts.credentials
            )
            ready = client.prepare(out)
            if isinstance(client, Instagram):
                self._refresh_quota(account, client)
        except AppError as exc:
            code = exc.code if isinstance(exc, NetworkError) else type(exc).__name__
            log.info("prepare of delivery %s: %s %s", delivery_id, type(exc).__name__, code)
            out.progress.data["prepare_error"] = {
                "code": code,
                "message": str(exc),
                "at": self.clock.now().isoformat(),
            }
            out.progress.save()
            return False
        out.progress.data.pop("prepare_error", None)
        out.progress.data["ready"] = bool(ready)
        out.progress.save()
        return bool(ready)

    def _refresh_quota(self, account: Account, client: Instagram) -> None:
        """Keep the account's cached publishing quota fresh (a failed read is ignored)."""
        try:
            refresh_quota(self.store, account, client, self.clock.now())
        except AppError:
            log.info("publishing limit of account %s not read", account.id)

    def cleanup(self, delivery_id: int) -> list[str]:
        """Delete the delivery's files on the media host (after PUBLISHED, FAILED or
        CANCELLED); returns what is left for a later try."""
        delivery = self.store.get_delivery(delivery_id)
        if not delivery.progress.get("hosted"):
            return []
        account = self.store.get_account(delivery.account_id)
        post = self.store.get_post(delivery.post_id)
        out = outgoing_for(self.store, post, delivery, account.network)
        try:
            client = configure_client(
                self.accounts.client(account), account, self.accounts.credentials
            )
        except AppError:
            return list(delivery.progress.get("hosted") or [])
        return cleanup_hosted(client, out)
