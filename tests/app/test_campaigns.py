"""Campaigns: key dates, pinned posts, placeholders in the post's language, key-date moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.errors import ValidationError
from app.models import DeliveryState as S
from app.placeholders import literal_mentions, long_date, render, unknown_placeholders
from app.timeutil import format_local, local_to_utc, parse_local
from tests.support.stubnet import StubNetwork, stub_factory

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
TZ = "Europe/Madrid"
OPENS = date(2027, 1, 18)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok-111")
    yield context
    context.close()


def test_long_dates_in_each_language() -> None:
    assert long_date(OPENS, "es") == "lunes 18 de enero"
    assert long_date(OPENS, "ca") == "dilluns 18 de gener"
    assert long_date(OPENS, "en") == "Monday 18 January"
    assert long_date(OPENS, "") == "Monday 18 January"


def test_placeholders_match_names_loosely_and_leave_others() -> None:
    dates = {"apertura_plazo": OPENS, "application window opens": date(2027, 2, 1)}
    text = "Abre el {apertura_plazo} ({Apertura plazo}); {application window opens}; {otro}"
    assert render(text, dates, "es") == (
        "Abre el lunes 18 de enero (lunes 18 de enero); lunes 1 de febrero; {otro}"
    )
    assert unknown_placeholders(text, dates) == ["otro"]


def test_literal_mentions_find_the_date_however_written() -> None:
    text = "El lunes 18 de enero (18/01/2027) se abre; {apertura_plazo}; el 19 de enero no."
    assert literal_mentions(text, OPENS) == ["lunes 18 de enero", "18/01/2027"]
    assert literal_mentions("Monday 18 January", OPENS) == ["Monday 18 January"]


def pinned(ctx: AppContext, kd_id: int, offset: int, hhmm: str, text: str, lang: str) -> int:
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(text=text, tz=TZ, account_ids=[acc.id])
    ctx.store.update_post(post.id, now=NOW, language=lang)
    ctx.campaigns.pin(post.id, kd_id, offset, hhmm)
    ctx.posts.schedule(post.id)
    return post.id


def test_changing_a_key_date_moves_every_pinned_post_with_preview_and_undo(
    ctx: AppContext,
) -> None:
    campaign = ctx.campaigns.create("Plan de Formación 2027")
    kd = ctx.campaigns.add_key_date(campaign.id, "apertura_plazo", OPENS)
    teaser = pinned(ctx, kd.id, -7, "10:00", "Se abre el {apertura_plazo}.", "es")
    same_day = pinned(ctx, kd.id, 0, "09:00", "S'obri el {apertura plazo}.", "ca")
    literal = pinned(ctx, kd.id, -1, "12:00", "Mañana, lunes 18 de enero, se abre.", "es")
    english = pinned(ctx, kd.id, 3, "18:30", "Opened on {apertura_plazo}.", "en")
    assert format_local(ctx.posts.get(teaser).due_at, TZ) == "2027-01-11 10:00"
    assert ctx.campaigns.rendered_text(ctx.posts.get(teaser)) == "Se abre el lunes 18 de enero."

    plan = ctx.campaigns.preview_key_date(kd.id, date(2027, 1, 25))
    assert plan.key_date is not None and plan.key_date.old == OPENS
    assert [(m.post_id, format_local(m.new_due, TZ)) for m in plan.moves] == [
        (teaser, "2027-01-18 10:00"),
        (literal, "2027-01-24 12:00"),
        (same_day, "2027-01-25 09:00"),
        (english, "2027-01-28 18:30"),
    ]
    assert ctx.campaigns.key_date(kd.id).date == OPENS  # preview only

    applied = ctx.reschedule.apply(plan)
    assert ctx.campaigns.key_date(kd.id).date == date(2027, 1, 25)
    texts = {pid: ctx.campaigns.rendered_text(ctx.posts.get(pid)) for pid in (teaser, same_day)}
    assert texts == {
        teaser: "Se abre el lunes 25 de enero.",
        same_day: "S'obri el dilluns 25 de gener.",
    }
    assert ctx.campaigns.rendered_text(ctx.posts.get(english)) == "Opened on Monday 25 January."
    for pid in (teaser, same_day, english):
        post = ctx.posts.get(pid)
        assert post.review_note == ""
        assert post.deliveries[0].state == S.SCHEDULED
        assert post.deliveries[0].due_at == post.due_at
    flagged = ctx.posts.get(literal)
    assert "lunes 18 de enero" in flagged.review_note
    assert (flagged.pin_offset_days, flagged.pin_time) == (-1, "12:00")

    ctx.reschedule.apply(ctx.reschedule.inverse(applied))
    assert ctx.campaigns.key_date(kd.id).date == OPENS
    assert format_local(ctx.posts.get(teaser).due_at, TZ) == "2027-01-11 10:00"
    assert ctx.posts.get(literal).review_note == ""


def test_moving_a_pinned_post_keeps_it_pinned_with_a_new_offset(ctx: AppContext) -> None:
    campaign = ctx.campaigns.create("Plan")
    kd = ctx.campaigns.add_key_date(campaign.id, "cierre", date(2027, 2, 1))
    post_id = pinned(ctx, kd.id, -2, "10:00", "Quedan dos días", "es")
    ctx.reschedule.apply(ctx.reschedule.by_days([post_id], 1))
    post = ctx.posts.get(post_id)
    assert (post.pin_offset_days, post.pin_time) == (-1, "10:00")


def test_publishing_sends_the_rendered_text(ctx: AppContext) -> None:
    campaign = ctx.campaigns.create("Plan")
    kd = ctx.campaigns.add_key_date(campaign.id, "apertura_plazo", OPENS)
    post_id = pinned(ctx, kd.id, -7, "10:00", "Se abre el {apertura_plazo}.", "es")
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance((local_to_utc(parse_local("2027-01-11 10:00"), TZ) - NOW).total_seconds())
    assert ctx.publishing.publish(ctx.posts.get(post_id).deliveries[0].id) == S.PUBLISHED
    assert StubNetwork.published[-1][1].text == "Se abre el lunes 18 de enero."


def test_campaign_and_key_date_names_are_checked(ctx: AppContext) -> None:
    campaign = ctx.campaigns.create("Plan")
    with pytest.raises(ValidationError):
        ctx.campaigns.create(" Plan ")
    with pytest.raises(ValidationError):
        ctx.campaigns.create("  ")
    ctx.campaigns.add_key_date(campaign.id, "cierre", date(2027, 2, 1))
    with pytest.raises(ValidationError):
        ctx.campaigns.add_key_date(campaign.id, "cierre", date(2027, 2, 2))
    with pytest.raises(ValidationError):
        ctx.campaigns.pin(1, campaign.key_dates[0].id if campaign.key_dates else 1, 0, "25:99")
