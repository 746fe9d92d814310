"""An in-process network with comments, for the inbox logic (not HTTP).

Threads are paginated like the real APIs: ``order`` "oldest" (YouTube/LinkedIn-like) or
"newest" (Facebook ``reverse_chronological``); ``paging`` "keyed" (an opaque cursor
naming the last item seen, like Graph ``after``) or "offset" (LinkedIn ``start``).
``between_pages`` runs before each page is served (to add comments mid-walk).
Reply outcomes are scripted: "ok", "created-no-answer" (the reply exists but the
answer is lost), "not-allowed" (X's summon rule), or an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from app.errors import Rejected, UnknownOutcome
from app.networks.base import (
    AccountInfo,
    CommentPage,
    Limits,
    Network,
    OutgoingPost,
    Published,
    RemoteComment,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


class CommentStub(Network):
    """Comments per post (class-wide, reset by :meth:`reset`)."""

    key: ClassVar[str] = "facebook"
    label: ClassVar[str] = "Facebook"
    limits: ClassVar[Limits] = Limits(63206, 10, 10 * 1024 * 1024, frozenset({"JPEG"}), 600)
    supports_comments: ClassVar[bool] = True
    supports_hide: ClassVar[bool] = True

    threads: ClassVar[dict[str, list[RemoteComment]]] = {}
    order: ClassVar[str] = "oldest"
    paging: ClassVar[str] = "keyed"
    page_size: ClassVar[int] = 25
    recent: ClassVar[list[str]] = []
    between_pages: ClassVar[Callable[[int], None] | None] = None
    list_calls: ClassVar[list[tuple[str, str | None]]] = []
    list_errors: ClassVar[list[Exception]] = []
    reply_script: ClassVar[list[str | Exception]] = []
    replies: ClassVar[list[tuple[str, str, str]]] = []  # (reply id, parent id, text)
    find_error: ClassVar[Exception | None] = None
    hidden: ClassVar[set[str]] = set()
    seq: ClassVar[int] = 0

    @classmethod
    def reset(cls) -> None:
        cls.threads = {}
        cls.order = "oldest"
        cls.paging = "keyed"
        cls.page_size = 25
        cls.recent = []
        cls.between_pages = None
        cls.list_calls = []
        cls.list_errors = []
        cls.reply_script = []
        cls.replies = []
        cls.find_error = None
        cls.hidden = set()
        cls.seq = 0

    @classmethod
    def add(
        cls,
        post: str,
        n: int = 1,
        *,
        parent: str | None = None,
        author: str = "Citizen",
        own: bool = False,
    ) -> list[RemoteComment]:
        """Append ``n`` comments to ``post`` (each a minute after the previous one)."""
        made = []
        for _i in range(n):
            cls.seq += 1
            c = RemoteComment(
                remote_id=f"{post}_c{cls.seq}",
                post_remote_id=post,
                parent_remote_id=parent,
                author_name=f"{author} {cls.seq}",
                author_id=f"u{cls.seq}",
                text=f"Comment number {cls.seq}",
                created_at=T0 + timedelta(minutes=cls.seq),
                permalink=f"https://facebook.test/{post}?comment={cls.seq}",
                is_own=own,
            )
            cls.threads.setdefault(post, []).append(c)
            made.append(c)
        return made

    def verify(self) -> AccountInfo:
        return AccountInfo(self.remote_id, f"Page {self.remote_id}")

    def publish(self, post: OutgoingPost) -> Published:
        raise AssertionError("not used")

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        return None

    def recent_posts(self, limit: int = 10) -> list[str]:
        return list(self.recent)[:limit]

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        type(self).list_calls.append((post_remote_id, cursor))
        if self.list_errors:
            raise type(self).list_errors.pop(0)
        if self.between_pages is not None:
            type(self).between_pages(len(self.list_calls))  # type: ignore[misc]
        items = list(self.threads.get(post_remote_id, []))
        if self.order == "newest":
            items.reverse()
        if self.paging == "offset":
            start = int(cursor or 0)
        elif cursor is None:
            start = 0
        else:
            ids = [c.remote_id for c in items]
            start = ids.index(cursor) + 1
        page = items[start : start + self.page_size]
        end = start + len(page)
        if end >= len(items):
            return CommentPage(tuple(page), None)
        nxt = str(end) if self.paging == "offset" else page[-1].remote_id
        return CommentPage(tuple(page), nxt)

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        outcome = self.reply_script.pop(0) if self.reply_script else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        if outcome == "not-allowed":
            raise Rejected(
                "403 summon rule",
                user_message="Reply to this conversation is not allowed",
                code="reply_not_allowed",
            )
        type(self).seq += 1
        reply_id = f"r{self.seq}"
        type(self).replies.append((reply_id, comment.remote_id, text))
        if outcome == "created-no-answer":
            raise UnknownOutcome("no answer")
        return reply_id

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        if self.find_error:
            raise self.find_error
        for reply_id, parent, body in self.replies:
            if parent == comment.remote_id and body == text:
                return reply_id
        return None

    def hide_comment(self, comment: RemoteComment, hidden: bool = True) -> None:
        if hidden:
            type(self).hidden.add(comment.remote_id)
        else:
            type(self).hidden.discard(comment.remote_id)


class NoHideStub(CommentStub):
    """Like X: comments but no hiding."""

    key: ClassVar[str] = "x"
    label: ClassVar[str] = "X"
    supports_hide: ClassVar[bool] = False


def comment_factory(key: str, remote_id: str, token: str) -> Network:
    """A client factory for AppContext: X accounts get :class:`NoHideStub`."""
    assert token, "the token must come from the keyring"
    return NoHideStub(remote_id, token) if key == "x" else CommentStub(remote_id, token)


def add_account(ctx: object, network: str = "facebook", remote_id: str = "111", name: str = ""):  # type: ignore[no-untyped-def]
    """Add an account to an AppContext built with :func:`comment_factory` (token in keyring)."""
    from app.context import AppContext

    assert isinstance(ctx, AppContext)
    user = f"{network}:{remote_id}"
    ctx.credentials.set(user, f"tok-{remote_id}")
    return ctx.store.add_account(
        network=network,
        name=name or f"{network} {remote_id}",
        remote_id=remote_id,
        display_name=name or f"{network} {remote_id}",
        keyring_user=user,
        now=T0,
    )
