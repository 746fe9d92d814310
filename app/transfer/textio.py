"""Reading CSV files as people actually save them: any common encoding, BOM, delimiter.

* Encoding: a byte-order mark decides (UTF-8, UTF-16 LE/BE); else strict UTF-8; else
  Windows-1252, which is what Excel on a Spanish Windows writes for "CSV (delimitado
  por comas)" (reported as a file note, since accents could then be wrong).
* Delimiter: Excel's ``sep=;`` first line if present; else :class:`csv.Sniffer`'s guess
  among ``,`` ``;`` and tab, checked by the caller's ``score`` of the first records
  (the guess with the best score wins; ``,`` on a tie).
* Records: :func:`csv.reader` in strict mode over the decoded text with newlines kept,
  so quoted cells may span lines. A malformed record (stray quote, unclosed quote, NUL
  byte) becomes a :class:`Record` with ``error`` set instead of an exception.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import ValidationError
from app.i18n import _

#: Largest file an import reads (bytes). 10,000 long posts fit well under this.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Largest cell (characters); Facebook's 63,206-character limit fits.
MAX_CELL_CHARS = 1_000_000
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was decoded (``encoding`` as a Python codec name)."""

    text: str
    encoding: str
    had_bom: bool


@dataclass(frozen=True)
class Record:
    """One CSV record: its 1-based ``row`` (as a spreadsheet numbers it) and its cells.

    ``line`` is the physical line it starts on. ``error`` (translated) is set when the
    record could not be read; ``cells`` is then empty.
    """

    row: int
    line: int
    cells: tuple[str, ...]
    error: str = ""


def decode(data: bytes) -> Decoded:
    """Decode file bytes (see the module docstring for the order tried)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name, True)
            except UnicodeDecodeError:
                break
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return Decoded(data.decode("cp1252", errors="replace"), "cp1252", False)


def read_bytes(p: Path) -> bytes:
    """The file's bytes. Raises ValidationError if missing, unreadable, empty or too big."""
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                _("{name} is too large to import ({mb} MB).").format(
                    name=p.name, mb=size // (1024 * 1024)
                ),
                code="file_too_large",
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise ValidationError(
            _("The file {name} does not exist.").format(name=p), code="file_missing"
        ) from None
    except OSError as exc:
        raise ValidationError(
            _("Cannot read {name}: {why}").format(name=p, why=exc.strerror or exc),
            code="file_unreadable",
        ) from None
    if not data.strip():
        raise ValidationError(_("{name} is empty.").format(name=p.name), code="file_empty")
    return data


def excel_sep_hint(text: str) -> tuple[str | None, str]:
    """Excel's optional first line ``sep=;``: (delimiter or None, text after that line)."""
    first, _nl, rest = text.partition("\n")
    line = first.strip().lower()
    if len(line) == 5 and line.startswith("sep="):
        return first.strip()[4], rest
    return None, text


def records(text: str, delimiter: str, *, first_row: int = 1) -> Iterator[Record]:
    """Every record of ``text`` (quoted cells may hold newlines; ``\\r\\n`` becomes ``\\n``)."""
    reader = csv.reader(
        io.StringIO(text.replace("\x00", "\ufffd"), newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=True,
        skipinitialspace=False,
    )
    row = first_row - 1
    last_line = 0
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            last_line = reader.line_num
            yield Record(
                row,
                start,
                (),
                _("This row is not valid CSV ({why}); check its double quotes.").format(why=exc),
            )
            continue
        row += 1
        last_line = reader.line_num
        yield Record(row, start, tuple(c.replace("\r\n", "\n").replace("\r", "\n") for c in cells))


def choose_delimiter(text: str, score: Callable[[Sequence[Record]], int]) -> str:
    """The delimiter among :data:`DELIMITERS` that ``score`` likes best on the first records.

    :class:`csv.Sniffer` proposes one first; every candidate is then scored on up to 20
    records and the best wins (the sniffed one, then ``,``, on a tie).
    """
    sample = text[:16384]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ","
    order = [sniffed] + [d for d in DELIMITERS if d != sniffed]
    best, best_score = order[0], None
    for delimiter in order:
        head = []
        for rec in records(sample, delimiter):
            head.append(rec)
            if len(head) >= 20:
                break
        value = score(head)
        if best_score is None or value > best_score:
            best, best_score = delimiter, value
    return best


def set_field_limit() -> None:
    """Let the csv module read cells up to :data:`MAX_CELL_CHARS` characters."""
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)


set_field_limit()
