"""Preparing ahead (Instagram-like containers) and native hand-off (a network holding the
scheduled post): failures, reschedule, edit, cancel, pause, status after the time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.errors import AuthExpired, Rejected, Transient, ValidationError
from app.models import DeliveryState as S
from app.networks import registry
from app.services.handoff import NATIVE_HANDOFF
from tests.support.stubnet import HandOffStub, PrepareStub, StubNetwork, stub_factory

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
TZ = "Europe/Madrid"


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    for cls in (StubNetwork, PrepareStub, HandOffStub):
        cls.reset()
    monkeypatch.setitem(registry.NETWORKS, PrepareStub.key, PrepareStub)
    monkeypatch.setitem(registry.NETWORKS, HandOffStub.key, HandOffStub)
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("stubprep", name="Insta", remote_id="111", token="tok-1")
    context.accounts.connect("stubhand", name="Hand", remote_id="222", token="tok-2")
    context.accounts.connect("facebook", name="Empleo", remote_id="333", token="tok-3")
    yield context
    context.close()


def clock(ctx: AppContext) -> FixedClock:
    assert isinstance(ctx.clock, FixedClock)
    return ctx.clock


def schedule(ctx: AppContext, account: str, text: str = "Hola", minutes: int = 60) -> int:
    acc = ctx.accounts.by_name(account)
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[acc.id],
        when=NOW + timedelta(minutes=minutes),
        tz=TZ,
    )
    return post.deliveries[0].id


# -- preparing ahead ----------------------------------------------------------------


def test_prepare_saves_progress_and_publish_uses_it(ctx: AppContext) -> None:
    delivery_id = schedule(ctx, "Insta")
    assert ctx.publishing.prepare_lead_seconds(ctx.store.get_delivery(delivery_id)) == 1800
    clock(ctx).advance(1800)
    assert ctx.publishing.prepare(delivery_id) is True
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.SCHEDULED  # prepare never publishes
    assert delivery.progress == {"container": "c1"} and not PrepareStub.published
    assert ctx.publishing.prepare(delivery_id) is True  # idempotent: resumes
    assert PrepareStub.prepared[-1] == {"container": "c1"}
    clock(ctx).advance(1800)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    _remote, sent, _at = PrepareStub.published[0]
    assert sent.progress.data["container"] == "c1"
    assert ctx.store.get_delivery(delivery_id).progress["step"] == "publishing"


def test_prepare_temporary_failure_is_retried_later(ctx: AppContext) -> None:
    delivery_id = schedule(ctx, "Insta")
    PrepareStub.prepare_script = [Transient("down"), "not-ready"]
    assert ctx.publishing.prepare(delivery_id) is False
    assert ctx.publishing.prepare(delivery_id) is False
    assert ctx.publishing.prepare(delivery_id) is True
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED


def test_prepare_refused_fails_early_with_the_message(ctx: AppContext) -> None:
    delivery_id = schedule(ctx, "Insta")
    PrepareStub.prepare_script = [Rejected("bad", user_message="Aspect ratio not supported")]
    assert ctx.publishing.prepare(delivery_id) is None
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.FAILED
    assert "Aspect ratio not supported" in delivery.last_error
    assert ctx.store.events(delivery_id=delivery_id)[-1].reason == "refused while preparing"


def test_prepare_auth_expired_blocks(ctx: AppContext) -> None:
    delivery_id = schedule(ctx, "Insta")
    PrepareStub.prepare_script = [AuthExpired("expired", user_message="Session expired")]
    assert ctx.publishing.prepare(delivery_id) is None
    assert ctx.store.get_delivery(delivery_id).state == S.BLOCKED
    assert ctx.accounts.by_name("Insta").status == "needs_reconnect"


def test_prepare_does_nothing_when_paused_or_not_scheduled(ctx: AppContext) -> None:
    delivery_id = schedule(ctx, "Insta")
    ctx.pause.pause()
    assert ctx.publishing.prepare(delivery_id) is None
    assert not PrepareStub.prepared


# -- native hand-off ------------------------------------------------------------------


def enable(ctx: AppContext, name: str = "Hand") -> None:
    ctx.handoffs.set_enabled(ctx.accounts.by_name(name).id, True)


def test_option_off_by_default_and_refused_where_unsupported(ctx: AppContext) -> None:
    hand = ctx.accounts.by_name("Hand")
    assert not ctx.handoffs.enabled(hand)
    delivery_id = schedule(ctx, "Hand")
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED  # not handed off
    with pytest.raises(ValidationError):  # this network cannot hold scheduled posts
        ctx.handoffs.set_enabled(ctx.accounts.by_name("Insta").id, True)
    enable(ctx)
    assert ctx.accounts.by_name("Hand").options[NATIVE_HANDOFF] is True


def test_scheduling_inside_the_window_hands_off(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand", minutes=60)
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF and delivery.remote_id == "h1"
    assert HandOffStub.held["h1"] == ("Hola", NOW + timedelta(minutes=60))
    reasons = [e.reason for e in ctx.store.events(delivery_id=delivery_id)]
    assert reasons[-2:] == ["claimed for hand-off", "handed off to the network"]
    assert not HandOffStub.published  # nothing published from here


def test_too_soon_stays_here_and_the_sweep_hands_off_later(ctx: AppContext) -> None:
    enable(ctx)
    soon = schedule(ctx, "Hand", minutes=5)  # window starts at 10 minutes
    assert ctx.store.get_delivery(soon).state == S.SCHEDULED
    HandOffStub.handoff_max_seconds = 3600
    try:
        far = schedule(ctx, "Hand", "Lejos", minutes=120)  # beyond the window
        assert ctx.store.get_delivery(far).state == S.SCHEDULED
        clock(ctx).advance(3600 + 60)
        ctx.handoffs.sweep()
        assert ctx.store.get_delivery(far).state == S.HANDED_OFF
    finally:
        HandOffStub.handoff_max_seconds = 30 * 24 * 3600


def test_reschedule_moves_it_on_the_network(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    plan = ctx.reschedule.by_days([post_id], 1)
    assert plan.moves[0].ok
    ctx.reschedule.apply(plan)
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF
    assert delivery.due_at == NOW + timedelta(days=1, minutes=60)
    assert HandOffStub.held["h1"][1] == NOW + timedelta(days=1, minutes=60)


def test_leaving_the_window_cancels_remotely_and_schedules_here(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    ctx.reschedule.apply(ctx.reschedule.by_days([post_id], 60))  # beyond 30 days
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.SCHEDULED and delivery.remote_id is None
    assert delivery.due_at == NOW + timedelta(days=60, minutes=60)
    assert HandOffStub.held == {}


def test_edit_updates_the_network_copy(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    ctx.posts.update_text(post_id, "Hola de nuevo")
    assert HandOffStub.held["h1"][0] == "Hola de nuevo"
    ctx.posts.set_variant_text(post_id, "stubhand", "Solo para Hand")
    assert HandOffStub.held["h1"][0] == "Solo para Hand"
    assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF


def test_edit_that_cannot_be_sent_takes_it_back(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    HandOffStub.handoff_script = [Transient("down")]  # the update fails, the cancel works
    ctx.posts.update_text(post_id, "Cambiado")
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.SCHEDULED and HandOffStub.held == {}
    ctx.handoffs.sweep()  # not handed off again with the stale attempt
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED


def test_unschedule_and_delete_cancel_it_remotely(ctx: AppContext) -> None:
    enable(ctx)
    first = schedule(ctx, "Hand", "uno")
    second = schedule(ctx, "Hand", "dos")
    assert set(HandOffStub.held) == {"h1", "h2"}
    ctx.posts.unschedule(ctx.store.get_delivery(first).post_id)
    assert ctx.store.get_delivery(first).state == S.DRAFT
    ctx.posts.delete(ctx.store.get_delivery(second).post_id)
    assert ctx.store.get_delivery(second).state == S.CANCELLED
    assert HandOffStub.held == {}


def test_cancel_failing_changes_nothing_and_says_so(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    HandOffStub.handoff_script = [Transient("down")]
    with pytest.raises(ValidationError) as err:
        ctx.posts.delete(post_id)
    assert "Handstub" in str(err.value)
    assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF
    ctx.posts.get(post_id)  # not deleted


def test_status_published_gives_the_permalink(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    ctx.handoffs.sweep()  # before its time: not asked
    assert "status" not in HandOffStub.calls
    clock(ctx).advance(3600 + 5)
    ctx.handoffs.sweep()
    assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF  # not live yet
    HandOffStub.live.add("h1")
    clock(ctx).advance(61)
    ctx.handoffs.sweep()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.PUBLISHED and delivery.permalink == "https://hand.test/h1"


def test_not_live_past_grace_warns_once_and_keeps_checking(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    clock(ctx).advance(3600 + 3600)
    ctx.handoffs.sweep()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF and "has not published" in delivery.last_error
    clock(ctx).advance(61)
    ctx.handoffs.sweep()
    reasons = [e.reason for e in ctx.store.events(delivery_id=delivery_id)]
    assert reasons.count("not live yet on the network") == 1
    assert HandOffStub.calls.count("status") == 2


def test_gone_from_the_network_fails(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    HandOffStub.held.clear()  # deleted on the network by someone
    clock(ctx).advance(3600 + 5)
    ctx.handoffs.sweep()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.FAILED and "no longer has" in delivery.last_error


def test_unknown_outcome_reconciled_never_sent_twice(ctx: AppContext) -> None:
    enable(ctx)
    HandOffStub.handoff_script = ["created-no-answer"]
    delivery_id = schedule(ctx, "Hand")
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF and delivery.remote_id == "h1"
    assert HandOffStub.calls.count("hand_off") == 1


def test_interrupted_hand_off_reconciled_as_a_hand_off(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    # Simulate a crash between the hand-off call and writing its outcome.
    ctx.store.db.conn.execute(
        "UPDATE deliveries SET state = 'unconfirmed' WHERE id = ?", (delivery_id,)
    )
    ctx.store.db.conn.execute(
        "INSERT INTO delivery_events(delivery_id, at, from_state, to_state, reason, detail) "
        "VALUES (?, '2027-01-10T09:00:00+00:00', 'scheduled', 'publishing', "
        "'claimed for hand-off', '')",
        (delivery_id,),
    )
    assert ctx.publishing.reconcile(delivery_id) == S.HANDED_OFF  # found held, not published


def test_hand_off_refused_publishes_from_here(ctx: AppContext) -> None:
    enable(ctx)
    HandOffStub.handoff_script = [Rejected("no", user_message="Cannot schedule video")]
    delivery_id = schedule(ctx, "Hand")
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.SCHEDULED and "Cannot schedule video" in delivery.last_error
    ctx.handoffs.sweep()
    assert HandOffStub.calls.count("hand_off") == 1  # not retried for this time
    clock(ctx).advance(3600)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED


def test_crisis_pause_takes_handed_off_posts_back_and_resume_restores(
    ctx: AppContext,
) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    ctx.pause.pause()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.PAUSED and HandOffStub.held == {}
    ctx.handoffs.sweep()
    assert ctx.store.get_delivery(delivery_id).state == S.PAUSED
    ctx.pause.resume()
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED
    ctx.handoffs.sweep()
    assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF


def test_turning_the_option_off_takes_posts_back(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    assert ctx.handoffs.set_enabled(ctx.accounts.by_name("Hand").id, False) == []
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED
    assert HandOffStub.held == {}


def test_one_target_handed_off_another_published_here(ctx: AppContext) -> None:
    enable(ctx)
    accounts = [ctx.accounts.by_name(n).id for n in ("Hand", "Empleo")]
    post = ctx.posts.create_scheduled(
        text="Hola",
        link=None,
        media=[],
        account_ids=accounts,
        when=NOW + timedelta(minutes=60),
        tz=TZ,
    )
    states = {d.account_id: d.state for d in ctx.posts.get(post.id).deliveries}
    assert states == {accounts[0]: S.HANDED_OFF, accounts[1]: S.SCHEDULED}
    StubNetwork.script = [Rejected("no", user_message="Facebook said no")]
    clock(ctx).advance(3600)
    facebook = [d for d in ctx.posts.get(post.id).deliveries if d.account_id == accounts[1]][0]
    assert ctx.publishing.publish(facebook.id) == S.FAILED
    assert ctx.store.get_delivery(post.deliveries[0].id).state in (S.HANDED_OFF,)


def test_cli_switches_native_hand_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import cli, paths

    db = tmp_path / "cli.sqlite3"
    monkeypatch.setattr(paths, "db_path", lambda: db)
    monkeypatch.setitem(registry.NETWORKS, HandOffStub.key, HandOffStub)
    monkeypatch.setattr("app.context.create_client", stub_factory)
    setup = AppContext(db, client_factory=stub_factory)
    setup.accounts.connect("stubhand", name="Hand", remote_id="222", token="tok")
    monkeypatch.setitem(registry.NETWORKS, PrepareStub.key, PrepareStub)
    setup.accounts.connect("stubprep", name="Insta", remote_id="333", token="tok")
    setup.close()
    assert cli.main(["handoff", "Hand", "on"]) == 0
    assert cli.main(["handoff", "Hand"]) == 0
    assert "on" in capsys.readouterr().out
    assert cli.main(["handoff", "Insta", "on"]) == 1  # cannot hold scheduled posts
    check = AppContext(db)
    assert check.handoffs.enabled(check.accounts.by_name("Hand"))
    assert not check.handoffs.enabled(check.accounts.by_name("Insta"))
    check.close()


def test_lead_per_post_when_the_network_says_so(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lead_seconds_for(cls: type, post: object) -> int:
        return 2700 if "vídeo" in getattr(post, "text", "") else 900

    monkeypatch.setattr(
        PrepareStub, "lead_seconds_for", classmethod(lead_seconds_for), raising=False
    )
    video = schedule(ctx, "Insta", "Un vídeo")
    photo = schedule(ctx, "Insta", "Una foto")
    assert ctx.publishing.prepare_lead_seconds(ctx.store.get_delivery(video)) == 2700
    assert ctx.publishing.prepare_lead_seconds(ctx.store.get_delivery(photo)) == 900


def test_changed_link_replaces_the_network_copy(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    HandOffStub.handoff_script = [Rejected("link", code="handoff_replace")]
    ctx.posts.update_link(post_id, "https://empleo.example.es/nuevo")
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.HANDED_OFF and delivery.remote_id == "h1"
    assert HandOffStub.calls == ["hand_off", "update", "cancel", "hand_off"]
    assert list(HandOffStub.held) == ["h1"]  # the old one deleted, the new one held


def test_first_comment_posted_when_the_network_publishes(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.networks.base import OutgoingPost, Published

    sent: list[str] = []

    def add_first_comment(self: HandOffStub, post: OutgoingPost, live: Published) -> Published:
        sent.append(post.options.first_comment)
        return Published(live.remote_id, live.permalink, {"first_comment_error": "no comment"})

    monkeypatch.setattr(HandOffStub, "add_first_comment", add_first_comment, raising=False)
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    ctx.posts.update_variant_options(post_id, "stubhand", first_comment="Más info")
    HandOffStub.live.add("h1")
    clock(ctx).advance(3600 + 5)
    ctx.handoffs.sweep()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.PUBLISHED and sent == ["Más info"]
    assert delivery.last_error == "no comment"


def test_network_that_cannot_take_this_post_is_not_claimed(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        HandOffStub, "can_hand_off", lambda self, post, at: "vídeo" not in post.text, raising=False
    )
    enable(ctx)
    delivery_id = schedule(ctx, "Hand", "Un vídeo")
    assert ctx.store.get_delivery(delivery_id).state == S.SCHEDULED
    assert "hand_off" not in HandOffStub.calls
    assert [e.reason for e in ctx.store.events(delivery_id=delivery_id)][-1] != (
        "claimed for hand-off"
    )


def test_kept_private_fails_with_an_explanation(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.networks.base import Published

    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    monkeypatch.setattr(
        HandOffStub,
        "hand_off_status",
        lambda self, rid: Published(rid, "https://hand.test/p", {"locked_private": "1"}),
    )
    clock(ctx).advance(3600 + 5)
    ctx.handoffs.sweep()
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.FAILED and "private" in delivery.last_error
    assert delivery.permalink == "https://hand.test/p"


def test_network_refusing_the_new_time_takes_it_back(ctx: AppContext) -> None:
    enable(ctx)
    delivery_id = schedule(ctx, "Hand")
    post_id = ctx.store.get_delivery(delivery_id).post_id
    HandOffStub.handoff_script = [Rejected("too soon", code="handoff_window")]
    ctx.reschedule.apply(ctx.reschedule.by_days([post_id], 1))
    delivery = ctx.store.get_delivery(delivery_id)
    assert delivery.state == S.SCHEDULED and HandOffStub.held == {}
    assert delivery.due_at == NOW + timedelta(days=1, minutes=60)
    ctx.handoffs.sweep()  # inside the window again: handed off anew
    assert ctx.store.get_delivery(delivery_id).state == S.HANDED_OFF
