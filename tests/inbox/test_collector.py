"""Collecting: complete, never duplicated, incremental, resumable, per-account failures."""

from __future__ import annotations

import pytest

from app.context import AppContext
from app.errors import AuthExpired, RateLimited, Transient
from app.storage.inbox import CommentFilter
from app.timeutil import to_iso
from tests.inbox.conftest import NOW
from tests.support.commentstub import CommentStub, add_account

COMBOS = [(o, p) for o in ("oldest", "newest") for p in ("keyed", "offset")]


def stored_ids(ctx: AppContext) -> list[str]:
    return [r["remote_id"] for r in ctx.store.db.query("SELECT remote_id FROM comments")]


def published_delivery(ctx: AppContext, account_id: int, remote_id: str, text: str) -> int:
    """A post of ours published on the account as ``remote_id`` (raw rows, for speed)."""
    with ctx.store.transaction() as conn:
        post = conn.execute(
            "INSERT INTO posts(text, tz, created_at, updated_at) VALUES (?, 'UTC', ?, ?)",
            (text, to_iso(NOW), to_iso(NOW)),
        ).lastrowid
        return int(
            conn.execute(
                "INSERT INTO deliveries(post_id, account_id, state, remote_id, permalink, "
                "published_at, updated_at) VALUES (?, ?, 'published', ?, ?, ?, ?)",
                (
                    post,
                    account_id,
                    remote_id,
                    f"https://facebook.test/{remote_id}",
                    to_iso(NOW),
                    to_iso(NOW),
                ),
            ).lastrowid
            or 0
        )


@pytest.mark.parametrize(("order", "paging"), COMBOS)
def test_thread_of_200_collected_completely_without_duplicates(
    ctx: AppContext, order: str, paging: str
) -> None:
    CommentStub.order, CommentStub.paging = order, paging
    acc = add_account(ctx)
    published_delivery(ctx, acc.id, "111_1", "Curso de soldadura")
    CommentStub.add("111_1", 200)
    result = ctx.inbox.collect()
    ids = stored_ids(ctx)
    assert len(ids) == 200 == len(set(ids)) == len(result.new_ids)
    assert len(CommentStub.list_calls) == 8  # 200 / 25 pages
    # Every comment is linked to our post and its campaign filter works.
    shown = ctx.inbox.comments(CommentFilter(states=("open",)))
    assert shown[0].post_label == "Curso de soldadura" and shown[0].delivery_id
    assert [c.created_at for c in shown] == sorted(c.created_at for c in shown)


@pytest.mark.parametrize(("order", "paging"), COMBOS)
def test_new_comments_arriving_between_two_fetches_keep_it_complete(
    ctx: AppContext, order: str, paging: str
) -> None:
    CommentStub.order, CommentStub.paging = order, paging
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 200)

    def arrive(call: int) -> None:
        if call == 4:  # in the middle of the first walk
            CommentStub.add("p1", 7)

    CommentStub.between_pages = arrive
    ctx.inbox.collect()
    CommentStub.between_pages = None
    CommentStub.add("p1", 60)  # between two collections: more than two pages
    ctx.inbox.collect()
    ctx.inbox.collect()  # nothing new: nothing changes
    ids = stored_ids(ctx)
    expected = {c.remote_id for c in CommentStub.threads["p1"]}
    assert len(ids) == len(set(ids)) == 267
    assert set(ids) == expected


@pytest.mark.parametrize(("order", "paging"), COMBOS)
def test_a_collection_with_nothing_new_reads_little(
    ctx: AppContext, order: str, paging: str
) -> None:
    CommentStub.order, CommentStub.paging = order, paging
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 200)
    ctx.inbox.collect()
    CommentStub.list_calls = []
    assert ctx.inbox.collect().new_ids == []
    assert len(CommentStub.list_calls) <= 2


@pytest.mark.parametrize(("order", "paging"), COMBOS)
def test_page_limit_per_run_resumes_next_run(ctx: AppContext, order: str, paging: str) -> None:
    CommentStub.order, CommentStub.paging = order, paging
    add_account(ctx)
    ctx.inbox.collector.max_pages = 3
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 200)
    for _run in range(3):
        ctx.inbox.collect()
    assert len(stored_ids(ctx)) == 200
    CommentStub.add("p1", 130)  # more new pages than one run reads
    for _run in range(6):
        ctx.inbox.collect()
    ids = stored_ids(ctx)
    assert len(ids) == len(set(ids)) == 330


def test_a_failed_page_resumes_from_the_saved_cursor(ctx: AppContext) -> None:
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 100)
    calls = 0

    def fail_third(call: int) -> None:
        nonlocal calls
        calls = call
        if call == 3:
            raise Transient("connection reset")

    CommentStub.between_pages = fail_third
    result = ctx.inbox.collect()
    assert len(stored_ids(ctx)) == 50 and result.errors
    CommentStub.between_pages = None
    CommentStub.list_calls = []
    ctx.inbox.collect()
    assert CommentStub.list_calls[0] == ("p1", "p1_c50")  # resumed, not restarted
    assert len(stored_ids(ctx)) == 100


def test_rate_limited_account_waits_and_others_go_on(ctx: AppContext) -> None:
    a = add_account(ctx, remote_id="111")
    b = add_account(ctx, remote_id="222")
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 3)
    CommentStub.list_errors = [RateLimited("slow down", retry_after=900)]
    result = ctx.inbox.collect()
    assert a.id in result.waiting and b.id not in result.waiting
    assert ctx.inbox.comments(CommentFilter(account_id=b.id))  # the other one collected
    CommentStub.list_calls = []
    again = ctx.inbox.collect()
    assert a.id in again.waiting
    assert all(call for call in CommentStub.list_calls)  # only b asked
    ctx.clock.advance(901)  # type: ignore[attr-defined]
    assert a.id not in ctx.inbox.collect().waiting
    assert ctx.inbox.comments(CommentFilter(account_id=a.id))


def test_expired_token_marks_the_account_and_others_go_on(ctx: AppContext) -> None:
    a = add_account(ctx, remote_id="111")
    b = add_account(ctx, remote_id="222")
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 2)
    CommentStub.list_errors = [AuthExpired("expired", user_message="Session expired")]
    result = ctx.inbox.collect()
    assert result.errors[a.id] == "Session expired"
    assert ctx.store.get_account(a.id).status == "needs_reconnect"
    assert len(ctx.inbox.comments(CommentFilter(account_id=b.id))) == 2
    CommentStub.list_calls = []
    ctx.inbox.collect()  # the account waits for a reconnect: not asked
    assert ctx.inbox.comments(CommentFilter(account_id=a.id)) == []


def test_our_reply_seen_on_the_network_answers_the_comment(ctx: AppContext) -> None:
    add_account(ctx)
    CommentStub.recent = ["p1"]
    [first] = CommentStub.add("p1", 1)
    CommentStub.add("p1", 1)
    ctx.inbox.collect()
    CommentStub.add("p1", 1, parent=first.remote_id, author="Servicio", own=True)
    ctx.inbox.collect()
    states = {c.remote_id: c.state for c in ctx.inbox.comments(CommentFilter(include_own=True))}
    assert states == {"p1_c1": "answered", "p1_c2": "open", "p1_c3": "own"}
    assert ctx.inbox.open_summary()[0] == 1


def test_thread_and_counts_per_post(ctx: AppContext) -> None:
    acc = add_account(ctx)
    CommentStub.recent = ["p1", "p2"]
    [top] = CommentStub.add("p1", 1)
    CommentStub.add("p1", 2, parent=top.remote_id)
    CommentStub.add("p2", 4)
    ctx.inbox.collect()
    assert ctx.inbox.open_counts_by_post() == {(acc.id, "p1"): 3, (acc.id, "p2"): 4}
    reply = ctx.inbox.comments(CommentFilter(search="number 3"))[0]
    thread = ctx.inbox.thread(reply)
    assert [c.remote_id for c in thread] == ["p1_c1", "p1_c2", "p1_c3"]


def test_older_posts_are_asked_less_often(ctx: AppContext) -> None:
    from app.inbox.collector import poll_interval

    assert poll_interval(3600) == 0 and poll_interval(3 * 86400) == 3600
    assert poll_interval(30 * 86400) == 6 * 3600
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 2)
    ctx.inbox.collect()
    ctx.clock.advance(3 * 86400)  # type: ignore[attr-defined]
    ctx.inbox.collect()  # read once at 3 days old
    CommentStub.add("p1", 1)
    CommentStub.list_calls = []
    ctx.clock.advance(600)  # type: ignore[attr-defined]
    assert ctx.inbox.collect().new_ids == [] and CommentStub.list_calls == []
    assert len(ctx.inbox.collect(force=True).new_ids) == 1  # "check now" reads it anyway
    CommentStub.add("p1", 1)
    ctx.clock.advance(3600)  # type: ignore[attr-defined]
    assert len(ctx.inbox.collect().new_ids) == 1


@pytest.mark.parametrize(("order", "paging"), COMBOS)
def test_a_run_stopped_between_pages_resumes_without_loss(
    ctx: AppContext, order: str, paging: str
) -> None:
    CommentStub.order, CommentStub.paging = order, paging
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 100)
    ctx.inbox.collect()
    CommentStub.add("p1", 80)

    def stop_after_two(call: int) -> None:
        if len(CommentStub.list_calls) == 2:
            ctx.inbox.collector.cancelled.set()

    CommentStub.list_calls = []
    CommentStub.between_pages = stop_after_two
    ctx.inbox.collect()
    CommentStub.between_pages = None
    ctx.inbox.collector.cancelled.clear()
    for _run in range(3):
        ctx.inbox.collect()
    ids = stored_ids(ctx)
    assert len(ids) == len(set(ids)) == 180
