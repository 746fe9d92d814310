"""The publisher lock: only one process (window or ``pregonero run``) publishes at a time."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout


class PublisherLock:
    """An OS file lock at ``path``; released automatically if the process dies."""

    def __init__(self, path: Path) -> None:
        self._lock = FileLock(str(path), thread_local=False)

    def try_acquire(self) -> bool:
        """Take the lock if free; True if this process holds it now."""
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    @property
    def held(self) -> bool:
        """True while this process holds the lock."""
        return bool(self._lock.is_locked)

    def release(self) -> None:
        """Let another process publish."""
        if self._lock.is_locked:
            self._lock.release(force=True)
