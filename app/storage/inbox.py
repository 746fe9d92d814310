"""All SQL of the comments inbox (tables of migration 6). Takes the shared :class:`Store`.

Comments are unique per account by their network id, so collecting a page twice
never duplicates anything. Every change a person makes to a comment is written
together with an append-only ``comment_events`` row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.networks.base import RemoteComment
from app.storage.repository import Store
from app.timeutil import from_iso, to_iso

#: Comment states: waiting for the team, answered by a reply, closed without reply, ours.
OPEN, ANSWERED, HANDLED, OWN = "open", "answered", "handled", "own"
#: Reply states (``comments.reply_state``): written before and after the network call.
R_NONE, R_SENDING, R_SENT, R_UNKNOWN, R_REFUSED, R_FAILED = (
    "",
    "sending",
    "sent",
    "unknown",
    "refused",
    "failed",
)


@dataclass(frozen=True)
class Comment:
    """One collected comment or reply (times aware UTC); see migration 6 for columns.

    ``post_label`` is the start of our post's text when the post is one of ours
    (empty otherwise); ``account_name``/``campaign_id`` come from the account/post.
    """

    id: int
    account_id: int
    network: str
    remote_id: str
    post_remote_id: str
    delivery_id: int | None
    parent_remote_id: str | None
    author_name: str
    author_id: str
    text: str
    permalink: str
    is_own: bool
    created_at: datetime
    collected_at: datetime
    state: str
    reason: str
    note: str
    handled_at: datetime | None
    handled_by: str
    reply_text: str
    reply_remote_id: str | None
    reply_state: str
    reply_started_at: datetime | None
    reply_error: str
    hidden: bool
    exported_at: datetime | None
    purged_at: datetime | None
    account_name: str = ""
    post_label: str = ""
    post_permalink: str = ""
    campaign_id: int | None = None
    post_language: str = ""

    def remote(self) -> RemoteComment:
        """This comment as the network client takes it."""
        return RemoteComment(
            remote_id=self.remote_id,
            post_remote_id=self.post_remote_id,
            parent_remote_id=self.parent_remote_id,
            author_name=self.author_name,
            author_id=self.author_id,
            text=self.text,
            created_at=self.created_at,
            permalink=self.permalink,
            is_own=self.is_own,
        )


@dataclass(frozen=True)
class CommentEvent:
    """One logged action on a comment (``at`` aware UTC)."""

    id: int
    comment_id: int
    at: datetime
    action: str
    actor: str
    detail: str


@dataclass(frozen=True)
class PostCursor:
    """Collection progress of one post of one account.

    ``cursor``: where an unfinished walk resumes (None = from the start);
    ``tail_cursor``: the cursor that returned the last page of the last finished walk
    (None = the first page); ``complete``: one walk reached the end.
    """

    id: int
    account_id: int
    post_remote_id: str
    delivery_id: int | None
    cursor: str | None
    tail_cursor: str | None
    complete: bool
    last_fetched_at: datetime | None
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class SavedReply:
    """A reply template: ``language`` is "es", "ca" or "en"; ``text`` may hold fields
    such as ``{name}`` or ``{link}``."""

    id: int
    name: str
    language: str
    text: str
    updated_at: datetime


@dataclass(frozen=True)
class CommentFilter:
    """What the inbox shows. Empty values mean "any"; ``search`` matches author and text."""

    network: str = ""
    account_id: int | None = None
    campaign_id: int | None = None
    states: tuple[str, ...] = ()
    search: str = ""
    post_remote_id: str = ""
    include_own: bool = False
    include_purged: bool = False


_SELECT = """
SELECT c.*, a.name AS account_name, p.text AS post_text, d.permalink AS post_permalink,
       p.campaign_id AS campaign_id, p.language AS post_language
FROM comments c
JOIN accounts a ON a.id = c.account_id
LEFT JOIN deliveries d ON d.id = c.delivery_id
LEFT JOIN posts p ON p.id = d.post_id
"""


def _comment(row: dict[str, Any]) -> Comment:
    post_text = (row.get("post_text") or "").strip().replace("\n", " ")
    return Comment(
        id=row["id"],
        account_id=row["account_id"],
        network=row["network"],
        remote_id=row["remote_id"],
        post_remote_id=row["post_remote_id"],
        delivery_id=row["delivery_id"],
        parent_remote_id=row["parent_remote_id"],
        author_name=row["author_name"],
        author_id=row["author_id"],
        text=row["text"],
        permalink=row["permalink"],
        is_own=bool(row["is_own"]),
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        collected_at=from_iso(row["collected_at"]),  # type: ignore[arg-type]
        state=row["state"],
        reason=row["reason"],
        note=row["note"],
        handled_at=from_iso(row["handled_at"]),
        handled_by=row["handled_by"],
        reply_text=row["reply_text"],
        reply_remote_id=row["reply_remote_id"],
        reply_state=row["reply_state"],
        reply_started_at=from_iso(row["reply_started_at"]),
        reply_error=row["reply_error"],
        hidden=bool(row["hidden"]),
        exported_at=from_iso(row["exported_at"]),
        purged_at=from_iso(row["purged_at"]),
        account_name=row.get("account_name") or "",
        post_label=post_text[:80],
        post_permalink=row.get("post_permalink") or "",
        campaign_id=row.get("campaign_id"),
        post_language=row.get("post_language") or "",
    )


def _cursor(row: dict[str, Any]) -> PostCursor:
    return PostCursor(
        id=row["id"],
        account_id=row["account_id"],
        post_remote_id=row["post_remote_id"],
        delivery_id=row["delivery_id"],
        cursor=row["cursor"],
        tail_cursor=row["tail_cursor"],
        complete=bool(row["complete"]),
        last_fetched_at=from_iso(row["last_fetched_at"]),
        first_seen_at=from_iso(row["first_seen_at"]),
    )


def _log(
    conn: sqlite3.Connection, comment_id: int, at: datetime, action: str, actor: str, detail: str
) -> None:
    conn.execute(
        "INSERT INTO comment_events(comment_id, at, action, actor, detail) VALUES (?,?,?,?,?)",
        (comment_id, to_iso(at), action, actor, detail),
    )


class InboxStore:
    """Reads and writes the inbox tables of ``store`` (thread-safe like the store)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return list(self.store.db.query(sql, params))

    # -- collection -------------------------------------------------------------------
    def post_cursor(
        self, account_id: int, post_remote_id: str, delivery_id: int | None, now: datetime
    ) -> PostCursor:
        """The collection progress of a post, created (empty) on first use."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO comment_posts(account_id, post_remote_id, delivery_id, "
                "first_seen_at) VALUES (?,?,?,?) ON CONFLICT(account_id, post_remote_id) "
                "DO UPDATE SET delivery_id = COALESCE(comment_posts.delivery_id, "
                "excluded.delivery_id)",
                (account_id, post_remote_id, delivery_id, to_iso(now)),
            )
        rows = self._rows(
            "SELECT * FROM comment_posts WHERE account_id = ? AND post_remote_id = ?",
            (account_id, post_remote_id),
        )
        return _cursor(rows[0])

    def save_cursor(
        self,
        cursor_id: int,
        *,
        now: datetime,
        cursor: str | None,
        tail_cursor: str | None = None,
        complete: bool | None = None,
        set_tail: bool = False,
    ) -> None:
        """Record where the walk of a post stands (see :class:`PostCursor`)."""
        sets = ["cursor = ?", "last_fetched_at = ?"]
        params: list[Any] = [cursor, to_iso(now)]
        if set_tail:
            sets.append("tail_cursor = ?")
            params.append(tail_cursor)
        if complete is not None:
            sets.append("complete = ?")
            params.append(int(complete))
        with self.store.transaction() as conn:
            conn.execute(
                f"UPDATE comment_posts SET {', '.join(sets)} WHERE id = ?",  # noqa: S608
                (*params, cursor_id),
            )

    def published_posts(self, account_id: int, since: datetime) -> list[tuple[int, str]]:
        """(delivery id, post remote id) of our posts published on the account since
        ``since`` (aware UTC), newest first."""
        rows = self._rows(
            "SELECT id, remote_id FROM deliveries WHERE account_id = ? AND state = 'published' "
            "AND remote_id IS NOT NULL AND remote_id != '' AND published_at >= ? "
            "ORDER BY published_at DESC",
            (account_id, to_iso(since)),
        )
        return [(r["id"], r["remote_id"]) for r in rows]

    def delivery_for_remote(self, account_id: int, post_remote_id: str) -> int | None:
        """Our delivery that published ``post_remote_id`` on the account, if any."""
        rows = self._rows(
            "SELECT id FROM deliveries WHERE account_id = ? AND remote_id = ? LIMIT 1",
            (account_id, post_remote_id),
        )
        return rows[0]["id"] if rows else None

    def known_remote_ids(self, account_id: int, remote_ids: Iterable[str]) -> set[str]:
        """Which of ``remote_ids`` are already stored for the account."""
        ids = list(remote_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self._rows(
            f"SELECT remote_id FROM comments WHERE account_id = ? AND remote_id IN ({marks})",  # noqa: S608
            (account_id, *ids),
        )
        return {r["remote_id"] for r in rows}

    def add_comments(
        self,
        account_id: int,
        network: str,
        delivery_id: int | None,
        comments: Iterable[RemoteComment],
        now: datetime,
    ) -> list[int]:
        """Insert the comments not stored yet (insert-or-ignore on the unique id).

        Our own comments are stored as state ``own``; a reply of ours found on the
        network marks the comment it answers ``answered`` (answered outside Pregonero),
        unless it is a reply sent from Pregonero (some comment's ``reply_remote_id``): that
        one answered its own target, even when filed under another comment.
        Returns the ids of the new rows.
        """
        new: list[int] = []
        with self.store.transaction() as conn:
            for c in comments:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO comments(account_id, network, remote_id, "
                    "post_remote_id, delivery_id, parent_remote_id, author_name, author_id, "
                    "text, permalink, is_own, created_at, collected_at, state) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        account_id,
                        network,
                        c.remote_id,
                        c.post_remote_id,
                        delivery_id,
                        c.parent_remote_id,
                        c.author_name,
                        c.author_id,
                        c.text,
                        c.permalink,
                        int(c.is_own),
                        to_iso(c.created_at),
                        to_iso(now),
                        OWN if c.is_own else OPEN,
                    ),
                )
                if cur.rowcount != 1:
                    continue
                new.append(int(cur.lastrowid or 0))
                if c.is_own and c.parent_remote_id:
                    # A reply sent from Pregonero answered the comment it was written for;
                    # the network may file it under that comment's top-level comment
                    # (Instagram, YouTube...), whose question must stay open.
                    sent_for = conn.execute(
                        "SELECT 1 FROM comments WHERE account_id = ? AND reply_remote_id = ?",
                        (account_id, c.remote_id),
                    ).fetchone()
                    parent = (
                        None
                        if sent_for is not None
                        else conn.execute(
                            "SELECT id FROM comments WHERE account_id = ? AND remote_id = ? "
                            "AND state = 'open'",
                            (account_id, c.parent_remote_id),
                        ).fetchone()
                    )
                    if parent is not None:
                        conn.execute(
                            "UPDATE comments SET state = 'answered', reason = 'answered_on_network'"
                            ", handled_at = ? WHERE id = ?",
                            (to_iso(now), parent[0]),
                        )
                        _log(conn, parent[0], now, "answered", "", "reply seen on the network")
        return new

    # -- reading ----------------------------------------------------------------------
    def get(self, comment_id: int) -> Comment:
        """One comment. Raises KeyError if there is none with that id."""
        rows = self._rows(_SELECT + " WHERE c.id = ?", (comment_id,))
        if not rows:
            raise KeyError(comment_id)
        return _comment(rows[0])

    def find(self, account_id: int, remote_id: str) -> Comment | None:
        """The comment ``remote_id`` of an account, or None."""
        rows = self._rows(
            _SELECT + " WHERE c.account_id = ? AND c.remote_id = ?", (account_id, remote_id)
        )
        return _comment(rows[0]) if rows else None

    def query(self, flt: CommentFilter | None = None, limit: int = 5000) -> list[Comment]:
        """Comments matching ``flt``: open first, then oldest first."""
        flt = flt or CommentFilter()
        where, params = self._where(flt)
        sql = (
            _SELECT
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY (c.state = 'open') DESC, c.created_at ASC, c.id ASC LIMIT ?"
        )
        return [_comment(r) for r in self._rows(sql, (*params, limit))]

    @staticmethod
    def _where(flt: CommentFilter) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if not flt.include_own:
            where.append("c.is_own = 0")
        if not flt.include_purged:
            where.append("c.purged_at IS NULL")
        if flt.network:
            where.append("c.network = ?")
            params.append(flt.network)
        if flt.account_id is not None:
            where.append("c.account_id = ?")
            params.append(flt.account_id)
        if flt.campaign_id is not None:
            where.append("p.campaign_id = ?")
            params.append(flt.campaign_id)
        if flt.states:
            where.append(f"c.state IN ({','.join('?' * len(flt.states))})")
            params.extend(flt.states)
        if flt.post_remote_id:
            where.append("c.post_remote_id = ?")
            params.append(flt.post_remote_id)
        if flt.search.strip():
            like = "%" + flt.search.strip().replace("%", r"\%").replace("_", r"\_") + "%"
            where.append(
                "(c.text LIKE ? ESCAPE '\\' OR c.author_name LIKE ? ESCAPE '\\' "
                "OR c.reply_text LIKE ? ESCAPE '\\')"
            )
            params.extend([like, like, like])
        return where, params

    def thread(self, comment: Comment) -> list[Comment]:
        """The comment's thread: its top-level comment and every reply, oldest first."""
        top = comment
        seen = {top.remote_id}
        while top.parent_remote_id:
            parent = self.find(top.account_id, top.parent_remote_id)
            if parent is None or parent.remote_id in seen:
                break
            seen.add(parent.remote_id)
            top = parent
        rows = self._rows(
            _SELECT + " WHERE c.account_id = ? AND c.post_remote_id = ? ORDER BY c.created_at",
            (top.account_id, top.post_remote_id),
        )
        everything = [_comment(r) for r in rows]
        children: dict[str | None, list[Comment]] = {}
        for c in everything:
            children.setdefault(c.parent_remote_id, []).append(c)
        out: list[Comment] = []
        stack = [top]
        while stack:
            c = stack.pop(0)
            out.append(c)
            stack.extend(children.get(c.remote_id, []))
        return sorted(out, key=lambda c: (c.created_at, c.id))

    def open_counts_by_post(self) -> dict[tuple[int, str], int]:
        """Open comments per (account id, post remote id)."""
        rows = self._rows(
            "SELECT account_id, post_remote_id, COUNT(*) AS n FROM comments "
            "WHERE state = 'open' AND purged_at IS NULL GROUP BY account_id, post_remote_id"
        )
        return {(r["account_id"], r["post_remote_id"]): r["n"] for r in rows}

    def open_summary(self) -> tuple[int, datetime | None]:
        """(number of open comments, creation time of the oldest one or None)."""
        rows = self._rows(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM comments "
            "WHERE state = 'open' AND purged_at IS NULL"
        )
        return int(rows[0]["n"]), from_iso(rows[0]["oldest"])

    def events(self, comment_id: int) -> list[CommentEvent]:
        """The action log of a comment, oldest first."""
        rows = self._rows(
            "SELECT * FROM comment_events WHERE comment_id = ? ORDER BY id", (comment_id,)
        )
        return [
            CommentEvent(
                r["id"],
                r["comment_id"],
                from_iso(r["at"]),  # type: ignore[arg-type]
                r["action"],
                r["actor"],
                r["detail"],
            )
            for r in rows
        ]

    def replies_of(self, comment: Comment) -> list[Comment]:
        """Direct replies to ``comment`` collected from the network, oldest first."""
        rows = self._rows(
            _SELECT + " WHERE c.account_id = ? AND c.parent_remote_id = ? ORDER BY c.created_at",
            (comment.account_id, comment.remote_id),
        )
        return [_comment(r) for r in rows]

    # -- changes ----------------------------------------------------------------------
    def update(
        self,
        comment_id: int,
        *,
        now: datetime,
        action: str,
        actor: str = "",
        detail: str = "",
        expect_reply_states: set[str] | None = None,
        **fields: Any,
    ) -> bool:
        """Set ``fields`` of a comment and log ``action``, in one transaction.

        With ``expect_reply_states`` nothing changes (returns False) unless the
        comment's reply state is one of them: the guard that makes a reply go out once.
        Datetime values are stored as ISO UTC text.
        """
        cols = sorted(fields)
        values = [to_iso(v) if isinstance(v, datetime) else v for v in (fields[k] for k in cols)]
        with self.store.transaction() as conn:
            if expect_reply_states is not None:
                row = conn.execute(
                    "SELECT reply_state FROM comments WHERE id = ?", (comment_id,)
                ).fetchone()
                if row is None or row[0] not in expect_reply_states:
                    return False
            if cols:
                conn.execute(
                    f"UPDATE comments SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",  # noqa: S608
                    (*values, comment_id),
                )
            _log(conn, comment_id, now, action, actor, detail)
        return True

    # -- records and retention --------------------------------------------------------
    def for_export(self, handled_only: bool = False) -> list[Comment]:
        """Every comment not purged (ours included), by post then time, for the CSV."""
        flt = CommentFilter(
            include_own=True, states=(ANSWERED, HANDLED, OWN) if handled_only else ()
        )
        where, params = self._where(flt)
        sql = (
            _SELECT
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY c.account_id, c.post_remote_id, c.created_at, c.id"
        )
        return [_comment(r) for r in self._rows(sql, tuple(params))]

    def mark_exported(self, comment_ids: Iterable[int], now: datetime) -> None:
        """Remember that these comments went into a records export."""
        ids = list(comment_ids)
        with self.store.transaction() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"UPDATE comments SET exported_at = ? WHERE id IN ({marks})",  # noqa: S608
                    (to_iso(now), *chunk),
                )

    def purge_candidates(self, before: datetime) -> list[Comment]:
        """Answered/handled comments closed before ``before`` (and our replies to them,
        and our own comments collected before it), not purged yet."""
        rows = self._rows(
            _SELECT + " WHERE c.purged_at IS NULL AND ("
            "(c.state IN ('answered', 'handled') AND c.handled_at < ?) "
            "OR (c.state = 'own' AND c.collected_at < ?)) ORDER BY c.id",
            (to_iso(before), to_iso(before)),
        )
        return [_comment(r) for r in rows]

    def purge(self, comment_ids: Iterable[int], now: datetime, actor: str) -> int:
        """Erase the personal data of these comments, keeping a tombstone (id, network id,
        dates, state) so that collecting again never brings them back. Returns the count."""
        n = 0
        with self.store.transaction() as conn:
            for cid in comment_ids:
                cur = conn.execute(
                    "UPDATE comments SET author_name = '', author_id = '', text = '', "
                    "permalink = '', reply_text = '', note = '', reply_error = '', "
                    "purged_at = ? WHERE id = ? AND purged_at IS NULL",
                    (to_iso(now), cid),
                )
                if cur.rowcount:
                    n += 1
                    _log(conn, cid, now, "purged", actor, "retention")
        return n

    # -- saved replies ----------------------------------------------------------------
    def saved_replies(self, language: str = "") -> list[SavedReply]:
        """Saved replies, by name; only one language when ``language`` is given."""
        sql = "SELECT * FROM saved_replies"
        params: tuple[Any, ...] = ()
        if language:
            sql += " WHERE language = ?"
            params = (language,)
        rows = self._rows(sql + " ORDER BY name COLLATE NOCASE, language", params)
        return [
            SavedReply(r["id"], r["name"], r["language"], r["text"], from_iso(r["updated_at"]))  # type: ignore[arg-type]
            for r in rows
        ]

    def save_reply(
        self, name: str, language: str, text: str, now: datetime, reply_id: int | None = None
    ) -> int:
        """Create (or with ``reply_id`` change) a saved reply; returns its id.

        Raises sqlite3.IntegrityError when another one has the same name and language.
        """
        with self.store.transaction() as conn:
            if reply_id is None:
                cur = conn.execute(
                    "INSERT INTO saved_replies(name, language, text, updated_at) VALUES (?,?,?,?)",
                    (name, language, text, to_iso(now)),
                )
                return int(cur.lastrowid or 0)
            conn.execute(
                "UPDATE saved_replies SET name = ?, language = ?, text = ?, updated_at = ? "
                "WHERE id = ?",
                (name, language, text, to_iso(now), reply_id),
            )
            return reply_id

    def delete_reply(self, reply_id: int) -> None:
        """Forget a saved reply."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM saved_replies WHERE id = ?", (reply_id,))
