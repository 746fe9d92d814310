"""Secrets (access tokens, client secrets) live only in the OS keyring.

The database keeps only the keyring *user name* of each secret. The backend is the
one ``keyring`` picks, so ``PYTHON_KEYRING_BACKEND`` is respected. When no usable
backend exists, :class:`CredentialsError` says how to fix it; a plaintext-file
backend is never used unless the user selected it explicitly.
"""

from __future__ import annotations

import os

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.errors import CredentialsError
from app.i18n import _

SERVICE = "Pregonero"

_PLAINTEXT_BACKENDS = ("PlaintextKeyring", "EncryptedKeyring", "UncryptedFileKeyring")


def _backend_names(backend: KeyringBackend) -> list[str]:
    inner = getattr(backend, "backends", None)
    if inner:
        return [type(b).__name__ for b in inner]
    return [type(backend).__name__]


def ensure_usable() -> KeyringBackend:
    """Return the keyring backend in use, or raise CredentialsError with how to fix it."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - e.g. a misspelled PYTHON_KEYRING_BACKEND
        raise CredentialsError(
            _(
                "The keyring named in PYTHON_KEYRING_BACKEND ({name}) cannot be loaded: {why}. "
                "Correct or remove that variable."
            ).format(name=os.environ.get("PYTHON_KEYRING_BACKEND", ""), why=type(exc).__name__)
        ) from None
    if type(backend).__module__.startswith("keyring.backends.null"):
        raise CredentialsError(
            _(
                "The selected keyring (keyring.backends.null) keeps nothing, so access tokens "
                "would be lost. Choose a real keyring in PYTHON_KEYRING_BACKEND, or remove it."
            )
        )
    names = _backend_names(backend)
    explicit = bool(os.environ.get("PYTHON_KEYRING_BACKEND"))
    chained = getattr(backend, "backends", None)
    if type(backend).__module__.startswith("keyring.backends.fail") or chained == []:
        raise CredentialsError(
            _(
                "No system keyring is available to keep access tokens safe. Install and unlock "
                "one (GNOME Keyring or KWallet on Linux; it is built into Windows and macOS), "
                "or choose a backend with the PYTHON_KEYRING_BACKEND environment variable."
            )
        )
    if not explicit and any(n in _PLAINTEXT_BACKENDS for n in names):
        raise CredentialsError(
            _(
                "The only keyring found stores secrets in a plain file ({backend}); Pregonero "
                "will not use it. Install a system keyring, or set PYTHON_KEYRING_BACKEND "
                "to choose one on purpose."
            ).format(backend=", ".join(names))
        )
    return backend


class CredentialStore:
    """Reads and writes secrets under the keyring service ``Pregonero``.

    ``user`` is a stable name such as ``facebook:1234567890`` (network and remote id).
    Raises CredentialsError when the keyring cannot be used or a secret is missing.
    """

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def check(self) -> None:
        """Raise CredentialsError now if secrets could not be kept (before asking for one)."""
        ensure_usable()

    def set(self, user: str, secret: str) -> None:
        """Store ``secret`` for ``user``, replacing any earlier one."""
        ensure_usable()
        try:
            keyring.set_password(self.service, user, secret)
        except keyring.errors.KeyringError as exc:
            raise CredentialsError(
                _("The keyring refused to store the secret: {why}").format(why=type(exc).__name__)
            ) from None

    def get(self, user: str) -> str:
        """The secret of ``user``. Raises CredentialsError if it is not there."""
        ensure_usable()
        try:
            value = keyring.get_password(self.service, user)
        except keyring.errors.KeyringError as exc:
            raise CredentialsError(
                _("The keyring could not be read: {why}").format(why=type(exc).__name__)
            ) from None
        if not value:
            raise CredentialsError(
                _(
                    "The access token of {account} is not in the keyring; connect the account "
                    "again."
                ).format(account=user)
            )
        return value

    def delete(self, user: str) -> None:
        """Forget the secret of ``user`` (no error if it was not there)."""
        ensure_usable()
        try:
            keyring.delete_password(self.service, user)
        except keyring.errors.PasswordDeleteError:
            pass
