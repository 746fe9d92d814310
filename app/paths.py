"""Where Pregonero keeps its files: one folder, the user data dir or ``PREGONERO_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Pregonero"


def home() -> Path:
    """The data folder (created if missing): ``$PREGONERO_HOME`` or the platform's user data dir."""
    env = os.environ.get("PREGONERO_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    """The SQLite file that holds everything but secrets."""
    return home() / "pregonero.sqlite3"


def log_dir() -> Path:
    """Folder of the rotating log file (under the data folder when ``PREGONERO_HOME`` is set)."""
    if os.environ.get("PREGONERO_HOME"):
        path = home() / "logs"
    else:
        path = Path(platformdirs.user_log_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def publisher_lock_path() -> Path:
    """Lock file held by the one process allowed to publish."""
    return home() / "publisher.lock"
