"""Error taxonomy of Pregonero (see shared docs/architecture.md, "Errors").

Every message is already translated into the user's language when the error is
raised, so ``str(err)`` can be shown as it is. Secrets never appear in messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class AppError(Exception):
    """Base of every error Pregonero expects; anything else is a bug."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a post or a value.

    ``code`` is stable (for tests and logs); ``message`` is translated;
    ``field`` names what it concerns ("text", "media:2", "when", "account").
    """

    code: str
    message: str
    field: str = ""


class ValidationError(AppError):
    """Input that cannot be accepted; ``problems`` says why, one per thing wrong."""

    def __init__(self, problems: Sequence[Problem] | str, code: str = "invalid") -> None:
        if isinstance(problems, str):
            problems = [Problem(code, problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.message for p in self.problems))


class StorageError(AppError):
    """The database cannot be used: disk full, locked, read-only, or from a newer version."""


class CredentialsError(AppError):
    """The OS keyring is unavailable, or a secret is missing from it."""


class NetworkError(AppError):
    """A network call failed. ``user_message`` is the network's own text for people, if any."""

    def __init__(self, message: str, *, user_message: str = "", code: str = "") -> None:
        super().__init__(message)
        self.user_message = user_message
        self.code = code


class AuthExpired(NetworkError):
    """The account's token is invalid or expired: the account needs reconnecting."""


class RateLimited(NetworkError):
    """The network asks us to slow down; retry after ``retry_after`` seconds.

    ``code="quota"``: the account's limit of posts published in 24 hours is reached
    (Instagram ``content_publishing_limit``), not a short burst of requests.
    """

    def __init__(self, message: str, *, retry_after: float = 60.0, **kw: str) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Transient(NetworkError):
    """A temporary failure (5xx, connection refused before sending): retry with backoff.

    ``answered`` is True when the network received the request and answered with a
    temporary error (HTTP 5xx, Graph ``is_transient``): a create call may still have
    gone through, so it is reconciled before being sent again.
    """

    answered: bool = False


class Rejected(NetworkError):
    """The network refused the content; retrying will not help. ``user_message`` says why."""


class Duplicate(Rejected):
    """The network says this post duplicates an earlier one: possibly already published."""


class UnknownOutcome(NetworkError):
    """The request was sent but no answer came: the post may exist. Reconcile, never resend."""
