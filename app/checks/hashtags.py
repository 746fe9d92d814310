"""Hashtags and mentions: CamelCase for screen readers, and per-network counts.

Screen readers read ``#FormacionParaElEmpleo`` word by word but ``#formacionparaelempleo``
as one long word. An all-lowercase hashtag made of several words gets a warning: with
the CamelCase spelling as suggestion when it splits entirely into known words
(:mod:`app.checks.wordlist`), otherwise with advice only. Hashtags with any capital
letter, and one-word hashtags, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.checks.limits import CAPTION_RULES
from app.checks.model import ERROR, WARNING, Finding
from app.checks.textutil import email_spans, fold, mask, url_spans
from app.checks.wordlist import SINGLE_LETTER_WORDS, WORDS
from app.i18n import _

_HASHTAG = re.compile(r"(?<![\w&#/])#(?P<tag>\w+)")
_MENTION = re.compile(r"(?<![\w@/])@(?P<name>\w[\w.]*)")
MIN_PARTIAL_LENGTH = 12
"""An unsplittable lowercase hashtag this long, with two known words, gets advice."""


@dataclass(frozen=True)
class Tag:
    """A hashtag or mention: ``span`` of the whole token (``#`` included), ``name`` without it."""

    span: tuple[int, int]
    name: str


def _clean(text: str) -> str:
    return mask(text, url_spans(text) + email_spans(text))


def find_hashtags(text: str) -> list[Tag]:
    """Every ``#hashtag`` in ``text`` outside URLs, in order."""
    return [Tag(m.span(), m["tag"]) for m in _HASHTAG.finditer(_clean(text))]


def find_mentions(text: str) -> list[Tag]:
    """Every ``@mention`` in ``text`` outside URLs and e-mail addresses ("Cl@ve" is none)."""
    return [Tag(m.span(), m["name"].rstrip(".")) for m in _MENTION.finditer(_clean(text))]


def split_words(word: str) -> list[str] | None:
    """``word`` (folded letters) split into known words, the fewest and longest; None if
    it cannot be split entirely. One-letter words ("a", "y", "i") only between two
    longer ones."""
    n = len(word)
    best: list[tuple[int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            prev = best[start]
            piece = word[start:end]
            if prev is None or piece not in WORDS:
                continue
            if len(piece) == 1 and (
                piece not in SINGLE_LETTER_WORDS
                or start == 0
                or end == n
                or prev[1][-1] == start - 1
            ):
                continue
            score = prev[0] + (len(piece) ** 2 if len(piece) > 1 else -2)
            current = best[end]
            if current is None or score > current[0]:
                best[end] = (score, [*prev[1], start])
    final = best[n]
    if final is None:
        return None
    starts = final[1]
    return [word[s:e] for s, e in zip(starts, [*starts[1:], n], strict=True)]


def _known_coverage(word: str) -> tuple[int, int]:
    """(letters covered by known words of 3+ letters, how many such words) at best."""
    n = len(word)
    best = [(0, 0)] * (n + 1)
    for end in range(1, n + 1):
        best[end] = best[end - 1]
        for start in range(max(0, end - 20), end - 2):
            if word[start:end] in WORDS:
                cand = (best[start][0] + end - start, best[start][1] + 1)
                best[end] = max(best[end], cand)
    return best[n]


def camel_case(tag: str) -> str | None:
    """``tag`` (no ``#``) in CamelCase when every letter run splits into known words into
    at least two words in all ("formaciónparaelempleo" → "FormaciónParaElEmpleo")."""
    folded = fold(tag)
    out = []
    words = 0
    for m in re.finditer(r"[^\W\d_]+|[\d_]+", folded):
        start, end = m.span()
        if not m.group().isalpha():
            out.append(tag[start:end])
            continue
        parts = split_words(m.group())
        if parts is None:
            return None
        pos = start
        for part in parts:
            out.append(tag[pos].upper() + tag[pos + 1 : pos + len(part)])
            pos += len(part)
        words += len(parts)
    return "".join(out) if words >= 2 else None


def check_hashtags(text: str) -> list[Finding]:
    """``hashtag_camelcase`` warnings for all-lowercase multi-word hashtags."""
    findings = []
    for tag in find_hashtags(text):
        name = tag.name
        if not any(c.isalpha() for c in name) or name != name.lower():
            continue
        camel = camel_case(name)
        if camel is not None:
            findings.append(
                Finding(
                    "hashtag_camelcase",
                    WARNING,
                    _("Write #{tag} as #{camel}: screen readers then read each word.").format(
                        tag=name, camel=camel
                    ),
                    tag.span,
                    suggestion="#" + camel,
                )
            )
            continue
        letters = re.sub(r"[\W\d_]", "", fold(name))
        covered, count = _known_coverage(letters)
        if len(letters) >= MIN_PARTIAL_LENGTH and count >= 2 and covered * 5 >= len(letters) * 3:
            findings.append(
                Finding(
                    "hashtag_camelcase",
                    WARNING,
                    _(
                        "#{tag} seems to join several words: start each with a capital letter "
                        "(#LikeThis) so screen readers read each word."
                    ).format(tag=name),
                    tag.span,
                )
            )
    return findings


def check_caption_counts(text: str, networks: Sequence[str]) -> list[Finding]:
    """``too_many_hashtags`` / ``too_many_mentions`` errors for networks that limit them
    (:data:`app.checks.limits.CAPTION_RULES`; Instagram: 30 and 20). The span starts at
    the first hashtag or mention over the limit."""
    findings = []
    hashtags, mentions = find_hashtags(text), find_mentions(text)
    for key in networks:
        rules = CAPTION_RULES.get(key)
        if rules is None:
            continue
        label = key.capitalize()
        if rules.max_hashtags is not None and len(hashtags) > rules.max_hashtags:
            findings.append(
                Finding(
                    "too_many_hashtags",
                    ERROR,
                    _("{network} takes at most {max} hashtags; the text has {n}.").format(
                        network=label, max=rules.max_hashtags, n=len(hashtags)
                    ),
                    (hashtags[rules.max_hashtags].span[0], len(text)),
                    network=key,
                )
            )
        if rules.max_mentions is not None and len(mentions) > rules.max_mentions:
            findings.append(
                Finding(
                    "too_many_mentions",
                    ERROR,
                    _("{network} takes at most {max} mentions (@); the text has {n}.").format(
                        network=label, max=rules.max_mentions, n=len(mentions)
                    ),
                    (mentions[rules.max_mentions].span[0], len(text)),
                    network=key,
                )
            )
    return findings
