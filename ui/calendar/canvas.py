"""A painted surface of chips: hit-testing, selection, click, double-click, drag and drop.

Month and week views subclass :class:`ChipCanvas`: they lay chips out in
:meth:`ChipCanvas.layout_chips` and say which day (and time) a point is in
:meth:`ChipCanvas.slot_at`. Painting thousands of chips as rectangles keeps
switching months fluid (no widget per post).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from app.i18n import _
from app.models import DeliveryState
from ui import style
from ui.calendar.data import Chip

MIME = "application/x-pregonero-posts"
CHIP_HEIGHT = 18
HOLIDAY_FILL = "#fdf2e9"
WEEKEND_FILL = "#f7f7f8"
TODAY_COLOUR = "#1d4ed8"
GRID_COLOUR = "#e5e7eb"
SELECTED_COLOUR = "#f59e0b"

#: Short letters drawn in the network badge of a chip.
NETWORK_BADGES: dict[str, tuple[str, str]] = {
    "facebook": ("f", "#1877f2"),
    "x": ("X", "#111111"),
    "linkedin": ("in", "#0a66c2"),
    "instagram": ("ig", "#c13584"),
    "mastodon": ("M", "#6364ff"),
    "bluesky": ("b", "#1185fe"),
}


def encode_ids(post_ids: list[int]) -> QMimeData:
    """Drag payload carrying ``post_ids``."""
    data = QMimeData()
    data.setData(MIME, QByteArray(",".join(str(i) for i in post_ids).encode()))
    return data


def decode_ids(data: QMimeData) -> list[int]:
    """The post ids of a drag payload ([] if it is not one of ours)."""
    if not data.hasFormat(MIME):
        return []
    raw = bytes(data.data(MIME).data()).decode()
    return [int(part) for part in raw.split(",") if part.strip().isdigit()]


@dataclass(frozen=True)
class Slot:
    """A place in the calendar: a day, and a time of day in the week grid (None in the month)."""

    day: date
    at: time | None = None


class ChipCanvas(QWidget):
    """Base of the month and week surfaces.

    Signals: ``chipClicked(post_id)`` (open it), ``selectionChanged()``,
    ``emptyDoubleClicked(datetime)`` (naive local: compose there),
    ``dropped(list[int], int, Slot)`` (post ids, the dragged chip's id, target slot),
    ``dayActivated(date)`` (the "+N more" of a day was clicked).
    """

    chipClicked = Signal(int)
    selectionChanged = Signal()
    emptyDoubleClicked = Signal(object)
    dropped = Signal(list, int, object)
    dayActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.chips_by_day: dict[date, list[Chip]] = {}
        self.holidays: dict[date, str] = {}
        self.today: date = date.today()
        self.selected: set[int] = set()
        self._rects: list[tuple[QRectF, Chip]] = []
        self._more: list[tuple[QRectF, date]] = []
        self._press: QPoint | None = None
        self._press_chip: Chip | None = None
        self._drop_slot: Slot | None = None

    # -- data ----------------------------------------------------------------------
    def set_data(
        self, chips_by_day: dict[date, list[Chip]], holidays: dict[date, str], today: date
    ) -> None:
        """Show these chips (``{day: chips}``), shading ``holidays``, marking ``today``."""
        self.chips_by_day = chips_by_day
        self.holidays = holidays
        self.today = today
        shown = {c.post_id for chips in chips_by_day.values() for c in chips}
        self.selected &= shown
        self.update()

    def chip_rect(self, post_id: int) -> QRectF | None:
        """Where the chip of ``post_id`` is drawn (None if not shown)."""
        self.layout_chips()
        for rect, chip in self._rects:
            if chip.post_id == post_id:
                return rect
        return None

    def chip_at(self, pos: QPointF) -> Chip | None:
        """The chip drawn at ``pos``, if any."""
        self.layout_chips()
        for rect, chip in reversed(self._rects):
            if rect.contains(pos):
                return chip
        return None

    # -- for subclasses --------------------------------------------------------------
    def layout_chips(self) -> None:
        """Fill ``self._rects`` (and ``self._more``) for the current size; no painting."""
        raise NotImplementedError

    def paint_background(self, painter: QPainter) -> None:
        """Draw the grid, the day numbers, holidays and today (before the chips)."""
        raise NotImplementedError

    def slot_at(self, pos: QPointF) -> Slot | None:
        """The day (and time) under ``pos``, or None outside the grid."""
        raise NotImplementedError

    def paint_overlay(self, painter: QPainter) -> None:
        """Draw what goes over the chips (the week's sticky day headers); nothing here."""

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """Grid first, then every chip, then the drop target."""
        self.layout_chips()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint_background(painter)
        font = QFont(self.font())
        font.setPixelSize(11)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for rect, chip in self._rects:
            paint_chip(painter, rect, chip, metrics, chip.post_id in self.selected)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        self.paint_overlay(painter)
        for rect, _day in self._more:
            painter.setPen(QColor(style.MUTED_COLOUR))
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                _day_more_text(self, _day),
            )
        painter.end()

    def event(self, event: QEvent) -> bool:
        """Tooltips: the chip's time (and in its own zone), state, text and review note."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            chip = self.chip_at(QPointF(event.pos()))
            if chip is None:
                QToolTip.hideText()
                event.ignore()
                return True
            lines = [
                f"{chip.local:%Y-%m-%d} {chip.time_label} · {chip.state.label}",
                chip.text,
            ]
            if chip.review:
                lines.append("⚠ " + chip.review)
            if chip.handed_off_text:
                lines.append(chip.handed_off_text)
            if not chip.movable:
                lines.append(_("Published (or being published): it cannot be moved."))
            QToolTip.showText(event.globalPos(), "\n".join(lines), self)
            return True
        return super().event(event)

    # -- mouse ---------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Remember where a drag may start; Ctrl/Shift+click toggles selection."""
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position()
        chip = self.chip_at(pos)
        self._press = event.position().toPoint()
        self._press_chip = chip
        if chip is None:
            for rect, day in self._more:
                if rect.contains(pos):
                    self.dayActivated.emit(day)
                    return None
            if not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            ):
                self.clear_selection()
            return None
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            self.selected ^= {chip.post_id}
            self._press_chip = None  # a toggle never opens or drags
            self.selectionChanged.emit()
            self.update()
        elif chip.post_id not in self.selected:
            self.selected = {chip.post_id}
            self.selectionChanged.emit()
            self.update()
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Start dragging the pressed chip (with the selection) past the drag distance."""
        chip = self.chip_at(event.position())
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if chip is not None else Qt.CursorShape.ArrowCursor
        )
        if (
            self._press is None
            or self._press_chip is None
            or not event.buttons() & Qt.MouseButton.LeftButton
        ):
            return
        if (event.position().toPoint() - self._press).manhattanLength() < (
            QApplication.startDragDistance()
        ):
            return
        dragged = self._press_chip
        self._press_chip = None
        self.start_drag(dragged)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """A click on a chip (no drag) opens the post."""
        chip = self._press_chip
        self._press = None
        self._press_chip = None
        if chip is not None and event.button() == Qt.MouseButton.LeftButton:
            if self.chip_at(event.position()) == chip:
                self.chipClicked.emit(chip.post_id)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Double-click on an empty slot: compose a post at that time."""
        if self.chip_at(event.position()) is not None:
            return
        slot = self.slot_at(event.position())
        if slot is not None:
            self.emptyDoubleClicked.emit(datetime.combine(slot.day, slot.at or time(10, 0)))

    def clear_selection(self) -> None:
        """Select nothing."""
        if self.selected:
            self.selected = set()
            self.selectionChanged.emit()
            self.update()

    # -- drag and drop ---------------------------------------------------------------
    def drag_ids(self, chip: Chip) -> list[int]:
        """What dragging ``chip`` carries: the selection if it is part of it, else itself."""
        if chip.post_id in self.selected and len(self.selected) > 1:
            return [chip.post_id, *sorted(self.selected - {chip.post_id})]
        return [chip.post_id]

    def start_drag(self, chip: Chip) -> None:
        """Run a drag of ``chip`` (and the selection it belongs to)."""
        drag = QDrag(self)
        drag.setMimeData(encode_ids(self.drag_ids(chip)))
        rect = self.chip_rect(chip.post_id)
        if rect is not None:
            pixmap = QPixmap(int(rect.width()), int(rect.height()))
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            font = QFont(self.font())
            font.setPixelSize(11)
            painter.setFont(font)
            paint_chip(
                painter,
                QRectF(0, 0, rect.width(), rect.height()),
                chip,
                QFontMetrics(font),
                True,
            )
            painter.end()
            drag.setPixmap(pixmap)
        drag.exec(Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        """Accept our own chips only."""
        if decode_ids(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        """Highlight the slot under the pointer."""
        slot = self.slot_at(event.position())
        if slot is None or not decode_ids(event.mimeData()):
            event.ignore()
            return
        self._drop_slot = slot
        event.acceptProposedAction()
        self.update()

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        """Forget the highlighted slot."""
        self._drop_slot = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        """Emit ``dropped`` with the ids, the dragged chip and the target slot."""
        ids = decode_ids(event.mimeData())
        slot = self.slot_at(event.position())
        self._drop_slot = None
        self.update()
        if not ids or slot is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(ids, ids[0], slot)


def _day_more_text(canvas: ChipCanvas, day: date) -> str:
    hidden = getattr(canvas, "hidden_counts", {}).get(day, 0)
    return _("+{n} more").format(n=hidden)


def paint_chip(
    painter: QPainter, rect: QRectF, chip: Chip, metrics: QFontMetrics, selected: bool
) -> None:
    """Draw one chip: state colour bar, time (and the post's own zone's time if it differs),
    network badges, start of the text."""
    colour = style.state_colour(chip.state)
    background = QColor(colour)
    background.setAlpha(34 if chip.state != DeliveryState.PUBLISHED else 24)
    painter.setPen(QPen(QColor(SELECTED_COLOUR), 2) if selected else Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 3.5, rect.height()), 1.5, 1.5)
    x = rect.left() + 6
    mid = rect.top() + (min(rect.height(), CHIP_HEIGHT)) / 2
    text_colour = QColor("#111827") if chip.movable else QColor("#374151")
    painter.setPen(text_colour)
    time_text = chip.time_text
    width = metrics.horizontalAdvance(time_text)
    line = QRectF(x, mid - 8, width + 2, 16)
    bold = QFont(painter.font())
    bold.setBold(True)
    normal = painter.font()
    painter.setFont(bold)
    painter.drawText(line, Qt.AlignmentFlag.AlignVCenter, time_text)
    painter.setFont(normal)
    x += QFontMetrics(bold).horizontalAdvance(time_text) + 4
    if chip.own_time_short:  # written for another zone: its own time, muted
        own = f"({chip.own_time_short})"
        own_width = metrics.horizontalAdvance(own)
        if own_width < rect.right() - x - 3:
            painter.setPen(QColor(style.MUTED_COLOUR))
            painter.drawText(
                QRectF(x, mid - 8, own_width + 2, 16), Qt.AlignmentFlag.AlignVCenter, own
            )
            painter.setPen(text_colour)
            x += own_width + 4
    for network in chip.networks:
        letters, tone = NETWORK_BADGES.get(network, (network[:1].upper(), "#6b7280"))
        badge_w = 12 if len(letters) == 1 else 15
        badge = QRectF(x, mid - 6, badge_w, 12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(tone))
        painter.drawRoundedRect(badge, 2.5, 2.5)
        small = QFont(normal)
        small.setPixelSize(9)
        small.setBold(True)
        painter.setFont(small)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, letters)
        painter.setFont(normal)
        x += badge_w + 3
    text = ("⚠ " if chip.review else "") + chip.text
    room = rect.right() - x - 3
    if room > 8:
        painter.setPen(text_colour if not chip.review else QColor(style.ERROR_COLOUR))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(room))
        painter.drawText(QRectF(x, mid - 8, room, 16), Qt.AlignmentFlag.AlignVCenter, elided)
