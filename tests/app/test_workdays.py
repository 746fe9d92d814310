"""Public holidays: names in the interface language, working days, unknown places."""

from __future__ import annotations

from datetime import date

import pytest

from app import i18n
from app.workdays import HolidayCalendar, holiday_language


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("ES", "es", "es"),
        ("ES", "ca", "ca"),
        ("ES", "en", "en_US"),
        ("ES", "fr", "es"),  # not offered for Spain: the country's default (Spanish)
        ("PT", "es", "pt_PT"),
        ("ES", "", "es"),
        ("XX", "es", None),  # unknown country
    ],
)
def test_holiday_language_picks_a_supported_code_or_the_default(
    country: str, language: str, expected: str | None
) -> None:
    assert holiday_language(country, language) == expected


def test_names_follow_the_interface_language() -> None:
    calendar = HolidayCalendar("ES", "VC")
    i18n.set_language("es")
    assert calendar.name(date(2027, 1, 1)) == "Año Nuevo"
    assert calendar.name(date(2027, 1, 6)) == "Epifanía del Señor"
    i18n.set_language("en")
    assert calendar.name(date(2027, 1, 1)) == "New Year's Day"
    assert calendar.name(date(2027, 1, 6)) == "Epiphany"


def test_catalan_names_when_catalan_is_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.workdays.current_language", lambda: "ca")
    assert HolidayCalendar("ES", "VC").name(date(2027, 1, 1)) == "Cap d'Any"


def test_an_unsupported_language_falls_back_to_the_country_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")  # the package would follow it without a language
    i18n.set_language("es")
    names = HolidayCalendar("PT", "").between(date(2027, 1, 1), date(2027, 1, 1))
    assert names == {date(2027, 1, 1): "Ano Novo"}


def test_working_days_skip_weekends_and_holidays() -> None:
    calendar = HolidayCalendar("ES", "VC")
    assert calendar.is_holiday(date(2027, 3, 19))  # Sant Josep (Comunitat Valenciana)
    assert not calendar.is_working_day(date(2027, 1, 9))  # Saturday
    assert calendar.add_working_days(date(2027, 3, 18), 1) == date(2027, 3, 22)
    assert calendar.add_working_days(date(2027, 1, 9), 0) == date(2027, 1, 9)


def test_unknown_places_give_no_holidays() -> None:
    assert HolidayCalendar("XX", "").between(date(2027, 1, 1), date(2027, 12, 31)) == {}
    assert HolidayCalendar("ES", "ZZ").between(date(2027, 1, 1), date(2027, 12, 31)) == {}
    assert HolidayCalendar("", "").is_working_day(date(2027, 1, 1))
