"""Month, weekday and relative-day words in Spanish, Catalan/Valencian and English.

Names come from Babel's CLDR data (stand-alone wide forms; English abbreviations),
plus spellings people write that CLDR lacks ("setiembre", "Sept", "Tues", "huí").
Every key is *folded* (see :func:`app.checks.textutil.fold`): lower case, no accents,
so "miércoles" and "miercoles", "sábado" and "sabado" are the same word.
Weekday numbers follow :meth:`datetime.date.weekday`: 0 = Monday ... 6 = Sunday.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale

from app.checks.textutil import fold

LANGS = ("es", "ca", "en")
"""Languages whose date words are recognised (all at once: posts are often bilingual)."""


@dataclass(frozen=True)
class Word:
    """A month (1-12) or weekday (0-6) word: its number, languages, and form.

    ``short`` marks abbreviations ("Jan", "Mon"); ``needs_dot`` abbreviations that are
    only taken as dates when a dot follows ("ag.", "set.", "ago.").
    """

    number: int
    langs: tuple[str, ...]
    short: bool = False
    needs_dot: bool = False


def _add(
    table: dict[str, Word],
    name: str,
    number: int,
    lang: str,
    *,
    short: bool = False,
    needs_dot: bool = False,
) -> None:
    key = fold(name).rstrip(".")
    old = table.get(key)
    if old is None:
        table[key] = Word(number, (lang,), short, needs_dot)
    elif old.number == number:
        langs = old.langs if lang in old.langs else (*old.langs, lang)
        table[key] = Word(number, langs, old.short and short, old.needs_dot and needs_dot)


def _build_months() -> dict[str, Word]:
    table: dict[str, Word] = {}
    for lang in LANGS:
        names = Locale.parse(lang).months["stand-alone"]["wide"]
        for number, name in names.items():
            _add(table, name, number, lang)
    en_short = Locale.parse("en").months["stand-alone"]["abbreviated"]
    for number, name in en_short.items():
        _add(table, name, number, "en", short=True)
    _add(table, "sept", 9, "en", short=True)
    es_short = Locale.parse("es").months["stand-alone"]["abbreviated"]
    for number, name in es_short.items():
        # "ago" is also an English word ("18 days ago"): only "ago." counts.
        _add(table, name, number, "es", short=True, needs_dot=fold(name) == "ago")
    _add(table, "sep", 9, "es", short=True)
    _add(table, "setiembre", 9, "es")
    ca_short = Locale.parse("ca").months["stand-alone"]["abbreviated"]
    for number, name in ca_short.items():
        # Catalan abbreviations are written with a dot ("gen.", "set."); "març" is whole.
        _add(table, name, number, "ca", short=True, needs_dot=name.endswith("."))
    return table


def _build_weekdays() -> dict[str, Word]:
    table: dict[str, Word] = {}
    for lang in LANGS:
        names = Locale.parse(lang).days["stand-alone"]["wide"]
        for number, name in names.items():
            _add(table, name, number, lang)
    # Only English abbreviations: the Spanish/Catalan ones ("mar", "dc.") clash with
    # other words or months.
    for number, name in Locale.parse("en").days["stand-alone"]["abbreviated"].items():
        _add(table, name, number, "en", short=True)
    for name, number in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
        _add(table, name, number, "en", short=True)
    return table


MONTHS: dict[str, Word] = _build_months()
"""Folded month word → :class:`Word` (number 1-12)."""

WEEKDAYS: dict[str, Word] = _build_weekdays()
"""Folded weekday word → :class:`Word` (number 0 = Monday)."""

RELATIVE: dict[str, tuple[int, str]] = {
    # days from the publish date, language of the word
    "pasado manana": (2, "es"),
    "passat dema": (2, "ca"),
    "dema passat": (2, "ca"),
    "despus-dema": (2, "ca"),
    "despus dema": (2, "ca"),
    "the day after tomorrow": (2, "en"),
    "antes de ayer": (-2, "es"),
    "anteayer": (-2, "es"),
    "abans d'ahir": (-2, "ca"),
    "abans-d'ahir": (-2, "ca"),
    "despus-ahir": (-2, "ca"),
    "the day before yesterday": (-2, "en"),
    "manana": (1, "es"),
    "dema": (1, "ca"),
    "tomorrow": (1, "en"),
    "hoy": (0, "es"),
    "hui": (0, "ca"),
    "avui": (0, "ca"),
    "today": (0, "en"),
    "ayer": (-1, "es"),
    "ahir": (-1, "ca"),
    "yesterday": (-1, "en"),
}
"""Folded relative-day phrase → (offset in days from the publish date, language)."""

RELATIVE_WORD: dict[tuple[str, int], str] = {
    ("es", -2): "anteayer",
    ("es", -1): "ayer",
    ("es", 0): "hoy",
    ("es", 1): "mañana",
    ("es", 2): "pasado mañana",
    ("ca", -2): "abans-d'ahir",
    ("ca", -1): "ahir",
    ("ca", 0): "avui",
    ("ca", 1): "demà",
    ("ca", 2): "demà passat",
    ("en", -2): "the day before yesterday",
    ("en", -1): "yesterday",
    ("en", 0): "today",
    ("en", 1): "tomorrow",
    ("en", 2): "the day after tomorrow",
}
"""(language, offset) → the relative word to suggest."""


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (so "dema passat" beats "dema")."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


MONTH_RE = alternation(MONTHS)
EN_MONTH_RE = alternation([k for k, w in MONTHS.items() if "en" in w.langs])
WEEKDAY_RE = alternation(WEEKDAYS)
LONG_WEEKDAY_RE = alternation([k for k, w in WEEKDAYS.items() if not w.short])
RELATIVE_RE = alternation(RELATIVE)


@cache
def weekday_name(weekday: int, lang: str, short: bool = False) -> str:
    """The name of ``weekday`` (0 = Monday) in ``lang``, lower case except English."""
    width = "abbreviated" if short else "wide"
    return str(Locale.parse(lang).days["stand-alone"][width][weekday])


@cache
def month_name(month: int, lang: str, short: bool = False) -> str:
    """The name of ``month`` (1-12) in ``lang`` ("gener", "January", "Jan")."""
    width = "abbreviated" if short else "wide"
    return str(Locale.parse(lang).months["stand-alone"][width][month])
