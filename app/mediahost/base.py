"""The media host interface (see :mod:`app.mediahost`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class HostedMedia:
    """A file put on a host: the ``public_url`` Instagram fetches and the ``handle`` that
    deletes it (a JSON-able string kept in ``deliveries.progress`` for clean-up)."""

    public_url: str
    handle: str


class MediaHost(ABC):
    """Puts a local file where anyone can download it, and removes it afterwards.

    Errors: :class:`app.errors.AuthExpired` (credentials refused),
    :class:`app.errors.Transient`, :class:`app.errors.Rejected` (file refused),
    :class:`app.errors.RateLimited`.
    """

    kind: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def put(self, path: Path, mime: str) -> HostedMedia:
        """Upload ``path`` (``mime`` e.g. ``"image/jpeg"``) and return its public URL and
        handle. A lost answer raises Transient: an orphan file is harmless (no post)."""

    @abstractmethod
    def delete(self, handle: str) -> None:
        """Delete what ``handle`` names; no error when it is already gone."""
