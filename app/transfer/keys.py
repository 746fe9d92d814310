"""The identity of an imported row: what makes re-importing the same file a no-op.

``import_key`` is the SHA-256 (hex) of a canonical JSON list of the row *as written*,
normalised, plus the target accounts:

* text: Unicode NFC, line ends ``\\n``, trailing spaces of each line and surrounding
  blank lines removed;
* link and media sources stripped, alt texts normalised like text;
* time: the wall-clock time (``YYYY-MM-DDTHH:MM``) and zone, or the instant in UTC, or the
  key-date pin, or ``"queue"`` for a row without a time (so a re-import matches even
  though the free slot it would get has moved);
* the target account ids, sorted.

Two rows with the same key are duplicates; a key already in the store means the row
was imported before. Keys carry a version prefix (``v1``) so the rule can change later.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC

from app.transfer.model import SourceRow

VERSION = "v1"


def normal_text(text: str) -> str:
    """Text as compared for duplicates (see the module docstring)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _when(row: SourceRow, tz: str) -> str:
    if row.instant is not None:
        return row.instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    if row.local is not None:
        return f"{row.local:%Y-%m-%dT%H:%M} {tz}"
    if row.key_date is not None:
        pin = row.pin_time.strftime("%H:%M") if row.pin_time else ""
        return f"pin {row.campaign}/{row.key_date}/{row.offset_days or 0}/{pin} {tz}"
    return "queue"


def import_key(row: SourceRow, tz: str, account_ids: tuple[int, ...]) -> str:
    """The stable key of ``row`` imported in zone ``tz`` to ``account_ids``."""
    payload = [
        VERSION,
        normal_text(row.text),
        (row.link or "").strip(),
        [[m.source.strip(), normal_text(m.alt)] for m in row.media],
        _when(row, tz),
        sorted(account_ids),
    ]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
