"""The store: migrations, version guard, the state machine and its append-only record."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.errors import StorageError
from app.models import DeliveryState as S
from app.storage.db import SCHEMA_VERSION, open_db
from app.storage.repository import InvalidTransition, Store

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def make_store(tmp_path: Path) -> tuple[Store, int]:
    store = Store(tmp_path / "p.sqlite3")
    acc = store.add_account(
        network="facebook",
        name="Empleo",
        remote_id="111",
        display_name="Empleo",
        keyring_user="facebook:111",
        now=NOW,
    )
    post_id = store.create_post(text="hola", link=None, tz="Europe/Madrid", due_at=None, now=NOW)
    delivery = store.ensure_delivery(post_id, acc.id, NOW)
    return store, delivery.id


def test_open_sets_wal_foreign_keys_and_version(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # Opening again does not migrate twice.
    again = open_db(tmp_path / "a.sqlite3")
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    open_db(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer version of Pregonero"):
        Store(path)
    assert path.read_bytes() == before


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(StorageError, match="Cannot open the database"):
        Store(path)


def test_transition_writes_state_and_event_together(tmp_path: Path) -> None:
    store, did = make_store(tmp_path)
    assert store.transition(did, S.SCHEDULED, "scheduled", now=NOW, due_at=NOW)
    assert store.transition(did, S.PUBLISHING, "claimed", now=NOW, expect={S.SCHEDULED})
    # A second claim of the same delivery loses: never publish twice.
    assert not store.transition(did, S.PUBLISHING, "claimed", now=NOW, expect={S.SCHEDULED})
    assert store.transition(
        did, S.PUBLISHED, "ok", now=NOW, remote_id="111_1", permalink="https://x"
    )
    d = store.get_delivery(did)
    assert (d.state, d.remote_id, d.permalink) == (S.PUBLISHED, "111_1", "https://x")
    trail = [(e.from_state, e.to_state, e.reason) for e in store.events(delivery_id=did)]
    assert trail == [
        (None, S.DRAFT, "created"),
        (S.DRAFT, S.SCHEDULED, "scheduled"),
        (S.SCHEDULED, S.PUBLISHING, "claimed"),
        (S.PUBLISHING, S.PUBLISHED, "ok"),
    ]


def test_forbidden_transition_raises_and_changes_nothing(tmp_path: Path) -> None:
    store, did = make_store(tmp_path)
    with pytest.raises(InvalidTransition):
        store.transition(did, S.PUBLISHED, "skip ahead", now=NOW)
    assert store.get_delivery(did).state == S.DRAFT
    assert len(store.events(delivery_id=did)) == 1


def test_published_is_final(tmp_path: Path) -> None:
    store, did = make_store(tmp_path)
    for to in (S.SCHEDULED, S.PUBLISHING, S.PUBLISHED):
        store.transition(did, to, "step", now=NOW)
    with pytest.raises(InvalidTransition):
        store.transition(did, S.SCHEDULED, "again", now=NOW)


def test_delivery_events_are_append_only(tmp_path: Path) -> None:
    store, did = make_store(tmp_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE delivery_events SET reason = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM delivery_events")


def test_claims_from_two_threads_only_one_wins(tmp_path: Path) -> None:
    import threading

    store, did = make_store(tmp_path)
    store.transition(did, S.SCHEDULED, "scheduled", now=NOW, due_at=NOW)
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait()
        wins.append(store.transition(did, S.PUBLISHING, "claimed", now=NOW, expect={S.SCHEDULED}))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
