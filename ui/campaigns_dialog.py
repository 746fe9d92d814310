"""Campaigns and their key dates; moving a key date previews every pinned post first.

Changing a key date emits ``planAccepted`` with the plan (the calendar applies it
through the undo stack). Pinning the posts selected in the calendar is done here too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import Campaign, KeyDate
from app.placeholders import long_date
from app.services.reschedule import MovePlan
from ui import dialogs
from ui.move_dialog import PlanPreview, summary

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CampaignsDialog(QDialog):
    """List campaigns, add one, add key dates, move a key date (with preview), pin posts.

    ``selected_posts`` returns the ids selected in the calendar (for "Pin").
    """

    planAccepted = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        selected_posts: Callable[[], list[int]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected_posts = selected_posts or (lambda: [])
        self.plan: MovePlan | None = None
        self.setWindowTitle(_("Campaigns and key dates"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(_("Campaigns")))
        self.campaign_list = QListWidget()
        self.campaign_list.currentRowChanged.connect(lambda *_a: self._show_campaign())
        left_layout.addWidget(self.campaign_list, 1)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("New campaign name"))
        self.add_campaign_button = QPushButton(_("Add campaign"))
        self.add_campaign_button.clicked.connect(self.add_campaign)
        left_layout.addWidget(self.name_edit)
        left_layout.addWidget(self.add_campaign_button)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(_("Key dates (use them in a post's text as {name})")))
        self.key_table = QTableWidget(0, 3)
        self.key_table.setHorizontalHeaderLabels([_("Name"), _("Date"), _("Pinned posts")])
        self.key_table.verticalHeader().hide()
        self.key_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.key_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.key_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.key_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.key_table.itemSelectionChanged.connect(self._key_selected)
        right_layout.addWidget(self.key_table, 1)

        add_row = QHBoxLayout()
        self.key_name_edit = QLineEdit()
        self.key_name_edit.setPlaceholderText(_("Key date name, e.g. application window opens"))
        self.key_date_edit = QDateEdit()
        self.key_date_edit.setCalendarPopup(True)
        self.key_date_edit.setDisplayFormat("yyyy-MM-dd")
        self.key_date_edit.setDate(_qdate(date.today()))
        self.add_key_button = QPushButton(_("Add key date"))
        self.add_key_button.clicked.connect(self.add_key_date)
        add_row.addWidget(self.key_name_edit, 1)
        add_row.addWidget(self.key_date_edit)
        add_row.addWidget(self.add_key_button)
        right_layout.addLayout(add_row)

        move_box = QGroupBox(_("Move the selected key date and every post pinned to it"))
        move_layout = QVBoxLayout(move_box)
        move_row = QHBoxLayout()
        self.new_date_edit = QDateEdit()
        self.new_date_edit.setCalendarPopup(True)
        self.new_date_edit.setDisplayFormat("yyyy-MM-dd")
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.clicked.connect(self.preview_move)
        self.apply_button = QPushButton(_("Move key date"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_move)
        move_row.addWidget(QLabel(_("New date:")))
        move_row.addWidget(self.new_date_edit)
        move_row.addWidget(self.preview_button)
        move_row.addWidget(self.apply_button)
        move_row.addStretch(1)
        move_layout.addLayout(move_row)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        move_layout.addWidget(self.summary_label)
        self.preview = PlanPreview()
        move_layout.addWidget(self.preview, 1)
        self.new_date_edit.dateChanged.connect(lambda *_a: self._forget_preview())
        right_layout.addWidget(move_box, 2)

        pin_row = QHBoxLayout()
        self.pin_offset = QSpinBox()
        self.pin_offset.setRange(-365, 365)
        self.pin_offset.setSuffix(" " + _("days"))
        self.pin_offset.setToolTip(_("Negative: before the key date"))
        self.pin_time = QTimeEdit(QTime(10, 0))
        self.pin_time.setDisplayFormat("HH:mm")
        self.pin_button = QPushButton(_("Pin the selected posts"))
        self.pin_button.setToolTip(
            _("Pin the posts selected in the calendar to the selected key date")
        )
        self.pin_button.clicked.connect(self.pin_selected)
        pin_row.addWidget(QLabel(_("Pin at")))
        pin_row.addWidget(self.pin_offset)
        pin_row.addWidget(QLabel(_("from the key date, at")))
        pin_row.addWidget(self.pin_time)
        pin_row.addWidget(self.pin_button)
        pin_row.addStretch(1)
        right_layout.addLayout(pin_row)
        splitter.addWidget(right)
        splitter.setSizes([240, 660])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    # -- reading -------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        """Read the campaigns again, keeping (or setting) the selected one."""
        current = select_id if select_id is not None else self.campaign_id()
        self.campaign_list.blockSignals(True)
        self.campaign_list.clear()
        for campaign in self.ctx.campaigns.list():
            item = QListWidgetItem(campaign.name)
            item.setData(ID_ROLE, campaign.id)
            self.campaign_list.addItem(item)
            if campaign.id == current:
                self.campaign_list.setCurrentItem(item)
        if self.campaign_list.currentRow() < 0 and self.campaign_list.count():
            self.campaign_list.setCurrentRow(0)
        self.campaign_list.blockSignals(False)
        self._show_campaign()

    def campaign_id(self) -> int | None:
        """The selected campaign's id."""
        item = self.campaign_list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else None

    def campaign(self) -> Campaign | None:
        """The selected campaign."""
        campaign_id = self.campaign_id()
        return self.ctx.campaigns.get(campaign_id) if campaign_id is not None else None

    def key_date(self) -> KeyDate | None:
        """The selected key date."""
        rows = self.key_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.key_table.item(rows[0].row(), 0)
        if item is None:
            return None
        key_id = int(item.data(ID_ROLE))
        return self.ctx.campaigns.key_date(key_id)

    def select_key_date(self, name: str) -> None:
        """Select the key date called ``name`` in the table."""
        for row in range(self.key_table.rowCount()):
            item = self.key_table.item(row, 0)
            if item is not None and item.text() == name:
                self.key_table.selectRow(row)

    def _show_campaign(self) -> None:
        campaign = self.campaign()
        key_dates = campaign.key_dates if campaign else []
        self.key_table.setRowCount(len(key_dates))
        for row, kd in enumerate(key_dates):
            name = QTableWidgetItem(kd.name)
            name.setData(ID_ROLE, kd.id)
            day = QTableWidgetItem(kd.date.isoformat())
            day.setToolTip(long_date(kd.date, "es"))
            count = QTableWidgetItem(str(len(self.ctx.campaigns.pinned_posts(kd.id))))
            for col, item in enumerate((name, day, count)):
                self.key_table.setItem(row, col, item)
        for widget in (self.key_name_edit, self.key_date_edit, self.add_key_button):
            widget.setEnabled(campaign is not None)
        self._key_selected()

    def _key_selected(self) -> None:
        kd = self.key_date()
        for widget in (self.new_date_edit, self.preview_button, self.pin_button):
            widget.setEnabled(kd is not None)
        if kd is not None:
            self.new_date_edit.setDate(_qdate(kd.date))
        self._forget_preview()

    def _forget_preview(self) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)
        self.preview.setRowCount(0)
        self.summary_label.setText("")

    # -- actions -------------------------------------------------------------------
    def add_campaign(self) -> None:
        """Create the campaign named in the field."""
        try:
            campaign = self.ctx.campaigns.create(self.name_edit.text())
        except AppError as exc:
            dialogs.show_error(self, _("Add campaign"), dialogs.describe_error(exc))
            return
        self.name_edit.clear()
        self.reload(select_id=campaign.id)

    def add_key_date(self) -> None:
        """Add the key date named in the field to the selected campaign."""
        campaign_id = self.campaign_id()
        if campaign_id is None:
            return
        try:
            kd = self.ctx.campaigns.add_key_date(
                campaign_id, self.key_name_edit.text(), _pydate(self.key_date_edit.date())
            )
        except AppError as exc:
            dialogs.show_error(self, _("Add key date"), dialogs.describe_error(exc))
            return
        self.key_name_edit.clear()
        self._show_campaign()
        self.select_key_date(kd.name)

    def preview_move(self) -> MovePlan | None:
        """Show what moving the selected key date to the new date does; returns the plan."""
        kd = self.key_date()
        if kd is None:
            return None
        new_day = _pydate(self.new_date_edit.date())
        try:
            plan = self.ctx.campaigns.preview_key_date(kd.id, new_day)
        except AppError as exc:
            dialogs.show_error(self, _("Move key date"), dialogs.describe_error(exc))
            return None
        self.preview.show_plan(plan)
        self.summary_label.setText(
            plan.description
            + "\n"
            + (summary(plan) if plan.moves else _("No post is pinned to it yet."))
        )
        self.plan = plan
        self.apply_button.setEnabled(new_day != kd.date)
        return plan

    def apply_move(self) -> None:
        """Hand the previewed plan over to be applied (undoable), then show the result."""
        if self.plan is None:
            return
        plan, self.plan = self.plan, None
        self.planAccepted.emit(plan)
        self._show_campaign()

    def pin_selected(self) -> None:
        """Pin the posts selected in the calendar to the selected key date."""
        kd = self.key_date()
        ids = self.selected_posts()
        if kd is None:
            return
        if not ids:
            dialogs.show_error(
                self, _("Pin posts"), _("Select the posts in the calendar first (Ctrl+click).")
            )
            return
        hhmm = self.pin_time.time().toString("HH:mm")
        problems = []
        for post_id in ids:
            try:
                self.ctx.campaigns.pin(post_id, kd.id, self.pin_offset.value(), hhmm)
            except AppError as exc:
                problems.append(f"#{post_id}: {dialogs.describe_error(exc)}")
        if problems:
            dialogs.show_problems(
                self,
                _("Pin posts"),
                ngettext(
                    "This post was not pinned:", "These posts were not pinned:", len(problems)
                ),
                problems,
            )
        self._show_campaign()
