"""Instagram through the real pipeline (AppContext, PublishingService.prepare/publish)
against the strict fakes: prepared ahead with progress in the store, published once,
media host cleaned up, live quota cached, stories and reels checked as what they are."""

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
from app.networks.base import Network, PostOptions
from app.networks.instagram import Instagram
from app.networks.registry import create_client
from app.services.instagram_support import save_media_host
from app.storage.variants import set_account_option
from tests.fakes.instagram import FakeInstagram
from tests.fakes.wordpress import FakeWordPress

NOW = datetime(2027, 1, 17, 17, 0, tzinfo=UTC)
MEDIA = Path("/work/shared/samples/media")
IG, TOKEN = "1784", "EAAGpage-token-ig"
WP_USER, WP_PASSWORD = "comunicacion", "abcd efgh"
World = tuple[AppContext, FakeInstagram, FakeWordPress]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = FixedClock(NOW)  # one clock for Pregonero and Instagram's processing
    with (
        FakeInstagram(clock=lambda: clock.now().timestamp()) as ig,
        FakeWordPress({WP_USER: WP_PASSWORD}) as wp,
    ):
        ig.add_account(IG, TOKEN, username="empleo_region")

        def factory(key: str, remote_id: str, token: str, **kw: Any) -> Network:
            if key == "instagram":
                return Instagram(remote_id, token, base_url=ig.url, timeout=5, sleep=lambda s: None)
            return create_client(key, remote_id, token)

        ctx = AppContext(tmp_path / "p.sqlite3", clock=clock, client_factory=factory)
        account = ctx.accounts.connect("instagram", name="IG", remote_id=IG, token=TOKEN)
        config = MediaHostConfig("wordpress", "https://empleo.example.es", WP_USER)
        save_media_host(ctx.store, ctx.credentials, account, config, WP_PASSWORD)
        # The settings want https; the fake site is http: point the stored config at it.
        set_account_option(
            ctx.store, account.id, "media_host", {**config.to_options(), "site": wp.url}
        )
        yield ctx, ig, wp
        ctx.close()


def advance(ctx: AppContext, seconds: float) -> None:
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(seconds)


def schedule(
    ctx: AppContext, text: str, media: list[tuple[str, str]], minutes: int, **opts: Any
) -> int:
    account = ctx.accounts.by_name("IG")
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[account.id])
    for name, alt in media:
        ctx.posts.add_media(post.id, MEDIA / name, alt)
    if opts:
        ctx.posts.set_variant_options(post.id, "instagram", PostOptions(**opts))
    ctx.posts.set_time(post.id, ctx.clock.now() + timedelta(minutes=minutes), "Europe/Madrid")
    [delivery] = ctx.posts.schedule(post.id).deliveries
    return delivery.id


def test_carousel_prepared_ahead_then_published_once(world: World) -> None:
    ctx, ig, wp = world
    delivery_id = schedule(
        ctx,
        "Mañana se abre el plazo: te contamos cómo en 3 pasos 👇",
        [(f"carrusel-{i}-1080x1080.jpg", f"Paso {i}") for i in (1, 2, 3)],
        60,
    )
    delivery = ctx.store.get_delivery(delivery_id)
    assert ctx.publishing.prepare_lead_seconds(delivery) == 15 * 60
    advance(ctx, 50 * 60)
    assert ctx.publishing.prepare(delivery_id) is True
    progress = ctx.store.get_delivery(delivery_id).progress
    assert len(progress["children"]) == 3 and progress["container"]
    assert len(progress["hosted"]) == 3 and len(wp.media()) == 3
    assert TOKEN not in json.dumps(progress) and WP_PASSWORD not in json.dumps(progress)
    advance(ctx, 10 * 60)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    assert len(ig.containers(IG)) == 4  # three children and the carousel: nothing made twice
    [media] = ig.media(IG)
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.remote_id == media.id and delivery.permalink.startswith("https://www.instagram")
    assert wp.media() == []  # cleaned up after publishing
    limit = ctx.store.get_account(delivery.account_id).options["publishing_limit"]
    assert (limit["quota_usage"], limit["quota_total"]) == (1, 50)


def test_story_is_checked_as_a_story_and_goes_out(world: World) -> None:
    ctx, ig, _wp = world
    delivery_id = schedule(
        ctx, "Historia", [("story-1080x1920.jpg", "Plazo abierto")], 30, kind="story"
    )
    advance(ctx, 30 * 60)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    assert [m.kind for m in ig.media(IG)] == ["STORY"]


def test_reel_uploads_ahead_with_a_longer_lead(world: World) -> None:
    ctx, ig, wp = world
    ig.video_seconds = 120  # Instagram takes two minutes to process it
    delivery_id = schedule(
        ctx,
        "🚨 Hoy es el último día para inscribirte",
        [("reel-ultimo-dia-720x1280.mp4", "")],
        60,
        kind="reel",
    )
    delivery = ctx.store.get_delivery(delivery_id)
    assert ctx.publishing.prepare_lead_seconds(delivery) == Instagram.video_prepare_lead_seconds
    advance(ctx, 30 * 60)
    assert ctx.publishing.prepare(delivery_id) is False  # uploaded, still processing
    assert ctx.store.get_delivery(delivery_id).progress["children"]["0"]["uploaded"] is True
    advance(ctx, 30 * 60)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    assert [m.kind for m in ig.media(IG)] == ["REELS"]
    uploads = [r for r in ig.requests() if r["path"].startswith("/ig-api-upload/")]
    assert len(uploads) == 1 and wp.media() == []
