"""The week view: Monday to Sunday with an hour grid; chips sit at their time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from app.errors import ValidationError
from app.timeutil import zone
from ui import style
from ui.calendar.canvas import (
    GRID_COLOUR,
    HOLIDAY_FILL,
    TODAY_COLOUR,
    WEEKEND_FILL,
    ChipCanvas,
    Slot,
)
from ui.calendar.data import Chip, week_days
from ui.calendar.dates import day_header

HEADER = 34
GUTTER = 48
HOUR_HEIGHT = 44
CHIP_MINUTES = 40
SNAP_MINUTES = 15


class WeekView(ChipCanvas):
    """The week of ``day``: 24 hours tall (put it in a scroll area)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days = week_days(date.today())
        #: The zone of the hour grid (the user's); its abbreviation heads the hour column.
        self.zone_name = ""
        self.setMinimumSize(420, HEADER + 24 * HOUR_HEIGHT)

    def set_week(self, day: date) -> None:
        """Show the week (Monday to Sunday) that contains ``day``."""
        self.days = week_days(day)
        self.update()

    def _col_width(self) -> float:
        return (self.width() - GUTTER) / 7

    def y_of(self, at: time) -> float:
        """Vertical position of local time ``at``."""
        return HEADER + (at.hour + at.minute / 60) * HOUR_HEIGHT

    def slot_at(self, pos: QPointF) -> Slot | None:
        """The day and the time (snapped to 15 minutes) under ``pos``."""
        if pos.x() < GUTTER or pos.y() < self.header_top() + HEADER or pos.x() >= self.width():
            return None
        col = min(6, int((pos.x() - GUTTER) // self._col_width()))
        minutes = int((pos.y() - HEADER) / HOUR_HEIGHT * 60)
        minutes = max(0, min(24 * 60 - SNAP_MINUTES, minutes // SNAP_MINUTES * SNAP_MINUTES))
        return Slot(self.days[col], time(minutes // 60, minutes % 60))

    def layout_chips(self) -> None:
        """Each chip at its time; chips within the same 40 minutes share the column."""
        self._rects = []
        self._more = []
        width = self._col_width()
        chip_height = HOUR_HEIGHT * CHIP_MINUTES / 60 - 2
        for col, day in enumerate(self.days):
            groups: dict[int, list[Chip]] = defaultdict(list)
            for chip in self.chips_by_day.get(day, []):
                minute = chip.local.hour * 60 + chip.local.minute
                groups[minute // CHIP_MINUTES].append(chip)
            for chips in groups.values():
                share = (width - 4) / len(chips)
                for i, chip in enumerate(chips):
                    self._rects.append(
                        (
                            QRectF(
                                GUTTER + col * width + 2 + i * share,
                                self.y_of(chip.local.time()) + 1,
                                share - 1,
                                chip_height,
                            ),
                            chip,
                        )
                    )

    def paint_background(self, painter: QPainter) -> None:
        """Day headers, hour lines, weekends and holidays, today, the drop target."""
        painter.fillRect(self.rect(), QColor("white"))
        width = self._col_width()
        small = QFont(self.font())
        small.setPixelSize(11)
        painter.setFont(small)
        for col, day in enumerate(self.days):
            column = QRectF(GUTTER + col * width, HEADER, width, self.height() - HEADER)
            if day in self.holidays:
                painter.fillRect(column, QColor(HOLIDAY_FILL))
            elif day.weekday() >= 5:
                painter.fillRect(column, QColor(WEEKEND_FILL))
            name = self.holidays.get(day)
            if name:
                painter.setPen(QColor("#b45309"))
                painter.drawText(
                    QRectF(column.left() + 4, HEADER + 2, width - 8, 14),
                    Qt.AlignmentFlag.AlignLeft,
                    painter.fontMetrics().elidedText(
                        name, Qt.TextElideMode.ElideRight, int(width - 8)
                    ),
                )
        if self._drop_slot is not None and self._drop_slot.day in self.days:
            col = self.days.index(self._drop_slot.day)
            at = self._drop_slot.at or time(10)
            painter.fillRect(
                QRectF(GUTTER + col * width, self.y_of(at), width, HOUR_HEIGHT / 4),
                QColor(147, 197, 253),
            )
        painter.setPen(QPen(QColor(GRID_COLOUR), 1))
        for hour in range(25):
            y = HEADER + hour * HOUR_HEIGHT
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
        for col in range(8):
            x = GUTTER + col * width
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setPen(QColor(style.MUTED_COLOUR))
        for hour in range(24):
            painter.drawText(
                QRectF(0, HEADER + hour * HOUR_HEIGHT - 7, GUTTER - 6, 14),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{hour:02d}:00",
            )

    def header_top(self) -> float:
        """Where the day headers are drawn: the top of the visible part (they stay put)."""
        return float(self.visibleRegion().boundingRect().top())

    def paint_overlay(self, painter: QPainter) -> None:
        """The day headers, over the chips, at the top of what is visible."""
        top = self.header_top()
        width = self._col_width()
        painter.fillRect(QRectF(0, top, self.width(), HEADER), QColor("white"))
        painter.setPen(QPen(QColor(GRID_COLOUR), 1))
        painter.drawLine(QPointF(0, top + HEADER), QPointF(self.width(), top + HEADER))
        abbreviation = zone_abbreviation(self.zone_name, self.days[0])
        if abbreviation:
            painter.setPen(QColor(style.MUTED_COLOUR))
            painter.drawText(
                QRectF(0, top, GUTTER - 6, HEADER),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                abbreviation,
            )
        for col, day in enumerate(self.days):
            head = QRectF(GUTTER + col * width, top, width, HEADER)
            label = day_header(day)
            if day == self.today:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(TODAY_COLOUR))
                painter.drawRoundedRect(head.adjusted(4, 6, -4, -6), 9, 9)
                painter.setPen(QColor("white"))
            elif day in self.holidays:
                painter.setPen(QColor("#b45309"))
            else:
                painter.setPen(QColor("#111827"))
            painter.drawText(head, Qt.AlignmentFlag.AlignCenter, label)


def zone_abbreviation(zone_name: str, day: date) -> str:
    """Short name of ``zone_name`` at noon on ``day`` ("CET", "CEST"; "" if unknown)."""
    if not zone_name:
        return ""
    try:
        return datetime.combine(day, time(12), tzinfo=zone(zone_name)).strftime("%Z")
    except ValidationError:
        return ""
