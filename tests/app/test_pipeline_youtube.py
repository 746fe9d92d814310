"""End to end through the pipeline with the real YouTube client and its strict fake:
a post's YouTube version (video, title, tags, privacy) is uploaded ahead with publishAt
(native hand-off), moved when rescheduled in Pregonero, and recorded as published with
its permalink once YouTube publishes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.networks.base import Network
from app.networks.youtube import YouTube
from app.networks.youtube_upload import GRANULARITY
from tests.fakes.youtube import FakeYouTube, running_youtube

CHANNEL = "UCtestChannel0000000000001"
TOKEN = "test-token-for-the-channel-secret"
VIDEO = Path("/work/shared/samples/media/tutorial-inscripcion-1280x720.mp4")
NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not VIDEO.exists(), reason="no sample video")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake(clock: FixedClock) -> Iterator[FakeYouTube]:
    with running_youtube({CHANNEL: TOKEN}, clock=lambda: clock.now().timestamp()) as server:
        yield server


@pytest.fixture
def ctx(tmp_path: Path, fake: FakeYouTube, clock: FixedClock) -> Iterator[AppContext]:
    def factory(key: str, remote_id: str, token: str) -> Network:
        assert key == "youtube"
        return YouTube(
            remote_id,
            token,
            base_url=fake.url,
            timeout=5.0,
            clock=clock.now,
            chunk_size=4 * GRANULARITY,
            sleep=lambda s: None,
        )

    context = AppContext(tmp_path / "p.sqlite3", clock=clock, client_factory=factory)
    # A channel id is not a number, so it is added the way a browser sign-in adds it.
    context.credentials.set(f"youtube:{CHANNEL}", TOKEN)
    context.store.add_account(
        network="youtube",
        name="Canal",
        remote_id=CHANNEL,
        display_name="Canal de empleo",
        keyring_user=f"youtube:{CHANNEL}",
        now=NOW,
    )
    yield context
    context.close()


def youtube_post(ctx: AppContext) -> int:
    account = ctx.accounts.by_name("Canal")
    post = ctx.posts.create_draft(
        text="Cómo inscribirte en los cursos, paso a paso.",
        tz="Europe/Madrid",
        account_ids=[account.id],
    )
    ctx.posts.set_variant_own_media(post.id, "youtube", True)
    ctx.posts.add_media(post.id, VIDEO, network="youtube")
    ctx.posts.update_variant_options(
        post.id,
        "youtube",
        kind="video",
        title="Cómo inscribirte",
        tags=("empleo", "formación"),
        category_id="27",
        privacy="public",
    )
    return post.id


def test_youtube_version_handed_off_moved_and_published(
    ctx: AppContext, fake: FakeYouTube, clock: FixedClock
) -> None:
    ctx.handoffs.set_enabled(ctx.accounts.by_name("Canal").id, True)
    post_id = youtube_post(ctx)
    when = NOW + timedelta(days=2)
    post = ctx.posts.schedule(post_id, when, overrides=None)
    delivery = ctx.store.get_delivery(post.deliveries[0].id)
    assert delivery.state == S.HANDED_OFF, delivery.last_error
    [video] = fake.videos()
    assert video["id"] == delivery.remote_id
    assert video["snippet"]["title"] == "Cómo inscribirte"
    assert video["snippet"]["tags"] == ["empleo", "formación"]
    assert video["status"]["privacyStatus"] == "private"
    assert video["status"]["publishAt"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")

    # Moving it in Pregonero moves publishAt on YouTube.
    ctx.reschedule.apply(ctx.reschedule.by_days([post_id], 1))
    later = when + timedelta(days=1)
    [video] = fake.videos()
    assert video["status"]["publishAt"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ctx.store.get_delivery(delivery.id).state == S.HANDED_OFF

    # YouTube publishes it at its time (this computer may have been off meanwhile).
    clock.advance((later - NOW).total_seconds() + 120)
    ctx.handoffs.sweep()
    done = ctx.store.get_delivery(delivery.id)
    assert done.state == S.PUBLISHED and done.permalink and delivery.remote_id in done.permalink


def test_deleting_the_post_deletes_the_uploaded_video(ctx: AppContext, fake: FakeYouTube) -> None:
    ctx.handoffs.set_enabled(ctx.accounts.by_name("Canal").id, True)
    post_id = youtube_post(ctx)
    ctx.posts.schedule(post_id, NOW + timedelta(days=2))
    assert len(fake.videos()) == 1
    ctx.posts.delete(post_id)
    assert fake.videos() == []


def test_without_hand_off_it_is_uploaded_at_its_time(
    ctx: AppContext, fake: FakeYouTube, clock: FixedClock
) -> None:
    post_id = youtube_post(ctx)
    post = ctx.posts.schedule(post_id, NOW + timedelta(hours=1))
    assert fake.videos() == []
    clock.advance(3600)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    [video] = fake.videos()
    assert video["status"]["privacyStatus"] == "public"
