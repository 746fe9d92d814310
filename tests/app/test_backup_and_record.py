"""Backups (made while publishing goes on), restore, and the exported record."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.backup import list_backups, make_backup, restore_backup
from app.cli import main
from app.context import AppContext
from app.errors import StorageError
from app.record import export_record
from tests.support.stubnet import StubNetwork, stub_factory


def ctx_with_post(path: Path, text: str) -> tuple[AppContext, int]:
    StubNetwork.reset()
    ctx = AppContext(path, client_factory=stub_factory)
    if ctx.store.find_account(name="Empleo") is None:
        ctx.accounts.connect("facebook", name="Empleo", remote_id="111", token="t")
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[acc.id],
        when=datetime.now(UTC) + timedelta(hours=1),
        tz="Europe/Madrid",
    )
    return ctx, post.id


def test_backup_keeps_last_n_and_restore_round_trips(tmp_path: Path) -> None:
    db = tmp_path / "pregonero.sqlite3"
    ctx, first = ctx_with_post(db, "antes")
    base = datetime(2027, 1, 1, 9, 0)
    for day in range(5):
        make_backup(db, base + timedelta(days=day), keep=3)
    assert len(list_backups(db)) == 3
    good = list_backups(db)[0]
    ctx.posts.create_scheduled(
        text="después",
        link=None,
        media=[],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=datetime.now(UTC) + timedelta(hours=2),
        tz="Europe/Madrid",
    )
    assert len(ctx.posts.list()) == 2
    saved = restore_backup(db, good, datetime(2027, 2, 1, 9, 0))
    # The open context sees the restored data at once (same file, online restore).
    assert [p.text for p in ctx.posts.list()] == ["antes"]
    assert saved.exists() and "before-restore" in saved.name
    assert len(AppContext(saved, client_factory=stub_factory).posts.list()) == 2
    ctx.close()


def test_restore_refuses_a_bad_file_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "pregonero.sqlite3"
    ctx, _ = ctx_with_post(db, "intacto")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 200)
    with pytest.raises(StorageError, match="not a Pregonero database"):
        restore_backup(db, junk, datetime(2027, 1, 1))
    newer = tmp_path / "newer.sqlite3"
    make_backup(db, datetime(2027, 1, 1)).replace(newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError, match="newer version"):
        restore_backup(db, newer, datetime(2027, 1, 1))
    assert [p.text for p in ctx.posts.list()] == ["intacto"]
    ctx.close()


def test_record_export_csv_and_json(tmp_path: Path) -> None:
    ctx, post_id = ctx_with_post(tmp_path / "p.sqlite3", "Bando: cierre de oficinas")
    count = export_record(ctx.store, tmp_path / "r.csv", "csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert count == len(rows) == 2
    assert [r["to_state"] for r in rows] == ["draft", "scheduled"]
    assert rows[0]["post_text"] == "Bando: cierre de oficinas" and rows[0]["account"] == "Empleo"
    export_record(ctx.store, tmp_path / "r.json", "json", post_id)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))[1]["reason"].startswith(
        "scheduled for"
    )
    ctx.close()


def test_cli_backup_restore_history(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    from app import paths

    ctx, _ = ctx_with_post(paths.db_path(), "copia")
    assert main(["backup"]) == 0
    backup = Path(capsys.readouterr().out.strip())
    assert backup.exists()
    assert main(["restore", str(backup)]) == 0
    assert "Restored" in capsys.readouterr().out
    out = isolated_home / "record.csv"
    assert main(["history", "-o", str(out)]) == 0
    assert "copia" in out.read_text(encoding="utf-8-sig")
    ctx.close()


def test_restoring_an_older_backup_never_publishes_twice(tmp_path: Path) -> None:
    from app.models import DeliveryState as S

    db = tmp_path / "pregonero.sqlite3"
    ctx, post_id = ctx_with_post(db, "Feria de empleo")
    delivery = ctx.posts.get(post_id).deliveries[0]
    backup = make_backup(db, datetime(2027, 1, 1, 9, 0))  # taken while still scheduled
    now = datetime.now(UTC)
    ctx.store.transition(delivery.id, S.PUBLISHING, "claimed", now=now, claimed_at=now)
    ctx.store.transition(
        delivery.id, S.PUBLISHED, "published", now=now, remote_id="111_9", permalink="https://p"
    )
    restore_backup(db, backup, datetime(2027, 1, 2, 9, 0))
    kept = ctx.store.get_delivery(delivery.id)
    assert (kept.state, kept.remote_id, kept.permalink) == (S.PUBLISHED, "111_9", "https://p")
    assert ctx.store.events(delivery_id=delivery.id)[-1].reason == "kept through a backup restore"
    assert ctx.publishing.due(now + timedelta(days=1)) == []
    ctx.close()
