"""The bridge delivers core events on the UI thread; background tasks report back on it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from app.errors import ValidationError
from app.events import ListenerHub
from ui import tasks
from ui.bridge import Bridge


def test_bridge_signals_arrive_queued_on_the_ui_thread(qtbot: QtBot) -> None:
    bridge = Bridge()
    hub = ListenerHub()
    hub.add(bridge.listener)
    seen: list[tuple[str, Any, bool]] = []

    def record(name: str) -> Any:
        return lambda *args: seen.append((name, args, QThread.currentThread() is bridge.thread()))

    bridge.deliveryChanged.connect(record("delivery"))
    bridge.accountNeedsReconnect.connect(record("account"))
    bridge.notice.connect(record("notice"))
    bridge.dataChanged.connect(record("data"))

    def scheduler_thread() -> None:
        hub.delivery_changed(7, 3, "published")
        hub.account_needs_reconnect(2, "token expired")
        hub.notice("Hola")
        hub.data_changed()

    worker = threading.Thread(target=scheduler_thread)
    worker.start()
    worker.join()
    assert seen == []  # nothing runs in the scheduler's thread
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=2000)
    assert seen == [
        ("delivery", (7, 3, "published"), True),
        ("account", (2, "token expired"), True),
        ("notice", ("Hola",), True),
        ("data", (), True),
    ]


def test_bridge_is_queued_even_from_the_ui_thread(qtbot: QtBot) -> None:
    bridge = Bridge()
    seen: list[int] = []
    bridge.deliveryChanged.connect(lambda d, p, s: seen.append(d))
    bridge.listener.delivery_changed(1, 1, "draft")
    assert seen == []  # never re-enters a view in the middle of a service call
    qtbot.waitUntil(lambda: seen == [1], timeout=1000)


def test_run_in_background_reports_on_the_ui_thread(qtbot: QtBot) -> None:
    tasks.set_synchronous(False)
    try:
        results: list[tuple[str, Any, bool]] = []
        ui_thread = QThread.currentThread()
        worker_threads: list[threading.Thread] = []

        def work() -> int:
            worker_threads.append(threading.current_thread())
            return 42

        def fail() -> None:
            raise ValidationError("bad token")

        tasks.run_in_background(
            work,
            lambda r: results.append(("done", r, QThread.currentThread() is ui_thread)),
            lambda e: results.append(("error", e, False)),
        )
        tasks.run_in_background(
            fail,
            lambda r: results.append(("done", r, False)),
            lambda e: results.append(("error", str(e), QThread.currentThread() is ui_thread)),
        )
        qtbot.waitUntil(lambda: len(results) == 2, timeout=3000)
        assert sorted(results) == [("done", 42, True), ("error", "bad token", True)]
        assert worker_threads[0] is not threading.main_thread()
        assert tasks.pending() == 0
    finally:
        tasks.set_synchronous(True)


def test_synchronous_mode_runs_inline() -> None:
    out: list[Any] = []
    with tasks.synchronous():
        tasks.run_in_background(lambda: 1, out.append, out.append)
        tasks.run_in_background(lambda: 1 / 0, out.append, out.append)
    assert out[0] == 1
    assert isinstance(out[1], ZeroDivisionError)


@pytest.mark.parametrize("calls", [20_000])
def test_many_void_qt_calls_do_not_crash(qtbot: QtBot, calls: int) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    # PySide6 6.12.0 on Python 3.11 aborts here ("deallocating None"): pinned out.
    for _i in range(calls):
        label.setText("x")
