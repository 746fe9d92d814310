"""The publication record (every state change of every delivery) exported for archives.

Public bodies keep what they published, when, where and why something failed or was
overridden. Exported as CSV (UTF-8 with BOM, so spreadsheet programs read accents)
or JSON. Times are given in UTC (ISO-8601) and in the post's own zone.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from app.storage.repository import Store
from app.timeutil import format_local, from_iso

COLUMNS = [
    "event_id",
    "at_utc",
    "at_local",
    "post_tz",
    "post_id",
    "account",
    "network",
    "page_id",
    "from_state",
    "to_state",
    "reason",
    "detail",
    "remote_id",
    "permalink",
    "post_text",
]


def record(store: Store, post_id: int | None = None) -> list[dict[str, Any]]:
    """Rows of the record (all posts, or one), oldest first, with :data:`COLUMNS` as keys."""
    rows = []
    for row in store.record_rows(post_id):
        at = from_iso(row["at"])
        rows.append(
            {
                **{k: row[k] for k in COLUMNS if k in row},
                "at_utc": row["at"],
                "at_local": format_local(at, row["post_tz"]),
                "from_state": row["from_state"] or "",
            }
        )
    return rows


def write_record(fh: IO[str], fmt: str, rows: list[dict[str, Any]]) -> None:
    """Write record ``rows`` to an open text file as ``fmt`` ("csv" or "json")."""
    if fmt == "json":
        fh.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def export_record(store: Store, path: Path, fmt: str, post_id: int | None = None) -> int:
    """Write the record to ``path`` as ``fmt`` ("csv" or "json"); returns the row count."""
    rows = record(store, post_id)
    encoding = "utf-8" if fmt == "json" else "utf-8-sig"
    with path.open("w", encoding=encoding, newline="") as fh:
        write_record(fh, fmt, rows)
    return len(rows)
