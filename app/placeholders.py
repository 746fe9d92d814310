"""Key-date placeholders in a post's text, and dates written in it literally.

A placeholder is a key date's name in braces: ``{apertura_plazo}`` or
``{application window opens}``. Names match ignoring case, accents are kept, and
spaces, ``_`` and ``-`` are interchangeable. It renders as the date in long form in
the post's language: ``lunes 18 de enero`` (es), ``dilluns 18 de gener`` (ca),
``Monday 18 January`` (en, also used for an unknown language).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from babel.dates import format_date

from app.checks.datefind import find_dates

PLACEHOLDER_RE = re.compile(r"\{([^{}\n]{1,80})\}")

#: Babel patterns for the long form of a date, by language.
LONG_PATTERNS: dict[str, str] = {
    "es": "EEEE d 'de' MMMM",
    "ca": "EEEE d MMMM",
    "en": "EEEE d MMMM",
}


def normalise_name(name: str) -> str:
    """The form used to match a placeholder to a key date ("Apertura plazo" -> "apertura plazo")."""
    return " ".join(re.split(r"[\s_\-]+", name.strip().lower())).strip()


def long_date(day: date, language: str) -> str:
    """``day`` written out in ``language`` ("es", "ca", "en"; anything else: English)."""
    lang = language if language in LONG_PATTERNS else "en"
    return format_date(day, LONG_PATTERNS[lang], locale=lang)


def placeholders(text: str) -> list[str]:
    """The names inside braces in ``text``, in order (duplicates kept)."""
    return [m.group(1) for m in PLACEHOLDER_RE.finditer(text)]


def render(text: str, key_dates: Mapping[str, date], language: str) -> str:
    """``text`` with every placeholder naming one of ``key_dates`` replaced by its long date.

    ``key_dates`` maps key-date names (any spelling; see :func:`normalise_name`) to dates.
    Braces that name no key date are left as written.
    """
    if "{" not in text or not key_dates:
        return text
    wanted = {normalise_name(name): day for name, day in key_dates.items()}

    def replace(match: re.Match[str]) -> str:
        day = wanted.get(normalise_name(match.group(1)))
        return long_date(day, language) if day is not None else match.group(0)

    return PLACEHOLDER_RE.sub(replace, text)


def unknown_placeholders(text: str, key_dates: Mapping[str, date]) -> list[str]:
    """Placeholders in ``text`` that name none of ``key_dates`` (to warn while composing)."""
    known = {normalise_name(name) for name in key_dates}
    return [name for name in placeholders(text) if normalise_name(name) not in known]


def literal_mentions(text: str, day: date) -> list[str]:
    """The places where ``text`` writes ``day`` literally (not through a placeholder).

    Recognises the forms of :func:`app.checks.datefind.find_dates` ("18/01/2027",
    "lunes 18 de enero", "18 January"...). A date without a year matches any year; a
    weekday-and-day mention ("el lunes 18") matches when both agree. Returns the
    snippets as written, in order.
    """
    if "{" in text:
        text = PLACEHOLDER_RE.sub(lambda m: " " * len(m.group(0)), text)
    found: list[str] = []
    for mention in find_dates(text):
        if mention.kind == "bare":
            same = mention.day == day.day and mention.weekday == day.weekday()
        else:
            same = (
                mention.day == day.day
                and mention.month == day.month
                and mention.year in (None, day.year)
            )
        if same:
            found.append(text[mention.span[0] : mention.span[1]])
    return found
