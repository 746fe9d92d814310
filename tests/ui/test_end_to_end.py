"""End to end through the window: connect a Page, compose a post with two photos and alt
texts, schedule it a few seconds ahead, and watch the scheduler publish it to a strict
fake Graph API (tests/fakes/graph.py) over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import timeutil
from app.context import AppContext
from schedulers.runner import Runner
from tests.fakes.graph import FakeGraph, running_graph
from tests.ui.conftest import Modals, type_text
from ui import tasks
from ui.bridge import Bridge
from ui.main_window import MainWindow
from ui.queue_model import QueueModel

PAGE_ID = "104123456789012"
TOKEN = "EAAe2e-page-token"
TEXT = "📣 Feria de Empleo 2027: más de 60 empresas. Inscríbete 👉 https://empleo.example.es"
ALTS = ["Cartel de la feria con la fecha y el lugar.", "Un ñandú: foto de prueba con nombre raro."]


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    with running_graph([]) as fake:
        fake.add_page(PAGE_ID, TOKEN, "Agencia Regional de Empleo")
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", fake.url)
        yield fake


@pytest.fixture
def app_ctx(isolated_home: Path, graph: FakeGraph) -> Iterator[AppContext]:
    ctx = AppContext()  # the real Facebook client, pointed at the fake by the environment
    yield ctx
    ctx.close()


@pytest.fixture
def runner(app_ctx: AppContext) -> Iterator[Runner]:
    run = Runner(app_ctx, sweep_seconds=0.5)
    run.start()
    yield run
    run.stop()


def test_compose_schedule_and_publish_through_the_window(
    qtbot: QtBot,
    app_ctx: AppContext,
    runner: Runner,
    graph: FakeGraph,
    samples: Path,
    modals: Modals,
) -> None:
    tasks.set_synchronous(False)  # the token check really runs in the background
    bridge = Bridge()
    app_ctx.listeners.add(bridge.listener)
    window = MainWindow(app_ctx, bridge, runner)
    qtbot.addWidget(window)
    window.show()
    assert "This window publishes" in window.publisher_label.text()

    # 1. Connect the Page through the accounts dialog.
    accounts = window.open_accounts()
    form = accounts.add_page()
    qtbot.keyClicks(form.name_edit, "Empleo")
    qtbot.keyClicks(form.page_edit, PAGE_ID)
    qtbot.keyClicks(form.token_edit, TOKEN)
    form.connect_button.click()
    qtbot.waitUntil(lambda: accounts.tree.topLevelItemCount() == 1, timeout=10_000)
    assert accounts.tree.topLevelItem(0).text(1) == "Agencia Regional de Empleo"
    accounts.accept()

    # 2. Compose: text, two photos (one named with spaces and ñ), alt texts.
    composer = window.new_post()
    type_text(composer.text_edit, TEXT)
    modals.files = [
        samples / "media" / "feria-empleo-1920x1080.png",
        samples / "media" / "foto enorme ñandú.jpg",
    ]
    qtbot.mouseClick(composer.add_photos_button, Qt.MouseButton.LeftButton)
    assert len(composer.media_rows) == 2, composer.media_error.text()
    for row, alt in zip(composer.media_rows, ALTS, strict=True):
        type_text(row.alt_edit, alt)
    assert [
        a.name for a in app_ctx.accounts.list() if composer.account_boxes[a.id].isChecked()
    ] == ["Empleo"]

    # 3. Schedule it ~2 s ahead.
    composer.zone_combo.setCurrentText("Europe/Madrid")
    due = datetime.now(UTC) + timedelta(seconds=2)
    composer.set_local_time(timeutil.to_local(due, "Europe/Madrid").replace(tzinfo=None))
    qtbot.mouseClick(composer.schedule_button, Qt.MouseButton.LeftButton)
    assert modals.errors == [] and modals.questions == []
    assert not composer.isVisible()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.data(window.model.index(0, QueueModel.STATE)) == "Scheduled"

    # 4. The runner publishes it at its time; the queue shows it Published with its link.
    def published() -> None:
        index = window.model.index(0, QueueModel.STATE)
        assert window.model.data(index) == "Published"
        assert window.model.data(window.model.index(0, QueueModel.LINK)) == "View on Facebook"

    qtbot.waitUntil(published, timeout=20_000)
    post = app_ctx.posts.list()[0]
    delivery = post.deliveries[0]
    assert delivery.published_at is not None and delivery.published_at >= due - timedelta(seconds=1)

    # 5. The fake recorded exactly one post, with both photos and their alt texts.
    posts = graph.posts(PAGE_ID)
    assert len(posts) == 1
    (remote,) = posts
    assert remote["message"] == TEXT
    assert [p["alt_text"] for p in remote["photos"]] == ALTS
    assert [p["format"] for p in remote["photos"]] == ["PNG", "JPEG"]
    assert (
        window.model.data(window.model.index(0, QueueModel.LINK), QueueModel.PermalinkRole)
        == remote["permalink_url"]
    )
    assert delivery.permalink == remote["permalink_url"]
    published_photos = [p for p in graph.photos(PAGE_ID) if p["post_id"] == remote["id"]]
    assert len(published_photos) == 2
    tasks.set_synchronous(True)
