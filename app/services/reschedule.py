"""Moving planned posts: preview first, then apply; every move can be undone.

Every operation builds a :class:`MovePlan` (nothing changes): one :class:`Move` per
post with its old and new time, or the reason it cannot move. :meth:`RescheduleService.apply`
then writes the movable ones: queued deliveries go SCHEDULED -> SCHEDULED through
:meth:`Store.transition` with a "moved from … to …" reason, so the publication record
keeps every move. :meth:`RescheduleService.inverse` gives the plan that undoes an
applied one.

Time arithmetic is wall-clock in the post's zone (``Post.tz``): "move 7 days" keeps
09:00 at 09:00 across a DST change. A new time in the past, or one that DST skips,
is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from app.clock import Clock
from app.errors import AppError, ValidationError
from app.events import PublishListener
from app.i18n import _, ngettext
from app.models import Delivery, DeliveryState, KeyDate, Post
from app.placeholders import literal_mentions, long_date
from app.services.checking import CheckService
from app.storage import planning
from app.storage.repository import Store
from app.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    format_local,
    local_to_utc,
)
from app.timeutil import zone as _zone
from app.workdays import HolidayCalendar

S = DeliveryState
#: Delivery states that mean the post (or part of it) is out or going out: never moved.
GONE = frozenset({S.PUBLISHING, S.PUBLISHED, S.UNCONFIRMED})
#: Delivery states whose ``due_at`` is rewritten by a move (SCHEDULED -> SCHEDULED).
QUEUED = frozenset({S.SCHEDULED})


class HandOffHook(Protocol):
    """What a move does to a delivery a network already holds (``handed_off``).

    Implemented by :class:`app.services.handoff.HandOffService` (AppContext sets it):
    moved on the network, or taken back when the new time leaves its window.
    """

    def check_move(self, post: Post, delivery: Delivery, new_due: datetime) -> str:
        """Why the network's copy cannot move to ``new_due`` ("" = it can)."""
        ...

    def apply_move(self, post: Post, delivery: Delivery, new_due: datetime) -> None:
        """Move the network's copy. Raises AppError (e.g. NetworkError) if it fails."""
        ...


class NoHandOff:
    """The hand-off hook while no network holds posts natively: such moves are refused."""

    def check_move(self, post: Post, delivery: Delivery, new_due: datetime) -> str:
        """Always a reason: moving a copy held by a network is not supported yet."""
        return _("The network already holds this post; moving it there is not supported yet.")

    def apply_move(self, post: Post, delivery: Delivery, new_due: datetime) -> None:
        """Never called (``check_move`` refuses); raises ValidationError if it is."""
        raise ValidationError(self.check_move(post, delivery, new_due), code="handed_off")


@dataclass(frozen=True)
class Move:
    """One post in a plan.

    ``old_due``/``new_due``: aware UTC (``new_due`` None when it cannot move);
    ``problem``: why it will not move ("" = it will); ``note``: something to know
    (e.g. a repeated DST hour); ``review``: the text still names the old date
    (stored on the post as ``review_note`` when applied; None = leave the note as is);
    ``pin``: new (offset days, "HH:MM") for a post pinned to a key date, else None.
    """

    post_id: int
    text: str
    tz: str
    old_due: datetime | None
    new_due: datetime | None
    problem: str = ""
    note: str = ""
    review: str | None = None
    old_review: str = ""
    pin: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        """True if the post will move."""
        return not self.problem and self.new_due is not None

    @property
    def changes(self) -> bool:
        """True if applying changes something (a different time or review note)."""
        return self.ok and (self.new_due != self.old_due or self.review is not None)


@dataclass(frozen=True)
class KeyDateChange:
    """A campaign key date moving from ``old`` to ``new`` (calendar dates)."""

    key_date_id: int
    campaign_id: int
    name: str
    old: date
    new: date


@dataclass(frozen=True)
class MovePlan:
    """What a move would do: ``moves`` one per post, optionally a key date change."""

    description: str
    moves: tuple[Move, ...] = ()
    key_date: KeyDateChange | None = None

    @property
    def movable(self) -> list[Move]:
        """The moves that will be applied."""
        return [m for m in self.moves if m.ok]

    @property
    def refused(self) -> list[Move]:
        """The posts that will stay where they are, each with its ``problem``."""
        return [m for m in self.moves if not m.ok]

    @property
    def empty(self) -> bool:
        """True if applying would change nothing at all."""
        return self.key_date is None and not any(m.changes for m in self.moves)


@dataclass
class _Target:
    """How to compute one post's new local date-time from its current one."""

    new_local: Callable[[datetime], datetime]
    old_dates: list[date] = field(default_factory=list)


def _snippet(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class RescheduleService:
    """Preview and apply moves of posts in ``store``.

    ``holidays`` decides working days; ``hand_off`` handles deliveries a network
    holds (default :class:`NoHandOff`: refused); ``on_schedule_changed`` re-arms
    the scheduler after a move.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        listener: PublishListener,
        holidays: HolidayCalendar | Callable[[], HolidayCalendar],
        on_schedule_changed: Callable[[], None] | None = None,
        hand_off: HandOffHook | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self._holidays = holidays
        self.on_schedule_changed = on_schedule_changed or (lambda: None)
        self.hand_off: HandOffHook = hand_off or NoHandOff()

    @property
    def holidays(self) -> HolidayCalendar:
        """The holiday calendar in use (read again from the settings if given a factory)."""
        return self._holidays if isinstance(self._holidays, HolidayCalendar) else self._holidays()

    # -- previews ------------------------------------------------------------------
    def by_days(self, post_ids: Iterable[int], days: int) -> MovePlan:
        """Plan moving each post ``days`` calendar days (negative = earlier), same local time."""
        ids = list(post_ids)
        desc = ngettext("Move by {d} day", "Move by {d} days", abs(days)).format(d=days)
        return self._plan(ids, lambda _p: _Target(lambda old: old + timedelta(days=days)), desc)

    def by_working_days(self, post_ids: Iterable[int], days: int) -> MovePlan:
        """Plan moving each post ``days`` working days, skipping weekends and holidays.

        The local time of day is kept. From a non-working day, counting starts there
        (Saturday + 1 working day = Monday, unless Monday is a holiday).
        """
        ids = list(post_ids)
        cal = self.holidays

        def shift(old: datetime) -> datetime:
            return datetime.combine(cal.add_working_days(old.date(), days), old.time())

        desc = ngettext("Move by {d} working day", "Move by {d} working days", abs(days))
        return self._plan(ids, lambda _p: _Target(shift), desc.format(d=days))

    def to_date(self, post_ids: Iterable[int], day: date) -> MovePlan:
        """Plan moving each post to ``day``, each keeping its local time of day."""
        ids = list(post_ids)
        desc = _("Move to {date}").format(date=day.isoformat())
        return self._plan(
            ids, lambda _p: _Target(lambda old: datetime.combine(day, old.time())), desc
        )

    def to_local(self, post_id: int, local: datetime) -> MovePlan:
        """Plan moving one post to the naive wall-clock time ``local`` in its zone."""
        naive = local.replace(tzinfo=None, second=0, microsecond=0)
        return self._plan(
            [post_id],
            lambda _p: _Target(lambda _old: naive),
            _("Move a post to {time}").format(time=naive.strftime("%Y-%m-%d %H:%M")),
        )

    def key_date(self, key_date_id: int, new_day: date) -> MovePlan:
        """Plan moving a campaign key date to ``new_day`` and every post pinned to it.

        Each pinned post keeps its offset and time ("7 days before, 10:00").
        Raises ValidationError if the key date does not exist.
        """
        kd = self._key_date(key_date_id)
        campaign = self.store.get_campaign(kd.campaign_id)
        change = KeyDateChange(kd.id, kd.campaign_id, kd.name, kd.date, new_day)

        def target(post: Post) -> _Target:
            offset = post.pin_offset_days or 0

            def new_local(old: datetime) -> datetime:
                hour = _pin_time(post.pin_time) or old.time()
                return datetime.combine(new_day + timedelta(days=offset), hour)

            return _Target(new_local, [kd.date])

        ids = planning.pinned_post_ids(self.store, kd.id)
        plan = self._plan(
            ids,
            target,
            _("Move “{name}” of {campaign} from {old} to {new}").format(
                name=kd.name, campaign=campaign.name, old=kd.date.isoformat(), new=new_day
            ),
            key_dates={kd.id: new_day},
        )
        return replace(plan, key_date=change)

    def exact(
        self,
        targets: Mapping[int, datetime],
        description: str,
        *,
        reviews: Mapping[int, str] | None = None,
        key_date: KeyDateChange | None = None,
    ) -> MovePlan:
        """Plan moving each post to an exact aware instant (used to undo and redo).

        ``reviews`` sets each post's review note as given; ``key_date`` is applied too.
        """
        reviews = reviews or {}
        key_dates = {key_date.key_date_id: key_date.new} if key_date else {}
        moves = []
        for post in planning.posts_by_ids(self.store, list(targets)):
            move = self._check(post, targets[post.id], key_dates)
            if move.ok:
                move = replace(move, review=reviews.get(post.id, move.old_review))
            moves.append(move)
        return MovePlan(description, tuple(moves), key_date)

    # -- applying ------------------------------------------------------------------
    def apply(self, plan: MovePlan) -> MovePlan:
        """Write the movable part of ``plan``; returns what was applied (for undo).

        The key date (if any) is moved first, then each post. Raises StorageError if
        the database cannot be written; moves already written stay written.
        """
        applied: list[Move] = []
        try:
            if plan.key_date is not None:
                self.store.set_key_date(
                    plan.key_date.campaign_id, plan.key_date.name, plan.key_date.new
                )
            for move in plan.movable:
                if move.changes and self._write(move, plan.description):
                    applied.append(move)
        finally:
            self.on_schedule_changed()
            self.listener.data_changed()
        return MovePlan(plan.description, tuple(applied), plan.key_date)

    def inverse(self, applied: MovePlan) -> MovePlan:
        """The plan that undoes ``applied`` (the result of :meth:`apply`)."""
        change = applied.key_date
        back = (
            KeyDateChange(
                change.key_date_id, change.campaign_id, change.name, change.new, change.old
            )
            if change
            else None
        )
        return self.exact(
            {m.post_id: m.old_due for m in applied.moves if m.old_due is not None},
            _("Undo: {what}").format(what=applied.description),
            reviews={m.post_id: m.old_review for m in applied.moves},
            key_date=back,
        )

    def again(self, applied: MovePlan) -> MovePlan:
        """The plan that applies ``applied`` once more after it was undone (redo)."""
        return self.exact(
            {m.post_id: m.new_due for m in applied.moves if m.new_due is not None},
            applied.description,
            reviews={m.post_id: m.review for m in applied.moves if m.review is not None},
            key_date=applied.key_date,
        )

    def clear_review(self, post_id: int) -> None:
        """Mark a post as reviewed after a move (its review note is emptied)."""
        self.store.update_post(post_id, now=self.clock.now(), review_note="")
        self.listener.data_changed()

    # -- internals -----------------------------------------------------------------
    def _key_date(self, key_date_id: int) -> KeyDate:
        for campaign in self.store.list_campaigns():
            for kd in campaign.key_dates:
                if kd.id == key_date_id:
                    return kd
        raise ValidationError(
            _("There is no key date number {id}.").format(id=key_date_id), code="unknown_key_date"
        )

    def _plan(
        self,
        post_ids: list[int],
        target: Callable[[Post], _Target],
        description: str,
        *,
        key_dates: Mapping[int, date] | None = None,
    ) -> MovePlan:
        moves: list[Move] = []
        posts = {p.id: p for p in planning.posts_by_ids(self.store, post_ids)}
        for post_id in post_ids:
            post = posts.get(post_id)
            if post is None:
                moves.append(Move(post_id, "", "UTC", None, None, _("This post no longer exists.")))
                continue
            if post.due_at is None:
                moves.append(
                    Move(
                        post.id,
                        _snippet(post.text),
                        post.tz,
                        None,
                        None,
                        _("This post has no date yet: open it and choose one."),
                    )
                )
                continue
            how = target(post)
            old_local = post.due_at.astimezone(_zone(post.tz)).replace(tzinfo=None)
            new_local = how.new_local(old_local)
            moves.append(
                self._check(post, new_local, key_dates or {}, extra_old_dates=how.old_dates)
            )
        return MovePlan(description, tuple(moves))

    def _check(
        self,
        post: Post,
        new: datetime,
        key_dates: Mapping[int, date],
        *,
        extra_old_dates: list[date] | None = None,
    ) -> Move:
        """One post's move to ``new`` (naive local, or aware = exact instant), checked."""
        base = Move(
            post.id, _snippet(post.text), post.tz, post.due_at, None, old_review=post.review_note
        )
        if problem := self._gone(post):
            return replace(base, problem=problem)
        note = ""
        if new.tzinfo is not None:
            new_due = new.astimezone(UTC)
        else:
            try:
                new_due = local_to_utc(new, post.tz)
            except NonexistentTimeError as exc:
                return replace(base, problem=exc.problems[0].message)
            except AmbiguousTimeError as exc:
                new_due = exc.options[0].astimezone(UTC)
                note = _("{time} happens twice that night; the first one is used.").format(
                    time=new.strftime("%H:%M")
                )
        if new_due != post.due_at and new_due <= self.clock.now():
            return replace(
                base,
                new_due=None,
                problem=_("{time} is in the past; a post cannot be moved there.").format(
                    time=format_local(new_due, post.tz)
                ),
            )
        for delivery in post.deliveries:
            if delivery.state == S.HANDED_OFF:
                if why := self.hand_off.check_move(post, delivery, new_due):
                    return replace(base, problem=why)
        waiting = [
            d for d in post.deliveries if d.state in (S.MISSED, S.FAILED, S.BLOCKED, S.PAUSED)
        ]
        if waiting:
            note = " ".join(
                filter(
                    None, [note, _("Not queued now: open it and click Schedule after the move.")]
                )
            )
        move = replace(base, new_due=new_due, note=note)
        move = replace(move, pin=self._new_pin(post, new_due, key_dates))
        return replace(move, review=self._review(post, new_due, extra_old_dates or []))

    def _gone(self, post: Post) -> str:
        states = {d.state for d in post.deliveries}
        if S.PUBLISHED in states:
            return _("Already published: a published post cannot be moved.")
        if S.PUBLISHING in states:
            return _("Being published right now: it cannot be moved.")
        if S.UNCONFIRMED in states:
            return _(
                "It may already have been published (waiting for confirmation): it cannot be moved."
            )
        return ""

    def _new_pin(
        self, post: Post, new_due: datetime, key_dates: Mapping[int, date]
    ) -> tuple[int, str] | None:
        if post.pin_key_date_id is None:
            return None
        anchor = key_dates.get(post.pin_key_date_id)
        if anchor is None:
            try:
                anchor = self._key_date(post.pin_key_date_id).date
            except ValidationError:
                return None
        local = new_due.astimezone(_zone(post.tz))
        return (local.date() - anchor).days, local.strftime("%H:%M")

    def _review(self, post: Post, new_due: datetime, extra_old: list[date]) -> str | None:
        if post.due_at is None:
            return None
        zone = _zone(post.tz)
        old_day = post.due_at.astimezone(zone).date()
        new_day = new_due.astimezone(zone).date()
        if old_day == new_day and not extra_old:
            return None
        for day in [old_day, *extra_old] if old_day != new_day else extra_old:
            found = literal_mentions(post.text, day)
            if found:
                return _(
                    "The text still says “{snippet}” (the old date, {old}): check it before "
                    "it goes out on {new}."
                ).format(
                    snippet=found[0],
                    old=long_date(day, post.language or "en"),
                    new=format_local(new_due, post.tz),
                )
        if not extra_old:  # a key-date change re-renders the text: checked when applied
            return self._date_problem(post, new_due)
        return None

    def _date_problem(self, post: Post, new_due: datetime) -> str | None:
        """A date error the text would have at its new time ("Mañana" now wrong...)."""
        try:
            findings = CheckService(self.store, self.clock).findings(post, new_due)
        except Exception:  # noqa: BLE001 - a check bug must not stop a move
            return None
        for finding in findings:
            if finding.is_error and finding.code.startswith("date"):
                return _("At its new time, {new}: {problem}").format(
                    new=format_local(new_due, post.tz), problem=finding.message
                )
        return None

    def _write(self, move: Move, description: str) -> bool:
        assert move.new_due is not None
        now = self.clock.now()
        post = self.store.get_post(move.post_id)
        if self._gone(post):
            return False  # published since the preview
        if move.new_due != move.old_due:
            # The networks' copies first: if one cannot move, the post stays where it was.
            for delivery in post.deliveries:
                if delivery.state == S.HANDED_OFF:
                    try:
                        self.hand_off.apply_move(post, delivery, move.new_due)
                    except AppError as exc:
                        self.listener.notice(str(exc))
                        return False
        fields: dict[str, object] = {"due_at": move.new_due}
        if move.pin is not None:
            fields["pin_offset_days"], fields["pin_time"] = move.pin
        if move.review is not None:
            fields["review_note"] = move.review
        self.store.update_post(post.id, now=now, **fields)
        if move.new_due == move.old_due:
            return True
        reason = _("moved from {old} to {new}").format(
            old=format_local(move.old_due, post.tz), new=format_local(move.new_due, post.tz)
        )
        for delivery in post.deliveries:
            if delivery.state in QUEUED:
                if self.store.transition(
                    delivery.id,
                    S.SCHEDULED,
                    reason,
                    now=now,
                    expect=QUEUED,
                    detail=description,
                    due_at=move.new_due,
                ):
                    self.listener.delivery_changed(delivery.id, post.id, S.SCHEDULED.value)
        return True


def _pin_time(text: str | None) -> time | None:
    if not text:
        return None
    try:
        hour, minute = (int(part) for part in text.split(":")[:2])
        return time(hour, minute)
    except ValueError:
        return None
