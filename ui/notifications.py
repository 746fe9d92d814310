"""Telling the user, without ever blocking, that a post failed, was missed or an account broke.

:class:`Notifier` listens to the bridge. Events arriving together (after a resume,
several posts may be missed at once) are grouped into one notification, shown as a
desktop notification from the tray icon when there is one, else as a banner inside
the window (:class:`NotificationBanner`) that stays until dismissed. Never a modal
dialog: these events come from the background.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import DeliveryState
from ui.bridge import Bridge
from ui.queue_model import format_when
from ui.single_instance import bring_forward
from ui.tray import excerpt

log = logging.getLogger(__name__)
S = DeliveryState

#: States of a delivery that are worth a notification.
NOTIFY_STATES = frozenset({S.FAILED, S.MISSED})
#: Events arriving within this delay (ms) are shown together.
GROUP_DELAY_MS = 400
#: At most this many lines in one notification; the rest are counted.
MAX_LINES = 3

BANNER_STYLE = """
QFrame#notification { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; }
QFrame#notification QLabel { color: #78350f; }
QFrame#notification QLabel#notificationTitle { font-weight: bold; }
"""


@dataclass(frozen=True)
class Event:
    """One thing to tell: a line of text, and what "Show" does (a post or the accounts)."""

    kind: str  # "failed", "missed" or "reconnect"
    line: str
    post_id: int | None = None


class MessageSink(Protocol):
    """Where a notification goes: :class:`ui.tray.Tray` has this method."""

    def show_message(self, title: str, text: str, warning: bool = True) -> None:
        """Show a desktop notification."""


class NotificationBanner(QFrame):
    """A non-blocking notice floating at the bottom right of ``window``, until dismissed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("notification")
        self.setStyleSheet(BANNER_STYLE)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(420)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 6, 8)
        texts = QVBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("notificationTitle")
        self.title_label.setWordWrap(True)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        texts.addWidget(self.title_label)
        texts.addWidget(self.text_label)
        texts.addStretch(1)
        layout.addLayout(texts, 1)
        buttons = QVBoxLayout()
        self.show_button = QPushButton(_("Show"))
        self.close_button = QPushButton(_("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()
        window.installEventFilter(self)

    def show_notice(self, title: str, text: str) -> None:
        """Show (or replace) the notice."""
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        bottom = self.window_.height() - 12
        status = getattr(self.window_, "statusBar", None)
        if callable(status) and status().isVisible():
            bottom -= status().height()
        self.adjustSize()
        self.move(max(8, self.window_.width() - self.width() - 16), max(8, bottom - self.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Stay in the corner when the window is resized."""
        if watched is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


class Notifier(QObject):
    """Turns the bridge's failure news into notifications (tray if given, else a banner)."""

    #: The inbox's daily summary, emitted from the inbox scheduler's thread (issue 10).
    inboxSummary = Signal(str)  # noqa: N815 - Qt naming

    def __init__(
        self,
        ctx: AppContext,
        bridge: Bridge,
        window: QWidget,
        tray: MessageSink | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.ctx = ctx
        self.window = window
        self.tray = tray
        self.banner = NotificationBanner(window)
        self.banner.show_button.clicked.connect(self.show_target)
        self.pending: list[Event] = []
        self.shown: list[tuple[str, str]] = []  # (title, text) of every notification
        self._target: Event | None = None
        self._seen: set[tuple[int, str]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GROUP_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        bridge.deliveryChanged.connect(self.on_delivery_changed)
        bridge.accountNeedsReconnect.connect(self.on_account_needs_reconnect)
        message_clicked = getattr(getattr(tray, "icon", None), "messageClicked", None)
        if message_clicked is not None:
            message_clicked.connect(self.show_target)
        # Comments inbox (issue 10): the daily summary of what is still open.
        self.inboxSummary.connect(self.on_inbox_summary)
        ctx.inbox.on_summary(self.inboxSummary.emit)

    def on_inbox_summary(self, text: str) -> None:
        """Show the daily summary of open comments; "Show" opens the Inbox tab."""
        title = _("Comments waiting for an answer")
        self._target = Event("inbox", text)
        self.shown.append((title, text))
        if self.tray is not None:
            self.tray.show_message(title, text, warning=False)
        else:
            self.banner.show_notice(title, text)

    # -- collecting ------------------------------------------------------------------------
    def on_delivery_changed(self, delivery_id: int, post_id: int, state: str) -> None:
        """A delivery changed state: note it if it failed or was missed (once per state)."""
        if state not in NOTIFY_STATES:
            self._seen = {seen for seen in self._seen if seen[0] != delivery_id}
            return
        if (delivery_id, state) in self._seen:
            return
        self._seen.add((delivery_id, state))
        try:
            delivery = self.ctx.store.get_delivery(delivery_id)
            post = self.ctx.posts.get(post_id)
            account = self.ctx.store.get_account(delivery.account_id).name
        except (AppError, LookupError) as exc:
            log.warning("cannot describe delivery %s: %s", delivery_id, exc)
            return
        text = excerpt(post.text) or _("No text")
        if state == S.FAILED:
            line = _("“{text}” could not be published on {account}: {why}").format(
                text=text, account=account, why=delivery.last_error or _("no reason given")
            )
        else:
            line = _(
                "“{text}” was not published on {account} at {when} (Pregonero was not "
                "running); it waits for you."
            ).format(text=text, account=account, when=format_when(delivery.due_at, post.tz))
        self._add(Event(str(state), line, post_id))

    def on_account_needs_reconnect(self, account_id: int, reason: str) -> None:
        """An account's token stopped working."""
        try:
            name = self.ctx.store.get_account(account_id).name
        except (AppError, LookupError):
            name = f"#{account_id}"
        line = _("{name} needs to be connected again: {why}").format(
            name=name, why=reason or _("no reason given")
        )
        self._add(Event("reconnect", line))

    def _add(self, event: Event) -> None:
        if event not in self.pending:
            self.pending.append(event)
        self._timer.start()

    # -- showing ---------------------------------------------------------------------------
    def compose(self, events: list[Event]) -> tuple[str, str]:
        """Title and text of one notification about ``events``."""
        kinds = {e.kind for e in events}
        if len(events) == 1:
            title = {
                "failed": _("A post could not be published"),
                "missed": _("A post was missed"),
                "reconnect": _("An account needs to be connected again"),
            }[events[0].kind]
        elif kinds == {"reconnect"}:
            title = _("Accounts need to be connected again")
        else:
            title = ngettext(
                "{n} problem needs your attention", "{n} problems need your attention", len(events)
            ).format(n=len(events))
        lines = [e.line for e in events[:MAX_LINES]]
        if len(events) > MAX_LINES:
            rest = len(events) - MAX_LINES
            lines.append(ngettext("…and {n} more.", "…and {n} more.", rest).format(n=rest))
        return title, "\n".join(lines)

    def flush(self) -> None:
        """Show what was collected as one notification."""
        self._timer.stop()
        events, self.pending = self.pending, []
        if not events:
            return
        title, text = self.compose(events)
        self._target = events[0]
        self.shown.append((title, text))
        log.info("notification: %s", title)
        if self.tray is not None:
            self.tray.show_message(title, text)
        else:
            self.banner.show_notice(title, text)

    def show_target(self) -> None:
        """ "Show": bring the window forward at the post concerned, or open the accounts."""
        self.banner.hide()
        bring_forward(self.window)
        target = self._target
        if target is None:
            return
        window: Any = self.window
        if target.kind == "reconnect" and callable(getattr(window, "open_accounts", None)):
            window.open_accounts()
        elif target.kind == "inbox" and callable(getattr(window, "open_inbox", None)):
            window.open_inbox()
        elif target.post_id is not None and callable(getattr(window, "select_post", None)):
            if callable(getattr(window, "reload", None)):
                window.reload()
            window.select_post(target.post_id)
