"""The one interface every network client implements.

A client is built for one connected account (a Facebook Page, later an X user...)
with its access token, and does only HTTP: it never touches the store, the
keyring or the clock of the scheduler. The publishing service is its only caller.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from app.errors import Problem


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
    """A media file ready to upload: a local copy owned by Pregonero."""

    path: Path
    alt_text: str
    mime: str
    size_bytes: int


@dataclass(frozen=True)
class OutgoingPost:
    """What one delivery sends: text, an optional link, media in order.

    ``due_at`` is the aware UTC instant the post is meant to go out; ``claimed_at``
    the aware UTC instant the publishing attempt started (used to reconcile).
    """

    text: str
    link: str | None = None
    media: tuple[OutgoingMedia, ...] = ()
    due_at: datetime | None = None
    claimed_at: datetime | None = None


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
        from app.i18n import _

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
