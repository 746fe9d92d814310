"""Issue 10 end to end: the comments inbox against each network's REAL client and strict fake.

``AppContext(client_factory=create_client)`` with ``PREGONERO_<NETWORK>_API`` pointing at
the running fake, an account whose token is in the (memory) keyring, a post published by
the network client, citizens' comments seeded through the fake's control API, then the
inbox services: ``collect``, ``reply``, ``mark_handled``, export and purge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.models import Account
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions, Progress
from app.networks.registry import create_client
from app.storage.inbox import OPEN, Comment, CommentFilter
from tests.fakes.graph import running_graph
from tests.fakes.linkedin import DEFAULT_ORG, DEFAULT_TOKEN, running_linkedin
from tests.fakes.x import running_x
from tests.fakes.youtube import running_youtube

pytestmark = pytest.mark.e2e

PAGE, FB_TOKEN = "1001", "EAAfake-page-token-inbox-secret"
X_USER, X_TOKEN = "1500000000000000001", "x-token-inbox-secret"
LI_ORG, LI_TOKEN = f"urn:li:organization:{DEFAULT_ORG}", DEFAULT_TOKEN
CHANNEL, YT_TOKEN = "UCinboxChannel000000000001", "ya29.inbox-secret-token"
NETWORKS = ("facebook", "x", "linkedin", "youtube")


@dataclass
class Net:
    """One network's fake as the tests drive it (what a citizen does, and what it holds)."""

    key: str
    fake: Any
    clock: FixedClock
    remote_id: str
    token: str
    post: str = ""
    people: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    # -- what citizens do ------------------------------------------------------------
    def comment(self, text: str, parent: str | None = None) -> str:
        """A citizen comments (or answers ``parent``) one second after the last one."""
        self.clock.advance(1)
        self.people += 1
        n = self.people
        if self.key == "facebook":
            return str(
                self.fake.add_comment(
                    self.post, text, author=(f"77{n:05d}", f"Persona {n}"), parent=parent
                )
            )
        if self.key == "x":
            return str(
                self.fake.add_reply(
                    parent or self.post,
                    text,
                    author_id=f"9{n:06d}",
                    username=f"persona{n}",
                    name=f"Persona {n}",
                )
            )
        if self.key == "linkedin":
            return str(self.fake.add_comment(self.post, f"urn:li:person:p{n}", text, parent))
        return str(
            self.fake.add_comment(
                self.post,
                text,
                author_name=f"Persona {n}",
                author_id=f"UCperson{n:016d}",
                parent_id=parent,
            )
        )

    # -- faults ----------------------------------------------------------------------
    def drop_reply_after_create(self) -> None:
        """The next reply is stored by the network, then the connection closes unanswered."""
        if self.key == "x":
            self.fake.drop_after_create_next(r"^/2/tweets$")
        else:
            self.fake.drop_after_create_next(r"/comments$")

    # -- what the network holds ------------------------------------------------------
    def own_replies(self) -> list[tuple[str, str]]:
        """(comment answered, text) of every reply the account wrote on the post."""
        if self.key == "facebook":
            return [
                (c["parent_id"], c["message"])
                for c in self.fake.comments(self.post)
                if c["author"] and c["author"][0] == PAGE
            ]
        if self.key == "x":
            return [(t["reply_to"], t["text"]) for t in self.fake.tweets(X_USER) if t["reply_to"]]
        if self.key == "linkedin":
            return [
                (c["parent"], c["text"])
                for c in self.fake.comments()
                if c["actor"] == LI_ORG and c["post_urn"] == self.post
            ]
        return [
            (c["parent_id"], c["text"])
            for c in self.fake.comments(self.post)
            if c["author_id"] == CHANNEL
        ]


def _video(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(hashlib.sha256(b"pregonero").digest() * 2048)
    return path


def _fake(key: str, epoch: Callable[[], float]) -> AbstractContextManager[Any]:
    if key == "facebook":
        return running_graph({PAGE: FB_TOKEN}, clock=epoch)
    if key == "x":
        return running_x({X_USER: X_TOKEN}, clock=epoch)
    if key == "linkedin":
        return running_linkedin(processing_polls=0, clock=epoch)
    return running_youtube({CHANNEL: YT_TOKEN}, clock=epoch)


def _account(ctx: AppContext, key: str, remote_id: str, token: str) -> Account:
    user = f"{key}:{remote_id}"
    ctx.credentials.set(user, token)
    return ctx.store.add_account(
        network=key,
        name=f"Empleo {key}",
        remote_id=remote_id,
        display_name="Agencia Regional de Empleo",
        keyring_user=user,
        now=ctx.clock.now(),
    )


@pytest.fixture(params=NETWORKS)
def net(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppContext, Net]]:
    key: str = request.param
    # Real time (rounded): the clients' own read windows (X's 7-day search) agree with it.
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
    remote_id, token = {
        "facebook": (PAGE, FB_TOKEN),
        "x": (X_USER, X_TOKEN),
        "linkedin": (LI_ORG, LI_TOKEN),
        "youtube": (CHANNEL, YT_TOKEN),
    }[key]
    with _fake(key, lambda: clock.now().timestamp()) as fake:
        if key == "x":
            fake.add_user(X_USER, X_TOKEN, "empleo_region", "Agencia Regional de Empleo")
        monkeypatch.setenv(f"PREGONERO_{key.upper()}_API", fake.url)
        ctx = AppContext(tmp_path / "p.sqlite3", clock=clock, client_factory=create_client)
        try:
            _account(ctx, key, remote_id, token)
            client = create_client(key, remote_id, token, timeout=10)
            if key == "youtube":
                path = _video(tmp_path)
                post = OutgoingPost(
                    "Tutorial: cómo inscribirte en los cursos de primavera.",
                    media=(OutgoingMedia(path, "", "video/mp4", path.stat().st_size),),
                    options=PostOptions(kind="video", title="Cursos de primavera"),
                    progress=Progress(),
                )
            else:
                post = OutgoingPost("Abierta la inscripción a los cursos de primavera.")
            published = client.publish(post)
            clock.advance(60)
            yield ctx, Net(key, fake, clock, remote_id, token, post=published.remote_id)
        finally:
            ctx.close()


def comments(ctx: AppContext, *, own: bool = False) -> list[Comment]:
    return ctx.inbox.comments(CommentFilter(include_own=own))


def by_remote(ctx: AppContext) -> dict[str, Comment]:
    everything = comments(ctx, own=True)
    found = {c.remote_id: c for c in everything}
    assert len(found) == len(everything), "a comment was stored twice"
    return found


def seed_thread(n: Net, count: int) -> list[str]:
    """``count`` comments: mostly top-level, every fifth one a reply to an earlier one."""
    ids: list[str] = []
    tops: list[str] = []
    for i in range(count):
        if i % 5 == 4:
            ids.append(n.comment(f"Respuesta {i}: gracias por la información", parent=tops[-1]))
        else:
            ids.append(n.comment(f"Pregunta {i}: ¿hasta cuándo hay plazo?"))
            tops.append(ids[-1])
    return ids


# ------------------------------------------------------------------ pagination


def test_two_hundred_comments_across_pages_are_collected_once(
    net: tuple[AppContext, Net],
) -> None:
    ctx, n = net
    ids = seed_thread(n, 200)
    result = ctx.inbox.collect(force=True)
    assert not result.errors, result.errors
    assert result.pages >= 2, "200 comments must come in more than one page"
    stored = by_remote(ctx)
    assert set(stored) == set(ids)
    assert len(result.new_ids) == 200
    assert all(c.state == OPEN for c in stored.values())
    # Replies keep their thread.
    replies = [c for c in stored.values() if c.parent_remote_id]
    assert len(replies) == 40
    # A second run brings nothing new and stores nothing twice.
    again = ctx.inbox.collect(force=True)
    assert again.new_ids == [] and not again.errors
    assert set(by_remote(ctx)) == set(ids)


def test_comments_arriving_between_two_runs_are_collected(net: tuple[AppContext, Net]) -> None:
    ctx, n = net
    ids = seed_thread(n, 350)  # three pages of YouTube threads, more of the others
    assert not ctx.inbox.collect(force=True).errors
    # New top-level comments, and new answers in old threads (first, middle and last).
    old_tops = [i for i in ids if by_remote(ctx)[i].parent_remote_id is None]
    later = [n.comment(f"Nueva pregunta {i}") for i in range(7)]
    for k, top in enumerate((old_tops[0], old_tops[len(old_tops) // 2], old_tops[-1])):
        later.append(n.comment(f"Yo tampoco lo encuentro ({k})", parent=top))
    result = ctx.inbox.collect(force=True)
    assert not result.errors, result.errors
    stored = by_remote(ctx)
    missing = set(ids + later) - set(stored)
    assert not missing, f"{len(missing)} comments never collected"
    assert set(stored) == set(ids + later)
    assert sorted(result.new_ids) == sorted(stored[r].id for r in later)


def test_comments_arriving_during_a_walk_are_collected(
    net: tuple[AppContext, Net], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, n = net
    ids = seed_thread(n, 200)
    cls = type(ctx.accounts.client(ctx.accounts.list()[0]))
    original = cls.list_comments
    arrived: list[str] = []

    def list_then_someone_comments(self: Any, post: str, cursor: str | None = None) -> Any:
        page = original(self, post, cursor)
        if len(arrived) < 6:  # a comment and an answer to the first one after each page
            arrived.append(n.comment(f"Llego tarde {len(arrived)}"))
            arrived.append(n.comment(f"Respuesta tardía {len(arrived)}", parent=ids[0]))
        return page

    monkeypatch.setattr(cls, "list_comments", list_then_someone_comments)
    assert not ctx.inbox.collect(force=True).errors
    monkeypatch.setattr(cls, "list_comments", original)
    assert not ctx.inbox.collect(force=True).errors
    stored = by_remote(ctx)
    assert set(stored) == set(ids + arrived)
