"""User options, declared once with their defaults, stored in the database."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.repository import Store
from app.timeutil import system_zone_name
from app.workdays import HolidayCalendar


@dataclass(frozen=True)
class Option:
    """One setting: key, default (as text) and a short description."""

    key: str
    default: str
    doc: str


GRACE_SECONDS = Option(
    "grace_seconds",
    "600",
    "A delivery overdue by more than this (seconds) when Pregonero was not running becomes "
    "'missed' and waits for the user instead of going out late.",
)
TIMEZONE = Option("timezone", "", "IANA zone for new posts; empty = the computer's zone.")
LANGUAGE = Option("language", "", "Language of the interface (en, es); empty = the system's.")

COOLING_OFF_MINUTES = Option(
    "cooling_off_minutes",
    "0",
    "Minutes that must pass between the last edit of a post and its publication "
    "(a second look with fresh eyes); 0 = off.",
)
PAUSED = Option(
    "paused",
    "",
    "Crisis pause: when set (the time it was switched on), nothing is published.",
)

KEEP_RUNNING = Option(
    "keep_running",
    "1",
    "1: closing the window leaves Pregonero publishing in the system tray (Quit stops it); "
    "0: closing the window quits.",
)
CLOSE_NOTICE_SHOWN = Option(
    "close_notice_shown", "", "1 once the user was told that closing keeps publishing."
)
BACKUPS_KEEP = Option("backups_keep", "14", "Number of daily database backups to keep.")

HOLIDAY_COUNTRY = Option(
    "holiday_country",
    "ES",
    "ISO country code whose public holidays the calendar shades and working days skip; "
    "empty = none.",
)
HOLIDAY_SUBDIVISION = Option(
    "holiday_subdivision",
    "VC",
    "Region of that country for regional holidays (VC = Comunitat Valenciana); empty = "
    "national holidays only.",
)

INBOX_COLLECT_MINUTES = Option(
    "inbox_collect_minutes",
    "10",
    "Minutes between two collections of new comments in the background (at least 1).",
)
INBOX_RETENTION_DAYS = Option(
    "inbox_retention_days",
    "90",
    "Days after a comment was answered or handled before its personal data are purged.",
)
INBOX_LINK = Option("inbox_link", "", "The link the {link} field of saved replies stands for.")
INBOX_SUMMARY_HOUR = Option(
    "inbox_summary_hour", "9", "Local hour (0-23) of the daily summary of open comments."
)
INBOX_SUMMARY_SENT = Option(
    "inbox_summary_sent", "", "Local date (YYYY-MM-DD) the last daily inbox summary was shown."
)


class Settings:
    """Typed access to the options stored in ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, option: Option) -> str:
        """The stored value of ``option`` or its default."""
        value = self.store.get_setting(option.key)
        return option.default if value is None else value

    def set(self, option: Option, value: str) -> None:
        """Store a value for ``option``."""
        self.store.set_setting(option.key, value)

    @property
    def grace_seconds(self) -> float:
        """Missed-post grace window in seconds."""
        try:
            return max(0.0, float(self.get(GRACE_SECONDS)))
        except ValueError:
            return float(GRACE_SECONDS.default)

    @property
    def timezone(self) -> str:
        """IANA zone the user works in."""
        return self.get(TIMEZONE) or system_zone_name()

    @property
    def cooling_off_minutes(self) -> int:
        """Minimum minutes between a post's last edit and its publication (0 = off)."""
        try:
            return max(0, int(self.get(COOLING_OFF_MINUTES)))
        except ValueError:
            return 0

    def flag(self, option: Option) -> bool:
        """A yes/no option: True when its value is "1" (or "true"/"yes")."""
        return self.get(option).strip().lower() in ("1", "true", "yes")

    @property
    def backups_keep(self) -> int:
        """How many daily backups to keep (at least 1)."""
        try:
            return max(1, int(self.get(BACKUPS_KEEP)))
        except ValueError:
            return int(BACKUPS_KEEP.default)

    def holiday_calendar(self) -> HolidayCalendar:
        """Public holidays of the configured country and region (see HOLIDAY_COUNTRY)."""
        return HolidayCalendar(self.get(HOLIDAY_COUNTRY), self.get(HOLIDAY_SUBDIVISION))

    def int_option(self, option: Option, minimum: int = 0) -> int:
        """An integer option (its default when unreadable), at least ``minimum``."""
        try:
            return max(minimum, int(self.get(option)))
        except ValueError:
            return max(minimum, int(option.default))
