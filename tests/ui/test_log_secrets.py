"""No token in the log file after a full cycle in the window's process: connect a Page,
publish (one post goes through, one is refused), with the log at DEBUG
level, HTTP library included, against the fake Graph API over real HTTP."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import logsetup, paths
from app.context import AppContext
from app.models import DeliveryState
from schedulers.runner import Runner
from tests.fakes.graph import FakeGraph, running_graph
from ui.bridge import Bridge
from ui.main_window import MainWindow

PAGE_ID = "104123456789012"
TOKEN = "EAAsecret-page-token-0123456789abcdef"
S = DeliveryState


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    with running_graph([]) as fake:
        fake.add_page(PAGE_ID, TOKEN, "Agencia Regional de Empleo")
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", fake.url)
        yield fake


@pytest.fixture
def log_file(isolated_home: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    path = logsetup.setup_logging(logging.DEBUG)
    for name in ("urllib3", "apscheduler", "requests"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # the chattiest, on purpose
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name in ("urllib3", "apscheduler", "requests"):
        logging.getLogger(name).setLevel(logging.WARNING)


def test_no_token_in_the_log_after_a_full_cycle(
    qtbot: QtBot, isolated_home: Path, graph: FakeGraph, log_file: Path
) -> None:
    ctx = AppContext()
    runner = Runner(ctx, sweep_seconds=0.3)
    runner.start()
    try:
        bridge = Bridge()
        ctx.listeners.add(bridge.listener)
        window = MainWindow(ctx, bridge, runner)
        qtbot.addWidget(window)
        account = ctx.accounts.connect("facebook", name="Empleo", remote_id=PAGE_ID, token=TOKEN)
        graph.fail_next("feed", code=100, message="(#100) Invalid parameter", times=1)
        soon = datetime.now(UTC) + timedelta(seconds=1)
        ids = []
        for text in ("Rechazado", "Publicado"):
            post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[account.id])
            ctx.posts.schedule(post.id, soon)
            ids.append(post.id)

        def settled() -> None:
            states = {ctx.posts.get(i).deliveries[0].state for i in ids}
            assert S.PUBLISHED in states and states <= {S.PUBLISHED, S.FAILED}

        qtbot.waitUntil(settled, timeout=20_000)
        runner.wait_idle()
    finally:
        runner.stop()
        ctx.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file.parent == paths.log_dir()
    text = "".join(p.read_text(encoding="utf-8") for p in log_file.parent.glob("pregonero.log*"))
    assert "published" in text  # the log did record the cycle
    assert TOKEN not in text
    assert TOKEN[:20] not in text
