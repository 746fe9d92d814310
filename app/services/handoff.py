"""Native hand-off: giving a scheduled post to the network's own scheduler ahead of time,
so that it goes out even when this computer is off (issue 4; YouTube ``publishAt``,
issue 5).

An account opts in with the option :data:`NATIVE_HANDOFF` (``accounts.options``); its
network must say ``supports_handoff`` (see :class:`app.networks.base.Network`). A
scheduled delivery of such an account whose time is inside the network's window
``[now + handoff_min_seconds, now + handoff_max_seconds]`` is handed off: claimed
(``scheduled`` → ``publishing``, reason :data:`CLAIM_REASON`, written before the call),
then ``hand_off(post, due)``, then ``handed_off`` with the network's id. A lost answer
(UnknownOutcome) leaves it ``unconfirmed`` and is reconciled with ``find_published``
before anything is sent again.

While handed off, every change in Pregonero follows on the network: a new time
(``update_hand_off``; a time outside the window takes it back: deleted there, scheduled
here), an edit of the content (``update_hand_off``), back to draft / delete / account
removed / crisis pause (``cancel_hand_off``). After its time a sweep asks
``hand_off_status``: live → ``published`` with the permalink; not live past the grace
window → a warning, and it keeps checking; gone from the network → ``failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from app.errors import (
    AuthExpired,
    CredentialsError,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
    ValidationError,
)
from app.i18n import _
from app.models import Account, Delivery, DeliveryState, Post
from app.networks.base import Network, Published
from app.networks.registry import network_class
from app.services.checking import blocking
from app.services.publishing import RECONCILE_SLACK_SECONDS, PublishingService
from app.settings import PAUSED
from app.storage.variants import clear_progress, set_account_option
from app.timeutil import format_local

log = logging.getLogger(__name__)
S = DeliveryState

#: The account option (``accounts.options`` key, bool) that turns native hand-off on.
NATIVE_HANDOFF = "native_handoff"
#: Reason logged when a delivery is claimed to be handed off (not published here).
CLAIM_REASON = "claimed for hand-off"
#: How often (seconds) a handed-off delivery past its time is asked about.
STATUS_EVERY_SECONDS = 60.0
#: How long (seconds) a delivery whose hand-off failed waits before another try.
RETRY_SECONDS = 300.0


def handed_off_label(network_label: str) -> str:
    """What the queue and the calendar say about a handed-off delivery."""
    return _("Handed off to {network}: it goes out even if this computer is off.").format(
        network=network_label
    )


class HandOffService:
    """Hands posts off to networks and keeps their copies in step with Pregonero.

    Built on ``publishing`` (its store, accounts, clock, listener and delivery moves).
    ``on_schedule_changed`` re-arms the scheduler after a delivery comes back here.
    """

    def __init__(self, publishing: PublishingService) -> None:
        self.publishing = publishing
        self.store = publishing.store
        self.accounts = publishing.accounts
        self.clock = publishing.clock
        self.listener = publishing.listener
        self.on_schedule_changed = lambda: None
        #: delivery id -> aware UTC before which no hand-off is tried again.
        self._not_before: dict[int, datetime] = {}
        #: delivery id -> aware UTC of the last status question.
        self._asked_at: dict[int, datetime] = {}
        #: delivery ids already warned about being late on the network.
        self._warned: set[int] = set()
        #: Set by the runner: ``submit(delivery_id)`` hands off in a worker; None = inline.
        self.submit: Callable[[int], None] | None = None

    # -- the account option ----------------------------------------------------------
    @staticmethod
    def enabled(account: Account) -> bool:
        """True if the account has native hand-off on."""
        return account.options.get(NATIVE_HANDOFF) is True

    @staticmethod
    def supported(network: str) -> bool:
        """True if network ``network`` (registry key) can hold scheduled posts."""
        try:
            return bool(network_class(network).supports_handoff)
        except ValidationError:
            return False

    def set_enabled(self, account_id: int, on: bool) -> list[Delivery]:
        """Turn native hand-off on or off for an account (saved at once).

        Off: the posts the network holds are taken back (deleted there, scheduled here);
        returns those it could not take back (their network did not answer; they stay
        handed off). On: posts inside the window are handed off at the next sweep.
        Raises ValidationError if the account's network cannot take hand-offs.
        """
        account = self.store.get_account(account_id)
        if on and not self.supported(account.network):
            raise ValidationError(
                _("{network} cannot hold scheduled posts for Pregonero.").format(
                    network=network_class(account.network).label
                ),
                code="handoff_unsupported",
            )
        set_account_option(self.store, account_id, NATIVE_HANDOFF, True if on else None)
        stuck: list[Delivery] = []
        if not on:
            for delivery in self.store.deliveries_in({S.HANDED_OFF}, account_id=account_id):
                try:
                    self.withdraw(delivery, S.SCHEDULED, "native hand-off turned off")
                except ValidationError:
                    stuck.append(delivery)
        self.on_schedule_changed()
        return stuck

    # -- which deliveries --------------------------------------------------------------
    def client_class(self, delivery: Delivery) -> type[Network] | None:
        """The network class if ``delivery``'s account hands off and its network can."""
        try:
            account = self.store.get_account(delivery.account_id)
            if not self.enabled(account):
                return None
            cls = network_class(account.network)
        except (KeyError, ValidationError):
            return None
        return cls if cls.supports_handoff else None

    def in_window(self, cls: type[Network], due: datetime | None, now: datetime) -> bool:
        """True if ``due`` is inside the network's hand-off window seen from ``now``."""
        if due is None:
            return False
        ahead = (due - now).total_seconds()
        return cls.handoff_min_seconds <= ahead <= cls.handoff_max_seconds

    def was_hand_off(self, delivery: Delivery) -> bool:
        """True if the delivery's last claim was for a hand-off (not a publish)."""
        for event in reversed(self.store.events(delivery_id=delivery.id)):
            if event.to_state == S.PUBLISHING:
                return event.reason == CLAIM_REASON
        return False

    # -- sweeping ----------------------------------------------------------------------
    def consider(self, post_id: int) -> None:
        """Hand off the post's scheduled deliveries that can be (after scheduling): through
        :attr:`submit` when the runner set it (in the background, so the window never
        waits for an upload), else right here."""
        try:
            post = self.store.get_post(post_id)
        except KeyError:
            return
        handing = self._handing_accounts()
        for delivery in post.deliveries:
            if delivery.state == S.SCHEDULED and self._due_for_hand_off(delivery, handing):
                self._run(delivery.id)

    def _run(self, delivery_id: int) -> None:
        if self.submit is not None:
            self.submit(delivery_id)
            return
        try:
            self.hand_off(delivery_id)
        except Exception:  # noqa: BLE001 - the delivery keeps its state; logged
            log.exception("hand-off of delivery %s failed unexpectedly", delivery_id)

    def _handing_accounts(self) -> dict[int, type[Network]]:
        """``{account id: network class}`` of accounts with hand-off on, where it works."""
        found: dict[int, type[Network]] = {}
        for account in self.store.list_accounts():
            if not self.enabled(account):
                continue
            try:
                cls = network_class(account.network)
            except ValidationError:
                continue
            if cls.supports_handoff:
                found[account.id] = cls
        return found

    def _due_for_hand_off(self, delivery: Delivery, handing: dict[int, type[Network]]) -> bool:
        cls = handing.get(delivery.account_id)
        now = self.clock.now()
        if cls is None or not self.in_window(cls, delivery.due_at, now):
            return False
        wait = self._not_before.get(delivery.id)
        return wait is None or now >= wait

    def to_hand_off(self) -> list[int]:
        """Ids of scheduled deliveries to hand off now (inside their window, hand-off on,
        not waiting after a failed try). Empty while the crisis pause is on."""
        if self.store.get_setting(PAUSED.key):
            return []
        handing = self._handing_accounts()
        if not handing:
            return []
        return [
            d.id
            for d in self.store.deliveries_in({S.SCHEDULED})
            if self._due_for_hand_off(d, handing)
        ]

    def to_ask(self) -> list[int]:
        """Ids of handed-off deliveries past their time not asked about for
        :data:`STATUS_EVERY_SECONDS` (each is marked asked now)."""
        now = self.clock.now()
        ids = []
        for delivery in self.store.deliveries_in({S.HANDED_OFF}, due_before=now):
            asked = self._asked_at.get(delivery.id)
            if asked is not None and (now - asked).total_seconds() < STATUS_EVERY_SECONDS:
                continue
            self._asked_at[delivery.id] = now
            ids.append(delivery.id)
        return ids

    def sweep(self) -> None:
        """Hand off what entered its window and ask about handed-off posts past their
        time, here and now (the runner does the same in its workers)."""
        for delivery_id in self.to_hand_off():
            try:
                self.hand_off(delivery_id)
            except Exception:  # noqa: BLE001 - one bad delivery must not stop the sweep
                log.exception("hand-off of delivery %s failed unexpectedly", delivery_id)
        for delivery_id in self.to_ask():
            try:
                self.check_status(delivery_id)
            except Exception:  # noqa: BLE001 - one bad delivery must not stop the sweep
                log.exception("hand-off status of delivery %s failed", delivery_id)

    # -- handing off ---------------------------------------------------------------------
    def hand_off(self, delivery_id: int) -> DeliveryState:
        """Claim a scheduled delivery and give it to its network for its time.

        Returns the state afterwards: ``handed_off``; ``scheduled`` when the network could
        not take it (it is then published from this computer at its time, as usual);
        ``blocked``/``unconfirmed``/``failed`` as for a publish. Never raises for network
        or credential problems.
        """
        pub = self.publishing
        delivery = self.store.get_delivery(delivery_id)
        cls = self.client_class(delivery)
        now = self.clock.now()
        due = delivery.due_at
        if cls is None or due is None or delivery.state != S.SCHEDULED:
            return delivery.state
        try:
            post = self.store.get_post(delivery.post_id)
        except KeyError:
            return delivery.state
        if self._check_errors(post, due) or not self._can_hand_off(delivery, post, due):
            # Published from here at its time (where the checks run again and say why).
            self._not_before[delivery.id] = due
            return S.SCHEDULED
        if not pub._move(
            delivery,
            S.PUBLISHING,
            CLAIM_REASON,
            expect={S.SCHEDULED},
            claimed_at=now,
            attempts=delivery.attempts + 1,
        ):
            return self.store.get_delivery(delivery_id).state
        delivery = self.store.get_delivery(delivery_id)
        account = self.store.get_account(delivery.account_id)
        label = cls.label
        try:
            client = self.publishing.client_for(account)
            out = pub.outgoing_for(delivery, post, account.network)
            problems = client.validate(out)
            if problems:
                raise Rejected("; ".join(p.message for p in problems), code="invalid")
            result = client.hand_off(out, due)
        except UnknownOutcome as exc:
            return self._unconfirmed(delivery, label, exc)
        except Transient as exc:
            if exc.answered:
                return self._unconfirmed(delivery, label, exc)
            return self._back_here(delivery, label, exc, RETRY_SECONDS)
        except RateLimited as exc:
            return self._back_here(delivery, label, exc, max(exc.retry_after, RETRY_SECONDS))
        except (AuthExpired, CredentialsError) as exc:
            return pub._failed_attempt(delivery, account.id, exc)
        except Rejected as exc:
            # Not taken (too soon, unsupported media...): publish from here at its time.
            self._not_before[delivery.id] = due
            return self._back_here(delivery, label, exc, 0.0)
        except Exception as exc:  # noqa: BLE001 - a bug must not lose the delivery
            log.exception("hand-off of delivery %s failed", delivery.id)
            self._not_before[delivery.id] = due
            return self._back_here(delivery, label, exc, 0.0)
        self._handed_off(delivery, result.remote_id, result.permalink, label, {S.PUBLISHING})
        return S.HANDED_OFF

    def _can_hand_off(self, delivery: Delivery, post: Post, due: datetime) -> bool:
        """The client's offline ``can_hand_off(post, due)`` where it has one (Facebook:
        no videos or reels), else True."""
        try:
            account = self.store.get_account(delivery.account_id)
            cls = network_class(account.network)
        except (KeyError, ValidationError):
            return False
        check = getattr(cls, "can_hand_off", None)
        if not callable(check):
            return True
        try:
            client = self.publishing.client_for(account)
            out = self.publishing.outgoing_for(delivery, post, account.network)
            return bool(client.can_hand_off(out, due))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - when unsure, publish from here
            log.exception("can_hand_off of delivery %s", delivery.id)
            return False

    def _check_errors(self, post: Post, due: datetime) -> bool:
        checks = self.publishing.checks
        try:
            findings = checks.findings(post, due)
        except Exception:  # noqa: BLE001 - a bug in a check must not stop publishing
            log.exception("checks of post %s failed to run", post.id)
            return False
        return bool(blocking(findings, checks.overridden_codes(post.id)))

    def _handed_off(
        self,
        delivery: Delivery,
        remote_id: str,
        permalink: str,
        label: str,
        expect: set[DeliveryState],
    ) -> None:
        self._not_before.pop(delivery.id, None)
        self.publishing._move(
            delivery,
            S.HANDED_OFF,
            "handed off to the network",
            expect=expect,
            detail=f"{label} {remote_id}",
            remote_id=remote_id,
            permalink=permalink or None,
            last_error="",
        )

    def _back_here(
        self, delivery: Delivery, label: str, exc: Exception, retry_in: float
    ) -> DeliveryState:
        clear_progress(self.store, delivery.id)  # nothing of the hand-off is kept
        if retry_in > 0:
            self._not_before[delivery.id] = self.clock.now() + timedelta(seconds=retry_in)
        self.publishing._move(
            delivery,
            S.SCHEDULED,
            "not handed off; will publish from this computer",
            expect={S.PUBLISHING, S.UNCONFIRMED},
            detail=str(exc),
            last_error=_(
                "{network} could not take it ahead of time ({why}); Pregonero publishes it "
                "from this computer at its time, so leave Pregonero running."
            ).format(network=label, why=getattr(exc, "user_message", "") or exc),
        )
        self.on_schedule_changed()
        return S.SCHEDULED

    def _unconfirmed(self, delivery: Delivery, label: str, exc: Exception) -> DeliveryState:
        self.publishing._move(
            delivery,
            S.UNCONFIRMED,
            "hand-off outcome unknown",
            expect={S.PUBLISHING},
            detail=str(exc),
            last_error=_("No answer from {network}; checking whether it took the post.").format(
                network=label
            ),
        )
        return self.reconcile(delivery.id)

    def reconcile(self, delivery_id: int) -> DeliveryState:
        """Settle an ``unconfirmed`` hand-off: the network has it → ``handed_off``; it does
        not → ``scheduled`` (published from here at its time); the lookup fails → stays
        unconfirmed for the next sweep."""
        delivery = self.store.get_delivery(delivery_id)
        if delivery.state != S.UNCONFIRMED:
            return delivery.state
        try:
            post = self.store.get_post(delivery.post_id)
            account = self.store.get_account(delivery.account_id)
        except KeyError:
            return delivery.state
        label = account.network
        try:
            client = self.publishing.client_for(account)
            label = client.label
            since = (delivery.claimed_at or self.clock.now()) - timedelta(
                seconds=RECONCILE_SLACK_SECONDS
            )
            found = client.find_published(
                self.publishing.outgoing_for(delivery, post, account.network), since
            )
        except (NetworkError, CredentialsError) as exc:
            if isinstance(exc, AuthExpired):
                self.accounts.mark_needs_reconnect(account, exc.user_message or str(exc))
            log.warning("reconcile of hand-off %s failed: %s", delivery_id, exc)
            return S.UNCONFIRMED
        if found is not None:
            self._handed_off(delivery, found.remote_id, found.permalink, label, {S.UNCONFIRMED})
            return S.HANDED_OFF
        self._not_before[delivery.id] = self.clock.now() + timedelta(seconds=RETRY_SECONDS)
        return self._back_here(
            delivery,
            label,
            UnknownOutcome(_("{network} shows no such post").format(network=label)),
            0.0,
        )

    # -- after its time ------------------------------------------------------------------
    def check_status(self, delivery_id: int) -> DeliveryState:
        """Ask the network about a handed-off delivery: live → ``published`` with its
        permalink; gone → ``failed``; still waiting past the grace window → a warning
        (once) and it stays ``handed_off``. Network problems leave it as it is."""
        delivery = self.store.get_delivery(delivery_id)
        if delivery.state != S.HANDED_OFF or not delivery.remote_id:
            return delivery.state
        account = self.store.get_account(delivery.account_id)
        label = account.network
        try:
            client = self.publishing.client_for(account)
            label = client.label
            live = client.hand_off_status(delivery.remote_id)
        except Rejected as exc:
            if exc.code == "unsupported":
                log.warning("hand-off status of %s: %s", delivery_id, exc)
                return S.HANDED_OFF
            gone = exc.code == "handoff_gone"
            self.publishing._move(
                delivery,
                S.FAILED,
                "gone from the network" if gone else "refused by the network",
                expect={S.HANDED_OFF},
                detail=f"{exc.code} {exc}",
                last_error=_(
                    "{network} no longer has this post (it was deleted or refused there), so "
                    "it was not published. Schedule it again if it should still go out."
                ).format(network=label)
                if gone
                else (exc.user_message or str(exc)),
            )
            self._forget(delivery.id)
            return S.FAILED
        except (NetworkError, CredentialsError) as exc:
            if isinstance(exc, AuthExpired):
                self.accounts.mark_needs_reconnect(account, exc.user_message or str(exc))
            log.warning("hand-off status of %s: %s", delivery_id, exc)
            return S.HANDED_OFF
        if live is not None:
            if live.extra.get("locked_private") == "1":
                message = _(
                    "{network} kept it private instead of publishing it at its time: it is on "
                    "the account but nobody else can see it. Make it public there."
                ).format(network=label)
                self.publishing._move(
                    delivery,
                    S.FAILED,
                    "kept private by the network",
                    expect={S.HANDED_OFF},
                    detail=live.remote_id,
                    remote_id=live.remote_id or delivery.remote_id,
                    permalink=live.permalink,
                    last_error=message,
                )
                self._forget(delivery.id)
                return S.FAILED
            live = self._first_comment(client, delivery, live)
            self.publishing._move(
                delivery,
                S.PUBLISHED,
                "published by the network",
                expect={S.HANDED_OFF},
                detail=f"{live.remote_id}",
                remote_id=live.remote_id or delivery.remote_id,
                permalink=live.permalink,
                published_at=self.clock.now(),
                last_error=live.extra.get("first_comment_error", ""),
            )
            self._forget(delivery.id)
            return S.PUBLISHED
        now = self.clock.now()
        late = delivery.due_at is not None and (
            (now - delivery.due_at).total_seconds() > self.publishing.grace_seconds()
        )
        if late and delivery.id not in self._warned:
            self._warned.add(delivery.id)
            post = self.store.get_post(delivery.post_id)
            message = _(
                "{network} has not published the post due at {time} yet. Pregonero keeps "
                "checking; look at it on {network} if this lasts."
            ).format(network=label, time=format_local(delivery.due_at, post.tz))
            self.store.transition(
                delivery.id,
                S.HANDED_OFF,
                "not live yet on the network",
                now=now,
                expect={S.HANDED_OFF},
                detail=message,
                last_error=message,
            )
            self.listener.notice(message)
        return S.HANDED_OFF

    def _first_comment(self, client: Network, delivery: Delivery, live: Published) -> Published:
        """Post the first comment now that the network published the post, where the
        client does that separately (Facebook's ``add_first_comment``)."""
        add = getattr(client, "add_first_comment", None)
        if not callable(add):
            return live
        try:
            post = self.store.get_post(delivery.post_id)
            account = self.store.get_account(delivery.account_id)
            out = self.publishing.outgoing_for(delivery, post, account.network)
            if not out.options.first_comment.strip():
                return live
            result = add(out, live)
        except Exception:  # noqa: BLE001 - the post is live: never lose that
            log.exception("first comment of delivery %s", delivery.id)
            return live
        return result if isinstance(result, Published) else live

    def _forget(self, delivery_id: int) -> None:
        self._asked_at.pop(delivery_id, None)
        self._warned.discard(delivery_id)
        self._not_before.pop(delivery_id, None)

    # -- changes made in Pregonero -------------------------------------------------------
    def _client_for(self, delivery: Delivery) -> tuple[Network, Post, Account]:
        post = self.store.get_post(delivery.post_id)
        account = self.store.get_account(delivery.account_id)
        return self.publishing.client_for(account), post, account

    def _settle_if_live(self, delivery: Delivery, exc: Exception) -> None:
        """The network says the post is already live (``handoff_live``): record it as
        published (with its permalink) before telling the user it cannot change."""
        if isinstance(exc, Rejected) and exc.code == "handoff_live":
            try:
                self.check_status(delivery.id)
            except Exception:  # noqa: BLE001 - the next sweep settles it
                log.exception("settling live hand-off %s", delivery.id)

    def _refused(self, label: str, exc: Exception) -> ValidationError:
        why = getattr(exc, "user_message", "") or str(exc)
        return ValidationError(
            _(
                "{network} holds this post and could not be updated: {why}. Nothing was "
                "changed; try again when {network} answers."
            ).format(network=label, why=why),
            code="handoff_update_failed",
        )

    def moved(self, delivery: Delivery, new_due: datetime) -> None:
        """A handed-off delivery gets a new time: moved on the network when the time is
        inside its window, else taken back (deleted there, scheduled here at ``new_due``).

        Raises ValidationError when the network cannot be reached or refuses; the
        delivery then stays as it was.
        """
        delivery = self.store.get_delivery(delivery.id)
        if delivery.state != S.HANDED_OFF or not delivery.remote_id:
            return
        cls = self.client_class(delivery)
        now = self.clock.now()
        try:
            client, post, account = self._client_for(delivery)
            label = client.label
        except (KeyError, CredentialsError) as exc:
            raise self._refused(str(delivery.account_id), exc) from None
        try:
            if cls is not None and self.in_window(cls, new_due, now):
                out = self.publishing.outgoing_for(delivery, post, account.network)
                try:
                    client.update_hand_off(delivery.remote_id, out, new_due)
                except Rejected as exc:
                    if exc.code not in ("handoff_window", "handoff_replace"):
                        raise
                    # The network will not move it there: take it back (and, for a
                    # replace, hand the new version off again at the next sweep).
                    client.cancel_hand_off(delivery.remote_id)
                    self._back_to_scheduled(delivery, new_due, str(exc))
                    return
                self.store.transition(
                    delivery.id,
                    S.HANDED_OFF,
                    "moved on the network",
                    now=now,
                    expect={S.HANDED_OFF},
                    detail=new_due.isoformat(),
                    due_at=new_due,
                )
                self._forget(delivery.id)
                self.listener.delivery_changed(delivery.id, delivery.post_id, S.HANDED_OFF.value)
                return
            client.cancel_hand_off(delivery.remote_id)
        except (NetworkError, CredentialsError) as exc:
            self._settle_if_live(delivery, exc)
            raise self._refused(label, exc) from None
        self._back_to_scheduled(delivery, new_due, new_due.isoformat())

    def _back_to_scheduled(self, delivery: Delivery, new_due: datetime, detail: str) -> None:
        """After the network's copy was deleted: scheduled here at ``new_due``."""
        clear_progress(self.store, delivery.id)
        self.publishing._move(
            delivery,
            S.SCHEDULED,
            "taken back from the network: new time outside its window",
            expect={S.HANDED_OFF},
            detail=detail,
            due_at=new_due,
            remote_id=None,
            permalink=None,
            attempts=0,
        )
        self._forget(delivery.id)
        self.on_schedule_changed()

    def content_changed(self, post_id: int) -> None:
        """The post's content changed: update every copy networks hold. A copy that cannot
        be updated is taken back (published from here with the new content); if even that
        fails, the delivery keeps a warning and the user is told."""
        try:
            post = self.store.get_post(post_id)
        except KeyError:
            return
        for delivery in post.deliveries:
            if delivery.state != S.HANDED_OFF or not delivery.remote_id:
                continue
            try:
                client, post, account = self._client_for(delivery)
                label = client.label
            except (KeyError, CredentialsError) as exc:
                log.warning("cannot update hand-off %s: %s", delivery.id, exc)
                continue
            due = delivery.due_at or post.due_at
            assert due is not None
            try:
                out = self.publishing.outgoing_for(delivery, post, account.network)
                client.update_hand_off(delivery.remote_id, out, due)
                self.store.transition(
                    delivery.id,
                    S.HANDED_OFF,
                    "content updated on the network",
                    now=self.clock.now(),
                    expect={S.HANDED_OFF},
                )
                continue
            except (NetworkError, CredentialsError) as exc:
                failure: Exception = exc
            if isinstance(failure, Rejected) and failure.code == "handoff_live":
                self._settle_if_live(delivery, failure)  # already out: nothing to update
                self.listener.notice(str(failure.user_message or failure))
                continue
            try:
                client.cancel_hand_off(delivery.remote_id)
            except (NetworkError, CredentialsError) as exc:
                message = _(
                    "{network} still holds the old version of this post and could not be "
                    "updated ({why}). Edit or delete it on {network}."
                ).format(network=label, why=getattr(exc, "user_message", "") or exc)
                self.store.transition(
                    delivery.id,
                    S.HANDED_OFF,
                    "could not update on the network",
                    now=self.clock.now(),
                    expect={S.HANDED_OFF},
                    detail=str(failure),
                    last_error=message,
                )
                self.listener.notice(message)
                continue
            clear_progress(self.store, delivery.id)
            # "handoff_replace": the network cannot change that part (Facebook: the link);
            # the old copy is deleted and the new version handed off again.
            replace = isinstance(failure, Rejected) and failure.code == "handoff_replace"
            if not replace:
                self._not_before[delivery.id] = due
            self.publishing._move(
                delivery,
                S.SCHEDULED,
                "replaced on the network"
                if replace
                else "taken back from the network: could not update it there",
                expect={S.HANDED_OFF},
                detail=str(failure),
                remote_id=None,
                permalink=None,
                attempts=0,
            )
            if replace:
                self._run(delivery.id)
        self.on_schedule_changed()

    def withdraw(self, delivery: Delivery, to: DeliveryState, reason: str) -> bool:
        """Delete the network's copy of a handed-off delivery, then move it to ``to``.

        Returns False if it was no longer handed off. Raises ValidationError when the
        network cannot delete it; nothing changes then.
        """
        delivery = self.store.get_delivery(delivery.id)
        if delivery.state != S.HANDED_OFF:
            return False
        if delivery.remote_id:
            label = str(delivery.account_id)
            try:
                client, _post, _account = self._client_for(delivery)
                label = client.label
                client.cancel_hand_off(delivery.remote_id)
            except (KeyError, NetworkError, CredentialsError) as exc:
                self._settle_if_live(delivery, exc)
                raise ValidationError(
                    _(
                        "{network} holds this post and could not delete it: {why}. Nothing "
                        "was changed; try again when {network} answers."
                    ).format(network=label, why=getattr(exc, "user_message", "") or exc),
                    code="handoff_cancel_failed",
                ) from None
        clear_progress(self.store, delivery.id)
        fields: dict[str, object] = {"remote_id": None, "permalink": None}
        if to == S.SCHEDULED:
            fields["attempts"] = 0
        done = self.publishing._move(
            delivery,
            to,
            reason,
            expect={S.HANDED_OFF},
            detail=_("deleted from the network"),
            **fields,
        )
        self._forget(delivery.id)
        if to in (S.SCHEDULED, S.PAUSED):
            # Not handed off again until the user changes something (or the pause ends).
            self._not_before[delivery.id] = (
                delivery.due_at or self.clock.now() if to == S.SCHEDULED else self.clock.now()
            )
        self.on_schedule_changed()
        return done

    # -- reschedule (app/services/reschedule.py HandOffHook) ------------------------------
    def check_move(self, post: Post, delivery: Delivery, new_due: datetime) -> str:
        """Why the network's copy cannot move ("" = it can: moved there, or taken back
        when ``new_due`` is outside the network's window)."""
        return ""

    def apply_move(self, post: Post, delivery: Delivery, new_due: datetime) -> None:
        """Move the network's copy (see :meth:`moved`). Raises ValidationError."""
        self.moved(delivery, new_due)

    # -- crisis pause (app/services/pause.py) ---------------------------------------------
    def pull_back_all(self) -> tuple[list[Delivery], list[Delivery]]:
        """Delete every copy networks hold and pause them here (the crisis pause).

        Returns (paused, stuck): stuck ones could not be deleted (network unreachable)
        and stay handed off; the caller tells the user. Resuming the pause queues them
        again and the next sweep hands them off again.
        """
        paused: list[Delivery] = []
        stuck: list[Delivery] = []
        for delivery in self.store.deliveries_in({S.HANDED_OFF}):
            if delivery.due_at is not None and delivery.due_at <= self.clock.now():
                continue  # its time has passed: probably live already; the sweep settles it
            try:
                if self.withdraw(delivery, S.PAUSED, "crisis pause"):
                    paused.append(delivery)
            except ValidationError:
                stuck.append(delivery)
        for delivery in paused:
            self._not_before.pop(delivery.id, None)
        return paused, stuck
