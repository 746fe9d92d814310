"""Sign in with Facebook/Instagram, X, LinkedIn or YouTube through the system browser.

The dialog starts an :class:`app.auth.flow.SignInFlow`, opens the authorize address in
the system browser and waits in the background (:mod:`ui.tasks`) for the browser to come
back to Pregonero's loopback listener. If it cannot (another computer, a blocked port),
the user pastes the code or the address the browser ended on. Then it lists the
accounts found (name, picture or initials, what they are) to pick from, and adds them.
With ``reconnect`` the same account is renewed without asking.
No token ever reaches a widget.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QColor, QDesktopServices, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.auth.flow import SignInFlow, SignInResult
from app.auth.loopback import SignInError
from app.auth.pictures import fetch_picture, initials
from app.auth.providers import provider_class
from app.context import AppContext
from app.errors import AppError
from app.i18n import N_, _
from app.models import Account
from app.networks.base import DiscoveredAccount
from ui import dialogs, style, tasks

log = logging.getLogger(__name__)

PROVIDER_TITLES = {
    "meta": N_("Facebook and Instagram"),
    "x": "X",
    "linkedin": "LinkedIn",
    "google": "YouTube",
}
KIND_LABELS = {
    "page": N_("Facebook Page"),
    "instagram": N_("Instagram professional account"),
    "organization": N_("LinkedIn organization"),
    "member": N_("LinkedIn member profile"),
    "user": N_("X account"),
    "channel": N_("YouTube channel"),
}
PICTURE_SIZE = 40


def provider_title(provider: str) -> str:
    """The translated name of a provider's sign-in ("Facebook and Instagram"...)."""
    return _(PROVIDER_TITLES.get(provider, provider))


def open_url(url: str) -> bool:
    """Open ``url`` in the system browser (tests replace this)."""
    return bool(QDesktopServices.openUrl(QUrl(url)))


def initials_icon(name: str, size: int = PICTURE_SIZE) -> QIcon:
    """A round placeholder with the initials of ``name``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    hue = sum(map(ord, name)) % 360
    painter.setBrush(QColor.fromHsv(hue, 90, 200))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(size * 2 // 5)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    return QIcon(pixmap)


def picture_icon(data: bytes, size: int = PICTURE_SIZE) -> QIcon | None:
    """An icon from image bytes (None when they are not an image Qt can read)."""
    pixmap = QPixmap()
    if not pixmap.loadFromData(data):
        return None
    return QIcon(
        pixmap.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
    )


def load_picture(url: str, on_icon: Any) -> None:
    """Fetch ``url`` in the background and call ``on_icon(QIcon)`` if it is an image."""
    if not url:
        return

    def done(data: bytes) -> None:
        icon = picture_icon(data)
        if icon is not None:
            on_icon(icon)

    tasks.run_in_background(lambda: fetch_picture(url), done, lambda _exc: None)


class _Waiter(QObject):
    """Carries the browser wait's outcome from its thread to the UI thread."""

    done = Signal(object)
    failed = Signal(object)


class SignInDialog(QDialog):
    """A browser sign-in with ``provider`` ("meta", "x", "linkedin", "google").

    ``connected(list[Account])`` is emitted once accounts were added or reconnected.
    """

    connected = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        provider: str,
        reconnect: Account | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.provider = provider_class(provider)
        self.reconnect = reconnect
        self.flow: SignInFlow | None = None
        self.result: SignInResult | None = None
        self.busy = False
        self._pasting = False
        title = provider_title(provider)
        self.setWindowTitle(
            _("Reconnect {name}").format(name=reconnect.name)
            if reconnect
            else _("Sign in with {network}").format(network=title)
        )
        self.setWindowIcon(style.app_icon())
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.stack.addWidget(self._waiting_page(title))
        self.stack.addWidget(self._picking_page())

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton(_("Reconnect") if reconnect else _("Add selected accounts"))
        self.add_button.clicked.connect(self.add_selected)
        self.add_button.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.add_button, self.cancel_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)

    # -- building --------------------------------------------------------------------------
    def _waiting_page(self, title: str) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.intro = QLabel(
            _(
                "Your browser opens the {network} sign-in page. Sign in with the account that "
                "manages what you publish to, allow Pregonero, and come back here."
            ).format(network=title)
        )
        self.intro.setWordWrap(True)
        box.addWidget(self.intro)
        self.status_label = QLabel(_("Waiting for the browser…"))
        box.addWidget(self.status_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        box.addWidget(self.progress)

        url_row = QHBoxLayout()
        self.url_edit = QLineEdit()
        self.url_edit.setReadOnly(True)
        self.url_edit.setAccessibleName(_("Sign-in address"))
        self.open_button = QPushButton(_("Open the browser again"))
        self.open_button.clicked.connect(lambda: open_url(self.url_edit.text()))
        self.copy_button = QPushButton(_("Copy address"))
        self.copy_button.clicked.connect(
            lambda: QApplication.clipboard().setText(self.url_edit.text())
        )
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.open_button)
        url_row.addWidget(self.copy_button)
        box.addLayout(url_row)

        hint = QLabel(
            _(
                "If the browser shows an error page instead of coming back, copy the whole "
                "address it shows (or the code) and paste it here:"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        box.addWidget(hint)
        paste_row = QHBoxLayout()
        self.paste_edit = QLineEdit()
        self.paste_edit.setPlaceholderText(_("http://127.0.0.1:…/callback?code=… or the code"))
        self.paste_edit.setAccessibleName(_("Code or address"))
        self.paste_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.paste_button = QPushButton(_("Continue"))
        self.paste_button.clicked.connect(self.paste)
        self.paste_edit.returnPressed.connect(self.paste)
        paste_row.addWidget(self.paste_edit, 1)
        paste_row.addWidget(self.paste_button)
        box.addLayout(paste_row)
        self.retry_button = QPushButton(_("Start again"))
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        return page

    def _picking_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.pick_label = QLabel(_("Choose the accounts Pregonero will publish to:"))
        self.pick_label.setWordWrap(True)
        box.addWidget(self.pick_label)
        self.list = QListWidget()
        self.list.setIconSize(QSize(PICTURE_SIZE, PICTURE_SIZE))
        self.list.setSpacing(2)
        self.list.itemChanged.connect(lambda _i: self._update_add())
        box.addWidget(self.list, 1)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.problems_label.hide()
        box.addWidget(self.problems_label)
        return page

    # -- the sign-in -----------------------------------------------------------------------
    def start(self) -> bool:
        """Start listening, open the browser and wait for it in the background.

        Returns False (and shows why) when the sign-in cannot start.
        """
        self.error_label.hide()
        self.retry_button.hide()
        self.stack.setCurrentIndex(0)
        try:
            self.flow = SignInFlow(self.provider.key, self.ctx.apps, clock=self.ctx.clock)
        except AppError as exc:
            self._show_error(dialogs.describe_error(exc))
            self._set_waiting(False)
            self.paste_edit.setEnabled(False)
            self.paste_button.setEnabled(False)
            return False
        listening = True
        try:
            url = self.flow.start()
        except SignInError as exc:
            self._show_error(dialogs.describe_error(exc))
            url, listening = self.flow.start(listen=False), False
        self.url_edit.setText(url)
        self.url_edit.setCursorPosition(0)
        self.paste_edit.setEnabled(True)
        self.paste_button.setEnabled(True)
        self._set_waiting(listening)
        log.info("browser sign-in with %s opened", self.provider.key)
        open_url(url)
        if listening:
            self._wait_for_browser(self.flow)
        return True

    def _wait_for_browser(self, flow: SignInFlow) -> None:
        """Run ``flow.wait()`` (minutes, mostly idle) on its own thread rather than the
        shared pool, so other background work is not held up; inline in tests."""
        if tasks.is_synchronous():
            tasks.run_in_background(flow.wait, self._on_result, self._on_wait_failed)
            return
        waiter = _Waiter(self)
        waiter.done.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        waiter.failed.connect(self._on_wait_failed, Qt.ConnectionType.QueuedConnection)

        def run() -> None:
            try:
                result = flow.wait()
            except Exception as exc:  # noqa: BLE001 - handed to the UI thread
                outcome: tuple[Any, BaseException | None] = (None, exc)
            else:
                outcome = (result, None)
            try:
                if outcome[1] is None:
                    waiter.done.emit(outcome[0])
                else:
                    waiter.failed.emit(outcome[1])
            except RuntimeError:  # the dialog is gone
                pass

        threading.Thread(target=run, name="signin-wait", daemon=True).start()

    def _set_waiting(self, waiting: bool) -> None:
        self.progress.setVisible(waiting)
        self.status_label.setText(
            _("Waiting for the browser…") if waiting else _("Paste the code to continue.")
        )

    def paste(self) -> None:
        """Finish with the pasted code or address (in the background)."""
        flow, text = self.flow, self.paste_edit.text()
        if flow is None or self.busy or not text.strip():
            return
        self._pasting = True
        self._set_busy(True)
        self.error_label.hide()
        tasks.run_in_background(lambda: flow.finish(text), self._on_result, self._on_failed)

    def _on_wait_failed(self, exc: BaseException) -> None:
        if self._pasting or self.result is not None:
            return  # the pasted code took over
        code = exc.problems[0].code if isinstance(exc, SignInError) else ""
        if code == "signin_cancelled":
            return
        self._on_failed(exc)

    def _on_failed(self, exc: BaseException) -> None:
        self._pasting = False
        self._set_busy(False)
        self._set_waiting(False)
        self._show_error(dialogs.describe_error(exc))
        self.retry_button.show()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.paste_edit, self.paste_button, self.add_button, self.list):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.status_label.setText(_("Signing in…"))

    def _on_result(self, result: SignInResult) -> None:
        if self.result is not None:
            return
        self.result = result
        self._set_busy(False)
        self.paste_edit.clear()
        self.error_label.hide()
        if self.reconnect is not None:
            match = [
                a
                for a in result.accounts
                if (a.network, a.remote_id) == (self.reconnect.network, self.reconnect.remote_id)
            ]
            if not match:
                self._on_failed(
                    AppError(
                        _(
                            "The account you signed in with cannot publish to {name}. Sign in "
                            "with the one that manages it."
                        ).format(name=self.reconnect.display_name or self.reconnect.name)
                    )
                )
                self.result = None
                return
            self._add(match)
            return
        self._fill(result)

    def _fill(self, result: SignInResult) -> None:
        self.list.clear()
        known = {(a.network, a.remote_id) for a in self.ctx.accounts.list()}
        for account in result.accounts:
            item = QListWidgetItem(initials_icon(account.name), self._item_text(account, known))
            item.setData(Qt.ItemDataRole.UserRole, account)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            if account.missing_scopes:
                item.setForeground(QColor(style.ERROR_COLOUR))
            self.list.addItem(item)
            load_picture(account.picture_url, item.setIcon)
        if not result.accounts:
            self.pick_label.setText(
                _(
                    "The signed-in user has no account Pregonero can publish to. Check that "
                    "they manage the Page, organization or channel, and the permissions."
                )
            )
        if result.problems:
            self.problems_label.setText("\n".join(result.problems))
            self.problems_label.show()
        self.stack.setCurrentIndex(1)
        self.add_button.show()
        self.add_button.setDefault(True)
        self._update_add()

    @staticmethod
    def _item_text(account: DiscoveredAccount, known: set[tuple[str, str]]) -> str:
        kind = _(KIND_LABELS[account.kind]) if account.kind in KIND_LABELS else account.kind
        ident = account.remote_id.rsplit(":", 1)[-1]  # "urn:li:organization:123" -> 123
        lines = [account.name, f"{kind} · {ident}"]
        if account.note:  # own line: after a long id it would be cut off at the edge
            lines.append(account.note)
        if (account.network, account.remote_id) in known:
            lines.append(_("already connected: it will be renewed"))
        if account.missing_scopes:
            lines.append(
                _("Permissions not granted: {scopes}").format(
                    scopes=", ".join(sorted(account.missing_scopes))
                )
            )
        return "\n".join(lines)

    def picked(self) -> list[DiscoveredAccount]:
        """The accounts ticked in the list."""
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _update_add(self) -> None:
        self.add_button.setEnabled(bool(self.picked()) and not self.busy)

    def add_selected(self) -> None:
        """Add the ticked accounts (in the background), then close."""
        if self.result is None or self.busy:
            return
        picks = self.picked()
        if picks:
            self._add(picks)

    def _add(self, picks: list[DiscoveredAccount]) -> None:
        result = self.result
        assert result is not None
        self._set_busy(True)
        self.status_label.setText(_("Saving…"))

        def work() -> list[Account]:
            return list(self.ctx.accounts.add_signed_in(result, picks))

        tasks.run_in_background(work, self._on_added, self._on_failed)

    def _on_added(self, accounts: list[Account]) -> None:
        self._set_busy(False)
        self.connected.emit(accounts)
        self.accept()

    # -- closing ---------------------------------------------------------------------------
    def reject(self) -> None:  # noqa: D102 - Qt API: stops the listener
        if self.busy:
            return
        if self.flow is not None:
            self.flow.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802, D102 - Qt API
        if self.busy:
            event.ignore()
            return
        if self.flow is not None:
            self.flow.cancel()
        super().closeEvent(event)
