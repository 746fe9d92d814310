"""The Qt side of :class:`app.events.PublishListener`.

The publishing service and the scheduler call the listener from their own threads.
:class:`Bridge` turns each call into a Qt signal that is always delivered later, on
the thread the bridge lives on (the UI thread), through a queued connection: the
scheduler thread never touches a widget, and a view is never re-entered while a
service call it made is still running.

Usage (see :mod:`ui.main`)::

    bridge = Bridge()
    ctx.listeners.add(bridge.listener)
    bridge.deliveryChanged.connect(view.on_delivery_changed)
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal


class BridgeListener:
    """The :class:`app.events.PublishListener` half of a :class:`Bridge` (any thread).

    A separate object because a Qt signal called ``notice`` and the listener method
    ``notice()`` cannot share one attribute name.
    """

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge

    def delivery_changed(self, delivery_id: int, post_id: int, state: str) -> None:
        """A delivery moved to ``state``."""
        self._bridge._deliveryChanged.emit(delivery_id, post_id, state)

    def account_needs_reconnect(self, account_id: int, reason: str) -> None:
        """An account's token stopped working."""
        self._bridge._accountNeedsReconnect.emit(account_id, reason)

    def notice(self, message: str) -> None:
        """Something the user should read (already translated)."""
        self._bridge._notice.emit(message)

    def data_changed(self) -> None:
        """The store changed in a way the caller cannot describe."""
        self._bridge._dataChanged.emit()


class Bridge(QObject):
    """Re-emits every PublishListener event as a queued Qt signal on the UI thread.

    Add :attr:`listener` to ``ctx.listeners``; views connect to the public signals:

    * ``deliveryChanged(delivery_id, post_id, state)``
    * ``accountNeedsReconnect(account_id, reason)``
    * ``notice(message)`` (already translated)
    * ``dataChanged()``: something changed that the sender cannot describe (another
      process wrote, or a view edited a post): reload what you show.
    """

    deliveryChanged = Signal(int, int, str)
    accountNeedsReconnect = Signal(int, str)
    notice = Signal(str)
    dataChanged = Signal()

    # Emitted from any thread; connected queued to the public signals above.
    _deliveryChanged = Signal(int, int, str)
    _accountNeedsReconnect = Signal(int, str)
    _notice = Signal(str)
    _dataChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        queued = Qt.ConnectionType.QueuedConnection
        self._deliveryChanged.connect(self.deliveryChanged, queued)
        self._accountNeedsReconnect.connect(self.accountNeedsReconnect, queued)
        self._notice.connect(self.notice, queued)
        self._dataChanged.connect(self.dataChanged, queued)
        self.listener = BridgeListener(self)

    def post_changed(self) -> None:
        """For views: announce (queued) that they changed a post, so the others reload."""
        self.listener.data_changed()
