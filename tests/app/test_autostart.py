"""Start at login: the XDG entry for real (in a temporary XDG_CONFIG_HOME), the content of
the macOS LaunchAgent and of the Windows Run value (a fake registry, never the real one)."""

from __future__ import annotations

import plistlib
import shlex
from pathlib import Path
from typing import Any

import pytest

from app import autostart
from app.autostart import Autostart

ARGV = ["/opt/Pregonero ñ/pregonero", "--minimized"]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def exec_words(entry: str) -> list[str]:
    (line,) = [x for x in entry.splitlines() if x.startswith("Exec=")]
    # Undo the string escape, then the quoting (close enough to shell words for these).
    return shlex.split(line.removeprefix("Exec=").replace("\\\\", "\\"))


def test_linux_entry_is_written_in_xdg_config_home_and_removed(
    xdg: Path, isolated_home: Path
) -> None:
    entry = Autostart("linux", ARGV)
    assert entry.supported and not entry.is_enabled()
    entry.enable()
    path = xdg / "autostart" / "pregonero.desktop"
    assert path.is_file() and entry.is_enabled()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\nType=Application\nName=Pregonero\n")
    assert "Terminal=false" in text
    # PREGONERO_HOME (set by the test fixture) is passed on, so the same data is opened.
    assert exec_words(text) == [
        "env",
        f"PREGONERO_HOME={isolated_home.resolve()}",
        *ARGV,
    ]
    entry.enable()  # again: replaced, not duplicated
    assert len(list((xdg / "autostart").iterdir())) == 1
    entry.disable()
    assert not path.exists() and not entry.is_enabled()
    entry.disable()  # nothing to remove: fine


def test_linux_default_folder_is_dot_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert (
        autostart.desktop_entry_path() == tmp_path / ".config" / "autostart" / "pregonero.desktop"
    )


def test_desktop_entry_quotes_awkward_arguments() -> None:
    text = autostart.desktop_entry(['/a b/$x"y', "50%", "plain"])
    line = next(x for x in text.splitlines() if x.startswith("Exec="))
    assert line == 'Exec="/a b/\\\\$x\\\\"y" 50%% plain'


def test_macos_launch_agent_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PREGONERO_HOME")
    entry = Autostart("darwin", ARGV)
    entry.enable()
    path = tmp_path / "Library" / "LaunchAgents" / "org.pregonero.Pregonero.plist"
    assert entry.is_enabled()
    data = plistlib.loads(path.read_bytes())
    assert data == {
        "Label": "org.pregonero.Pregonero",
        "ProgramArguments": ARGV,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    entry.disable()
    assert not path.exists()


def test_macos_passes_the_data_folder() -> None:
    data = plistlib.loads(autostart.launch_agent(ARGV, {"PREGONERO_HOME": "/srv/p"}))
    assert data["EnvironmentVariables"] == {"PREGONERO_HOME": "/srv/p"}


class FakeRegistry:
    """The few winreg calls Autostart makes, on a dict."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_READ = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], tuple[int, Any]] = {}

    class _Key:
        def __init__(self, path: str) -> None:
            self.path = path

        def __enter__(self) -> FakeRegistry._Key:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = 0) -> Any:  # noqa: N802
        return self._Key(f"{key}\\{sub_key}")

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]:  # noqa: N802
        if (key.path, name) not in self.values:
            raise FileNotFoundError(name)
        kind, value = self.values[(key.path, name)]
        return value, kind

    def SetValueEx(self, key: Any, name: str, reserved: int, kind: int, value: Any) -> None:  # noqa: N802
        self.values[(key.path, name)] = (kind, value)

    def DeleteValue(self, key: Any, name: str) -> None:  # noqa: N802
        if self.values.pop((key.path, name), None) is None:
            raise FileNotFoundError(name)


def test_windows_run_value_in_a_fake_registry() -> None:
    registry = FakeRegistry()
    argv = [r"C:\Program Files\Pregonero\pregonero.exe", "--minimized"]
    entry = Autostart("win32", argv, registry=registry)
    assert not entry.is_enabled()
    entry.enable()
    assert entry.is_enabled()
    run_key = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"
    assert registry.values == {
        (run_key, "Pregonero"): (
            FakeRegistry.REG_SZ,
            '"C:\\Program Files\\Pregonero\\pregonero.exe" --minimized',
        )
    }
    entry.disable()
    assert registry.values == {} and not entry.is_enabled()
    entry.disable()


def test_command_prefers_the_frozen_bundle_then_the_installed_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(autostart.sys, "frozen", True, raising=False)
    monkeypatch.setattr(autostart.sys, "executable", "/opt/pregonero/pregonero")
    assert autostart.command() == ["/opt/pregonero/pregonero", "--minimized"]
    monkeypatch.setattr(autostart.sys, "frozen", False)
    script = tmp_path / "pregonero"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert autostart.command() == [str(script.resolve()), "--minimized"]
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert autostart.command()[1:] == ["-m", "app", "--minimized"]
