"""Replying once, refused replies, handled with reasons, hiding, the action log."""

from __future__ import annotations

import sqlite3

import pytest

from app.context import AppContext
from app.errors import Transient, ValidationError
from app.storage.inbox import Comment, CommentFilter
from tests.support.commentstub import CommentStub, add_account


def collected(ctx: AppContext, network: str = "facebook", n: int = 2) -> list[Comment]:
    add_account(ctx, network=network)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", n)
    ctx.inbox.collect()
    return ctx.inbox.comments()


def test_reply_posts_once_and_answers_the_comment(ctx: AppContext) -> None:
    first, _second = collected(ctx)
    outcome = ctx.inbox.reply(first.id, "Gracias", actor="ana")
    assert outcome.state == "sent" and len(CommentStub.replies) == 1
    done = ctx.inbox.get(first.id)
    assert (done.state, done.reply_state, done.handled_by) == ("answered", "sent", "ana")
    assert done.reply_remote_id == outcome.remote_id
    with pytest.raises(ValidationError):
        ctx.inbox.reply(first.id, "Gracias otra vez")
    assert len(CommentStub.replies) == 1
    assert [e.action for e in ctx.inbox.events(first.id)] == ["reply_sending", "replied"]
    assert ctx.inbox.open_summary()[0] == 1


def test_reply_under_a_dropped_connection_is_posted_once(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    CommentStub.reply_script = ["created-no-answer"]
    outcome = ctx.inbox.reply(first.id, "Gracias", actor="ana")
    assert outcome.state == "sent"  # found on the network, not sent again
    assert len(CommentStub.replies) == 1
    actions = [e.action for e in ctx.inbox.events(first.id)]
    assert actions == ["reply_sending", "reply_unknown", "replied"]


def test_unknown_reply_is_checked_before_any_resend(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    CommentStub.reply_script = ["created-no-answer"]
    CommentStub.find_error = Transient("still down")
    assert ctx.inbox.reply(first.id, "Gracias").state == "unknown"
    # Trying again while the network cannot tell: nothing is sent.
    assert ctx.inbox.reply(first.id, "Gracias").state == "unknown"
    assert len(CommentStub.replies) == 1
    CommentStub.find_error = None
    assert ctx.inbox.reply(first.id, "Gracias").state == "sent"
    assert len(CommentStub.replies) == 1
    assert ctx.inbox.get(first.id).state == "answered"


def test_reply_lost_before_reaching_the_network_can_be_sent_again(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    CommentStub.reply_script = [Transient("connection refused")]
    outcome = ctx.inbox.reply(first.id, "Gracias")
    assert outcome.state == "failed" and "connection refused" in outcome.message
    assert ctx.inbox.get(first.id).state == "open"
    assert ctx.inbox.reply(first.id, "Gracias").state == "sent"
    assert len(CommentStub.replies) == 1


def test_interrupted_reply_is_reconciled_by_the_collector(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    CommentStub.replies.append(("r99", first.remote_id, "Gracias"))
    ctx.inbox.store.update(
        first.id,
        now=ctx.clock.now(),
        action="reply_sending",
        reply_state="sending",
        reply_text="Gracias",
        reply_started_at=ctx.clock.now(),
    )
    ctx.clock.advance(600)  # type: ignore[attr-defined]
    ctx.inbox.collect()
    done = ctx.inbox.get(first.id)
    assert (done.reply_state, done.reply_remote_id, done.state) == ("sent", "r99", "answered")


def test_x_refused_reply_is_shown_as_such(ctx: AppContext) -> None:
    first, _ = collected(ctx, network="x")
    CommentStub.reply_script = ["not-allowed"]
    outcome = ctx.inbox.reply(first.id, "Thanks")
    assert outcome.state == "refused"
    assert "X does not allow replying" in outcome.message and "browser" in outcome.message
    shown = ctx.inbox.get(first.id)
    assert shown.state == "open" and shown.reply_state == "refused"
    assert shown.reply_error == outcome.message and shown.permalink.startswith("https://")
    assert CommentStub.replies == []


def test_mark_handled_with_reason_and_hide_where_allowed(ctx: AppContext) -> None:
    first, second = collected(ctx)
    problems = ctx.inbox.mark_handled([first.id], "spam", hide=True, actor="ana")
    assert problems == []
    done = ctx.inbox.get(first.id)
    assert (done.state, done.reason, done.hidden) == ("handled", "spam", True)
    assert done.handled_by == "ana"
    assert CommentStub.hidden == {first.remote_id}
    assert [e.action for e in ctx.inbox.events(first.id)] == ["handled", "hidden"]
    with pytest.raises(ValidationError):
        ctx.inbox.mark_handled([second.id], "")
    ctx.inbox.reopen(first.id)
    assert ctx.inbox.get(first.id).state == "open"


def test_hiding_where_the_network_cannot_says_so(ctx: AppContext) -> None:
    first, _ = collected(ctx, network="x")
    problems = ctx.inbox.mark_handled([first.id], "insult", hide=True)
    assert problems == ["X does not let Pregonero hide comments."]
    assert ctx.inbox.get(first.id).state == "handled"


def test_action_log_is_append_only(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    ctx.inbox.mark_handled([first.id], "spam")
    with pytest.raises(sqlite3.DatabaseError):
        ctx.store.db.conn.execute("DELETE FROM comment_events")
    with pytest.raises(sqlite3.DatabaseError):
        ctx.store.db.conn.execute("UPDATE comment_events SET actor = 'x'")


def test_filters_and_search(ctx: AppContext) -> None:
    first, second = collected(ctx, n=2)
    add_account(ctx, network="x", remote_id="999")
    ctx.inbox.collect()
    ctx.inbox.mark_handled([first.id], "spam")
    assert len(ctx.inbox.comments(CommentFilter(network="x"))) == 2
    assert [c.id for c in ctx.inbox.comments(CommentFilter(states=("handled",)))] == [first.id]
    everything = ctx.inbox.comments()
    assert everything[-1].id == first.id  # open first, handled after
    assert ctx.inbox.comments(CommentFilter(search="number 2", network="facebook"))[0].id == (
        second.id
    )
    assert ctx.inbox.comments(CommentFilter(search="100%")) == []


def test_a_reply_with_unfilled_fields_is_refused(ctx: AppContext) -> None:
    first, _ = collected(ctx)
    with pytest.raises(ValidationError) as err:
        ctx.inbox.reply(first.id, "More at {link}")
    assert err.value.problems[0].code == "fields_unfilled" and CommentStub.replies == []
    assert ctx.inbox.reply(first.id, "Firma: {equipo}").state == "sent"
