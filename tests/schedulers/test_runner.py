"""The runner publishes at the due time, once, and never late without telling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from schedulers.lock import PublisherLock
from schedulers.runner import Runner
from tests.support.stubnet import StubNetwork, stub_factory


def wait_for(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok")
    yield context
    context.close()


def add(ctx: AppContext, text: str, seconds: float) -> int:
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[acc.id],
        when=datetime.now(UTC) + timedelta(seconds=seconds),
        tz="Europe/Madrid",
    )
    return post.deliveries[0].id


def test_publishes_at_due_time_exactly_once(ctx: AppContext, tmp_path: Path) -> None:
    runner = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    runner.start()
    try:
        first = add(ctx, "uno", 1.0)
        second = add(ctx, "dos", 1.5)  # added while running: re-arms the wake job
        assert wait_for(lambda: ctx.store.get_delivery(second).state == S.PUBLISHED)
        assert ctx.store.get_delivery(first).state == S.PUBLISHED
        texts = [p.text for _r, p, _at in StubNetwork.published]
        assert sorted(texts) == ["dos", "uno"]
        for delivery_id in (first, second):
            d = ctx.store.get_delivery(delivery_id)
            assert d.due_at is not None and d.published_at is not None
            assert d.published_at >= d.due_at  # never early
    finally:
        runner.stop()


def test_overdue_past_grace_becomes_missed_not_published(tmp_path: Path) -> None:
    StubNetwork.reset()
    past = datetime.now(UTC) - timedelta(hours=2)
    early = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(past), client_factory=stub_factory)
    early.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok")
    acc = early.accounts.by_name("Empleo")
    late = early.posts.create_scheduled(
        text="tarde",
        link=None,
        media=[],
        account_ids=[acc.id],
        when=past + timedelta(minutes=30),
        tz="Europe/Madrid",
    )
    early.close()
    ctx = AppContext(tmp_path / "p.sqlite3", client_factory=stub_factory)
    # One due a minute ago is within the 10-minute grace window: it still goes out.
    recent = add(ctx, "reciente", 0.5)
    runner = Runner(
        ctx, sweep_seconds=0.2, grace_seconds=600, lock=PublisherLock(tmp_path / "lock")
    )
    runner.start()
    try:
        missed_id = late.deliveries[0].id
        assert wait_for(lambda: ctx.store.get_delivery(missed_id).state == S.MISSED)
        assert wait_for(lambda: ctx.store.get_delivery(recent).state == S.PUBLISHED)
        assert [p.text for _r, p, _at in StubNetwork.published] == ["reciente"]
        assert "not running" in ctx.store.events(delivery_id=missed_id)[-1].detail
    finally:
        runner.stop()
        ctx.close()


def test_only_the_lock_holder_publishes(ctx: AppContext, tmp_path: Path) -> None:
    other = AppContext(ctx.store.path, client_factory=stub_factory)
    a = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    b = Runner(other, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    a.start()
    b.start()
    try:
        assert a.is_publisher and not b.is_publisher
        ids = [add(other, f"post {i}", 0.5) for i in range(5)]  # written by the watcher
        assert wait_for(lambda: all(ctx.store.get_delivery(i).state == S.PUBLISHED for i in ids))
        assert len(StubNetwork.published) == 5
        a.stop()
        assert wait_for(lambda: b.is_publisher)  # takes over when the first one stops
        later = add(other, "after takeover", 0.5)
        assert wait_for(lambda: other.store.get_delivery(later).state == S.PUBLISHED)
        assert len(StubNetwork.published) == 6
    finally:
        a.stop()
        b.stop()
        other.close()


def test_interrupted_publish_is_reconciled_not_resent(ctx: AppContext, tmp_path: Path) -> None:
    did = add(ctx, "interrumpido", 0.2)
    time.sleep(0.3)
    # Simulate a crash mid-call: claimed and sent, then the process died.
    ctx.store.transition(
        did,
        S.PUBLISHING,
        "claimed for publishing",
        now=datetime.now(UTC),
        claimed_at=datetime.now(UTC),
    )
    StubNetwork.script = ["created-no-answer"]
    client = ctx.accounts.client(ctx.accounts.by_name("Empleo"))
    with pytest.raises(Exception):  # noqa: B017 - the stub raises UnknownOutcome
        client.publish(
            __import__("app.services.posts", fromlist=["outgoing"]).outgoing(
                ctx.posts.get(ctx.store.get_delivery(did).post_id)
            )
        )
    runner = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    runner.start()
    try:
        assert wait_for(lambda: ctx.store.get_delivery(did).state == S.PUBLISHED)
        assert len(StubNetwork.published) == 1
    finally:
        runner.stop()


class JumpClock:
    """Real time plus an offset that a test can jump (a laptop waking from sleep)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


def test_wake_from_sleep_finds_overdue_posts_within_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StubNetwork.reset()
    clock = JumpClock()
    ctx = AppContext(tmp_path / "p.sqlite3", clock=clock, client_factory=stub_factory)
    ctx.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok")
    acc = ctx.accounts.by_name("Empleo")
    long_ago = (
        ctx.posts.create_scheduled(
            text="durante la siesta",
            link=None,
            media=[],
            account_ids=[acc.id],
            when=clock.now() + timedelta(hours=1),
            tz="Europe/Madrid",
        )
        .deliveries[0]
        .id
    )
    just_now = (
        ctx.posts.create_scheduled(
            text="justo al despertar",
            link=None,
            media=[],
            account_ids=[acc.id],
            when=clock.now() + timedelta(hours=1, minutes=55),
            tz="Europe/Madrid",
        )
        .deliveries[0]
        .id
    )
    runner = Runner(
        ctx, sweep_seconds=0.2, grace_seconds=600, lock=PublisherLock(tmp_path / "lock")
    )
    runner.start()
    try:
        time.sleep(0.5)
        assert not StubNetwork.published
        # The machine sleeps two hours: the wall clock jumps, the monotonic clock does not.
        clock.offset = 2 * 3600
        real_time = time.time
        monkeypatch.setattr("schedulers.runner.time.time", lambda: real_time() + clock.offset)
        assert wait_for(lambda: ctx.store.get_delivery(long_ago).state == S.MISSED, 5)
        assert wait_for(lambda: ctx.store.get_delivery(just_now).state == S.PUBLISHED, 5)
        assert [p.text for _r, p, _at in StubNetwork.published] == ["justo al despertar"]
    finally:
        runner.stop()
        ctx.close()
