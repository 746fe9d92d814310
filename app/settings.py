"""User options, declared once with their defaults, stored in the database."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.repository import Store
from app.timeutil import system_zone_name


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
