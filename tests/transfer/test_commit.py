"""Commit: all or nothing, drafts or scheduled, media copied or downloaded, no duplicates."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.context import AppContext
from app.errors import StorageError, ValidationError
from app.models import DeliveryState
from app.transfer import ImportService, Status
from app.transfer.fetch import MediaFetcher
from tests.conftest import SAMPLES
from tests.transfer.conftest import HOOTSUITE, TZ, options, write

FERIA = SAMPLES / "media" / "feria-empleo-1920x1080.png"


def plan_file(tmp_path: Path, rows: int = 3, *, photo: Path | None = None) -> Path:
    lines = ["when,text,media_1,alt_1"]
    for i in range(rows):
        media = f"{photo},Foto {i}" if photo else ","
        lines.append(f"2027-01-{18 + i} 09:00,Aviso número {i},{media}")
    return write(tmp_path / "plan.csv", "\n".join(lines) + "\n")


def local_session() -> requests.Session:
    """A session that ignores any proxy settings: the server is on 127.0.0.1."""
    session = requests.Session()
    session.trust_env = False
    return session


def media_files(ctx: AppContext) -> list[Path]:
    """Pregonero's copies of attached photos (the media folder next to the database)."""
    return sorted(ctx.store.media_dir.iterdir())


def test_commit_as_drafts_and_as_scheduled(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    calls: list[int] = []
    ctx.on_schedule_changed(lambda: calls.append(1))
    both = options(ctx, "Empleo", "Formación", as_draft=False)
    outcome = service.commit(service.preview(plan_file(tmp_path, photo=FERIA), "pregonero", both))
    assert len(outcome.post_ids) == 3 and outcome.scheduled and calls == [1]
    post = ctx.posts.get(outcome.post_ids[0])
    assert post.text == "Aviso número 0" and post.tz == TZ and post.import_key
    assert post.due_at == datetime(2027, 1, 18, 8, 0, tzinfo=UTC)
    assert [d.state for d in post.deliveries] == [DeliveryState.SCHEDULED] * 2
    assert all(d.due_at == post.due_at for d in post.deliveries)
    assert post.media[0].alt_text == "Foto 0" and post.media[0].width == 1920
    assert Path(post.media[0].path).parent == ctx.store.media_dir
    events = ctx.store.events(post_id=post.id)
    assert [(e.from_state, e.to_state) for e in events][:2] == [
        (None, DeliveryState.DRAFT),
        (DeliveryState.DRAFT, DeliveryState.SCHEDULED),
    ]
    assert events[0].detail == "imported from plan.csv, row 2"
    assert ctx.store.next_due_at() == post.due_at

    drafts = service.commit(service.preview(HOOTSUITE, "hootsuite", options(ctx)))
    post = ctx.posts.get(drafts.post_ids[0])
    assert not drafts.scheduled and drafts.skipped == 2
    assert post.deliveries[0].state == DeliveryState.DRAFT and post.deliveries[0].due_at is None
    assert post.due_at == datetime(2018, 12, 5, 10, 0, tzinfo=UTC)  # the time is kept


def test_reimport_does_not_duplicate(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    path = plan_file(tmp_path, photo=FERIA)
    first = service.commit(service.preview(path, "pregonero", options(ctx)))
    assert len(first.post_ids) == 3
    files = media_files(ctx)
    again = service.preview(path, "pregonero", options(ctx))
    assert [r.existing_post_id for r in again.rows] == list(first.post_ids)
    assert all("Already imported" in r.reasons[0].message for r in again.rows)
    second = service.commit(again)
    assert second.post_ids == () and second.skipped == 3
    assert len(ctx.posts.list()) == 3 and media_files(ctx) == files
    # Other accounts make other posts: the key includes the targets.
    third = service.commit(service.preview(path, "pregonero", options(ctx, "Formación")))
    assert len(third.post_ids) == 3


def test_errors_refuse_the_commit_unless_skipped(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "h.csv", "2027-01-18 09:00,Bien\nmañana,Mal\n2027-01-19 09:00,Bien también\n"
    )
    plan = service.preview(path, "hootsuite", options(ctx))
    with pytest.raises(ValidationError) as info:
        service.commit(plan)
    assert "1 row has errors; nothing was imported" in str(info.value)
    assert "Row 2: Cannot read the date “mañana”" in str(info.value)
    assert ctx.posts.list() == []
    outcome = service.commit(plan, skip_errors=True)
    assert len(outcome.post_ids) == 2 and outcome.refused == 1


def test_a_failure_mid_commit_leaves_nothing(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    """The database refuses the third post: no post, delivery, campaign or photo remains."""
    ctx.store.db.conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON posts WHEN NEW.text = 'Aviso número 2' "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    story = SAMPLES / "media" / "story-1080x1920.jpg"
    text = (
        "when,text,campaign,media_1,alt_1\n"
        f"2027-01-18 09:00,Aviso número 0,Nueva,{FERIA},Feria\n"
        f"2027-01-19 09:00,Aviso número 1,Nueva,{story},Historia\n"
        "2027-01-20 09:00,Aviso número 2,Nueva,,\n"
    )
    plan = service.preview(
        write(tmp_path / "p.csv", text), "pregonero", options(ctx, as_draft=False)
    )
    assert [r.status for r in plan.rows] == [Status.OK] * 3
    with pytest.raises(StorageError, match="nothing was stored.*disk on fire"):
        service.commit(plan)
    db = ctx.store.db
    for table in ("posts", "media", "deliveries", "delivery_events", "campaigns"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert media_files(ctx) == []
    assert ctx.store.next_due_at() is None


def test_time_passing_between_dry_run_and_commit(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    path = write(tmp_path / "h.csv", "2026-12-01 10:30,Pronto\n")
    plan = service.preview(path, "hootsuite", options(ctx, as_draft=False))
    assert plan.rows[0].status == Status.OK
    ctx.clock.advance(3600)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="now in the past"):
        service.commit(plan)
    assert ctx.posts.list() == []


def test_media_downloaded_from_a_local_server(
    ctx: AppContext, tmp_path: Path, http_root: tuple[str, Path]
) -> None:
    base, root = http_root
    shutil.copy(FERIA, root / "feria.png")
    (root / "roto.jpg").write_bytes((SAMPLES / "media" / "truncado.jpg").read_bytes())
    fetcher = MediaFetcher(
        tmp_path / "cache", max_bytes=1024 * 1024, read_timeout=5, session=local_session()
    )
    service = ImportService(
        ctx.store, ctx.clock, ctx.listeners, ctx.schedule_changed, fetcher=fetcher
    )
    text = (
        "\ufeffText,Image URL,Tags,Posting Time\n"
        f"Con foto,{base}/feria.png,,1/18/2027 9:00\n"
        f"Rota,{base}/roto.jpg,,1/18/2027 10:00\n"
        f"No existe,{base}/nada.png,,1/18/2027 11:00\n"
        f"Sin fin,{base}/endless,,1/18/2027 12:00\n"
    )
    path = write(tmp_path / "b.csv", text)
    plan = service.preview(path, "buffer", options(ctx))
    ok, broken, missing, endless = plan.rows
    assert ok.media == ["feria.png"] and ok.resolved_media[0].width == 1920
    assert [r.code for r in ok.reasons] == ["media_alt_missing"]  # Buffer has no alt text
    assert "roto.jpg is damaged" in broken.reasons[0].message
    assert "the server answered 404" in missing.reasons[0].message
    assert "larger than 1 MB" in endless.reasons[0].message
    outcome = service.commit(plan, skip_errors=True)
    post = ctx.posts.get(outcome.post_ids[0])
    assert post.media[0].original_name == "feria.png"
    assert Path(post.media[0].path).read_bytes() == FERIA.read_bytes()


def test_media_not_fetched_in_the_dry_run_is_fetched_at_commit(
    ctx: AppContext, tmp_path: Path, http_root: tuple[str, Path]
) -> None:
    base, root = http_root
    shutil.copy(FERIA, root / "feria.png")
    service = ImportService(
        ctx.store,
        ctx.clock,
        ctx.listeners,
        ctx.schedule_changed,
        fetcher=MediaFetcher(tmp_path / "cache", session=local_session()),
    )
    path = write(
        tmp_path / "b.csv",
        "Text,Image URL,Tags,Posting Time\n"
        f"Con foto,{base}/feria.png,,1/18/2027 9:00\n"
        f"Sin foto,{base}/nada.png,,1/18/2027 10:00\n",
    )
    plan = service.preview(path, "buffer", options(ctx, fetch_media=False))
    assert [r.reasons[0].code for r in plan.rows] == ["media_not_checked"] * 2
    with pytest.raises(ValidationError, match="Row 3: Could not download"):
        service.commit(plan)
    assert ctx.posts.list() == [] and media_files(ctx) == []


def test_campaigns_and_key_dates_are_created(ctx: AppContext, service: ImportService) -> None:
    plan = service.preview(SAMPLES / "posts.json", "pregonero", options(ctx), language="es")
    outcome = service.commit(plan, skip_errors=True)
    campaign = ctx.store.find_campaign("Plan de Formación 2027")
    assert campaign is not None
    assert {k.name: k.date.isoformat() for k in campaign.key_dates} == {
        "apertura_plazo": "2027-01-18",
        "cierre_plazo": "2027-02-01",
    }
    pinned = [ctx.posts.get(i) for i in outcome.post_ids if ctx.posts.get(i).pin_key_date_id]
    assert len(pinned) == 4
    teaser = next(p for p in pinned if p.text.startswith("📣"))
    assert (teaser.pin_offset_days, teaser.pin_time, teaser.language) == (-7, "10:00", "es")
    assert teaser.campaign_id == campaign.id
    assert teaser.media[0].alt_text.startswith("Cartel azul")
