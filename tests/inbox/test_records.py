"""Retention purges exactly what it should; the records CSV; saved replies; the summary."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest

from app.context import AppContext
from app.errors import ValidationError
from app.i18n import set_language
from app.inbox.summary import summary_line
from app.inbox.templates import fields_in, fill
from app.settings import INBOX_LINK, INBOX_RETENTION_DAYS
from app.storage.inbox import CommentFilter
from tests.inbox.conftest import NOW
from tests.support.commentstub import CommentStub, add_account


def setup(ctx: AppContext) -> list[int]:
    add_account(ctx, name="Empleo")
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 4)
    ctx.inbox.collect()
    return [c.id for c in ctx.inbox.comments()]


def test_retention_purges_exactly_what_it_should(ctx: AppContext, tmp_path: Path) -> None:
    old_answered, old_handled, recent_handled, still_open = setup(ctx)
    ctx.inbox.reply(old_answered, "Gracias", actor="ana")
    ctx.inbox.mark_handled([old_handled], "spam", actor="ana")
    ctx.clock.advance(60 * 86400)  # type: ignore[attr-defined]
    ctx.inbox.mark_handled([recent_handled], "insult", actor="luis")
    ctx.clock.advance(31 * 86400)  # type: ignore[attr-defined] # 91 days after the first two
    with pytest.raises(ValidationError) as err:
        ctx.inbox.purge()
    assert err.value.problems[0].code == "not_exported"
    assert ctx.inbox.export_csv(tmp_path / "r.csv") == 4
    assert ctx.inbox.purge() == 2
    after = {c.id: c for c in ctx.inbox.comments(CommentFilter(include_purged=True))}
    for cid in (old_answered, old_handled):
        gone = after[cid]
        assert gone.purged_at is not None
        assert (gone.author_name, gone.text, gone.reply_text, gone.permalink) == ("", "", "", "")
    for cid in (recent_handled, still_open):
        assert after[cid].purged_at is None and after[cid].author_name
    assert ctx.inbox.purge() == 0
    # Collecting again never brings a purged comment back.
    ctx.inbox.store.save_cursor(1, now=ctx.clock.now(), cursor=None, complete=False)
    ctx.inbox.collect()
    assert len(ctx.inbox.comments(CommentFilter(include_purged=True))) == 4
    assert ctx.inbox.get(old_answered).author_name == ""
    assert ctx.inbox.events(old_answered)[-1].action == "purged"


def test_purge_without_export_when_told_and_retention_setting(ctx: AppContext) -> None:
    first, second, *_ = setup(ctx)
    ctx.inbox.mark_handled([first], "spam")
    ctx.clock.advance(10 * 86400)  # type: ignore[attr-defined]
    ctx.inbox.mark_handled([second], "spam")
    ctx.settings.set(INBOX_RETENTION_DAYS, "5")
    assert ctx.inbox.purge_plan().ids == (first,)
    assert ctx.inbox.purge(force=True) == 1


def test_export_csv_has_comments_replies_and_who_handled(ctx: AppContext, tmp_path: Path) -> None:
    first, second, *_ = setup(ctx)
    ctx.inbox.reply(first, "¡Gracias, Núria!", actor="ana")
    ctx.inbox.mark_handled([second], "private_message", note="DM sent", actor="luis")
    path = tmp_path / "records.csv"
    ctx.inbox.export_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 4
    by_id = {r["Comment id"]: r for r in rows}
    r1 = by_id["p1_c1"]
    assert (r1["Our reply"], r1["Handled by"]) == ("¡Gracias, Núria!", "ana")
    assert r1["State"] == "Answered"
    assert r1["Network"] == "facebook" and r1["Account"] == "Empleo"
    r2 = by_id["p1_c2"]
    assert (r2["Reason"], r2["Note"]) == ("Moved to a private message", "DM sent")
    assert r2["Handled by"] == "luis"
    assert r2["Author"] == "Citizen 2" and r2["Written at"].startswith("2026-11-01T09:02")


def test_saved_replies_in_three_languages_with_fields(ctx: AppContext) -> None:
    first, *_ = setup(ctx)
    replies = ctx.inbox.saved_replies()
    assert {r.language for r in replies} == {"es", "ca", "en"}
    ctx.settings.set(INBOX_LINK, "https://labora.example/cursos")
    comment = ctx.inbox.get(first)
    es = next(r for r in ctx.inbox.saved_replies("es") if r.name == "Más información")
    text, missing = ctx.inbox.fill_reply(es.text, comment)
    assert text.startswith("Hola, Citizen 1. Tienes toda la información en https://labora")
    assert missing == []
    ca = ctx.inbox.save_reply("Horari", "ca", "Bon dia {first_name}, obrim a les 9. {firma}")
    text, missing = ctx.inbox.fill_reply(
        next(r.text for r in ctx.inbox.saved_replies("ca") if r.id == ca), comment
    )
    assert text == "Bon dia Citizen, obrim a les 9. {firma}" and missing == ["firma"]
    with pytest.raises(ValidationError):
        ctx.inbox.save_reply("Horari", "ca", "again")
    with pytest.raises(ValidationError):
        ctx.inbox.save_reply("Sin idioma", "fr", "x")
    ctx.inbox.delete_reply(ca)
    assert all(r.id != ca for r in ctx.inbox.saved_replies())


def test_fill_and_fields() -> None:
    assert fill("Hi {name}, see {link}", {"name": "Ana", "link": ""}) == (
        "Hi Ana, see {link}",
        ["link"],
    )
    assert fields_in("{a} {b} {a}") == ["a", "b"]


def test_summary_line_in_the_users_language() -> None:
    oldest = NOW - timedelta(days=2, hours=1)
    assert summary_line(0, None, NOW) == "No open comments"
    assert summary_line(5, oldest, NOW) == "5 open comments, the oldest from 2 days ago"
    assert summary_line(1, NOW - timedelta(minutes=3), NOW) == (
        "1 open comment, the oldest from 3 minutes ago"
    )
    set_language("es")
    try:
        assert "hace 2 días" in summary_line(5, oldest, NOW)
    finally:
        set_language("en")


def test_service_summary(ctx: AppContext) -> None:
    setup(ctx)
    assert ctx.inbox.summary() == "4 open comments, the oldest from 3 weeks ago"


def test_csv_cells_from_citizens_never_run_as_formulas(ctx: AppContext, tmp_path: Path) -> None:
    add_account(ctx, name="Empleo")
    CommentStub.recent = ["p1"]
    [c] = CommentStub.add("p1", 1)
    CommentStub.threads["p1"][0] = c.__class__(
        **{**c.__dict__, "text": '=HYPERLINK("http://evil.example","x")', "author_name": "@troll"}
    )
    ctx.inbox.collect()
    path = tmp_path / "r.csv"
    ctx.inbox.export_csv(path)
    row = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))[0]
    assert row["Comment"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Author"] == "'@troll"


def test_daily_summary_purges_what_was_exported_and_lists_what_is_open(
    ctx: AppContext, tmp_path: Path
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    first, second, third, _fourth = setup(ctx)
    ctx.inbox.mark_handled([first], "spam")
    ctx.inbox.export_csv(tmp_path / "r.csv")
    ctx.clock.advance(60)  # type: ignore[attr-defined]
    ctx.inbox.mark_handled([second], "spam")  # closed after the export: not in it as closed
    ctx.clock.advance(91 * 86400)  # type: ignore[attr-defined]
    text = ctx.inbox.daily_summary(datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("UTC")), 9)
    assert text is not None
    lines = text.splitlines()
    assert lines[0].startswith("2 open comments")
    assert lines[1] == "Citizen 3 on Empleo: “Comment number 3”"
    assert "1 closed comment is past the retention period" in lines[-1]
    assert ctx.inbox.get(first).purged_at is not None
    assert ctx.inbox.get(second).purged_at is None
    assert ctx.inbox.get(third).author_name == "Citizen 3"
