"""Careful publishing in the core: check errors block scheduling unless overridden with a
reason (recorded and logged), the checks run again just before publishing, crisis pause."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.errors import ValidationError
from app.models import DeliveryState as S
from app.models import Post
from app.services.checking import CheckErrors
from app.services.pause import Decision
from app.settings import COOLING_OFF_MINUTES
from app.timewords import time_in_words
from tests.support.stubnet import StubNetwork, stub_factory

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # Sunday 10 January 2027, 10:00 in Madrid
WRONG_WEEKDAY = "El lunes 12 de enero de 2027 abre el plazo de inscripción."
DEADLINE = "Plazo abierto hasta el lunes 11 de enero de 2027."


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok-111")
    yield context
    context.close()


def draft(ctx: AppContext, text: str, minutes: int = 60) -> Post:
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[acc.id])
    ctx.posts.set_time(post.id, NOW + timedelta(minutes=minutes), "Europe/Madrid")
    return ctx.posts.get(post.id)


def clock(ctx: AppContext) -> FixedClock:
    assert isinstance(ctx.clock, FixedClock)
    return ctx.clock


def test_a_check_error_blocks_scheduling_and_nothing_changes(ctx: AppContext) -> None:
    post = draft(ctx, WRONG_WEEKDAY)
    with pytest.raises(CheckErrors) as caught:
        ctx.posts.schedule(post.id)
    assert [f.code for f in caught.value.findings] == ["date_weekday_mismatch"]
    assert "Tuesday" in str(caught.value)
    assert ctx.posts.get(post.id).state == S.DRAFT
    assert ctx.posts.checks.overrides(post.id) == []


def test_an_override_needs_a_reason(ctx: AppContext) -> None:
    post = draft(ctx, WRONG_WEEKDAY)
    with pytest.raises(ValidationError) as caught:
        ctx.posts.schedule(post.id, overrides={"date_weekday_mismatch": " "})
    assert [p.code for p in caught.value.problems] == ["override_reason"]
    assert ctx.posts.get(post.id).state == S.DRAFT


def test_override_is_recorded_and_logged_in_the_history(ctx: AppContext) -> None:
    post = draft(ctx, WRONG_WEEKDAY)
    reason = "the event really is on Monday; the year is a quote"
    scheduled = ctx.posts.schedule(post.id, overrides={"date_weekday_mismatch": reason})
    assert scheduled.state == S.SCHEDULED
    [override] = ctx.posts.checks.overrides(post.id)
    assert (override.code, override.reason, override.at) == ("date_weekday_mismatch", reason, NOW)
    assert "Tuesday" in override.message
    reasons = [e.reason for e in ctx.posts.history(post.id)]
    assert f"check overridden: date_weekday_mismatch: {reason}" in reasons
    # The override holds at publishing time too.
    clock(ctx).advance(3600)
    assert ctx.publishing.publish(scheduled.deliveries[0].id) == S.PUBLISHED


def test_publish_now_runs_the_checks_too(ctx: AppContext) -> None:
    post = draft(ctx, WRONG_WEEKDAY)
    with pytest.raises(CheckErrors):
        ctx.posts.publish_now(post.id)
    ctx.posts.publish_now(post.id, overrides={"date_weekday_mismatch": "quoted on purpose"})
    assert ctx.posts.get(post.id).state == S.SCHEDULED


def test_warnings_never_block(ctx: AppContext) -> None:
    post = draft(ctx, "Nuevos cursos #formacionparaelempleo")
    assert ctx.posts.schedule(post.id).state == S.SCHEDULED


def test_pre_publish_recheck_fails_a_post_whose_date_became_past(ctx: AppContext) -> None:
    post = ctx.posts.schedule(draft(ctx, DEADLINE).id)
    delivery = post.deliveries[0]
    # It could not go out on time (the pause, the computer off...): two days later now.
    clock(ctx).advance(2 * 86400)
    assert ctx.publishing.publish(delivery.id) == S.FAILED
    failed = ctx.store.get_delivery(delivery.id)
    assert "already past" in failed.last_error
    assert StubNetwork.published == []
    assert ctx.posts.history(post.id)[-1].reason == "check failed: date_past"


def test_pre_publish_recheck_respects_an_override(ctx: AppContext) -> None:
    post = draft(ctx, DEADLINE)
    ctx.store.add_check_overrides(post.id, [("date_past", "announcing it closed", "")], NOW)
    post = ctx.posts.schedule(post.id)
    clock(ctx).advance(2 * 86400)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED


def test_cooling_off_time_between_last_edit_and_publishing(ctx: AppContext) -> None:
    ctx.settings.set(COOLING_OFF_MINUTES, "30")
    post = draft(ctx, "Hola", minutes=10)
    with pytest.raises(ValidationError) as caught:
        ctx.posts.schedule(post.id)
    assert [p.code for p in caught.value.problems] == ["cooling_off"]
    with pytest.raises(ValidationError):
        ctx.posts.publish_now(post.id)
    assert ctx.posts.schedule(post.id, NOW + timedelta(minutes=45)).state == S.SCHEDULED


def test_recent_and_pending_texts_of_the_same_account_are_repeats(ctx: AppContext) -> None:
    first = ctx.posts.schedule(draft(ctx, "Abrimos el plazo de los cursos de formación").id)
    second = draft(ctx, "Abrimos el plazo de los cursos de formación", minutes=120)
    codes = [f.code for f in ctx.posts.checks.findings(second)]
    assert "repeat_recent" in codes
    assert "repeat_recent" not in [f.code for f in ctx.posts.checks.findings(first)]


def test_the_key_date_a_post_is_pinned_to_is_checked(ctx: AppContext) -> None:
    campaign = ctx.store.add_campaign("Plan de Formación 2027", NOW)
    key = ctx.store.set_key_date(campaign.id, "apertura_plazo", date(2027, 1, 18))
    post = draft(ctx, "El lunes 18 de febrero de 2027 se abre el plazo.")
    ctx.store.update_post(post.id, now=NOW, campaign_id=campaign.id, pin_key_date_id=key.id)
    inp = ctx.posts.checks.input_for(ctx.posts.get(post.id))
    assert inp.key_date is not None and inp.key_date.day == date(2027, 1, 18)
    assert "date_key_mismatch" in [f.code for f in inp.run()]


def test_crisis_pause_and_resume(ctx: AppContext) -> None:
    soon = ctx.posts.schedule(draft(ctx, "Uno", minutes=30).id)
    later = ctx.posts.schedule(draft(ctx, "Dos", minutes=600).id)
    paused = ctx.pause.pause()
    assert ctx.pause.is_paused()
    assert {d.post_id for d in paused} == {soon.id, later.id}
    assert ctx.posts.get(soon.id).state == S.PAUSED
    # Nothing goes out while paused, even a post scheduled meanwhile.
    extra = ctx.posts.schedule(draft(ctx, "Tres", minutes=5).id)
    clock(ctx).advance(3600)
    assert ctx.publishing.publish(extra.deliveries[0].id) == S.PAUSED
    assert StubNetwork.published == []

    result = ctx.pause.resume()
    assert not ctx.pause.is_paused()
    assert [d.post_id for d in result.resumed] == [later.id]
    assert sorted(d.post_id for d in result.overdue) == sorted([soon.id, extra.id])
    assert ctx.posts.get(later.id).state == S.SCHEDULED
    assert ctx.posts.get(soon.id).state == S.PAUSED  # waits for the user's decision

    by_post = {d.post_id: d for d in result.overdue}
    assert ctx.pause.decide(by_post[soon.id].id, Decision.PUBLISH_NOW)
    assert ctx.publishing.publish(by_post[soon.id].id) == S.PUBLISHED
    assert ctx.pause.decide(by_post[extra.id].id, Decision.DRAFT)
    assert ctx.posts.get(extra.id).state == S.DRAFT
    reasons = [e.reason for e in ctx.posts.history(soon.id)]
    assert "crisis pause" in reasons and "publish now after the crisis pause" in reasons


def test_new_time_after_pause_must_be_in_the_future(ctx: AppContext) -> None:
    post = ctx.posts.schedule(draft(ctx, "Uno", minutes=30).id)
    ctx.pause.pause()
    clock(ctx).advance(3600)
    [overdue] = ctx.pause.resume().overdue
    with pytest.raises(ValidationError):
        ctx.pause.decide(overdue.id, Decision.NEW_TIME, NOW)
    later = clock(ctx).now() + timedelta(hours=2)
    assert ctx.pause.decide(overdue.id, Decision.NEW_TIME, later)
    assert ctx.posts.get(post.id).deliveries[0].due_at == later
    assert ctx.posts.get(post.id).due_at == later


@pytest.mark.parametrize(
    ("instant", "language", "expected"),
    [
        (datetime(2027, 1, 18, 8, 0, tzinfo=UTC), "es", "mañana lunes 18 de enero a las 9:00"),
        (datetime(2027, 1, 18, 8, 0, tzinfo=UTC), "ca", "demà dilluns 18 de gener a les 9:00"),
        (datetime(2027, 1, 18, 8, 0, tzinfo=UTC), "en", "tomorrow Monday 18 January at 9:00"),
        (datetime(2027, 1, 17, 12, 30, tzinfo=UTC), "es", "hoy domingo 17 de enero a las 13:30"),
        (
            datetime(2027, 1, 19, 0, 0, tzinfo=UTC),
            "es",
            "pasado mañana martes 19 de enero a la 1:00",
        ),
        (datetime(2027, 4, 5, 7, 0, tzinfo=UTC), "es", "lunes 5 de abril a las 9:00"),
        (datetime(2028, 4, 5, 7, 0, tzinfo=UTC), "en", "Wednesday 5 April 2028 at 9:00"),
    ],
)
def test_time_in_words(instant: datetime, language: str, expected: str) -> None:
    now = datetime(2027, 1, 17, 10, 0, tzinfo=UTC)
    assert time_in_words(instant, "Europe/Madrid", now, language) == expected
