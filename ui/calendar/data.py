"""What the calendar shows: posts of a date range as chips, filtered (no widgets here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.context import AppContext
from app.errors import ValidationError
from app.models import Account, DeliveryState, Post
from app.services.handoff import handed_off_label
from app.storage import planning
from app.timeutil import local_to_utc, zone
from ui.calendar.dates import short_day
from ui.queue_model import first_line, network_label

S = DeliveryState


@dataclass(frozen=True)
class Filters:
    """What to show: None = everything. ``state`` compares with the post's overall state."""

    account_id: int | None = None
    network: str | None = None
    campaign_id: int | None = None
    state: DeliveryState | None = None

    def accepts(self, post: Post, networks: tuple[str, ...]) -> bool:
        """True if ``post`` (going to ``networks``) passes every filter."""
        live = [d for d in post.deliveries if d.state != S.CANCELLED]
        if self.account_id is not None and all(d.account_id != self.account_id for d in live):
            return False
        if self.network is not None and self.network not in networks:
            return False
        if self.campaign_id is not None and post.campaign_id != self.campaign_id:
            return False
        return self.state is None or post.state == self.state


@dataclass(frozen=True)
class Chip:
    """One post in the calendar.

    ``local``: its time as naive wall-clock in the calendar's zone (the user's);
    ``networks``: network keys it goes to; ``movable``: False once (part of) it is
    published or publishing; ``review``: the review note of a moved post ("" = none);
    ``zone_name``: the post's own zone and ``own``: its wall-clock time there (when
    ``own_zone`` differs from the calendar's zone, the chip says so).
    """

    post_id: int
    local: datetime
    networks: tuple[str, ...]
    text: str
    state: DeliveryState
    campaign_id: int | None
    review: str
    movable: bool
    pinned: bool
    zone_name: str = ""
    own: datetime | None = None
    calendar_zone: str = ""
    handed_off_to: tuple[str, ...] = ()
    """Network keys holding the post to publish it by themselves (native hand-off)."""

    @property
    def handed_off_text(self) -> str:
        """ "Handed off to Facebook: it goes out even if this computer is off." or ""."""
        if not self.handed_off_to:
            return ""
        return handed_off_label(", ".join(network_label(n) for n in self.handed_off_to))

    @property
    def day(self) -> date:
        """The local calendar day."""
        return self.local.date()

    @property
    def time_text(self) -> str:
        """``HH:MM``."""
        return self.local.strftime("%H:%M")

    @property
    def other_zone(self) -> bool:
        """True when the post was written for another zone than the calendar's."""
        return (
            bool(self.zone_name) and self.own is not None and (self.zone_name != self.calendar_zone)
        )

    @property
    def own_time_text(self) -> str:
        """The post's time in its own zone, "09:00 Europe/London" ("" if the same zone).

        The date is added when it is another day there: "23:30 Europe/London, 17 Jan".
        """
        if not self.other_zone or self.own is None:
            return ""
        text = f"{self.own:%H:%M} {self.zone_name}"
        if self.own.date() != self.local.date():
            text += ", " + short_day(self.own.date())
        return text

    @property
    def own_time_short(self) -> str:
        """Compact form for the chip itself: "09:00 London" ("" if the same zone)."""
        if not self.other_zone or self.own is None:
            return ""
        city = self.zone_name.rsplit("/", 1)[-1].replace("_", " ")
        return f"{self.own:%H:%M} {city}"

    @property
    def time_label(self) -> str:
        """``HH:MM``, then the own zone's time if it differs: "10:00 (09:00 Europe/London)"."""
        other = self.own_time_text
        return f"{self.time_text} ({other})" if other else self.time_text


GONE = frozenset({S.PUBLISHED, S.PUBLISHING, S.UNCONFIRMED})


def day_start(day: date, zone_name: str) -> datetime:
    """When local ``day`` starts in ``zone_name``, aware UTC (midnight, or 01:00 if skipped)."""
    try:
        return local_to_utc(datetime.combine(day, time()), zone_name, fold=0)
    except Exception:  # noqa: BLE001 - a zone whose DST skips midnight: take 01:00
        return local_to_utc(datetime.combine(day, time(1)), zone_name, fold=0)


class CalendarData:
    """Reads chips for a range of days from ``ctx`` in the zone ``zone_name``.

    ``zone_name`` is the user's zone (``ctx.settings.timezone``), never the computer's
    unless the settings leave it empty: days, hours and drops all mean that zone.
    """

    def __init__(self, ctx: AppContext, zone_name: str) -> None:
        self.ctx = ctx
        self.zone_name = zone_name
        self.accounts: dict[int, Account] = {}

    def refresh_accounts(self) -> list[Account]:
        """Read the accounts again (for the network icons and the filters)."""
        accounts = self.ctx.accounts.list()
        self.accounts = {a.id: a for a in accounts}
        return accounts

    def chip(self, post: Post) -> Chip:
        """The chip of a post that has a time."""
        assert post.due_at is not None
        live = [d for d in post.deliveries if d.state != S.CANCELLED]
        networks = tuple(
            sorted(
                {self.accounts[d.account_id].network for d in live if d.account_id in self.accounts}
            )
        )
        try:
            own = post.due_at.astimezone(zone(post.tz)).replace(tzinfo=None)
        except ValidationError:  # an unknown zone: show the calendar's time only
            own = None
        return Chip(
            post_id=post.id,
            local=post.due_at.astimezone(zone(self.zone_name)).replace(tzinfo=None),
            networks=networks,
            text=first_line(post.text),
            state=post.state,
            campaign_id=post.campaign_id,
            review=post.review_note,
            movable=not any(d.state in GONE for d in post.deliveries),
            pinned=post.pin_key_date_id is not None,
            zone_name=post.tz,
            own=own,
            calendar_zone=self.zone_name,
            handed_off_to=tuple(
                sorted(
                    {
                        self.accounts[d.account_id].network
                        for d in live
                        if d.state == S.HANDED_OFF and d.account_id in self.accounts
                    }
                )
            ),
        )

    def load(self, first: date, last: date, filters: Filters) -> dict[date, list[Chip]]:
        """``{day: chips by time}`` for local days ``first`` .. ``last`` inclusive."""
        start = day_start(first, self.zone_name)
        end = day_start(last + timedelta(days=1), self.zone_name)
        days: dict[date, list[Chip]] = defaultdict(list)
        for post in planning.posts_between(self.ctx.store, start, end):
            chip = self.chip(post)
            if filters.accepts(post, chip.networks):
                days[chip.day].append(chip)
        return dict(days)


def month_grid(year: int, month: int) -> list[date]:
    """The 42 days (6 weeks, Monday first) shown for a month."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(days=i) for i in range(42)]


def week_days(day: date) -> list[date]:
    """Monday to Sunday of the week of ``day``."""
    start = day - timedelta(days=day.weekday())
    return [start + timedelta(days=i) for i in range(7)]
