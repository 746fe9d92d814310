"""One window per data folder: the local server/socket helper (two QApplications in one
process are not possible, so the "second launch" is a second SingleInstance)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.single_instance import SingleInstance, ask_running_instance, bring_forward, server_name


def test_name_depends_on_the_data_folder(tmp_path: Path) -> None:
    a, b = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert a != b and a.startswith("pregonero-") and "/" not in a
    assert server_name(tmp_path / "a" / ".." / "a") == a
    assert len(a) < 40  # short enough for a Unix socket path


def test_second_launch_activates_the_first(qtbot: QtBot, tmp_path: Path, qapp: Any) -> None:
    first = SingleInstance(tmp_path / "home")
    assert first.claim()
    try:
        second = SingleInstance(tmp_path / "home")
        with qtbot.waitSignal(first.activated, timeout=3000):
            assert not second.claim()
        assert second.server is None
        # Another data folder is another instance.
        other = SingleInstance(tmp_path / "other")
        assert other.claim()
        other.close()
    finally:
        first.close()
    assert not ask_running_instance(first.name)  # closed: nobody answers


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")
def test_a_stale_socket_left_by_a_crash_is_replaced(
    qtbot: QtBot, tmp_path: Path, qapp: Any
) -> None:
    name = server_name(tmp_path / "crashed")
    stale = Path(QDir.tempPath()) / name
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(stale))  # bound, never listening: what a killed process leaves
    dead.close()
    assert stale.exists()
    instance = SingleInstance(tmp_path / "crashed")
    try:
        assert instance.claim()
        assert instance.server is not None and instance.server.isListening()
        assert ask_running_instance(name)
    finally:
        instance.close()


def test_bring_forward_shows_a_hidden_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    window.hide()
    bring_forward(window)
    assert window.isVisible() and not window.isMinimized()


def test_a_second_window_launch_only_activates_the_first(
    qtbot: QtBot, isolated_home: Path, qapp: Any
) -> None:
    from app import paths
    from ui import main as main_module

    first = SingleInstance(paths.home())
    assert first.claim()
    try:
        with qtbot.waitSignal(first.activated, timeout=3000):
            assert main_module.main([]) == 0  # returns at once: no database, no window
    finally:
        first.close()
    assert main_module.parse_args(["--minimized"]).minimized
