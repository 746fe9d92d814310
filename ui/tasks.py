"""Running slow work (network calls) off the UI thread, with a synchronous switch for tests.

``run_in_background(fn, on_done, on_error)`` runs ``fn()`` on the global QThreadPool and
calls ``on_done(result)`` or ``on_error(exc)`` back on the UI thread, so the window
never freezes while, for example, an account is being verified with Facebook.

Tests call :func:`set_synchronous` (or use :func:`synchronous`) to run ``fn`` inline:
the callbacks then run before ``run_in_background`` returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from app.errors import AppError

log = logging.getLogger(__name__)

_synchronous = False
_in_flight: set[_Task] = set()


def set_synchronous(value: bool) -> None:
    """Run background work inline (True: tests) or on the thread pool (False: default)."""
    global _synchronous
    _synchronous = value


def is_synchronous() -> bool:
    """True when work runs inline instead of on the thread pool."""
    return _synchronous


@contextmanager
def synchronous() -> Iterator[None]:
    """Within the block, background work runs inline."""
    previous = _synchronous
    set_synchronous(True)
    try:
        yield
    finally:
        set_synchronous(previous)


class _Dispatcher(QObject):
    """Lives on the UI thread; gets every worker's outcome through a queued connection."""

    finished = Signal(object, object, object)  # task, result, exception or None

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object, object)
    def _on_finished(self, task: _Task, result: object, exc: object) -> None:
        _in_flight.discard(task)
        if exc is None:
            task.on_done(result)
        else:
            task.on_error(exc if isinstance(exc, BaseException) else RuntimeError(exc))


_dispatcher: _Dispatcher | None = None


def _get_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


class _Task:
    """One piece of background work and its callbacks."""

    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error


class _Runnable(QRunnable):
    def __init__(self, task: _Task, dispatcher: _Dispatcher) -> None:
        super().__init__()
        self.task = task
        self.dispatcher = dispatcher

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self.task.fn()
        except Exception as exc:  # noqa: BLE001 - handed to on_error on the UI thread
            if not _expected(exc):
                log.error("background task failed", exc_info=exc)
            self.dispatcher.finished.emit(self.task, None, exc)
        else:
            self.dispatcher.finished.emit(self.task, result, None)


def _expected(exc: BaseException) -> bool:
    return isinstance(exc, AppError)


def run_in_background(
    fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
) -> None:
    """Run ``fn()`` off the UI thread; then ``on_done(result)`` or ``on_error(exc)`` on it.

    Must be called from the UI thread. ``fn`` must not touch widgets.
    """
    if _synchronous:
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - handed to on_error, like the async path
            if not _expected(exc):
                log.exception("background task failed")
            on_error(exc)
            return
        on_done(result)
        return
    task = _Task(fn, on_done, on_error)
    _in_flight.add(task)
    runnable = _Runnable(task, _get_dispatcher())
    runnable.setAutoDelete(True)
    QThreadPool.globalInstance().start(runnable)


def wait_for_tasks(timeout_ms: int = 10_000) -> bool:
    """Block until the pool is idle (shutdown, tests). Queued callbacks still need an event loop."""
    return bool(QThreadPool.globalInstance().waitForDone(timeout_ms))


def pending() -> int:
    """Number of background tasks whose callbacks have not run yet."""
    return len(_in_flight)
