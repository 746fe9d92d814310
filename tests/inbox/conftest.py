"""Inbox fixtures: a context whose accounts are comment stubs, at a fixed time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.context import AppContext
from tests.support.commentstub import CommentStub, comment_factory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    CommentStub.reset()
    context = AppContext(
        tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=comment_factory
    )
    yield context
    context.close()
