"""Publishing one delivery: the only caller of ``Network.publish``.

The never-publish-twice rule lives here: a delivery is claimed (``scheduled`` →
``publishing``) in the database before any network call and its outcome is written
right after. A call whose outcome is unknown (timeout after sending) leaves the
delivery ``unconfirmed``; it is reconciled with the network's feed before any
retry, and only re-queued when the network shows no such post.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.clock import Clock
from app.errors import (
    AppError,
    AuthExpired,
    CredentialsError,
    Duplicate,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
    ValidationError,
)
from app.events import PublishListener
from app.i18n import _, ngettext
from app.models import Account, Delivery, DeliveryState, Post
from app.networks.base import Network, OutgoingPost, Progress, Published
from app.networks.registry import network_class
from app.services.accounts import AccountService
from app.services.campaigns import rendered_outgoing
from app.services.checking import CheckService, blocking
from app.settings import PAUSED
from app.storage.repository import Store
from app.storage.variants import save_progress
from app.timeutil import format_local

if TYPE_CHECKING:
    from app.services.handoff import HandOffService

log = logging.getLogger(__name__)
S = DeliveryState

#: Waits (seconds) before retry 1, 2, 3 after a transient failure; then the delivery fails.
BACKOFF_SECONDS = (30.0, 120.0, 300.0)
#: How far back (seconds) before the claim a post found on the network still counts as ours.
RECONCILE_SLACK_SECONDS = 120.0


def published_warning(result: Published) -> str:
    """What the user should know about a post that did go out ("" = nothing): the first
    comment failed (``extra["first_comment_error"]``, already in the user's language), or
    the network kept a video private (``extra["locked_private"] == "1"``, YouTube)."""
    if result.extra.get("locked_private") == "1":
        return _(
            "The video was uploaded but the network kept it private: nobody else can see it"
            " yet. Make it public on the network."
        )
    return result.extra.get("first_comment_error", "")


class PublishingService:
    """Publishes due deliveries of ``store`` through the accounts' network clients."""

    def __init__(
        self,
        store: Store,
        accounts: AccountService,
        clock: Clock,
        listener: PublishListener,
        grace_seconds: Callable[[], float] = lambda: 600.0,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.clock = clock
        self.listener = listener
        self.grace_seconds = grace_seconds
        self.checks = CheckService(store, clock)
        #: The native hand-off service (set by AppContext); None = no hand-offs.
        self.handoffs: HandOffService | None = None
        #: Integration hooks ``setup(client, account) -> client`` run on every client
        #: built for publishing (e.g. giving an Instagram client its media host).
        self.client_setup: list[Callable[[Network, Account], Network]] = []
        #: Integration hooks ``done(client, post)`` run after a delivery was published
        #: from here (e.g. deleting files put on a media host); errors are only logged.
        self.after_published: list[Callable[[Network, OutgoingPost], object]] = []
        #: Hooks ``cleanup(client, post)`` for a delivery that will not go out as prepared
        #: (failed, missed, cancelled, back to draft): e.g. deleting photos a media host
        #: made public for Instagram. See :meth:`cleanup_abandoned`.
        self.after_abandoned: list[Callable[[Network, OutgoingPost], object]] = []

    def planned_at(self, delivery: Delivery) -> datetime | None:
        """When the user meant the delivery to go out: its post's time (aware UTC)."""
        try:
            return self.store.get_post(delivery.post_id).due_at or delivery.due_at
        except KeyError:
            return delivery.due_at

    def too_late(self, delivery: Delivery, at: datetime) -> bool:
        """True if publishing at ``at`` would be later than the grace window allows."""
        planned = self.planned_at(delivery)
        return planned is not None and (at - planned).total_seconds() > self.grace_seconds()

    def _missed_late(
        self,
        delivery: Delivery,
        expect: set[DeliveryState],
        why: str,
        at: datetime,
        network_said: str = "",
    ) -> DeliveryState:
        planned = self.planned_at(delivery)
        post = self.store.get_post(delivery.post_id)
        self._move(
            delivery,
            S.MISSED,
            "too late to publish",
            expect=expect,
            detail=f"{why} ({network_said})" if network_said else why,
            last_error=_(
                "Not published: it could not go out before {time}, more than {m} minutes after "
                "its time ({planned}). {why} Choose a new time or publish it now."
            ).format(
                time=format_local(at, post.tz),
                m=int(self.grace_seconds() // 60),
                planned=format_local(planned, post.tz),
                why=why,
            ),
        )
        return S.MISSED

    def _changed(self, delivery: Delivery, state: DeliveryState) -> None:
        self.listener.delivery_changed(delivery.id, delivery.post_id, state.value)

    def _move(
        self,
        delivery: Delivery,
        to: DeliveryState,
        reason: str,
        *,
        expect: set[DeliveryState],
        detail: str = "",
        **fields: object,
    ) -> bool:
        done = self.store.transition(
            delivery.id, to, reason, now=self.clock.now(), expect=expect, detail=detail, **fields
        )
        if done:
            log.info("delivery %s -> %s: %s %s", delivery.id, to.value, reason, detail)
            self._changed(delivery, to)
        return done

    def mark_missed(self, delivery: Delivery, grace_seconds: float) -> bool:
        """Mark a scheduled delivery missed (it is later than the grace window allows)."""
        minutes = max(1, int(grace_seconds // 60))
        return self._move(
            delivery,
            S.MISSED,
            "missed",
            expect={S.SCHEDULED},
            detail=ngettext(
                "It was due at a time when Pregonero was not running, more than {m} minute ago. "
                "It was not published; choose a new time or publish it now.",
                "It was due at a time when Pregonero was not running, more than {m} minutes ago. "
                "It was not published; choose a new time or publish it now.",
                minutes,
            ).format(m=minutes),
            last_error=_("Missed: not published at its time"),
        )

    def publish(self, delivery_id: int) -> DeliveryState:
        """Claim and publish one due delivery; returns its state afterwards.

        Never raises for network or credential problems: they become states
        (failed, blocked, unconfirmed, scheduled for a retry) with their reason.
        """
        delivery = self.store.get_delivery(delivery_id)
        now = self.clock.now()
        if self.store.get_setting(PAUSED.key) and self._move(
            delivery, S.PAUSED, "crisis pause", expect={S.SCHEDULED}
        ):
            return S.PAUSED
        if not self._move(
            delivery,
            S.PUBLISHING,
            "claimed for publishing",
            expect={S.SCHEDULED},
            claimed_at=now,
            attempts=delivery.attempts + 1,
        ):
            return self.store.get_delivery(delivery_id).state  # someone else has it
        delivery = self.store.get_delivery(delivery_id)
        try:
            post = self.store.get_post(delivery.post_id)
        except KeyError:
            self._move(delivery, S.FAILED, "post deleted", expect={S.PUBLISHING})
            return S.FAILED
        failed = self._recheck(delivery, post)
        if failed is not None:
            return failed
        account = self.store.get_account(delivery.account_id)
        try:
            client = self.client_for(account)
            out = self.outgoing_for(delivery, post, account.network)
            problems = client.validate(out)
            if problems:
                raise Rejected("; ".join(p.message for p in problems))
            result = client.publish(out)
        except UnknownOutcome as exc:
            self._move(
                delivery,
                S.UNCONFIRMED,
                "outcome unknown",
                expect={S.PUBLISHING},
                detail=str(exc),
                last_error=_("No answer from {network}; checking whether it was published.").format(
                    network=client.label
                ),
            )
            return self.reconcile(delivery_id)
        except Transient as exc:
            if not exc.answered:
                return self._failed_attempt(delivery, account.id, exc)
            # The network had the request: it may have published it. Look before resending.
            self._move(
                delivery,
                S.UNCONFIRMED,
                "temporary error after sending",
                expect={S.PUBLISHING},
                detail=str(exc),
                last_error=str(exc),
            )
            attempt = min(max(delivery.attempts, 1), len(BACKOFF_SECONDS))
            return self.reconcile(delivery_id, retry_in=BACKOFF_SECONDS[attempt - 1])
        except Duplicate as exc:
            return self._after_duplicate(delivery, client, post, exc)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a state
            return self._failed_attempt(delivery, account.id, exc)
        self._published(delivery, result, "published")
        self.accounts.note_ok(account.id)  # health: last successful call (issue 3)
        for hook in self.after_published:
            try:
                hook(client, out)
            except Exception:  # noqa: BLE001 - published is published; log only
                log.exception("after-published hook for delivery %s", delivery.id)
        return S.PUBLISHED

    def outgoing_for(self, delivery: Delivery, post: Post, network: str) -> OutgoingPost:
        """What ``delivery`` sends: the post's ``network`` variant with placeholders filled,
        its claim time, and its saved progress; ``progress.save()`` writes
        ``deliveries.progress`` of this delivery at once (its own transaction)."""
        out = rendered_outgoing(self.store, post, network)
        delivery_id = delivery.id

        def saver(data: dict[str, Any]) -> None:
            save_progress(self.store, delivery_id, data)

        return dataclasses.replace(
            out, claimed_at=delivery.claimed_at, progress=Progress(delivery.progress, saver)
        )

    def cleanup_abandoned(self) -> int:
        """Clean up after deliveries that will not go out as prepared: failed, missed,
        cancelled or back to draft, whose progress still lists files put on a media host
        (``progress["hosted"]``). The :attr:`after_abandoned` hooks delete them; the work
        prepared ahead is dropped (prepared again if the post is scheduled again); files
        that could not be deleted stay listed for the next call. Returns how many
        deliveries were handled. Network errors are only logged."""
        handled = 0
        for delivery in self.store.deliveries_in({S.FAILED, S.MISSED, S.CANCELLED, S.DRAFT}):
            if not delivery.progress.get("hosted"):
                continue
            try:
                account = self.store.get_account(delivery.account_id)
                post = self.store.get_post(delivery.post_id)
                client = self.client_for(account)
                out = self.outgoing_for(delivery, post, account.network)
            except (AppError, KeyError):
                log.info("clean-up of delivery %s postponed", delivery.id)
                continue
            for hook in self.after_abandoned:
                try:
                    hook(client, out)
                except Exception:  # noqa: BLE001 - tried again at the next call
                    log.exception("clean-up hook for delivery %s", delivery.id)
            left = out.progress.data.get("hosted") or []
            save_progress(self.store, delivery.id, {"hosted": left} if left else {})
            handled += 1
        return handled

    def client_for(self, account: Account) -> Network:
        """The network client of ``account`` for publishing, preparing and hand-offs: the
        one place to configure clients (integration hook, e.g. Instagram's media host).
        Raises CredentialsError when the token is missing from the keyring."""
        client = self.accounts.client(account)
        for setup in self.client_setup:
            client = setup(client, account)
        return client

    # -- preparing ahead -------------------------------------------------------------
    def prepare_lead_seconds(self, delivery: Delivery) -> int:
        """How long before its time the delivery's network wants :meth:`prepare` (seconds;
        0 = nothing to prepare, also for an unknown account or network). A client class
        with a ``lead_seconds_for(post)`` classmethod (Instagram: longer for videos) is
        asked about this delivery's post."""
        try:
            account = self.store.get_account(delivery.account_id)
            cls = network_class(account.network)
        except (KeyError, ValidationError):
            return 0
        lead = int(cls.prepare_lead_seconds)
        per_post = getattr(cls, "lead_seconds_for", None)
        if lead > 0 and callable(per_post):
            try:
                post = self.store.get_post(delivery.post_id)
                lead = int(per_post(self.outgoing_for(delivery, post, account.network)))
            except Exception:  # noqa: BLE001 - fall back to the class's lead
                log.exception("lead time of delivery %s", delivery.id)
        return lead

    def prepare(self, delivery_id: int) -> bool | None:
        """Do the slow part of a scheduled delivery ahead of its time (upload, container
        processing); never publishes. Returns True when ready, False when it should be
        tried again later (a temporary failure), None when there is nothing to do (not
        scheduled any more, paused) or the delivery changed state: refused by the network
        → ``failed`` now, with the network's message (the user sees it before its time);
        token expired → ``blocked``. Never raises for network or credential problems.
        """
        delivery = self.store.get_delivery(delivery_id)
        if delivery.state != S.SCHEDULED or self.store.get_setting(PAUSED.key):
            return None
        try:
            post = self.store.get_post(delivery.post_id)
        except KeyError:
            return None
        account = self.store.get_account(delivery.account_id)
        label = account.network
        try:
            client = self.client_for(account)
            label = client.label
            out = self.outgoing_for(delivery, post, account.network)
            problems = client.validate(out)
            if problems:
                raise Rejected("; ".join(p.message for p in problems), code="invalid")
            ready = client.prepare(out)
        except (AuthExpired, CredentialsError) as exc:
            reason = (
                str(exc) if isinstance(exc, CredentialsError) else (exc.user_message or str(exc))
            )
            self._move(
                delivery,
                S.BLOCKED,
                "account needs reconnect",
                expect={S.SCHEDULED},
                detail=reason,
                last_error=reason,
            )
            self.accounts.mark_needs_reconnect(account, reason)
            return None
        except Rejected as exc:
            message = _("{network} refused it while getting it ready: {why}").format(
                network=label, why=exc.user_message or exc
            )
            self._move(
                delivery,
                S.FAILED,
                "refused while preparing",
                expect={S.SCHEDULED},
                detail=f"{exc.code} {exc}",
                last_error=message,
            )
            return None
        except (Transient, RateLimited, UnknownOutcome, NetworkError) as exc:
            log.warning("preparing delivery %s: %s; will try again", delivery_id, exc)
            return False
        except Exception:  # noqa: BLE001 - a bug must not stop the scheduler
            log.exception("preparing delivery %s failed unexpectedly", delivery_id)
            return False
        return bool(ready)

    def _recheck(self, delivery: Delivery, post: Post) -> DeliveryState | None:
        """The careful-publishing checks once more, just before sending (a date may have
        become past since scheduling). An error not overridden fails the claimed delivery
        with the finding as its message: returns FAILED then, else None."""
        try:
            findings = self.checks.findings(post, self.clock.now())
        except Exception:  # noqa: BLE001 - a bug in a check must not stop publishing
            log.exception("pre-publish checks of post %s failed to run", post.id)
            return None
        errors = blocking(findings, self.checks.overridden_codes(post.id))
        if not errors:
            return None
        first = errors[0]
        self._move(
            delivery,
            S.FAILED,
            f"check failed: {first.code}",
            expect={S.PUBLISHING},
            detail="\n".join(f"{f.code}: {f.message}" for f in errors),
            last_error=first.message,
        )
        return S.FAILED

    def _published(self, delivery: Delivery, result: Published, reason: str) -> None:
        # The record keeps what went out (placeholders filled), not only the template.
        try:
            network = self.store.get_account(delivery.account_id).network
            sent = rendered_outgoing(
                self.store, self.store.get_post(delivery.post_id), network
            ).text
        except KeyError:
            sent = ""
        self._move(
            delivery,
            S.PUBLISHED,
            reason,
            expect={S.PUBLISHING, S.UNCONFIRMED},
            detail=f"{result.remote_id}\n{sent}".strip(),
            remote_id=result.remote_id,
            permalink=result.permalink,
            published_at=self.clock.now(),
            last_error=published_warning(result),
        )

    def _after_duplicate(
        self, delivery: Delivery, client: Network, post: Post, exc: Duplicate
    ) -> DeliveryState:
        try:
            found = self._find(client, post, delivery)
        except NetworkError:
            found = None
        if found is not None:
            found = self._first_comment(client, delivery, post, found)
            self._published(delivery, found, "network reported a duplicate; found it published")
            return S.PUBLISHED
        message = _("{network} refused it as a duplicate of an earlier post: {why}").format(
            network=client.label, why=exc.user_message or exc
        )
        self._move(
            delivery,
            S.FAILED,
            "duplicate",
            expect={S.PUBLISHING},
            detail=str(exc),
            last_error=message,
        )
        return S.FAILED

    def _first_comment(
        self, client: Network, delivery: Delivery, post: Post, found: Published
    ) -> Published:
        """A post found on the network after a lost answer still gets its first comment,
        where the client writes it separately (Facebook's ``add_first_comment``, once:
        it keeps ``first_comment_sent``/``first_comment_id`` in the delivery's progress).
        Never raises: the post is live whatever happens to the comment."""
        add = getattr(client, "add_first_comment", None)
        if not callable(add):
            return found
        try:
            fresh = self.store.get_delivery(delivery.id)  # progress saved by find_published
            network = self.store.get_account(delivery.account_id).network
            out = self.outgoing_for(fresh, post, network)
            if not out.options.first_comment.strip():
                return found
            result = add(out, found)
        except Exception:  # noqa: BLE001 - published is published; log only
            log.exception("first comment of delivery %s", delivery.id)
            return found
        return result if isinstance(result, Published) else found

    def _find(self, client: Network, post: Post, delivery: Delivery) -> Published | None:
        since = (delivery.claimed_at or self.clock.now()) - timedelta(
            seconds=RECONCILE_SLACK_SECONDS
        )
        network = self.store.get_account(delivery.account_id).network
        return client.find_published(self.outgoing_for(delivery, post, network), since)

    def _failed_attempt(self, delivery: Delivery, account_id: int, exc: Exception) -> DeliveryState:
        expect = {S.PUBLISHING, S.UNCONFIRMED}
        if isinstance(exc, AuthExpired | CredentialsError):
            # The user sees Pregonero's translated sentence; the record keeps the
            # network's own words too.
            reason = str(exc)
            network_words = "" if isinstance(exc, CredentialsError) else exc.user_message
            if network_words and network_words not in reason:
                reason = f"{reason} ({network_words})"
            self._move(
                delivery,
                S.BLOCKED,
                "account needs reconnect",
                expect=expect,
                detail=reason,
                last_error=reason,
            )
            self.accounts.mark_needs_reconnect(self.store.get_account(account_id), reason)
            return S.BLOCKED
        if isinstance(exc, RateLimited):
            at = self.clock.now() + timedelta(seconds=exc.retry_after)
            if self.too_late(delivery, at):
                return self._missed_late(
                    delivery,
                    expect,
                    _("The account reached the network's limit of posts published in 24 hours.")
                    if exc.code == "quota"  # a posts-per-24-hours limit (Instagram)
                    else _("The network asked Pregonero to wait (too many requests)."),
                    at,
                    str(exc),
                )
            self._move(
                delivery,
                S.SCHEDULED,
                "rate limited",
                expect=expect,
                detail=str(exc),
                due_at=at,
                last_error=str(exc),
            )
            return S.SCHEDULED
        if isinstance(exc, Transient):
            attempt = delivery.attempts
            if attempt <= len(BACKOFF_SECONDS):
                at = self.clock.now() + timedelta(seconds=BACKOFF_SECONDS[attempt - 1])
                if self.too_late(delivery, at):
                    return self._missed_late(
                        delivery,
                        expect,
                        _("The network had a temporary problem and did not take it in time."),
                        at,
                        str(exc),
                    )
                self._move(
                    delivery,
                    S.SCHEDULED,
                    "temporary failure, will retry",
                    expect=expect,
                    detail=str(exc),
                    due_at=at,
                    last_error=str(exc),
                )
                return S.SCHEDULED
            self._move(
                delivery,
                S.FAILED,
                "temporary failure, gave up",
                expect=expect,
                detail=str(exc),
                last_error=str(exc),
            )
            return S.FAILED
        if isinstance(exc, Rejected):
            message = exc.user_message or str(exc)
            # A post that exists although the attempt failed (LinkedIn cut its text short):
            # its id and permalink are recorded so it is never sent again blindly.
            exists = getattr(exc, "published", None)
            found = (
                {"remote_id": exists.remote_id, "permalink": exists.permalink}
                if isinstance(exists, Published)
                else {}
            )
            self._move(
                delivery,
                S.FAILED,
                "rejected by the network",
                expect=expect,
                detail=f"{exc.code} {exc}",
                last_error=message,
                **found,
            )
            return S.FAILED
        if isinstance(exc, NetworkError):
            self._move(
                delivery,
                S.FAILED,
                "network error",
                expect=expect,
                detail=str(exc),
                last_error=str(exc),
            )
            return S.FAILED
        log.exception("internal error publishing delivery %s", delivery.id)
        self._move(
            delivery,
            S.FAILED,
            "internal error",
            expect=expect,
            detail=f"{type(exc).__name__}: {exc}",
            last_error=_("Internal error in Pregonero: {what}. See the log.").format(
                what=type(exc).__name__
            ),
        )
        return S.FAILED

    def reconcile(self, delivery_id: int, retry_in: float = 0.0) -> DeliveryState:
        """Settle an ``unconfirmed`` delivery by looking for it on the network.

        Found → published. Not found → re-queued ``retry_in`` seconds from now (it is then
        safe to send again), or missed if that is later than the grace window allows.
        The lookup itself failing → stays unconfirmed for the next sweep.
        """
        delivery = self.store.get_delivery(delivery_id)
        if delivery.state != S.UNCONFIRMED:
            return delivery.state
        if self.handoffs is not None and self.handoffs.was_hand_off(delivery):
            return self.handoffs.reconcile(delivery_id)
        post = self.store.get_post(delivery.post_id)
        account = self.store.get_account(delivery.account_id)
        try:
            client = self.client_for(account)
            found = self._find(client, post, delivery)
        except UnknownOutcome as exc:
            # The network cannot say for sure: never guess, the user decides.
            self._move(
                delivery,
                S.FAILED,
                "could not confirm",
                expect={S.UNCONFIRMED},
                detail=str(exc),
                last_error=str(exc),
            )
            return S.FAILED
        except (NetworkError, CredentialsError) as exc:
            if isinstance(exc, AuthExpired):
                self.accounts.mark_needs_reconnect(account, exc.user_message or str(exc))
            log.warning("reconcile of delivery %s failed: %s", delivery_id, exc)
            history = self.store.events(delivery_id=delivery.id)
            if not history or history[-1].reason != "reconcile failed, will retry":
                # Once per outage, not once per sweep: the record stays readable.
                self.store.transition(
                    delivery.id,
                    S.UNCONFIRMED,
                    "reconcile failed, will retry",
                    now=self.clock.now(),
                    expect={S.UNCONFIRMED},
                    detail=str(exc),
                )
            return S.UNCONFIRMED
        if found is not None:
            found = self._first_comment(client, delivery, post, found)
            self._published(delivery, found, "reconciled: found on the network")
            self.accounts.note_ok(account.id)  # health: a reconciled post is a good call
            return S.PUBLISHED
        if delivery.attempts > len(BACKOFF_SECONDS):
            self._move(
                delivery,
                S.FAILED,
                "reconciled: not on the network, gave up",
                expect={S.UNCONFIRMED},
                last_error=_("{network} did not answer after {n} attempts.").format(
                    network=client.label, n=delivery.attempts
                ),
            )
            return S.FAILED
        at = self.clock.now() + timedelta(seconds=retry_in)
        if self.too_late(delivery, at):
            return self._missed_late(
                delivery,
                {S.UNCONFIRMED},
                _("{network} shows no such post, so it was not published.").format(
                    network=client.label
                ),
                at,
            )
        self._move(
            delivery,
            S.SCHEDULED,
            "reconciled: not on the network, retrying",
            expect={S.UNCONFIRMED},
            due_at=at,
        )
        return S.SCHEDULED

    def due(self, now: datetime) -> list[Delivery]:
        """Scheduled deliveries due at or before ``now``."""
        return self.store.deliveries_in({S.SCHEDULED}, due_before=now)

    def unconfirmed(self) -> list[Delivery]:
        """Deliveries whose outcome is still unknown."""
        return self.store.deliveries_in({S.UNCONFIRMED})
