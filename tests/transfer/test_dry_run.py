"""The dry run: per-row results before anything is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.context import AppContext
from app.transfer import Action, ImportService, Status
from tests.conftest import SAMPLES
from tests.transfer.conftest import HOOTSUITE, NOW, TZ, options, write


def codes(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.code for r in row.reasons]


def post_count(ctx: AppContext) -> int:
    return len(ctx.posts.list())


def test_real_hootsuite_file_reports_the_duplicates(
    ctx: AppContext, service: ImportService
) -> None:
    plan = service.preview(HOOTSUITE, "hootsuite", options(ctx))
    first, second, third = plan.rows
    assert first.action == Action.CREATE and codes(first) == ["time_past"]
    assert first.status == Status.WARNING  # past, but it lands as a draft
    for dup in (second, third):
        assert dup.action == Action.SKIP and dup.duplicate_of == 1
        assert codes(dup) == ["duplicate_in_file"]
        assert "Same as row 1" in dup.reasons[0].message
    assert (first.local_time, first.weekday) == ("2018-12-05 11:00", "Wednesday")
    assert first.preview.startswith("The community would like") and first.preview.endswith("…")
    assert plan.counts() == {"ok": 0, "warning": 3, "error": 0, "create": 1, "skip": 2}
    assert post_count(ctx) == 0  # a dry run stores nothing


def test_past_rows_are_errors_when_scheduling(ctx: AppContext, service: ImportService) -> None:
    plan = service.preview(HOOTSUITE, "hootsuite", options(ctx, as_draft=False))
    assert plan.rows[0].status == Status.ERROR
    assert "2018-12-05 11:00 is in the past" in plan.rows[0].reasons[0].message


def test_weekdays_follow_the_language(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    from app import i18n

    path = write(tmp_path / "h.csv", "18/01/2027 09:00,Hola\n")
    i18n.set_language("es")
    try:
        row = service.preview(path, "hootsuite", options(ctx)).rows[0]
    finally:
        i18n.set_language("en")
    assert row.weekday == "lunes"


def test_over_length_empty_and_unknown_account(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    long = "x" * 63207
    path = write(
        tmp_path / "p.csv",
        "when,text,accounts\n"
        f"2027-01-18 09:00,{long},\n"
        "2027-01-18 10:00,Hola,Nadie\n"
        "2027-01-18 11:00,Hola a las dos,Empleo;Formación\n",
    )
    rows = service.preview(path, "pregonero", options(ctx)).rows
    assert codes(rows[0]) == ["text_too_long"]
    assert "at most 63206" in rows[0].reasons[0].message
    assert (
        codes(rows[1]) == ["unknown_account"] and "Empleo, Formación" in rows[1].reasons[0].message
    )
    assert rows[2].status == Status.OK and len(rows[2].account_ids) == 2


def test_bad_media_is_reported_per_photo(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    media = SAMPLES / "media"
    path = write(
        tmp_path / "p.csv",
        "when,text,media_1,alt_1,media_2\n"
        f"2027-01-18 09:00,Bien,{media / 'feria-empleo-1920x1080.png'},Feria,\n"
        f"2027-01-18 10:00,Rota,{media / 'truncado.jpg'},,{media / 'vacio.jpg'}\n"
        "2027-01-18 11:00,No está,no-existe.jpg,,\n",
    )
    rows = service.preview(path, "pregonero", options(ctx)).rows
    assert rows[0].status == Status.OK and rows[0].media == ["feria-empleo-1920x1080.png"]
    assert rows[0].resolved_media[0].width == 1920
    assert codes(rows[1]) == ["bad_media", "bad_media"]
    assert "truncado.jpg is damaged" in rows[1].reasons[0].message
    assert "empty (0 bytes)" in rows[1].reasons[1].message
    assert "does not exist" in rows[2].reasons[0].message
    assert str(tmp_path / "no-existe.jpg") in rows[2].reasons[0].message  # relative to file


def test_dst_skipped_and_repeated_times(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    path = write(tmp_path / "h.csv", "28/03/2027 02:30,Primavera\n31/10/2027 02:30,Otoño\n")
    spring, autumn = service.preview(path, "hootsuite", options(ctx)).rows
    assert codes(spring) == ["time_skipped_by_dst"]
    assert "next valid time is 2027-03-28 03:00" in spring.reasons[0].message
    assert codes(autumn) == ["time_repeated_by_dst"]
    assert "02:30 CEST (UTC+0200)" in autumn.reasons[0].message
    assert "02:30 CET (UTC+0100)" in autumn.reasons[0].message
    second = service.preview(path, "hootsuite", options(ctx, dst_fold=1)).rows[1]
    assert second.status == Status.WARNING and second.due_at == datetime(
        2027, 10, 31, 1, 30, tzinfo=UTC
    )


def test_rows_without_time_get_distinct_free_slots(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    ctx.posts.create_scheduled(
        text="Ya estaba",
        link=None,
        media=[],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=datetime(2026, 12, 1, 11, 30, tzinfo=UTC),
        tz=TZ,
    )
    path = write(
        tmp_path / "b.csv",
        "\ufeffText,Image URL,Tags,Posting Time\n"
        "Uno,,,\nDos,,,\nTres,,,12/2/2026 9:30\nCuatro,,,\n",
    )
    rows = service.preview(path, "buffer", options(ctx)).rows
    # Now is 10:00 in Madrid: 12:30 is taken by "Ya estaba", 9:30 next day by row "Tres".
    assert [r.local_time for r in rows] == [
        "2026-12-01 17:30",
        "2026-12-02 12:30",
        "2026-12-02 09:30",
        "2026-12-02 17:30",
    ]
    assert all("next free slot" in r.reasons[0].message for r in (rows[0], rows[1], rows[3]))


def test_duplicate_against_the_store(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    post = ctx.posts.create_scheduled(
        text="Feria de empleo",
        link=None,
        media=[],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=datetime(2027, 4, 12, 8, 0, tzinfo=UTC),
        tz=TZ,
    )
    path = write(tmp_path / "h.csv", "2027-04-12 10:00,Feria de empleo\n")
    row = service.preview(path, "hootsuite", options(ctx)).rows[0]
    assert codes(row) == ["duplicate_in_store"] and f"post #{post.id}" in row.reasons[0].message
    other = service.preview(path, "hootsuite", options(ctx, "Formación")).rows[0]
    assert other.status == Status.OK  # the other account has no such post


def test_sample_json_skips_posts_for_other_networks(
    ctx: AppContext, service: ImportService
) -> None:
    plan = service.preview(SAMPLES / "posts.json", "pregonero", options(ctx), language="es")
    by_ref = {r.source.ref: r for r in plan.rows}
    assert by_ref["dst-spring"].action == Action.SKIP
    assert "Meant for x only" in by_ref["dst-spring"].reasons[0].message
    teaser = by_ref["pf-teaser"]
    assert teaser.status == Status.OK and teaser.pin is not None
    assert (teaser.pin.key_date, teaser.pin.offset_days, teaser.pin.time) == (
        "apertura_plazo",
        -7,
        "10:00",
    )
    assert codes(by_ref["pf-last-day"]) == ["bad_media"]  # a video is not an image
    assert any("will be created" in n for n in plan.notes)


def test_key_date_pins(ctx: AppContext, service: ImportService, tmp_path: Path) -> None:
    campaign = ctx.store.add_campaign("Plan", NOW)
    ctx.store.set_key_date(campaign.id, "apertura", datetime(2027, 1, 18).date())
    path = write(
        tmp_path / "p.csv",
        "when,text,campaign,key_date,offset_days,pin_time,key_date_on\n"
        ",Víspera,Plan,apertura,-1,19:00,\n"
        "2027-01-12 10:00,Mal día,Plan,apertura,-7,,\n"
        ",Otra fecha,Plan,apertura,0,09:00,2027-01-19\n"
        ",Sin fecha,Plan,cierre,0,09:00,\n",
    )
    eve, wrong, moved, unknown = service.preview(path, "pregonero", options(ctx)).rows
    assert eve.status == Status.OK and eve.local_time == "2027-01-17 19:00"
    assert codes(wrong) == ["pin_mismatch"] and "that is 2027-01-11" in wrong.reasons[0].message
    assert codes(moved) == ["key_date_differs"]
    assert codes(unknown) == ["unknown_key_date"]


def test_careful_checks_run_on_each_row(
    ctx: AppContext, service: ImportService, tmp_path: Path
) -> None:
    # 18 January 2027 is a Monday: the text says Tuesday.
    path = write(tmp_path / "h.csv", "15/01/2027 10:00,El martes 18 de enero abre el plazo\n")
    draft = service.preview(path, "hootsuite", options(ctx)).rows[0]
    assert draft.status == Status.WARNING and draft.reasons
    scheduled = service.preview(path, "hootsuite", options(ctx, as_draft=False)).rows[0]
    assert any(r.severity.value == "error" for r in scheduled.reasons)
