"""The Inbox tab: every comment on our posts, open first and oldest first, with its
thread, a reply box with saved replies, and "Mark handled…" with reasons.

Display and wiring only: the rules live in :mod:`app.inbox` (``ctx.inbox``).
Network calls (reply, hide, collect) run off the UI thread through :mod:`ui.tasks`.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import N_, _, ngettext
from app.inbox.actions import REASONS, ReplyOutcome, reason_label
from app.inbox.templates import language_label
from app.storage.inbox import Comment, CommentFilter
from ui import dialogs, tasks
from ui.bridge import Bridge
from ui.inbox.model import CommentsModel, post_title
from ui.queue_model import network_label

log = logging.getLogger(__name__)

RELOAD_DELAY_MS = 300

#: State filter choices: (label, states).
STATE_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Open comments"), ("open",)),
    (N_("Answered comments"), ("answered",)),
    (N_("Handled comments"), ("handled",)),
    (N_("All comments"), ()),
)


class InboxView(QWidget):
    """The inbox of ``ctx``; refreshed by ``bridge`` when the store changes.

    ``countChanged(open_count, summary_line)`` fires after every reload (tab title, tray).
    """

    countChanged = Signal(int, str)  # noqa: N815 - Qt naming
    message = Signal(str)

    def __init__(self, ctx: AppContext, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = CommentsModel(ctx.settings.timezone, self)
        self.current: Comment | None = None
        self.open_count = 0
        self.summary = ""
        self._saved_dialog: Any = None
        self._build()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        bridge.dataChanged.connect(self._reload_timer.start)
        self.reload_filters()
        self.reload()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.network_box = QComboBox()
        self.account_box = QComboBox()
        self.campaign_box = QComboBox()
        self.state_box = QComboBox()
        for label, states in STATE_CHOICES:
            self.state_box.addItem(_(label), states)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search names and text"))
        self.search.setClearButtonEnabled(True)
        self.check_button = QPushButton(_("Check for new comments"))
        self.check_button.clicked.connect(self.check_now)
        for label, box in (
            (_("Network"), self.network_box),
            (_("Account"), self.account_box),
            (_("Campaign"), self.campaign_box),
            (_("Show"), self.state_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(box)
            filters.addWidget(caption)
            filters.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self.reload())
        filters.addWidget(self.search, 1)
        filters.addWidget(self.check_button)
        self.search.textChanged.connect(lambda _t: self._reload_timer.start())
        outer.addLayout(filters)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("inboxSummary")
        self.summary_label.setStyleSheet("font-weight: 600; padding: 2px 0;")
        outer.addWidget(self.summary_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((120, 135, 140, 300, 170, 80)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._on_selection())
        split.addWidget(self.table)
        split.addWidget(self._build_detail())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([780, 520])
        outer.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.saved_button = QPushButton(_("Saved replies…"))
        self.saved_button.clicked.connect(self.open_saved_replies)
        self.export_button = QPushButton(_("Export for records…"))
        self.export_button.setToolTip(
            _("A CSV file of the comments, our replies and who handled them")
        )
        self.export_button.clicked.connect(self.export_records)
        self.purge_button = QPushButton(_("Purge old comments…"))
        self.purge_button.clicked.connect(self.purge_old)
        self.settings_button = QPushButton(_("Inbox settings…"))
        self.settings_button.clicked.connect(self.open_settings)
        bottom.addWidget(self.saved_button)
        bottom.addWidget(self.settings_button)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.purge_button)
        outer.addLayout(bottom)

    def _build_detail(self) -> QWidget:
        panel = QFrame()
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(8, 0, 0, 0)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.header)
        self.thread_view = QTextBrowser()
        self.thread_view.setOpenLinks(False)
        lay.addWidget(self.thread_view, 1)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fef3c7; color: #7c2d12; border: 1px solid #f59e0b; "
            "border-radius: 4px; padding: 6px;"
        )
        self.notice.hide()
        lay.addWidget(self.notice)

        row = QHBoxLayout()
        self.browser_button = QPushButton(_("Open in browser"))
        self.browser_button.clicked.connect(self.open_in_browser)
        self.handled_button = QToolButton()
        self.handled_button.setText(_("Mark handled…"))
        self.handled_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.handled_menu = QMenu(self.handled_button)
        for code in REASONS:
            action = self.handled_menu.addAction(reason_label(code))
            action.setData(code)
            action.triggered.connect(lambda _c=False, code=code: self.mark_handled(code))
        self.handled_button.setMenu(self.handled_menu)
        self.reopen_button = QPushButton(_("Reopen"))
        self.reopen_button.clicked.connect(self.reopen)
        self.hide_check = QCheckBox(_("Also hide it on the network"))
        row.addWidget(self.browser_button)
        row.addWidget(self.handled_button)
        row.addWidget(self.reopen_button)
        row.addWidget(self.hide_check)
        row.addStretch(1)
        lay.addLayout(row)

        reply_row = QHBoxLayout()
        reply_row.addWidget(QLabel(_("Saved reply")))
        self.template_box = QComboBox()
        self.template_box.activated.connect(self._use_template)
        reply_row.addWidget(self.template_box, 1)
        lay.addLayout(reply_row)
        self.reply_edit = QPlainTextEdit()
        self.reply_edit.setPlaceholderText(_("Write the reply, or choose a saved reply"))
        self.reply_edit.setMaximumHeight(110)
        lay.addWidget(self.reply_edit)
        send_row = QHBoxLayout()
        self.fields_label = QLabel()
        self.fields_label.setStyleSheet("color: #b45309;")
        self.fields_label.setWordWrap(True)
        self.send_button = QPushButton(_("Send reply"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send_reply)
        self.send_button.setToolTip(_("Send the reply (Ctrl+Enter)"))
        QShortcut(QKeySequence("Ctrl+Return"), self.reply_edit, self.send_reply)
        send_row.addWidget(self.fields_label, 1)
        send_row.addWidget(self.send_button)
        lay.addLayout(send_row)
        return panel

    # -- loading -------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Fill the network, account and campaign filters from the store."""
        accounts = self.ctx.store.list_accounts()
        campaigns = self.ctx.store.list_campaigns()
        for box in (self.network_box, self.account_box, self.campaign_box):
            box.blockSignals(True)
        try:
            keep = (
                self.network_box.currentData(),
                self.account_box.currentData(),
                self.campaign_box.currentData(),
            )
            self.network_box.clear()
            self.network_box.addItem(_("All"), "")
            for key in sorted({a.network for a in accounts}):
                self.network_box.addItem(network_label(key), key)
            self.account_box.clear()
            self.account_box.addItem(_("All"), None)
            for a in accounts:
                self.account_box.addItem(a.name, a.id)
            self.campaign_box.clear()
            self.campaign_box.addItem(_("All"), None)
            for c in campaigns:
                self.campaign_box.addItem(c.name, c.id)
            for box, value in zip(
                (self.network_box, self.account_box, self.campaign_box), keep, strict=True
            ):
                i = box.findData(value)
                box.setCurrentIndex(max(0, i))
        finally:
            for box in (self.network_box, self.account_box, self.campaign_box):
                box.blockSignals(False)

    def current_filter(self) -> CommentFilter:
        """The filter the widgets ask for."""
        return CommentFilter(
            network=self.network_box.currentData() or "",
            account_id=self.account_box.currentData(),
            campaign_id=self.campaign_box.currentData(),
            states=tuple(self.state_box.currentData() or ()),
            search=self.search.text(),
        )

    def reload(self) -> None:
        """Read the comments again, keeping the selection."""
        keep = self.current.id if self.current else None
        try:
            comments = self.ctx.inbox.comments(self.current_filter())
            counts = self.ctx.inbox.open_counts_by_post()
            self.open_count, _oldest = self.ctx.inbox.open_summary()
            self.summary = self.ctx.inbox.summary()
        except AppError as exc:  # database busy: keep what is shown
            log.warning("inbox not reloaded: %s", exc)
            return
        self.model.set_comments(comments, counts, self.ctx.settings.timezone)
        self.summary_label.setText(self.summary)
        self.countChanged.emit(self.open_count, self.summary)
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and comments:
            row = 0
        if row >= 0:
            self.select_row(row)
        else:
            self.current = None
            self._show(None)

    def select_row(self, row: int) -> None:
        """Select one row (and show its comment)."""
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(index)
        self._on_selection()

    def select_comment(self, comment_id: int) -> None:
        """Select a comment if it is shown."""
        row = self.model.row_of(comment_id)
        if row >= 0:
            self.select_row(row)

    def selected(self) -> list[Comment]:
        """The selected comments, in list order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [c for c in (self.model.comment_at(r) for r in rows) if c is not None]

    def _on_selection(self) -> None:
        chosen = self.selected()
        current = chosen[0] if chosen else None
        if current is not None:
            try:
                current = self.ctx.inbox.get(current.id)
            except KeyError:
                current = None
        changed = (current.id if current else None) != (self.current.id if self.current else None)
        self.current = current
        self._show(current, keep_text=not changed)

    # -- showing one comment -------------------------------------------------------------
    def _show(self, c: Comment | None, keep_text: bool = False) -> None:
        enabled = c is not None
        for w in (
            self.browser_button,
            self.handled_button,
            self.send_button,
            self.reply_edit,
            self.template_box,
        ):
            w.setEnabled(enabled)
        if c is None:
            self.header.setText(_("No comment selected."))
            self.thread_view.clear()
            self.notice.hide()
            self.reopen_button.setEnabled(False)
            self.hide_check.setVisible(False)
            return
        n = self.model.open_counts.get((c.account_id, c.post_remote_id), 0)
        post = html.escape(post_title(c))
        if c.post_permalink:
            post = f'<a href="{html.escape(c.post_permalink)}">{post}</a>'
        self.header.setText(
            "<b>{author}</b> · {network} · {account} · {when}<br>{on} {post} — {open}".format(
                author=html.escape(c.author_name or _("(unknown)")),
                network=html.escape(network_label(c.network)),
                account=html.escape(c.account_name),
                when=html.escape(self.model.when(c.created_at)),
                on=html.escape(_("On:")),
                post=post,
                open=html.escape(ngettext("{n} open comment", "{n} open comments", n).format(n=n)),
            )
        )
        self.thread_view.setHtml(self._thread_html(c))
        self._show_notice(c)
        answered = c.reply_state == "sent"
        closed = c.state != "open"
        self.send_button.setEnabled(not answered and c.reply_state not in ("sending", "unknown"))
        self.reply_edit.setReadOnly(answered)
        self.handled_button.setEnabled(not closed)
        self.reopen_button.setEnabled(c.state == "handled")
        self.browser_button.setEnabled(bool(c.permalink))
        self.hide_check.setVisible(self.ctx.inbox.can_hide(c.account_id) and not closed)
        self.hide_check.setText(
            _("Also hide it on {network}").format(network=network_label(c.network))
        )
        self._fill_templates()
        if answered:
            self.reply_edit.setPlainText(c.reply_text)
        elif not keep_text:
            self.reply_edit.setPlainText(c.reply_text if c.reply_state else "")
            self.fields_label.clear()

    def _show_notice(self, c: Comment) -> None:
        text = ""
        if c.reply_state in ("refused", "failed", "unknown") and c.reply_error:
            text = c.reply_error
        elif c.state == "handled":
            text = _("Handled by {who} ({reason}).").format(
                who=c.handled_by or "-", reason=reason_label(c.reason)
            )
        elif c.state == "answered" and c.reason == "answered_on_network":
            text = _("Answered on the network.")
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _thread_html(self, current: Comment) -> str:
        parts = []
        thread = self.ctx.inbox.thread(current)
        own_texts = {c.text for c in thread if c.is_own}
        for c in thread:
            indent = 18 if c.parent_remote_id else 0
            style = "background:#eef2ff;" if c.id == current.id else ""
            if c.is_own:
                style += "color:#1e3a8a;"
            who = html.escape(c.author_name or _("(unknown)"))
            if c.is_own:
                who = html.escape(_("Us ({account})").format(account=c.account_name))
            parts.append(
                f'<div style="margin-left:{indent}px;{style}padding:4px;">'
                f"<b>{who}</b> <span style='color:#6b7280'>"
                f"{html.escape(self.model.when(c.created_at))}</span><br>"
                f"{html.escape(c.text).replace(chr(10), '<br>')}</div>"
            )
            if c.reply_state == "sent" and c.reply_text and c.reply_text not in own_texts:
                ours = html.escape(_("Our reply"))
                parts.append(
                    '<div style="margin-left:18px;color:#1e3a8a;padding:4px;">'
                    f"<b>{ours}</b><br>"
                    f"{html.escape(c.reply_text).replace(chr(10), '<br>')}</div>"
                )
        return "".join(parts)

    def _fill_templates(self) -> None:
        self.template_box.blockSignals(True)
        self.template_box.clear()
        self.template_box.addItem(_("Choose a saved reply…"), None)
        language = self.current.post_language if self.current else ""
        replies = sorted(self.ctx.inbox.saved_replies(), key=lambda r: r.language != language)
        for r in replies:  # the post's language first
            self.template_box.addItem(f"{r.name} ({language_label(r.language)})", r.id)
        self.template_box.blockSignals(False)

    def _use_template(self, index: int) -> None:
        reply_id = self.template_box.itemData(index)
        if reply_id is None or self.current is None:
            return
        template = next((r for r in self.ctx.inbox.saved_replies() if r.id == reply_id), None)
        if template is None:
            return
        text, missing = self.ctx.inbox.fill_reply(template.text, self.current)
        self.reply_edit.setPlainText(text)
        if missing:
            self.fields_label.setText(
                _("Complete before sending: {fields}").format(
                    fields=", ".join("{" + m + "}" for m in missing)
                )
            )
        else:
            self.fields_label.clear()
        self.reply_edit.setFocus()

    # -- acting --------------------------------------------------------------------------
    def send_reply(self) -> None:
        """Post the reply box's text as a reply to the selected comment."""
        c = self.current
        if c is None:
            return
        text = self.reply_edit.toPlainText()
        fields = self.ctx.inbox.unfilled_fields(text)
        if fields:
            dialogs.show_error(
                self,
                _("Reply not sent"),
                _("Complete the fields first: {fields}").format(
                    fields=", ".join("{" + f + "}" for f in fields)
                ),
            )
            return
        self.send_button.setEnabled(False)
        tasks.run_in_background(
            lambda: self.ctx.inbox.reply(c.id, text),
            lambda outcome: self._replied(c.id, outcome),
            self._failed(_("Reply not sent")),
        )

    def _replied(self, comment_id: int, outcome: ReplyOutcome) -> None:
        if outcome.state == "sent":
            self.message.emit(_("Reply posted."))
        self.reload()
        self.select_comment(comment_id)

    def _failed(self, title: str) -> Any:
        def show(exc: BaseException) -> None:
            dialogs.show_error(self, title, dialogs.describe_error(exc))
            self.reload()

        return show

    def mark_handled(self, reason: str) -> None:
        """Close the selected comments with ``reason`` (and hide them if ticked)."""
        ids = [c.id for c in self.selected() if c.state == "open"]
        if not ids:
            return
        hide = not self.hide_check.isHidden() and self.hide_check.isChecked()
        tasks.run_in_background(
            lambda: self.ctx.inbox.mark_handled(ids, reason, hide=hide),
            self._handled,
            self._failed(_("Could not mark it handled")),
        )

    def _handled(self, problems: list[str]) -> None:
        if problems:
            dialogs.show_error(self, _("Could not hide the comment"), "\n".join(problems))
        self.hide_check.setChecked(False)
        self.reload()

    def reopen(self) -> None:
        """Put the selected handled comment back among the open ones."""
        if self.current is not None and self.current.state == "handled":
            self.ctx.inbox.reopen(self.current.id)
            self.reload()

    def open_in_browser(self) -> None:
        """Open the selected comment on the network's site."""
        if self.current is not None and self.current.permalink:
            self.open_url(self.current.permalink)

    def open_url(self, url: str) -> None:
        """Open ``url`` in the default browser (tests replace this)."""
        QDesktopServices.openUrl(QUrl(url))

    def check_now(self) -> None:
        """Collect new comments now (off the UI thread)."""
        self.check_button.setEnabled(False)

        def done(result: Any) -> None:
            self.check_button.setEnabled(True)
            n = len(result.new_ids)
            self.message.emit(ngettext("{n} new comment.", "{n} new comments.", n).format(n=n))
            if result.errors:
                names = {a.id: a.name for a in self.ctx.store.list_accounts()}
                dialogs.show_error(
                    self,
                    _("Some accounts could not be checked"),
                    "\n".join(
                        f"{names.get(aid, aid)}: {why}" for aid, why in result.errors.items()
                    ),
                )
            self.reload_filters()
            self.reload()

        def failed(exc: BaseException) -> None:
            self.check_button.setEnabled(True)
            dialogs.show_error(self, _("Could not check for comments"), dialogs.describe_error(exc))

        tasks.run_in_background(lambda: self.ctx.inbox.collect(force=True), done, failed)

    # -- records -------------------------------------------------------------------------
    def open_saved_replies(self) -> Any:
        """Open the saved-replies editor (non-modal)."""
        from ui.inbox.saved_replies import SavedRepliesDialog

        if self._saved_dialog is None:
            self._saved_dialog = SavedRepliesDialog(self.ctx, self)
            self._saved_dialog.changed.connect(self._fill_templates)
        self._saved_dialog.show()
        self._saved_dialog.raise_()
        return self._saved_dialog

    def open_settings(self) -> Any:
        """Open the inbox settings (non-modal); returns the dialog."""
        from ui.inbox.settings import InboxSettingsDialog

        dialog = InboxSettingsDialog(self.ctx, self)
        dialog.show()
        return dialog

    def export_records(self) -> int | None:
        """Ask for a file and write the records CSV; returns the rows written."""
        path = dialogs.pick_save_file(
            self, _("Export comments for the records"), "comments.csv", _("CSV files (*.csv)")
        )
        if path is None:
            return None
        try:
            n = self.ctx.inbox.export_csv(path)
        except AppError as exc:
            dialogs.show_error(self, _("Could not export"), dialogs.describe_error(exc))
            return None
        done = ngettext("{n} comment exported to {path}.", "{n} comments exported to {path}.", n)
        self.message.emit(done.format(n=n, path=path))
        return n

    def purge_old(self) -> int:
        """Apply the retention setting after asking; returns how many were purged."""
        plan = self.ctx.inbox.purge_plan()
        days = self.ctx.inbox.retention_days
        if not plan.ids:
            dialogs.show_error(
                self,
                _("Nothing to purge"),
                _("No comment was answered or handled more than {days} days ago.").format(
                    days=days
                ),
            )
            return 0
        text = ngettext(
            "{n} comment was closed more than {days} days ago. Its author's name and text "
            "will be erased.",
            "{n} comments were closed more than {days} days ago. Their authors' names and "
            "texts will be erased.",
            len(plan.ids),
        ).format(n=len(plan.ids), days=days)
        force = False
        if plan.not_exported:
            text += "\n\n" + _(
                "{n} of them were never exported for the records. Export first?"
            ).format(n=plan.not_exported)
            choice = dialogs.ask(
                self,
                _("Purge old comments"),
                text,
                [_("Export first…"), _("Purge without export"), _("Cancel")],
            )
            if choice == 0:
                if self.export_records() is None:
                    return 0
            elif choice == 1:
                force = True
            else:
                return 0
        else:
            choice = dialogs.ask(self, _("Purge old comments"), text, [_("Purge"), _("Cancel")])
            if choice != 0:
                return 0
        try:
            n = self.ctx.inbox.purge(force=force)
        except AppError as exc:
            dialogs.show_error(self, _("Nothing purged"), dialogs.describe_error(exc))
            return 0
        self.message.emit(ngettext("{n} comment purged.", "{n} comments purged.", n).format(n=n))
        self.reload()
        return n


def inbox_tab_title(open_count: int) -> str:
    """ "Inbox" with the number of open comments."""
    return _("Inbox ({n})").format(n=open_count) if open_count else _("Inbox")


def install_inbox_tab(window: Any, tabs: Any) -> InboxView:
    """Add the Inbox tab to ``window``'s ``tabs`` (a QTabWidget); its title shows the
    open count; its messages go to the window's status bar."""
    view = InboxView(window.ctx, window.bridge)
    view.message.connect(lambda text: window.statusBar().showMessage(text, 10_000))
    index = tabs.addTab(view, inbox_tab_title(view.open_count))
    tabs.setTabToolTip(index, view.summary)

    def update(n: int, summary: str) -> None:
        tabs.setTabText(tabs.indexOf(view), inbox_tab_title(n))
        tabs.setTabToolTip(tabs.indexOf(view), summary)

    view.countChanged.connect(update)
    return view
