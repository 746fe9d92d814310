"""Running in the background: the system tray icon and "closing the window keeps publishing".

The icon's tooltip and menu show the next post and how many posts need attention;
the menu opens the window or quits. While the "keep publishing" setting is on
(the default), closing the window only hides it and the scheduler goes on; the
first time, a tray message says so. Quit (tray menu or File → Quit) really quits.
Where the desktop has no tray (:func:`tray_available` is False, e.g. offscreen
tests), nothing changes: closing the window quits, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import PROBLEMS, DeliveryState, Post
from app.settings import CLOSE_NOTICE_SHOWN, KEEP_RUNNING
from ui import style
from ui.bridge import Bridge
from ui.queue_model import format_when
from ui.single_instance import bring_forward

log = logging.getLogger(__name__)

#: How often (ms) the tooltip is refreshed even when nothing changed (time passes).
REFRESH_MS = 60_000
#: Bursts of change signals are grouped into one refresh after this delay (ms).
REFRESH_DELAY_MS = 300
EXCERPT_CHARS = 40


def tray_available() -> bool:
    """True if the desktop shows system tray icons."""
    return bool(QSystemTrayIcon.isSystemTrayAvailable())


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first line of ``text``, shortened to ``limit`` characters."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Summary:
    """What the tray shows: the next scheduled post and how many posts need attention."""

    next_post: Post | None
    next_due: datetime | None
    problems: int

    def next_line(self) -> str:
        """``Next post: 2027-01-18 09:00 CET · “Feria de empleo”`` or ``No posts scheduled``."""
        if self.next_post is None or self.next_due is None:
            return _("No posts scheduled")
        return _("Next post: {when} · “{text}”").format(
            when=format_when(self.next_due, self.next_post.tz),
            text=excerpt(self.next_post.text) or _("No text"),
        )

    def problems_line(self) -> str:
        """``2 posts need attention`` or ``Nothing needs attention``."""
        if not self.problems:
            return _("Nothing needs attention")
        return ngettext(
            "{n} post needs attention", "{n} posts need attention", self.problems
        ).format(n=self.problems)


def summarize(posts: list[Post]) -> Summary:
    """The :class:`Summary` of ``posts`` (as listed by the post service)."""
    best: tuple[datetime, Post] | None = None
    problems = 0
    for post in posts:
        if any(d.state in PROBLEMS for d in post.deliveries):
            problems += 1
        for delivery in post.deliveries:
            if delivery.state == DeliveryState.SCHEDULED and delivery.due_at is not None:
                if best is None or delivery.due_at < best[0]:
                    best = (delivery.due_at, post)
    if best is None:
        return Summary(None, None, problems)
    return Summary(best[1], best[0], problems)


class Tray(QObject):
    """The tray icon of ``window``; makes closing the window keep Pregonero running.

    Create it only when :func:`tray_available`; it shows itself.
    """

    def __init__(
        self, ctx: AppContext, bridge: Bridge, window: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = window
        self.summary = Summary(None, None, 0)
        self.icon = QSystemTrayIcon(style.app_icon(), self)
        self.menu = QMenu()
        self.next_action = QAction(self)
        self.next_action.setEnabled(False)
        self.problems_action = QAction(self)
        self.problems_action.triggered.connect(self.show_window)
        self.inbox_line = ""  # comments inbox (issue 10): "N open comments, the oldest from …"
        self.inbox_action = QAction(self)
        self.inbox_action.triggered.connect(self.show_inbox)
        self.open_action = QAction(_("Open Pregonero"), self)
        self.open_action.triggered.connect(self.show_window)
        self.quit_action = QAction(_("Quit Pregonero"), self)
        self.quit_action.setToolTip(_("Stop publishing and close Pregonero"))
        self.quit_action.triggered.connect(self.quit)
        self.menu.addAction(self.next_action)
        self.menu.addAction(self.problems_action)
        self.menu.addAction(self.inbox_action)
        self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._tick = QTimer(self)
        self._tick.setInterval(REFRESH_MS)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        bridge.deliveryChanged.connect(lambda *_a: self._refresh_timer.start())
        bridge.dataChanged.connect(self._refresh_timer.start)
        bridge.accountNeedsReconnect.connect(lambda *_a: self._refresh_timer.start())

        window.installEventFilter(self)
        self.refresh()
        self.icon.show()

    # -- what it shows ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the queue again and update the tooltip and the menu."""
        try:
            self.summary = summarize(self.ctx.posts.list())
        except AppError as exc:  # the database is busy: keep what is shown
            log.warning("tray not refreshed: %s", exc)
            return
        self.next_action.setText(self.summary.next_line())
        self.problems_action.setText(self.summary.problems_line())
        self.problems_action.setEnabled(self.summary.problems > 0)
        try:
            open_count, _oldest = self.ctx.inbox.open_summary()
            self.inbox_line = self.ctx.inbox.summary() if open_count else ""
        except AppError as exc:
            log.warning("tray inbox line not refreshed: %s", exc)
        self.inbox_action.setText(self.inbox_line)
        self.inbox_action.setVisible(bool(self.inbox_line))
        self.icon.setToolTip(self.tooltip())

    def tooltip(self) -> str:
        """``Pregonero`` and the two lines of the summary."""
        lines = ["Pregonero", self.summary.next_line(), self.summary.problems_line()]
        return "\n".join([*lines, self.inbox_line] if self.inbox_line else lines)

    def show_message(self, title: str, text: str, warning: bool = True) -> None:
        """A desktop notification from the tray icon (never blocks)."""
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.icon.showMessage(title, text, kind, 15_000)

    # -- window and quitting ---------------------------------------------------------------
    def show_window(self) -> None:
        """Show the window again (it may have been closed to the tray)."""
        bring_forward(self.window)
        reload = getattr(self.window, "reload", None)
        if callable(reload):
            reload()

    def show_inbox(self) -> None:
        """Bring the window forward at the Inbox tab."""
        self.show_window()
        open_inbox = getattr(self.window, "open_inbox", None)
        if callable(open_inbox):
            open_inbox()

    def quit(self) -> None:
        """Really quit: close the window (saving open edits) and end the event loop."""
        quit_app = getattr(self.window, "quit_app", None)
        if callable(quit_app):
            quit_app()
            return
        self.window.setProperty("quitting", True)
        self.window.close()
        QApplication.quit()

    def keep_running(self) -> bool:
        """True if closing the window should leave Pregonero publishing."""
        try:
            return self.ctx.settings.flag(KEEP_RUNNING)
        except AppError:
            return True

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Before the window closes: decide whether closing quits or hides it to the tray."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            quitting = bool(self.window.property("quitting"))
            background = not quitting and self.keep_running()
            QApplication.setQuitOnLastWindowClosed(not background)
            if background:
                QTimer.singleShot(0, self._closed_to_tray)
        return False

    def _closed_to_tray(self) -> None:
        if self.window.isVisible():  # the close was refused
            return
        log.info("window closed; publishing goes on in the background")
        try:
            if self.ctx.settings.flag(CLOSE_NOTICE_SHOWN):
                return
            self.ctx.settings.set(CLOSE_NOTICE_SHOWN, "1")
        except AppError:
            return
        self.show_message(
            _("Pregonero keeps publishing"),
            _(
                "The window is closed but scheduled posts still go out on time. Click the "
                "Pregonero icon to open it again, or choose Quit Pregonero to stop publishing. "
                "You can change this in Settings."
            ),
            warning=False,
        )

    def hide(self) -> None:
        """Remove the icon (at exit)."""
        self._tick.stop()
        self.icon.hide()
