"""Connected accounts: list with health, sign in through the browser, reconnect, check,
remove; and the manual path (paste a Facebook Page access token).

Network calls (checking a token, a sign-in, a health check, loading pictures) run in
the background (:mod:`ui.tasks`) so the window stays responsive. No token is ever
logged or shown; the dialog does not keep one once it has been handed to the core.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import Account
from app.services.accounts import AccountHealth
from ui import dialogs, style, tasks
from ui.bridge import Bridge
from ui.handoff_option import HandOffOption
from ui.media_host_settings import MediaHostOption
from ui.queue_model import network_label
from ui.signin_dialog import SignInDialog, initials_icon, load_picture, provider_title

log = logging.getLogger(__name__)

EXPLORER_URL = "https://developers.facebook.com/tools/explorer/"
DEBUGGER_URL = "https://developers.facebook.com/tools/debug/accesstoken/"


def token_help_html() -> str:
    """How to get a Page access token, as short rich text with links."""
    steps = [
        _(
            "Open the <a href='{url}'>Graph API Explorer</a> and log in with a Facebook user "
            "who manages the Page."
        ).format(url=EXPLORER_URL),
        _(
            "Under <i>Permissions</i> add <b>pages_manage_posts</b>, "
            "<b>pages_read_engagement</b> and <b>pages_show_list</b>, then click "
            "<i>Generate Access Token</i> and accept."
        ),
        _("In <i>User or Page</i>, select your Page."),
        _(
            "Copy the Page access token shown and paste it below. The Page ID is on the "
            "Page's <i>About</i> tab (or in the Explorer, as <i>id</i>)."
        ),
    ]
    tip = _(
        "A token copied straight from the Explorer stops working after about an hour. For "
        "one that does not expire, first extend the user token in the <a href='{url}'>"
        "Access Token Debugger</a> (<i>Extend Access Token</i>), then select the Page "
        "again and copy its token."
    ).format(url=DEBUGGER_URL)
    items = "".join(f"<li>{s}</li>" for s in steps)
    title = _("How to get a Page access token")
    return (
        f"<b>{title}</b>"
        f"<ol style='margin-left:-20px'>{items}</ol>"
        f"<p style='color:{style.MUTED_COLOUR}'>{tip}</p>"
    )


class ConnectPageDialog(QDialog):
    """Ask for a Page's name, ID and access token and connect it (or reconnect ``account``).

    ``connected(account)`` is emitted when the core has accepted the token.
    """

    connected = Signal(object)

    def __init__(
        self, ctx: AppContext, account: Account | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account = account
        self.busy = False
        self.setWindowTitle(
            _("Reconnect {name}").format(name=account.name) if account else _("Add a Facebook Page")
        )
        self.setWindowIcon(style.app_icon())
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)

        if account is not None:
            why = account.status_reason or _("paste a new Page access token")
            intro = QLabel(
                _("Paste a new Page access token for {page}.").format(
                    page=account.display_name or account.name
                )
                + "\n"
                + why
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)

        form = QFormLayout()
        self.name_edit = QLineEdit(account.name if account else "")
        self.name_edit.setPlaceholderText(_("A short name you will recognise, e.g. Empleo"))
        self.page_edit = QLineEdit(account.remote_id if account else "")
        self.page_edit.setPlaceholderText("104123456789012")
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(_("Paste the Page access token here"))
        self.token_edit.setAccessibleName(_("Page access token"))
        if account is not None:
            self.name_edit.setReadOnly(True)
            self.page_edit.setReadOnly(True)
        form.addRow(_("Name in Pregonero:"), self.name_edit)
        form.addRow(_("Page ID:"), self.page_edit)
        form.addRow(_("Page access token:"), self.token_edit)
        layout.addLayout(form)

        self.help_label = QLabel(token_help_html())
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.RichText)
        self.help_label.setOpenExternalLinks(True)
        self.help_label.setObjectName("helpText")
        layout.addWidget(self.help_label)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.progress_label = QLabel(_("Checking the token with Facebook…"))
        self.progress_label.hide()
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)

        self.buttons = QDialogButtonBox()
        self.connect_button = self.buttons.addButton(
            _("Reconnect") if account else _("Connect"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.buttons.accepted.connect(self.start_connect)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.token_edit if account else self.name_edit).setFocus()

    def start_connect(self) -> None:
        """Check the token with Facebook in the background; then close or show why not."""
        if self.busy:
            return
        name, page_id = self.name_edit.text(), self.page_edit.text()
        token = self.token_edit.text()
        self._set_busy(True)
        self.error_label.hide()

        def work() -> Account:
            return self.ctx.accounts.connect("facebook", name=name, remote_id=page_id, token=token)

        tasks.run_in_background(work, self._on_connected, self._on_failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (
            self.name_edit,
            self.page_edit,
            self.token_edit,
            self.connect_button,
            self.cancel_button,
        ):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)

    def _on_connected(self, account: Account) -> None:
        self._set_busy(False)
        self.token_edit.clear()
        log.info("account %s connected (%s %s)", account.name, account.network, account.remote_id)
        self.connected.emit(account)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error_label.setText(dialogs.describe_error(exc))
        self.error_label.show()
        self.token_edit.setFocus()
        self.token_edit.selectAll()

    def reject(self) -> None:  # noqa: D102 - Qt API: not while the check is running
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802, D102 - Qt API
        if self.busy:
            event.ignore()
        else:
            super().closeEvent(event)


SIGNIN_ORDER = ("meta", "x", "linkedin", "google")
WARNING_COLOUR = "#b45309"  # amber: works now, needs attention soon


def _date(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "–"


def status_text(health: AccountHealth, now: datetime | None = None) -> tuple[str, str]:
    """(text, colour) of an account's status column: short, the whole reason is in
    the tooltip and the details. ``now``: aware UTC (default: the system clock)."""
    account = health.account
    now = now or datetime.now(UTC)
    if health.state == "needs_reconnect":
        why = account.status_reason or (health.warnings[0] if health.warnings else "")
        if health.expires_at is not None and health.expires_at <= now:
            why = _("ended on {date}").format(
                date=health.expires_at.astimezone().strftime("%Y-%m-%d")
            )
        return (
            _("Reconnect needed: {why}").format(why=why or _("no reason given")),
            style.ERROR_COLOUR,
        )
    if health.state == "expiring":
        when = health.expires_at.astimezone().strftime("%Y-%m-%d") if health.expires_at else ""
        return _("Reconnect before {date}").format(date=when), WARNING_COLOUR
    if health.missing:
        return (
            _("Connected; permissions missing: {scopes}").format(
                scopes=", ".join(sorted(health.missing))
            ),
            WARNING_COLOUR,
        )
    return _("Connected"), style.OK_COLOUR


class AccountsDialog(QDialog):
    """The list of connected accounts, their health and the actions on them."""

    COLUMNS = 6

    def __init__(
        self, ctx: AppContext, bridge: Bridge | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self.connect_dialog: ConnectPageDialog | None = None
        self.signin_dialog: SignInDialog | None = None
        self.setWindowTitle(_("Accounts"))
        self.setWindowIcon(style.app_icon())
        self.resize(1120, 460)
        layout = QVBoxLayout(self)

        intro = QLabel(
            _(
                "Pregonero publishes to these accounts. Access tokens are kept in "
                "the system keyring, never in Pregonero's files."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(self.COLUMNS)
        self.tree.setHeaderLabels(
            [
                _("Name"),
                _("Account"),
                _("Network"),
                _("Status"),
                _("Connection ends"),
                _("Last good call"),
            ]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIconSize(QSize(24, 24))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_a: self.reconnect_selected())
        layout.addWidget(self.tree, 1)

        self.empty_label = QLabel(
            _(
                "No account yet. Click “Add account” and sign in to Facebook, Instagram, X, "
                "LinkedIn or YouTube. First set up your developer apps in Settings → "
                "Developer apps."
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        layout.addWidget(self.empty_label)

        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail_label)
        self.handoff_option = HandOffOption(ctx)
        layout.addWidget(self.handoff_option)
        self.media_host_option = MediaHostOption(ctx)  # Instagram: where photos go
        layout.addWidget(self.media_host_option)

        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add account"))
        self.add_menu = QMenu(self.add_button)
        self.signin_actions = {}
        for provider in SIGNIN_ORDER:
            action = self.add_menu.addAction(
                _("Sign in with {network}…").format(network=provider_title(provider))
            )
            action.triggered.connect(lambda _c=False, p=provider: self.sign_in(p))
            self.signin_actions[provider] = action
        self.add_menu.addSeparator()
        self.manual_action = self.add_menu.addAction(_("Facebook Page with an access token…"))
        self.manual_action.triggered.connect(lambda: self.add_page())
        self.add_button.setMenu(self.add_menu)
        self.reconnect_button = QPushButton(_("Reconnect…"))
        self.reconnect_button.clicked.connect(self.reconnect_selected)
        self.check_button = QPushButton(_("Check"))
        self.check_button.setToolTip(_("Ask the network whether the connection works"))
        self.check_button.clicked.connect(self.check_selected)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        for button in (
            self.add_button,
            self.reconnect_button,
            self.check_button,
            self.remove_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self._pictures: dict[str, Any] = {}
        self.reload()

    # -- list ----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the accounts again (marking expired connections first)."""
        selected = self.selected_account()
        self.tree.clear()
        try:
            self.ctx.accounts.mark_expired()
            accounts = self.ctx.accounts.list()
            healths = {a.id: self.ctx.accounts.health(a) for a in accounts}
        except AppError as exc:
            dialogs.show_error(self, _("Accounts"), dialogs.describe_error(exc))
            accounts, healths = [], {}
        self._accounts = {a.id: a for a in accounts}  # before a picture arrives
        self._healths = healths
        for account in accounts:
            health = healths[account.id]
            status, colour = status_text(health, self.ctx.clock.now())
            ends = _date(health.expires_at)
            if health.renews_itself and health.expires_at is None:
                ends = _("renews itself")
            item = QTreeWidgetItem(
                [
                    account.name,
                    account.display_name or account.remote_id,
                    network_label(account.network),
                    status,
                    ends,
                    _date(health.last_ok_at),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, account.id)
            item.setIcon(
                0, self._pictures.get(account.picture_url) or initials_icon(account.name, 24)
            )
            item.setToolTip(1, _("Account ID {id}").format(id=account.remote_id))
            item.setToolTip(3, "\n".join(health.warnings) or status)
            item.setForeground(3, QBrush(QColor(colour)))
            self.tree.addTopLevelItem(item)
            if selected is not None and selected.id == account.id:
                item.setSelected(True)
            if account.picture_url and account.picture_url not in self._pictures:
                self._pictures[account.picture_url] = None
                load_picture(
                    account.picture_url,
                    lambda icon, url=account.picture_url: self._picture_loaded(url, icon),
                )
        self._fit_columns()
        self.empty_label.setVisible(not accounts)
        first = self.tree.topLevelItem(0)
        if first is not None and not self.tree.selectedItems():
            first.setSelected(True)
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Every column but the status one as wide as its text (names within a cap),
        so that names and dates are not cut; the status column takes the rest."""
        caps = {0: 260, 1: 260, 2: 120, 4: 170, 5: 170}
        for column, cap in caps.items():
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column) + 12, cap))

    def _picture_loaded(self, url: str, icon: Any) -> None:
        self._pictures[url] = icon
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            account = self._accounts.get(item.data(0, Qt.ItemDataRole.UserRole))
            if account is not None and account.picture_url == url:
                item.setIcon(0, icon)

    def selected_account(self) -> Account | None:
        """The selected account, as last loaded."""
        items = self.tree.selectedItems() if hasattr(self, "_accounts") else []
        if not items:
            return None
        return self._accounts.get(items[0].data(0, Qt.ItemDataRole.UserRole))

    def _update_buttons(self) -> None:
        account = self.selected_account()
        for button in (self.reconnect_button, self.check_button, self.remove_button):
            button.setEnabled(account is not None)
        self.detail_label.setText(self._details(account) if account else "")
        self.handoff_option.set_account(account)
        self.media_host_option.set_account(account)

    def _details(self, account: Account) -> str:
        """The selected account's health, one fact per line: what is wrong (if
        anything), the permissions needed and whether they were granted, and how long
        the connection lasts."""
        health = self._healths.get(account.id)
        if health is None:
            return ""
        lines: list[str] = []
        if health.state != "ok" or health.missing:
            lines.extend(health.warnings)
        if health.needed:
            needed = ", ".join(sorted(health.needed))
            if health.missing:
                lines.append(
                    _("Permissions needed: {scopes}; not granted: {missing}.").format(
                        scopes=needed, missing=", ".join(sorted(health.missing))
                    )
                )
            elif health.granted:
                lines.append(_("Permissions needed: {scopes}; all granted.").format(scopes=needed))
            else:
                lines.append(_("Permissions needed: {scopes}.").format(scopes=needed))
        extra = sorted(health.granted - health.needed)
        if extra:
            lines.append(_("Other permissions granted: {scopes}").format(scopes=", ".join(extra)))
        if health.renews_itself:
            lines.append(_("Pregonero renews this connection by itself."))
        elif (
            health.expires_at is not None
            and health.state == "ok"
            and health.expires_at > datetime.now(UTC)
        ):
            days = self.ctx.accounts.warning_days()
            lines.append(
                ngettext(
                    "The connection ends on {date}; Pregonero reminds you {days} day before. "
                    "Reconnect then to keep publishing.",
                    "The connection ends on {date}; Pregonero reminds you {days} days before. "
                    "Reconnect then to keep publishing.",
                    days,
                ).format(date=health.expires_at.astimezone().strftime("%Y-%m-%d"), days=days)
            )
        lines.extend(health.notes)
        return "\n".join(lines)

    def _changed(self) -> None:
        self.reload()
        if self.bridge is not None:
            self.bridge.post_changed()

    # -- actions -------------------------------------------------------------------
    def add_page(self) -> ConnectPageDialog:
        """Open the "Add a Facebook Page" form (non-blocking); returns it."""
        return self._open_connect(None)

    def sign_in(self, provider: str, reconnect: Account | None = None) -> SignInDialog:
        """Open the browser sign-in with ``provider`` (non-blocking); returns the dialog."""
        dialog = SignInDialog(self.ctx, provider, reconnect, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connected.connect(lambda _a: self._changed())
        self.signin_dialog = dialog
        dialog.destroyed.connect(lambda *_a: setattr(self, "signin_dialog", None))
        dialog.open()
        dialog.start()
        return dialog

    def reconnect_selected(self) -> ConnectPageDialog | SignInDialog | None:
        """Reconnect the selected account: the browser sign-in it came from, or the
        token form for a Page connected with a pasted token."""
        account = self.selected_account()
        if account is None:
            return None
        provider = account.options.get("provider")
        if provider:
            return self.sign_in(str(provider), account)
        return self._open_connect(account)

    def check_selected(self) -> None:
        """Check the selected account with its network (in the background)."""
        account = self.selected_account()
        if account is None:
            return
        self.check_button.setEnabled(False)
        self.detail_label.setText(_("Checking {name}…").format(name=account.name))

        def done(health: AccountHealth) -> None:
            self._changed()
            details = self.detail_label.text()  # starts with what is wrong, if anything
            if health.state == "ok":
                text, _colour = status_text(health, self.ctx.clock.now())
                details = "\n".join((f"{account.name}: {text}", *health.warnings, details))
            self.detail_label.setText(details)

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            dialogs.show_error(self, _("Check"), dialogs.describe_error(exc))

        tasks.run_in_background(lambda: self.ctx.accounts.check(account), done, failed)

    def _open_connect(self, account: Account | None) -> ConnectPageDialog:
        dialog = ConnectPageDialog(self.ctx, account, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connected.connect(lambda _a: self._changed())
        self.connect_dialog = dialog
        dialog.destroyed.connect(lambda *_a: setattr(self, "connect_dialog", None))
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        """Disconnect the selected account (after asking)."""
        account = self.selected_account()
        if account is None:
            return
        if not dialogs.confirm(
            self,
            _("Remove account"),
            _(
                "Remove {name}? Pregonero deletes its access tokens from the keyring; "
                "published posts and their record are kept."
            ).format(name=account.name),
            _("Remove"),
        ):
            return
        try:
            self.ctx.accounts.remove(account)
        except AppError as exc:
            dialogs.show_error(self, _("Remove account"), dialogs.describe_error(exc))
        self._changed()
