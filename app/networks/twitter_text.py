"""X's weighted character count: a port of twitter-text ``parseTweet`` with config v3.

Source (read 2026-11 from github.com/twitter/twitter-text): ``config/v3.json`` and
``java/.../TwitterTextParser.java``; conformance cases in ``conformance/validate.yml``
(``WeightedTweetsCounterTest``, ``WeightedTweetsWithDiscountedEmojiCounterTest``,
``UnicodeDirectionalMarkerCounterTest``). The v3 rules:

* the text is NFC-normalised first;
* every URL (with or without ``http(s)://``, see :func:`extract_urls`) weighs
  ``transformedURLLength`` = 23, whatever its length;
* every emoji, including ZWJ sequences, skin tones, flags and keycaps, weighs 2
  (emoji sequences are found with the ``emoji`` package; twitter-text uses its own
  regex built from Unicode's emoji-test.txt, so the two agree on every fully
  qualified emoji; the text-style © and ® count 2 here);
* any other code point weighs 1 inside U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F,
  U+2032-U+2037, and 2 everywhere else (CJK, most non-Latin scripts);
* the limit is 280; U+FFFE, U+FEFF and U+FFFF make a text invalid.

Offsets: twitter-text reports ranges in UTF-16 code units (what Java, JavaScript and
Qt's ``QString``/``QTextCursor`` use). :class:`ParseResult` gives both those and Python
string indices into the text as given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import emoji

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
TRANSFORMED_URL_LENGTH = 23
EMOJI_WEIGHT = DEFAULT_WEIGHT
RANGES: tuple[tuple[int, int, int], ...] = (
    (0x0000, 0x10FF, 100),
    (0x2000, 0x200D, 100),
    (0x2010, 0x201F, 100),
    (0x2032, 0x2037, 100),
)
"""``(first, last, weight)`` code point ranges of config v3 (inclusive)."""

INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")

# --------------------------------------------------------------------------- TLDs
# Country-code TLDs (IANA root zone, ASCII) and a set of common generic TLDs; the
# twitter-text list (conformance/tld_lib.yml) is longer, this one covers what posts of
# a public body link to. A domain ending in anything else is not counted as a URL.
CC_TLDS = frozenset(
    """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm
    bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy
    cz de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh
    gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it
    je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc
    md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl
    no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb
    sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl
    tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
    рф бел укр қаз срб мкд мон ελ 中国 中國 香港 台灣 台湾 한국 ไทย پاکستان مصر
    السعودية امارات الجزائر المغرب ایران""".split()
)
GENERIC_TLDS = frozenset(
    """com net org info biz edu gov mil int name pro aero coop museum jobs mobi travel tel
    asia cat xxx app dev page blog shop store online site website web tech cloud digital
    news media press live video tv social email link click help guide wiki top xyz club
    work works jobs careers career academy education school college university training
    courses study institute science health care clinic hospital city town country world
    global international agency company business services solutions consulting center
    community foundation charity ngo ong gratis free events group team network systems
    support today zone space life love art design studio photo photos pictures gallery
    music radio film movie game games sport sports football soccer tennis golf bike
    travel tours holiday hotel hotels restaurant cafe bar pizza food wine beer market
    madrid barcelona bcn cat eus gal berlin london paris amsterdam wien nyc tokyo
    google youtube amazon apple microsoft android windows gmail
    ai io me ly gl fm gg""".split()
)
SPECIAL_SHORT_CCTLDS = frozenset({"co", "tv"})
"""ccTLDs that count as a URL even as ``name.co`` without ``http://`` or a path."""

_HOST_RE = re.compile(
    r"(?P<scheme>https?://)?(?P<host>(?:[\w\-\u2190-\u2bff]+\.)+[\w\-]+)(?P<port>:\d{1,5})?",
    re.IGNORECASE,
)
_REST_RE = re.compile(r"[/?][^\s\"<>]*")
_URL_END_OK = re.compile(r"[\w=#/\-+&]", re.UNICODE)
_BAD_BEFORE = set("@＠$#＃")
_BAD_BEFORE_NO_SCHEME = set("-_./")


@dataclass(frozen=True)
class UrlSpan:
    """A URL found in a text: ``text[start:end]`` (Python indices)."""

    start: int
    end: int
    url: str


def _label_ok(label: str, allow_underscore: bool) -> bool:
    if not label or label.startswith("-") or label.endswith("-"):
        return False
    if "_" in label and not allow_underscore:
        return False
    try:
        encoded = label.encode("ascii") if label.isascii() else b"xn--" + label.encode("punycode")
    except UnicodeError:
        return False
    return len(encoded) <= 63


def _host_ok(host: str, has_scheme: bool, has_path: bool) -> bool:
    labels = host.split(".")
    tld = labels[-1].lower()
    if tld not in CC_TLDS and tld not in GENERIC_TLDS and not tld.startswith("xn--"):
        return False
    if not has_scheme and not all(label.isascii() for label in labels[:-1]):
        return False
    # Underscores are allowed in subdomains only, never in the domain name or the TLD.
    for i, label in enumerate(labels):
        if not _label_ok(label, allow_underscore=i < len(labels) - 2):
            return False
    is_cc_only = tld in CC_TLDS and tld not in GENERIC_TLDS
    return not (
        not has_scheme
        and len(labels) == 2
        and is_cc_only
        and tld not in SPECIAL_SHORT_CCTLDS
        and not has_path
    )


def _trim_rest(rest: str, url_head: str) -> str:
    """Drop trailing punctuation from a URL's path/query (balanced ``)`` stays)."""
    while rest:
        last = rest[-1]
        if last == ")":
            whole = url_head + rest
            if whole.count("(") >= whole.count(")"):
                break
        elif _URL_END_OK.match(last):
            break
        rest = rest[:-1]
    return rest


def extract_urls(text: str) -> list[UrlSpan]:
    """URLs X would shorten to t.co in ``text``, in order (Python indices).

    Follows twitter-text's extractor in its main rules: ``http://``/``https://`` or no
    scheme; the host must end in a known TLD (:data:`CC_TLDS`, :data:`GENERIC_TLDS`,
    punycode); labels at most 63 characters (punycode), no leading/trailing ``-``,
    ``_`` only in subdomains; a URL without scheme must be ASCII (except the TLD), is
    not preceded by ``-_./`` and, if it is only ``name.<ccTLD>`` (other than ``.co`` and
    ``.tv``), must have a path; no URL right after a letter, digit, ``@``, ``$`` or ``#``.
    Trailing punctuation (``.``, ``,``, ``!``, ``?``, unbalanced ``)``...) is not part of
    the URL. IP-address hosts are not counted as URLs (as in twitter-text).
    """
    spans: list[UrlSpan] = []
    pos = 0
    while True:
        m = _HOST_RE.search(text, pos)
        if m is None:
            return spans
        start, end = m.start(), m.end()
        pos = end
        has_scheme = m.group("scheme") is not None
        before = text[start - 1] if start > 0 else ""
        if before and (before.isascii() and before.isalnum() or before in _BAD_BEFORE):
            continue
        if not has_scheme and before in _BAD_BEFORE_NO_SCHEME:
            continue
        if not has_scheme and not m.group("host").isascii():
            pos = start + 1  # look for an ASCII domain further in ("➡empleo.es/x")
            continue
        rest_m = _REST_RE.match(text, end)
        rest = _trim_rest(rest_m.group(0), text[start:end]) if rest_m else ""
        if not _host_ok(m.group("host"), has_scheme, rest.startswith("/")):
            continue
        end += len(rest)
        pos = end
        spans.append(UrlSpan(start, end, text[start:end]))


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParseResult:
    """What :func:`parse_tweet` found (the fields of twitter-text's ``parseTweet``).

    * ``weighted_length``: X's count (limit :data:`MAX_WEIGHTED_LENGTH`).
    * ``valid``: fits and has no invalid character (an empty text is not valid).
    * ``permillage``: ``weighted_length * 1000 // 280``.
    * ``display_range``/``valid_range``: inclusive ``(start, end)`` in UTF-16 code
      units of the text as given, as twitter-text reports them; ``valid_range`` is the
      part that fits.
    * ``valid_end``: Python index into the text as given where the part that does not
      fit starts (``len(text)`` when everything fits): ``text[valid_end:]`` is what a
      composer highlights as over the limit. ``valid_end_utf16`` is the same place in
      UTF-16 code units (for ``QTextCursor.setPosition``).
    """

    weighted_length: int
    valid: bool
    permillage: int
    display_range: tuple[int, int]
    valid_range: tuple[int, int]
    valid_end: int
    valid_end_utf16: int

    @property
    def remaining(self) -> int:
        """Units left before the limit (negative when over)."""
        return MAX_WEIGHTED_LENGTH - self.weighted_length

    @property
    def over_limit(self) -> bool:
        """True when the text is longer than X allows."""
        return self.weighted_length > MAX_WEIGHTED_LENGTH


EMPTY = ParseResult(0, False, 0, (0, -1), (0, -1), 0, 0)


def _utf16_len(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _weight(cp: int) -> int:
    for first, last, weight in RANGES:
        if first <= cp <= last:
            return weight
    return DEFAULT_WEIGHT


def _emoji_spans(text: str) -> dict[int, int]:
    """``{start: length}`` of every emoji (sequence) in ``text`` (Python indices)."""
    spans: dict[int, int] = {}
    for token in emoji.analyze(text, non_emoji=False, join_emoji=True):
        value = token.value
        start = getattr(value, "start", None)
        end = getattr(value, "end", None)
        if isinstance(start, int) and isinstance(end, int) and end > start:
            spans[start] = end - start
    return spans


def _original_index(text: str, normalized: str, n_index: int) -> int:
    """Python index into ``text`` matching index ``n_index`` of ``NFC(text)``."""
    if text == normalized or n_index <= 0:
        return max(0, n_index)
    if n_index >= len(normalized):
        return len(text)
    lo, hi = 0, len(text)
    while lo < hi:  # smallest i with len(NFC(text[:i])) >= n_index
        mid = (lo + hi) // 2
        if len(unicodedata.normalize("NFC", text[:mid])) >= n_index:
            hi = mid
        else:
            lo = mid + 1
    while lo < len(text) and unicodedata.combining(text[lo]):
        lo += 1  # never split a letter from its accents
    return lo


def parse_tweet(text: str) -> ParseResult:
    """Weighted length and valid range of ``text`` as X counts it (twitter-text v3).

    Pure and fast enough to call on every keystroke (linear in the text).
    """
    if not text or not text.strip():
        return EMPTY
    normalized = unicodedata.normalize("NFC", text)
    scaled_max = MAX_WEIGHTED_LENGTH * SCALE
    urls = {span.start: span.end for span in extract_urls(normalized)}
    emojis = _emoji_spans(normalized)
    weighted = 0
    offset = 0
    valid_offset = 0  # python index into normalized
    invalid = False
    n = len(normalized)
    while offset < n:
        if offset in urls:
            end = urls[offset]
            weighted += TRANSFORMED_URL_LENGTH * SCALE
            if weighted <= scaled_max and not invalid:
                valid_offset = end
            offset = end
            continue
        length = emojis.get(offset)
        if length is not None:
            weighted += EMOJI_WEIGHT
        else:
            length = 1
            weighted += _weight(ord(normalized[offset]))
        invalid = invalid or normalized[offset] in INVALID_CHARACTERS
        offset += length
        if not invalid and weighted <= scaled_max:
            valid_offset = offset
    length = weighted // SCALE
    is_valid = not invalid and length <= MAX_WEIGHTED_LENGTH
    shift = _utf16_len(text) - _utf16_len(normalized)
    display_end = _utf16_len(normalized) + shift - 1
    valid_utf16 = _utf16_len(normalized[:valid_offset])
    valid_end = _original_index(text, normalized, valid_offset)
    return ParseResult(
        weighted_length=length,
        valid=is_valid,
        permillage=length * 1000 // MAX_WEIGHTED_LENGTH,
        display_range=(0, display_end),
        valid_range=(0, valid_utf16 + shift - 1),
        valid_end=valid_end,
        valid_end_utf16=_utf16_len(text[:valid_end]),
    )


def weighted_length(text: str) -> int:
    """X's weighted length of ``text`` (0 for an empty or blank text)."""
    return parse_tweet(text).weighted_length
