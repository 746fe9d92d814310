"""Collecting comments in the background, incrementally, without ever duplicating one.

For every account whose client ``supports_comments``: the posts we published there
(recent deliveries) plus the account's :meth:`Network.recent_posts`. Each post is
walked page by page with :meth:`Network.list_comments`:

* A first walk resumes from the saved ``cursor`` after each page, until the end.
* Later walks must survive cursors that move when new comments arrive (newest-first
  lists such as Facebook's ``reverse_chronological``; offset paging such as
  LinkedIn's ``start``). So a later walk re-reads from the last *safe* point: the first
  page, going on while pages bring something new (new items of a newest-first list
  are at the front), then the page that ended the last walk (``tail_cursor``: new
  items of an oldest-first list are at the end), to the end. Pages read twice cost
  nothing: comments are unique per account (insert-or-ignore).

Rate limits: a RateLimited account is left alone for ``retry_after`` seconds. An
expired token marks the account "needs reconnect" like publishing does. One failing
account never stops the others. Contracts: shared docs/platforms.md, "Comments".
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.clock import Clock
from app.errors import AuthExpired, CredentialsError, NetworkError, RateLimited
from app.models import Account
from app.networks.base import CommentPage, Network
from app.services.accounts import AccountService
from app.storage.inbox import InboxStore, PostCursor

log = logging.getLogger(__name__)

#: Our posts are watched for comments this long after they were published (seconds).
WATCH_SECONDS = 30 * 86400
#: How many of the account's latest posts are watched besides ours.
RECENT_POSTS = 10
#: At most this many pages per post and run (the rest comes at the next run).
MAX_PAGES_PER_POST = 40
#: Older posts are asked less often: (watched for less than N seconds, ask at most every
#: M seconds). Fewer calls within the rate limits, and fewer billed reads on X.
POLL_STEPS: tuple[tuple[float, float], ...] = ((2 * 86400, 0.0), (7 * 86400, 3600.0))
POLL_OLD_SECONDS = 6 * 3600.0


def poll_interval(watched_seconds: float) -> float:
    """Least seconds between two reads of a post watched for ``watched_seconds``."""
    for age, interval in POLL_STEPS:
        if watched_seconds < age:
            return interval
    return POLL_OLD_SECONDS


@dataclass
class CollectResult:
    """What one run collected: new comment ids, per-account errors (translated text),
    and accounts skipped because of a rate limit (account id -> aware UTC resume time)."""

    new_ids: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    waiting: dict[int, datetime] = field(default_factory=dict)
    pages: int = 0


class Collector:
    """Collects the comments of every account of ``accounts`` into ``inbox``."""

    def __init__(
        self,
        inbox: InboxStore,
        accounts: AccountService,
        clock: Clock,
        *,
        watch_seconds: float = WATCH_SECONDS,
        recent_posts: int = RECENT_POSTS,
        max_pages: int = MAX_PAGES_PER_POST,
    ) -> None:
        self.inbox = inbox
        self.accounts = accounts
        self.clock = clock
        self.watch_seconds = watch_seconds
        self.recent_posts = recent_posts
        self.max_pages = max_pages
        #: account id -> aware UTC instant before which the account is not asked again.
        self.not_before: dict[int, datetime] = {}
        self._lock = threading.Lock()
        #: Set to stop a run between two pages (the program is quitting); cleared by the
        #: next :meth:`collect_all`'s owner (see schedulers/inbox_jobs.py).
        self.cancelled = threading.Event()

    def collect_all(self, force: bool = False) -> CollectResult:
        """One collection run over every usable account (never raises NetworkError).

        Older posts are skipped until their :func:`poll_interval` passed, unless ``force``
        (the user asked to check now)."""
        result = CollectResult()
        if not self._lock.acquire(blocking=False):
            return result  # a run is already going on (the timer and a manual refresh)
        try:
            for account in self.accounts.list():
                if self.cancelled.is_set():
                    break
                if account.status != "ok":
                    continue
                self._collect_account(account, result, force)
        finally:
            self._lock.release()
        return result

    def collect_account(self, account: Account, force: bool = True) -> CollectResult:
        """One run over ``account`` only."""
        result = CollectResult()
        with self._lock:
            self._collect_account(account, result, force)
        return result

    def _collect_account(self, account: Account, result: CollectResult, force: bool) -> None:
        now = self.clock.now()
        wait_until = self.not_before.get(account.id)
        if wait_until is not None and now < wait_until:
            result.waiting[account.id] = wait_until
            return
        try:
            client = self.accounts.client(account)
            if not client.supports_comments:
                return
            for delivery_id, post_id in self._posts(account, client):
                if self.cancelled.is_set():
                    return
                result.new_ids += self.collect_post(
                    account, client, post_id, delivery_id, result, force=force
                )
        except RateLimited as exc:
            until = self.clock.now() + timedelta(seconds=max(1.0, exc.retry_after))
            self.not_before[account.id] = until
            result.waiting[account.id] = until
            log.info("comments of account %s: rate limited until %s", account.id, until)
        except (AuthExpired, CredentialsError) as exc:
            reason = getattr(exc, "user_message", "") or str(exc)
            self.accounts.mark_needs_reconnect(account, reason)
            result.errors[account.id] = reason
        except NetworkError as exc:
            result.errors[account.id] = exc.user_message or str(exc)
            log.warning("comments of account %s: %s", account.id, exc)
        except Exception as exc:  # noqa: BLE001 - one broken account never stops the others
            result.errors[account.id] = str(exc)
            log.exception("collecting comments of account %s failed", account.id)

    def _posts(self, account: Account, client: Network) -> list[tuple[int | None, str]]:
        since = self.clock.now() - timedelta(seconds=self.watch_seconds)
        posts: list[tuple[int | None, str]] = list(self.inbox.published_posts(account.id, since))
        seen = {remote for _d, remote in posts}
        if self.recent_posts > 0:
            for remote in client.recent_posts(self.recent_posts):
                if remote not in seen:
                    seen.add(remote)
                    posts.append((self.inbox.delivery_for_remote(account.id, remote), remote))
        return posts

    def collect_post(
        self,
        account: Account,
        client: Network,
        post_remote_id: str,
        delivery_id: int | None = None,
        result: CollectResult | None = None,
        *,
        force: bool = True,
    ) -> list[int]:
        """Collect what is new on one post; returns the new comment ids.

        Without ``force`` a post read less than :func:`poll_interval` ago is skipped.
        Raises the client's NetworkError (the cursor saved so far is kept).
        """
        result = result if result is not None else CollectResult()
        now = self.clock.now()
        state = self.inbox.post_cursor(account.id, post_remote_id, delivery_id, now)
        if not force and state.complete and state.last_fetched_at and state.first_seen_at:
            watched = (now - state.first_seen_at).total_seconds()
            if (now - state.last_fetched_at).total_seconds() < poll_interval(watched):
                return []
        if not state.complete:
            return self._walk(account, client, state, state.cursor, result, first=True)[0]
        # A later walk: the front first (newest-first lists), then the old tail.
        new, stop = self._walk(
            account, client, state, None, result, first=False, stop_on_known=True
        )
        if stop == "known" and state.tail_cursor is not None:
            new += self._walk(account, client, state, state.tail_cursor, result, first=False)[0]
        return new

    def _walk(
        self,
        account: Account,
        client: Network,
        state: PostCursor,
        cursor: str | None,
        result: CollectResult,
        *,
        first: bool,
        stop_on_known: bool = False,
    ) -> tuple[list[int], str]:
        """Read pages from ``cursor``; returns (new ids, why it stopped: "end", "known"
        (a page of known comments), "limit" (:attr:`max_pages` or stopped between pages) or
        "cancelled" (stopped before the first page))."""
        new: list[int] = []
        for n in range(self.max_pages):
            if self.cancelled.is_set():
                if n == 0:
                    return new, "cancelled"
                break  # saved below like a page limit: the next run resumes here
            page: CommentPage = client.list_comments(state.post_remote_id, cursor)
            result.pages += 1
            comments = list(page.comments)
            known = self.inbox.known_remote_ids(account.id, (c.remote_id for c in comments))
            added = self.inbox.add_comments(
                account.id, account.network, state.delivery_id, comments, self.clock.now()
            )
            new += added
            now = self.clock.now()
            if page.next_cursor is None:
                # The end: remember which page ended it (new items of oldest-first lists).
                self.inbox.save_cursor(
                    state.id, now=now, cursor=None, tail_cursor=cursor, set_tail=True, complete=True
                )
                return new, "end"
            if first:
                self.inbox.save_cursor(state.id, now=now, cursor=page.next_cursor)
            if stop_on_known and (known or not comments):
                self.inbox.save_cursor(state.id, now=now, cursor=None)
                return new, "known"
            cursor = page.next_cursor
        if not first:
            # More new pages than one run reads: finish as a first walk from here next time.
            self.inbox.save_cursor(state.id, now=self.clock.now(), cursor=cursor, complete=False)
        return new, "limit"
