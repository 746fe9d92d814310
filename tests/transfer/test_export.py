"""Export: iCalendar read back by the icalendar library, history CSV, and round trips."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.models import Post
from app.transfer import ExportFilter, ExportService, ImportService
from app.transfer.ics import fold
from tests.support.stubnet import stub_factory
from tests.transfer.conftest import NOW, TZ, options

LONG = (
    "📣 Ya está aquí la programación de #FormaciónParaElEmpleo 2027: 850 cursos para más "
    "de 12.000 personas; el plazo, \\ con barra, se abre el lunes.\nSegunda línea."
)


def add(
    ctx: AppContext,
    text: str,
    when: datetime,
    *accounts: str,
    link: str | None = None,
    campaign: int | None = None,
) -> Post:
    ids = [ctx.accounts.by_name(a).id for a in (accounts or ("Empleo",))]
    post = ctx.posts.create_scheduled(
        text=text, link=link, media=[], account_ids=ids, when=when, tz=TZ
    )
    if campaign is not None:
        ctx.store.update_post(post.id, now=NOW, campaign_id=campaign)
    return ctx.posts.get(post.id)


def publish(ctx: AppContext, post: Post) -> None:
    for n, d in enumerate(post.deliveries, start=1):
        ctx.store.transition(d.id, S.PUBLISHING, "claimed", now=NOW, claimed_at=NOW)
        ctx.store.transition(
            d.id,
            S.PUBLISHED,
            "published",
            now=NOW,
            published_at=NOW,
            remote_id=f"111_{post.id}{n}",
            permalink=f"https://facebook.test/111_{post.id}{n}",
        )


@pytest.fixture
def planned(ctx: AppContext) -> list[Post]:
    campaign = ctx.store.add_campaign("Plan de Formación 2027", NOW)
    posts = [
        add(
            ctx,
            LONG,
            datetime(2027, 1, 11, 9, 0, tzinfo=UTC),
            "Empleo",
            "Formación",
            link="https://empleo.example.es/cursos2027",
            campaign=campaign.id,
        ),
        add(ctx, "Solo para formación", datetime(2027, 1, 12, 9, 0, tzinfo=UTC), "Formación"),
        add(ctx, "Ya publicado", NOW + timedelta(hours=1), "Empleo"),
    ]
    publish(ctx, posts[2])
    return [ctx.posts.get(p.id) for p in posts]


def events(data: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def test_ics_is_valid_and_complete(ctx: AppContext, planned: list[Post]) -> None:
    service = ExportService.from_context(ctx)
    result = service.ics(ExportFilter(tz=TZ), name="Pregonero · Empleo")
    assert result.count == 3
    assert all(len(line) <= 75 for line in result.data.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(result.data)
    assert str(cal["X-WR-CALNAME"]) == "Pregonero · Empleo"
    found = {str(e["UID"]): e for e in events(result.data)}
    first = found[f"post-{planned[0].id}-{int(planned[0].created_at.timestamp())}@pregonero"]
    assert first.decoded("DTSTART") == datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    assert first.decoded("DTEND") - first.decoded("DTSTART") == timedelta(minutes=15)
    assert str(first["SUMMARY"]).startswith("📣 Ya está aquí") and str(first["SUMMARY"]).endswith(
        "…"
    )
    description = str(first["DESCRIPTION"])
    assert description.startswith(LONG)  # every character back, commas and backslash too
    assert "Empleo (Facebook): Scheduled" in description
    assert "Formación (Facebook): Scheduled" in description
    assert "Link: https://empleo.example.es/cursos2027" in description
    assert "Campaign: Plan de Formación 2027" in description
    assert first["CATEGORIES"].cats == ["Plan de Formación 2027"]
    done = next(e for e in found.values() if str(e["SUMMARY"]) == "Ya publicado")
    assert str(done["URL"]).startswith("https://facebook.test/111_")
    assert str(done["URL"]) in str(done["DESCRIPTION"])
    # The same export again: same UIDs (a subscribed calendar updates, not duplicates).
    again = {str(e["UID"]) for e in events(service.ics(ExportFilter(tz=TZ)).data)}
    assert again == set(found)


def test_ics_filters(ctx: AppContext, planned: list[Post]) -> None:
    service = ExportService.from_context(ctx)
    empleo = ctx.accounts.by_name("Empleo").id
    campaign = ctx.store.find_campaign("Plan de Formación 2027")
    assert campaign is not None

    def summaries(flt: ExportFilter) -> list[str]:
        return [str(e["SUMMARY"]) for e in events(service.ics(flt).data)]

    assert summaries(ExportFilter(account_id=empleo, tz=TZ)) == [
        "Ya publicado",
        str(summaries(ExportFilter(tz=TZ))[1]),
    ]
    assert summaries(ExportFilter(campaign_id=campaign.id, tz=TZ))[0].startswith("📣")
    assert summaries(ExportFilter(start=date(2027, 1, 12), end=date(2027, 1, 12), tz=TZ)) == [
        "Solo para formación"
    ]
    # The dates are days in the filter's zone: in Kiritimati (UTC+14) the first post is
    # on the 11th at 23:00 and the second on the 12th at 23:00.
    assert summaries(ExportFilter(start=date(2027, 1, 12), tz="Pacific/Kiritimati")) == [
        "Solo para formación"
    ]


def test_fold_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "ñ" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_history_csv_with_permalinks(ctx: AppContext, planned: list[Post]) -> None:
    result = ExportService.from_context(ctx).history_csv(ExportFilter(tz=TZ))
    assert result.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.data.decode("utf-8-sig"))))
    assert result.count == len(rows) == 1
    assert rows[0]["account"] == "Empleo" and rows[0]["text"] == "Ya publicado"
    assert rows[0]["permalink"].startswith("https://facebook.test/111_")
    assert rows[0]["published_local"] == "2026-12-01 10:00"
    assert rows[0]["published_at"] == "2026-12-01T09:00:00+00:00"


def fresh(tmp_path: Path, name: str) -> AppContext:
    other = AppContext(
        tmp_path / f"{name}.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory
    )
    other.accounts.connect("facebook", name="Colega", remote_id="999", token="t")
    return other


@pytest.mark.parametrize("fmt", ["hootsuite", "buffer"])
def test_round_trip_export_then_import(
    ctx: AppContext, planned: list[Post], tmp_path: Path, fmt: str
) -> None:
    service = ExportService.from_context(ctx)
    flt = ExportFilter(tz=TZ)
    result = service.hootsuite(flt, date_order="dmy") if fmt == "hootsuite" else service.buffer(flt)
    assert result.count == 2  # the published post is not handed over
    path = tmp_path / f"export-{fmt}.csv"
    path.write_bytes(result.data)
    other = fresh(tmp_path, fmt)
    try:
        importer = ImportService.from_context(other)
        plan = importer.preview(path, fmt, options(other, "Colega", as_draft=False))
        # 11/01/2027 and 12/01/2027 read both ways: the dry run asks to confirm the order.
        allowed = {"date_order_ambiguous"} if fmt == "hootsuite" else set()
        assert all({r.code for r in row.reasons} <= allowed for row in plan.rows)
        assert len(plan.to_create) == 2
        importer.commit(plan)
        back = other.posts.list()
        assert [p.due_at for p in back] == [p.due_at for p in planned[:2]]
        if fmt == "hootsuite":
            assert [(p.text, p.link) for p in back] == [(p.text, p.link) for p in planned[:2]]
        else:  # Buffer has no link column: the link goes at the end of the text
            assert back[0].text == planned[0].text + "\n" + str(planned[0].link)
            assert back[1].text == planned[1].text
        # Importing the same export again adds nothing.
        assert importer.commit(importer.preview(path, fmt, options(other, "Colega"))).post_ids == ()
    finally:
        other.close()


def test_exports_warn_about_photos(ctx: AppContext, samples: Path) -> None:
    ctx.posts.create_scheduled(
        text="Con foto",
        link=None,
        media=[(samples / "media" / "feria-empleo-1920x1080.png", "Feria")],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=datetime(2027, 1, 11, 9, 0, tzinfo=UTC),
        tz=TZ,
    )
    result = ExportService.from_context(ctx).buffer(ExportFilter(tz=TZ))
    assert result.count == 1 and "public image addresses" in result.warnings[0]
