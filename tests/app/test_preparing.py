"""Preparing Instagram deliveries ahead of time, with progress kept in the store, then
publishing with the same progress (no second container, no second publish) and cleaning
up the media host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.mediahost.config import MediaHostConfig
from app.models import DeliveryState as S
from app.networks.base import Network
from app.networks.instagram import Instagram
from app.networks.registry import create_client
from app.services.instagram_support import save_media_host
from app.services.preparing import PreparingService, outgoing_for, save_progress
from tests.fakes.instagram import FakeInstagram
from tests.fakes.wordpress import FakeWordPress

NOW = datetime(2027, 1, 17, 17, 0, tzinfo=UTC)
MEDIA = Path("/work/shared/samples/media")
IG, TOKEN = "1784", "EAAGpage-token-ig"
WP_USER, WP_PASSWORD = "comunicacion", "abcd efgh"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[AppContext, FakeInstagram, FakeWordPress]]:
    with FakeInstagram() as ig, FakeWordPress({WP_USER: WP_PASSWORD}) as wp:
        ig.add_account(IG, TOKEN, username="empleo_region")

        def factory(key: str, remote_id: str, token: str, **kw: Any) -> Network:
            if key == "instagram":
                return Instagram(remote_id, token, base_url=ig.url, timeout=5, sleep=lambda s: None)
            return create_client(key, remote_id, token)

        ctx = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=factory)
        account = ctx.accounts.connect("instagram", name="IG", remote_id=IG, token=TOKEN)
        # an https site is required in the settings; the fake is http, so write it as stored
        save_media_host(
            ctx.store,
            ctx.credentials,
            account,
            MediaHostConfig("wordpress", "https://empleo.example.es", WP_USER),
            WP_PASSWORD,
        )
        from app.services.instagram_support import set_account_option

        set_account_option(
            ctx.store,
            account.id,
            "media_host",
            {"kind": "wordpress", "site": wp.url, "user": WP_USER},
        )
        yield ctx, ig, wp
        ctx.close()


def test_prepare_ahead_then_publish_with_the_same_progress(
    world: tuple[AppContext, FakeInstagram, FakeWordPress],
) -> None:
    ctx, ig, wp = world
    account = ctx.accounts.by_name("IG")
    post = ctx.posts.create_draft(
        text="Mañana se abre el plazo", tz="Europe/Madrid", account_ids=[account.id]
    )
    for i in (1, 2):
        ctx.posts.add_media(post.id, MEDIA / f"carrusel-{i}-1080x1080.jpg", f"Paso {i}")
    ctx.posts.set_time(post.id, NOW + timedelta(minutes=60), "Europe/Madrid")
    [delivery] = ctx.posts.schedule(post.id).deliveries
    service = PreparingService(ctx.store, ctx.accounts, ctx.clock)
    assert service.due_for_prepare(NOW) == []  # 60 min ahead: the 15-minute lead has not begun
    later = NOW + timedelta(minutes=50)
    assert [d.id for d in service.due_for_prepare(later)] == [delivery.id]
    assert service.prepare(delivery.id) is True
    stored = ctx.store.get_delivery(delivery.id).progress
    assert stored["ready"] is True and len(stored["children"]) == 2 and stored["container"]
    assert len(stored["hosted"]) == 2 and len(wp.media()) == 2
    assert service.due_for_prepare(later) == []
    limit = ctx.store.get_account(account.id).options["publishing_limit"]
    assert (limit["quota_usage"], limit["quota_total"]) == (0, 50)  # read live while preparing
    assert TOKEN not in json.dumps(stored) and WP_PASSWORD not in json.dumps(stored)
    # The publish call, as the pipeline will make it: same progress, nothing created again.
    fresh = ctx.store.get_delivery(delivery.id)
    out = outgoing_for(ctx.store, ctx.store.get_post(post.id), fresh, "instagram")
    client = ctx.accounts.client(account)
    result = client.publish(out)
    assert len(ig.containers(IG)) == 3 and len(ig.media(IG)) == 1
    assert ctx.store.get_delivery(delivery.id).progress["media_id"] == result.remote_id
    assert service.cleanup(delivery.id) == []
    assert wp.media() == [] and ctx.store.get_delivery(delivery.id).progress["hosted"] == []


def test_prepare_errors_are_kept_not_raised(
    world: tuple[AppContext, FakeInstagram, FakeWordPress],
) -> None:
    ctx, ig, wp = world
    wp.private = True  # Instagram cannot download from it
    account = ctx.accounts.by_name("IG")
    post = ctx.posts.create_draft(text="Aviso", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.add_media(post.id, MEDIA / "plan-formacion-2027-1080x1080.jpg", "Cartel")
    ctx.posts.set_time(post.id, NOW + timedelta(minutes=10), "Europe/Madrid")
    [delivery] = ctx.posts.schedule(post.id).deliveries
    service = PreparingService(ctx.store, ctx.accounts, ctx.clock)
    assert service.prepare(delivery.id) is False
    progress = ctx.store.get_delivery(delivery.id).progress
    assert progress["prepare_error"]["code"] == "container_error"
    assert ctx.store.get_delivery(delivery.id).state == S.SCHEDULED
    save_progress(ctx.store, delivery.id, {})
    assert ctx.store.get_delivery(delivery.id).progress == {}


def test_variant_options_give_the_instagram_kind(
    world: tuple[AppContext, FakeInstagram, FakeWordPress],
) -> None:
    from app.services.preparing import variant_options

    ctx, _ig, _wp = world
    post = ctx.posts.create_draft(text="Reel", tz="Europe/Madrid")
    assert variant_options(ctx.store, post.id, "instagram").kind == "feed"
    with ctx.store.transaction() as conn:
        conn.execute(
            "INSERT INTO post_variants(post_id, network, options) VALUES (?, ?, ?)",
            (post.id, "instagram", '{"kind": "reel", "share_to_feed": false, "tags": 3}'),
        )
    options = variant_options(ctx.store, post.id, "instagram")
    assert (options.kind, options.share_to_feed, options.tags) == ("reel", False, ())
