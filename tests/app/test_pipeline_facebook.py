"""End to end through the pipeline with the real Facebook client and the strict Graph
fake: native hand-off of a Page post (scheduled on Facebook itself), its text edited and
its time moved in Pregonero, published by Facebook with this computer "off", then the
first comment; a video is never handed off (Facebook refuses), it waits here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.errors import ValidationError
from app.models import DeliveryState as S
from app.networks.base import Network
from app.networks.facebook import FacebookPages
from tests.fakes.graph import FakeGraph, running_graph

PAGE = "1001"
TOKEN = "EAAGtestPAGEtoken1001secretXYZ"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
VIDEO = Path("/work/shared/samples/media/tutorial-inscripcion-1280x720.mp4")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake(clock: FixedClock) -> Iterator[FakeGraph]:
    with running_graph({PAGE: TOKEN}, clock=lambda: clock.now().timestamp()) as server:
        yield server


@pytest.fixture
def ctx(tmp_path: Path, fake: FakeGraph, clock: FixedClock) -> Iterator[AppContext]:
    def factory(key: str, remote_id: str, token: str) -> Network:
        return FacebookPages(remote_id, token, base_url=fake.url, timeout=3.0, now=clock.now)

    context = AppContext(tmp_path / "p.sqlite3", clock=clock, client_factory=factory)
    context.credentials.set(f"facebook:{PAGE}", TOKEN)
    context.store.add_account(
        network="facebook",
        name="Empleo",
        remote_id=PAGE,
        display_name="Agencia de Empleo",
        keyring_user=f"facebook:{PAGE}",
        now=NOW,
    )
    context.handoffs.set_enabled(context.accounts.by_name("Empleo").id, True)
    yield context
    context.close()


def test_page_post_handed_off_edited_moved_and_published_by_facebook(
    ctx: AppContext, fake: FakeGraph, clock: FixedClock
) -> None:
    account = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(
        text="Charla de orientación el jueves", tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.update_variant_options(post.id, "facebook", first_comment="Inscripción en la web")
    when = NOW + timedelta(hours=2)
    delivery_id = ctx.posts.schedule(post.id, when).deliveries[0].id
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF, delivery.last_error
    [held] = fake.scheduled(PAGE)
    assert held["id"] == delivery.remote_id
    assert held["scheduled_publish_time"] == int(when.timestamp())

    ctx.posts.update_text(post.id, "Charla de orientación el jueves a las 10")
    ctx.reschedule.apply(ctx.reschedule.by_days([post.id], 1))
    [held] = fake.scheduled(PAGE)
    assert held["message"] == "Charla de orientación el jueves a las 10"
    assert held["scheduled_publish_time"] == int((when + timedelta(days=1)).timestamp())

    clock.advance((timedelta(days=1, hours=2)).total_seconds() + 30)
    ctx.handoffs.sweep()
    done = ctx.store.get_delivery(delivery_id)
    assert done.state == S.PUBLISHED, done.last_error
    assert done.permalink == fake.posts(PAGE)[0]["permalink_url"]
    assert [c["message"] for c in fake.comments(done.remote_id or "")] == ["Inscripción en la web"]


def test_deleting_a_handed_off_post_deletes_it_on_facebook(
    ctx: AppContext, fake: FakeGraph
) -> None:
    account = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(
        text="Cierre de oficinas", tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.schedule(post.id, NOW + timedelta(hours=3))
    assert len(fake.scheduled(PAGE)) == 1
    ctx.posts.delete(post.id)
    assert fake.scheduled(PAGE) == []


def test_an_account_with_a_post_handed_off_cannot_be_removed(
    ctx: AppContext, fake: FakeGraph
) -> None:
    # Removing it deleted the token while Facebook still held the post: it went out at
    # its time and Pregonero could no longer move or cancel it.
    account = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(
        text="Cierre de oficinas", tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.schedule(post.id, NOW + timedelta(hours=3))
    assert ctx.store.get_post(post.id).deliveries[0].state == S.HANDED_OFF
    with pytest.raises(ValidationError) as refused:
        ctx.accounts.remove(account)
    assert str(refused.value) == "1 post is still queued for Empleo; cancel or move it first."
    assert ctx.credentials.get(f"facebook:{PAGE}") == TOKEN
    ctx.posts.delete(post.id)  # taken back from Facebook
    assert fake.scheduled(PAGE) == []
    ctx.accounts.remove(account)


@pytest.mark.skipif(not VIDEO.exists(), reason="no sample video")
def test_a_video_is_not_handed_off_and_waits_here(ctx: AppContext, fake: FakeGraph) -> None:
    account = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(text="Tutorial", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.add_media(post.id, VIDEO)
    ctx.posts.update_variant_options(post.id, "facebook", kind="video", title="Tutorial")
    delivery_id = ctx.posts.schedule(post.id, NOW + timedelta(hours=3)).deliveries[0].id
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED
    assert fake.scheduled(PAGE) == [] and fake.requests() == []


def test_first_comment_still_written_when_the_posts_answer_was_lost(
    ctx: AppContext, fake: FakeGraph, clock: FixedClock
) -> None:
    # The post was created but its answer never arrived: reconciliation finds it on the
    # Page and marks it published. Its first comment (often the link) used to be lost.
    account = ctx.accounts.by_name("Empleo")
    ctx.handoffs.set_enabled(account.id, False)
    post = ctx.posts.create_draft(
        text="Feria de empleo el sábado", tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.update_variant_options(post.id, "facebook", first_comment="Inscripción en la web")
    delivery_id = ctx.posts.schedule(post.id, NOW + timedelta(minutes=5)).deliveries[0].id
    clock.advance(5 * 60)
    fake.drop_after_create_next(r"/feed$")
    ctx.publishing.publish(delivery_id)
    done = ctx.store.get_delivery(delivery_id)
    assert done.state == S.PUBLISHED, done.last_error
    assert len(fake.posts(PAGE)) == 1
    assert [c["message"] for c in fake.comments(done.remote_id or "")] == ["Inscripción en la web"]
    # Health: the reconciled post counts as the account's last successful call.
    assert ctx.accounts.by_name("Empleo").last_ok_at == clock.now()
