"""The inbox list as a Qt table model (display only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.i18n import N_, _
from app.inbox.actions import reason_label
from app.inbox.records import state_label
from app.storage.inbox import Comment
from app.timeutil import format_local
from ui.queue_model import network_label

Index = QModelIndex | QPersistentModelIndex

#: Columns: (key, English header for _()).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("state", N_("State")),
    ("written", N_("Written")),
    ("author", N_("Author")),
    ("comment", N_("Comment")),
    ("post", N_("Post")),
    ("network", N_("Network")),
    ("account", N_("Account")),
)
COL = {key: i for i, (key, _label) in enumerate(COLUMNS)}

STATE_COLOURS = {"open": "#b45309", "answered": "#15803d", "handled": "#6b7280", "own": "#2563eb"}


def post_title(comment: Comment) -> str:
    """How the list names the commented post: our text, else the network's id."""
    return comment.post_label or _("Post {id}").format(id=comment.post_remote_id)


class CommentsModel(QAbstractTableModel):
    """Comments in inbox order; ``open_counts`` gives "(3 open)" per post."""

    def __init__(self, zone_name: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone_name = zone_name
        self.comments: list[Comment] = []
        self.open_counts: dict[tuple[int, str], int] = {}
        self.headers = [_(label) for _key, label in COLUMNS]

    def set_comments(
        self, comments: list[Comment], open_counts: dict[tuple[int, str], int], zone_name: str
    ) -> None:
        """Show ``comments`` (already in inbox order)."""
        self.beginResetModel()
        self.comments = comments
        self.open_counts = open_counts
        self.zone_name = zone_name
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.comments)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def comment_at(self, row: int) -> Comment | None:
        """The comment shown on ``row``."""
        return self.comments[row] if 0 <= row < len(self.comments) else None

    def row_of(self, comment_id: int) -> int:
        """The row of a comment, -1 when not shown."""
        for row, c in enumerate(self.comments):
            if c.id == comment_id:
                return row
        return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.comment_at(index.row())
        if c is None:
            return None
        col = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(c, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "state" and c.reason:
                return reason_label(c.reason)
            if col == "state" and c.reply_error:
                return c.reply_error
            if col in ("comment", "post"):
                return self._text(c, col) if col == "post" else c.text
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == "state":
            colour = "#b91c1c" if c.reply_state in ("refused", "failed", "unknown") else None
            return QBrush(QColor(colour or STATE_COLOURS.get(c.state, "#6b7280")))
        if role == Qt.ItemDataRole.FontRole and c.state == "open":
            font = QFont()
            font.setBold(col in ("state", "author"))
            return font
        return None

    def _text(self, c: Comment, col: str) -> str:
        if col == "state":
            if c.reply_state == "refused":
                return _("Reply refused")
            if c.reply_state == "unknown":
                return _("Reply unconfirmed")
            if c.reply_state == "failed" and c.state == "open":
                return _("Reply failed")
            return state_label(c.state)
        if col == "network":
            return network_label(c.network)
        if col == "account":
            return c.account_name
        if col == "author":
            return c.author_name or _("(unknown)")
        if col == "written":
            return self.when(c.created_at)
        if col == "comment":
            return " ".join(c.text.split())[:140]
        n = self.open_counts.get((c.account_id, c.post_remote_id), 0)
        title = post_title(c)
        return _("{post} ({n} open)").format(post=title, n=n) if n else title

    def when(self, instant: datetime) -> str:
        """A time in the user's zone."""
        return format_local(instant, self.zone_name)
