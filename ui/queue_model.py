"""The queue of posts as a Qt table model (display only: no rules, no storage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.errors import ValidationError
from app.i18n import _, ngettext
from app.models import PROBLEMS, Account, DeliveryState, Post
from app.networks.registry import network_class
from app.services.handoff import handed_off_label
from app.timeutil import format_local, to_local
from ui import style

S = DeliveryState
Index = QModelIndex | QPersistentModelIndex

#: Deliveries in these states are waiting to go out at their ``due_at``.
_WAITING = frozenset(
    {
        S.SCHEDULED,
        S.BLOCKED,
        S.MISSED,
        S.PAUSED,
        S.UNCONFIRMED,
        S.PUBLISHING,
        S.HANDED_OFF,
        S.FAILED,
    }
)


def network_label(key: str) -> str:
    """The display name of network ``key`` ("Facebook"), or the key if unknown."""
    try:
        return network_class(key).label
    except ValidationError:
        return key


def zone_abbreviation(instant: datetime, zone_name: str) -> str:
    """``CET``/``CEST`` style abbreviation of ``zone_name`` at ``instant`` (or the zone)."""
    try:
        abbr = to_local(instant, zone_name).tzname() or ""
    except ValidationError:
        return zone_name
    # Zones without a letter abbreviation report "+03"; show "UTC+03" instead.
    return f"UTC{abbr}" if abbr[:1] in "+-" else abbr


def format_when(instant: datetime | None, zone_name: str) -> str:
    """``2027-01-11 10:00 CET`` in the post's zone, or an empty string."""
    if instant is None:
        return ""
    return f"{format_local(instant, zone_name)} {zone_abbreviation(instant, zone_name)}"


def shown_time(post: Post) -> tuple[datetime | None, str]:
    """The instant the queue shows for ``post`` and what it means (for a tooltip).

    The time a delivery is actually due wins over the time saved on the post, so a
    time edited but not yet applied with "Schedule" never hides the real one.
    """
    live = [d for d in post.deliveries if d.state != S.CANCELLED]
    waiting = [d.due_at for d in live if d.state in _WAITING and d.due_at is not None]
    if waiting:
        late = all(d.state in (S.FAILED, S.MISSED) for d in live if d.state in _WAITING)
        return min(waiting), _("Was due at") if late else _("Due at")
    published = [d.published_at for d in live if d.published_at is not None]
    if published and all(d.state == S.PUBLISHED for d in live):
        return min(published), _("Published at")
    if post.due_at is not None:
        return post.due_at, _("Planned for (not scheduled yet)")
    return None, ""


def first_line(text: str) -> str:
    """The first non-blank line of ``text``."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


@dataclass
class QueueRow:
    """What one row shows, computed once per reload."""

    post: Post
    when: str
    when_tip: str
    text: str
    text_tip: str
    accounts: str
    state: DeliveryState
    state_text: str
    state_tip: str
    permalink: str
    permalink_text: str


class QueueModel(QAbstractTableModel):
    """Rows are posts (in the order given), columns :data:`COLUMNS`."""

    TIME, TEXT, ACCOUNTS, STATE, LINK = range(5)
    PostIdRole = Qt.ItemDataRole.UserRole + 1
    PermalinkRole = Qt.ItemDataRole.UserRole + 2
    StateRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []

    # -- loading -------------------------------------------------------------------
    def set_posts(self, posts: list[Post], accounts: dict[int, Account]) -> None:
        """Show ``posts``; ``accounts`` by id names the accounts of each delivery.

        When the same posts are shown in the same order, rows are updated in place
        (the selection and scroll position stay); otherwise the model is reset.
        """
        rows = [self._row(p, accounts) for p in posts]
        same = [r.post.id for r in rows] == [r.post.id for r in self._rows]
        if same:
            self._rows = rows
            if rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1)
                )
        else:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()

    def _row(self, post: Post, accounts: dict[int, Account]) -> QueueRow:
        live = [d for d in post.deliveries if d.state != S.CANCELLED] or post.deliveries
        when, meaning = shown_time(post)
        when_text = format_when(when, post.tz) if when else _("No time yet")
        when_tip = (
            f"{meaning} {format_local(when, post.tz)} ({post.tz})"
            if when
            else _("Choose a date and time in the post to schedule it.")
        )
        text = first_line(post.text)
        if not text:
            text = post.link or ""
        if not text:
            n = len(post.media)
            text = ngettext("{n} photo", "{n} photos", n).format(n=n) if n else _("(empty)")
        names = []
        for d in live:
            account = accounts.get(d.account_id)
            names.append(account.name if account else f"#{d.account_id}")
        state = post.state
        tips = []
        for d in live:
            account = accounts.get(d.account_id)
            name = account.name if account else f"#{d.account_id}"
            line = f"{name}: {d.state.label}"
            if d.state == S.HANDED_OFF:
                line += "\n" + handed_off_label(network_label(account.network) if account else "")
            shown = (S.SCHEDULED, S.HANDED_OFF, S.PUBLISHED)  # retries, hand-off, warnings
            if d.last_error and (d.state in PROBLEMS or d.state in shown):
                line += f"\n{d.last_error}"
            tips.append(line)
        permalink, link_text = "", ""
        for d in live:
            if d.permalink:
                permalink = d.permalink
                account = accounts.get(d.account_id)
                link_text = _("View on {network}").format(
                    network=network_label(account.network) if account else _("the network")
                )
                break
        return QueueRow(
            post=post,
            when=when_text,
            when_tip=when_tip,
            text=text,
            text_tip=post.text[:600] + ("…" if len(post.text) > 600 else ""),
            accounts=", ".join(names) or _("No account"),
            state=state,
            state_text=state.label,
            state_tip="\n\n".join(tips),
            permalink=permalink,
            permalink_text=link_text,
        )

    # -- reading -------------------------------------------------------------------
    def post_at(self, row: int) -> Post | None:
        """The post shown in ``row``, or None."""
        return self._rows[row].post if 0 <= row < len(self._rows) else None

    def row_of(self, post_id: int) -> int:
        """The row of post ``post_id``, or -1."""
        for index, row in enumerate(self._rows):
            if row.post.id == post_id:
                return index
        return -1

    def posts(self) -> list[Post]:
        """Every post shown, in order."""
        return [r.post for r in self._rows]

    # -- Qt model API --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of posts (Qt API)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns (Qt API)."""
        return 0 if parent.isValid() else 5

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles (Qt API)."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("When"), _("Text"), _("Accounts"), _("State"), _("Link"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell contents (Qt API)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == self.PostIdRole:
            return row.post.id
        if role == self.PermalinkRole:
            return row.permalink
        if role == self.StateRole:
            return row.state.value
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.when, row.text, row.accounts, row.state_text, row.permalink_text)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.TIME:
                return row.when_tip
            if col == self.TEXT:
                photos = len(row.post.media)
                extra = (
                    "\n\n" + ngettext("{n} photo", "{n} photos", photos).format(n=photos)
                    if photos
                    else ""
                )
                return (row.text_tip + extra).strip() or None
            if col == self.STATE:
                return row.state_tip or None
            if col == self.LINK:
                return row.permalink or None
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if col == self.STATE:
                return style.state_icon(row.state)
            if col == self.TEXT and row.post.media:
                return style.photo_badge(len(row.post.media))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.STATE:
                return QBrush(style.state_colour(row.state))
            if col == self.LINK:
                return QBrush(QColor(style.LINK_COLOUR))
            if col == self.TIME and row.post.due_at is None and row.when_tip:
                return QBrush(QColor(style.MUTED_COLOUR))
        if role == Qt.ItemDataRole.FontRole:
            if col == self.STATE and row.state in PROBLEMS:
                font = QFont()
                font.setBold(True)
                return font
            if col == self.LINK and row.permalink:
                font = QFont()
                font.setUnderline(True)
                return font
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.STATE:
            return row.state_text
        return None
