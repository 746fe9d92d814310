"""Keyring backends for tests only (selected explicitly, never by Pregonero itself)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend


def _only_if_chosen(cls: type) -> float:
    """Viable only when named in PYTHON_KEYRING_BACKEND: discovery never picks a test backend."""
    if os.environ.get("PYTHON_KEYRING_BACKEND", "").endswith("." + cls.__name__):
        return 1.0
    raise RuntimeError("test backend: select it with PYTHON_KEYRING_BACKEND")


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: one process only."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805
        return _only_if_chosen(cls)

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class FileKeyring(KeyringBackend):
    """Secrets in ``$PREGONERO_TEST_KEYRING`` (JSON), shared by the subprocesses of a test.

    Test code only: end-to-end tests run several ``pregonero`` processes that must
    see the same secrets, and CI has no desktop keyring outside the Secret Service suite.
    """

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805
        return _only_if_chosen(cls)

    @property
    def _path(self) -> Path:
        return Path(os.environ["PREGONERO_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text()))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\0{username}", None)
        self._path.write_text(json.dumps(data))
