"""The tray: its summary (next post, problems), closing the window to the tray with a
first-time notice, and Quit really quitting. The offscreen platform has no tray, so
the Tray is created directly and its messages are recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account, DeliveryState
from app.settings import CLOSE_NOTICE_SHOWN, KEEP_RUNNING
from ui import background as background_module
from ui.background import Background
from ui.bridge import Bridge
from ui.main_window import MainWindow
from ui.tray import Tray, excerpt, summarize

WHEN = datetime(2027, 1, 18, 8, 0, tzinfo=UTC)  # 09:00 in Madrid


@pytest.fixture(autouse=True)
def restore_quit_flag(qapp: Any) -> Iterator[None]:
    yield
    QApplication.setQuitOnLastWindowClosed(True)


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        Tray, "show_message", lambda self, title, text, warning=True: shown.append((title, text))
    )
    return shown


@pytest.fixture
def quits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: calls.append(1)))
    return calls


def window_with_tray(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> tuple[MainWindow, Tray]:
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    background = Background(ctx, bridge, window, use_tray=True)
    assert background.tray is not None
    window.show()
    return window, background.tray


def test_excerpt_is_the_first_line_shortened() -> None:
    assert excerpt("\n  Feria de empleo  \nsegunda") == "Feria de empleo"
    assert excerpt("x" * 50, 10) == "x" * 9 + "…"


def test_summary_shows_the_next_post_and_the_problems(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    assert summarize([]).next_line() == "No posts scheduled"
    later = ctx.posts.create_draft(text="Después", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.schedule(later.id, WHEN.replace(hour=10))
    first = ctx.posts.create_draft(
        text="Feria de empleo 2027\nmás texto", tz="Europe/Madrid", account_ids=[account.id]
    )
    ctx.posts.schedule(first.id, WHEN)
    summary = summarize(ctx.posts.list())
    assert summary.next_line() == "Next post: 2027-01-18 09:00 CET · “Feria de empleo 2027”"
    assert summary.problems_line() == "Nothing needs attention"

    delivery = ctx.posts.get(later.id).deliveries[0]
    ctx.store.transition(
        delivery.id, DeliveryState.MISSED, "test", now=WHEN, expect={DeliveryState.SCHEDULED}
    )
    window, tray = window_with_tray(qtbot, ctx, bridge)
    assert tray.icon.toolTip().splitlines() == [
        "Pregonero",
        "Next post: 2027-01-18 09:00 CET · “Feria de empleo 2027”",
        "1 post needs attention",
    ]
    assert tray.next_action.text().startswith("Next post:")
    assert tray.problems_action.text() == "1 post needs attention"
    assert [a.text() for a in tray.menu.actions() if a.text()][-2:] == [
        "Open Pregonero",
        "Quit Pregonero",
    ]


def test_closing_keeps_publishing_with_a_first_time_notice(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, messages: list[tuple[str, str]], quits: list[int]
) -> None:
    window, tray = window_with_tray(qtbot, ctx, bridge)
    assert ctx.settings.flag(KEEP_RUNNING)  # on by default
    window.close()
    assert not window.isVisible()
    assert not QApplication.quitOnLastWindowClosed()
    qtbot.waitUntil(lambda: len(messages) == 1)
    assert messages[0][0] == "Pregonero keeps publishing"
    assert "Quit Pregonero" in messages[0][1]
    assert ctx.settings.flag(CLOSE_NOTICE_SHOWN)

    tray.open_action.trigger()  # the tray brings it back
    assert window.isVisible()
    window.close()  # the notice is only shown the first time
    qtbot.wait(50)
    assert len(messages) == 1 and quits == []


def test_quit_really_quits(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, messages: list[tuple[str, str]], quits: list[int]
) -> None:
    window, tray = window_with_tray(qtbot, ctx, bridge)
    tray.quit_action.trigger()
    assert quits == [1] and not window.isVisible()
    assert QApplication.quitOnLastWindowClosed()
    qtbot.wait(50)
    assert messages == []  # no "keeps publishing" notice when quitting


def test_file_quit_quits_too(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, quits: list[int]
) -> None:
    window, _tray = window_with_tray(qtbot, ctx, bridge)
    window.quit_action.trigger()
    assert quits == [1]


def test_with_the_setting_off_closing_quits(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, messages: list[tuple[str, str]]
) -> None:
    ctx.settings.set(KEEP_RUNNING, "0")
    window, _tray = window_with_tray(qtbot, ctx, bridge)
    window.close()
    assert QApplication.quitOnLastWindowClosed()
    qtbot.wait(50)
    assert messages == []


def test_without_a_tray_nothing_changes(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background_module, "tray_available", lambda: False)
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    background = Background(ctx, bridge, window)
    assert background.tray is None and QApplication.quitOnLastWindowClosed()
    background.show_window()
    assert window.isVisible()
    background.close()
