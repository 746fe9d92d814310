"""Dates written the way the interface language writes them (Babel / CLDR patterns).

Every date header of the calendar goes through here so that month titles, week
headers and agenda days agree: Spanish "lunes, 11 de enero de 2027", Catalan
"dilluns, 11 de gener del 2027", English "Monday, 11 January 2027" (British
order, as in the rest of the interface: day before month).
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_interval, format_skeleton

from app.i18n import current_language

#: Babel locale of each interface language (English days come before months).
LOCALES = {"en": "en_GB", "es": "es", "ca": "ca"}


def babel_locale(language: str | None = None) -> str:
    """The Babel locale for ``language`` (default: the interface language)."""
    lang = (language or current_language()).lower()[:2]
    return LOCALES.get(lang, LOCALES["en"])


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_day(day: date, language: str | None = None) -> str:
    """Weekday, day, month and year: "lunes, 11 de enero de 2027" (agenda headings)."""
    return format_date(day, "full", locale=babel_locale(language))


def month_title(day: date, language: str | None = None) -> str:
    """The month of ``day`` with its year, capitalised: "Enero de 2027", "January 2027"."""
    return _capitalised(format_skeleton("yMMMM", day, locale=babel_locale(language)))


def week_title(first: date, last: date, language: str | None = None) -> str:
    """A week as a range: "11–17 ene 2027", "25 Jan – 1 Feb 2027"."""
    return format_interval(first, last, "yMMMd", locale=babel_locale(language))


def day_header(day: date, language: str | None = None) -> str:
    """Short weekday with day and month, for a week column: "lun, 11 ene", "Mon 11 Jan"."""
    return format_skeleton("MMMEd", day, locale=babel_locale(language))


def short_day(day: date, language: str | None = None) -> str:
    """Day and short month: "1 ene", "1 Jan" (first day of a month in the month grid)."""
    return format_skeleton("MMMd", day, locale=babel_locale(language))
