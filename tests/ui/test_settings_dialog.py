"""Settings…: values persist, start at login writes the XDG entry, the backup buttons, and a
restore while this window's scheduler runs (stopped, restored, started again, publishing)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from app.autostart import Autostart
from app.backup import list_backups
from app.context import AppContext
from app.errors import StorageError
from app.models import Account, DeliveryState
from app.settings import BACKUPS_KEEP, GRACE_SECONDS, KEEP_RUNNING, LANGUAGE, TIMEZONE
from schedulers.lock import PublisherLock
from schedulers.runner import Runner
from tests.ui.conftest import Modals, StubFacebook
from ui import dialogs
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog, restore_while_running


@pytest.fixture(autouse=True)
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Start at login never touches the real ~/.config."""
    config = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url.toLocalFile()))
    )
    return urls


@pytest.fixture
def picked(monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """Files the next pick_open_file calls return."""
    answers: list[Path | None] = []
    monkeypatch.setattr(dialogs, "pick_open_file", lambda *a, **k: answers.pop(0))
    return answers


def make(qtbot: QtBot, ctx: AppContext, runner: Any = None) -> SettingsDialog:
    dialog = SettingsDialog(ctx, runner, Autostart("linux", ["/usr/bin/pregonero", "--minimized"]))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_defaults_are_shown(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = make(qtbot, ctx)
    assert dialog.grace_spin.value() == 10
    assert dialog.zone_combo.currentData() == "Europe/Madrid"  # set by the ctx fixture
    assert dialog.language_combo.currentData() == ""
    assert dialog.keep_running_box.isChecked()
    assert not dialog.autostart_box.isChecked()
    assert dialog.backups_spin.value() == 14


def test_values_persist(qtbot: QtBot, ctx: AppContext, xdg: Path) -> None:
    dialog = make(qtbot, ctx)
    dialog.grace_spin.setValue(45)
    dialog.zone_combo.setCurrentIndex(dialog.zone_combo.findData("Atlantic/Canary"))
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))
    dialog.keep_running_box.setChecked(False)
    dialog.autostart_box.setChecked(True)
    dialog.backups_spin.setValue(30)
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    settings = ctx.settings
    assert settings.get(GRACE_SECONDS) == "2700" and settings.grace_seconds == 2700
    assert settings.get(TIMEZONE) == "Atlantic/Canary"
    assert settings.get(LANGUAGE) == "es"
    assert settings.get(KEEP_RUNNING) == "0" and not settings.flag(KEEP_RUNNING)
    assert settings.get(BACKUPS_KEEP) == "30" and settings.backups_keep == 30
    entry = xdg / "autostart" / "pregonero.desktop"
    assert "/usr/bin/pregonero --minimized" in entry.read_text(encoding="utf-8")

    again = make(qtbot, ctx)
    assert again.grace_spin.value() == 45
    assert again.zone_combo.currentData() == "Atlantic/Canary"
    assert again.language_combo.currentText() == "Español"
    assert not again.keep_running_box.isChecked()
    assert again.autostart_box.isChecked() and again.backups_spin.value() == 30
    again.autostart_box.setChecked(False)
    again.zone_combo.setCurrentIndex(0)  # back to the computer's zone
    again.accept()
    assert not entry.exists()
    assert ctx.settings.get(TIMEZONE) == ""


def test_cancel_changes_nothing(qtbot: QtBot, ctx: AppContext, xdg: Path) -> None:
    dialog = make(qtbot, ctx)
    dialog.grace_spin.setValue(99)
    dialog.autostart_box.setChecked(True)
    dialog.reject()
    assert ctx.settings.get(GRACE_SECONDS) == "600"
    assert not (xdg / "autostart").exists()


def test_back_up_now_and_open_data_folder(
    qtbot: QtBot, ctx: AppContext, isolated_home: Path, opened: list[str]
) -> None:
    dialog = make(qtbot, ctx)
    path = dialog.back_up_now()
    assert path is not None and path in list_backups(ctx.store.path)
    assert "Backup written" in dialog.message.text()
    dialog.folder_button.click()
    assert opened == [str(isolated_home)]


def scheduled(ctx: AppContext, account: Account, text: str, when: datetime) -> int:
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.schedule(post.id, when)
    return post.id


@pytest.fixture
def runner(ctx: AppContext) -> Iterator[Runner]:
    run = Runner(ctx, sweep_seconds=0.3)
    run.start()
    yield run
    run.stop()


def test_backup_and_restore_round_trip_while_the_scheduler_runs(
    qtbot: QtBot,
    ctx: AppContext,
    account: Account,
    runner: Runner,
    modals: Modals,
    picked: list[Path | None],
) -> None:
    assert runner.is_publisher
    later = datetime.now(UTC) + timedelta(hours=3)
    scheduled(ctx, account, "Antes de la copia", later)
    dialog = make(qtbot, ctx, runner)
    backup = dialog.back_up_now()
    assert backup is not None
    scheduled(ctx, account, "Después de la copia", later)
    assert len(ctx.posts.list()) == 2

    picked.append(backup)
    modals.answers.append(0)  # "Restore"
    saved = dialog.restore()
    assert saved is not None and saved.exists() and "before-restore" in saved.name
    assert "Restored" in dialog.message.text()
    assert [p.text for p in ctx.posts.list()] == ["Antes de la copia"]
    assert "Replace all posts" in modals.questions[0][1]
    # The scheduler is back, still the publisher, and publishes on time.
    assert runner.started and runner.is_publisher
    post_id = scheduled(
        ctx, account, "Después de restaurar", datetime.now(UTC) + timedelta(seconds=1)
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if ctx.posts.get(post_id).deliveries[0].state == DeliveryState.PUBLISHED:
            break
        qtbot.wait(100)
    assert ctx.posts.get(post_id).deliveries[0].state == DeliveryState.PUBLISHED
    assert [p.text for p in StubFacebook.published] == ["Después de restaurar"]


def test_restore_cancelled_or_refused(
    qtbot: QtBot, ctx: AppContext, modals: Modals, picked: list[Path | None], tmp_path: Path
) -> None:
    dialog = make(qtbot, ctx)
    picked.append(None)
    assert dialog.restore() is None and modals.questions == []
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"nothing" * 100)
    picked.append(junk)
    modals.answers.append(0)
    assert dialog.restore() is None
    assert "not a Pregonero database" in dialog.message.text()


def test_restore_refused_while_another_process_publishes(ctx: AppContext, tmp_path: Path) -> None:
    from app import paths

    class Watching:
        """A runner that does not hold the publisher lock."""

        is_publisher = False

    with pytest.raises(StorageError, match="Close it before restoring"):
        restore_while_running(ctx, Watching(), tmp_path / "x.sqlite3")
    # Without a runner, the lock is taken for the restore: refused while someone holds it
    # (a second FileLock object in this process stands for another process).
    other = PublisherLock(paths.publisher_lock_path())
    assert other.try_acquire()
    try:
        with pytest.raises(StorageError, match="Close it before restoring"):
            restore_while_running(ctx, None, tmp_path / "x.sqlite3")
    finally:
        other.release()


def test_window_menus(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Any,
    account: Account,
    opened: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.show()
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export publication record…" in texts and "Settings…" in texts
    assert texts[-1] == "Quit"

    window.logs_action.trigger()
    assert opened[-1].endswith("logs")

    scheduled(ctx, account, "Registro", datetime.now(UTC) + timedelta(hours=1))
    target = tmp_path / "record.json"
    monkeypatch.setattr(dialogs, "pick_save_file", lambda *a, **k: target)
    window.record_action.trigger()
    assert target.read_text(encoding="utf-8").lstrip().startswith("[")
    assert "entries written to" in window.statusBar().currentMessage()

    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.reject()


def test_holiday_region_and_cooling_off_are_settings_a_user_can_change(
    qtbot: QtBot, ctx: AppContext, xdg: Path
) -> None:
    from app.settings import HOLIDAY_COUNTRY, HOLIDAY_SUBDIVISION

    dialog = make(qtbot, ctx)
    assert dialog.holiday_country.text() == "ES" and dialog.holiday_region.text() == "VC"
    dialog.holiday_region.setText("md")
    dialog.cooling_spin.setValue(15)
    assert dialog.save()
    assert ctx.settings.get(HOLIDAY_COUNTRY) == "ES"
    assert ctx.settings.get(HOLIDAY_SUBDIVISION) == "MD"
    assert ctx.settings.cooling_off_minutes == 15
