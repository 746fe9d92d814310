"""Opening the SQLite store: WAL, foreign keys, busy timeout, migrations, version guard.

Migrations are append-only: each entry of :data:`MIGRATIONS` runs once, in order, and
``PRAGMA user_version`` records how many have run. A database whose version is
higher than this program knows was written by a newer Pregonero and is refused.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from app.errors import StorageError
from app.i18n import _

MIGRATIONS: list[str] = [
    # 1: accounts, posts, media, deliveries, delivery_events, settings
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        network TEXT NOT NULL,
        name TEXT NOT NULL UNIQUE,
        remote_id TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        keyring_user TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'ok',
        status_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        UNIQUE (network, remote_id)
    );
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL DEFAULT '',
        link TEXT,
        due_at TEXT,
        tz TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    );
    CREATE TABLE media (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mime TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        alt_text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX media_post ON media(post_id, position);
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES posts(id),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        state TEXT NOT NULL,
        due_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT,
        published_at TEXT,
        remote_id TEXT,
        permalink TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (post_id, account_id)
    );
    CREATE INDEX deliveries_due ON deliveries(state, due_at);
    CREATE TABLE delivery_events (
        id INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
        at TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX delivery_events_delivery ON delivery_events(delivery_id, id);
    CREATE TRIGGER delivery_events_no_update BEFORE UPDATE ON delivery_events
        BEGIN SELECT RAISE(ABORT, 'delivery_events is append-only'); END;
    CREATE TRIGGER delivery_events_no_delete BEFORE DELETE ON delivery_events
        BEGIN SELECT RAISE(ABORT, 'delivery_events is append-only'); END;
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: campaigns with named key dates; posts pinned to a key date; import identity
    """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE key_dates (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        date TEXT NOT NULL,
        UNIQUE (campaign_id, name)
    );
    ALTER TABLE posts ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
    ALTER TABLE posts ADD COLUMN pin_key_date_id INTEGER REFERENCES key_dates(id);
    ALTER TABLE posts ADD COLUMN pin_offset_days INTEGER;
    ALTER TABLE posts ADD COLUMN pin_time TEXT;
    ALTER TABLE posts ADD COLUMN language TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN import_key TEXT;
    CREATE UNIQUE INDEX posts_import_key ON posts(import_key) WHERE import_key IS NOT NULL;
    CREATE INDEX posts_campaign ON posts(campaign_id);
    """,
    # 3: careful-publishing check findings the user published anyway, with the reason
    """
    CREATE TABLE check_overrides (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES posts(id),
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL
    );
    CREATE INDEX check_overrides_post ON check_overrides(post_id, code);
    """,
    # issue 6: a moved post whose text still names the old date waits for review;
    # the calendar reads posts by time range.
    """
    ALTER TABLE posts ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
    CREATE INDEX posts_due ON posts(due_at);
    """,
    # 5 (issues 3, 4, 5): accounts from a browser sign-in (kind, picture, token expiry,
    # granted scopes, last good call, per-account options as JSON); resumable work of a
    # delivery (container ids, upload session) as JSON; per-network variants of a post;
    # media that belong to one network's variant only ('' = the post's shared media).
    """
    ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE accounts ADD COLUMN picture_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE accounts ADD COLUMN token_expires_at TEXT;
    ALTER TABLE accounts ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
    ALTER TABLE accounts ADD COLUMN last_ok_at TEXT;
    ALTER TABLE accounts ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE deliveries ADD COLUMN progress TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE post_variants (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        network TEXT NOT NULL,
        text TEXT,
        link TEXT,
        own_media INTEGER NOT NULL DEFAULT 0,
        options TEXT NOT NULL DEFAULT '{}',
        UNIQUE (post_id, network)
    );
    ALTER TABLE media ADD COLUMN network TEXT NOT NULL DEFAULT '';
    """,
    # 6 (issue 10): the comments inbox. Comments and replies collected from every
    # account (UNIQUE per account, so a re-walked page never duplicates); per-post
    # collection cursors; the reply written before ('sending') and after ('sent') the
    # network call; an append-only log of every action; saved replies per language.
    """
    CREATE TABLE comment_posts (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        post_remote_id TEXT NOT NULL,
        delivery_id INTEGER REFERENCES deliveries(id),
        cursor TEXT,
        tail_cursor TEXT,
        complete INTEGER NOT NULL DEFAULT 0,
        first_seen_at TEXT NOT NULL,
        last_fetched_at TEXT,
        UNIQUE (account_id, post_remote_id)
    );
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        network TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        post_remote_id TEXT NOT NULL,
        delivery_id INTEGER REFERENCES deliveries(id),
        parent_remote_id TEXT,
        author_name TEXT NOT NULL DEFAULT '',
        author_id TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        permalink TEXT NOT NULL DEFAULT '',
        is_own INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        collected_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        reason TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        handled_at TEXT,
        handled_by TEXT NOT NULL DEFAULT '',
        reply_text TEXT NOT NULL DEFAULT '',
        reply_remote_id TEXT,
        reply_state TEXT NOT NULL DEFAULT '',
        reply_started_at TEXT,
        reply_error TEXT NOT NULL DEFAULT '',
        hidden INTEGER NOT NULL DEFAULT 0,
        exported_at TEXT,
        purged_at TEXT,
        UNIQUE (account_id, remote_id)
    );
    CREATE INDEX comments_open ON comments(state, created_at);
    CREATE INDEX comments_post ON comments(account_id, post_remote_id);
    CREATE TABLE comment_events (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX comment_events_comment ON comment_events(comment_id, id);
    CREATE TRIGGER comment_events_no_update BEFORE UPDATE ON comment_events
        BEGIN SELECT RAISE(ABORT, 'comment_events is append-only'); END;
    CREATE TRIGGER comment_events_no_delete BEFORE DELETE ON comment_events
        BEGIN SELECT RAISE(ABORT, 'comment_events is append-only'); END;
    CREATE TABLE saved_replies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (name, language)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def open_db(path: Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the store at ``path`` and bring it to :data:`SCHEMA_VERSION`.

    Raises StorageError if the file is not a database, cannot be written, or was
    written by a newer version of Pregonero.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path), timeout=10.0, check_same_thread=False, isolation_level=None
        )
        conn.execute("PRAGMA busy_timeout = 10000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            _("Cannot open the database {path}: {why}").format(path=path, why=exc)
        ) from None
    except OSError as exc:
        raise StorageError(
            _("Cannot open the database {path}: {why}").format(path=path, why=exc.strerror)
        ) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise StorageError(
            _(
                "The database {path} was written by a newer version of Pregonero (schema {found}, "
                "this version knows up to {known}). Update Pregonero to open it; nothing was "
                "changed."
            ).format(path=path, found=version, known=SCHEMA_VERSION)
        )
    try:
        # Only now: switching to WAL rewrites the header of a file we may have refused.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StorageError(
            _("Cannot open the database {path}: {why}").format(path=path, why=exc)
        ) from None
    if migrate and version < SCHEMA_VERSION:
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[index]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {index + 1}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.execute("ROLLBACK")
            raise StorageError(
                _("Cannot update the database {path}: {why}").format(path=path, why=exc)
            ) from None
    return sqlite_utils.Database(conn)


def _split_sql(script: str) -> list[str]:
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    return [s for s in statements if s]
