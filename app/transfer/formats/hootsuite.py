"""Hootsuite Bulk Composer CSV: read and write.

Source of the format: Hootsuite's bulk message upload ("Publisher → Bulk Composer"),
as described by users (e.g. https://kim-iverson-headlee.blogspot.com/2016/08/the-business-of-writing-using-hootsuite.html:
"three components each: the date and time stamp, the message, and the link") and by the
real file ``shared/fixtures/bulk-csv/hootsuite/example.csv`` (from
``cmaenner/hootsuite-bulk-composer``, ``tmp/example.csv``; see PROVENANCE.md)::

    2018-12-05 11:00:00,The community would like to thank … #bsidesphilly,https://drexel.edu

* No header row; three positional columns: date-time, message, optional link.
* 24-hour time. The date order is **not** in the file: Hootsuite asks the user for
  ``dd/mm/yyyy hh:mm`` or ``mm/dd/yyyy hh:mm`` when uploading, so the caller passes
  ``date_order``; ``YYYY-MM-DD`` (as in the real file) is read either way.
* Hootsuite refuses duplicate messages; the dry run reports them.

Export writes the documented ``dd/mm/yyyy hh:mm`` (or ``mm/dd/yyyy hh:mm``) form,
UTF-8 without BOM, CRLF line ends, message quoted when needed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from app.i18n import _
from app.transfer.formats.common import load_csv, looks_like_date, read_link, read_when, trimmed
from app.transfer.model import DateOrder, SourceFile, SourceRow
from app.transfer.textio import Record

COLUMNS = 3


def _score(head: Sequence[Record]) -> int:
    return sum(
        1
        for r in head
        if not r.error
        and 2 <= len(trimmed(r.cells)) <= COLUMNS
        and looks_like_date(r.cells[0].strip())
    )


def parse(path: Path, *, date_order: DateOrder = "dmy") -> SourceFile:
    """Read a Hootsuite bulk CSV. Malformed rows become rows with errors.

    Raises ValidationError only when the file itself cannot be read.
    """
    loaded = load_csv(path, _score)
    rows: list[SourceRow] = []
    for rec in loaded.records:
        row = SourceRow(rec.row)
        if rec.error:
            row.error("bad_csv", rec.error)
            rows.append(row)
            continue
        cells = trimmed(rec.cells)
        if not cells:
            continue  # a blank line
        if len(cells) > COLUMNS:
            row.when_text = cells[0]
            row.text = ",".join(cells[1:])
            row.error(
                "too_many_columns",
                _(
                    "This row has {n} columns; a Hootsuite row has 3 (date and time, message, "
                    "link). Put the message in double quotes if it contains commas."
                ).format(n=len(cells)),
            )
        elif len(cells) < 2 or not cells[1]:
            row.when_text = cells[0]
            row.error("no_message", _("This row has no message (column 2)."))
        else:
            read_when(row, cells[0], date_order)
            row.text = rec.cells[1].strip()
            if len(cells) == COLUMNS:
                read_link(row, cells[2])
        rows.append(row)
    return SourceFile(
        path=path,
        format="hootsuite",
        rows=rows,
        encoding=loaded.encoding,
        delimiter=loaded.delimiter,
        date_order=date_order,
        base_dir=path.parent,
        notes=loaded.notes,
    )


def format_when(local: datetime, date_order: DateOrder) -> str:
    """``18/01/2027 09:00`` (dmy) or ``01/18/2027 09:00`` (mdy)."""
    pattern = "%d/%m/%Y %H:%M" if date_order == "dmy" else "%m/%d/%Y %H:%M"
    return local.strftime(pattern)


def write(rows: Iterable[tuple[datetime, str, str | None]], date_order: DateOrder) -> bytes:
    """A Hootsuite bulk CSV of (naive local time, message, link) rows, as UTF-8 bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for local, message, link in rows:
        writer.writerow([format_when(local, date_order), message, link or ""])
    return out.getvalue().encode("utf-8")
