"""Text length per network, counted the way each network counts.

Each network client class provides ``count_chars(text)`` (Facebook: code points; X will
weigh URLs and emoji) and ``limits.max_chars``; this module only asks them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from app.checks.model import ERROR, Finding
from app.i18n import _
from app.networks.registry import network_class

_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def overflow_at(text: str, count: Callable[[str], int], limit: int) -> int | None:
    """Offset of the first character that takes ``text`` over ``limit``, or None if it fits.

    ``count`` measures a string; it is assumed to grow with the prefix (binary search,
    O(log n) calls). The offset is moved back to the start of a character cluster
    (accents, emoji joined with ZWJ, variation selectors) so no cluster is cut.
    """
    if count(text) <= limit:
        return None
    lo, hi = 0, len(text)  # count(text[:lo]) <= limit < count(text[:hi])
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if count(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid
    start = hi - 1
    while start > 0 and (
        unicodedata.combining(text[start])
        or text[start] in _JOINERS
        or text[start - 1] == "\u200d"
        or 0x1F3FB <= ord(text[start]) <= 0x1F3FF
    ):
        start -= 1
    return start


def check_length(text: str, networks: Sequence[str]) -> list[Finding]:
    """``text_too_long`` errors, one per network in ``networks`` whose limit ``text`` exceeds.

    The span goes from the first character over the limit to the end of the text.
    Raises ValidationError for an unknown network key.
    """
    findings = []
    for key in networks:
        cls = network_class(key)
        limit = cls.limits.max_chars
        start = overflow_at(text, cls.count_chars, limit)
        if start is None:
            continue
        findings.append(
            Finding(
                "text_too_long",
                ERROR,
                _(
                    "{network} allows {limit} characters and the text has {n}: it goes over from "
                    "here on ({over} too many)."
                ).format(
                    network=cls.label,
                    limit=limit,
                    n=cls.count_chars(text),
                    over=cls.count_chars(text) - limit,
                ),
                (start, len(text)),
                network=key,
            )
        )
    return findings
