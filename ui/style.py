"""Colours and small icons drawn in code (no image files needed), one per delivery state."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.models import PROBLEMS, DeliveryState

S = DeliveryState

STATE_COLOURS: dict[DeliveryState, str] = {
    S.DRAFT: "#6b7280",
    S.SCHEDULED: "#2563eb",
    S.PUBLISHING: "#0891b2",
    S.PUBLISHED: "#15803d",
    S.FAILED: "#dc2626",
    S.UNCONFIRMED: "#d97706",
    S.MISSED: "#ea580c",
    S.BLOCKED: "#b91c1c",
    S.HANDED_OFF: "#4f46e5",
    S.CANCELLED: "#9ca3af",
    S.PAUSED: "#6b7280",
}

LINK_COLOUR = "#1d4ed8"
ERROR_COLOUR = "#b91c1c"
OK_COLOUR = "#15803d"
MUTED_COLOUR = "#6b7280"


def state_colour(state: DeliveryState) -> QColor:
    """The colour that stands for ``state``."""
    return QColor(STATE_COLOURS.get(state, "#6b7280"))


@cache
def state_icon(state: DeliveryState, size: int = 16) -> QIcon:
    """A round badge: filled for live states, with "!" for problems, hollow for drafts."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = state_colour(state)
    rect = QRectF(2, 2, size - 4, size - 4)
    if state in (S.DRAFT, S.CANCELLED, S.PAUSED):
        painter.setPen(QPen(colour, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(rect.adjusted(0.8, 0.8, -0.8, -0.8))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(rect)
        painter.setPen(
            QPen(
                QColor("white"),
                1.8,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        c = rect.center()
        r = rect.width() / 2
        if state in PROBLEMS:
            painter.drawLine(QPointF(c.x(), c.y() - r * 0.5), QPointF(c.x(), c.y() + r * 0.12))
            painter.drawPoint(QPointF(c.x(), c.y() + r * 0.48))
        elif state == S.PUBLISHED:
            path = QPainterPath(QPointF(c.x() - r * 0.45, c.y()))
            path.lineTo(QPointF(c.x() - r * 0.1, c.y() + r * 0.35))
            path.lineTo(QPointF(c.x() + r * 0.5, c.y() - r * 0.35))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        elif state in (S.SCHEDULED, S.HANDED_OFF, S.PUBLISHING):
            painter.drawLine(QPointF(c.x(), c.y()), QPointF(c.x(), c.y() - r * 0.5))
            painter.drawLine(QPointF(c.x(), c.y()), QPointF(c.x() + r * 0.38, c.y() + r * 0.2))
    painter.end()
    return QIcon(pixmap)


@cache
def app_icon() -> QIcon:
    """Pregonero's window icon: a megaphone-blue rounded square with a "P"."""
    icon = QIcon()
    for size in (16, 32, 64, 128):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1d4ed8"))
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.68))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "P")
        painter.end()
        icon.addPixmap(pixmap)
    return icon


@cache
def photo_badge(count: int, size: int = 16) -> QIcon:
    """A small picture glyph with the number of photos, for the queue's text column."""
    ratio = 2
    width = size + (7 if count > 1 else 0)
    pixmap = QPixmap(width * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(MUTED_COLOUR)
    frame = QRectF(1.5, 3.5, size - 3, size - 7)
    painter.setPen(QPen(colour, 1.4))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(frame, 1.5, 1.5)
    hills = QPainterPath(QPointF(frame.left() + 1, frame.bottom() - 1))
    hills.lineTo(QPointF(frame.left() + frame.width() * 0.4, frame.top() + frame.height() * 0.45))
    hills.lineTo(QPointF(frame.left() + frame.width() * 0.62, frame.bottom() - 2.5))
    hills.lineTo(QPointF(frame.left() + frame.width() * 0.78, frame.top() + frame.height() * 0.6))
    hills.lineTo(QPointF(frame.right() - 1, frame.bottom() - 1))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(hills)
    if count > 1:
        font = QFont()
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(QRectF(size - 1, 0, 8, size), Qt.AlignmentFlag.AlignCenter, str(count))
    painter.end()
    return QIcon(pixmap)
