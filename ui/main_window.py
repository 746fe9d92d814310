"""The main window: the queue of posts, the selected post's details and the actions."""

from __future__ import annotations

import html
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QCursor,
    QDesktopServices,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError, ValidationError
from app.i18n import _, ngettext
from app.models import PROBLEMS, Account, DeliveryEvent, DeliveryState, Post
from app.services.accounts import REMOVED_BY_USER
from app.services.posts import PostService
from app.services.xcost import estimate_month, format_usd
from app.timeutil import format_local
from ui import dialogs, maintenance, style
from ui.bridge import Bridge
from ui.queue_model import QueueModel, format_when, network_label, shown_time

log = logging.getLogger(__name__)
S = DeliveryState

#: Delay (ms) that groups bursts of change signals into one reload.
RELOAD_DELAY_MS = 120


can_edit = PostService.can_edit
can_publish_now = PostService.can_publish_now
can_unschedule = PostService.can_unschedule


class RunnerStatus:
    """What the status bar needs from the runner (``None`` = no runner, e.g. in tests)."""

    def __init__(self, runner: Any | None) -> None:
        self.runner = runner

    def text(self) -> tuple[str, bool]:
        """A sentence about who publishes, and whether it is this window."""
        if self.runner is None:
            return _("Not publishing: the scheduler is not running in this window."), False
        if self.runner.is_publisher:
            return _("This window publishes posts at their time."), True
        return _(
            "Another Pregonero window or service is publishing; this one only shows the queue."
        ), False


class MainWindow(QMainWindow):
    """The queue of posts of ``ctx``; kept up to date by ``bridge``'s signals.

    ``runner`` (a :class:`schedulers.runner.Runner`, optional) is only asked whether
    this process is the one that publishes.
    """

    def __init__(
        self,
        ctx: AppContext,
        bridge: Bridge,
        runner: Any | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self.status = RunnerStatus(runner)
        self._accounts: dict[int, Account] = {}
        self._composers: dict[int | None, Any] = {}
        self._accounts_dialog: Any = None
        self._first_load = True
        self.setWindowTitle("Pregonero")
        self.setWindowIcon(style.app_icon())
        self.resize(1200, 700)

        self._build_actions()
        self._build_central()
        self._build_status_bar()

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        bridge.deliveryChanged.connect(lambda *_a: self.schedule_reload())
        bridge.dataChanged.connect(self.schedule_reload)
        bridge.accountNeedsReconnect.connect(self._on_account_needs_reconnect)
        bridge.notice.connect(self._on_notice)
        # Who publishes can change without any data changing (lock taken over).
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(5000)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start()
        self.reload()

    # -- building ------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            _("New post"), self.new_post, QKeySequence.StandardKey.New, _("Write a new post")
        )
        self.edit_action = self._action(
            _("Edit"), self.edit_selected, "Return", _("Open the selected post")
        )
        self.publish_action = self._action(
            _("Publish now"), self.publish_selected, None, _("Publish the selected post now")
        )
        self.draft_action = self._action(
            _("Back to draft"),
            self.unschedule_selected,
            None,
            _("Take the selected post out of the queue; nothing is published"),
        )
        self.delete_action = self._action(
            _("Delete"),
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
            _("Delete the selected post"),
        )
        self.accounts_action = self._action(
            _("Accounts…"),
            self.open_accounts,
            None,
            _("Connect, reconnect or remove Facebook Pages"),
        )
        self.quit_action = self._action(_("Quit"), self.quit_app, QKeySequence.StandardKey.Quit)
        self.import_action = self._action(
            _("Import…"),
            self.open_import,
            None,
            _("Bring posts in from a Hootsuite, Buffer, Publer or Pregonero file"),
        )
        self.export_action = self._action(
            _("Export…"),
            self.open_export,
            None,
            _(
                "Save the plan as a calendar, the published history as CSV, or a CSV for "
                "Hootsuite or Buffer"
            ),
        )
        self.about_action = self._action(_("About Pregonero"), self._about)

        menu = self.menuBar()
        file_menu = menu.addMenu(_("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        post_menu = menu.addMenu(_("&Post"))
        for action in (
            self.edit_action,
            self.publish_action,
            self.draft_action,
            self.delete_action,
        ):
            post_menu.addAction(action)
        accounts_menu = menu.addMenu(_("&Accounts"))
        accounts_menu.addAction(self.accounts_action)
        help_menu = menu.addMenu(_("&Help"))
        help_menu.addAction(self.about_action)
        self._add_maintenance_actions(file_menu, help_menu)

        toolbar = QToolBar(_("Actions"), self)
        toolbar.setObjectName("actions")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setIconSize(QSize(16, 16))
        toolbar.addAction(self.new_action)
        toolbar.addSeparator()
        for action in (
            self.edit_action,
            self.publish_action,
            self.draft_action,
            self.delete_action,
        ):
            toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        toolbar.addWidget(spacer)
        toolbar.addAction(self.accounts_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        # Crisis pause (issue 7): one switch holds every scheduled post.
        from ui.pause_control import PauseControl

        self.pause_control = PauseControl(self.ctx, self.bridge, self)
        toolbar.addAction(self.pause_control.action)
        pause_button = toolbar.widgetForAction(self.pause_control.action)
        if pause_button is not None:
            pause_button.setStyleSheet(
                "QToolButton:checked { background: #b91c1c; color: white; font-weight: bold; }"
            )
        post_menu.addSeparator()
        post_menu.addAction(self.pause_control.action)
        new_button = toolbar.widgetForAction(self.new_action)
        if new_button is not None:
            new_button.setObjectName("primary")

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.setSpacing(6)

        # A banner for accounts that need to be connected again.
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 6, 6)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        banner_button = QPushButton(_("Reconnect…"))
        banner_button.clicked.connect(self.open_accounts)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(banner_button)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)

        # Page 0: empty state.
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(2)
        self.empty_title = QLabel()
        self.empty_title.setObjectName("emptyTitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint = QLabel()
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("primaryButton")
        self.empty_button.clicked.connect(self._empty_action)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.empty_button)
        button_row.addStretch(1)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(self.empty_hint)
        empty_layout.addSpacing(12)
        empty_layout.addLayout(button_row)
        empty_layout.addStretch(3)
        self.stack.addWidget(empty)

        # Page 1: the queue and the details of the selected post.
        self.model = QueueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setMouseTracking(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QueueModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (QueueModel.TIME, 180),
            (QueueModel.ACCOUNTS, 130),
            (QueueModel.STATE, 140),
            (QueueModel.LINK, 140),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        self.table.clicked.connect(self._on_clicked)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.entered.connect(self._on_hover)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._on_selection())

        self.post_view = QTextBrowser()
        self.post_view.setOpenLinks(False)
        self.post_view.anchorClicked.connect(self.open_url)
        self.record_view = QTextBrowser()
        self.record_view.setOpenLinks(False)
        self.record_view.anchorClicked.connect(self.open_url)
        details = QSplitter(Qt.Orientation.Horizontal)
        details.addWidget(self.post_view)
        details.addWidget(self.record_view)
        details.setStretchFactor(0, 1)
        details.setStretchFactor(1, 1)
        details.setChildrenCollapsible(False)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([400, 220])
        splitter.setChildrenCollapsible(False)
        self.stack.addWidget(self._build_calendar_tabs(splitter))  # issue 6: Calendar | Queue
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.publisher_label = QLabel()
        self.attention_label = QLabel()
        bar.addWidget(self.publisher_label, 1)
        self.x_cost_label = QLabel()  # X charges per post (issue 5): the month's estimate
        self.x_cost_label.setVisible(False)
        bar.addPermanentWidget(self.x_cost_label)
        bar.addPermanentWidget(self.attention_label)

    def _show_x_cost(self, accounts: list[Account]) -> None:
        """The estimated X cost of this month (queued and already spent), when an X
        account is connected; the tooltip has it per account."""
        if not any(a.network == "x" for a in accounts):
            self.x_cost_label.setVisible(False)
            return
        zone = self.ctx.settings.timezone
        today = datetime.now(ZoneInfo(zone))
        try:
            month = estimate_month(self.ctx.store, today.year, today.month, zone)
        except AppError:
            return
        self.x_cost_label.setText(
            _("X this month: {queued} queued, {spent} spent (estimate)").format(
                queued=format_usd(month.queued.total), spent=format_usd(month.spent.total)
            )
        )
        self.x_cost_label.setToolTip(
            "\n".join(
                ngettext(
                    "{account}: {queued} queued ({n} post), {spent} spent",
                    "{account}: {queued} queued ({n} posts), {spent} spent",
                    a.queued.parts,
                ).format(
                    account=a.account_name,
                    queued=format_usd(a.queued.total),
                    n=a.queued.parts,
                    spent=format_usd(a.spent.total),
                )
                for a in month.accounts
            )
        )
        self.x_cost_label.setVisible(True)

    # -- loading -------------------------------------------------------------------
    def schedule_reload(self) -> None:
        """Reload soon; bursts of changes are grouped into one reload."""
        self._reload_timer.start()

    def reload(self) -> None:
        """Read the queue and the accounts again and show them."""
        self._reload_timer.stop()
        selected = self.selected_post()
        try:
            posts = self.ctx.posts.list()
            accounts = self.ctx.accounts.list()
        except AppError as exc:  # e.g. the database is busy: keep what is shown
            self.statusBar().showMessage(dialogs.describe_error(exc), 10_000)
            return
        self._accounts = {a.id: a for a in accounts}
        self.model.set_posts(posts, self._accounts)
        self._show_x_cost(accounts)
        if selected is not None:
            row = self.model.row_of(selected.id)
            if row >= 0 and self.table.currentIndex().row() != row:
                self.table.selectRow(row)
        elif self._first_load and posts:
            # Start on the first post that needs attention, else the first one.
            problems = [i for i, p in enumerate(posts) if p.state in PROBLEMS]
            self.table.selectRow(problems[0] if problems else 0)
        self._first_load = False
        self._update_empty_state(posts, accounts)
        self._update_banner(accounts)
        self._update_status()
        self._on_selection()

    def _update_empty_state(self, posts: list[Post], accounts: list[Account]) -> None:
        if posts or self.inbox.open_count:  # open comments (issue 10) show the tabs too
            self.stack.setCurrentIndex(1)
            return
        self.stack.setCurrentIndex(0)
        if not accounts:
            self.empty_title.setText(_("Connect an account first"))
            self.empty_hint.setText(
                _(
                    "Pregonero publishes to the Facebook Pages, Instagram, X, LinkedIn and "
                    "YouTube accounts you connect. Set up your developer app in File → "
                    "Settings… → Developer apps, then sign in through your browser."
                )
            )
            self.empty_button.setText(_("Connect an account…"))
        else:
            self.empty_title.setText(_("No posts yet: click New post"))
            self.empty_hint.setText(
                _(
                    "Write the text, add photos, choose the date and time: Pregonero publishes "
                    "it on time while this window (or the Pregonero service) is running."
                )
            )
            self.empty_button.setText(_("New post"))

    def _empty_action(self) -> None:
        if self._accounts:
            self.new_post()
        else:
            self.open_accounts()

    def _update_banner(self, accounts: list[Account]) -> None:
        broken = [a for a in accounts if a.status != "ok" and not a.options.get(REMOVED_BY_USER)]
        if not broken:
            self.banner.hide()
            return
        lines = [
            _("{name} needs to be connected again: {why}").format(
                name=a.name, why=a.status_reason or _("no reason given")
            )
            for a in broken
        ]
        self.banner_label.setText(
            "\n".join(lines) + "\n" + _("Its posts wait (blocked) until you reconnect it.")
        )
        self.banner.show()

    def _update_status(self) -> None:
        text, publishing = self.status.text()
        colour = style.OK_COLOUR if publishing else style.MUTED_COLOUR
        self.publisher_label.setText(f"<span style='color:{colour}'>●</span> " + html.escape(text))
        posts = self.model.posts()
        attention = sum(1 for p in posts if any(d.state in PROBLEMS for d in p.deliveries))
        if attention:
            self.attention_label.setText(
                f"<b style='color:{style.ERROR_COLOUR}'>"
                + html.escape(
                    ngettext(
                        "{n} post needs attention", "{n} posts need attention", attention
                    ).format(n=attention)
                )
                + "</b>"
            )
        else:
            self.attention_label.setText(html.escape(_("Nothing needs attention")))

    # -- selection and details -----------------------------------------------------
    def selected_post(self) -> Post | None:
        """The post of the selected row, as last loaded."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.post_at(rows[0].row()) if rows else None

    def select_post(self, post_id: int) -> None:
        """Select the row of post ``post_id`` if it is shown."""
        row = self.model.row_of(post_id)
        if row >= 0:
            self.table.selectRow(row)

    def _on_selection(self) -> None:
        post = self.selected_post()
        self.edit_action.setEnabled(post is not None and can_edit(post))
        self.publish_action.setEnabled(post is not None and can_publish_now(post))
        self.draft_action.setEnabled(post is not None and can_unschedule(post))
        self.delete_action.setEnabled(post is not None and can_edit(post))
        self._show_details(post)

    def _history(self, post_id: int) -> list[DeliveryEvent]:
        # TODO(core): read through a service (PostService.history) once it exists.
        return self.ctx.posts.history(post_id)

    def _show_details(self, post: Post | None) -> None:
        if post is None:
            hint = html.escape(_("Select a post to see its details and publication record."))
            self.post_view.setHtml(f"<p style='color:{style.MUTED_COLOUR}'>{hint}</p>")
            self.record_view.setHtml("")
            return
        self.post_view.setHtml(self._post_html(post))
        try:
            events = self._history(post.id)
        except AppError as exc:
            self.record_view.setHtml(html.escape(dialogs.describe_error(exc)))
            return
        self.record_view.setHtml(self._record_html(post, events))

    def _account_name(self, account_id: int) -> str:
        account = self._accounts.get(account_id)
        return account.name if account else f"#{account_id}"

    def _post_html(self, post: Post) -> str:
        esc = html.escape
        when, meaning = shown_time(post)
        colour = style.STATE_COLOURS.get(post.state, "#000")
        head = f"<b style='color:{colour}'>{esc(post.state.label)}</b>"
        if when is not None:
            head += f" &nbsp;·&nbsp; {esc(meaning)} {esc(format_when(when, post.tz))}"
        parts = [f"<p>{head}</p>"]
        no_text, link_label = esc(_("No text")), esc(_("Link:"))
        no_alt = esc(_("No alt text: people using screen readers will miss it."))
        text = (
            esc(post.text).replace("\n", "<br>")
            if post.text.strip()
            else f"<i style='color:{style.MUTED_COLOUR}'>{no_text}</i>"
        )
        parts.append(f"<p>{text}</p>")
        if post.link:
            parts.append(
                f"<p>{link_label} <a href='{esc(post.link, quote=True)}'>{esc(post.link)}</a></p>"
            )
        if post.media:
            rows = []
            for media in post.media:
                url = QUrl.fromLocalFile(media.path).toString()
                alt = (
                    esc(media.alt_text)
                    if media.alt_text
                    else f"<span style='color:{style.ERROR_COLOUR}'>{no_alt}</span>"
                )
                rows.append(
                    f"<tr><td width='64'><img src='{esc(url, quote=True)}' height='48'></td>"
                    f"<td>{esc(media.original_name)}<br>"
                    f"<span style='color:{style.MUTED_COLOUR}'>{alt}</span></td></tr>"
                )
            parts.append(
                "<table cellspacing='0' cellpadding='3' width='100%'>" + "".join(rows) + "</table>"
            )
        return "".join(parts)

    def _record_html(self, post: Post, events: list[DeliveryEvent]) -> str:
        esc = html.escape
        accounts_title = _("Accounts")
        parts = [f"<p><b>{esc(accounts_title)}</b></p>", "<table cellspacing='0' cellpadding='3'>"]
        by_delivery = {d.id: d for d in post.deliveries}
        for d in post.deliveries:
            colour = style.STATE_COLOURS.get(d.state, "#000")
            when = ""
            if d.state == S.PUBLISHED and d.published_at:
                when = format_when(d.published_at, post.tz)
            elif d.due_at:
                when = format_when(d.due_at, post.tz)
            cells = [
                esc(self._account_name(d.account_id)),
                f"<b style='color:{colour}'>{esc(d.state.label)}</b>",
                esc(when),
            ]
            if d.permalink:
                account = self._accounts.get(d.account_id)
                label = _("View on {network}").format(
                    network=network_label(account.network) if account else ""
                )
                cells.append(f"<a href='{esc(d.permalink, quote=True)}'>{esc(label)}</a>")
            else:
                cells.append("")
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            if d.last_error and d.state != S.PUBLISHED:
                parts.append(
                    f"<tr><td></td><td colspan='3' style='color:{style.ERROR_COLOUR}'>"
                    f"{esc(d.last_error)}</td></tr>"
                )
        parts.append("</table>")
        if post.due_at and any(
            d.state == S.SCHEDULED and d.due_at and d.due_at != post.due_at for d in post.deliveries
        ):
            parts.append(
                f"<p style='color:{style.ERROR_COLOUR}'>"
                + esc(
                    _(
                        "The time in the post ({time}) is not applied yet: open it and click "
                        "Schedule."
                    ).format(time=format_when(post.due_at, post.tz))
                )
                + "</p>"
            )
        if events:
            record_title = _("Publication record")
            parts.append(f"<p><b>{esc(record_title)}</b></p>")
            parts.append("<table cellspacing='0' cellpadding='2'>")
            for event in reversed(events):
                delivery = by_delivery.get(event.delivery_id)
                name = self._account_name(delivery.account_id) if delivery else ""
                reason = event.reason + (f": {event.detail}" if event.detail else "")
                parts.append(
                    f"<tr><td style='color:{style.MUTED_COLOUR}'>"
                    f"{esc(format_local(event.at, post.tz))}</td>"
                    f"<td>{esc(name)}</td><td>{esc(event.to_state.label)}</td>"
                    f"<td style='color:{style.MUTED_COLOUR}'>{esc(reason)}</td></tr>"
                )
            parts.append("</table>")
        return "".join(parts)

    # -- links -----------------------------------------------------------------------
    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == QueueModel.LINK:
            url = self.model.data(index, QueueModel.PermalinkRole)
            if url:
                self.open_url(QUrl(url))

    def _on_hover(self, index: QModelIndex) -> None:
        link = index.column() == QueueModel.LINK and bool(
            self.model.data(index, QueueModel.PermalinkRole)
        )
        self.table.viewport().setCursor(
            QCursor(Qt.CursorShape.PointingHandCursor if link else Qt.CursorShape.ArrowCursor)
        )

    def open_url(self, url: QUrl) -> None:
        """Open ``url`` (a permalink or the post's link) in the web browser."""
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # -- actions ---------------------------------------------------------------------
    def new_post(self) -> Any:
        """Open the composer on a new post; returns the composer."""
        return self.open_composer(None)

    def edit_selected(self) -> Any:
        """Open the composer on the selected post (if it can still be edited)."""
        post = self.selected_post()
        if post is None:
            return None
        if not can_edit(post):
            self.statusBar().showMessage(
                _(
                    "This post is being published or was already published; it can no longer "
                    "be edited."
                ),
                8000,
            )
            return None
        return self.open_composer(post.id)

    def open_composer(self, post_id: int | None) -> Any:
        """Show a composer for ``post_id`` (None: a new post), or raise the one already open."""
        from ui.composer import Composer

        existing = self._composers.get(post_id) if post_id is not None else None
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        composer = Composer(self.ctx, self.bridge, post_id, parent=self)
        composer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if post_id is not None:
            self._composers[post_id] = composer
            composer.destroyed.connect(lambda *_a, pid=post_id: self._composers.pop(pid, None))
        composer.postSaved.connect(self._remember_composer)
        composer.finished.connect(lambda *_a: self.reload())
        composer.show()
        return composer

    def _remember_composer(self, post_id: int) -> None:
        composer = self.sender()
        if composer is not None and post_id not in self._composers:
            self._composers[post_id] = composer
            composer.destroyed.connect(lambda *_a, pid=post_id: self._composers.pop(pid, None))
        self.schedule_reload()

    def publish_selected(self) -> None:
        """Queue the selected post to be published now (after asking)."""
        post = self.selected_post()
        if post is None or not can_publish_now(post):
            return
        names = ", ".join(
            sorted(
                {
                    self._account_name(d.account_id)
                    for d in post.deliveries
                    if d.state != S.CANCELLED
                }
            )
        )
        composer = self._composers.get(post.id)
        if composer is not None:
            composer.flush()  # what is being typed goes out too
        # With check findings the review screen is the confirmation (issue 7).
        post = self.ctx.posts.get(post.id)
        overrides: dict[str, str] | None = {}
        if self.ctx.posts.checks.findings(post, self.ctx.clock.now()):
            overrides = dialogs.review_post(
                self, self.ctx, post, self.ctx.clock.now(), publish_now=True
            )
            if overrides is None:
                return
        elif not dialogs.confirm(
            self,
            _("Publish now"),
            _("Publish this post now on {accounts}?").format(accounts=names),
            _("Publish now"),
        ):
            return
        try:
            self.ctx.posts.publish_now(post.id, overrides=overrides)
        except ValidationError as exc:
            dialogs.show_problems(
                self,
                _("Publish now"),
                _("The post cannot be published yet:"),
                dialogs.problem_lines(exc),
            )
        except AppError as exc:
            dialogs.show_error(self, _("Publish now"), dialogs.describe_error(exc))
        self.reload()

    def unschedule_selected(self) -> None:
        """Take the selected post back to draft."""
        post = self.selected_post()
        if post is None:
            return
        try:
            self.ctx.posts.unschedule(post.id)
        except AppError as exc:
            dialogs.show_error(self, _("Back to draft"), dialogs.describe_error(exc))
        self.reload()

    def delete_selected(self) -> None:
        """Delete the selected post (after asking); its publication record is kept."""
        post = self.selected_post()
        if post is None or not can_edit(post):
            return
        if not dialogs.confirm(
            self,
            _("Delete post"),
            _("Delete this post? It will not be published. Its publication record is kept."),
            _("Delete"),
        ):
            return
        composer = self._composers.get(post.id)
        if composer is not None:
            composer.close()
        try:
            self.ctx.posts.delete(post.id)
        except AppError as exc:
            dialogs.show_error(self, _("Delete post"), dialogs.describe_error(exc))
        self.reload()

    def open_accounts(self) -> Any:
        """Show the accounts dialog; returns it."""
        from ui.accounts_dialog import AccountsDialog

        if self._accounts_dialog is not None and self._accounts_dialog.isVisible():
            self._accounts_dialog.raise_()
            return self._accounts_dialog
        dialog = AccountsDialog(self.ctx, self.bridge, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda *_a: self.reload())
        dialog.destroyed.connect(lambda *_a: setattr(self, "_accounts_dialog", None))
        self._accounts_dialog = dialog
        dialog.open()
        return dialog

    def open_import(self) -> Any:
        """Show the import dialog (File → Import…); returns it."""
        from ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.ctx, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda *_a: self.schedule_reload())
        dialog.finished.connect(lambda *_a: self.reload())
        dialog.open()
        return dialog

    def open_export(self) -> Any:
        """Show the export dialog (File → Export…); returns it."""
        from ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.ctx, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _about(self) -> None:
        dialogs.show_info(
            self,
            _("About Pregonero"),
            _(
                "Pregonero schedules posts and publishes them to your organisation's Facebook "
                "Pages at their time.\n\nFree software (GPL-3.0-or-later)."
            ),
        )

    # -- settings, record, logs, quitting ----------------------------------------------
    def _add_maintenance_actions(self, file_menu: QMenu, help_menu: QMenu) -> None:
        self.record_action = self._action(
            _("Export publication record…"),
            self.export_publication_record,
            None,
            _("Save what was published, when and where (and every failure) as CSV or JSON"),
        )
        self.settings_action = self._action(
            _("Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences
        )
        self.logs_action = self._action(
            _("Open logs"), maintenance.open_logs, None, _("Show the folder of Pregonero's log")
        )
        file_menu.insertAction(self.quit_action, self.record_action)
        file_menu.insertSeparator(self.quit_action)
        file_menu.insertAction(self.quit_action, self.settings_action)
        file_menu.insertSeparator(self.quit_action)
        help_menu.insertAction(self.about_action, self.logs_action)
        help_menu.insertSeparator(self.about_action)

    def open_settings(self) -> Any:
        """File → Settings…: show the settings dialog; returns it."""
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.status.runner, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda *_a: self.reload())
        dialog.open()
        return dialog

    def export_publication_record(self) -> None:
        """File → Export publication record…: CSV or JSON."""
        message = maintenance.export_publication_record(self, self.ctx)
        if message:
            self.statusBar().showMessage(message, 15_000)

    def quit_app(self) -> None:
        """File → Quit: really quit, also when closing the window only hides it (tray)."""
        self.setProperty("quitting", True)
        if self.close():
            QApplication.quit()
        else:
            self.setProperty("quitting", False)

    # -- calendar (issue 6) -------------------------------------------------------------
    def _build_calendar_tabs(self, queue: QWidget) -> QWidget:
        """The main view: tabs Calendar (first) and Queue, plus Edit → Undo/Redo, Move…"""
        from PySide6.QtWidgets import QTabWidget

        from ui.calendar.widget import CalendarWidget

        self.calendar = CalendarWidget(self.ctx, self.bridge)
        self.calendar.openPost.connect(self.open_from_calendar)
        self.calendar.composeAt.connect(self.compose_at)
        self.calendar.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.calendar, _("Calendar"))
        self.tabs.addTab(queue, _("Queue"))
        from ui.inbox.view import install_inbox_tab  # comments inbox (issue 10)

        self.inbox = install_inbox_tab(self, self.tabs)
        stack = self.calendar.undo_stack
        self.undo_action = stack.createUndoAction(self, _("Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, _("Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.move_action = self._action(
            _("Move…"),
            self.move_selected,
            "Ctrl+M",
            _("Move the selected posts by days, by working days or to a date"),
        )
        self.campaigns_action = self._action(
            _("Campaigns…"), self.calendar.open_campaigns, None, _("Campaigns and key dates")
        )
        edit_menu = QMenu(_("&Edit"), self)
        for action in (self.undo_action, self.redo_action, None, self.move_action):
            if action is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(action)
        edit_menu.addAction(self.campaigns_action)
        menus = [a for a in self.menuBar().actions() if a.menu() is not None]
        self.menuBar().insertMenu(menus[1] if len(menus) > 1 else None, edit_menu)
        return self.tabs

    def open_inbox(self) -> None:
        """Show the Inbox tab (tray, daily summary notification)."""
        self.stack.setCurrentIndex(1)
        self.tabs.setCurrentWidget(self.inbox)

    def open_from_calendar(self, post_id: int) -> Any:
        """A chip was clicked: select the post in the queue and open it (a published one
        opens read-only, with its record)."""
        self.select_post(post_id)
        return self.open_composer(post_id)

    def compose_at(self, local: Any) -> Any:
        """An empty slot was double-clicked: a new post at naive wall-clock ``local``."""
        composer = self.open_composer(None)
        composer.preset_time(local)
        return composer

    def move_selected(self) -> Any:
        """Edit → Move…: the calendar's selection, or the queue's selected rows."""
        if self.tabs.currentWidget() is not self.calendar:
            rows = self.table.selectionModel().selectedRows()
            ids = [p.id for r in rows if (p := self.model.post_at(r.row())) is not None]
            self.calendar.select(ids)  # carried over so the dialog can move them
            from ui.move_dialog import MoveDialog

            if not ids:
                return None
            dialog = MoveDialog(self.ctx, ids, parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.planAccepted.connect(self.calendar.apply_plan)
            dialog.open()
            return dialog
        return self.calendar.move_selected()

    # -- news from the core ----------------------------------------------------------
    def _on_account_needs_reconnect(self, _account_id: int, reason: str) -> None:
        self.statusBar().showMessage(reason, 15_000)
        self.schedule_reload()

    def _on_notice(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Close the open composers first, so their last edits are saved."""
        for composer in list(self._composers.values()):
            try:
                composer.close()
            except RuntimeError:  # already deleted
                pass
        for child in self.findChildren(QWidget):
            if child.isWindow() and child is not self and child.isVisible():
                child.close()
        self._status_timer.stop()
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Shown again (from the tray): watch who publishes again."""
        self._status_timer.start()
        super().showEvent(event)
