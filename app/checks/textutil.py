"""Text helpers shared by the checks. Every function keeps code-point offsets intact.

:func:`fold` gives a copy of the text of the *same length* (lower case, no accents,
one kind of apostrophe, dash and space), so patterns written in plain ASCII can be
matched and their offsets used on the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "\u2019\u2018\u02bc\u00b4`"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_SPACES = "\u00a0\u202f\u2007\u2009\u200a"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if ch in _SPACES:
        return " "
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = unicodedata.normalize("NFD", low)[0]
    # Keep the character when stripping would change what it is (º, ª, emoji...).
    return base if base.isascii() and base.isalpha() else low


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, with ``’`` → ``'``, dashes → ``-``, NBSP → space.

    The result has exactly ``len(text)`` code points (offsets are shared).
    """
    return "".join(_fold_char(ch) for ch in text)


# A URL: scheme://... or www.... up to whitespace or a quote/angle bracket.
_URL_RE = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"«»\u201c\u201d]+""")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING = ".,;:!?'\u2019"


def _trim_url(text: str, start: int, end: int) -> int:
    """End offset of a URL without the sentence punctuation glued to it."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
        else:
            break
    return end


def url_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every URL (``http(s)://`` or ``www.``) in ``text``, in order."""
    spans = []
    for m in _URL_RE.finditer(text):
        end = _trim_url(text, m.start(), m.end())
        if end > m.start():
            spans.append((m.start(), end))
    return spans


def email_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every e-mail address in ``text`` (linear time: grows from each @)."""
    spans = []
    for at in (i for i, ch in enumerate(text) if ch == "@"):
        m = _EMAIL_RE.match(text, _local_part_start(text, at))
        if m and m.start() < at < m.end():
            spans.append(m.span())
    return spans


def _local_part_start(text: str, at: int) -> int:
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
        start -= 1
    return start


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span replaced by spaces (same length)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def masked_for_words(text: str) -> str:
    """:func:`fold` of ``text`` with URLs and e-mail addresses blanked out."""
    return fold(mask(text, url_spans(text) + email_spans(text)))


_SENTENCE_END = re.compile(r"[.!?\u2026]+(?=\s)|\n+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence: split after ``. ! ? …`` followed by a space, and at
    line breaks. Dots inside numbers or dates ("18.01.2027") do not split."""
    bounds = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return [b for b in bounds if b[1] > b[0]]


def sentence_of(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence (from :func:`sentence_bounds`) that contains ``offset``."""
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return bounds[-1] if bounds else (0, 0)


def match_case(model: str, word: str) -> str:
    """``word`` written with the capitalisation of ``model`` (UPPER, Title or lower)."""
    letters = [c for c in model if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word
