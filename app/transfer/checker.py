"""The dry run: every check an import row gets before anything is stored.

For each :class:`~app.transfer.model.SourceRow`, in order:

1. what the parser found (bad CSV, unreadable date, date that reads two ways...);
2. target accounts (the row's own names, else the import's) and the networks it is for;
3. time: zone, DST-skipped or repeated local times (:func:`app.timeutil.local_to_utc`,
   whose messages name the next valid time or both options), key-date pins, past times
   (an error when scheduling, a warning for drafts), rows without a time get the next
   free slot;
4. content: empty, over-length and too many photos per target network
   (``network_class(key).validate``), each photo read whole (:func:`app.media.inspect_image`,
   downloaded first when it is an address) and checked against the network's formats and
   size;
5. duplicates: the same row earlier in the file, a row already imported (same import
   key), or the same text already planned at the same time on these accounts;
6. once every row has its time, the careful-publishing checks (:mod:`app.transfer.careful`).

Nothing here writes to the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.clock import Clock
from app.errors import ValidationError
from app.i18n import _
from app.media import inspect_image
from app.models import Account, Campaign
from app.networks.base import OutgoingMedia, OutgoingPost
from app.networks.registry import network_class
from app.storage.repository import Store
from app.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    format_local,
    local_to_utc,
    zone,
)
from app.transfer import careful
from app.transfer.dates import weekday
from app.transfer.fetch import FetchError, MediaFetcher, name_from_url
from app.transfer.keys import import_key, normal_text
from app.transfer.model import (
    Action,
    ImportOptions,
    ImportPlan,
    MediaRef,
    Pin,
    Reason,
    ResolvedMedia,
    RowResult,
    Severity,
    SourceFile,
    SourceRow,
    Status,
)

PREVIEW_CHARS = 60
#: How far ahead rows without a time may be placed (days).
QUEUE_HORIZON_DAYS = 366


@dataclass
class _Work:
    """A row while it is being checked."""

    source: SourceRow
    reasons: list[Reason] = field(default_factory=list)
    account_ids: tuple[int, ...] = ()
    tz: str = ""
    due_at: datetime | None = None
    action: Action = Action.CREATE
    media: list[ResolvedMedia] = field(default_factory=list)
    pin: Pin | None = None
    key: str = ""
    networks: list[str] = field(default_factory=list)
    duplicate_of: int | None = None
    existing: int | None = None

    def error(self, code: str, message: str) -> None:
        self.reasons.append(Reason(Severity.ERROR, code, message))

    def warn(self, code: str, message: str) -> None:
        self.reasons.append(Reason(Severity.WARNING, code, message))

    @property
    def failed(self) -> bool:
        return any(r.severity == Severity.ERROR for r in self.reasons)


class Checker:
    """Runs the dry run of one import against ``store`` at ``clock.now()``."""

    def __init__(self, store: Store, clock: Clock, fetcher: MediaFetcher | None) -> None:
        self.store = store
        self.clock = clock
        self.fetcher = fetcher
        self._media_cache: dict[tuple[str, Path], ResolvedMedia | str] = {}
        self._campaigns: dict[str, Campaign | None] = {}

    # -- entry point ----------------------------------------------------------------
    def check(self, source: SourceFile, options: ImportOptions) -> ImportPlan:
        """The per-row result table of ``source`` imported with ``options``.

        Raises ValidationError when the options themselves are unusable (unknown zone,
        unknown account id).
        """
        zone(options.tz)
        now = self.clock.now()
        accounts = {a.id: a for a in self.store.list_accounts()}
        by_name = {a.name: a for a in accounts.values()}
        for account_id in options.account_ids:
            if account_id not in accounts:
                raise ValidationError(
                    _("There is no account number {id}.").format(id=account_id),
                    code="unknown_account",
                )
        notes = list(source.notes)
        work = [self._row(row, source, options, by_name, now) for row in source.rows]
        self._duplicates(work)
        self._against_store(work)
        self._queue(work, options, now)
        for w in work:
            if w.action == Action.CREATE and w.due_at is not None and w.networks and not w.failed:
                self._careful(w, options)
        notes.extend(self._campaign_notes(work))
        return ImportPlan(
            source=source,
            options=options,
            rows=[self._result(w) for w in work],
            checked_at=now,
            notes=notes,
        )

    # -- one row --------------------------------------------------------------------
    def _row(
        self,
        row: SourceRow,
        source: SourceFile,
        options: ImportOptions,
        by_name: dict[str, Account],
        now: datetime,
    ) -> _Work:
        w = _Work(row, reasons=list(row.errors) + list(row.warnings))
        targets = self._targets(w, options, by_name)
        w.account_ids = tuple(sorted(a.id for a in targets))
        networks = sorted({a.network for a in targets})
        w.networks = networks
        if row.networks and targets and not set(networks) & set(row.networks):
            w.reasons = [
                Reason(
                    Severity.WARNING,
                    "other_networks",
                    _("Meant for {networks} only: not imported to these accounts.").format(
                        networks=", ".join(row.networks)
                    ),
                )
            ]
            w.action = Action.SKIP
            return w
        w.tz = row.tz or options.tz
        try:
            zone(w.tz)
        except ValidationError as exc:
            w.error("unknown_zone", str(exc))
            w.tz = options.tz
        else:
            self._time(w, source, options, now)
        for account in targets:
            if account.status != "ok":
                message = _("The account {name} needs to be connected again.").format(
                    name=account.name
                )
                if options.as_draft:
                    w.warn("account_needs_reconnect", message)
                else:
                    w.error("account_needs_reconnect", message)
        self._content(w, source, networks, options)
        w.key = import_key(row, w.tz, w.account_ids)
        return w

    def _targets(
        self, w: _Work, options: ImportOptions, by_name: dict[str, Account]
    ) -> list[Account]:
        targets: list[Account] = []
        if w.source.accounts:
            for name in w.source.accounts:
                if name in by_name:
                    targets.append(by_name[name])
                else:
                    known = ", ".join(sorted(by_name)) or _("none yet")
                    w.error(
                        "unknown_account",
                        _("There is no account called “{name}”. Accounts: {known}.").format(
                            name=name, known=known
                        ),
                    )
        else:
            targets = [a for a in by_name.values() if a.id in options.account_ids]
        if not targets and not w.source.accounts:
            w.error("no_account", _("Choose at least one account."))
        return targets

    # -- time -----------------------------------------------------------------------
    def _time(self, w: _Work, source: SourceFile, options: ImportOptions, now: datetime) -> None:
        row = w.source
        local = row.local
        if row.instant is not None:
            w.due_at = row.instant.astimezone(UTC)
            shown = w.due_at.astimezone(zone(w.tz))
            if row.tz and shown.utcoffset() != row.instant.utcoffset():
                w.warn(
                    "offset_mismatch",
                    _("{text} is {local} in {zone}; that instant is used.").format(
                        text=row.when_text, local=shown.strftime("%Y-%m-%d %H:%M"), zone=w.tz
                    ),
                )
            local = shown.replace(tzinfo=None)
        if row.key_date is not None:
            local = self._pin(w, source, local)
            if local is None:
                return
        if local is not None and w.due_at is None:
            w.due_at = self._instant(w, local, options)
        if w.due_at is None:
            return
        lead = timedelta(seconds=options.min_lead_seconds)
        if w.due_at <= now + (timedelta(0) if options.as_draft else lead):
            message = _("{time} is in the past.").format(time=format_local(w.due_at, w.tz))
            if options.as_draft:
                w.warn(
                    "time_past",
                    message
                    + " "
                    + _("It is saved as a draft; choose a new time before scheduling it."),
                )
            else:
                w.error("time_past", message + " " + _("Choose a later time."))

    def _instant(self, w: _Work, local: datetime, options: ImportOptions) -> datetime | None:
        try:
            return local_to_utc(local, w.tz)
        except NonexistentTimeError as exc:
            w.error("time_skipped_by_dst", str(exc))
            return None
        except AmbiguousTimeError as exc:
            if options.dst_fold is None:
                w.error(
                    "time_repeated_by_dst",
                    str(exc) + " " + _("(On the command line: --dst first or --dst second.)"),
                )
                return None
            first, second = exc.options
            chosen = second if options.dst_fold else first
            w.warn(
                "time_repeated_by_dst",
                _("{time} happens twice in {zone}; the {which} ({at}) is used.").format(
                    time=local.strftime("%Y-%m-%d %H:%M"),
                    zone=w.tz,
                    which=_("second") if options.dst_fold else _("first"),
                    at=chosen.strftime("%H:%M %Z"),
                ),
            )
            return chosen.astimezone(UTC)

    def _campaign(self, name: str) -> Campaign | None:
        if name not in self._campaigns:
            self._campaigns[name] = self.store.find_campaign(name)
        return self._campaigns[name]

    def _pin(self, w: _Work, source: SourceFile, local: datetime | None) -> datetime | None:
        row = w.source
        assert row.campaign is not None and row.key_date is not None
        campaign = self._campaign(row.campaign)
        stored = next(
            (k for k in (campaign.key_dates if campaign else []) if k.name == row.key_date), None
        )
        declared = row.key_date_on or source.key_dates.get((row.campaign, row.key_date))
        if stored is not None and declared is not None and stored.date != declared:
            w.error(
                "key_date_differs",
                _(
                    "In Pregonero, {name} of {campaign} is {stored}; the file says {declared}. "
                    "Move the key date in Pregonero or correct the file."
                ).format(
                    name=row.key_date, campaign=row.campaign, stored=stored.date, declared=declared
                ),
            )
            return None
        day = stored.date if stored is not None else declared
        if day is None:
            w.error(
                "unknown_key_date",
                _(
                    "The campaign {campaign} has no key date “{name}”; give its date in "
                    "key_date_on (YYYY-MM-DD)."
                ).format(campaign=row.campaign, name=row.key_date),
            )
            return None
        offset = row.offset_days or 0
        target: date = day + timedelta(days=offset)
        if local is not None:
            if local.date() != target:
                w.error(
                    "pin_mismatch",
                    _("{when} is not {offset} days from {name} ({day}): that is {target}.").format(
                        when=local.strftime("%Y-%m-%d"),
                        offset=offset,
                        name=row.key_date,
                        day=day,
                        target=target,
                    ),
                )
                return None
            at = local.time()
        else:
            assert row.pin_time is not None
            at = row.pin_time
        w.pin = Pin(row.key_date, day, offset, at.strftime("%H:%M"), new=stored is None)
        return datetime.combine(target, at)

    # -- content --------------------------------------------------------------------
    def _content(
        self, w: _Work, source: SourceFile, networks: list[str], options: ImportOptions
    ) -> None:
        row = w.source
        for index, ref in enumerate(row.media, start=1):
            resolved = self._media(ref, source.base_dir, options)
            if isinstance(resolved, str):
                w.error("bad_media", _("Photo {n}: {why}").format(n=index, why=resolved))
                continue
            w.media.append(resolved)
            if resolved.format is None:
                w.warn(
                    "media_not_checked",
                    _(
                        "Photo {n} ({url}) was not downloaded to check it; it will be at import."
                    ).format(n=index, url=ref.source),
                )
            for key in networks:
                limits = network_class(key).limits
                cls = network_class(key)
                if resolved.format and resolved.format not in limits.image_formats:
                    w.error(
                        "media_format",
                        _("Photo {n}: {network} does not take {fmt} images.").format(
                            n=index, network=cls.label, fmt=resolved.format
                        ),
                    )
                if resolved.size_bytes and resolved.size_bytes > limits.image_max_bytes:
                    w.error(
                        "media_too_large",
                        _("Photo {n} is {mb:.1f} MB; {network} takes at most {max:.1f} MB.").format(
                            n=index,
                            mb=resolved.size_bytes / 1e6,
                            network=cls.label,
                            max=limits.image_max_bytes / 1e6,
                        ),
                    )
        if not row.text.strip() and not row.media and not row.link:
            if not any(r.code == "empty" for r in w.reasons):
                w.error("empty", _("The post has no text, link or photo."))
        outgoing = OutgoingPost(
            text=row.text,
            link=row.link,
            due_at=w.due_at,
            media=tuple(
                OutgoingMedia(
                    m.local_path or Path(m.ref.source), m.ref.alt, m.mime or "", m.size_bytes or 0
                )
                for m in w.media
            ),
        )
        for key in networks:
            for problem in network_class(key).validate(outgoing):
                w.error(problem.code, problem.message)

    def _media(self, ref: MediaRef, base: Path, options: ImportOptions) -> ResolvedMedia | str:
        cache_key = (ref.source, base)
        cached = self._media_cache.get(cache_key)
        if cached is None:
            cached = self._resolve(ref, base, options)
            self._media_cache[cache_key] = cached
        if isinstance(cached, ResolvedMedia) and cached.ref.alt != ref.alt:
            return ResolvedMedia(
                ref,
                cached.local_path,
                cached.original_name,
                cached.format,
                cached.mime,
                cached.size_bytes,
                cached.width,
                cached.height,
            )
        return cached

    def _resolve(self, ref: MediaRef, base: Path, options: ImportOptions) -> ResolvedMedia | str:
        if ref.is_url:
            name = name_from_url(ref.source)
            if not options.fetch_media or self.fetcher is None:
                return ResolvedMedia(ref, None, name)
            try:
                path = self.fetcher.fetch(ref.source)
            except FetchError as exc:
                return exc.message
        else:
            path = Path(ref.source).expanduser()
            if not path.is_absolute():
                path = base / path
            name = path.name
        try:
            info = inspect_image(path)
        except ValidationError as exc:
            message = str(exc)
            if ref.is_url:
                message = message.replace(path.name, name)
            return message
        return ResolvedMedia(
            ref, path, name, info.format, info.mime, info.size_bytes, info.width, info.height
        )

    def _careful(self, w: _Work, options: ImportOptions) -> None:
        assert w.due_at is not None
        row = w.source
        pin = (w.pin.key_date, w.pin.day, row.campaign or "") if w.pin else None
        w.reasons.extend(
            careful.text_checks(
                row.text,
                link=row.link,
                due_at=w.due_at,
                tz=w.tz,
                networks=w.networks,
                media=w.media,
                language=row.language,
                key_date=pin,
                strict=not options.as_draft,
            )
        )

    # -- duplicates -----------------------------------------------------------------
    def _duplicates(self, work: list[_Work]) -> None:
        first_by_key: dict[str, int] = {}
        first_by_text: dict[str, int] = {}
        for w in work:
            if w.action == Action.SKIP:
                continue
            if w.key in first_by_key:
                w.duplicate_of = first_by_key[w.key]
                w.action = Action.SKIP
                w.reasons = []  # the same content: its problems are shown on the first row
                w.warn(
                    "duplicate_in_file",
                    _("Same as row {row}: a duplicate, not imported twice.").format(
                        row=w.duplicate_of
                    ),
                )
                continue
            first_by_key[w.key] = w.source.row
            text = normal_text(w.source.text)
            if text and text in first_by_text:
                w.warn(
                    "same_text_in_file",
                    _(
                        "Same text as row {row} at another time; some networks refuse repeated "
                        "posts."
                    ).format(row=first_by_text[text]),
                )
            elif text:
                first_by_text[text] = w.source.row

    def _against_store(self, work: list[_Work]) -> None:
        live = [w for w in work if w.action == Action.CREATE]
        known = self.store.post_ids_by_import_keys(w.key for w in live)
        for w in live:
            if w.key in known:
                w.existing = known[w.key]
                w.action = Action.SKIP
                w.reasons = []
                w.warn(
                    "already_imported",
                    _("Already imported (post #{id}): not imported again.").format(id=w.existing),
                )
        timed = [w for w in live if w.action == Action.CREATE and w.due_at is not None]
        if not timed:
            return
        accounts = {a for w in timed for a in w.account_ids}
        start = min(w.due_at for w in timed if w.due_at is not None)
        end = max(w.due_at for w in timed if w.due_at is not None)
        planned: dict[tuple[str, datetime], int] = {}
        for post in self.store.planned_posts(accounts, start, end):
            planned.setdefault((normal_text(post.text), post.due_at), post.id)
        if not planned:
            return
        for w in timed:
            assert w.due_at is not None
            same = planned.get((normal_text(w.source.text), w.due_at))
            if same is not None:
                w.warn(
                    "duplicate_in_store",
                    _(
                        "Pregonero already has the same text planned at that time (post #{id})."
                    ).format(id=same),
                )

    # -- rows without a time --------------------------------------------------------
    def _queue(self, work: list[_Work], options: ImportOptions, now: datetime) -> None:
        waiting = [w for w in work if w.source.queue and w.action == Action.CREATE and not w.failed]
        if not waiting:
            return
        accounts = {a for w in waiting for a in w.account_ids}
        horizon = now + timedelta(days=QUEUE_HORIZON_DAYS)
        taken = {p.due_at for p in self.store.planned_posts(accounts, now, horizon)}
        taken |= {w.due_at for w in work if w.due_at is not None}
        earliest = now + timedelta(seconds=options.min_lead_seconds)
        slots = _slots(options, earliest, horizon)
        index = 0
        for w in waiting:
            while index < len(slots) and slots[index] in taken:
                index += 1
            if index >= len(slots):
                w.error("no_free_slot", _("No free slot in the next year for this row."))
                continue
            slot = slots[index]
            taken.add(slot)
            w.due_at = slot
            w.warn(
                "queued",
                _("No time in the file: placed in the next free slot, {time}.").format(
                    time=format_local(slot, w.tz)
                ),
            )

    # -- notes and results ----------------------------------------------------------
    def _campaign_notes(self, work: list[_Work]) -> Iterable[str]:
        seen: set[tuple[str, str]] = set()
        for w in work:
            if w.action != Action.CREATE or w.failed or w.source.campaign is None:
                continue
            name = w.source.campaign
            if self._campaign(name) is None and (name, "") not in seen:
                seen.add((name, ""))
                yield _("The campaign “{name}” will be created.").format(name=name)
            if w.pin is not None and w.pin.new and (name, w.pin.key_date) not in seen:
                seen.add((name, w.pin.key_date))
                yield _("The key date {key} of {campaign} will be created on {day}.").format(
                    key=w.pin.key_date, campaign=name, day=w.pin.day
                )

    def _result(self, w: _Work) -> RowResult:
        errors = [r for r in w.reasons if r.severity == Severity.ERROR]
        warnings = [r for r in w.reasons if r.severity == Severity.WARNING]
        status = Status.ERROR if errors else Status.WARNING if warnings else Status.OK
        local = w.due_at.astimezone(zone(w.tz or "UTC")) if w.due_at else None
        if local is None and w.source.local is not None:
            local = w.source.local
        text = " ".join(w.source.text.split())
        preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
        media = [m.original_name for m in w.media] or [
            Path(m.source).name or m.source for m in w.source.media
        ]
        return RowResult(
            row=w.source.row,
            status=status,
            action=w.action,
            reasons=errors + warnings,
            local_time=local.strftime("%Y-%m-%d %H:%M") if local else "",
            weekday=_weekday(local.date()) if local else "",
            preview=preview,
            media=media,
            source=w.source,
            due_at=w.due_at,
            tz=w.tz,
            account_ids=w.account_ids,
            import_key=w.key,
            duplicate_of=w.duplicate_of,
            existing_post_id=w.existing,
            resolved_media=w.media,
            campaign=w.source.campaign,
            pin=w.pin,
        )


_WEEKDAYS: dict[tuple[str, date], str] = {}


def _weekday(day: date) -> str:
    from app.i18n import current_language

    key = (current_language(), day)
    if key not in _WEEKDAYS:
        _WEEKDAYS[key] = weekday(day)
    return _WEEKDAYS[key]


def _slots(options: ImportOptions, earliest: datetime, horizon: datetime) -> list[datetime]:
    """Every queue slot (aware UTC) from ``earliest`` to ``horizon``, in ``options.tz``."""
    out: list[datetime] = []
    times = sorted(options.queue_times)
    if not times:
        return out
    day = earliest.astimezone(zone(options.tz)).date()
    while True:
        for at in times:
            try:
                instant = local_to_utc(datetime.combine(day, at), options.tz, fold=0)
            except NonexistentTimeError:
                continue
            if instant > horizon:
                return out
            if instant >= earliest:
                out.append(instant)
        day += timedelta(days=1)
