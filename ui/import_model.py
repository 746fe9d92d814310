"""The import dry run as a Qt table model (display only: the checks are in app.transfer).

One line per :class:`~app.transfer.model.RowResult`: the row number as the spreadsheet
shows it, the status (icon, word, colour), the local time with its weekday, the start
of the text and the reasons. A date that reads two ways (day first or month first) is
drawn in the warning colour with both readings in its tooltip.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

from app.i18n import _
from app.transfer.model import Action, ImportPlan, RowResult, Severity, Status

Index = QModelIndex | QPersistentModelIndex
P = QPointF

#: Reason code of a date that reads validly both ways (see app.transfer.dates).
AMBIGUOUS = "date_order_ambiguous"

STATUS_COLOURS: dict[Status, str] = {
    Status.OK: "#15803d",
    Status.WARNING: "#b45309",
    Status.ERROR: "#b91c1c",
}
#: Light row backgrounds, so the status can be seen at a glance (not by colour alone:
#: the status column also has a word and an icon).
STATUS_BACKGROUNDS: dict[Status, str] = {
    Status.WARNING: "#fffbeb",
    Status.ERROR: "#fef2f2",
}


@cache
def status_icon(status: Status, size: int = 16) -> QIcon:
    """A round badge: a tick for ok, "!" for a warning, a cross for an error."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(STATUS_COLOURS[status]))
    painter.drawEllipse(rect)
    pen = QPen(QColor("white"), 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    c, r = rect.center(), rect.width() / 2
    if status == Status.OK:
        painter.drawLine(P(c.x() - r * 0.45, c.y()), P(c.x() - r * 0.1, c.y() + r * 0.35))
        painter.drawLine(P(c.x() - r * 0.1, c.y() + r * 0.35), P(c.x() + r * 0.5, c.y() - r * 0.35))
    elif status == Status.WARNING:
        painter.drawLine(P(c.x(), c.y() - r * 0.5), P(c.x(), c.y() + r * 0.12))
        painter.drawPoint(P(c.x(), c.y() + r * 0.48))
    else:
        d = r * 0.38
        painter.drawLine(P(c.x() - d, c.y() - d), P(c.x() + d, c.y() + d))
        painter.drawLine(P(c.x() - d, c.y() + d), P(c.x() + d, c.y() - d))
    painter.end()
    return QIcon(pixmap)


def is_ambiguous(row: RowResult) -> bool:
    """True if the row's date reads validly both as day-first and as month-first."""
    return any(r.code == AMBIGUOUS for r in row.reasons)


def when_text(row: RowResult) -> str:
    """``2027-01-18 09:00 (Monday)``, or a word for a row without a time."""
    if not row.local_time:
        return _("no time") if row.status == Status.ERROR else _("draft without a time")
    return f"{row.local_time} ({row.weekday})" if row.weekday else row.local_time


def reasons_text(row: RowResult) -> str:
    """Every reason of the row on one line, errors first."""
    return "  ·  ".join(r.message for r in row.reasons)


def status_text(row: RowResult) -> str:
    """The status word, with "skipped" for rows commit will not create."""
    if row.action == Action.SKIP:
        return _("{status}, skipped").format(status=row.status.label)
    return row.status.label


class ImportPlanModel(QAbstractTableModel):
    """The rows of an :class:`~app.transfer.model.ImportPlan` (empty until :meth:`set_plan`)."""

    ROW, STATUS, TIME, TEXT, REASONS = range(5)
    #: The row's :class:`~app.transfer.model.Status` value ("ok", "warning", "error").
    StatusRole = Qt.ItemDataRole.UserRole + 1
    #: The :class:`~app.transfer.model.RowResult` itself.
    ResultRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowResult] = []

    # -- content ---------------------------------------------------------------------
    def set_plan(self, plan: ImportPlan | None) -> None:
        """Show ``plan``'s rows (None: nothing)."""
        self.beginResetModel()
        self._rows = list(plan.rows) if plan is not None else []
        self.endResetModel()

    def result_at(self, row: int) -> RowResult | None:
        """The result shown on line ``row`` (0-based), if any."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def results(self) -> list[RowResult]:
        """Every result shown, in order."""
        return list(self._rows)

    # -- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Number of rows of the file shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Row, status, time, text, reasons."""
        return 0 if parent.isValid() else 5

    def headerData(  # noqa: N802 - Qt API
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            self.ROW: _("Row"),
            self.STATUS: _("Result"),
            self.TIME: _("Local time"),
            self.TEXT: _("Text"),
            self.REASONS: _("Reasons"),
        }
        return titles.get(section)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What each cell shows (text, icon, colours, tooltip)."""
        row = self.result_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == self.STATUS:
            return status_icon(row.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.STATUS:
                return QBrush(QColor(STATUS_COLOURS[row.status]))
            if col == self.TIME and is_ambiguous(row):
                return QBrush(QColor(STATUS_COLOURS[Status.WARNING]))
            if row.action == Action.SKIP and col in (self.TIME, self.TEXT):
                return QBrush(QColor("#6b7280"))
        if role == Qt.ItemDataRole.BackgroundRole and row.status in STATUS_BACKGROUNDS:
            return QBrush(QColor(STATUS_BACKGROUNDS[row.status]))
        if role == Qt.ItemDataRole.FontRole and (
            (col == self.STATUS and row.status == Status.ERROR)
            or (col == self.TIME and is_ambiguous(row))
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.StatusRole:
            return row.status.value
        if role == self.ResultRole:
            return row
        return None

    def _display(self, row: RowResult, col: int) -> str:
        if col == self.ROW:
            return str(row.row)
        if col == self.STATUS:
            return status_text(row)
        if col == self.TIME:
            return when_text(row)
        if col == self.TEXT:
            photos = f"  [{', '.join(row.media)}]" if row.media else ""
            return (row.preview or _("(no text)")) + photos
        if col == self.REASONS:
            return reasons_text(row)
        return ""

    def _tooltip(self, row: RowResult, col: int) -> str | None:
        if col == self.TEXT:
            return row.source.text or None
        if col in (self.REASONS, self.STATUS, self.TIME) and row.reasons:
            lines = [
                ("✖ " if r.severity == Severity.ERROR else "⚠ ") + r.message for r in row.reasons
            ]
            if col == self.TIME:
                lines = [r.message for r in row.reasons if r.code == AMBIGUOUS] or lines
            return "\n".join(lines)
        return None
