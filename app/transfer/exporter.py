"""ExportService: the plan and the published record, out to other tools.

* :meth:`ExportService.ics`: planned posts as iCalendar, one VEVENT per post (stable UID,
  DTSTART in UTC, summary = start of the text, description = full text, accounts and,
  once published, the permalinks), to open or subscribe to in Outlook or Thunderbird.
* :meth:`ExportService.history_csv`: one line per published delivery, with permalink.
* :meth:`ExportService.hootsuite` / :meth:`ExportService.buffer`: posts still to be
  published, as those tools' bulk CSV (our importers read them back).

Every export takes an :class:`ExportFilter` (account, campaign, local date range) and
returns an :class:`ExportResult` with the bytes to write and warnings for the user.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from app.clock import Clock
from app.i18n import _, ngettext
from app.models import Account, DeliveryState, Post
from app.networks.registry import NETWORKS
from app.storage.repository import Store
from app.timeutil import zone
from app.transfer import ics
from app.transfer.formats import buffer, hootsuite
from app.transfer.model import DateOrder

S = DeliveryState
#: Delivery states of a post that is still to be published (exported to other tools).
PENDING = frozenset({S.DRAFT, S.SCHEDULED, S.MISSED, S.FAILED, S.PAUSED, S.BLOCKED})
EXPORT_FORMATS = ("ics", "csv", "hootsuite", "buffer")
#: Length of an event's summary (characters).
SUMMARY_CHARS = 60
#: How long an event lasts in the calendar (a post is an instant; 15 minutes shows it).
EVENT_MINUTES = 15
HISTORY_HEADER = (
    "published_at",
    "published_local",
    "account",
    "network",
    "post_id",
    "text",
    "link",
    "permalink",
    "remote_id",
    "campaign",
)

if TYPE_CHECKING:
    from app.context import AppContext


@dataclass(frozen=True)
class ExportFilter:
    """Which posts: of one account and/or campaign (ids), between two local dates.

    ``start``/``end`` are inclusive calendar dates in ``tz`` (None = unbounded).
    """

    account_id: int | None = None
    campaign_id: int | None = None
    start: date | None = None
    end: date | None = None
    tz: str = "UTC"

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The aware UTC instants [from, to) the dates mean in ``tz``."""
        tz = zone(self.tz)
        lo = datetime.combine(self.start, time(0), tz).astimezone(UTC) if self.start else None
        hi = (
            datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
            if self.end
            else None
        )
        return lo, hi


@dataclass
class ExportResult:
    """Bytes to write, how many posts (or deliveries) they hold, and warnings (translated)."""

    data: bytes
    count: int
    warnings: list[str] = field(default_factory=list)


def summary_of(text: str) -> str:
    """The first line of ``text``, cut to :data:`SUMMARY_CHARS` characters."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= SUMMARY_CHARS else first[: SUMMARY_CHARS - 1] + "…"


class ExportService:
    """Exports from ``store``; ``clock`` stamps the calendar."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    @classmethod
    def from_context(cls, ctx: AppContext) -> ExportService:
        """The service for an :class:`app.context.AppContext`."""
        return cls(ctx.store, ctx.clock)

    # -- selection ------------------------------------------------------------------
    def planned(self, flt: ExportFilter, *, pending_only: bool = False) -> list[Post]:
        """Posts with a time in the filter's range (by time), not cancelled for the account.

        ``pending_only`` keeps posts that still have a delivery to publish.
        """
        lo, hi = flt.bounds()
        out = []
        for post in self.store.list_posts():
            if post.due_at is None or (lo and post.due_at < lo) or (hi and post.due_at >= hi):
                continue
            if flt.campaign_id is not None and post.campaign_id != flt.campaign_id:
                continue
            live = [
                d
                for d in post.deliveries
                if d.state != S.CANCELLED
                and (flt.account_id is None or d.account_id == flt.account_id)
            ]
            if not live or (pending_only and not any(d.state in PENDING for d in live)):
                continue
            out.append(post)
        return out

    def _accounts(self) -> dict[int, Account]:
        return {a.id: a for a in self.store.list_accounts()}

    def _campaign_names(self) -> dict[int, str]:
        return {c.id: c.name for c in self.store.list_campaigns()}

    # -- formats --------------------------------------------------------------------
    def ics(self, flt: ExportFilter, *, name: str = "Pregonero") -> ExportResult:
        """iCalendar of the planned (and published) posts in the filter."""
        accounts = self._accounts()
        campaigns = self._campaign_names()
        now = self.clock.now()
        events = []
        for post in self.planned(flt):
            assert post.due_at is not None
            live = [
                d
                for d in post.deliveries
                if d.state != S.CANCELLED
                and (flt.account_id is None or d.account_id == flt.account_id)
            ]
            lines = [post.text, ""]
            for d in live:
                acc = accounts.get(d.account_id)
                label = (
                    f"{acc.name} ({NETWORKS[acc.network].label})"
                    if acc and acc.network in NETWORKS
                    else (acc.name if acc else str(d.account_id))
                )
                line = f"{label}: {d.state.label}"
                if d.permalink:
                    line += f" {d.permalink}"
                lines.append(line)
            if post.link:
                lines.append(_("Link: {url}").format(url=post.link))
            campaign = campaigns.get(post.campaign_id) if post.campaign_id else None
            if campaign:
                lines.append(_("Campaign: {name}").format(name=campaign))
            permalink = next((d.permalink for d in live if d.permalink), None)
            all_draft = all(d.state == S.DRAFT for d in live)
            events.append(
                ics.Event(
                    uid=f"post-{post.id}-{int(post.created_at.timestamp())}@pregonero",
                    start=post.due_at,
                    end=post.due_at + timedelta(minutes=EVENT_MINUTES),
                    summary=summary_of(post.text) or _("(photo without text)"),
                    description="\n".join(lines).strip(),
                    stamp=now,
                    last_modified=post.updated_at,
                    url=permalink,
                    categories=(campaign,) if campaign else (),
                    status="TENTATIVE" if all_draft else "CONFIRMED",
                )
            )
        return ExportResult(ics.calendar(events, name=name), len(events))

    def history_csv(self, flt: ExportFilter) -> ExportResult:
        """CSV (UTF-8 with BOM, for Excel) of every published delivery in the filter.

        Columns: :data:`HISTORY_HEADER`; ``published_at`` is ISO-8601 UTC,
        ``published_local`` ``YYYY-MM-DD HH:MM`` in the post's zone.
        """
        lo, hi = flt.bounds()
        accounts = self._accounts()
        campaigns = self._campaign_names()
        lines: list[tuple[datetime, list[str]]] = []
        for post in self.store.list_posts():
            if flt.campaign_id is not None and post.campaign_id != flt.campaign_id:
                continue
            for d in post.deliveries:
                when = d.published_at
                if d.state != S.PUBLISHED or when is None:
                    continue
                if flt.account_id is not None and d.account_id != flt.account_id:
                    continue
                if (lo and when < lo) or (hi and when >= hi):
                    continue
                acc = accounts.get(d.account_id)
                lines.append(
                    (
                        when,
                        [
                            when.astimezone(UTC).isoformat(timespec="seconds"),
                            when.astimezone(zone(post.tz)).strftime("%Y-%m-%d %H:%M"),
                            acc.name if acc else "",
                            acc.network if acc else "",
                            str(post.id),
                            post.text,
                            post.link or "",
                            d.permalink or "",
                            d.remote_id or "",
                            campaigns.get(post.campaign_id, "") if post.campaign_id else "",
                        ],
                    )
                )
        lines.sort(key=lambda item: item[0])
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HISTORY_HEADER)
        writer.writerows(cells for _when, cells in lines)
        return ExportResult(out.getvalue().encode("utf-8-sig"), len(lines))

    def hootsuite(self, flt: ExportFilter, *, date_order: DateOrder = "dmy") -> ExportResult:
        """Hootsuite bulk CSV of the posts still to publish (local times in ``flt.tz``)."""
        posts = self.planned(flt, pending_only=True)
        warnings = _media_warnings(posts, "Hootsuite")
        rows = [(_local(p, flt.tz), p.text, p.link) for p in posts]
        return ExportResult(hootsuite.write(rows, date_order), len(rows), warnings)

    def buffer(self, flt: ExportFilter) -> ExportResult:
        """Buffer CSV of the posts still to publish (local times in ``flt.tz``)."""
        posts = self.planned(flt, pending_only=True)
        warnings = _media_warnings(posts, "Buffer")
        rows: list[tuple[datetime | None, str, str | None]] = []
        for p in posts:
            text = p.text
            if p.link and p.link not in text:
                text = f"{text}\n{p.link}".strip()
            rows.append((_local(p, flt.tz), text, None))
        return ExportResult(buffer.write(rows), len(rows), warnings)


def _local(post: Post, tz: str) -> datetime:
    assert post.due_at is not None
    return post.due_at.astimezone(zone(tz)).replace(tzinfo=None)


def _media_warnings(posts: list[Post], tool: str) -> list[str]:
    with_media = [p.id for p in posts if p.media]
    if not with_media:
        return []
    return [
        ngettext(
            "{n} post has photos; {tool}'s CSV needs public image addresses, so the "
            "photos were left out (post {ids}).",
            "{n} posts have photos; {tool}'s CSV needs public image addresses, so the "
            "photos were left out (posts {ids}).",
            len(with_media),
        ).format(n=len(with_media), tool=tool, ids=", ".join(f"#{i}" for i in with_media[:20]))
    ]
