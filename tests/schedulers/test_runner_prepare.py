"""The runner prepares ahead (inside the network's lead) and sweeps hand-offs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.context import AppContext
from app.errors import Transient
from app.models import DeliveryState as S
from app.networks import registry
from schedulers import runner as runner_module
from schedulers.lock import PublisherLock
from schedulers.runner import Runner
from tests.support.stubnet import HandOffStub, PrepareStub, StubNetwork, stub_factory


def wait_for(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    for cls in (StubNetwork, PrepareStub, HandOffStub):
        cls.reset()
    monkeypatch.setitem(registry.NETWORKS, PrepareStub.key, PrepareStub)
    monkeypatch.setitem(registry.NETWORKS, HandOffStub.key, HandOffStub)
    context = AppContext(tmp_path / "p.sqlite3", client_factory=stub_factory)
    context.accounts.connect("stubprep", name="Insta", remote_id="111", token="tok")
    context.accounts.connect("stubhand", name="Hand", remote_id="222", token="tok")
    yield context
    context.close()


def add(ctx: AppContext, account: str, text: str, seconds: float) -> int:
    acc = ctx.accounts.by_name(account)
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[acc.id],
        when=datetime.now(UTC) + timedelta(seconds=seconds),
        tz="Europe/Madrid",
    )
    return post.deliveries[0].id


def test_prepared_before_due_then_published_with_the_saved_progress(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "PREPARE_RETRY_SECONDS", 0.1)
    already = add(ctx, "Insta", "antes", 2.5)  # inside its lead before the runner starts
    PrepareStub.prepare_script = [Transient("down")]  # first try fails: tried again
    runner = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    runner.start()
    try:
        assert wait_for(lambda: len(PrepareStub.prepared) >= 1, timeout=2.4)
        assert ctx.store.get_delivery(already).state == S.SCHEDULED  # prepared, not published
        assert ctx.store.get_delivery(already).progress == {"container": "c1"}
        assert wait_for(lambda: ctx.store.get_delivery(already).state == S.PUBLISHED)
        _remote, sent, _at = PrepareStub.published[0]
        assert sent.progress.data["container"] == "c1"
    finally:
        runner.stop()


def test_sweep_hands_off_and_settles_after_the_time(ctx: AppContext, tmp_path: Path) -> None:
    ctx.handoffs.set_enabled(ctx.accounts.by_name("Hand").id, True)
    HandOffStub.handoff_min_seconds = 0
    try:
        delivery_id = add(ctx, "Hand", "mano", 1.0)
        assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF
        HandOffStub.live.add("h1")
        runner = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
        runner.start()
        try:
            assert wait_for(lambda: ctx.store.get_delivery(delivery_id).state == S.PUBLISHED)
            assert ctx.store.get_delivery(delivery_id).permalink == "https://hand.test/h1"
            assert not HandOffStub.published
        finally:
            runner.stop()
    finally:
        HandOffStub.handoff_min_seconds = 600


def test_scheduling_while_running_hands_off_in_a_worker(ctx: AppContext, tmp_path: Path) -> None:
    ctx.handoffs.set_enabled(ctx.accounts.by_name("Hand").id, True)
    runner = Runner(ctx, sweep_seconds=0.2, lock=PublisherLock(tmp_path / "lock"))
    runner.start()
    try:
        assert ctx.handoffs.submit is not None
        delivery_id = add(ctx, "Hand", "mano", 3600)
        assert wait_for(lambda: ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF)
        assert HandOffStub.calls.count("hand_off") == 1
    finally:
        runner.stop()
    assert ctx.handoffs.submit is None
