"""Checks on the dates written in a post, judged at the moment it goes out.

Findings (codes):

* ``date_impossible`` (error): "31 de febrero", "29/02/2027", or a month-first date
  such as "01/18/2027" (numeric dates are read **day first**, as in Spain; month-first
  is never assumed, the day-first reading is suggested instead);
* ``date_weekday_mismatch`` (error): "martes 18 de enero de 2027" (it is a Monday);
  the suggestion is the same text with the right weekday;
* ``date_weekday_unlikely`` (warning): "el martes 18" with no month, when no Tuesday
  the 18th falls near the publish date;
* ``date_past`` (error): a date before the publish day, unless the text marks it as past
  on purpose (a range start "del 18 al 25", "desde", "since", "el pasado", past tense,
  an official bulletin or law reference, "ayer"...);
* ``date_relative_mismatch`` (error): "Mañana, lunes 18 de enero" published on 16 January;
  "hoy lunes" published on a Sunday; "Mañana se abre el plazo: 18/01/2027" published on
  16 January. A relative word is compared with a date only when the date is written
  next to it or its clause links them (a linking verb such as "se abre"/"es"/"opens",
  then the date, or apposition with a comma, colon or brackets, with no other clause,
  conjunction or date between): see :mod:`app.checks.datefind`. A word with no date
  of its own ("Hoy publicamos la lista; el plazo se abre el 18 de enero") is not
  compared. The suggestion is the right relative word when the gap is -2..2 days;
* ``date_key_mismatch`` (warning): the post is pinned to a campaign key date, no date in
  the text is that date, and one differs from it in only the month, the year or one
  digit of the day ("18 de febrero" for 18 January).

A date without a year gets the year that puts it nearest the publish day, preferring
the future: the past year only when that date is at most :data:`PAST_WINDOW_DAYS` back
and nearer than the next one. So "lunes 4 de enero" published on 2026-12-28 is
2027-01-04, and "el 20 de diciembre" published on 2027-01-05 is 2026-12-20 (past).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names, get_month_names

from app.checks.datefind import DateMention, RelativeMention, Span, find_dates, find_relatives
from app.checks.datewords import (
    MONTHS,
    RELATIVE_WORD,
    WEEKDAYS,
    month_name,
    weekday_name,
)
from app.checks.model import ERROR, WARNING, Finding, KeyDate
from app.checks.textutil import fold, match_case, sentence_bounds, sentence_of
from app.i18n import _, current_language

PAST_WINDOW_DAYS = 62
"""A date without a year is taken as past only if at most this many days back."""

HISTORY_DAYS = 366
"""A date with its year written this many days back or more is history, not a mistake."""

BARE_WINDOW = (-7, 62)
"""Days around the publish day where "el lunes 18" (no month) is looked for."""

_PAST_CONTEXT = re.compile(
    r"\b(?:pasad[oa]s?\b(?!\s+manana)|(?<!dema )passat\b(?!\s+dema)|passada|last|past"
    r"|ayer|ahir|yesterday|fue|fueron|was|were|celebr\w*|tuvo lugar|va ser|van ser"
    r"|va tenir|va tindre|van?\s+\w+(?:ar|er|ir|re)|held|took place|termino|terminaron"
    r"|finalizo|acabo|cerro|abrio|comenzo|empezo|ended|closed|opened|started|began|finished|publicad\w*|publicat\w*|published|aprob\w*"
    r"|aprova\w*|approved|firm(?:ad\w*|amos|aron|o)|signat\w*|signed|boe|dogv|docv|dog|bop|bocm"
    r"|diari oficial|boletin oficial|butlleti oficial|ley|llei|decreto|decret|decree"
    r"|orden|ordre|resolucion|resolucio|resolution)\b"
)
_START_BEFORE = re.compile(
    r"\b(?:desde|des de|des del|since|from|a partir del?|a partir de|starting|entre|between)"
    r"\s*(?:(?:el|the|dia)\s+|l')?$"
)


@dataclass(frozen=True)
class _Dated:
    mention: DateMention
    day: date | None  # None: the date does not exist


def resolve_year(month: int, day: int, today: date) -> int:
    """The year of "``day`` of ``month``" written without one, seen from ``today``.

    The nearest of last, this and next year, preferring the future (see module doc).
    """

    def around(year: int) -> date:
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))

    candidates = [around(y) for y in (today.year - 1, today.year, today.year + 1)]
    future = min(c for c in candidates if c >= today)
    past = max((c for c in candidates if c < today), default=None)
    if (
        past is not None
        and (today - past).days <= PAST_WINDOW_DAYS
        and (today - past) < (future - today)
    ):
        return past.year
    return future.year


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _ui_date(d: date, weekday: bool = False) -> str:
    return format_date(d, format="full" if weekday else "long", locale=current_language())


def _ui_weekday(weekday: int) -> str:
    return str(get_day_names("wide", locale=current_language())[weekday])


def _quote(text: str, span: Span) -> str:
    return " ".join(text[span[0] : span[1]].split())


def _rewrite(text: str, span: Span, parts: list[tuple[Span, str]]) -> str:
    """``text[span]`` with each part ``(sub_span, new_text)`` replaced."""
    out = text[span[0] : span[1]]
    for (start, end), new in sorted(parts, reverse=True):
        out = out[: start - span[0]] + new + out[end - span[0] :]
    return out


def _digits(old: str, value: int) -> str:
    if len(old) == 2 and value < 100:
        return f"{value:02d}"
    return str(value)


def _mention_lang(text: str, m: DateMention, hint: str | None) -> str:
    """The language the mention is written in: its weekday's, the elided "d'" of Catalan,
    the ``hint``, or the first language of its month word."""
    wd_langs = WEEKDAYS[m.weekday_key].langs if m.weekday_key else ()
    langs = MONTHS[m.month_key].langs if m.month_key else wd_langs or ("es",)
    elided = (
        ("ca",)
        if m.prep_span and fold(text[m.prep_span[0] : m.prep_span[1]]).startswith("d'")
        else ()
    )
    for lang in (*wd_langs, *elided, hint):
        if lang in langs:
            return lang
    return langs[0]


def _weekday_part(text: str, m: DateMention, weekday: int) -> tuple[Span, str] | None:
    if m.weekday_span is None or m.weekday_key is None:
        return None
    word = WEEKDAYS[m.weekday_key]
    name = weekday_name(weekday, word.langs[0], short=word.short)
    return m.weekday_span, match_case(text[m.weekday_span[0] : m.weekday_span[1]], name)


def _date_parts(
    text: str, m: DateMention, new: date, hint: str | None
) -> list[tuple[Span, str]] | None:
    """Replacements that make mention ``m`` say ``new``; None when it cannot be written."""
    parts: list[tuple[Span, str]] = []
    if new.day != m.day:
        if m.kind == "written" and fold(text[max(0, m.span[0] - 2) : m.span[0]]) == "l'":
            return None  # Catalan "l'1": the article would change too
        old = text[m.day_span[0] : m.day_span[1]]
        parts.append((m.day_span, _digits(old, new.day)))
    if new.month != m.month:
        if m.month_span is None:
            return None
        old = text[m.month_span[0] : m.month_span[1]]
        if m.month_key is None:
            parts.append((m.month_span, _digits(old, new.month)))
        else:
            lang = _mention_lang(text, m, hint)
            short = MONTHS[m.month_key].short
            name = month_name(new.month, lang, short=short).rstrip(".")
            parts.append((m.month_span, match_case(old, name)))
            if m.prep_span is not None and lang == "ca":
                prep = "d'" if fold(name)[0] in "aeiou" else "de "
                parts.append((m.prep_span, prep))
    if new.year != (m.year if m.year is not None else new.year):
        if m.year_span is None:
            return None
        old = text[m.year_span[0] : m.year_span[1]]
        parts.append(
            (m.year_span, _digits(old, new.year % 100) if len(old) == 2 else str(new.year))
        )
    weekday = _weekday_part(text, m, new.weekday())
    if weekday is not None:
        parts.append(weekday)
    return parts


def _resolve(m: DateMention, today: date) -> _Dated:
    if m.kind == "bare":
        return _Dated(m, _bare_date(m, today))
    if m.month_first:
        return _Dated(m, None)
    year = m.year if m.year is not None else resolve_year(m.month, m.day, today)
    return _Dated(m, _real_date(year, m.month, m.day))


def _bare_candidates(m: DateMention, today: date) -> list[date]:
    found = []
    for shift in range(-1, 3):
        index = today.month - 1 + shift
        year, month = today.year + index // 12, index % 12 + 1
        d = _real_date(year, month, m.day)
        if d is not None and BARE_WINDOW[0] <= (d - today).days <= BARE_WINDOW[1]:
            found.append(d)
    return found


def _bare_date(m: DateMention, today: date) -> date | None:
    """The date near ``today`` with day ``m.day`` on weekday ``m.weekday``, if one."""
    matching = [d for d in _bare_candidates(m, today) if d.weekday() == m.weekday]
    if not matching:
        return None
    return min(matching, key=lambda d: (d < today, abs((d - today).days)))


def _impossible(text: str, m: DateMention) -> Finding:
    quote = _quote(text, m.span)
    if m.month_first and m.month_span is not None:
        day_text = text[m.day_span[0] : m.day_span[1]]
        month_text = text[m.month_span[0] : m.month_span[1]]
        suggestion = _rewrite(text, m.core, [(m.day_span, month_text), (m.month_span, day_text)])
        return Finding(
            "date_impossible",
            ERROR,
            _(
                "“{quote}” is not a date: dates are read day first (day/month/year). "
                "Did you mean {suggestion}?"
            ).format(quote=quote, suggestion=suggestion),
            m.core,
            suggestion=suggestion,
        )
    month = str(get_month_names("wide", locale=current_language())[m.month])
    return Finding(
        "date_impossible",
        ERROR,
        _("“{quote}” does not exist: {month} has no day {day}.").format(
            quote=quote, month=month, day=m.day
        ),
        m.span,
    )


def _weekday_findings(text: str, item: _Dated, today: date) -> list[Finding]:
    m = item.mention
    if m.weekday is None:
        return []
    quote = _quote(text, m.span)
    if m.kind == "bare":
        if item.day is not None:
            return []
        near = [d for d in _bare_candidates(m, today) if d >= today] or _bare_candidates(m, today)
        if not near:
            return []
        actual = min(near, key=lambda d: abs((d - today).days))
        part = _weekday_part(text, m, actual.weekday())
        return [
            Finding(
                "date_weekday_unlikely",
                WARNING,
                _(
                    "“{quote}”: no {weekday} falls on day {day} near the publish date "
                    "({date} is a {actual})."
                ).format(
                    quote=quote,
                    weekday=_ui_weekday(m.weekday),
                    day=m.day,
                    date=_ui_date(actual),
                    actual=_ui_weekday(actual.weekday()),
                ),
                m.span,
                suggestion=_rewrite(text, m.span, [part]) if part else None,
            )
        ]
    if item.day is None or item.day.weekday() == m.weekday:
        return []
    part = _weekday_part(text, m, item.day.weekday())
    return [
        Finding(
            "date_weekday_mismatch",
            ERROR,
            _("“{quote}”: {date} is a {right}, not a {wrong}.").format(
                quote=quote,
                date=_ui_date(item.day),
                right=_ui_weekday(item.day.weekday()),
                wrong=_ui_weekday(m.weekday),
            ),
            m.span,
            suggestion=_rewrite(text, m.span, [part]) if part else None,
        )
    ]


def _past_on_purpose(
    folded: str, m: DateMention, day: date, today: date, sentences: list[tuple[int, int]]
) -> bool:
    """True when a past date is meant: a range start, "desde"/"since" before it, past-tense
    or official-bulletin words in its sentence, or a written year more than a year back
    (history, not a typo)."""
    if m.range_start or (m.year is not None and (today - day).days > HISTORY_DAYS):
        return True
    start, end = sentence_of(sentences, m.span[0])
    if _START_BEFORE.search(folded, max(start, m.span[0] - 24), m.span[0]):
        return True
    return bool(_PAST_CONTEXT.search(folded, start, end))


def _relative_findings(
    text: str, rel: RelativeMention, dated: dict[Span, _Dated], today: date
) -> list[Finding]:
    expected = today + timedelta(days=rel.offset)
    word = text[rel.span[0] : rel.span[1]]
    if rel.date is not None:
        item = dated.get(rel.date.span)
        if item is None or item.day is None:
            return []
        actual = item.day
        if rel.date.kind == "bare":
            ok = expected.day == rel.date.day and expected.weekday() == rel.date.weekday
            actual_text = _quote(text, rel.date.span)
        else:
            ok = actual == expected
            actual_text = _ui_date(actual, weekday=True)
        if ok:
            return []
        span = (min(rel.span[0], rel.date.span[0]), max(rel.span[1], rel.date.span[1]))
        gap = (actual - today).days
        message = _(
            "“{word}” is {expected} when the post goes out, but the text says {actual}."
        ).format(word=word, expected=_ui_date(expected, weekday=True), actual=actual_text)
    elif rel.weekday is not None and rel.weekday_span is not None:
        if expected.weekday() == rel.weekday:
            return []
        span = (rel.span[0], rel.weekday_span[1])
        gap = next(
            (g for g in range(-2, 3) if (today + timedelta(days=g)).weekday() == rel.weekday), 99
        )
        message = _("“{word}” is {expected} when the post goes out, not a {weekday}.").format(
            word=word, expected=_ui_date(expected, weekday=True), weekday=_ui_weekday(rel.weekday)
        )
    else:
        return []
    suggestion = None
    if (rel.lang, gap) in RELATIVE_WORD:
        suggestion = _rewrite(
            text, span, [(rel.span, match_case(word, RELATIVE_WORD[(rel.lang, gap)]))]
        )
    return [Finding("date_relative_mismatch", ERROR, message, span, suggestion=suggestion)]


def _one_digit_apart(a: int, b: int) -> bool:
    x, y = str(a), str(b)
    if len(x) == len(y):
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        return len(diff) == 1 or (len(diff) == 2 and x[::-1] == y)
    short, long = sorted((x, y), key=len)
    return len(long) - len(short) == 1 and short in (long[1:], long[:-1])


def _key_findings(text: str, items: list[_Dated], key: KeyDate, hint: str | None) -> list[Finding]:
    usable = [i for i in items if i.day is not None and i.mention.kind != "bare"]
    if any(i.day == key.day for i in usable):
        return []
    found = []
    for item in usable:
        assert item.day is not None
        d, k = item.day, key.day
        same = (d.day == k.day, d.month == k.month, d.year == k.year)
        if sum(same) != 2 or (not same[0] and not _one_digit_apart(d.day, k.day)):
            continue
        m = item.mention
        parts = _date_parts(text, m, k, hint)
        found.append(
            Finding(
                "date_key_mismatch",
                WARNING,
                _("“{quote}” is {date}, but the post is pinned to “{name}” on {key}.").format(
                    quote=_quote(text, m.span), date=_ui_date(d), name=key.name, key=_ui_date(k)
                ),
                m.span,
                suggestion=_rewrite(text, m.span, parts) if parts else None,
            )
        )
    return found


def check_dates(
    text: str,
    *,
    publish_at: datetime,
    tz: str,
    key_date: KeyDate | None = None,
    language: str | None = None,
) -> list[Finding]:
    """Date findings for ``text`` published at ``publish_at`` (aware) seen in zone ``tz``.

    ``key_date`` is the campaign date the post is pinned to, if any; ``language``
    ("es", "ca", "en") only chooses how suggestions are spelt when a word is shared.
    """
    if publish_at.tzinfo is None:
        raise ValueError("publish_at must be an aware datetime")
    today = publish_at.astimezone(ZoneInfo(tz)).date()
    mentions = find_dates(text)
    relatives = find_relatives(text, mentions)
    items = [_resolve(m, today) for m in mentions]
    dated = {i.mention.span: i for i in items}
    attached = {r.date.span for r in relatives if r.date is not None}
    folded = fold(text)
    sentences = sentence_bounds(text)
    findings: list[Finding] = []
    for item in items:
        m = item.mention
        if item.day is None and m.kind != "bare":
            findings.append(_impossible(text, m))
            continue
        findings.extend(_weekday_findings(text, item, today))
        if (
            item.day is not None
            and item.day < today
            and m.kind != "bare"
            and m.span not in attached
            and not _past_on_purpose(folded, m, item.day, today, sentences)
        ):
            findings.append(
                Finding(
                    "date_past",
                    ERROR,
                    _(
                        "“{quote}” ({date}) is already past when the post goes out ({publish})."
                    ).format(
                        quote=_quote(text, m.span), date=_ui_date(item.day), publish=_ui_date(today)
                    ),
                    m.span,
                )
            )
    for rel in relatives:
        findings.extend(_relative_findings(text, rel, dated, today))
    if key_date is not None:
        findings.extend(_key_findings(text, items, key_date, language))
    return findings
