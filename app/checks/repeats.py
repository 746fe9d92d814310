"""Repeats: the same or nearly the same text as a recent or pending post of the account.

Networks refuse or bury duplicates (Facebook error 506, X 403), and people notice them.
Texts are compared after :func:`normalize`; "nearly the same" means a
:class:`difflib.SequenceMatcher` ratio of at least :data:`SIMILARITY`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from app.checks.model import WARNING, Finding
from app.checks.textutil import fold, url_spans
from app.i18n import _

SIMILARITY = 0.9
"""Ratio (0..1) from which two normalised texts count as nearly the same."""

_NOT_WORD = re.compile(r"[^\w<>]+")


def normalize(text: str) -> str:
    """``text`` for comparison: every URL → ``<url>``, case and accents folded,
    punctuation, emoji and runs of whitespace → one space."""
    spans = url_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + " <url> " + text[end:]
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def similarity(a: str, b: str) -> float:
    """Similarity (0..1) of two texts after :func:`normalize`, word by word (one changed
    word in twenty leaves about 0.95)."""
    return _ratio(normalize(a), normalize(b))


def _ratio(na: str, nb: str) -> float:
    """:func:`similarity` of two texts already normalised."""
    if na == nb:
        return 1.0
    matcher = SequenceMatcher(None, na.split(), nb.split(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def check_repeats(text: str, recent_texts: Sequence[str]) -> list[Finding]:
    """One ``repeat_recent`` warning when ``text`` matches one of ``recent_texts`` (the
    same account's recent or pending posts); the most similar one is quoted."""
    mine = normalize(text)
    if not mine:
        return []
    best, score = None, 0.0
    for other in recent_texts:
        value = _ratio(mine, normalize(other))
        if value >= SIMILARITY and value > score:
            best, score = other, value
    if best is None:
        return []
    snippet = " ".join(best.split())
    snippet = snippet if len(snippet) <= 60 else snippet[:59] + "…"
    message = (
        _("This text is the same as a recent or pending post: “{other}”.")
        if score == 1.0
        else _("This text is nearly the same ({percent}%) as a recent or pending post: “{other}”.")
    )
    return [
        Finding(
            "repeat_recent",
            WARNING,
            message.format(other=snippet, percent=int(score * 100)),
            None,
            "text",
        )
    ]
