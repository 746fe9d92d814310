"""The one interface every network client implements.

A client is built for one connected account (a Facebook Page, later an X user...)
with its access token, and does only HTTP: it never touches the store, the
keyring or the clock of the scheduler. The publishing service is its only caller.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from app.errors import Problem, Rejected
from app.i18n import _


@dataclass(frozen=True)
class Limits:
    """Declared limits of one network (sizes in bytes). Source: shared docs/platforms.md."""

    max_chars: int
    max_images: int
    image_max_bytes: int
    image_formats: frozenset[str]  # Pillow format names: "JPEG", "PNG", ...
    min_schedule_lead_seconds: int = 0


@dataclass(frozen=True)
class OutgoingMedia:
    """A media file ready to upload: a local copy owned by Pregonero (size in bytes).

    ``width``/``height`` are pixels (None when unknown); ``duration_seconds`` is set for
    audio/video read from the file.
    """

    path: Path
    alt_text: str
    mime: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None

    @property
    def is_video(self) -> bool:
        """True for ``video/*`` files."""
        return self.mime.startswith("video/")


@dataclass(frozen=True)
class PostOptions:
    """Network-specific choices of one post's variant (all optional; defaults = plain post).

    * ``kind``: ``"feed"`` (default), ``"reel"`` (Facebook/Instagram reel), ``"story"``
      (Instagram story), ``"video"`` (a Facebook Page video; a YouTube upload is always one).
    * ``title``: YouTube video title, Facebook video title, LinkedIn document/video title.
    * ``tags``: YouTube tags; ``category_id``: YouTube category (``"22"`` People & Blogs).
    * ``privacy``: YouTube ``"public"`` | ``"unlisted"`` | ``"private"``.
    * ``made_for_kids``: YouTube ``selfDeclaredMadeForKids``.
    * ``thumbnail``: a local image for the YouTube thumbnail; ``playlist_id``: YouTube.
    * ``first_comment``: Facebook: posted as the Page right after the post.
    * ``thread``: X: the following parts, each published as a reply to the previous one.
    * ``share_to_feed``: Instagram reel also shown in the feed.
    """

    kind: str = "feed"
    title: str = ""
    tags: tuple[str, ...] = ()
    category_id: str = ""
    privacy: str = "public"
    made_for_kids: bool = False
    thumbnail: Path | None = None
    playlist_id: str = ""
    first_comment: str = ""
    thread: tuple[str, ...] = ()
    share_to_feed: bool = True


class Progress:
    """Resumable work of one delivery, kept in the store between calls and restarts.

    ``data`` is a JSON-able dict the client owns (Instagram container ids, a YouTube
    upload session URI and confirmed byte, X media ids...). A client calls :meth:`save`
    right after the network gives it something it must not lose (e.g. a session URI), and
    before its next network call; the publishing service persists it to
    ``deliveries.progress``. Outside the service (tests) saving does nothing.
    """

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        saver: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.data: dict[str, Any] = dict(data or {})
        self._saver = saver

    def save(self) -> None:
        """Persist :attr:`data` now (no-op without a saver)."""
        if self._saver is not None:
            self._saver(dict(self.data))

    def __repr__(self) -> str:
        return f"<Progress {sorted(self.data)}>"


@dataclass(frozen=True)
class OutgoingPost:
    """What one delivery sends: text, an optional link, media in order, options.

    ``due_at`` is the aware UTC instant the post is meant to go out; ``claimed_at``
    the aware UTC instant the publishing attempt started (used to reconcile).
    ``text``/``link``/``media`` are already the network's variant when one exists.
    ``progress`` carries the delivery's resumable work (see :class:`Progress`).
    """

    text: str
    link: str | None = None
    media: tuple[OutgoingMedia, ...] = ()
    due_at: datetime | None = None
    claimed_at: datetime | None = None
    options: PostOptions = field(default_factory=PostOptions)
    progress: Progress = field(default_factory=Progress, compare=False)


@dataclass(frozen=True)
class TokenSet:
    """Tokens from a sign-in or a refresh. Secrets: never log, print or store outside
    the keyring. ``expires_at`` is aware UTC (None = no expiry known / never);
    ``scopes`` are the granted permissions as the network names them."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    scopes: frozenset[str] = frozenset()

    def __repr__(self) -> str:  # never show a token
        return f"<TokenSet expires_at={self.expires_at} scopes={sorted(self.scopes)}>"


@dataclass(frozen=True)
class DiscoveredAccount:
    """An account a signed-in user can add (a Page, an organization, a channel...).

    ``network`` is the registry key of the client that publishes to it (an Instagram
    account found through Facebook sign-in has ``network="instagram"``);
    ``remote_id`` what that client takes as ``remote_id`` (Page id, IG user id,
    ``urn:li:organization:123`` / ``urn:li:person:abc``, X user id, YouTube channel id);
    ``token`` the tokens that account publishes with (a Page token for a Page).
    ``kind``: "page" | "instagram" | "organization" | "member" | "user" | "channel".
    ``missing_scopes``: permissions the account needs that were not granted.
    """

    network: str
    remote_id: str
    name: str
    kind: str
    token: TokenSet
    picture_url: str = ""
    missing_scopes: frozenset[str] = frozenset()
    note: str = ""  # e.g. "linked to the Page X"; shown in the picker


@dataclass(frozen=True)
class RemoteComment:
    """A comment or reply read from a network (times aware UTC).

    ``parent_remote_id`` is the comment it answers (None for a top-level comment);
    ``is_own`` is True when the account itself wrote it (a reply of ours).
    """

    remote_id: str
    post_remote_id: str
    parent_remote_id: str | None
    author_name: str
    author_id: str
    text: str
    created_at: datetime
    permalink: str = ""
    is_own: bool = False


@dataclass(frozen=True)
class CommentPage:
    """One page of comments, oldest-first or as the network gives them; ``next_cursor``
    None when there are no more pages."""

    comments: tuple[RemoteComment, ...]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Published:
    """Result of a publish: the network's id for the post and its public permalink."""

    remote_id: str
    permalink: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountInfo:
    """What the network says about the account a token belongs to."""

    remote_id: str
    name: str


class Network(ABC):
    """A connected account's client. Subclasses set ``key``, ``label`` and ``limits``.

    Errors raised by every method: :class:`app.errors.AuthExpired`,
    :class:`app.errors.RateLimited`, :class:`app.errors.Transient`,
    :class:`app.errors.Rejected` (and :class:`app.errors.Duplicate`),
    :class:`app.errors.UnknownOutcome` (only by calls that create something).
    """

    key: ClassVar[str]
    label: ClassVar[str]
    limits: ClassVar[Limits]

    def __init__(
        self, remote_id: str, token: str, *, base_url: str | None = None, timeout: float = 30.0
    ) -> None:
        self.remote_id = remote_id
        self._token = token
        self.base_url = base_url
        self.timeout = timeout

    def __repr__(self) -> str:  # never show the token
        return f"<{type(self).__name__} {self.remote_id}>"

    @classmethod
    def count_chars(cls, text: str) -> int:
        """Length of ``text`` as this network counts it (default: Unicode code points)."""
        return len(text)

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Offline checks of text length and media count against :attr:`limits`."""
        problems: list[Problem] = []
        n = cls.count_chars(post.text)
        if n > cls.limits.max_chars:
            problems.append(
                Problem(
                    "text_too_long",
                    _("The text has {n} characters; {network} allows at most {limit}.").format(
                        n=n, network=cls.label, limit=cls.limits.max_chars
                    ),
                    "text",
                )
            )
        if len(post.media) > cls.limits.max_images:
            problems.append(
                Problem(
                    "too_many_media",
                    _("{network} takes at most {limit} photos in one post.").format(
                        network=cls.label, limit=cls.limits.max_images
                    ),
                    "media",
                )
            )
        return problems

    @abstractmethod
    def verify(self) -> AccountInfo:
        """Check the token against the network and return who it belongs to."""

    @abstractmethod
    def publish(self, post: OutgoingPost) -> Published:
        """Publish now. May raise UnknownOutcome: then call :meth:`find_published`."""

    @abstractmethod
    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """Look on the network for ``post`` created at or after ``since`` (aware UTC).

        Used after a timeout to decide between "already published" and "retry".
        """

    # ------------------------------------------------------------ sign-in discovery

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """Accounts the signed-in user behind ``token`` can add (Pages, organizations...).

        Raises AuthExpired, Transient, Rejected. Default: not supported.
        """
        raise Rejected(cls._unsupported(_("sign-in")), code="unsupported")

    required_scopes: ClassVar[frozenset[str]] = frozenset()
    """Permissions this client needs to publish (compared with the granted ones)."""

    # ------------------------------------------------------ preparing ahead of time

    prepare_lead_seconds: ClassVar[int] = 0
    """How long before ``due_at`` :meth:`prepare` should start (0 = nothing to prepare)."""

    def prepare(self, post: OutgoingPost) -> bool:
        """Do the slow part ahead of time (upload, container processing), keeping what
        must survive in ``post.progress``. Idempotent: resumes from ``progress``.

        Returns True when ready to publish. Raises the usual network errors.
        """
        return True

    # ------------------------------------------------------------ native hand-off

    supports_handoff: ClassVar[bool] = False
    handoff_min_seconds: ClassVar[int] = 0
    """Earliest a hand-off may be scheduled, in seconds ahead of now."""
    handoff_max_seconds: ClassVar[int] = 0
    """Latest a hand-off may be scheduled, in seconds ahead of now."""

    def hand_off(self, post: OutgoingPost, publish_at: datetime) -> Published:
        """Give ``post`` to the network to publish by itself at ``publish_at`` (aware UTC).

        Returns the remote id (the permalink may be empty until it is live). May raise
        UnknownOutcome; reconcile with :meth:`find_published`.
        """
        raise Rejected(self._unsupported(_("scheduling on the network")), code="unsupported")

    def update_hand_off(self, remote_id: str, post: OutgoingPost, publish_at: datetime) -> None:
        """Move a handed-off post to ``publish_at`` (and update its text where allowed)."""
        raise Rejected(self._unsupported(_("scheduling on the network")), code="unsupported")

    def cancel_hand_off(self, remote_id: str) -> None:
        """Delete a handed-off post that is not live yet (no error if already gone)."""
        raise Rejected(self._unsupported(_("scheduling on the network")), code="unsupported")

    def hand_off_status(self, remote_id: str) -> Published | None:
        """The live post (with permalink) once the network published it; None while waiting.

        Raises Rejected with code ``"handoff_gone"`` if the network no longer has it.
        """
        raise Rejected(self._unsupported(_("scheduling on the network")), code="unsupported")

    # ------------------------------------------------------------------- comments

    supports_comments: ClassVar[bool] = False
    supports_hide: ClassVar[bool] = False

    def recent_posts(self, limit: int = 10) -> list[str]:
        """Remote ids of the account's most recent posts (newest first)."""
        raise Rejected(self._unsupported(_("comments")), code="unsupported")

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """One page of comments and replies on ``post_remote_id``, from ``cursor``."""
        raise Rejected(self._unsupported(_("comments")), code="unsupported")

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """Reply to ``comment`` as the account; returns the reply's remote id.

        Raises Rejected with code ``"reply_not_allowed"`` where the network refuses
        (X's summon rule), UnknownOutcome when the answer was lost (then call
        :meth:`find_reply`).
        """
        raise Rejected(self._unsupported(_("comments")), code="unsupported")

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """The remote id of our reply ``text`` to ``comment`` made at or after ``since``."""
        raise Rejected(self._unsupported(_("comments")), code="unsupported")

    def hide_comment(self, comment: RemoteComment, hidden: bool = True) -> None:
        """Hide (or show again) ``comment`` where the network allows it."""
        raise Rejected(self._unsupported(_("hiding comments")), code="unsupported")

    @classmethod
    def _unsupported(cls, what: str) -> str:
        return _("{network} does not support {what} in Pregonero.").format(
            network=cls.label, what=what
        )
