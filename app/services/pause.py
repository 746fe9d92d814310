"""Crisis pause: one switch stops every pending delivery, and resuming asks about the late.

While paused (setting :data:`app.settings.PAUSED` holds when it was switched on):

* every ``scheduled`` delivery becomes ``paused`` (logged "crisis pause");
* a delivery that becomes ``scheduled`` meanwhile (a new post, an account reconnected
  from ``blocked``, a retry) is paused by :class:`PublishingService` when it falls due,
  so nothing goes out; ``blocked``, ``missed`` and ``failed`` ones already wait for the user;
* deliveries handed off to a network's own scheduler are deleted there and paused here
  (:meth:`PauseService.pull_back_handed_off`); one whose network cannot be reached stays
  handed off and the user is told to delete it on the network. Resuming queues them
  again, and they are handed off again when the scheduler next sweeps.

Resuming re-queues the paused deliveries still in the future and returns the ones that
became overdue; each waits (``paused``) until the user decides: publish now, a new time,
or back to draft (:meth:`PauseService.decide`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.clock import Clock
from app.errors import ValidationError
from app.events import PublishListener
from app.i18n import _, ngettext
from app.models import Delivery, DeliveryState
from app.settings import PAUSED
from app.storage.repository import Store
from app.timeutil import from_iso, to_iso

if TYPE_CHECKING:
    from app.services.handoff import HandOffService

S = DeliveryState
PAUSE_REASON = "crisis pause"


class Decision(StrEnum):
    """What to do with a delivery that became overdue during a pause."""

    PUBLISH_NOW = "publish_now"
    NEW_TIME = "new_time"
    DRAFT = "draft"


@dataclass(frozen=True)
class ResumeResult:
    """``resumed``: deliveries queued again at their time; ``overdue``: still paused,
    waiting for :meth:`PauseService.decide`."""

    resumed: list[Delivery]
    overdue: list[Delivery]


class PauseService:
    """The crisis pause of ``store``. ``on_schedule_changed`` re-arms the scheduler."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        listener: PublishListener,
        on_schedule_changed: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self.on_schedule_changed = on_schedule_changed or (lambda: None)
        #: The native hand-off service (set by AppContext); None = nothing handed off.
        self.handoffs: HandOffService | None = None

    def is_paused(self) -> bool:
        """True while the crisis pause is on."""
        return bool(self.store.get_setting(PAUSED.key))

    def paused_since(self) -> datetime | None:
        """When the pause was switched on (aware UTC), or None."""
        return from_iso(self.store.get_setting(PAUSED.key) or None)

    def pause(self) -> list[Delivery]:
        """Switch the pause on and pause every scheduled delivery; returns those paused."""
        now = self.clock.now()
        if not self.is_paused():
            self.store.set_setting(PAUSED.key, to_iso(now))
        paused = []
        for delivery in self.store.deliveries_in({S.SCHEDULED}):
            if self._move(delivery, S.PAUSED, PAUSE_REASON):
                paused.append(delivery)
        self.pull_back_handed_off()
        self.on_schedule_changed()
        return paused

    def pull_back_handed_off(self) -> list[Delivery]:
        """Delete the posts networks hold for later (native hand-off) there and pause them
        here; returns those paused. Those a network could not delete stay handed off and
        the user gets a notice naming them."""
        if self.handoffs is None:
            return []
        paused, stuck = self.handoffs.pull_back_all()
        if stuck:
            self.listener.notice(
                ngettext(
                    "Pause: {n} post already handed off to a network could not be taken "
                    "back (no answer). Delete it on the network, or try the pause again.",
                    "Pause: {n} posts already handed off to a network could not be taken "
                    "back (no answer). Delete them on the network, or try the pause again.",
                    len(stuck),
                ).format(n=len(stuck))
            )
        return paused

    def paused(self) -> list[Delivery]:
        """Every paused delivery of a live post, by time."""
        return self.store.deliveries_in({S.PAUSED})

    def resume(self) -> ResumeResult:
        """Switch the pause off; re-queue paused deliveries still in the future.

        Those whose time has passed stay paused and are returned as ``overdue``.
        """
        now = self.clock.now()
        self.store.set_setting(PAUSED.key, "")
        resumed, overdue = [], []
        for delivery in self.paused():
            if delivery.due_at is not None and delivery.due_at > now:
                if self._move(delivery, S.SCHEDULED, "crisis pause lifted"):
                    resumed.append(delivery)
            else:
                overdue.append(delivery)
        self.on_schedule_changed()
        return ResumeResult(resumed, overdue)

    def decide(self, delivery_id: int, decision: Decision, when: datetime | None = None) -> bool:
        """Settle a paused delivery: publish now, at ``when`` (aware, future) or back to draft.

        Returns False if it was no longer paused. Raises ValidationError for a missing or
        past ``when``.
        """
        delivery = self.store.get_delivery(delivery_id)
        now = self.clock.now()
        if decision == Decision.DRAFT:
            done = self._move(delivery, S.DRAFT, "kept as draft after the crisis pause")
        elif decision == Decision.PUBLISH_NOW:
            done = self._move(
                delivery, S.SCHEDULED, "publish now after the crisis pause", due_at=now
            )
        else:
            if when is None or when <= now:
                raise ValidationError(_("Choose a time in the future."), code="time_past")
            done = self._move(delivery, S.SCHEDULED, "new time after the crisis pause", due_at=when)
            if done:
                self.store.update_post(delivery.post_id, now=now, due_at=when)
        self.on_schedule_changed()
        return done

    def _move(self, delivery: Delivery, to: DeliveryState, reason: str, **fields: Any) -> bool:
        expect = {S.SCHEDULED} if to == S.PAUSED else {S.PAUSED}
        done = self.store.transition(
            delivery.id, to, reason, now=self.clock.now(), expect=expect, **fields
        )
        if done:
            self.listener.delivery_changed(delivery.id, delivery.post_id, to.value)
        return done
