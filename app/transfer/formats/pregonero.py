"""Pregonero's own import format, as CSV (header row) or JSON: read.

Documented for users in ``docs/import-format.md``. The same field names serve both:

``when``
    ISO-8601. With an offset (``2027-01-18T09:00:00+01:00``, ``…Z``) it is an exact
    instant; without (``2027-01-18 09:00``) a wall-clock time in ``tz``, checked for the
    DST change. JSON also accepts ``local_time`` (the sample file's name).
``tz``
    IANA zone the time was meant in (default: the file's ``tz`` in JSON, else the import's).
``text``, ``link``
    The post. In JSON ``text`` may be ``{"es": "…", "ca": "…"}``: the reader's
    ``language`` (or the first one) is taken.
``accounts``
    Target account names (CSV: separated by ``;``; JSON: a list). Empty = the accounts
    chosen for the import.
``networks``
    (JSON ``channels`` too) networks the row is meant for; a row for none of the target
    accounts' networks is skipped.
media
    CSV: columns ``media_1``, ``alt_1``, ``media_2``, ``alt_2``… ; JSON: ``media`` is a
    list of ``{"path"|"url": …, "alt": …}`` (or plain strings). A path is absolute or
    relative to the file's folder; an ``http(s)`` address is downloaded.
``campaign``, ``key_date`` (JSON ``relative_to`` too), ``key_date_on``, ``offset_days``,
``pin_time``
    Campaign and key-date pin: the post goes ``offset_days`` days from the key date at
    ``pin_time`` (``HH:MM``); ``when`` may then be left empty. ``key_date_on``
    (``YYYY-MM-DD``) creates a key date that does not exist yet; in JSON the top-level
    ``campaigns`` list (``{"name": …, "key_dates": {"apertura_plazo": "2027-01-18"}}``)
    does the same.
``language``, ``ref`` (JSON ``id`` too)
    The text's language (``es``, ``ca``, ``en``); a reference shown in the dry run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from app.errors import ValidationError
from app.i18n import _
from app.transfer.formats.common import header_index, load_csv, read_link, split_list, trimmed
from app.transfer.model import MediaRef, SourceFile, SourceRow
from app.transfer.textio import Record, decode, read_bytes

FIELDS = (
    "ref",
    "when",
    "tz",
    "text",
    "link",
    "accounts",
    "networks",
    "campaign",
    "key_date",
    "key_date_on",
    "offset_days",
    "pin_time",
    "language",
)
ALIASES = {"local_time": "when", "relative_to": "key_date", "channels": "networks", "id": "ref"}
MAX_MEDIA_COLUMNS = 20


# ----------------------------------------------------------------------------- fields
def _when(row: SourceRow, value: str) -> None:
    row.when_text = value.strip()
    if not row.when_text:
        return
    try:
        parsed = datetime.fromisoformat(row.when_text)
    except ValueError:
        row.error(
            "bad_date",
            _(
                "Cannot read the time “{text}”; write it as ISO-8601, for example "
                "2027-01-18T09:00:00+01:00 or 2027-01-18 09:00."
            ).format(text=row.when_text),
        )
        return
    parsed = parsed.replace(second=0, microsecond=0)
    if parsed.tzinfo is None:
        row.local = parsed
    else:
        row.instant = parsed


def _int(row: SourceRow, value: str, code: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        row.error(code, _("“{value}” is not a whole number of days.").format(value=value))
        return None


def _date(row: SourceRow, value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        row.error("bad_key_date_on", _("“{value}” is not a date (YYYY-MM-DD).").format(value=value))
        return None


def _time(row: SourceRow, value: str) -> time | None:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        row.error("bad_pin_time", _("“{value}” is not a time of day (HH:MM).").format(value=value))
        return None
    return parsed.replace(second=0, microsecond=0)


def _pick(value: Any, language: str) -> tuple[str, str]:
    """(text, language) from a string or a ``{lang: text}`` mapping."""
    if isinstance(value, Mapping):
        if not value:
            return "", ""
        lang = language if language in value else next(iter(value))
        chosen = value[lang]
        return (chosen if isinstance(chosen, str) else ""), str(lang)
    return ("" if value is None else str(value)), ""


def fill(row: SourceRow, get: Callable[[str], Any], language: str) -> None:
    """Fill ``row`` from a field getter (CSV cell or JSON value); problems go on the row."""
    row.ref = str(get("ref") or "").strip()
    _when(row, str(get("when") or ""))
    row.tz = str(get("tz") or "").strip() or None
    row.text, lang = _pick(get("text"), language)
    row.text = row.text.strip()
    row.language = str(get("language") or "").strip() or lang
    read_link(row, str(get("link") or ""))
    accounts = get("accounts")
    row.accounts = (
        [str(a).strip() for a in accounts if str(a).strip()]
        if isinstance(accounts, list)
        else split_list(str(accounts or ""), ";")
    )
    networks = get("networks")
    row.networks = (
        [str(n).strip().lower() for n in networks]
        if isinstance(networks, list)
        else [n.lower() for n in split_list(str(networks or ""), ";")]
    )
    row.campaign = str(get("campaign") or "").strip() or None
    row.key_date = str(get("key_date") or "").strip() or None
    if on := str(get("key_date_on") or "").strip():
        row.key_date_on = _date(row, on)
    offset = get("offset_days")
    if offset not in (None, ""):
        row.offset_days = (
            offset
            if isinstance(offset, int) and not isinstance(offset, bool)
            else _int(row, str(offset), "bad_offset")
        )
    if pin := str(get("pin_time") or "").strip():
        row.pin_time = _time(row, pin)
    if row.key_date and not row.campaign:
        row.error(
            "key_date_without_campaign",
            _("The key date “{name}” needs its campaign (column campaign).").format(
                name=row.key_date
            ),
        )
    if not row.when_text and not row.key_date:
        row.queue = True
    if row.key_date and not row.when_text and row.pin_time is None:
        row.error("pin_without_time", _("Give the time (when, or pin_time as HH:MM)."))


# ----------------------------------------------------------------------------- CSV
NAMES = {name: (name,) for name in FIELDS} | {alias: (alias,) for alias in ALIASES}


def _score(head: Sequence[Record]) -> int:
    if not head or head[0].error:
        return 0
    return len(header_index(head[0].cells, NAMES))


def parse_csv(path: Path, *, language: str = "") -> SourceFile:
    """Read Pregonero CSV. Raises ValidationError if the file or its header is unusable."""
    loaded = load_csv(path, _score)
    header = loaded.records[0].cells if loaded.records else ()
    columns = header_index(header, NAMES)
    for alias, name in ALIASES.items():
        if alias in columns and name not in columns:
            columns[name] = columns.pop(alias)
    if "text" not in columns and "media_1" not in [h.strip().lower() for h in header]:
        raise ValidationError(
            _(
                "This does not look like a Pregonero CSV file: its first row should name the "
                "columns (when, text, link, accounts, media_1, alt_1, …)."
            ),
            code="bad_header",
        )
    normal = [h.strip().lower() for h in header]
    media_cols = [
        (normal.index(f"media_{i}"), normal.index(f"alt_{i}") if f"alt_{i}" in normal else None)
        for i in range(1, MAX_MEDIA_COLUMNS + 1)
        if f"media_{i}" in normal
    ]
    known = set(columns.values()) | {i for pair in media_cols for i in pair if i is not None}
    notes = list(loaded.notes)
    unknown = [h for i, h in enumerate(header) if i not in known and h.strip()]
    if unknown:
        notes.append(_("Columns not imported: {names}.").format(names=", ".join(unknown)))
    rows: list[SourceRow] = []
    for rec in loaded.records[1:]:
        row = SourceRow(rec.row)
        if rec.error:
            row.error("bad_csv", rec.error)
            rows.append(row)
            continue
        if not trimmed(rec.cells):
            continue
        cells = rec.cells

        def get(name: str, cells: Sequence[str] = cells) -> str:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        fill(row, get, language)
        for media_index, alt_index in media_cols:
            source = cells[media_index].strip() if media_index < len(cells) else ""
            alt = (
                cells[alt_index].strip() if alt_index is not None and alt_index < len(cells) else ""
            )
            if source:
                row.media.append(MediaRef(source, alt))
        _finish(row)
        rows.append(row)
    return SourceFile(
        path=path,
        format="pregonero",
        rows=rows,
        encoding=loaded.encoding,
        delimiter=loaded.delimiter,
        base_dir=path.parent,
        notes=notes,
    )


def _finish(row: SourceRow) -> None:
    if row.errors and row.errors[-1].code == "thread":
        return
    if not row.text and not row.media and not row.link:
        row.error("empty", _("This row has no text, link or photo."))


# ----------------------------------------------------------------------------- JSON
def parse_json(path: Path, *, language: str = "") -> SourceFile:
    """Read Pregonero JSON (``{"tz", "campaigns", "posts": [...]}``).

    A post that is not an object, or has fields of the wrong type, becomes a row with
    errors. Raises ValidationError if the file is not JSON or has no ``posts`` list.
    """
    text = decode(read_bytes(path)).text
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("{name} is not valid JSON (line {line}, column {col}: {why}).").format(
                name=path.name, line=exc.lineno, col=exc.colno, why=exc.msg
            ),
            code="bad_json",
        ) from None
    posts = doc.get("posts") if isinstance(doc, dict) else doc if isinstance(doc, list) else None
    if not isinstance(posts, list):
        raise ValidationError(
            _("{name} has no “posts” list.").format(name=path.name), code="bad_json"
        )
    file_tz = str(doc.get("tz") or "").strip() if isinstance(doc, dict) else ""
    source = SourceFile(
        path=path, format="pregonero", rows=[], encoding="utf-8", base_dir=path.parent
    )
    if isinstance(doc, dict):
        _campaigns(doc.get("campaigns"), source)
    for index, item in enumerate(posts, start=1):
        row = SourceRow(index)
        if not isinstance(item, dict):
            row.error("bad_post", _("Post {n} is not an object.").format(n=index))
            source.rows.append(row)
            continue
        canon = {ALIASES.get(k, k): v for k, v in item.items()}
        fill(row, canon.get, language)
        if row.tz is None and file_tz:
            row.tz = file_tz
        _json_media(row, canon.get("media"), language)
        if "thread" in item and not row.text:
            row.error(
                "thread", _("Threads are not imported (post {ref}).").format(ref=row.ref or index)
            )
        _finish(row)
        source.rows.append(row)
    return source


def _campaigns(value: Any, source: SourceFile) -> None:
    if not isinstance(value, list):
        return
    for campaign in value:
        if not isinstance(campaign, dict) or not isinstance(campaign.get("name"), str):
            source.notes.append(_("A campaign without a name was ignored."))
            continue
        dates = campaign.get("key_dates") or {}
        if not isinstance(dates, dict):
            continue
        for name, day in dates.items():
            try:
                source.key_dates[(campaign["name"], str(name))] = date.fromisoformat(str(day))
            except ValueError:
                source.notes.append(
                    _("Key date “{name}” of {campaign} is not a date (YYYY-MM-DD).").format(
                        name=name, campaign=campaign["name"]
                    )
                )


def _json_media(row: SourceRow, value: Any, language: str) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list):
        row.error("bad_media", _("“media” must be a list."))
        return
    for item in value:
        if isinstance(item, str):
            row.media.append(MediaRef(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("path") or item.get("url"), str):
            alt, _lang = _pick(item.get("alt"), language or row.language)
            row.media.append(
                MediaRef(str(item.get("path") or item.get("url")).strip(), alt.strip())
            )
        else:
            row.error("bad_media", _("A media entry needs a “path” or “url”."))
