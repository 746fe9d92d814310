"""What the checks take and what they return.

A :class:`Finding` is one thing the checker noticed about a post. Spans are
``(start, end)`` offsets in Python ``str`` indices (Unicode code points) into the
post's text, end exclusive, so ``text[start:end]`` is the quoted part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from app.errors import Problem

Severity = Literal["error", "warning"]
"""``"error"`` blocks scheduling unless the user overrides it; ``"warning"`` only informs."""

ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    * ``code``: stable identifier for tests, logs and overrides (``"date_weekday_mismatch"``).
    * ``severity``: ``"error"`` or ``"warning"``.
    * ``message``: already translated into the user's language.
    * ``span``: ``(start, end)`` code-point offsets into the text, or ``None`` when the
      finding concerns no particular part of it (media, link field, the whole text).
    * ``field``: what it concerns: ``"text"``, ``"media:N"`` (0-based), ``"link"``.
    * ``suggestion``: replacement text for ``span`` when one fix is obvious (for
      ``field="text"``), or a short hint (for other fields); ``None`` otherwise.
    * ``network``: the target network key the finding is about, ``None`` if all.
    * ``fix``: a machine code for a fix the UI can offer on a media file, or ``None``:
      ``"fit_aspect:<low>:<high>"`` (pad or crop, see :mod:`app.media_fit`) or
      ``"convert_rgb"`` (write an sRGB JPEG copy).
    """

    code: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None
    field: str = "text"
    suggestion: str | None = None
    network: str | None = None
    fix: str | None = None

    @property
    def is_error(self) -> bool:
        """True for findings that block scheduling."""
        return self.severity == ERROR

    def quote(self, text: str) -> str:
        """The part of ``text`` the finding points at (empty without a span)."""
        if self.span is None:
            return ""
        start, end = self.span
        return text[start:end]

    def to_problem(self) -> Problem:
        """The finding as an :class:`app.errors.Problem` (for ValidationError)."""
        return Problem(self.code, self.message, self.field)


@dataclass(frozen=True)
class MediaItem:
    """An attached file and its alt text (``""`` when none was written)."""

    path: Path
    alt: str = ""


@dataclass(frozen=True)
class KeyDate:
    """The campaign key date a post is pinned to: ``name`` ("apertura_plazo") and ``day``."""

    name: str
    day: date
    campaign: str = ""
