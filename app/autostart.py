"""Start Pregonero when the user logs in: one per-OS autostart entry (no Qt here).

* Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/pregonero.desktop``
  (``~/.config`` when the variable is unset).
* Windows: the value ``Pregonero`` of ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
* macOS: ``~/Library/LaunchAgents/org.pregonero.Pregonero.plist`` (``RunAtLoad``).

The entry runs the installed ``pregonero`` executable (or the frozen bundle's) with
:data:`MINIMIZED_FLAG`, so Pregonero starts in the system tray. A data folder set
with ``PREGONERO_HOME`` is passed on where the platform allows it (Linux, macOS).
"""

from __future__ import annotations

import importlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Protocol, cast

APP_NAME = "Pregonero"
DESKTOP_FILE = "pregonero.desktop"
LAUNCH_AGENT_LABEL = "org.pregonero.Pregonero"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
#: Option given to the window at login: start in the tray, without showing the window.
MINIMIZED_FLAG = "--minimized"


def command() -> list[str]:
    """The program and arguments that open the window: the bundle, ``pregonero`` or Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable, MINIMIZED_FLAG]
    found = shutil.which("pregonero")
    if found:
        return [str(Path(found).resolve()), MINIMIZED_FLAG]
    return [sys.executable, "-m", "app", MINIMIZED_FLAG]


def _environment() -> dict[str, str]:
    home = os.environ.get("PREGONERO_HOME")
    return {"PREGONERO_HOME": str(Path(home).expanduser().resolve())} if home else {}


# -- Linux / XDG ---------------------------------------------------------------------------
def desktop_entry_path() -> Path:
    """Where the XDG autostart entry goes (honours ``XDG_CONFIG_HOME``)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def _desktop_quote(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (freedesktop spec)."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg.replace("%", "%%")
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return '"' + escaped.replace("$", "\\$").replace("%", "%%") + '"'


def desktop_entry(argv: list[str], env: dict[str, str] | None = None) -> str:
    """The text of the autostart ``.desktop`` file that runs ``argv``."""
    words = [_desktop_quote(a) for a in argv]
    if env:
        words = ["env", *(_desktop_quote(f"{k}={v}") for k, v in env.items()), *words]
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Publishes scheduled posts to your Facebook Pages\n"
        # The general string escape (a backslash doubled) applies on top of the quoting.
        f"Exec={' '.join(words).replace(chr(92), chr(92) * 2)}\n"
        "Icon=pregonero\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


# -- macOS ---------------------------------------------------------------------------------
def launch_agent_path() -> Path:
    """Where the LaunchAgent plist goes."""
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def launch_agent(argv: list[str], env: dict[str, str] | None = None) -> bytes:
    """The LaunchAgent plist (XML) that runs ``argv`` at login."""
    data: dict[str, Any] = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(argv),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    if env:
        data["EnvironmentVariables"] = dict(env)
    return plistlib.dumps(data)


# -- Windows -------------------------------------------------------------------------------
def windows_run_value(argv: list[str]) -> str:
    """The command line stored in the ``Run`` key (Windows quoting rules)."""
    return subprocess.list2cmdline(argv)


class Registry(Protocol):
    """The part of :mod:`winreg` used here (a fake replaces it in tests)."""

    HKEY_CURRENT_USER: Any
    KEY_READ: int
    KEY_SET_VALUE: int
    REG_SZ: int

    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = 0) -> Any:  # noqa: N802
        """Open a registry key (a context manager)."""

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]:  # noqa: N802
        """Read a value; raises FileNotFoundError when missing."""

    def SetValueEx(self, key: Any, name: str, reserved: int, kind: int, value: Any) -> None:  # noqa: N802
        """Write a value."""

    def DeleteValue(self, key: Any, name: str) -> None:  # noqa: N802
        """Delete a value; raises FileNotFoundError when missing."""


def _winreg() -> Registry:
    module: Any = importlib.import_module("winreg")  # Windows only
    return cast(Registry, module)


# -- the entry -----------------------------------------------------------------------------
class Autostart:
    """Enable, disable and query the autostart entry of ``platform`` (default: this OS).

    ``argv`` defaults to :func:`command`; ``registry`` (Windows only) to :mod:`winreg`.
    """

    def __init__(
        self,
        platform: str | None = None,
        argv: list[str] | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.platform = platform or sys.platform
        self.argv = argv if argv is not None else command()
        self._registry = registry

    @property
    def supported(self) -> bool:
        """True where Pregonero knows how to start at login."""
        return self.platform.startswith(("linux", "freebsd", "openbsd", "win32", "darwin"))

    @property
    def registry(self) -> Registry:
        """The Windows registry module in use."""
        if self._registry is None:
            self._registry = _winreg()
        return self._registry

    def is_enabled(self) -> bool:
        """True if an autostart entry for Pregonero exists."""
        if self.platform == "win32":
            reg = self.registry
            try:
                with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                    reg.QueryValueEx(key, APP_NAME)
            except FileNotFoundError:
                return False
            return True
        if self.platform == "darwin":
            return launch_agent_path().is_file()
        return desktop_entry_path().is_file()

    def enable(self) -> None:
        """Create (or update) the entry. Raises OSError if it cannot be written."""
        if self.platform == "win32":
            reg = self.registry
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.SetValueEx(key, APP_NAME, 0, reg.REG_SZ, windows_run_value(self.argv))
            return
        if self.platform == "darwin":
            _write(launch_agent_path(), launch_agent(self.argv, _environment()))
            return
        _write(desktop_entry_path(), desktop_entry(self.argv, _environment()).encode("utf-8"))

    def disable(self) -> None:
        """Remove the entry if there is one. Raises OSError if it cannot be removed."""
        if self.platform == "win32":
            reg = self.registry
            try:
                with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                    reg.DeleteValue(key, APP_NAME)
            except FileNotFoundError:
                pass
            return
        path = launch_agent_path() if self.platform == "darwin" else desktop_entry_path()
        path.unlink(missing_ok=True)

    def set_enabled(self, enabled: bool) -> None:
        """:meth:`enable` or :meth:`disable`."""
        if enabled:
            self.enable()
        else:
            self.disable()

    def describe(self) -> str:
        """The command line of the entry, for display and logs."""
        return shlex.join(self.argv)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
