"""YouTube Data API quota: cost table, the Pacific day, and a small per-account ledger.

Google counts quota per API *project* per day and resets it at midnight Pacific time
(https://developers.google.com/youtube/v3/determine_quota_cost). Two models exist
(shared docs/platforms.md §5.3), chosen per account with :attr:`QuotaLedger.model`:

* ``"bucket"`` (current page): 10,000 units/day for general calls, and ``videos.insert``
  in a separate bucket of 100 calls/day costing 1 each;
* ``"units"`` (older tables, still seen on the videos.insert page): ``videos.insert``
  costs 1,600 of the 10,000 units (about 6 uploads a day).

The ledger is Pregonero's own count for one account (other programs using the same
Google project are not seen), so it informs the user; it never blocks a call — Google's
``quotaExceeded`` answer is the authority. The client charges it after every call that got
an answer (Google charges invalid requests too); the publishing service keeps it in
``accounts.options["youtube_quota"]`` through :attr:`QuotaLedger.on_change`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.i18n import _

PACIFIC = ZoneInfo("America/Los_Angeles")

DAILY_UNITS = 10_000
"""Default daily quota of a Google project, in units."""
DAILY_UPLOADS = 100
"""``videos.insert`` calls a day in the separate-bucket model."""
UPLOAD_UNITS_OLD_MODEL = 1_600
"""Cost of ``videos.insert`` in the ``"units"`` model."""

COSTS: dict[str, int] = {
    "videos.insert": 1,  # in the upload bucket ("bucket" model); 1600 units in "units"
    "videos.list": 1,
    "videos.update": 50,
    "videos.delete": 50,
    "thumbnails.set": 50,
    "playlists.list": 1,
    "playlistItems.list": 1,
    "playlistItems.insert": 50,
    "channels.list": 1,
    "commentThreads.list": 1,
    "comments.list": 1,
    "comments.insert": 50,
    "search.list": 100,
}
"""Units per call (determine_quota_cost page, 2026). Resumable PUTs cost nothing extra."""

MODELS = ("bucket", "units")


def pacific_day(now: datetime) -> str:
    """The quota day of the aware instant ``now``: ISO date in America/Los_Angeles."""
    return now.astimezone(PACIFIC).date().isoformat()


def next_pacific_midnight(now: datetime) -> datetime:
    """The aware UTC instant of the next midnight in America/Los_Angeles after ``now``
    (daylight saving handled by zoneinfo: 07:00 or 08:00 UTC)."""
    local = now.astimezone(PACIFIC)
    tomorrow = (local + timedelta(days=1)).date()
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=PACIFIC)
    return midnight.astimezone(UTC)


def seconds_until_quota_reset(now: datetime) -> float:
    """Seconds from ``now`` (aware) to the next Pacific midnight (at least 1)."""
    return max(1.0, (next_pacific_midnight(now) - now).total_seconds())


@dataclass
class QuotaLedger:
    """Quota Pregonero used today for one YouTube account.

    ``day`` is the Pacific ISO date counted; ``units`` general units; ``uploads`` the
    ``videos.insert`` calls; ``model`` ``"bucket"`` or ``"units"`` (see module doc);
    ``daily_units``/``daily_uploads`` the project's limits. ``on_change`` is called with
    :meth:`to_dict` after each charge (the service persists it). Thread-safe.
    """

    model: str = "bucket"
    day: str = ""
    units: int = 0
    uploads: int = 0
    daily_units: int = DAILY_UNITS
    daily_uploads: int = DAILY_UPLOADS
    on_change: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any] | None,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> QuotaLedger:
        """Rebuild from :meth:`to_dict` output (missing or bad values -> defaults)."""
        d = data if isinstance(data, dict) else {}

        def num(key: str, default: int) -> int:
            value = d.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else default

        model = d.get("model") if d.get("model") in MODELS else "bucket"
        return cls(
            model=str(model),
            day=str(d.get("day") or ""),
            units=num("units", 0),
            uploads=num("uploads", 0),
            daily_units=num("daily_units", DAILY_UNITS),
            daily_uploads=num("daily_uploads", DAILY_UPLOADS),
            on_change=on_change,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able ``{"model", "day", "units", "uploads", "daily_units", "daily_uploads"}``."""
        return {
            "model": self.model,
            "day": self.day,
            "units": self.units,
            "uploads": self.uploads,
            "daily_units": self.daily_units,
            "daily_uploads": self.daily_uploads,
        }

    def _roll(self, now: datetime) -> None:
        today = pacific_day(now)
        if self.day != today:
            self.day, self.units, self.uploads = today, 0, 0

    def cost(self, method: str) -> int:
        """Units ``method`` (e.g. ``"videos.update"``) costs in this ledger's model."""
        if method == "videos.insert":
            return UPLOAD_UNITS_OLD_MODEL if self.model == "units" else 0
        return COSTS.get(method, 1)

    def charge(self, method: str, now: datetime | None = None) -> int:
        """Count one call of ``method`` made at ``now`` (aware; default: now). Returns units."""
        now = now or datetime.now(UTC)
        with self._lock:
            self._roll(now)
            units = self.cost(method)
            self.units += units
            if method == "videos.insert":
                self.uploads += 1
            snapshot = self.to_dict()
        if self.on_change is not None:
            self.on_change(snapshot)
        return units

    def used(self, now: datetime | None = None) -> tuple[int, int]:
        """``(units, uploads)`` used on the Pacific day of ``now`` (0, 0 on a new day)."""
        now = now or datetime.now(UTC)
        if self.day != pacific_day(now):
            return 0, 0
        return self.units, self.uploads

    def can_afford(self, method: str, now: datetime | None = None) -> bool:
        """Whether our own count leaves room for one more ``method`` today (advice only)."""
        units, uploads = self.used(now)
        if method == "videos.insert" and self.model == "bucket":
            return uploads < self.daily_uploads
        return units + self.cost(method) <= self.daily_units


def quota_use_text(ledger: QuotaLedger, now: datetime | None = None) -> str:
    """The day's quota use for the UI, e.g. "Today's YouTube quota use: 1,700 of 10,000
    units, 1 upload of 100." (translated; resets at midnight Pacific time)."""
    units, uploads = ledger.used(now)
    if ledger.model == "bucket":
        return _(
            "Today's YouTube quota use: {units} of {limit} units, {uploads} uploads of"
            " {max_uploads}. It resets at midnight Pacific time."
        ).format(
            units=f"{units:,}",
            limit=f"{ledger.daily_units:,}",
            uploads=uploads,
            max_uploads=ledger.daily_uploads,
        )
    return _(
        "Today's YouTube quota use: {units} of {limit} units ({uploads} uploads at {cost}"
        " units each). It resets at midnight Pacific time."
    ).format(
        units=f"{units:,}",
        limit=f"{ledger.daily_units:,}",
        uploads=uploads,
        cost=f"{UPLOAD_UNITS_OLD_MODEL:,}",
    )
