"""LinkedIn through the publishing service, the registry and the keyring (fake API)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import Account
from app.models import DeliveryState as S
from app.networks import linkedin as linkedin_module
from tests.fakes.linkedin import DEFAULT_ORG, DEFAULT_TOKEN, FakeLinkedIn, running_linkedin

SAMPLES = Path("/work/shared/samples")
ORG = f"urn:li:organization:{DEFAULT_ORG}"
MADRID = ZoneInfo("Europe/Madrid")
START = datetime(2027, 1, 1, 9, 0, tzinfo=MADRID)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLinkedIn]:
    with running_linkedin(processing_polls=0) as server:
        monkeypatch.setenv("PREGONERO_LINKEDIN_API", server.url)
        yield server


@pytest.fixture
def ctx(tmp_path: Path, fake: FakeLinkedIn) -> Iterator[AppContext]:
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(START))
    yield context
    context.close()


def linkedin_account(ctx: AppContext) -> Account:
    # Sign-in (issue 3) adds LinkedIn accounts; here the store and keyring directly.
    user = f"linkedin:{ORG}"
    ctx.credentials.set(user, DEFAULT_TOKEN)
    return ctx.store.add_account(
        network="linkedin",
        name="Empleo LinkedIn",
        remote_id=ORG,
        display_name="Agencia",
        keyring_user=user,
        now=ctx.clock.now(),
    )


def samples() -> list[dict[str, Any]]:
    data = json.loads((SAMPLES / "posts.json").read_text(encoding="utf-8"))
    return [p for p in data["posts"] if "linkedin" in p["channels"]]


def test_linkedin_samples_publish_once_each(ctx: AppContext, fake: FakeLinkedIn) -> None:
    account = linkedin_account(ctx)
    assert isinstance(ctx.clock, FixedClock)
    wanted = []
    for sample in samples():
        when = datetime.strptime(sample["local_time"], "%Y-%m-%d %H:%M").replace(tzinfo=MADRID)
        media = [
            (SAMPLES / m["path"], m.get("alt", {}).get("es", "")) for m in sample.get("media", [])
        ]
        post = ctx.posts.create_scheduled(
            text=sample["text"]["es"],
            link=None,
            media=media,
            account_ids=[account.id],
            when=when,
            tz="Europe/Madrid",
        )
        wanted.append((when, post, sample))
    for when, post, _sample in sorted(wanted, key=lambda w: w[0]):
        ctx.clock.advance((when + timedelta(seconds=1) - ctx.clock.now()).total_seconds())
        state = ctx.publishing.publish(post.deliveries[0].id)
        delivery = ctx.store.get_delivery(post.deliveries[0].id)
        assert state == S.PUBLISHED, delivery.last_error
        assert delivery.remote_id and delivery.remote_id.startswith("urn:li:share:")
        assert delivery.permalink == f"https://www.linkedin.com/feed/update/{delivery.remote_id}/"
    stored = fake.posts(ORG)
    assert [p["plain"] for p in stored] == [
        s["text"]["es"] for _w, _p, s in sorted(wanted, key=lambda w: w[0])
    ]
    assert not any(p["truncated"] for p in stored)
    with_media = [p for p in stored if p["content"]]
    assert len(with_media) == sum(1 for s in samples() if s.get("media"))


def test_truncation_fails_the_delivery_with_the_lost_text(
    ctx: AppContext, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = linkedin_account(ctx)
    monkeypatch.setattr(linkedin_module.little, "escape", lambda text: text)
    post = ctx.posts.create_scheduled(
        text="Abierto el plazo (hasta el lunes).",
        link=None,
        media=[],
        account_ids=[account.id],
        when=START + timedelta(minutes=5),
        tz="Europe/Madrid",
    )
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(600)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.FAILED
    delivery = ctx.store.get_delivery(post.deliveries[0].id)
    assert "(hasta el lunes)." in delivery.last_error
    [stored] = fake.posts(ORG)
    assert stored["urn"] in delivery.last_error  # the permalink: the user can fix it there


def test_lost_answer_is_reconciled_by_the_service(ctx: AppContext, fake: FakeLinkedIn) -> None:
    account = linkedin_account(ctx)
    post = ctx.posts.create_scheduled(
        text="Feria de Empleo (jueves)",
        link=None,
        media=[],
        account_ids=[account.id],
        when=START + timedelta(minutes=5),
        tz="Europe/Madrid",
    )
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(600)
    fake.drop_after_create_next(r"^/rest/posts$")
    # The fake stamps posts with the real time; the service's clock is fixed in 2027.
    fake.clock = lambda: ctx.clock.now().timestamp()
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    [stored] = fake.posts(ORG)
    assert ctx.store.get_delivery(post.deliveries[0].id).remote_id == stored["urn"]
