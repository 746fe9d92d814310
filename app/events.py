"""How the core tells whoever is watching (the window, the log) that something changed."""

from __future__ import annotations

from typing import Protocol


class PublishListener(Protocol):
    """Receives news from the publishing service and the scheduler, from any thread.

    Implementations must not block and must not touch widgets directly (the Qt
    bridge re-emits these as queued signals).
    """

    def delivery_changed(self, delivery_id: int, post_id: int, state: str) -> None:
        """A delivery moved to ``state``."""

    def account_needs_reconnect(self, account_id: int, reason: str) -> None:
        """An account's token stopped working."""

    def notice(self, message: str) -> None:
        """Something the user should read (already translated)."""

    def data_changed(self) -> None:
        """The store changed in a way the caller cannot describe (another process wrote)."""


class NullListener:
    """A listener that ignores everything (command line, tests)."""

    def delivery_changed(self, delivery_id: int, post_id: int, state: str) -> None:
        """Ignored."""

    def account_needs_reconnect(self, account_id: int, reason: str) -> None:
        """Ignored."""

    def notice(self, message: str) -> None:
        """Ignored."""

    def data_changed(self) -> None:
        """Ignored."""


class ListenerHub:
    """Fans one event out to several listeners; a failing listener never stops the others."""

    def __init__(self) -> None:
        self._listeners: list[PublishListener] = []

    def add(self, listener: PublishListener) -> None:
        """Start sending events to ``listener``."""
        self._listeners.append(listener)

    def remove(self, listener: PublishListener) -> None:
        """Stop sending events to ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _each(self, method: str, *args: object) -> None:
        import logging

        for listener in list(self._listeners):
            try:
                getattr(listener, method)(*args)
            except Exception:  # noqa: BLE001 - a broken view must not stop publishing
                logging.getLogger(__name__).exception("listener %s failed", method)

    def delivery_changed(self, delivery_id: int, post_id: int, state: str) -> None:
        """Forward to every listener."""
        self._each("delivery_changed", delivery_id, post_id, state)

    def account_needs_reconnect(self, account_id: int, reason: str) -> None:
        """Forward to every listener."""
        self._each("account_needs_reconnect", account_id, reason)

    def notice(self, message: str) -> None:
        """Forward to every listener."""
        self._each("notice", message)

    def data_changed(self) -> None:
        """Forward to every listener."""
        self._each("data_changed")
