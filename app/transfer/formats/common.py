"""Helpers every CSV format shares: loading the file, cells, links and date cells."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.i18n import _
from app.transfer.dates import BadDate, ambiguity_message, parse_when
from app.transfer.model import DateOrder, SourceRow
from app.transfer.textio import (
    Record,
    choose_delimiter,
    decode,
    excel_sep_hint,
    read_bytes,
    records,
)


@dataclass
class LoadedCsv:
    """A decoded CSV file split into records, with its encoding, delimiter and notes."""

    records: list[Record]
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)


def load_csv(path: Path, score: Callable[[Sequence[Record]], int]) -> LoadedCsv:
    """Read, decode and split ``path``; ``score`` picks the delimiter (see textio).

    Raises ValidationError if the file is missing, unreadable, empty or too big.
    """
    decoded = decode(read_bytes(path))
    hint, text = excel_sep_hint(decoded.text)
    delimiter = hint or choose_delimiter(text, score)
    notes = []
    if decoded.encoding == "cp1252":
        notes.append(
            _(
                "The file is not UTF-8; it was read as Windows-1252 (Excel's "
                "“CSV”). Check accents and ñ in the preview."
            )
        )
    return LoadedCsv(
        list(records(text, delimiter, first_row=2 if hint else 1)),
        decoded.encoding,
        delimiter,
        notes,
    )


def trimmed(cells: Sequence[str]) -> list[str]:
    """Cells without surrounding spaces and without empty trailing cells."""
    out = [c.strip() for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


def is_web_address(text: str) -> bool:
    """True for an absolute ``http(s)://host/...`` address."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and " " not in text


def read_link(row: SourceRow, cell: str) -> None:
    """Set ``row.link`` from a cell, or add an error when it is not a web address."""
    cell = cell.strip()
    if not cell:
        return
    if is_web_address(cell):
        row.link = cell
    else:
        row.error(
            "bad_link",
            _(
                "The link “{link}” is not a web address (it must start with http:// or https://)."
            ).format(link=cell),
        )


def read_when(
    row: SourceRow,
    cell: str,
    order: DateOrder,
    *,
    allow_ampm: bool = False,
    warn_ambiguous: bool = True,
) -> None:
    """Set ``row.local`` from a date-time cell; errors and the two-ways warning go on the row."""
    row.when_text = cell.strip()
    try:
        reading = parse_when(cell, order, allow_ampm=allow_ampm)
    except BadDate as exc:
        row.error(exc.code, exc.message)
        return
    row.local = reading.local
    if reading.other is not None and warn_ambiguous:
        row.warn("date_order_ambiguous", ambiguity_message(cell, reading, order))


def looks_like_date(cell: str) -> bool:
    """True if ``cell`` reads as a date-time in either order (used to score delimiters)."""
    orders: tuple[DateOrder, ...] = ("dmy", "mdy")
    for order in orders:
        try:
            parse_when(cell, order, allow_ampm=True)
            return True
        except BadDate:
            continue
    return False


def header_index(cells: Sequence[str], names: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Map each field of ``names`` (field -> accepted header spellings) to its column."""
    found: dict[str, int] = {}
    normal = [" ".join(c.strip().lower().split()) for c in cells]
    for key, spellings in names.items():
        for i, cell in enumerate(normal):
            if cell in spellings:
                found[key] = i
                break
    return found


def cell(cells: Sequence[str], index: int | None) -> str:
    """The cell at ``index`` (``""`` when the column is absent or the row is short)."""
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def split_list(text: str, sep: str) -> list[str]:
    """Non-empty, stripped parts of ``text`` split on ``sep``."""
    return [p.strip() for p in text.split(sep) if p.strip()]
