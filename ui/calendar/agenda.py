"""The agenda: the posts of the period as a list grouped by day (several can be selected)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from app.i18n import _
from ui import style
from ui.calendar.data import Chip
from ui.calendar.dates import long_day
from ui.queue_model import network_label

POST_ROLE = Qt.ItemDataRole.UserRole + 1


class AgendaView(QTreeWidget):
    """Days in order, each with its posts (time, networks, state, text).

    Signals: ``chipClicked(post_id)`` (double-click or Enter: open it),
    ``selectionChanged()``.
    """

    chipClicked = Signal(int)
    selectionChangedSignal = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels([_("Time"), _("Networks"), _("State"), _("Text")])
        self.setRootIsDecorated(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        self.setColumnWidth(0, 230)
        self.setColumnWidth(1, 110)
        self.setColumnWidth(2, 120)
        self.itemActivated.connect(self._activated)
        self.itemSelectionChanged.connect(self.selectionChangedSignal.emit)

    def set_data(
        self, chips_by_day: dict[date, list[Chip]], holidays: dict[date, str], today: date
    ) -> None:
        """Show every day that has posts, with its holiday name, today in bold."""
        selected = self.selected_ids()
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for day in sorted(chips_by_day):
            title = long_day(day)
            if day == today:
                title = _("Today, {date}").format(date=title)
            if day in holidays:
                title += f" — {holidays[day]}"
            head = QTreeWidgetItem([title])
            head.setFirstColumnSpanned(True)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.setFont(0, bold)
            if day in holidays:
                head.setBackground(0, QBrush(QColor("#fdf2e9")))
            self.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            for chip in chips_by_day[day]:
                badges = ", ".join(network_label(n) for n in chip.networks)
                item = QTreeWidgetItem(
                    [
                        "    " + chip.time_label,
                        badges,
                        chip.state.label,
                        ("⚠ " if chip.review else "") + chip.text,
                    ]
                )
                item.setData(0, POST_ROLE, chip.post_id)
                if chip.other_zone:
                    item.setToolTip(0, chip.time_label)
                item.setForeground(2, QBrush(style.state_colour(chip.state)))
                if chip.handed_off_text:
                    item.setToolTip(2, chip.handed_off_text)
                item.setToolTip(1, ", ".join(network_label(n) for n in chip.networks))
                if chip.review:
                    item.setToolTip(3, chip.review)
                    item.setForeground(3, QBrush(QColor(style.ERROR_COLOUR)))
                self.addTopLevelItem(item)
                if chip.post_id in selected:
                    item.setSelected(True)

    def selected_ids(self) -> list[int]:
        """Ids of the selected posts, in list order."""
        return [
            int(item.data(0, POST_ROLE))
            for item in self.selectedItems()
            if item.data(0, POST_ROLE) is not None
        ]

    def select_ids(self, post_ids: set[int]) -> None:
        """Select exactly the rows of ``post_ids``."""
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is None:
                continue
            post_id = item.data(0, POST_ROLE)
            item.setSelected(post_id is not None and int(post_id) in post_ids)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        post_id = item.data(0, POST_ROLE)
        if post_id is not None:
            self.chipClicked.emit(int(post_id))
