"""A key-date placeholder is never published raw."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.services.checking import CheckErrors
from tests.support.stubnet import StubNetwork, stub_factory

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="t")
    yield context
    context.close()


def draft_in_campaign(ctx: AppContext, text: str) -> int:
    campaign = ctx.store.add_campaign("Plan de Formación 2027", NOW)
    ctx.store.set_key_date(campaign.id, "apertura_plazo", date(2027, 1, 18))
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[acc.id])
    ctx.store.update_post(post.id, now=NOW, campaign_id=campaign.id, language="es")
    return post.id


def test_unknown_placeholder_blocks_scheduling(ctx: AppContext) -> None:
    post_id = draft_in_campaign(ctx, "El plazo se abre el {application window opens}.")
    with pytest.raises(CheckErrors) as info:
        ctx.posts.schedule(post_id, NOW + timedelta(days=1))
    codes = [f.code for f in info.value.findings]
    assert "placeholder_unknown" in codes
    assert "apertura_plazo" in str(info.value)


def test_known_placeholder_is_checked_as_it_will_go_out(ctx: AppContext) -> None:
    post_id = draft_in_campaign(ctx, "El plazo se abre el {apertura_plazo}.")
    post = ctx.posts.schedule(post_id, NOW + timedelta(days=1))
    assert post.deliveries[0].state == S.SCHEDULED
    assert ctx.campaigns.rendered_text(post) == "El plazo se abre el lunes 18 de enero."


def test_a_move_that_makes_mañana_wrong_is_flagged_for_review(ctx: AppContext) -> None:
    acc = ctx.accounts.by_name("Empleo")
    post = ctx.posts.create_scheduled(
        text="⏰ Mañana, lunes 18 de enero, se abre el plazo.",
        link=None,
        media=[],
        account_ids=[acc.id],
        when=datetime(2027, 1, 17, 18, 0, tzinfo=UTC),
        tz="Europe/Madrid",
    )
    plan = ctx.reschedule.by_days([post.id], 7)
    move = plan.moves[0]
    assert move.review is not None and "At its new time" in move.review
