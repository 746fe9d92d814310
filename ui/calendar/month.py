"""The month view: six weeks of days, Monday first, each with its posts as chips."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from app.i18n import _
from ui import style
from ui.calendar.canvas import (
    CHIP_HEIGHT,
    GRID_COLOUR,
    HOLIDAY_FILL,
    TODAY_COLOUR,
    WEEKEND_FILL,
    ChipCanvas,
    Slot,
)
from ui.calendar.data import month_grid
from ui.calendar.dates import short_day

HEADER = 22
DAY_LABEL = 18
GAP = 2


def weekday_names() -> list[str]:
    """Short weekday names, Monday first, in the interface language."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


class MonthView(ChipCanvas):
    """Six weeks around ``month`` (a date in it); holidays shaded, today ringed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = date.today().replace(day=1)
        self.days = month_grid(self.month.year, self.month.month)
        self.hidden_counts: dict[date, int] = {}
        self.setMinimumSize(420, 240)

    def set_month(self, month: date) -> None:
        """Show the month of ``month``."""
        self.month = month.replace(day=1)
        self.days = month_grid(self.month.year, self.month.month)
        self.update()

    # -- geometry --------------------------------------------------------------------
    def _cell(self, index: int) -> QRectF:
        width = self.width() / 7
        height = (self.height() - HEADER) / 6
        row, col = divmod(index, 7)
        return QRectF(col * width, HEADER + row * height, width, height)

    def slot_at(self, pos: QPointF) -> Slot | None:
        """The day under ``pos``."""
        if pos.y() < HEADER or not self.rect().contains(pos.toPoint()):
            return None
        width = self.width() / 7
        height = (self.height() - HEADER) / 6
        col = min(6, int(pos.x() // width))
        row = min(5, int((pos.y() - HEADER) // height))
        return Slot(self.days[row * 7 + col])

    def day_rect(self, day: date) -> QRectF | None:
        """Where ``day`` is drawn, or None if it is not in the six weeks."""
        try:
            return self._cell(self.days.index(day))
        except ValueError:
            return None

    def layout_chips(self) -> None:
        """Stack each day's chips under its number; "+N more" when they do not fit."""
        self._rects = []
        self._more = []
        self.hidden_counts = {}
        for index, day in enumerate(self.days):
            chips = self.chips_by_day.get(day, [])
            if not chips:
                continue
            cell = self._cell(index)
            top = cell.top() + DAY_LABEL + 2
            room = int((cell.bottom() - top - 2) // (CHIP_HEIGHT + GAP))
            shown = chips if len(chips) <= room else chips[: max(0, room - 1)]
            for i, chip in enumerate(shown):
                rect = QRectF(
                    cell.left() + 3,
                    top + i * (CHIP_HEIGHT + GAP),
                    cell.width() - 6,
                    CHIP_HEIGHT,
                )
                self._rects.append((rect, chip))
            if len(shown) < len(chips):
                self.hidden_counts[day] = len(chips) - len(shown)
                self._more.append(
                    (
                        QRectF(
                            cell.left() + 6,
                            top + len(shown) * (CHIP_HEIGHT + GAP),
                            cell.width() - 12,
                            CHIP_HEIGHT,
                        ),
                        day,
                    )
                )

    # -- painting ------------------------------------------------------------------
    def paint_background(self, painter: QPainter) -> None:
        """Weekday header, day cells, holidays, today, the drop target."""
        painter.fillRect(self.rect(), QColor("white"))
        small = QFont(self.font())
        small.setPixelSize(11)
        painter.setFont(small)
        width = self.width() / 7
        painter.setPen(QColor(style.MUTED_COLOUR))
        for col, name in enumerate(weekday_names()):
            painter.drawText(
                QRectF(col * width + 6, 0, width - 6, HEADER),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
        for index, day in enumerate(self.days):
            cell = self._cell(index)
            if day in self.holidays:
                painter.fillRect(cell, QColor(HOLIDAY_FILL))
            elif day.weekday() >= 5:
                painter.fillRect(cell, QColor(WEEKEND_FILL))
            if self._drop_slot is not None and self._drop_slot.day == day:
                painter.fillRect(cell, QColor(219, 234, 254))
            painter.setPen(QPen(QColor(GRID_COLOUR), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(cell)
            in_month = day.month == self.month.month
            label = str(day.day) if day.day != 1 else short_day(day)
            label_rect = QRectF(cell.left() + 6, cell.top() + 2, cell.width() - 12, DAY_LABEL)
            if day == self.today:
                badge = QRectF(cell.left() + 3, cell.top() + 2, max(22, 10 + 7 * len(label)), 17)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(TODAY_COLOUR))
                painter.drawRoundedRect(badge, 8, 8)
                painter.setPen(QColor("white"))
                bold = QFont(small)
                bold.setBold(True)
                painter.setFont(bold)
                painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
                painter.setFont(small)
            else:
                painter.setPen(QColor("#111827" if in_month else "#9ca3af"))
                painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter, label)
            holiday = self.holidays.get(day)
            if holiday:
                painter.setPen(QColor("#b45309"))
                holiday_rect = label_rect.adjusted(28, 0, 0, 0)
                painter.drawText(
                    holiday_rect,
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    painter.fontMetrics().elidedText(
                        holiday, Qt.TextElideMode.ElideRight, int(holiday_rect.width())
                    ),
                )
