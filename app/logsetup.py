"""Logging to a rotating file in the user log dir, with secrets masked."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app import paths
from app.redact import RedactingFilter


def setup_logging(level: int = logging.INFO, *, console: bool = False) -> Path:
    """Log to ``<log dir>/pregonero.log`` (1 MB × 5 files); returns the file's path."""
    path = paths.log_dir() / "pregonero.log"
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        stream.addFilter(RedactingFilter())
        root.addHandler(stream)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return path
