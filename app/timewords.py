"""A publication time in words, in the post's language: "mañana lunes 18 de enero a las 9:00".

Used by the review screen so the person confirming reads the time the way the text
speaks of it, and notices "tomorrow" when they meant "next week".
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from app.timeutil import to_local

#: Words for today, tomorrow and the day after, per language.
RELATIVE: dict[str, tuple[str, str, str]] = {
    "es": ("hoy", "mañana", "pasado mañana"),
    "ca": ("hui", "demà", "demà passat"),
    "en": ("today", "tomorrow", "the day after tomorrow"),
}
#: "<day> at <time>" per language; ``{at}`` picks the article for the hour.
TEMPLATE: dict[str, str] = {
    "es": "{day} a {at} {time}",
    "ca": "{day} a {at} {time}",
    "en": "{day} at {time}",
}


#: Short words that only one of the three languages uses (for :func:`guess_language`).
MARKERS: dict[str, frozenset[str]] = {
    "es": frozenset("y los las para con una por se al es mañana hoy el del".split()),
    "ca": frozenset("i els les per amb una pel és demà hui avui al del".split()),
    "en": frozenset("the and of to for with on is tomorrow today at".split()),
}


def guess_language(text: str) -> str | None:
    """ "es", "ca" or "en" from the short words of ``text``, or None when unclear."""
    words = [w.strip(".,;:!?¡¿()\"'«»“”").lower() for w in text.split()]
    scores = {
        lang: sum(1 for w in words if w in marks)
        - sum(
            1 for w in words if w in marks and any(w in m for o, m in MARKERS.items() if o != lang)
        )
        for lang, marks in MARKERS.items()
    }
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    return best if ranked[0] > 0 and ranked[0] > ranked[1] else None


def _article(language: str, hour: int) -> str:
    if language == "es":
        return "la" if hour == 1 else "las"
    if language == "ca":
        return "la" if hour == 1 else "les"
    return ""


def day_in_words(day: date, today: date, language: str) -> str:
    """``"mañana lunes 18 de enero"``: relative word (if within two days), weekday, day and
    month, and the year when it is not ``today``'s year."""
    lang = language if language in TEMPLATE else "en"
    pattern = "EEEE d MMMM" if day.year == today.year else "EEEE d MMMM y"
    text = format_date(day, pattern, locale=lang)
    if lang in ("es", "ca") and day.year != today.year:
        text = format_date(day, "EEEE d MMMM 'de' y", locale=lang)
    if lang == "es":
        words = text.split(" ")
        if len(words) >= 3 and words[2] != "de":
            words.insert(2, "de")  # Spanish "lunes 18 enero" → "lunes 18 de enero"
        text = " ".join(words)
    delta = (day - today).days
    if 0 <= delta <= 2:
        text = f"{RELATIVE[lang][delta]} {text}"
    return text


def time_in_words(instant: datetime, tz: str, now: datetime, language: str) -> str:
    """``instant`` (aware) as the people of zone ``tz`` say it in ``language`` ("es", "ca",
    "en"; others fall back to English), relative to ``now``."""
    lang = language if language in TEMPLATE else "en"
    local = to_local(instant, tz)
    today = to_local(now, tz).date()
    clock = f"{local.hour}:{local.minute:02d}"
    day = day_in_words(local.date(), today, lang)
    return TEMPLATE[lang].format(day=day, at=_article(lang, local.hour), time=clock)
