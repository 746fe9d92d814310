"""Helpers shared by the checks tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = "Europe/Madrid"
APERTURA = date(2027, 1, 18)
CIERRE = date(2027, 2, 1)


def at(local: str, tz: str = TZ) -> datetime:
    """The aware instant of local wall-clock time ``"YYYY-MM-DD HH:MM"`` in ``tz``."""
    return datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz))
