"""The composition root: start-up errors in plain words, screenshots."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtGui import QImage

from app import i18n
from ui import main as main_module


@pytest.fixture
def startup_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(main_module, "show_startup_error", shown.append)
    return shown


def test_database_from_a_newer_version_is_explained(
    isolated_home: Path, qapp: object, startup_errors: list[str]
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    db = isolated_home / "pregonero.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE keep (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()

    assert main_module.main([]) == 1
    assert len(startup_errors) == 1
    assert "newer version of Pregonero" in startup_errors[0]
    conn = sqlite3.connect(db)  # nothing was migrated or lost
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["keep"]
    conn.close()


def test_missing_keyring_is_explained(
    isolated_home: Path, qapp: object, startup_errors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    assert main_module.main([]) == 1
    assert "No system keyring is available" in startup_errors[0]


def test_screenshot_option_saves_a_png(
    isolated_home: Path, qapp: object, tmp_path: Path, startup_errors: list[str]
) -> None:
    out = tmp_path / "shot.png"
    assert main_module.main(["--screenshot", str(out), "--size", "800x500"]) == 0
    assert startup_errors == []
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (800, 500)


def test_language_comes_from_the_settings_when_not_forced(
    isolated_home: Path,
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    startup_errors: list[str],
) -> None:
    from app.context import AppContext
    from app.settings import LANGUAGE

    ctx = AppContext()
    ctx.settings.set(LANGUAGE, "es")
    ctx.close()
    monkeypatch.delenv("PREGONERO_LANG")
    try:
        assert main_module.main(["--screenshot", str(tmp_path / "es.png")]) == 0
        assert i18n.current_language() == "es"
    finally:
        i18n.set_language("en")
