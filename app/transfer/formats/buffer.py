"""Buffer bulk-import CSV: read and write.

Source of the format: Buffer's bulk-import template, as copied in
``shared/fixtures/bulk-csv/buffer/X Buffer_Import_Template.csv`` (from
``palisadeengineering/goal-achiever-pro``, ``marketing/x-twitter/``; see PROVENANCE.md)::

    \\ufeffText,Image URL,Tags,Posting Time
    A post with text,,,1/27/2026 17:30
    A post with text and an image,https://images.unsplash.com/…,,
    A post with text and tags - must be existing tags,,"tag1,tag2",

* A header row; UTF-8 with a byte-order mark; cells may be quoted and span lines.
* ``Posting Time`` is a US date, month first (``M/D/YYYY H:MM``, 24-hour; ``am``/``pm``
  accepted too). Empty means "add to the queue": Pregonero puts the row in the next
  free slot (see :class:`~app.transfer.model.ImportOptions` ``queue_times``).
* ``Image URL`` is one public image address. ``Tags`` are Buffer's own labels; Pregonero
  has none, so they are reported and not imported.

Export writes the same header and date form, with a BOM. Buffer has no link column:
a post's link is added to the end of the text when the text does not contain it.
Buffer needs public image addresses; Pregonero's photos are local files, so they are
left out (the export reports it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from app.errors import ValidationError
from app.i18n import _
from app.transfer.formats.common import (
    cell,
    header_index,
    is_web_address,
    load_csv,
    read_when,
    trimmed,
)
from app.transfer.model import MediaRef, SourceFile, SourceRow
from app.transfer.textio import Record

HEADER = ("Text", "Image URL", "Tags", "Posting Time")
NAMES = {
    "text": ("text",),
    "image": ("image url", "image", "image urls"),
    "tags": ("tags",),
    "when": ("posting time", "time", "date"),
}


def _score(head: Sequence[Record]) -> int:
    if not head or head[0].error:
        return 0
    return len(header_index(head[0].cells, NAMES))


def parse(path: Path) -> SourceFile:
    """Read a Buffer CSV. Raises ValidationError if the file or its header is unusable."""
    loaded = load_csv(path, _score)
    if not loaded.records or "text" not in header_index(loaded.records[0].cells, NAMES):
        raise ValidationError(
            _("This does not look like a Buffer file: its first row should be “{header}”.").format(
                header=",".join(HEADER)
            ),
            code="bad_header",
        )
    columns = header_index(loaded.records[0].cells, NAMES)
    rows: list[SourceRow] = []
    for rec in loaded.records[1:]:
        row = SourceRow(rec.row)
        if rec.error:
            row.error("bad_csv", rec.error)
            rows.append(row)
            continue
        if not trimmed(rec.cells):
            continue
        _fill(row, rec.cells, columns)
        rows.append(row)
    return SourceFile(
        path=path,
        format="buffer",
        rows=rows,
        encoding=loaded.encoding,
        delimiter=loaded.delimiter,
        date_order="mdy",
        base_dir=path.parent,
        notes=loaded.notes,
    )


def _fill(row: SourceRow, cells: Sequence[str], columns: dict[str, int]) -> None:
    row.text = cell(cells, columns.get("text"))
    image = cell(cells, columns.get("image"))
    if image:
        if is_web_address(image):
            row.media.append(MediaRef(image))
        else:
            row.error(
                "bad_image_url", _("“{url}” is not a web address of an image.").format(url=image)
            )
    tags = cell(cells, columns.get("tags"))
    if tags:
        row.warn("ignored_tags", _("Buffer tags ({tags}) are not imported.").format(tags=tags))
    when = cell(cells, columns.get("when"))
    if when:
        read_when(row, when, "mdy", allow_ampm=True, warn_ambiguous=False)
    else:
        row.queue = True
    if not row.text and not row.media:
        row.error("empty", _("This row has no text and no image."))


def format_when(local: datetime) -> str:
    """``1/27/2026 17:30``: Buffer's US form (no leading zeros, 24-hour)."""
    return f"{local.month}/{local.day}/{local.year} {local:%H:%M}"


def write(rows: Iterable[tuple[datetime | None, str, str | None]]) -> bytes:
    """A Buffer CSV of (naive local time or None = queue, text, image URL) rows, with BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for local, text, image in rows:
        writer.writerow([text, image or "", "", format_when(local) if local else ""])
    return out.getvalue().encode("utf-8-sig")
