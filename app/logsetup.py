"""Logging to a rotating file in the user log dir, with secrets masked."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from app import paths

_SECRET_PATTERNS = [
    re.compile(r"(access_token=)[^&\s\"']+", re.I),
    re.compile(r"(Authorization:?\s*(?:Bearer|OAuth)?\s*)[^\s\"']+", re.I),
    re.compile(r"(\"access_token\"\s*:\s*\")[^\"]+", re.I),
    re.compile(r"(client_secret=)[^&\s\"']+", re.I),
]


def redact(text: str) -> str:
    """``text`` with tokens, secrets and authorization values replaced by ``***``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in every record before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, masked; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not kill logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


def setup_logging(level: int = logging.INFO, *, console: bool = False) -> Path:
    """Log to ``<log dir>/pregonero.log`` (1 MB × 5 files); returns the file's path."""
    path = paths.log_dir() / "pregonero.log"
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5,
                                                   encoding="utf-8")
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
