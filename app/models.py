"""Domain model: accounts, posts, media, deliveries and their states.

A post fans out to one delivery per (post, account). All datetimes are aware UTC;
``Post.tz`` is the IANA zone the user meant when choosing the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from app.i18n import N_, _


class DeliveryState(StrEnum):
    """Where one (post, account) delivery stands. See docs/architecture.md "States"."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    MISSED = "missed"
    BLOCKED = "blocked"
    HANDED_OFF = "handed_off"
    CANCELLED = "cancelled"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        """The state's name in the user's language."""
        return _(STATE_LABELS[self])


STATE_LABELS: dict[DeliveryState, str] = {
    DeliveryState.DRAFT: N_("Draft"),
    DeliveryState.SCHEDULED: N_("Scheduled"),
    DeliveryState.PUBLISHING: N_("Publishing…"),
    DeliveryState.PUBLISHED: N_("Published"),
    DeliveryState.FAILED: N_("Failed"),
    DeliveryState.UNCONFIRMED: N_("Unconfirmed"),
    DeliveryState.MISSED: N_("Missed"),
    DeliveryState.BLOCKED: N_("Blocked"),
    DeliveryState.HANDED_OFF: N_("Handed off"),
    DeliveryState.CANCELLED: N_("Cancelled"),
    DeliveryState.PAUSED: N_("Paused"),
}

S = DeliveryState
#: Every allowed transition; anything else is a bug and raises.
TRANSITIONS: dict[DeliveryState, frozenset[DeliveryState]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset(
        {
            S.PUBLISHING,
            S.DRAFT,
            S.CANCELLED,
            S.MISSED,
            S.BLOCKED,
            S.PAUSED,
            S.SCHEDULED,
            S.HANDED_OFF,
            S.FAILED,  # refused while preparing ahead: the user sees it before its time
        }
    ),
    S.PUBLISHING: frozenset(
        {S.PUBLISHED, S.FAILED, S.UNCONFIRMED, S.SCHEDULED, S.BLOCKED, S.MISSED, S.HANDED_OFF}
    ),
    S.UNCONFIRMED: frozenset(
        {S.PUBLISHED, S.SCHEDULED, S.FAILED, S.UNCONFIRMED, S.MISSED, S.HANDED_OFF}
    ),
    S.MISSED: frozenset({S.SCHEDULED, S.CANCELLED, S.DRAFT}),
    S.BLOCKED: frozenset({S.SCHEDULED, S.CANCELLED, S.DRAFT, S.MISSED}),
    S.FAILED: frozenset({S.SCHEDULED, S.DRAFT, S.CANCELLED}),
    S.PAUSED: frozenset({S.SCHEDULED, S.CANCELLED, S.DRAFT}),
    # A network holds it: it goes out by itself (published), is taken back (scheduled,
    # paused, draft, cancelled), moved there (handed_off) or lost by the network (failed).
    S.HANDED_OFF: frozenset(
        {S.PUBLISHED, S.CANCELLED, S.SCHEDULED, S.PAUSED, S.DRAFT, S.HANDED_OFF, S.FAILED}
    ),
    S.PUBLISHED: frozenset(),
    S.CANCELLED: frozenset({S.DRAFT}),
}

#: States in which the post's content may still be edited. A ``handed_off`` delivery is
#: edited on the network too (see app/services/handoff.py).
EDITABLE = frozenset(
    {S.DRAFT, S.SCHEDULED, S.MISSED, S.BLOCKED, S.FAILED, S.PAUSED, S.CANCELLED, S.HANDED_OFF}
)
#: States that need the user's attention.
PROBLEMS = frozenset({S.FAILED, S.MISSED, S.BLOCKED, S.UNCONFIRMED})


@dataclass
class Account:
    """A connected channel (for now: a Facebook Page). The token is in the keyring only."""

    id: int
    network: str
    name: str
    remote_id: str
    display_name: str
    keyring_user: str
    status: str  # "ok" | "needs_reconnect"
    status_reason: str
    created_at: datetime
    kind: str = ""  # "page" | "instagram" | "organization" | "member" | "user" | "channel"
    picture_url: str = ""
    token_expires_at: datetime | None = None  # None = does not expire / unknown
    scopes: frozenset[str] = frozenset()  # permissions granted at sign-in
    last_ok_at: datetime | None = None  # last successful call to the network
    options: dict[str, Any] = field(default_factory=dict)  # per-account settings (JSON)


@dataclass
class MediaFile:
    """A media file attached to a post: Pregonero's own copy at ``path``; size in bytes."""

    id: int
    post_id: int
    position: int
    path: str
    original_name: str
    sha256: str
    size_bytes: int
    mime: str
    width: int | None
    height: int | None
    alt_text: str
    network: str = ""  # "" = shared by every network; else only that network's variant


@dataclass
class PostVariant:
    """One network's version of a post (``post_variants`` row + its own media).

    ``text``/``link`` None = use the post's main text/link (``link`` "" = no link);
    ``own_media`` True = :attr:`media` (media rows of this network) replace the post's
    shared media; ``options`` is the JSON form of :class:`app.networks.base.PostOptions`
    (see :func:`app.storage.variants.options_from_json`).
    """

    network: str
    text: str | None = None
    link: str | None = None
    own_media: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    media: list[MediaFile] = field(default_factory=list)


@dataclass
class Delivery:
    """One post to one account. ``due_at`` is when the next attempt is due (aware UTC)."""

    id: int
    post_id: int
    account_id: int
    state: DeliveryState
    due_at: datetime | None
    attempts: int
    claimed_at: datetime | None
    published_at: datetime | None
    remote_id: str | None
    permalink: str | None
    last_error: str
    updated_at: datetime
    progress: dict[str, Any] = field(default_factory=dict)  # resumable work (JSON)


@dataclass
class DeliveryEvent:
    """One line of the append-only publication record."""

    id: int
    delivery_id: int
    at: datetime
    from_state: DeliveryState | None
    to_state: DeliveryState
    reason: str
    detail: str


@dataclass
class Campaign:
    """A named set of posts (e.g. "Plan de Formación 2027") with its key dates."""

    id: int
    name: str
    key_dates: list[KeyDate] = field(default_factory=list)


@dataclass
class KeyDate:
    """A campaign's named date (e.g. "apertura_plazo" = 2027-01-18), a calendar date."""

    id: int
    campaign_id: int
    name: str
    date: date


@dataclass
class Post:
    """A post: text, optional link, media and the deliveries it fans out to.

    A post may belong to a campaign and be pinned to one of its key dates:
    ``pin_offset_days`` days from it (negative = before) at local ``pin_time``
    ("HH:MM") in ``tz``. ``language`` is "es", "ca", "en" or "" (unknown).
    ``import_key`` identifies the imported row it came from (re-imports skip it).
    ``review_note`` is non-empty when a move left the text naming the old date.
    """

    id: int
    text: str
    link: str | None
    due_at: datetime | None
    tz: str
    created_at: datetime
    updated_at: datetime
    campaign_id: int | None = None
    pin_key_date_id: int | None = None
    pin_offset_days: int | None = None
    pin_time: str | None = None
    language: str = ""
    import_key: str | None = None
    review_note: str = ""
    media: list[MediaFile] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    #: Per-network versions, by network key ("x", "youtube"...); media of a variant are
    #: in the variant, never in :attr:`media` (the shared ones).
    variants: dict[str, PostVariant] = field(default_factory=dict)

    def variant(self, network: str) -> PostVariant | None:
        """The variant for ``network`` or None (then everything is the main post's)."""
        return self.variants.get(network)

    @property
    def state(self) -> DeliveryState:
        """The post's overall state, derived from its deliveries (problems first)."""
        states = [d.state for d in self.deliveries]
        if not states:
            return S.DRAFT
        for s in (
            S.FAILED,
            S.BLOCKED,
            S.MISSED,
            S.UNCONFIRMED,
            S.PUBLISHING,
            S.SCHEDULED,
            S.HANDED_OFF,
            S.PAUSED,
            S.DRAFT,
            S.PUBLISHED,
        ):
            if s in states:
                return s
        return states[0]
