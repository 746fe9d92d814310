"""ImportService: read a file, dry-run it, then store it all or nothing.

The window's import dialog and ``pregonero import`` drive the same three calls::

    service = ImportService.from_context(ctx)
    source = service.read(path, "buffer")                   # may raise ValidationError
    plan = service.check(source, ImportOptions(account_ids=(1,), tz="Europe/Madrid"))
    ...show plan.rows (RowResult) and plan.notes; let the user change options, re-check...
    outcome = service.commit(plan, skip_errors=False)       # one transaction

:meth:`commit` refuses a plan with error rows unless ``skip_errors``; it re-checks what
may have changed since the dry run (the clock, another import of the same file), copies
the photos into Pregonero's folder, and inserts every post, its media, deliveries and
their record in **one** database transaction. If anything fails nothing is stored and the
photo copies it made are removed. Afterwards the scheduler is told the schedule changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app import paths
from app.clock import Clock
from app.errors import Problem, StorageError, ValidationError
from app.events import PublishListener
from app.i18n import _, ngettext
from app.media import ImageInfo, inspect_image, store_copy
from app.storage.repository import NewMedia, NewPost, Store
from app.timeutil import format_local
from app.transfer.checker import Checker
from app.transfer.fetch import FetchError, MediaFetcher
from app.transfer.formats import read_file
from app.transfer.model import (
    DateOrder,
    ImportOptions,
    ImportOutcome,
    ImportPlan,
    ResolvedMedia,
    RowResult,
    SourceFile,
)

if TYPE_CHECKING:
    from app.context import AppContext

#: How many row errors a refusal lists before "and N more".
MAX_LISTED = 10


class ImportService:
    """Imports into ``store``. ``on_schedule_changed`` re-arms the scheduler after a commit.

    ``media_dir`` is where photos are copied (default: the store's ``media`` folder);
    ``fetcher`` downloads ``http(s)`` photos (default: a :class:`MediaFetcher` caching in
    ``<data>/cache/downloads``).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        listener: PublishListener,
        on_schedule_changed: Callable[[], None],
        *,
        media_dir: Path | None = None,
        fetcher: MediaFetcher | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self.on_schedule_changed = on_schedule_changed
        self._media_dir = media_dir
        self._fetcher = fetcher

    @classmethod
    def from_context(cls, ctx: AppContext) -> ImportService:
        """The service for an :class:`app.context.AppContext`."""
        return cls(ctx.store, ctx.clock, ctx.listeners, ctx.schedule_changed)

    @property
    def media_dir(self) -> Path:
        """Where imported photos are copied."""
        return self._media_dir or self.store.media_dir

    @property
    def fetcher(self) -> MediaFetcher:
        """The downloader of ``http(s)`` photos (created on first use)."""
        if self._fetcher is None:
            self._fetcher = MediaFetcher(paths.home() / "cache" / "downloads")
        return self._fetcher

    # -- the three steps ------------------------------------------------------------
    def read(
        self, path: Path, fmt: str, *, date_order: DateOrder = "dmy", language: str = ""
    ) -> SourceFile:
        """Parse ``path`` as ``fmt`` (no check against the store yet).

        Raises ValidationError only if the file cannot be read at all.
        """
        return read_file(path, fmt, date_order=date_order, language=language)

    def check(self, source: SourceFile, options: ImportOptions) -> ImportPlan:
        """The dry run: one result per row; nothing is stored. Downloads media if asked."""
        fetcher = self.fetcher if options.fetch_media else None
        return Checker(self.store, self.clock, fetcher).check(source, options)

    def preview(
        self,
        path: Path,
        fmt: str,
        options: ImportOptions,
        *,
        date_order: DateOrder = "dmy",
        language: str = "",
    ) -> ImportPlan:
        """:meth:`read` then :meth:`check`."""
        return self.check(self.read(path, fmt, date_order=date_order, language=language), options)

    def commit(self, plan: ImportPlan, *, skip_errors: bool = False) -> ImportOutcome:
        """Store the plan's rows, all or nothing, as drafts or scheduled (``plan.options``).

        Raises ValidationError (nothing stored) when rows have errors and ``skip_errors``
        is false, or when a row became impossible since the dry run (its time passed, a
        photo cannot be fetched); StorageError when the database refuses the write.
        """
        errors = plan.errors
        if errors and not skip_errors:
            raise ValidationError(_refusal(errors))
        wanted = plan.to_create
        rows, late = self._still_valid(plan, wanted, skip_errors)
        media = self._fetch_missing(rows, skip_errors)
        failed = len(rows) - len(media)
        rows = [r for r in rows if r.row in media]
        before = {p.name for p in self.media_dir.iterdir()} if media else set()
        created: list[Path] = []
        try:
            copies = {
                row.row: [self._copy(m, before, created) for m in media[row.row]] for row in rows
            }
            post_ids = self._insert(plan, rows, copies)
        except BaseException:
            for path in created:
                if not self.store.media_in_use(str(path)):
                    path.unlink(missing_ok=True)
            raise
        if post_ids:
            self.on_schedule_changed()
            self.listener.data_changed()
        refused = len(errors) + late + failed
        return ImportOutcome(
            tuple(post_ids),
            skipped=len(plan.rows) - len(post_ids) - refused,
            refused=refused,
            scheduled=not plan.options.as_draft,
        )

    # -- commit helpers -------------------------------------------------------------
    def _still_valid(
        self, plan: ImportPlan, rows: list[RowResult], skip_errors: bool
    ) -> tuple[list[RowResult], int]:
        if plan.options.as_draft:
            return rows, 0
        now = self.clock.now()
        late = [r for r in rows if r.due_at is not None and r.due_at <= now]
        if late and not skip_errors:
            raise ValidationError(
                [
                    Problem(
                        "time_past",
                        _("Row {row}: {time} is now in the past; check the file again.").format(
                            row=r.row, time=format_local(r.due_at, r.tz)
                        ),
                    )
                    for r in late[:MAX_LISTED]
                ]
            )
        return [r for r in rows if r not in late], len(late)

    def _fetch_missing(
        self, rows: list[RowResult], skip_errors: bool
    ) -> dict[int, list[ResolvedMedia]]:
        """Each row's photos with their bytes on disk (fetching those not fetched yet)."""
        out: dict[int, list[ResolvedMedia]] = {}
        problems: list[Problem] = []
        for row in rows:
            resolved: list[ResolvedMedia] = []
            try:
                for m in row.resolved_media:
                    resolved.append(m if m.format is not None else self._complete(m))
            except (FetchError, ValidationError) as exc:
                problems.append(
                    Problem(
                        "bad_media",
                        _("Row {row}: {why}").format(
                            row=row.row, why=getattr(exc, "message", None) or str(exc)
                        ),
                    )
                )
                continue
            out[row.row] = resolved
        if problems and not skip_errors:
            raise ValidationError(problems[:MAX_LISTED])
        return out

    def _complete(self, media: ResolvedMedia) -> ResolvedMedia:
        path = self.fetcher.fetch(media.ref.source)
        info = inspect_image(path)
        return ResolvedMedia(
            media.ref,
            path,
            media.original_name,
            info.format,
            info.mime,
            info.size_bytes,
            info.width,
            info.height,
        )

    def _copy(self, media: ResolvedMedia, before: set[str], created: list[Path]) -> NewMedia:
        """Copy a photo into the media folder; new files are added to ``created``."""
        assert media.local_path is not None and media.format and media.mime
        info = ImageInfo(
            media.format, media.mime, media.size_bytes or 0, media.width or 0, media.height or 0
        )
        stored, digest = store_copy(media.local_path, self.media_dir, info)
        if stored.name not in before and stored not in created:
            created.append(stored)
        return NewMedia(
            path=str(stored),
            original_name=media.original_name,
            sha256=digest,
            size_bytes=info.size_bytes,
            mime=info.mime,
            width=media.width,
            height=media.height,
            alt_text=media.ref.alt.strip(),
        )

    def _insert(
        self, plan: ImportPlan, rows: list[RowResult], copies: dict[int, list[NewMedia]]
    ) -> list[int]:
        now = self.clock.now()
        scheduled = not plan.options.as_draft
        name = plan.source.path.name
        try:
            with self.store.transaction() as conn:
                used = self.store.post_ids_by_import_keys(r.import_key for r in rows)
                campaigns: dict[str, int] = {}
                key_dates: dict[tuple[str, str], int] = {}
                posts: list[NewPost] = []
                for row in rows:
                    if row.import_key in used:
                        continue  # imported by someone else since the dry run
                    campaign_id = key_date_id = None
                    if row.campaign:
                        if row.campaign not in campaigns:
                            campaigns[row.campaign] = self.store.ensure_campaign_in(
                                conn, row.campaign, now
                            )
                        campaign_id = campaigns[row.campaign]
                    if row.pin is not None and campaign_id is not None:
                        pin_key = (row.campaign or "", row.pin.key_date)
                        if pin_key not in key_dates:
                            key_dates[pin_key] = self.store.ensure_key_date_in(
                                conn, campaign_id, row.pin.key_date, row.pin.day
                            )
                        key_date_id = key_dates[pin_key]
                    posts.append(
                        NewPost(
                            text=row.source.text,
                            link=row.source.link,
                            due_at=row.due_at,
                            tz=row.tz,
                            account_ids=row.account_ids,
                            scheduled=scheduled and row.due_at is not None,
                            media=tuple(copies.get(row.row, [])),
                            campaign_id=campaign_id,
                            pin_key_date_id=key_date_id,
                            pin_offset_days=row.pin.offset_days if row.pin else None,
                            pin_time=row.pin.time if row.pin else None,
                            language=row.source.language,
                            import_key=row.import_key,
                            reason=_("scheduled for {time}").format(
                                time=format_local(row.due_at, row.tz) + " " + row.tz
                            )
                            if row.due_at
                            else "",
                            detail=_("imported from {file}, row {row}").format(
                                file=name, row=row.row
                            ),
                        )
                    )
                return self.store.insert_posts_in(conn, posts, now)
        except sqlite3.Error as exc:
            raise StorageError(
                _("The import was not saved (nothing was stored): {why}").format(why=exc)
            ) from None


def _refusal(errors: list[RowResult]) -> list[Problem]:
    head = ngettext(
        "{n} row has errors; nothing was imported. Correct the file, or skip the rows with errors.",
        "{n} rows have errors; nothing was imported. Correct the file, or skip "
        "the rows with errors.",
        len(errors),
    ).format(n=len(errors))
    problems = [Problem("row_errors", head)]
    for row in errors[:MAX_LISTED]:
        first = next(r for r in row.reasons if r.severity.value == "error")
        problems.append(
            Problem(first.code, _("Row {row}: {why}").format(row=row.row, why=first.message))
        )
    if len(errors) > MAX_LISTED:
        problems.append(
            Problem(
                "row_errors",
                ngettext("…and {n} more.", "…and {n} more.", len(errors) - MAX_LISTED).format(
                    n=len(errors) - MAX_LISTED
                ),
            )
        )
    return problems
