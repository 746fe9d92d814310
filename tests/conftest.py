"""Shared fixtures: an isolated data folder, an in-memory keyring, English messages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app import i18n
from tests.support.memkeyring import MemoryKeyring

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "samples"
FIXTURES = SHARED / "fixtures"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """Every test gets its own PREGONERO_HOME, English messages and a memory keyring.

    Tests marked ``secretservice`` keep the real default keyring instead.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("PREGONERO_HOME", str(home))
    monkeypatch.setenv("PREGONERO_LANG", "en")
    monkeypatch.delenv("PREGONERO_FACEBOOK_API", raising=False)
    i18n.set_language("en")
    if request.node.get_closest_marker("secretservice"):
        yield home
        return
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.memkeyring.MemoryKeyring")
    yield home
    keyring.set_keyring(previous)


@pytest.fixture
def samples() -> Path:
    """The shared sample posts and media."""
    return SAMPLES
