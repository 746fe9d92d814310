"""The window's background pieces together: tray icon (when the desktop has one),
notifications, and the single-instance server's "come forward" requests.

Used by :mod:`ui.main`::

    background = Background(ctx, bridge, window, instance)
    if not (args.minimized and background.tray):
        window.show()
    ...
    background.close()
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from app.context import AppContext
from ui.bridge import Bridge
from ui.notifications import Notifier
from ui.single_instance import SingleInstance, bring_forward
from ui.tray import Tray, tray_available


class Background:
    """Creates the tray (if available) and the notifier for ``window``.

    ``instance`` (optional) is the single-instance server: a second launch shows the window.
    ``use_tray`` defaults to :func:`ui.tray.tray_available`.
    """

    def __init__(
        self,
        ctx: AppContext,
        bridge: Bridge,
        window: QWidget,
        instance: SingleInstance | None = None,
        use_tray: bool | None = None,
    ) -> None:
        self.window = window
        self.instance = instance
        if use_tray is None:
            use_tray = tray_available()
        self.tray = Tray(ctx, bridge, window) if use_tray else None
        self.notifier = Notifier(ctx, bridge, window, self.tray)
        QApplication.setQuitOnLastWindowClosed(True)
        if instance is not None:
            instance.activated.connect(self.show_window)

    def show_window(self) -> None:
        """Bring the window forward (a second launch, the tray)."""
        if self.tray is not None:
            self.tray.show_window()
        else:
            bring_forward(self.window)

    def close(self) -> None:
        """At exit: remove the tray icon and stop listening for other launches."""
        if self.tray is not None:
            self.tray.hide()
        if self.instance is not None:
            self.instance.close()
