"""Publishing rules: claim first, exactly once, errors become states, timeouts reconciled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.errors import (
    AuthExpired,
    Duplicate,
    RateLimited,
    Rejected,
    Transient,
    ValidationError,
)
from app.models import DeliveryState as S
from app.models import Post
from tests.support.stubnet import StubNetwork, stub_factory

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok-111")
    yield context
    context.close()


def scheduled(ctx: AppContext, text: str = "Hola", minutes: int = 5) -> Post:
    acc = ctx.accounts.by_name("Empleo")
    return ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[acc.id],
        when=NOW + timedelta(minutes=minutes),
        tz="Europe/Madrid",
    )


def publish_due(ctx: AppContext, post: Post) -> S:
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(600)
    return ctx.publishing.publish(post.deliveries[0].id)


def test_token_lives_in_keyring_only(ctx: AppContext) -> None:
    import keyring

    acc = ctx.accounts.by_name("Empleo")
    assert keyring.get_password("Pregonero", acc.keyring_user) == "tok-111"
    dump = "\n".join(ctx.store.db.conn.iterdump())
    assert "tok-111" not in dump


def test_publish_once_with_permalink_and_record(ctx: AppContext) -> None:
    post = scheduled(ctx)
    assert publish_due(ctx, post) == S.PUBLISHED
    # A second call finds nothing to claim: never twice.
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    assert len(StubNetwork.published) == 1
    d = ctx.store.get_delivery(post.deliveries[0].id)
    assert d.permalink == "https://facebook.test/111_1" and d.remote_id == "111_1"
    reasons = [e.reason for e in ctx.store.events(post_id=post.id)]
    assert reasons[-2:] == ["claimed for publishing", "published"]


def test_unknown_outcome_found_on_network_is_not_resent(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = ["created-no-answer"]
    assert publish_due(ctx, post) == S.PUBLISHED
    assert len(StubNetwork.published) == 1
    reasons = [e.reason for e in ctx.store.events(post_id=post.id)]
    assert "outcome unknown" in reasons and "reconciled: found on the network" in reasons


def test_unknown_outcome_unreachable_stays_unconfirmed(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = ["created-no-answer"]
    StubNetwork.find_error = Transient("down")
    assert publish_due(ctx, post) == S.UNCONFIRMED
    StubNetwork.find_error = None
    assert ctx.publishing.reconcile(post.deliveries[0].id) == S.PUBLISHED
    assert len(StubNetwork.published) == 1


def test_transient_retries_with_backoff_then_fails(ctx: AppContext) -> None:
    from app.settings import GRACE_SECONDS

    ctx.settings.set(GRACE_SECONDS, "3600")
    post = scheduled(ctx)
    did = post.deliveries[0].id
    StubNetwork.script = [Transient("503")] * 4
    assert publish_due(ctx, post) == S.SCHEDULED
    d = ctx.store.get_delivery(did)
    assert d.due_at == ctx.clock.now() + timedelta(seconds=30)
    for _ in range(3):
        assert isinstance(ctx.clock, FixedClock)
        ctx.clock.advance(400)
        state = ctx.publishing.publish(did)
    assert state == S.FAILED
    assert not StubNetwork.published


def test_rate_limited_waits_as_told(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = [RateLimited("slow down", retry_after=240)]
    assert publish_due(ctx, post) == S.SCHEDULED
    assert ctx.store.get_delivery(post.deliveries[0].id).due_at == ctx.clock.now() + timedelta(
        seconds=240
    )


def test_auth_expired_blocks_account_and_its_queue(ctx: AppContext) -> None:
    first = scheduled(ctx, "uno")
    second = scheduled(ctx, "dos", minutes=60)
    StubNetwork.script = [AuthExpired("190", user_message="Password changed")]
    assert publish_due(ctx, first) == S.BLOCKED
    acc = ctx.accounts.by_name("Empleo")
    assert acc.status == "needs_reconnect" and "Password changed" in acc.status_reason
    assert ctx.store.get_delivery(second.deliveries[0].id).state == S.BLOCKED
    # Reconnecting puts the queue back.
    ctx.accounts.connect("facebook", name="Empleo", remote_id="111", token="new")
    assert ctx.store.get_delivery(second.deliveries[0].id).state == S.SCHEDULED
    assert ctx.accounts.by_name("Empleo").status == "ok"


def test_rejected_shows_network_message(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = [Rejected("x", user_message="This content goes against our rules")]
    assert publish_due(ctx, post) == S.FAILED
    d = ctx.store.get_delivery(post.deliveries[0].id)
    assert d.last_error == "This content goes against our rules"


def test_duplicate_already_published_counts_as_published(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = ["created-no-answer"]
    StubNetwork.find_error = Transient("down")
    publish_due(ctx, post)
    StubNetwork.find_error = None
    did = post.deliveries[0].id
    # Pretend reconcile said "not there" wrongly and the retry hits Facebook's 506.
    StubNetwork.script = [Duplicate("506", user_message="duplicate")]
    ctx.store.transition(did, S.SCHEDULED, "test", now=ctx.clock.now())
    assert ctx.publishing.publish(did) == S.PUBLISHED
    assert len(StubNetwork.published) == 1


def test_bug_in_network_code_marks_failed_internal(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = [KeyError("oops")]
    assert publish_due(ctx, post) == S.FAILED
    assert "Internal error" in ctx.store.get_delivery(post.deliveries[0].id).last_error


def test_past_time_over_length_and_unknown_account_are_refused(ctx: AppContext) -> None:
    acc = ctx.accounts.by_name("Empleo")
    with pytest.raises(ValidationError, match="in the past"):
        ctx.posts.create_scheduled(
            text="x",
            link=None,
            media=[],
            account_ids=[acc.id],
            when=NOW - timedelta(minutes=1),
            tz="Europe/Madrid",
        )
    with pytest.raises(ValidationError, match="at most 63206"):
        ctx.posts.create_scheduled(
            text="x" * 63207,
            link=None,
            media=[],
            account_ids=[acc.id],
            when=NOW + timedelta(hours=1),
            tz="Europe/Madrid",
        )
    with pytest.raises(ValidationError, match="no account called “Nadie”"):
        ctx.accounts.by_name("Nadie")
    assert ctx.posts.list() == []


def test_bad_media_stores_nothing(ctx: AppContext, samples: Path) -> None:
    acc = ctx.accounts.by_name("Empleo")
    good = samples / "media" / "foto enorme ñandú.jpg"
    for bad, words in [
        (samples / "media" / "vacio.jpg", "empty"),
        (samples / "media" / "truncado.jpg", "damaged or incomplete"),
        (samples / "media" / "no-such.jpg", "does not exist"),
    ]:
        with pytest.raises(ValidationError, match=words):
            ctx.posts.create_scheduled(
                text="x",
                link=None,
                media=[(good, "ok"), (bad, "")],
                account_ids=[acc.id],
                when=NOW + timedelta(hours=1),
                tz="Europe/Madrid",
            )
    assert ctx.posts.list() == []
    post = ctx.posts.create_scheduled(
        text="x",
        link=None,
        media=[(good, "Un ñandú")],
        account_ids=[acc.id],
        when=NOW + timedelta(hours=1),
        tz="Europe/Madrid",
    )
    assert post.media[0].original_name == "foto enorme ñandú.jpg"
    assert Path(post.media[0].path).exists() and post.media[0].alt_text == "Un ñandú"


def test_draft_edits_are_saved_immediately(ctx: AppContext) -> None:
    post = ctx.posts.create_draft(tz="Europe/Madrid")
    ctx.posts.update_text(post.id, "primer borrador")
    fresh = AppContext(ctx.store.path, client_factory=stub_factory)
    assert fresh.posts.get(post.id).text == "primer borrador"
    fresh.close()


def test_reconcile_that_cannot_tell_fails_for_the_user_to_decide(ctx: AppContext) -> None:
    from app.errors import UnknownOutcome

    post = scheduled(ctx)
    StubNetwork.script = ["created-no-answer"]
    StubNetwork.find_error = UnknownOutcome("several candidates")
    assert publish_due(ctx, post) == S.FAILED
    assert len(StubNetwork.published) == 1  # never sent again on a guess
    assert "several candidates" in ctx.store.get_delivery(post.deliveries[0].id).last_error


def test_a_retry_later_than_the_grace_window_becomes_missed(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = [RateLimited("slow down", retry_after=3 * 3600)]
    assert publish_due(ctx, post) == S.MISSED
    d = ctx.store.get_delivery(post.deliveries[0].id)
    assert "Not published" in d.last_error and not StubNetwork.published


def test_answered_temporary_error_is_reconciled_before_resending(ctx: AppContext) -> None:
    from app.services.posts import outgoing

    post = scheduled(ctx)
    # The network created the post but answered 503: it is there, so nothing is resent.
    created_then_503 = Transient("503 after acting")
    created_then_503.answered = True
    StubNetwork.published.append(("111", outgoing(ctx.posts.get(post.id)), None))
    StubNetwork.script = [created_then_503]
    assert publish_due(ctx, post) == S.PUBLISHED
    assert len(StubNetwork.published) == 1
    reasons = [e.reason for e in ctx.store.events(post_id=post.id)]
    assert "temporary error after sending" in reasons


def test_reconcile_not_found_past_grace_is_missed_not_sent_late(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = [Transient("never arrived")]
    did = post.deliveries[0].id
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(600)
    ctx.store.transition(
        did, S.PUBLISHING, "claimed", now=ctx.clock.now(), claimed_at=ctx.clock.now()
    )
    ctx.store.transition(did, S.UNCONFIRMED, "crash", now=ctx.clock.now())
    ctx.clock.advance(3600)  # the app was down for an hour
    assert ctx.publishing.reconcile(did) == S.MISSED
    assert not StubNetwork.published


def test_reconcile_failures_are_logged_once_per_outage(ctx: AppContext) -> None:
    post = scheduled(ctx)
    StubNetwork.script = ["created-no-answer"]
    StubNetwork.find_error = Transient("down")
    publish_due(ctx, post)
    for _ in range(5):
        ctx.publishing.reconcile(post.deliveries[0].id)
    reasons = [e.reason for e in ctx.store.events(post_id=post.id)]
    assert reasons.count("reconcile failed, will retry") == 1


def test_data_folder_can_be_moved_with_its_photos(samples: Path, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    ctx = AppContext(data / "pregonero.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    acc = ctx.accounts.connect("facebook", name="Empleo", remote_id="111", token="t")
    photo = samples / "media" / "carrusel-1-1080x1080.jpg"
    post = ctx.posts.create_scheduled(
        text="con foto",
        link=None,
        media=[(photo, "Paso 1")],
        account_ids=[acc.id],
        when=NOW + timedelta(hours=1),
        tz="Europe/Madrid",
    )
    ctx.close()
    # The database and Pregonero's copies of the photos live in one folder that can move.
    moved = tmp_path / "moved"
    shutil.move(str(data), moved)
    fresh = AppContext(moved / "pregonero.sqlite3", client_factory=stub_factory)
    media = fresh.posts.get(post.id).media[0]
    assert Path(media.path).parent == moved / "media"
    assert Path(media.path).read_bytes() == photo.read_bytes()
    fresh.close()


def test_a_post_missed_on_a_24_hour_posting_limit_says_so(ctx: AppContext) -> None:
    # Instagram's "maximum number of posts" answer (code "quota"): the missed post said
    # only "too many requests", as if a short wait would do; publishing it now fails again.
    post = scheduled(ctx)
    StubNetwork.script = [RateLimited("limit reached", retry_after=3600, code="quota")]
    assert publish_due(ctx, post) == S.MISSED
    d = ctx.store.get_delivery(post.deliveries[0].id)
    assert "limit of posts published in 24 hours" in d.last_error
    assert "too many requests" not in d.last_error
