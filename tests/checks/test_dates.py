"""Dates in the text: a table of cases where the right answer is the test.

Each case: the text, the local publish time (Europe/Madrid), the sorted finding codes
expected (empty: the text must NOT be flagged), and optionally the key date the post
is pinned to, the quoted span and the suggestion of the first finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.checks.datefind import find_dates, find_relatives
from app.checks.dates import check_dates, resolve_year
from app.checks.model import KeyDate
from tests.checks.support import APERTURA, CIERRE, TZ, at

WEEKDAY = "date_weekday_mismatch"
UNLIKELY = "date_weekday_unlikely"
IMPOSSIBLE = "date_impossible"
PAST = "date_past"
RELATIVE = "date_relative_mismatch"
KEY = "date_key_mismatch"

OPEN_KEY = KeyDate("apertura_plazo", APERTURA, "Plan de Formación 2027")
CLOSE_KEY = KeyDate("cierre_plazo", CIERRE, "Plan de Formación 2027")


@dataclass(frozen=True)
class Case:
    text: str
    when: str
    codes: tuple[str, ...] = ()
    key: KeyDate | None = None
    quote: str | None = None
    suggestion: str | None = None


ES = [
    # Correct texts: must not be flagged.
    Case("El plazo se abre el lunes 18 de enero.", "2027-01-11 10:00"),
    Case("Mañana, lunes 18 de enero, se abre el plazo.", "2027-01-17 19:00"),
    Case("🚨 Hoy, 1 de febrero, es el último día.", "2027-02-01 08:30"),
    Case("Inscripción del 18 de enero al 1 de febrero de 2027.", "2027-01-25 10:00"),
    Case("Mañana lunes abrimos el plazo.", "2027-01-17 19:00"),
    Case("Hoy lunes abrimos el plazo.", "2027-01-18 09:00"),
    Case("Pasado mañana, miércoles 20 de enero, puertas abiertas.", "2027-01-18 09:00"),
    Case("El miercoles 20 de enero, sin tilde, también vale.", "2027-01-11 10:00"),
    Case("Cita el sábado 23 de enero a las 10:00.", "2027-01-11 10:00"),
    Case("Lunes 4 de enero: vuelve la atención presencial.", "2026-12-28 10:00"),
    Case("Plazo hasta el 18/01/2027.", "2027-01-11 10:00"),
    Case("Fecha: 18-1-27.", "2027-01-11 10:00"),
    Case("Fecha: 18.01.2027, en la sede.", "2027-01-11 10:00"),
    Case("Fecha ISO: 2027-01-18.", "2027-01-11 10:00"),
    Case(
        "850 cursos para más de 12.000 personas, de 9:00 a 14:00 o a las 10.30 h; el 30 % "
        "de las plazas; 1,5 millones; tel. 96 386 12 34 o 900-123-456; Cl@ve; Plan 2027; "
        "(1/4); atención 24/7; primera edición; 3.º curso.",
        "2027-01-11 10:00",
    ),
    Case("Por la mañana, esta mañana y de 9 a 14 h de la mañana.", "2027-01-11 10:00"),
    Case("Hoy en día la formación es clave; hoy por hoy, también.", "2027-01-11 10:00"),
    Case("Esta tarde, a las 18:00, taller de CV. Esta noche cambia la hora.", "2027-01-11 10:00"),
    Case("El pasado lunes 11 de enero firmamos el convenio.", "2027-01-20 10:00"),
    Case("Publicado en el BOE del 5 de enero de 2027.", "2027-01-20 10:00"),
    Case("Desde el 18 de enero puedes inscribirte.", "2027-01-25 10:00"),
    Case("Lunes 18 y martes 19 de enero, jornadas de empleo.", "2027-01-11 10:00"),
    Case("Del 18 al 25 de enero, semana de la orientación.", "2027-01-20 10:00"),
    Case("Info: https://empleo.example.es/2027/31-02-2027/ver?d=01/18/2027", "2027-01-11 10:00"),
    Case("El 1.º de febrero cierra el plazo.", "2027-01-11 10:00"),
    Case("El lunes 18 se abre el plazo.", "2027-01-11 10:00"),
    Case("El 15/02 termina el plazo.", "2027-01-20 10:00"),
    Case("Plazo: del 18 de enero al 1 de febrero de 2027.", "2027-01-18 12:00", key=OPEN_KEY),
    Case("Termina el lunes 1 de febrero.", "2027-01-25 10:00", key=CLOSE_KEY),
    Case("Del 18 de enero al 1 de febrero.", "2027-01-11 10:00", key=CLOSE_KEY),
    Case("Listas provisionales el 25 de enero.", "2027-01-11 10:00", key=OPEN_KEY),
    Case("La ley se aprobó el 18 de enero de 1978; el curso 2026/27 sigue.", "2027-01-20 10:00"),
    Case(
        "Atención de lunes a viernes de 9 a 14 h; 3 de cada 5 personas; paso 1 de 3.",
        "2027-01-20 10:00",
    ),
    Case("Real Decreto 1/2027, de 12 de enero, de empleo.", "2027-01-20 10:00"),
    Case("El plazo terminó el 1 de febrero.", "2027-02-03 10:00"),
    Case("El lunes 18 de enero (mañana) se abre el plazo.", "2027-01-17 10:00"),
    # Wrong texts: the finding is the answer.
    Case(
        "El plazo se abre el martes 18 de enero.",
        "2027-01-11 10:00",
        (WEEKDAY,),
        quote="martes 18 de enero",
        suggestion="lunes 18 de enero",
    ),
    Case(
        "El 31 de febrero cierra el plazo.",
        "2027-01-11 10:00",
        (IMPOSSIBLE,),
        quote="31 de febrero",
    ),
    Case("Plazo hasta el 29/02/2027.", "2027-01-11 10:00", (IMPOSSIBLE,), quote="29/02/2027"),
    Case(
        "Mañana, lunes 18 de enero, se abre el plazo.",
        "2027-01-16 19:00",
        (RELATIVE,),
        quote="Mañana, lunes 18 de enero",
        suggestion="Pasado mañana, lunes 18 de enero",
    ),
    Case(
        "Hoy lunes abrimos el plazo.",
        "2027-01-17 10:00",
        (RELATIVE,),
        quote="Hoy lunes",
        suggestion="Mañana lunes",
    ),
    Case("Inscríbete hasta el 10 de enero.", "2027-01-11 10:00", (PAST,), quote="10 de enero"),
    Case("Inscríbete hasta el 10/01/2027.", "2027-01-11 10:00", (PAST,), quote="10/01/2027"),
    Case(
        "El plazo se abre el 18 de febrero.",
        "2027-01-11 10:00",
        (KEY,),
        key=OPEN_KEY,
        quote="18 de febrero",
        suggestion="18 de enero",
    ),
    Case(
        "El plazo se abre el 19 de enero.",
        "2027-01-11 10:00",
        (KEY,),
        key=OPEN_KEY,
        suggestion="18 de enero",
    ),
    Case(
        "Hoy, 2 de febrero, último día.",
        "2027-02-01 08:30",
        (RELATIVE,),
        suggestion="Mañana, 2 de febrero",
    ),
    Case(
        "Miércoles 19 de enero: taller.",
        "2027-01-11 10:00",
        (WEEKDAY,),
        suggestion="Martes 19 de enero",
    ),
    Case(
        "El sabado 24 de enero, feria.",
        "2027-01-11 10:00",
        (WEEKDAY,),
        suggestion="domingo 24 de enero",
    ),
    Case("Nos vemos el lunes 4 de enero de 2026.", "2026-12-28 10:00", (PAST, WEEKDAY)),
    Case("Del 10 al 15 de enero, inscripciones.", "2027-01-20 10:00", (PAST,), quote="15 de enero"),
    Case(
        "El lunes 19 se abre el plazo.",
        "2027-01-11 10:00",
        (UNLIKELY,),
        quote="lunes 19",
        suggestion="martes 19",
    ),
    Case("Cierre: 01/18/2027.", "2027-01-11 10:00", (IMPOSSIBLE,), suggestion="18/01/2027"),
    Case(
        "lunes 18 y miércoles 19 de enero",
        "2027-01-11 10:00",
        (WEEKDAY,),
        quote="miércoles 19 de enero",
        suggestion="martes 19 de enero",
    ),
    Case("Último día: 20 de diciembre.", "2027-01-05 10:00", (PAST,)),
    Case(
        "El lunes 18 de enero (mañana) se abre el plazo.",
        "2027-01-16 10:00",
        (RELATIVE,),
        quote="lunes 18 de enero (mañana",
        suggestion="lunes 18 de enero (pasado mañana",
    ),
    Case(
        "El plazo se abre el 18 de enero de 2026.",
        "2027-01-11 10:00",
        (KEY, PAST),
        key=OPEN_KEY,
        suggestion="18 de enero de 2027",
    ),
]

CA = [
    Case("El termini d'inscripció s'obri el dilluns 18 de gener.", "2027-01-11 10:00"),
    Case("Demà, dilluns 18 de gener, s'obri el termini.", "2027-01-17 19:00"),
    Case("Des de hui i fins a l'1 de febrer pots inscriure't.", "2027-01-18 09:00"),
    Case("Avui, dimecres 20 de gener, jornada de portes obertes.", "2027-01-20 09:00"),
    Case("Hui dilluns obrim el termini.", "2027-01-18 09:00"),
    Case("Huí dijous, 21 de gener, taller.", "2027-01-21 09:00"),
    Case("Despús-demà, dimecres 20 de gener, fira d'ocupació.", "2027-01-18 09:00"),
    Case("Demà passat, dimecres 20 de gener.", "2027-01-18 09:00"),
    Case("El divendres 19 de març, festivitat de Sant Josep.", "2027-03-12 13:00"),
    Case("Dissabte 23 d'octubre de 2027, fira.", "2027-10-01 10:00"),
    Case("Avui dia la formació és clau. El demà és de qui es forma.", "2027-01-11 10:00"),
    Case("Del 18 de gener a l'1 de febrer.", "2027-01-11 10:00", key=OPEN_KEY),
    Case("Dilluns 4 de gener: tornem.", "2026-12-28 10:00"),
    Case("Dimecres 20 i dijous 21 de gener, jornades.", "2027-01-11 10:00"),
    Case("El termini va acabar l'1 de febrer.", "2027-02-03 10:00"),
    # Wrong.
    Case(
        "El dimarts 18 de gener s'obri el termini.",
        "2027-01-11 10:00",
        (WEEKDAY,),
        suggestion="dilluns 18 de gener",
    ),
    Case(
        "Demà, dilluns 18 de gener, s'obri el termini.",
        "2027-01-16 19:00",
        (RELATIVE,),
        suggestion="Demà passat, dilluns 18 de gener",
    ),
    Case("El 30 de febrer tanca el termini.", "2027-01-11 10:00", (IMPOSSIBLE,)),
    Case("Fins al 10 de gener.", "2027-01-11 10:00", (PAST,)),
    Case(
        "S'obri el 18 de febrer.",
        "2027-01-11 10:00",
        (KEY,),
        key=OPEN_KEY,
        suggestion="18 de gener",
    ),
    Case(
        "S'obri el 18 d'abril.", "2027-01-11 10:00", (KEY,), key=OPEN_KEY, suggestion="18 de gener"
    ),
    Case("Avui dimarts comencem.", "2027-01-18 09:00", (RELATIVE,), suggestion="Demà dimarts"),
    Case("Dimecres 18 de gener.", "2027-01-11 10:00", (WEEKDAY,), suggestion="Dilluns 18 de gener"),
    Case("Divendres 19 de març de 2026.", "2027-03-12 10:00", (PAST, WEEKDAY)),
]

EN = [
    Case("Registration opens on Monday 18 January.", "2027-01-11 10:00"),
    Case("Registration opens on Monday, January 18, 2027.", "2027-01-11 10:00"),
    Case("Mon 18 Jan: registration opens.", "2027-01-11 10:00"),
    Case("Tomorrow, Monday 18 January, registration opens.", "2027-01-17 19:00"),
    Case("Today (1 February) is the last day.", "2027-02-01 08:30"),
    Case("The day after tomorrow, Wednesday 20 January, job fair.", "2027-01-18 09:00"),
    Case("This evening at 18:00, CV workshop. 850 courses for 12,000 people.", "2027-01-11 10:00"),
    Case("Apply by 1st February.", "2027-01-20 10:00"),
    Case("From 18 to 25 January, guidance week.", "2027-01-20 10:00"),
    Case("On 18th of January 2027 and Thursday the 21st of January.", "2027-01-11 10:00"),
    Case("Thurs 21 Jan, Sat. 23 Jan.", "2027-01-11 10:00"),
    Case("Monday 4 January: offices reopen.", "2026-12-28 10:00"),
    Case("Registration opens on January 18.", "2027-01-11 10:00", key=OPEN_KEY),
    Case("Registration closed on 1 February.", "2027-02-03 10:00"),
    # Wrong.
    Case(
        "Registration opens on Tuesday 18 January.",
        "2027-01-11 10:00",
        (WEEKDAY,),
        suggestion="Monday 18 January",
    ),
    Case("Mon 19 Jan: workshop.", "2027-01-11 10:00", (WEEKDAY,), suggestion="Tue 19 Jan"),
    Case(
        "Tomorrow, Monday 18 January, registration opens.",
        "2027-01-16 19:00",
        (RELATIVE,),
        suggestion="The day after tomorrow, Monday 18 January",
    ),
    Case("Apply by February 30, 2027.", "2027-01-11 10:00", (IMPOSSIBLE,)),
    Case("Apply by 10 January 2027.", "2027-01-11 10:00", (PAST,)),
    Case(
        "Registration opens on 18 February.",
        "2027-01-11 10:00",
        (KEY,),
        key=OPEN_KEY,
        suggestion="18 January",
    ),
    Case(
        "Registration opens on January 18, 2028.",
        "2027-01-11 10:00",
        (KEY,),
        key=OPEN_KEY,
        suggestion="January 18, 2027",
    ),
    Case(
        "Today is Tuesday, come and see us.",
        "2027-01-18 09:00",
        (RELATIVE,),
        suggestion="Tomorrow is Tuesday",
    ),
    Case(
        "Yesterday, Sunday 17 January, was the open day.",
        "2027-01-19 09:00",
        (RELATIVE,),
        suggestion="The day before yesterday, Sunday 17 January",
    ),
]

# A relative word and a later date of the same clause, joined by a linking verb,
# apposition (comma, colon) or brackets: compared. Anything else: not compared.
LINKED = [
    Case(
        "Mañana se abre el plazo: 18/01/2027.",
        "2027-01-16 10:00",
        (RELATIVE,),
        quote="Mañana se abre el plazo: 18/01/2027",
        suggestion="Pasado mañana se abre el plazo: 18/01/2027",
    ),
    Case(
        "Mañana se abre el plazo de inscripción, el lunes 18 de enero.",
        "2027-01-16 10:00",
        (RELATIVE,),
        quote="Mañana se abre el plazo de inscripción, el lunes 18 de enero",
    ),
    Case(
        "Demà s'obri el termini, dilluns 18 de gener.",
        "2027-01-16 10:00",
        (RELATIVE,),
        suggestion="Demà passat s'obri el termini, dilluns 18 de gener",
    ),
    Case(
        "Tomorrow the application window opens (Monday 18 January).",
        "2027-01-16 10:00",
        (RELATIVE,),
        quote="Tomorrow the application window opens (Monday 18 January",
    ),
    Case("Mañana comienza el curso el lunes 18 de enero.", "2027-01-16 10:00"),
    Case("Mañana comienza el 18 de enero.", "2027-01-16 10:00", (RELATIVE,)),
    Case("Hoy es el último día: 2 de febrero.", "2027-02-01 10:00", (RELATIVE,)),
    Case("Avui acaba el termini, l'1 de febrer.", "2027-01-31 10:00", (RELATIVE,)),
    Case("Today is the last day (2 February).", "2027-02-01 10:00", (RELATIVE,)),
    Case(
        "Mañana por la mañana se abre el plazo, el lunes 18 de enero.",
        "2027-01-16 10:00",
        (RELATIVE,),
    ),
    # Right, or not about the same day: must not be flagged.
    Case("Mañana se abre el plazo: 18/01/2027.", "2027-01-17 10:00"),
    Case("Mañana se abre el plazo de inscripción, el lunes 18 de enero.", "2027-01-17 10:00"),
    Case("Demà s'obri el termini, dilluns 18 de gener.", "2027-01-17 10:00"),
    Case("Tomorrow the application window opens (Monday 18 January).", "2027-01-17 10:00"),
    Case("Mañana por la mañana se abre el plazo, el lunes 18 de enero.", "2027-01-17 10:00"),
    Case("Hoy publicamos la lista; el plazo se abre el 18 de enero.", "2027-01-16 10:00"),
    Case("Hoy publicamos la lista y el plazo se abre el 18 de enero.", "2027-01-16 10:00"),
    Case("Hoy publicamos la lista, el plazo se abre el 18 de enero.", "2027-01-16 10:00"),
    Case("Mañana por la mañana, taller de currículum.", "2027-01-16 10:00"),
    Case("Hoy en día el plazo se abre el 18 de enero.", "2027-01-16 10:00"),
    Case("Mañana te contamos que el plazo se abre el 18 de enero.", "2027-01-16 10:00"),
    Case("Mañana se abre el plazo hasta el 1 de febrero.", "2027-01-17 10:00"),
    Case("Mañana se abre el plazo, hasta el 1 de febrero.", "2027-01-17 10:00"),
    Case("Mañana comienza la semana de orientación, del 18 al 22 de enero.", "2027-01-17 10:00"),
    Case("Mañana se abre el plazo para el curso del 25 de enero.", "2027-01-17 10:00"),
    Case("Hui publiquem les llistes i el termini s'obri el 18 de gener.", "2027-01-16 10:00"),
    Case("Avui dia el termini s'obri el 18 de gener.", "2027-01-16 10:00"),
    Case("Today we publish the list. Registration opens on 18 January.", "2027-01-16 10:00"),
    Case("Tomorrow we publish the list; registration opens on 18 January.", "2027-01-16 10:00"),
    Case("Tomorrow at 10:00 the window opens: 18 January.", "2027-01-16 10:00"),
    Case("Mañana: jornada de puertas abiertas. El plazo, 18 de enero.", "2027-01-16 10:00"),
    Case("Mañana se abre el plazo\n18/01/2027: listas provisionales.", "2027-01-16 10:00"),
]


def _ids(lang: str, cases: list[Case]) -> list[object]:
    return [
        pytest.param(c, id=f"{lang}-{i:02d}-{'ok' if not c.codes else '+'.join(c.codes)}")
        for i, c in enumerate(cases)
    ]


def test_the_table_is_big_enough() -> None:
    assert len(ES) + len(CA) + len(EN) >= 60
    assert all(len([c for c in cases if not c.codes]) >= 10 for cases in (ES, CA, EN))


@pytest.mark.parametrize(
    "case", _ids("es", ES) + _ids("ca", CA) + _ids("en", EN) + _ids("linked", LINKED)
)
def test_date_case(case: Case) -> None:
    findings = check_dates(case.text, publish_at=at(case.when), tz=TZ, key_date=case.key)
    assert tuple(sorted(f.code for f in findings)) == case.codes, [f.message for f in findings]
    if case.codes:
        first = next(f for f in findings if f.code == case.codes[0])
        if case.quote is not None:
            assert first.quote(case.text) == case.quote
        if case.suggestion is not None:
            assert first.suggestion == case.suggestion
    for f in findings:
        assert f.span is not None and f.field == "text" and f.message
        assert f.severity == ("warning" if f.code in (KEY, UNLIKELY) else "error")


@pytest.mark.parametrize(
    ("month", "day", "today", "year"),
    [
        (1, 4, date(2026, 12, 28), 2027),  # just after New Year
        (12, 28, date(2027, 1, 4), 2026),  # just before: past, a week ago
        (12, 20, date(2027, 1, 5), 2026),
        (7, 15, date(2027, 1, 11), 2027),  # far: the coming one, not last July
        (10, 15, date(2027, 1, 11), 2027),
        (1, 10, date(2027, 1, 11), 2027),  # yesterday: this year (and past)
        (1, 31, date(2027, 1, 30), 2027),
        (2, 29, date(2027, 1, 11), 2027),  # does not exist in 2027: reported, not moved
    ],
)
def test_year_resolution(month: int, day: int, today: date, year: int) -> None:
    assert resolve_year(month, day, today) == year


def test_month_first_is_never_assumed() -> None:
    findings = check_dates("El 02/03/2027 abrimos.", publish_at=at("2027-01-11 10:00"), tz=TZ)
    assert findings == []
    [mention] = find_dates("El 02/03/2027 abrimos.")
    assert (mention.day, mention.month) == (2, 3)


def test_spans_point_into_the_original_text() -> None:
    text = "⏰ Mañana, MIÉRCOLES 18 DE ENERO, ¡te esperamos!"
    [f] = check_dates(text, publish_at=at("2027-01-17 10:00"), tz=TZ)
    assert f.code == WEEKDAY and f.quote(text) == "MIÉRCOLES 18 DE ENERO"
    assert f.suggestion == "LUNES 18 DE ENERO"


def test_relative_words_and_what_they_are_attached_to() -> None:
    text = "Desde hoy y hasta mañana, lunes 18 de enero. Hui dilluns."
    rels = find_relatives(text, find_dates(text))
    assert [(r.key, r.offset) for r in rels] == [("hoy", 0), ("manana", 1), ("hui", 0)]
    assert rels[0].date is None and rels[0].weekday is None
    assert rels[1].date is not None and rels[2].weekday == 0


def test_messages_are_translated_with_dates_in_the_ui_language() -> None:
    [f] = check_dates("El martes 18 de enero.", publish_at=at("2027-01-11 10:00"), tz=TZ)
    assert "Monday" in f.message and "Tuesday" in f.message and "2027" in f.message


def test_naive_publish_time_is_refused() -> None:
    with pytest.raises(ValueError):
        check_dates("hoy", publish_at=at("2027-01-11 10:00").replace(tzinfo=None), tz=TZ)


def test_publish_day_is_taken_in_the_post_zone() -> None:
    # 23:30 UTC on the 17th is already the 18th in Madrid: "hoy lunes" is right.
    from datetime import UTC, datetime

    when = datetime(2027, 1, 17, 23, 30, tzinfo=UTC)
    assert check_dates("Hoy lunes abrimos.", publish_at=when, tz=TZ) == []
    assert [f.code for f in check_dates("Hoy lunes.", publish_at=when, tz="UTC")] == [RELATIVE]
