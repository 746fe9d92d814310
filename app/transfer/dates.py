"""Dates and times as spreadsheets write them, read without guessing.

Accepted (24-hour time; seconds allowed and dropped; ``T`` or spaces between date and
time): ``YYYY-MM-DD HH:MM`` (also with ``/`` or ``.``), and ``DD/MM/YYYY HH:MM`` or
``MM/DD/YYYY HH:MM`` as the caller's :data:`~app.transfer.model.DateOrder` says. A date
whose two numbers both fit as a month and differ reads validly both ways: the result
carries the other reading so the dry run can show both with their weekdays. ``am``/``pm``
is accepted only where the source format allows it (Buffer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date

from app.i18n import _, current_language
from app.transfer.model import DateOrder

_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?\s?m\.?)?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"$", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})" + _TIME + r"$", re.IGNORECASE)


class BadDate(ValueError):
    """A date cell that cannot be read; ``message`` is translated, ``code`` stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Reading:
    """A naive wall-clock time read from a cell, and the other valid reading if any."""

    local: datetime
    other: datetime | None = None


def long_day(day: date) -> str:
    """``Wednesday, December 5, 2018`` in the user's language (Babel's full format)."""
    return format_date(day, "full", locale=current_language())


def weekday(day: date) -> str:
    """The day's name in the user's language (``Monday``, ``lunes``)."""
    return format_date(day, "EEEE", locale=current_language())


def _clock(
    text: str, hour: str | None, minute: str | None, ampm: str | None, allow_ampm: bool
) -> tuple[int, int]:
    if hour is None or minute is None:
        raise BadDate(
            "no_time",
            _("“{text}” has a date but no time; write it as YYYY-MM-DD HH:MM.").format(text=text),
        )
    h, m = int(hour), int(minute)
    if ampm:
        if not allow_ampm:
            raise BadDate(
                "ampm",
                _("“{text}”: write the time in 24-hour format (17:30, not 5:30 pm).").format(
                    text=text
                ),
            )
        pm = ampm.lower().startswith("p")
        if not 1 <= h <= 12:
            raise BadDate("bad_time", _("“{text}” is not a valid time.").format(text=text))
        h = h % 12 + (12 if pm else 0)
    if h > 23 or m > 59:
        raise BadDate("bad_time", _("“{text}” is not a valid time.").format(text=text))
    return h, m


def _make(y: int, mo: int, d: int, h: int, mi: int) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi)
    except ValueError:
        return None


def parse_when(text: str, order: DateOrder, *, allow_ampm: bool = False) -> Reading:
    """Read a date-time cell. Raises :class:`BadDate` saying what is wrong and how to write it."""
    cell = " ".join(text.split())
    if match := _ISO.match(cell):
        y, mo, d = (int(g) for g in match.group(1, 2, 3))
        h, mi = _clock(cell, match.group(4), match.group(5), match.group(7), allow_ampm)
        value = _make(y, mo, d, h, mi)
        if value is None:
            raise BadDate("bad_date", _("“{text}” is not a valid date.").format(text=cell))
        return Reading(value)
    match = _DMY.match(cell)
    if match is None:
        raise BadDate(
            "bad_date",
            _(
                "Cannot read the date “{text}”; write it as YYYY-MM-DD HH:MM, for example "
                "2027-01-18 09:00."
            ).format(text=cell),
        )
    a, b, year_text = match.group(1, 2, 3)
    if len(year_text) != 4:
        raise BadDate(
            "short_year", _("“{text}”: write the year with four digits.").format(text=cell)
        )
    y = int(year_text)
    h, mi = _clock(cell, match.group(4), match.group(5), match.group(7), allow_ampm)
    day_first = _make(y, int(b), int(a), h, mi)
    month_first = _make(y, int(a), int(b), h, mi)
    chosen, other = (day_first, month_first) if order == "dmy" else (month_first, day_first)
    if chosen is None:
        if other is not None:
            raise BadDate(
                "wrong_date_order",
                _(
                    "“{text}” is not a valid date read {order}; read the other way it would be "
                    "{other}. Check the date order."
                ).format(text=cell, order=order_label(order), other=long_day(other.date())),
            )
        raise BadDate("bad_date", _("“{text}” is not a valid date.").format(text=cell))
    if other is not None and other != chosen:
        return Reading(chosen, other)
    return Reading(chosen)


def order_label(order: DateOrder) -> str:
    """``day first`` / ``month first`` in the user's language."""
    return _("day first") if order == "dmy" else _("month first")


def ambiguity_message(text: str, reading: Reading, order: DateOrder) -> str:
    """The warning for a date that reads validly both ways: both days with their weekdays."""
    assert reading.other is not None
    other_order: DateOrder = "mdy" if order == "dmy" else "dmy"
    return _(
        "“{text}” reads two ways: {order}, {chosen} (used), or {other_order}, {other}. "
        "Check the date order."
    ).format(
        text=" ".join(text.split()),
        order=order_label(order),
        chosen=long_day(reading.local.date()),
        other_order=order_label(other_order),
        other=long_day(reading.other.date()),
    )
