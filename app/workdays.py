"""Public holidays and working days, from the ``holidays`` package.

The country (ISO 3166-1 code such as ``ES``) and subdivision (``VC`` = Comunitat
Valenciana) come from the settings ``holiday_country`` / ``holiday_subdivision``.
A working day is a Monday to Friday that is not a public holiday there. Holiday
names follow the interface language (:func:`app.i18n.current_language`) when the
package has it for that country.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib

from app.i18n import current_language

DEFAULT_COUNTRY = "ES"
DEFAULT_SUBDIVISION = "VC"


def holiday_language(country: str, language: str) -> str | None:
    """The ``holidays`` language code for UI ``language`` in ``country``.

    ``language`` is a two-letter code ("es", "ca", "en"). An exact match of the
    country's supported languages wins ("es"), then a regional variant ("en_US"),
    else the country's default language ("pt_PT" for Portugal). It is always given
    explicitly: without it the package follows the process locale, and for a
    language it does not know it gives untranslated English names. None only for
    an unknown country (or a package without translations).
    """
    try:
        entity = holidays_lib.country_holidays(country)
    except (NotImplementedError, KeyError, ValueError):
        return None
    supported = tuple(getattr(entity, "supported_languages", ()) or ())
    default = getattr(entity, "default_language", None) or None
    wanted = language.strip().lower()[:2]
    for code in supported:
        if code.lower() == wanted:
            return code
    for code in sorted(supported):
        if code.lower().split("_")[0] == wanted:
            return code
    return default


@lru_cache(maxsize=64)
def _year_holidays(
    country: str, subdivision: str, year: int, language: str | None
) -> dict[date, str]:
    """``{day: name}`` of one year; {} for an unknown country or subdivision."""
    kwargs: dict[str, object] = {"years": [year]}
    if subdivision:
        kwargs["subdiv"] = subdivision
    if language:
        kwargs["language"] = language
    try:
        found = holidays_lib.country_holidays(country, **kwargs)  # type: ignore[arg-type]
    except (NotImplementedError, KeyError, ValueError):
        return {}
    return {day: str(name) for day, name in found.items()}


@lru_cache(maxsize=64)
def _language_for(country: str, language: str) -> str | None:
    return holiday_language(country, language)


class HolidayCalendar:
    """Public holidays of ``country`` / ``subdivision`` (empty subdivision = national only).

    Unknown countries or subdivisions give no holidays at all (never an error), so a
    typo in the settings only loses the shading, not the app.
    """

    def __init__(
        self, country: str = DEFAULT_COUNTRY, subdivision: str = DEFAULT_SUBDIVISION
    ) -> None:
        self.country = country.strip().upper()
        self.subdivision = subdivision.strip().upper()

    def _holidays(self, year: int) -> dict[date, str]:
        if not self.country:
            return {}
        language = _language_for(self.country, current_language())
        return _year_holidays(self.country, self.subdivision, year, language)

    def name(self, day: date) -> str | None:
        """The holiday's name on ``day``, else None.

        Names are in the interface language when the ``holidays`` package has it for
        this country, otherwise in the country's own language.
        """
        return self._holidays(day.year).get(day)

    def is_holiday(self, day: date) -> bool:
        """True if ``day`` is a public holiday."""
        return day in self._holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday that is not a public holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def between(self, start: date, end: date) -> dict[date, str]:
        """``{day: name}`` of the holidays from ``start`` to ``end`` inclusive."""
        found: dict[date, str] = {}
        for year in range(start.year, end.year + 1):
            for day, name in self._holidays(year).items():
                if start <= day <= end:
                    found[day] = name
        return found

    def add_working_days(self, day: date, count: int) -> date:
        """The date ``count`` working days after ``day`` (before it when negative).

        ``0`` returns ``day`` itself, even if it is not a working day.
        """
        step = 1 if count >= 0 else -1
        left = abs(count)
        current = day
        while left:
            current += timedelta(days=step)
            if self.is_working_day(current):
                left -= 1
        return current
