"""“Move…”: move selected posts by days, by working days or to a date, with a preview.

Nothing changes until the user clicks Move; the dialog then emits ``planAccepted``
with the plan and whoever opened it applies it (through the undo stack).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.services.reschedule import MovePlan
from app.storage import planning
from app.timeutil import format_local, zone
from ui import dialogs, style


class PlanPreview(QTableWidget):
    """Every post of a plan: old time, new time (or "stays"), text, and why / notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([_("Now"), _("Moves to"), _("Post"), _("Notes")])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def show_plan(self, plan: MovePlan) -> None:
        """Fill the table from ``plan``."""
        self.setRowCount(len(plan.moves))
        for row, move in enumerate(plan.moves):
            old = format_local(move.old_due, move.tz) or "—"
            new = format_local(move.new_due, move.tz) if move.ok else _("stays")
            notes = move.problem or " ".join(filter(None, [move.note, move.review or ""]))
            cells = [old, new, move.text, notes]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not move.ok:
                    item.setForeground(QBrush(QColor(style.ERROR_COLOUR)))
                elif col == 3 and move.review:
                    item.setForeground(QBrush(QColor("#b45309")))
                self.setItem(row, col, item)
        self.resizeRowsToContents()


def summary(plan: MovePlan) -> str:
    """One sentence: how many posts move, how many stay."""
    moving = len(plan.movable)
    staying = len(plan.refused)
    text = ngettext("{n} post will move.", "{n} posts will move.", moving).format(n=moving)
    if staying:
        text += " " + ngettext(
            "{n} stays where it is (see why below).",
            "{n} stay where they are (see why below).",
            staying,
        ).format(n=staying)
    return text


class MoveDialog(QDialog):
    """Move ``post_ids``: by N days, by N working days or to a date; preview below."""

    planAccepted = Signal(object)

    def __init__(self, ctx: AppContext, post_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.post_ids = list(post_ids)
        self.setWindowTitle(_("Move posts"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            ngettext("Move {n} post:", "Move {n} posts:", len(self.post_ids)).format(
                n=len(self.post_ids)
            )
        )
        layout.addWidget(intro)

        grid = QGridLayout()
        self.by_days = QRadioButton(_("By days"))
        self.by_working_days = QRadioButton(_("By working days (skipping weekends and holidays)"))
        self.to_date = QRadioButton(_("To the date"))
        self.group = QButtonGroup(self)
        for button in (self.by_days, self.by_working_days, self.to_date):
            self.group.addButton(button)
        self.by_days.setChecked(True)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(-366, 366)
        self.days_spin.setValue(7)
        self.working_spin = QSpinBox()
        self.working_spin.setRange(-260, 260)
        self.working_spin.setValue(5)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        first = self._first_day() or date.today()
        self.date_edit.setDate(QDate(first.year, first.month, first.day))
        grid.addWidget(self.by_days, 0, 0)
        grid.addWidget(self.days_spin, 0, 1)
        grid.addWidget(self.by_working_days, 1, 0)
        grid.addWidget(self.working_spin, 1, 1)
        grid.addWidget(self.to_date, 2, 0)
        grid.addWidget(self.date_edit, 2, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.preview = PlanPreview()
        layout.addWidget(self.preview, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.move_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.move_button.setText(_("Move"))
        self.move_button.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.group.buttonToggled.connect(lambda *_a: self.update_preview())
        self.days_spin.valueChanged.connect(lambda *_a: self._pick(self.by_days))
        self.working_spin.valueChanged.connect(lambda *_a: self._pick(self.by_working_days))
        self.date_edit.dateChanged.connect(lambda *_a: self._pick(self.to_date))
        self._plan: MovePlan | None = None
        self.update_preview()

    def _first_day(self) -> date | None:
        for post in planning.posts_by_ids(self.ctx.store, self.post_ids[:1]):
            if post.due_at is not None:
                return post.due_at.astimezone(zone(post.tz)).date()
        return None

    def _pick(self, button: QRadioButton) -> None:
        if button.isChecked():
            self.update_preview()
        else:
            button.setChecked(True)  # toggling updates the preview

    def plan(self) -> MovePlan:
        """The plan for the options as they are now (nothing changes)."""
        service = self.ctx.reschedule
        if self.by_working_days.isChecked():
            return service.by_working_days(self.post_ids, self.working_spin.value())
        if self.to_date.isChecked():
            d = self.date_edit.date()
            return service.to_date(self.post_ids, date(d.year(), d.month(), d.day()))
        return service.by_days(self.post_ids, self.days_spin.value())

    def update_preview(self) -> None:
        """Recompute and show the preview."""
        try:
            self._plan = self.plan()
        except AppError as exc:
            self._plan = None
            self.summary_label.setText(dialogs.describe_error(exc))
            self.move_button.setEnabled(False)
            return
        self.preview.show_plan(self._plan)
        self.summary_label.setText(summary(self._plan))
        self.move_button.setEnabled(bool(self._plan.movable) and not self._plan.empty)

    def _accept(self) -> None:
        if self._plan is None or not self._plan.movable:
            return
        self.planAccepted.emit(self._plan)
        self.accept()
