"""Bringing work in and out (issue 9): import from Hootsuite, Buffer, Publer and Pregonero's
own CSV/JSON with a dry run; export to iCalendar, a CSV of the published history, and
Hootsuite/Buffer CSV.

Modules: ``formats/`` (one parser per format; Hootsuite and Buffer also write),
``textio`` (encodings, delimiters, CSV records), ``dates`` (date cells and the date
order), ``checker`` (the dry run), ``importer`` (:class:`ImportService`), ``exporter``
(:class:`ExportService`), ``ics`` (iCalendar writer), ``fetch`` (media downloads),
``keys`` (import identity), ``careful`` (the text-checks call site), ``table`` (text
rendering of the dry run). Plain Python: no Qt.
"""

from app.transfer.exporter import EXPORT_FORMATS, ExportFilter, ExportResult, ExportService
from app.transfer.importer import ImportService
from app.transfer.model import (
    FORMATS,
    Action,
    DateOrder,
    ImportOptions,
    ImportOutcome,
    ImportPlan,
    Reason,
    RowResult,
    Severity,
    SourceFile,
    SourceRow,
    Status,
)

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "Action",
    "DateOrder",
    "ExportFilter",
    "ExportResult",
    "ExportService",
    "ImportOptions",
    "ImportOutcome",
    "ImportPlan",
    "ImportService",
    "Reason",
    "RowResult",
    "Severity",
    "SourceFile",
    "SourceRow",
    "Status",
]
