"""File formats Pregonero imports (and, for Hootsuite and Buffer, exports): one module each.

:func:`read_file` picks the parser by format name; Pregonero's own format is read as
JSON when the file name ends in ``.json`` (or its first character is ``{`` / ``[``).
"""

from __future__ import annotations

from pathlib import Path

from app.errors import ValidationError
from app.i18n import _
from app.transfer.formats import buffer, hootsuite, pregonero, publer
from app.transfer.model import FORMATS, DateOrder, SourceFile
from app.transfer.textio import decode, read_bytes


def read_file(
    path: Path, fmt: str, *, date_order: DateOrder = "dmy", language: str = ""
) -> SourceFile:
    """Parse ``path`` as ``fmt`` (one of :data:`~app.transfer.model.FORMATS`).

    Malformed rows come back as rows with errors; raises ValidationError only when the
    file cannot be read at all (missing, empty, not the format's header, not JSON).
    """
    if date_order not in ("dmy", "mdy"):
        raise ValidationError(_("The date order must be dmy or mdy."), code="bad_date_order")
    if fmt == "hootsuite":
        return hootsuite.parse(path, date_order=date_order)
    if fmt == "buffer":
        return buffer.parse(path)
    if fmt == "publer":
        return publer.parse(path, date_order=date_order)
    if fmt == "pregonero":
        if _is_json(path):
            return pregonero.parse_json(path, language=language)
        return pregonero.parse_csv(path, language=language)
    raise ValidationError(
        _("Unknown import format “{fmt}”. Known: {known}.").format(
            fmt=fmt, known=", ".join(FORMATS)
        ),
        code="unknown_format",
    )


def _is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() == ".csv":
        return False
    return decode(read_bytes(path)).text.lstrip()[:1] in ("{", "[")
