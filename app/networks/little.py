"""LinkedIn's "little" text format: escaping for post commentary.

Only a post's ``commentary`` is little text ("little is a simplified replacement for this
model used in the Posts API"); comment messages (``message.text`` + ``attributes``),
titles and alt texts are plain text and are sent as they are.

Source: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
(views li-lms-2023-09 .. 2024-11 read): "Characters reserved for little elements must be
escaped to be treated as plaintext"; "All reserved characters need to be escaped with a
backslash, even if not used in a template". Elements: plain text, ``MentionElement``
``@[Name](urn:li:person:1234)`` / ``@[Acme](urn:li:organization:2414183)``,
``HashtagElement`` ``#hashtag``, and the ``{hashtag|\\#|tag}`` template.

The reserved set ``\\ | { } @ [ ] ( ) < > # * _ ~`` is the one of shared platforms.md §4.3,
confirmed by two independent implementations (``@linkedctl/core`` escape.d.ts,
``apoorvdarshan/crossposter`` v1.1.5). Unescaped reserved characters do not raise an error:
LinkedIn answers 201 and silently cuts the published text at the first one.

What :func:`escape` keeps as it is (so it still works on LinkedIn):

* a real hashtag: ``#`` at the start or after a non-word character, followed by letters or
  digits (Unicode, so ``#FormacióPerALOcupació`` stays one clickable hashtag);
* a URL (``http://`` / ``https://`` up to the next blank; closing punctuation that is not
  part of it, such as a ``)`` with no ``(`` in the URL, is left out). Keeping URLs intact
  follows crossposter v1.1.5 ("URLs are left intact so they still auto-link"); whether the
  little parser accepts a reserved ``_``/``~``/``#`` inside a URL is UNVERIFIED, which is
  why the client reads the post back and compares;
* an intended mention ``@[Display Name](urn:li:person|organization:…)``: its syntax stays,
  its display name is escaped.

:func:`to_plain` is the inverse: what a reader sees for a little text (escapes resolved,
hashtag templates shown as ``#tag``, mentions shown as their display name).
"""

from __future__ import annotations

import re

RESERVED = frozenset("\\|{}@[]()<>#*_~")
"""Characters that must be backslash-escaped to appear literally."""

MENTION_RE = re.compile(
    r"@\[(?P<name>(?:[^\]\\\n]|\\.)+)\]\((?P<urn>urn:li:(?:person|organization|organizationBrand"
    r"|company|member):[A-Za-z0-9_\-]+)\)"
)
"""An intended mention in the author's text (the display name may itself contain escapes)."""

URL_RE = re.compile(r"https?://[^\s\\]+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"#(?P<tag>[^\W_]+)")
"""``#`` followed by letters/digits (Unicode); ``_`` ends the tag (it is reserved)."""

_TRAILING = ".,;:!?'\"»”’"
TEMPLATE_RE = re.compile(r"\{hashtag\|\\?[#＃]\|(?P<tag>(?:[^}\\]|\\.)+)\}")


def escape_plain(text: str) -> str:
    """Backslash-escape every reserved character of ``text`` (backslash first)."""
    return "".join("\\" + ch if ch in RESERVED else ch for ch in text)


def _url_end(text: str, start: int, end: int) -> int:
    """Where a URL found at ``text[start:end]`` really ends (trailing punctuation out)."""
    while end > start:
        ch = text[end - 1]
        if ch in _TRAILING:
            end -= 1
        elif ch == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
        elif ch == "]" and text.count("[", start, end) < text.count("]", start, end):
            end -= 1
        else:
            break
    return end


def _is_hashtag_start(text: str, i: int) -> bool:
    if text[i] != "#" or not HASHTAG_RE.match(text, i):
        return False
    if i == 0:
        return True
    prev = text[i - 1]
    return not (prev.isalnum() or prev in "_&#/")


def escape(text: str) -> str:
    """``text`` as little commentary: literal everywhere except real hashtags, URLs and
    intended mentions (see the module docstring). Idempotence is not a goal: escape the
    author's text once, right before sending."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "@":
            m = MENTION_RE.match(text, i)
            if m:
                name = re.sub(r"\\(.)", r"\1", m.group("name"))
                out.append(f"@[{escape_plain(name)}]({m.group('urn')})")
                i = m.end()
                continue
        if ch in "hH":
            m = URL_RE.match(text, i)
            if m and (i == 0 or not text[i - 1].isalnum()):
                end = _url_end(text, i, m.end())
                out.append(text[i:end])
                i = end
                continue
        if ch == "#" and _is_hashtag_start(text, i):
            m = HASHTAG_RE.match(text, i)
            assert m is not None
            out.append(m.group(0))
            i = m.end()
            continue
        out.append("\\" + ch if ch in RESERVED else ch)
        i += 1
    return "".join(out)


def to_plain(little: str) -> str:
    """What a reader sees for the little text ``little``: ``\\x`` -> ``x``,
    ``{hashtag|\\#|tag}`` -> ``#tag``, ``@[Name](urn:…)`` -> ``Name``. Lenient: an
    unparsable piece is kept as it is (this reads, it does not validate)."""
    out: list[str] = []
    i = 0
    n = len(little)
    while i < n:
        ch = little[i]
        if ch == "\\" and i + 1 < n:
            out.append(little[i + 1])
            i += 2
            continue
        if ch == "{":
            m = TEMPLATE_RE.match(little, i)
            if m:
                out.append("#" + re.sub(r"\\(.)", r"\1", m.group("tag")))
                i = m.end()
                continue
        if ch == "@":
            m = MENTION_RE.match(little, i)
            if m:
                out.append(re.sub(r"\\(.)", r"\1", m.group("name")))
                i = m.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def normalize(text: str) -> str:
    """For comparing texts: line endings unified, blanks at both ends and at line ends
    dropped (networks trim them)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def lost_text(meant: str, published: str) -> str:
    """The part of ``meant`` missing from ``published`` (both plain texts as a reader sees
    them) when ``published`` is ``meant`` cut short; ``""`` when nothing was lost.

    A ``published`` text that differs in any other way (LinkedIn normalised something)
    is not called a truncation: ``""`` is returned.
    """
    want, got = normalize(meant), normalize(published)
    if want == got or len(got) >= len(want):
        return ""
    if want.startswith(got):
        return want[len(got) :].strip()
    return ""
