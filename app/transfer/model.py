"""The shapes an import goes through: file rows → checked rows → a plan → what was stored.

Flow (what the window's dialog and ``pregonero import`` both drive)::

    source = service.read(path, "hootsuite", date_order="dmy")     # SourceFile
    plan = service.check(source, ImportOptions(account_ids=(1,), tz="Europe/Madrid"))
    for row in plan.rows: ...                                       # RowResult, shown as a table
    outcome = service.commit(plan)                                  # ImportOutcome

Nothing is stored before :meth:`~app.transfer.importer.ImportService.commit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Literal

from app.i18n import N_, _

DateOrder = Literal["dmy", "mdy"]
"""How to read ``05/12/2027``: day first (``dmy``, Spain) or month first (``mdy``, US)."""

FORMATS = ("hootsuite", "buffer", "publer", "pregonero")
"""Import formats, by the name the command line and the dialog use."""


class Severity(StrEnum):
    """How bad a reason is: a warning lets the row in, an error keeps it out."""

    WARNING = "warning"
    ERROR = "error"


class Status(StrEnum):
    """A row's overall result in the dry run."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"

    @property
    def label(self) -> str:
        """The status in the user's language."""
        return _(STATUS_LABELS[self])


STATUS_LABELS = {Status.OK: N_("ok"), Status.WARNING: N_("warning"), Status.ERROR: N_("error")}


class Action(StrEnum):
    """What commit will do with a row."""

    CREATE = "create"
    SKIP = "skip"  # a duplicate (in the file or already imported): nothing to do


@dataclass(frozen=True)
class Reason:
    """One thing said about a row. ``code`` is stable (tests, logs); ``message`` translated."""

    severity: Severity
    code: str
    message: str


@dataclass(frozen=True)
class MediaRef:
    """A photo named by a row: a local path (absolute, or relative to the file) or an URL."""

    source: str
    alt: str = ""

    @property
    def is_url(self) -> bool:
        """True for ``http://`` and ``https://`` sources."""
        return self.source.lower().startswith(("http://", "https://"))


@dataclass
class SourceRow:
    """One row as a parser read it, before any check against the store or the clock.

    ``row`` is the 1-based row number a spreadsheet shows (header and blank lines count)
    or, for JSON, the 1-based position in ``posts``. Exactly one way of timing is set:
    ``local`` (naive wall-clock time in ``tz`` or the import's zone), ``instant`` (aware,
    the file gave an offset), a key-date pin (``key_date`` + ``pin_time``), or none of
    them when ``queue`` is true (the next free slot). ``errors`` / ``warnings`` hold what
    the parser found (a row with errors is never imported).
    """

    row: int
    ref: str = ""
    when_text: str = ""
    text: str = ""
    link: str | None = None
    local: datetime | None = None
    instant: datetime | None = None
    tz: str | None = None
    queue: bool = False
    media: list[MediaRef] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    campaign: str | None = None
    key_date: str | None = None
    key_date_on: date | None = None
    offset_days: int | None = None
    pin_time: time | None = None
    language: str = ""
    errors: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        """Add an error found while reading."""
        self.errors.append(Reason(Severity.ERROR, code, message))

    def warn(self, code: str, message: str) -> None:
        """Add a warning found while reading."""
        self.warnings.append(Reason(Severity.WARNING, code, message))


@dataclass
class SourceFile:
    """A whole file as read: its rows, how it was decoded, and file-level notes.

    ``base_dir`` resolves relative media paths; ``key_dates`` holds key dates the file
    itself declares (JSON ``campaigns``): ``{(campaign, key date name): date}``.
    """

    path: Path
    format: str
    rows: list[SourceRow]
    encoding: str = "utf-8"
    delimiter: str = ","
    date_order: DateOrder = "dmy"
    base_dir: Path = Path(".")
    notes: list[str] = field(default_factory=list)
    key_dates: dict[tuple[str, str], date] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose in the dialog (or on the command line).

    ``account_ids``: target accounts for rows that name none. ``tz``: IANA zone of
    wall-clock times in the file. ``as_draft``: rows land as drafts (True) or scheduled.
    ``dst_fold``: for a local time that happens twice, 0 = first, 1 = second, None =
    refuse the row. ``fetch_media``: download ``http(s)`` media to check them (else they
    are reported as not checked and fetched at commit). ``queue_times``: local times of
    day offered as free slots for rows without a time, each day from now on.
    ``min_lead_seconds``: a scheduled row must be at least this far in the future.
    """

    account_ids: tuple[int, ...]
    tz: str
    as_draft: bool = True
    dst_fold: int | None = None
    fetch_media: bool = True
    queue_times: tuple[time, ...] = (time(9, 30), time(12, 30), time(17, 30))
    min_lead_seconds: int = 60


@dataclass(frozen=True)
class ResolvedMedia:
    """A photo checked by the dry run: where its bytes are now, and what they are.

    ``local_path`` is the user's file or the downloaded copy; ``mime``, ``size_bytes``
    (bytes), ``width``/``height`` (pixels) and ``format`` (Pillow name) come from
    :func:`app.media.inspect_image`. ``None`` fields mean "not checked" (URL not fetched).
    """

    ref: MediaRef
    local_path: Path | None
    original_name: str
    format: str | None = None
    mime: str | None = None
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Pin:
    """A row pinned to a campaign's key date: ``offset_days`` from ``day`` at ``time`` (HH:MM).

    ``new`` is true when the key date does not exist in Pregonero yet (commit creates it).
    """

    key_date: str
    day: date
    offset_days: int
    time: str
    new: bool = False


@dataclass
class RowResult:
    """One line of the dry-run table.

    ``local_time`` is ``YYYY-MM-DD HH:MM`` in ``tz`` ("" for an untimed draft) and
    ``weekday`` its day name in the user's language; ``due_at`` the aware UTC instant.
    ``preview`` is the start of the text on one line; ``media`` the photos' names.
    ``duplicate_of`` is the row (in this file) or ``existing_post_id`` the post it repeats.
    """

    row: int
    status: Status
    action: Action
    reasons: list[Reason]
    local_time: str
    weekday: str
    preview: str
    media: list[str]
    source: SourceRow
    due_at: datetime | None = None
    tz: str = ""
    account_ids: tuple[int, ...] = ()
    import_key: str = ""
    duplicate_of: int | None = None
    existing_post_id: int | None = None
    resolved_media: list[ResolvedMedia] = field(default_factory=list)
    campaign: str | None = None
    pin: Pin | None = None

    @property
    def will_create(self) -> bool:
        """True if commit creates a post from this row (when errors are not skipped)."""
        return self.action == Action.CREATE and self.status != Status.ERROR


@dataclass
class ImportPlan:
    """The dry run's answer: one :class:`RowResult` per row, plus file-level notes."""

    source: SourceFile
    options: ImportOptions
    rows: list[RowResult]
    checked_at: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowResult]:
        """Rows that cannot be imported."""
        return [r for r in self.rows if r.status == Status.ERROR]

    @property
    def to_create(self) -> list[RowResult]:
        """Rows commit would turn into posts."""
        return [r for r in self.rows if r.will_create]

    def counts(self) -> dict[str, int]:
        """``{"ok": n, "warning": n, "error": n, "create": n, "skip": n}``."""
        out = {s.value: 0 for s in Status} | {"create": 0, "skip": 0}
        for r in self.rows:
            out[r.status.value] += 1
            if r.will_create:
                out["create"] += 1
            elif r.action == Action.SKIP:
                out["skip"] += 1
        return out


@dataclass(frozen=True)
class ImportOutcome:
    """What commit stored: the new posts' ids, and how many rows were skipped or refused."""

    post_ids: tuple[int, ...]
    skipped: int
    refused: int
    scheduled: bool
