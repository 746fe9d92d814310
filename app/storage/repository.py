"""All SQL of Pregonero. One connection per thread; every write in one transaction.

Every change of a delivery's state goes through :meth:`Store.transition`, which
writes the new state and an append-only ``delivery_events`` row together.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app.errors import StorageError
from app.i18n import _
from app.models import (
    TRANSITIONS,
    Account,
    Campaign,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    KeyDate,
    MediaFile,
    Post,
)
from app.storage.db import open_db
from app.timeutil import from_iso, to_iso


class InvalidTransition(RuntimeError):
    """A state change the state machine does not allow: a bug, never user input."""


def _dt(value: str | None) -> datetime | None:
    return from_iso(value)


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"],
        network=row["network"],
        name=row["name"],
        remote_id=row["remote_id"],
        display_name=row["display_name"],
        keyring_user=row["keyring_user"],
        status=row["status"],
        status_reason=row["status_reason"],
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        kind=row.get("kind") or "",
        picture_url=row.get("picture_url") or "",
        token_expires_at=_dt(row.get("token_expires_at")),
        scopes=frozenset((row.get("scopes") or "").split()),
        last_ok_at=_dt(row.get("last_ok_at")),
        options=_json_dict(row.get("options")),
    )


def _json_dict(value: object) -> dict[str, Any]:
    """A JSON object column as a dict ({} when empty or unreadable)."""
    if not isinstance(value, str) or not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def post_from_row(row: dict[str, Any]) -> Post:
    """A Post from its ``posts`` row, without media and deliveries."""
    return Post(
        id=row["id"],
        text=row["text"],
        link=row["link"],
        due_at=_dt(row["due_at"]),
        tz=row["tz"],
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_iso(row["updated_at"]),  # type: ignore[arg-type]
        campaign_id=row["campaign_id"],
        pin_key_date_id=row["pin_key_date_id"],
        pin_offset_days=row["pin_offset_days"],
        pin_time=row["pin_time"],
        language=row["language"],
        import_key=row["import_key"],
        review_note=row.get("review_note") or "",
    )


def media_from_row(row: dict[str, Any], media_dir: Path) -> MediaFile:
    """A MediaFile from its row, its path resolved inside ``media_dir``."""
    media = MediaFile(**{k: row[k] for k in MediaFile.__dataclass_fields__ if k in row})
    stored = Path(media.path)
    if not stored.is_absolute():
        media.path = str(media_dir / stored)  # stored relative: the data folder can move
    elif stored.parent.name == "media":  # written by an early version, before a move
        media.path = str(media_dir / stored.name)
    return media


def _relative(path: str, media_dir: Path) -> str:
    """``path`` as stored: relative to the media folder when it lies inside it."""
    candidate = Path(path)
    try:
        return str(candidate.relative_to(media_dir))
    except ValueError:
        return path


def delivery_from_row(row: dict[str, Any]) -> Delivery:
    """A Delivery from its ``deliveries`` row."""
    return Delivery(
        id=row["id"],
        post_id=row["post_id"],
        account_id=row["account_id"],
        state=DeliveryState(row["state"]),
        due_at=_dt(row["due_at"]),
        attempts=row["attempts"],
        claimed_at=_dt(row["claimed_at"]),
        published_at=_dt(row["published_at"]),
        remote_id=row["remote_id"],
        permalink=row["permalink"],
        last_error=row["last_error"],
        updated_at=from_iso(row["updated_at"]),  # type: ignore[arg-type]
        progress=_json_dict(row.get("progress")),
    )


class Store:
    """The SQLite store at ``path`` (see :func:`app.storage.db.open_db`).

    Raises StorageError when the file cannot be used.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        #: Pregonero's copies of attached files; media paths are stored relative to it.
        self.media_dir = path.parent / "media"
        self.media_dir.mkdir(parents=True, exist_ok=True)
        _ = self.db  # open and migrate now, so errors surface at start-up

    # -- connections ---------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (opened on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = open_db(self.path)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        """Close every connection this store opened (in any thread)."""
        with self._lock:
            for db in self._all:
                try:
                    db.conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StorageError(
                _("The database is busy or read-only: {why}").format(why=exc)
            ) from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                conn.execute("ROLLBACK")
                raise StorageError(
                    _("Could not save to the database: {why}").format(why=exc)
                ) from None

    def _rows(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def data_version(self) -> int:
        """A number that changes whenever any other connection (any process) commits.

        Read on one dedicated connection, so successive values are comparable.
        """
        with self._lock:
            if self._watch is None:
                self._watch = sqlite3.connect(str(self.path), check_same_thread=False)
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    # -- settings ------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        """Stored value of setting ``key`` or None."""
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Store setting ``key``."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- accounts ------------------------------------------------------------------
    def add_account(
        self,
        *,
        network: str,
        name: str,
        remote_id: str,
        display_name: str,
        keyring_user: str,
        now: datetime,
        kind: str = "",
        picture_url: str = "",
        token_expires_at: datetime | None = None,
        scopes: Iterable[str] = (),
        options: dict[str, Any] | None = None,
    ) -> Account:
        """Insert an account. Raises sqlite3.IntegrityError on a duplicate name or page.

        ``options`` is JSON-able and never holds a secret (keyring user names only).
        """
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO accounts(network, name, remote_id, display_name, keyring_user, "
                "created_at, kind, picture_url, token_expires_at, scopes, options) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    network,
                    name,
                    remote_id,
                    display_name,
                    keyring_user,
                    to_iso(now),
                    kind,
                    picture_url,
                    to_iso(token_expires_at) if token_expires_at else None,
                    " ".join(sorted(scopes)),
                    json.dumps(options or {}),
                ),
            )
            account_id = cur.lastrowid
        return self.get_account(int(account_id or 0))

    def update_account_connection(
        self,
        account_id: int,
        *,
        display_name: str,
        kind: str,
        picture_url: str,
        token_expires_at: datetime | None,
        scopes: Iterable[str],
        options: dict[str, Any],
    ) -> None:
        """After a (re)connection: new details, status ``ok`` (the name is kept)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET display_name = ?, kind = ?, picture_url = ?, "
                "token_expires_at = ?, scopes = ?, options = ?, status = 'ok', "
                "status_reason = '' WHERE id = ?",
                (
                    display_name,
                    kind,
                    picture_url,
                    to_iso(token_expires_at) if token_expires_at else None,
                    " ".join(sorted(scopes)),
                    json.dumps(options),
                    account_id,
                ),
            )

    def set_account_token_expiry(
        self, account_id: int, expires_at: datetime | None, scopes: Iterable[str] | None = None
    ) -> None:
        """After a token refresh: when the new access token expires (and its scopes)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET token_expires_at = ? WHERE id = ?",
                (to_iso(expires_at) if expires_at else None, account_id),
            )
            if scopes is not None:
                conn.execute(
                    "UPDATE accounts SET scopes = ? WHERE id = ?",
                    (" ".join(sorted(scopes)), account_id),
                )

    def set_account_options(self, account_id: int, options: dict[str, Any]) -> None:
        """Replace the account's ``options`` JSON (never a secret in it)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET options = ? WHERE id = ?", (json.dumps(options), account_id)
            )

    def set_account_last_ok(self, account_id: int, at: datetime) -> None:
        """Record the last successful call to the network for the account (aware UTC)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET last_ok_at = ? WHERE id = ?", (to_iso(at), account_id)
            )

    def get_account(self, account_id: int) -> Account:
        """The account with ``account_id``. Raises KeyError if there is none."""
        rows = self._rows("SELECT * FROM accounts WHERE id = ?", (account_id,))
        if not rows:
            raise KeyError(account_id)
        return _account(rows[0])

    def find_account(
        self, *, name: str | None = None, network: str | None = None, remote_id: str | None = None
    ) -> Account | None:
        """The account with that name, or that network and remote id; None if absent."""
        if name is not None:
            rows = self._rows("SELECT * FROM accounts WHERE name = ?", (name,))
        else:
            rows = self._rows(
                "SELECT * FROM accounts WHERE network = ? AND remote_id = ?", (network, remote_id)
            )
        return _account(rows[0]) if rows else None

    def list_accounts(self) -> list[Account]:
        """Every account, by name."""
        return [_account(r) for r in self._rows("SELECT * FROM accounts ORDER BY name")]

    def set_account_status(self, account_id: int, status: str, reason: str = "") -> None:
        """Mark an account ``ok`` or ``needs_reconnect`` with a reason."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET status = ?, status_reason = ? WHERE id = ?",
                (status, reason, account_id),
            )

    def delete_account(self, account_id: int) -> None:
        """Remove an account that no delivery refers to."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))

    def account_has_deliveries(self, account_id: int) -> bool:
        """True if any delivery (even a past one) points at the account."""
        return bool(
            self._rows("SELECT 1 FROM deliveries WHERE account_id = ? LIMIT 1", (account_id,))
        )

    # -- posts ---------------------------------------------------------------------
    def create_post(
        self, *, text: str, link: str | None, tz: str, due_at: datetime | None, now: datetime
    ) -> int:
        """Insert a post; returns its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO posts(text, link, due_at, tz, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (text, link, to_iso(due_at) if due_at else None, tz, to_iso(now), to_iso(now)),
            )
            return int(cur.lastrowid or 0)

    def update_post(self, post_id: int, *, now: datetime, **fields: Any) -> None:
        """Update columns of a post (text, link, due_at, tz)."""
        allowed = {
            "text",
            "link",
            "due_at",
            "tz",
            "campaign_id",
            "pin_key_date_id",
            "pin_offset_days",
            "pin_time",
            "language",
            "import_key",
            "review_note",
        }
        if not fields:
            return
        if set(fields) - allowed:
            raise ValueError(f"unknown post fields {set(fields) - allowed}")
        values = {k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()}
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE posts SET {sets}, updated_at = ? WHERE id = ?",
                (*values.values(), to_iso(now), post_id),
            )

    def soft_delete_post(self, post_id: int, now: datetime) -> None:
        """Hide a post; its deliveries and their record stay in the database."""
        with self.transaction() as conn:
            conn.execute("UPDATE posts SET deleted_at = ? WHERE id = ?", (to_iso(now), post_id))

    def get_post(self, post_id: int) -> Post:
        """The post with its media and deliveries. Raises KeyError if absent or deleted."""
        rows = self._rows("SELECT * FROM posts WHERE id = ? AND deleted_at IS NULL", (post_id,))
        if not rows:
            raise KeyError(post_id)
        return self._post(rows[0])

    def _post(self, row: dict[str, Any]) -> Post:
        post = post_from_row(row)
        post.media = [
            media_from_row(r, self.media_dir)
            for r in self._rows(
                "SELECT * FROM media WHERE post_id = ? AND network = '' ORDER BY position, id",
                (post.id,),
            )
        ]
        from app.storage.variants import load_variants  # noqa: PLC0415 - it imports us

        post.variants = load_variants(self, post.id)
        post.deliveries = [
            delivery_from_row(r)
            for r in self._rows(
                "SELECT * FROM deliveries WHERE post_id = ? ORDER BY id", (post.id,)
            )
        ]
        return post

    def list_posts(self) -> list[Post]:
        """Every post not deleted: those with a time first by time, then drafts by edit time."""
        rows = self._rows(
            "SELECT * FROM posts WHERE deleted_at IS NULL "
            "ORDER BY due_at IS NULL, due_at, updated_at DESC"
        )
        return [self._post(r) for r in rows]

    # -- campaigns -----------------------------------------------------------------
    def add_campaign(self, name: str, now: datetime) -> Campaign:
        """Insert a campaign. Raises sqlite3.IntegrityError if the name exists."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO campaigns(name, created_at) VALUES (?, ?)", (name, to_iso(now))
            )
            campaign_id = int(cur.lastrowid or 0)
        return self.get_campaign(campaign_id)

    def get_campaign(self, campaign_id: int) -> Campaign:
        """The campaign with its key dates. Raises KeyError if absent."""
        rows = self._rows("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        if not rows:
            raise KeyError(campaign_id)
        return self._campaign(rows[0])

    def _campaign(self, row: dict[str, Any]) -> Campaign:
        dates = [
            KeyDate(r["id"], r["campaign_id"], r["name"], date.fromisoformat(r["date"]))
            for r in self._rows(
                "SELECT * FROM key_dates WHERE campaign_id = ? ORDER BY date, name", (row["id"],)
            )
        ]
        return Campaign(row["id"], row["name"], dates)

    def find_campaign(self, name: str) -> Campaign | None:
        """The campaign called ``name`` or None."""
        rows = self._rows("SELECT * FROM campaigns WHERE name = ?", (name,))
        return self._campaign(rows[0]) if rows else None

    def list_campaigns(self) -> list[Campaign]:
        """Every campaign, by name."""
        return [self._campaign(r) for r in self._rows("SELECT * FROM campaigns ORDER BY name")]

    def set_key_date(self, campaign_id: int, name: str, day: date) -> KeyDate:
        """Create or move the key date ``name`` of a campaign."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO key_dates(campaign_id, name, date) VALUES (?, ?, ?) "
                "ON CONFLICT(campaign_id, name) DO UPDATE SET date = excluded.date",
                (campaign_id, name, day.isoformat()),
            )
        row = self._rows(
            "SELECT * FROM key_dates WHERE campaign_id = ? AND name = ?", (campaign_id, name)
        )[0]
        return KeyDate(row["id"], row["campaign_id"], row["name"], date.fromisoformat(row["date"]))

    def post_id_by_import_key(self, import_key: str) -> int | None:
        """The post imported from the row identified by ``import_key``, if any."""
        rows = self._rows("SELECT id FROM posts WHERE import_key = ?", (import_key,))
        return int(rows[0]["id"]) if rows else None

    # -- media ---------------------------------------------------------------------
    def add_media(
        self,
        post_id: int,
        *,
        path: str,
        original_name: str,
        sha256: str,
        size_bytes: int,
        mime: str,
        width: int | None,
        height: int | None,
        alt_text: str,
        now: datetime,
        network: str = "",
    ) -> MediaFile:
        """Attach a stored media file at the end of the post's media (``network`` '' =
        shared, else only that network's variant)."""
        with self.transaction() as conn:
            position = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM media WHERE post_id = ?", (post_id,)
            ).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO media(post_id, position, path, original_name, sha256, size_bytes, "
                "mime, width, height, alt_text, network) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post_id,
                    position,
                    _relative(path, self.media_dir),
                    original_name,
                    sha256,
                    size_bytes,
                    mime,
                    width,
                    height,
                    alt_text,
                    network,
                ),
            )
            conn.execute("UPDATE posts SET updated_at = ? WHERE id = ?", (to_iso(now), post_id))
            media_id = cur.lastrowid
        return media_from_row(
            self._rows("SELECT * FROM media WHERE id = ?", (media_id,))[0], self.media_dir
        )

    def update_media(self, media_id: int, *, alt_text: str) -> None:
        """Change a media file's alt text."""
        with self.transaction() as conn:
            conn.execute("UPDATE media SET alt_text = ? WHERE id = ?", (alt_text, media_id))

    def replace_media_file(
        self,
        media_id: int,
        *,
        path: str,
        sha256: str,
        size_bytes: int,
        mime: str,
        width: int | None,
        height: int | None,
    ) -> None:
        """Point a media row at another stored file (e.g. a padded copy), keeping its
        position, alt text, original name and network."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE media SET path = ?, sha256 = ?, size_bytes = ?, mime = ?, width = ?,"
                " height = ? WHERE id = ?",
                (
                    _relative(path, self.media_dir),
                    sha256,
                    size_bytes,
                    mime,
                    width,
                    height,
                    media_id,
                ),
            )

    def remove_media(self, media_id: int) -> None:
        """Detach a media file from its post."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM media WHERE id = ?", (media_id,))

    def media_in_use(self, path: str) -> bool:
        """True if any post still refers to the stored file ``path``."""
        stored = _relative(path, self.media_dir)
        return bool(self._rows("SELECT 1 FROM media WHERE path = ? LIMIT 1", (stored,)))

    # -- deliveries ----------------------------------------------------------------
    def ensure_delivery(self, post_id: int, account_id: int, now: datetime) -> Delivery:
        """The delivery of the post to that account, created as a draft if missing."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM deliveries WHERE post_id = ? AND account_id = ?",
                (post_id, account_id),
            ).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO deliveries(post_id, account_id, state, updated_at) "
                    "VALUES (?, ?, 'draft', ?)",
                    (post_id, account_id, to_iso(now)),
                )
                delivery_id = int(cur.lastrowid or 0)
                conn.execute(
                    "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, reason) "
                    "VALUES (?, ?, NULL, 'draft', 'created')",
                    (delivery_id, to_iso(now)),
                )
            else:
                delivery_id = row[0]
        return self.get_delivery(delivery_id)

    def get_delivery(self, delivery_id: int) -> Delivery:
        """The delivery with ``delivery_id``. Raises KeyError if absent."""
        rows = self._rows("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        if not rows:
            raise KeyError(delivery_id)
        return delivery_from_row(rows[0])

    def transition(
        self,
        delivery_id: int,
        to: DeliveryState,
        reason: str,
        *,
        now: datetime,
        expect: set[DeliveryState] | frozenset[DeliveryState] | None = None,
        detail: str = "",
        **fields: Any,
    ) -> bool:
        """Move a delivery to state ``to`` and log it, atomically.

        ``expect``: only act if the current state is one of these (else return False);
        ``fields``: other columns to set (due_at, attempts, claimed_at, remote_id, ...).
        Returns True if the change was written. Raises InvalidTransition for a change
        the state machine forbids, KeyError if the delivery does not exist.
        """
        allowed_cols = {
            "due_at",
            "attempts",
            "claimed_at",
            "published_at",
            "remote_id",
            "permalink",
            "last_error",
        }
        if set(fields) - allowed_cols:
            raise ValueError(f"unknown delivery fields {set(fields) - allowed_cols}")
        values = {k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()}
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT state FROM deliveries WHERE id = ?", (delivery_id,)
            ).fetchone()
            if row is None:
                raise KeyError(delivery_id)
            current = DeliveryState(row[0])
            if expect is not None and current not in expect:
                return False
            if to not in TRANSITIONS[current]:
                raise InvalidTransition(f"delivery {delivery_id}: {current} -> {to}")
            sets = "".join(f", {k} = ?" for k in values)
            cur = conn.execute(
                f"UPDATE deliveries SET state = ?, updated_at = ?{sets} WHERE id = ? AND state = ?",
                (to.value, to_iso(now), *values.values(), delivery_id, current.value),
            )
            if cur.rowcount != 1:
                return False
            conn.execute(
                "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, reason, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (delivery_id, to_iso(now), current.value, to.value, reason, detail),
            )
            return True

    def deliveries_in(
        self,
        states: set[DeliveryState] | frozenset[DeliveryState],
        *,
        due_before: datetime | None = None,
        account_id: int | None = None,
    ) -> list[Delivery]:
        """Deliveries of live posts in any of ``states`` (optionally due before / of an account)."""
        marks = ", ".join("?" for _s in states)
        sql = (
            f"SELECT d.* FROM deliveries d JOIN posts p ON p.id = d.post_id "
            f"WHERE p.deleted_at IS NULL AND d.state IN ({marks})"
        )
        params: list[Any] = [s.value for s in states]
        if due_before is not None:
            sql += " AND d.due_at <= ?"
            params.append(to_iso(due_before))
        if account_id is not None:
            sql += " AND d.account_id = ?"
            params.append(account_id)
        sql += " ORDER BY d.due_at, d.id"
        return [delivery_from_row(r) for r in self._rows(sql, tuple(params))]

    def next_due_at(self) -> datetime | None:
        """Earliest due time of a scheduled delivery of a live post, or None."""
        rows = self._rows(
            "SELECT MIN(d.due_at) AS due FROM deliveries d JOIN posts p ON p.id = d.post_id "
            "WHERE p.deleted_at IS NULL AND d.state = 'scheduled'"
        )
        return _dt(rows[0]["due"]) if rows else None

    def record_rows(self, post_id: int | None = None) -> list[dict[str, Any]]:
        """The publication record joined with its post and account, oldest first.

        Keys: event_id, at (ISO UTC), post_id, post_text, post_tz, account, network,
        page_id, delivery_id, from_state, to_state, reason, detail, remote_id, permalink.
        """
        sql = (
            "SELECT e.id AS event_id, e.at, p.id AS post_id, p.text AS post_text, "
            "p.tz AS post_tz, a.name AS account, a.network, a.remote_id AS page_id, "
            "d.id AS delivery_id, e.from_state, e.to_state, e.reason, e.detail, "
            "d.remote_id, d.permalink FROM delivery_events e "
            "JOIN deliveries d ON d.id = e.delivery_id JOIN posts p ON p.id = d.post_id "
            "JOIN accounts a ON a.id = d.account_id"
        )
        params: tuple[Any, ...] = ()
        if post_id is not None:
            sql += " WHERE p.id = ?"
            params = (post_id,)
        return self._rows(sql + " ORDER BY e.id", params)

    def events(
        self, *, post_id: int | None = None, delivery_id: int | None = None
    ) -> list[DeliveryEvent]:
        """The publication record of a post or of one delivery, oldest first."""
        if delivery_id is not None:
            rows = self._rows(
                "SELECT * FROM delivery_events WHERE delivery_id = ? ORDER BY id", (delivery_id,)
            )
        else:
            rows = self._rows(
                "SELECT e.* FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id "
                "WHERE d.post_id = ? ORDER BY e.id",
                (post_id,),
            )
        return [
            DeliveryEvent(
                id=r["id"],
                delivery_id=r["delivery_id"],
                at=from_iso(r["at"]) or datetime.min,
                from_state=DeliveryState(r["from_state"]) if r["from_state"] else None,
                to_state=DeliveryState(r["to_state"]),
                reason=r["reason"],
                detail=r["detail"],
            )
            for r in rows
        ]

    # -- bulk import (issue 9: app/transfer) ---------------------------------------
    # Additive: used by app.transfer.importer. The *_in methods take the connection of
    # an open :meth:`transaction`, so a whole import is one transaction.
    def post_ids_by_import_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """``{import_key: post id}`` for the keys already used (deleted posts included)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _k in chunk)
            for row in self._rows(
                f"SELECT id, import_key FROM posts WHERE import_key IN ({marks})", tuple(chunk)
            ):
                found[row["import_key"]] = int(row["id"])
        return found

    def planned_posts(
        self, account_ids: Iterable[int], start: datetime, end: datetime
    ) -> list[PlannedPost]:
        """Live posts due in [start, end] with a not-cancelled delivery to any of the accounts."""
        ids = list(account_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _a in ids)
        rows = self._rows(
            "SELECT DISTINCT p.id, p.text, p.due_at FROM posts p "
            "JOIN deliveries d ON d.post_id = p.id "
            f"WHERE p.deleted_at IS NULL AND d.state != 'cancelled' AND d.account_id IN ({marks})"
            " AND p.due_at >= ? AND p.due_at <= ? ORDER BY p.due_at",
            (*ids, to_iso(start), to_iso(end)),
        )
        return [PlannedPost(int(r["id"]), r["text"], from_iso(r["due_at"]) or start) for r in rows]

    def ensure_campaign_in(self, conn: sqlite3.Connection, name: str, now: datetime) -> int:
        """Id of the campaign ``name``, created if missing, inside an open transaction."""
        conn.execute(
            "INSERT OR IGNORE INTO campaigns(name, created_at) VALUES (?, ?)", (name, to_iso(now))
        )
        return int(conn.execute("SELECT id FROM campaigns WHERE name = ?", (name,)).fetchone()[0])

    def ensure_key_date_in(
        self, conn: sqlite3.Connection, campaign_id: int, name: str, day: date
    ) -> int:
        """Id of the key date ``name`` of a campaign, created on ``day`` if missing.

        An existing key date keeps its date. Inside an open transaction.
        """
        conn.execute(
            "INSERT OR IGNORE INTO key_dates(campaign_id, name, date) VALUES (?, ?, ?)",
            (campaign_id, name, day.isoformat()),
        )
        return int(
            conn.execute(
                "SELECT id FROM key_dates WHERE campaign_id = ? AND name = ?", (campaign_id, name)
            ).fetchone()[0]
        )

    def insert_posts_in(
        self, conn: sqlite3.Connection, posts: Sequence[NewPost], now: datetime
    ) -> list[int]:
        """Insert whole posts (media, deliveries, their record) inside an open transaction.

        Each delivery is logged as created (``draft``) and, for ``scheduled`` posts, moved
        to ``scheduled`` with ``reason`` in the same transaction, as
        :meth:`ensure_delivery` and :meth:`transition` would. Returns the new post ids.
        Raises sqlite3.IntegrityError (e.g. a used import key); the caller rolls back.
        """
        stamp = to_iso(now)
        ids: list[int] = []
        for post in posts:
            due = to_iso(post.due_at) if post.due_at else None
            cur = conn.execute(
                "INSERT INTO posts(text, link, due_at, tz, created_at, updated_at, campaign_id, "
                "pin_key_date_id, pin_offset_days, pin_time, language, import_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post.text,
                    post.link,
                    due,
                    post.tz,
                    stamp,
                    stamp,
                    post.campaign_id,
                    post.pin_key_date_id,
                    post.pin_offset_days,
                    post.pin_time,
                    post.language,
                    post.import_key,
                ),
            )
            post_id = int(cur.lastrowid or 0)
            ids.append(post_id)
            conn.executemany(
                "INSERT INTO media(post_id, position, path, original_name, sha256, size_bytes, "
                "mime, width, height, alt_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        post_id,
                        position,
                        _relative(m.path, self.media_dir),
                        m.original_name,
                        m.sha256,
                        m.size_bytes,
                        m.mime,
                        m.width,
                        m.height,
                        m.alt_text,
                    )
                    for position, m in enumerate(post.media)
                ],
            )
            state = "scheduled" if post.scheduled else "draft"
            for account_id in post.account_ids:
                cur = conn.execute(
                    "INSERT INTO deliveries(post_id, account_id, state, due_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (post_id, account_id, state, due if post.scheduled else None, stamp),
                )
                delivery_id = int(cur.lastrowid or 0)
                conn.execute(
                    "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, reason, "
                    "detail) VALUES (?, ?, NULL, 'draft', 'created', ?)",
                    (delivery_id, stamp, post.detail),
                )
                if post.scheduled:
                    conn.execute(
                        "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, "
                        "reason, detail) VALUES (?, ?, 'draft', 'scheduled', ?, ?)",
                        (delivery_id, stamp, post.reason, post.detail),
                    )
        return ids

    # -- careful publishing (issue 7: app/services/checking.py, app/services/pause.py) ----
    def key_date(self, key_date_id: int) -> tuple[KeyDate, str] | None:
        """The key date with that id and its campaign's name, or None."""
        rows = self._rows(
            "SELECT k.*, c.name AS campaign FROM key_dates k "
            "JOIN campaigns c ON c.id = k.campaign_id WHERE k.id = ?",
            (key_date_id,),
        )
        if not rows:
            return None
        r = rows[0]
        day = date.fromisoformat(r["date"])
        return KeyDate(r["id"], r["campaign_id"], r["name"], day), r["campaign"]

    def recent_texts(
        self, account_ids: Iterable[int], since: datetime, *, exclude_post_id: int | None = None
    ) -> list[str]:
        """Texts of live posts to any of the accounts that are pending (queued, paused,
        blocked, missed...) or went out since ``since``; drafts and cancelled ones left out."""
        ids = list(account_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _a in ids)
        rows = self._rows(
            "SELECT DISTINCT p.id, p.text FROM posts p JOIN deliveries d ON d.post_id = p.id "
            f"WHERE p.deleted_at IS NULL AND d.account_id IN ({marks}) "
            "AND d.state NOT IN ('draft', 'cancelled') AND p.id != ? "
            "AND (d.state != 'published' OR d.published_at >= ?) ORDER BY p.id",
            (*ids, -1 if exclude_post_id is None else exclude_post_id, to_iso(since)),
        )
        return [r["text"] for r in rows]

    def add_check_overrides(
        self, post_id: int, overrides: Sequence[tuple[str, str, str]], now: datetime
    ) -> None:
        """Record ``(code, reason, message)`` overrides of a post's check errors, and log each
        on every not-cancelled delivery as ``check overridden: <code>: <reason>`` (the state
        does not change), in one transaction."""
        if not overrides:
            return
        stamp = to_iso(now)
        with self.transaction() as conn:
            deliveries = conn.execute(
                "SELECT id, state FROM deliveries WHERE post_id = ? AND state != 'cancelled'",
                (post_id,),
            ).fetchall()
            for code, reason, message in overrides:
                conn.execute(
                    "INSERT INTO check_overrides(post_id, code, reason, message, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (post_id, code, reason, message, stamp),
                )
                for delivery_id, state in deliveries:
                    conn.execute(
                        "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, "
                        "reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            delivery_id,
                            stamp,
                            state,
                            state,
                            f"check overridden: {code}: {reason}",
                            message,
                        ),
                    )

    def check_overrides(self, post_id: int) -> list[CheckOverride]:
        """Every override recorded for the post, oldest first."""
        return [
            CheckOverride(r["code"], r["reason"], r["message"], from_iso(r["at"]) or datetime.min)
            for r in self._rows(
                "SELECT * FROM check_overrides WHERE post_id = ? ORDER BY id", (post_id,)
            )
        ]


@dataclass(frozen=True)
class CheckOverride:
    """A check error the user published anyway: finding ``code``, their ``reason``, the
    finding's ``message`` then, and when (aware UTC)."""

    code: str
    reason: str
    message: str
    at: datetime


@dataclass(frozen=True)
class PlannedPost:
    """A post already planned: id, text and due instant (aware UTC). See planned_posts."""

    id: int
    text: str
    due_at: datetime


@dataclass(frozen=True)
class NewMedia:
    """A media row to insert: a file already copied into Pregonero's folder (bytes, pixels)."""

    path: str
    original_name: str
    sha256: str
    size_bytes: int
    mime: str
    width: int | None
    height: int | None
    alt_text: str


@dataclass(frozen=True)
class NewPost:
    """A whole post to insert with :meth:`Store.insert_posts_in`.

    ``due_at`` aware UTC or None; ``scheduled`` queues every delivery for ``due_at``
    (``reason`` is logged), else they are drafts; ``detail`` goes in every event
    (e.g. "imported from plan.csv, row 4"); ``pin_time`` is ``HH:MM``.
    """

    text: str
    link: str | None
    due_at: datetime | None
    tz: str
    account_ids: tuple[int, ...]
    scheduled: bool
    media: tuple[NewMedia, ...] = ()
    campaign_id: int | None = None
    pin_key_date_id: int | None = None
    pin_offset_days: int | None = None
    pin_time: str | None = None
    language: str = ""
    import_key: str | None = None
    reason: str = ""
    detail: str = ""
