"""Publer bulk CSV (the 12-column template): read.

Source of the format: Publer, "The ultimate CSV bulk scheduler for social media"
(https://publer.com/blog/ultimate-csv-bulk-scheduler-social-media/) and its help page
"What CSV template should I use?"
(https://publer.com/help/en/article/how-to-use-a-csv-file-18qhxcq); the header as
programs that write it reproduce it is in ``shared/fixtures/PROVENANCE.md``:

    Date - Intl. format or prompt, Text, Link(s) - Separated by comma for FB carousels,
    Media URL(s) - Separated by comma, Title - For the video, pin, PDF ..,
    Label(s) - Separated by comma, Alt text(s) - Separated by ||,
    Comment(s) - Separated by ||, Pin board, FB album, or Google category,
    Post subtype - I.e. story, reel, PDF .., CTA - For Facebook links or Google,
    Reminder - For stories, reels, shorts, and TikToks

(three of those cells contain commas and are quoted in the file). Columns are read by
position; the header row is optional. Publer says not to remove columns, so a row with
more than 12 cells is an error; missing trailing cells are empty.

* Date: "international format" ``YYYY-MM-DD HH:MM``; other numeric forms are read with the
  chosen date order. Publer also takes English prompts ("next Friday at 2 PM"):
  Pregonero does not guess those (the row is an error). Empty = the next free slot.
* Link(s): the first link is the post's link (several = a Facebook link carousel, which
  Pregonero does not make: reported). Media URL(s): comma-separated; Alt text(s): ``||``.
* Title, Labels, Comments, Pin board/album, Post subtype, CTA and Reminder have no
  Pregonero equivalent: a non-empty one is reported and not imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.i18n import _
from app.transfer.formats.common import (
    cell,
    is_web_address,
    load_csv,
    looks_like_date,
    read_when,
    split_list,
    trimmed,
)
from app.transfer.model import DateOrder, MediaRef, SourceFile, SourceRow
from app.transfer.textio import Record

HEADER = (
    "Date - Intl. format or prompt",
    "Text",
    "Link(s) - Separated by comma for FB carousels",
    "Media URL(s) - Separated by comma",
    "Title - For the video, pin, PDF ..",
    "Label(s) - Separated by comma",
    "Alt text(s) - Separated by ||",
    "Comment(s) - Separated by ||",
    "Pin board, FB album, or Google category",
    "Post subtype - I.e. story, reel, PDF ..",
    "CTA - For Facebook links or Google",
    "Reminder - For stories, reels, shorts, and TikToks",
)
COLUMNS = len(HEADER)
DATE, TEXT, LINKS, MEDIA, TITLE, LABELS, ALTS, COMMENTS, BOARD, SUBTYPE, CTA, REMINDER = range(
    COLUMNS
)
#: Columns with no Pregonero equivalent, by index, with their short English name.
IGNORED = {
    TITLE: "Title",
    LABELS: "Label(s)",
    COMMENTS: "Comment(s)",
    BOARD: "Pin board, FB album, or Google category",
    SUBTYPE: "Post subtype",
    CTA: "CTA",
    REMINDER: "Reminder",
}


def _is_header(cells: Sequence[str]) -> bool:
    return bool(cells) and cells[0].strip().lower().startswith("date")


def _score(head: Sequence[Record]) -> int:
    good = 0
    for rec in head:
        if rec.error:
            continue
        if _is_header(rec.cells):
            good += 5 if len(rec.cells) == COLUMNS else 1
        elif 2 <= len(rec.cells) <= COLUMNS and (
            not rec.cells[0].strip() or looks_like_date(rec.cells[0].strip())
        ):
            good += 1
    return good


def parse(path: Path, *, date_order: DateOrder = "dmy") -> SourceFile:
    """Read a Publer CSV. Raises ValidationError only when the file cannot be read."""
    loaded = load_csv(path, _score)
    records = loaded.records
    if records and not records[0].error and _is_header(records[0].cells):
        records = records[1:]
    rows: list[SourceRow] = []
    for rec in records:
        row = SourceRow(rec.row)
        if rec.error:
            row.error("bad_csv", rec.error)
        elif not trimmed(rec.cells):
            continue
        elif len(trimmed(rec.cells)) > COLUMNS:
            row.error(
                "too_many_columns",
                _(
                    "This row has {n} columns; Publer's template has 12. Put cells that contain "
                    "commas in double quotes."
                ).format(n=len(trimmed(rec.cells))),
            )
        else:
            _fill(row, rec.cells, date_order)
        rows.append(row)
    return SourceFile(
        path=path,
        format="publer",
        rows=rows,
        encoding=loaded.encoding,
        delimiter=loaded.delimiter,
        date_order=date_order,
        base_dir=path.parent,
        notes=loaded.notes,
    )


def _fill(row: SourceRow, cells: Sequence[str], date_order: DateOrder) -> None:
    when = cell(cells, DATE)
    if not when:
        row.queue = True
    elif any(
        ch.isalpha() for ch in when.replace("T", "").lower().replace("am", "").replace("pm", "")
    ):
        row.when_text = when
        row.error(
            "date_prompt",
            _(
                "Cannot read the date “{text}”: Pregonero does not read date prompts or month "
                "names. Write it as YYYY-MM-DD HH:MM."
            ).format(text=when),
        )
    else:
        read_when(row, when, date_order)
    row.text = cell(cells, TEXT)
    links = split_list(cell(cells, LINKS), ",")
    if links:
        if is_web_address(links[0]):
            row.link = links[0]
        else:
            row.error(
                "bad_link",
                _(
                    "The link “{link}” is not a web address (it must start "
                    "with http:// or https://)."
                ).format(link=links[0]),
            )
        if len(links) > 1:
            row.warn(
                "link_carousel",
                _(
                    "Only the first of the {n} links is used (Pregonero "
                    "does not make link carousels)."
                ).format(n=len(links)),
            )
    alts = [a.strip() for a in cell(cells, ALTS).split("||")] if cell(cells, ALTS) else []
    for index, url in enumerate(split_list(cell(cells, MEDIA), ",")):
        alt = alts[index] if index < len(alts) else ""
        if is_web_address(url):
            row.media.append(MediaRef(url, alt))
        else:
            row.error(
                "bad_media_url", _("“{url}” is not a web address of a photo.").format(url=url)
            )
    for index, name in IGNORED.items():
        if cell(cells, index):
            row.warn(
                "ignored_column",
                _("The column “{column}” is not imported ({value}).").format(
                    column=name, value=cell(cells, index)[:40]
                ),
            )
    if not row.text and not row.media and not row.link:
        row.error("empty", _("This row has no text, link or media."))
