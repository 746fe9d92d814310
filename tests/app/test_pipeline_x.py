"""End to end through the pipeline with the real X client and its strict fake: the X
version of a post (own text, a thread, a photo only for X) is prepared ahead (media
uploaded before its time, ids kept in the delivery's progress), then published as a
thread; the Facebook-style main text never reaches X."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.networks.base import Network
from app.networks.x import XAccount
from tests.fakes.x import FakeX, running_x

USER = "2244994945"
TOKEN = "x-user-token-secret"
PHOTO = Path("/work/shared/samples/media/carrusel-1-1080x1080.jpg")
NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeX]:
    with running_x({USER: TOKEN}) as server:
        yield server


@pytest.fixture
def ctx(tmp_path: Path, fake: FakeX) -> Iterator[AppContext]:
    def factory(key: str, remote_id: str, token: str) -> Network:
        return XAccount(remote_id, token, base_url=fake.url, timeout=5.0, sleep=lambda s: None)

    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=factory)
    context.credentials.set(f"x:{USER}", TOKEN)
    context.store.add_account(
        network="x",
        name="Equis",
        remote_id=USER,
        display_name="Empleo",
        keyring_user=f"x:{USER}",
        now=NOW,
    )
    yield context
    context.close()


def test_x_version_prepared_then_published_as_a_thread(ctx: AppContext, fake: FakeX) -> None:
    account = ctx.accounts.by_name("Equis")
    post = ctx.posts.create_draft(
        text="Un texto largo para Facebook " * 20, tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.set_variant_text(post.id, "x", "Abierto el plazo de los cursos 2027 🎓")
    ctx.posts.update_variant_options(
        post.id, "x", thread=("Requisitos: estar inscrito como demandante.", "Plazo: 15 feb.")
    )
    ctx.posts.set_variant_own_media(post.id, "x", True)
    ctx.posts.add_media(post.id, PHOTO, "Cartel de los cursos", network="x")
    scheduled = ctx.posts.schedule(post.id, NOW + timedelta(minutes=30))
    delivery_id = scheduled.deliveries[0].id

    assert ctx.publishing.prepare(delivery_id) is True
    assert fake.tweets(USER) == []  # prepare never publishes
    assert len(fake.media()) == 1
    progress = ctx.store.get_delivery(delivery_id).progress
    assert progress  # the media id survives a restart

    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    assert len(fake.media()) == 1  # not uploaded twice
    tweets = fake.tweets(USER)
    assert [t["text"] for t in tweets] == [
        "Abierto el plazo de los cursos 2027 🎓",
        "Requisitos: estar inscrito como demandante.",
        "Plazo: 15 feb.",
    ]
    assert tweets[1]["reply_to"] == tweets[0]["id"]
    assert tweets[0]["alt_texts"] == ["Cartel de los cursos"]
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.remote_id == tweets[0]["id"] and delivery.permalink
