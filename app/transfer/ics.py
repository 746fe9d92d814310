"""Writing iCalendar (RFC 5545, https://www.rfc-editor.org/rfc/rfc5545) by hand.

Only what a calendar of planned posts needs: a VCALENDAR of VEVENTs with UTC
``DATE-TIME`` values (``20270118T080000Z``: no VTIMEZONE needed, every client converts
to its own zone), TEXT escaping (section 3.3.11) and line folding at 75 octets without
splitting a UTF-8 character (section 3.1). Lines end in CRLF. Tests read the output
back with the ``icalendar`` library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Event:
    """One VEVENT. Times aware; ``uid`` must be stable for the same post across exports."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    stamp: datetime
    last_modified: datetime | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    status: str = "CONFIRMED"  # CONFIRMED | TENTATIVE | CANCELLED


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def utc(instant: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` of an aware instant."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into 75-octet pieces joined by CRLF + space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def calendar(
    events: list[Event], *, name: str, prodid: str = "-//Pregonero//Pregonero//EN"
) -> bytes:
    """The UTF-8 bytes of a VCALENDAR holding ``events``; ``name`` is the calendar's title."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(event.stamp)}",
            f"DTSTART:{utc(event.start)}",
            f"DTEND:{utc(event.end)}",
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
            f"STATUS:{event.status}",
            "TRANSP:TRANSPARENT",
        ]
        if event.last_modified is not None:
            lines.append(f"LAST-MODIFIED:{utc(event.last_modified)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape(c) for c in event.categories))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
