"""Per-network previews: an approximation of how a post will look once published.

Not a pixel copy of any network: it shows what matters when reviewing, namely where the
text is cut behind "… See more", the link card and how the photos are cropped into the
network's grid. :func:`visible_text` and :func:`grid_cells` are plain logic (tested
without a screen); :class:`PostPreview` draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.checks.textutil import url_spans
from app.i18n import N_, _
from app.networks.base import PostOptions
from app.networks.registry import network_class
from ui.variants import KINDS


@dataclass(frozen=True)
class Feed:
    """How a network's feed shows a post: ``chars`` and ``lines`` before the text is cut,
    the words of the "more" link, and the grid's width in pixels."""

    chars: int
    lines: int
    more: str
    width: int = 500


#: Visible length per network (approximate: what a feed shows before "See more").
FEEDS: dict[str, Feed] = {
    "facebook": Feed(chars=480, lines=5, more=N_("See more")),
    "x": Feed(chars=280, lines=12, more=N_("Show more")),
    "instagram": Feed(chars=125, lines=2, more=N_("more")),
    "linkedin": Feed(chars=210, lines=3, more=N_("see more")),
}
DEFAULT_FEED = Feed(chars=480, lines=5, more=N_("See more"))


def feed_for(network: str) -> Feed:
    """The feed rules of ``network`` (Facebook's when unknown)."""
    return FEEDS.get(network, DEFAULT_FEED)


def visible_text(text: str, network: str) -> tuple[str, bool]:
    """The part of ``text`` shown before "See more" and whether it was cut.

    The cut falls at the visible length or after the visible number of lines, whichever
    comes first, then back to the last space so no word is split.
    """
    feed = feed_for(network)
    text = text.rstrip()
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    if len(newlines) >= feed.lines and newlines[feed.lines - 1] <= feed.chars:
        return text[: newlines[feed.lines - 1]].rstrip(), True
    if len(text) <= feed.chars:
        return text, False
    cut = text[: feed.chars]
    if not text[feed.chars].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space > feed.chars // 2:
            cut = cut[:space]
    return cut.rstrip(), True


def first_link(text: str, link: str | None) -> str | None:
    """The link the network would turn into a card: the link field, else the first URL."""
    if link:
        return link
    spans = url_spans(text)
    return text[spans[0][0] : spans[0][1]] if spans else None


def grid_cells(count: int, width: int) -> list[QRect]:
    """Where each of the first photos goes in a feed grid ``width`` pixels wide.

    1 photo: one square-ish cell; 2: side by side; 3: one large and two small; 4 or
    more: a 2×2 grid (the fourth cell says "+N" for the rest).
    """
    w, half = width, width // 2
    if count <= 0:
        return []
    if count == 1:
        return [QRect(0, 0, w, w * 3 // 4)]
    if count == 2:
        return [QRect(0, 0, half - 1, w // 2), QRect(half + 1, 0, half - 1, w // 2)]
    if count == 3:
        return [
            QRect(0, 0, w, w // 2),
            QRect(0, w // 2 + 2, half - 1, half),
            QRect(half + 1, w // 2 + 2, half - 1, half),
        ]
    return [
        QRect(0, 0, half - 1, half - 1),
        QRect(half + 1, 0, half - 1, half - 1),
        QRect(0, half + 1, half - 1, half - 1),
        QRect(half + 1, half + 1, half - 1, half - 1),
    ]


def _cropped(path: str, size: QSize) -> QPixmap:
    """The image at ``path`` scaled to cover ``size`` and centre-cropped (as feeds do)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return QPixmap()
    scaled = QPixmap.fromImage(image).scaled(
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    x = (scaled.width() - size.width()) // 2
    y = (scaled.height() - size.height()) // 2
    return scaled.copy(x, y, size.width(), size.height())


def photo_grid(paths: Sequence[str], width: int) -> QPixmap:
    """The photos laid out and cropped as :func:`grid_cells` says."""
    cells = grid_cells(len(paths), width)
    height = max((c.bottom() + 1 for c in cells), default=0)
    canvas = QPixmap(width, max(height, 1))
    canvas.fill(QColor("#ffffff"))
    painter = QPainter(canvas)
    for index, cell in enumerate(cells):
        pixmap = _cropped(paths[index], cell.size())
        if pixmap.isNull():
            painter.fillRect(cell, QColor("#e5e7eb"))
        else:
            painter.drawPixmap(cell.topLeft(), pixmap)
        rest = len(paths) - len(cells)
        if index == len(cells) - 1 and rest > 0:
            painter.fillRect(cell, QColor(0, 0, 0, 110))
            font = QFont(painter.font())
            font.setPointSize(22)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, f"+{rest}")
    painter.end()
    return canvas


class PostPreview(QFrame):
    """A post as ``network``'s feed would show it, for the account called ``page``."""

    def __init__(
        self,
        network: str,
        page: str,
        text: str,
        link: str | None,
        photos: Sequence[str],
        parent: QWidget | None = None,
        *,
        options: PostOptions | None = None,
    ) -> None:
        super().__init__(parent)
        feed = feed_for(network)
        options = options or PostOptions()
        self.setObjectName("postPreview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#postPreview { background: #ffffff; border: 1px solid #d1d5db; border-radius: 8px; }"
        )
        self.setFixedWidth(feed.width + 24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        try:
            label = network_class(network).label
        except Exception:  # noqa: BLE001 - an unknown key still gets a preview
            label = network
        header = QLabel(
            f"<b>{_escape(page)}</b><br><span style='color:#6b7280'>"
            + _("{network} · approximate preview").format(network=_escape(label))
            + "</span>"
        )
        layout.addWidget(header)
        shown, cut = visible_text(text, network)
        body = _escape(shown).replace("\n", "<br>")
        if cut:
            body += f"… <b style='color:#6b7280'>{_escape(_(feed.more))}</b>"
        self.text_label = QLabel(body)
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.text_label.setAccessibleName(_("Text as shown in the feed"))
        self.cut = cut
        layout.addWidget(self.text_label)
        self.grid_label: QLabel | None = None
        if photos:
            self.grid_label = QLabel()
            self.grid_label.setPixmap(photo_grid(photos, feed.width))
            layout.addWidget(self.grid_label)
        card = first_link(text, link)
        self.card_label: QLabel | None = None
        if card and not photos:
            host = urlsplit(card if "//" in card else f"https://{card}").hostname or card
            self.card_label = QLabel(
                f"<span style='color:#6b7280'>{_escape(host.upper())}</span><br>"
                f"<b>{_escape(card)}</b>"
            )
            self.card_label.setWordWrap(True)
            self.card_label.setStyleSheet(
                "background: #f3f4f6; border: 1px solid #e5e7eb; padding: 8px;"
            )
            layout.addWidget(self.card_label)
        # What the network's own choices add: a title, a first comment, a thread.
        self.extra_labels: list[QLabel] = []
        lines: list[str] = []
        if options.title:
            lines.append(_("Title: {title}").format(title=_escape(options.title)))
        if options.kind != "feed":
            kind = dict(KINDS.get(network, [])).get(options.kind)  # "Story", not "story"
            lines.append(
                _("Published as: {kind}").format(kind=_escape(_(kind) if kind else options.kind))
            )
        if options.first_comment:
            lines.append(_("First comment: {text}").format(text=_escape(options.first_comment)))
        for number, part in enumerate(options.thread, start=2):
            lines.append(
                _("Reply {n}: {text}").format(n=number, text=_escape(part).replace("\n", "<br>"))
            )
        for line in lines:
            extra = QLabel(line)
            extra.setWordWrap(True)
            extra.setTextFormat(Qt.TextFormat.RichText)
            extra.setStyleSheet("border-top: 1px solid #e5e7eb; padding-top: 6px;")
            layout.addWidget(extra)
            self.extra_labels.append(extra)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
