"""The inbox's own scheduler, the daily summary, and ``pregonero inbox``."""

from __future__ import annotations

import csv
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.cli import main
from app.context import AppContext
from app.settings import INBOX_SUMMARY_HOUR
from schedulers.inbox_jobs import InboxJobs
from schedulers.lock import PublisherLock
from schedulers.runner import Runner
from tests.support.commentstub import CommentStub, add_account, comment_factory


def seeded(ctx: AppContext, n: int = 3) -> None:
    add_account(ctx, name="Empleo")
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", n)
    ctx.inbox.collect()


def test_daily_summary_once_a_day_after_the_hour(ctx: AppContext) -> None:
    seeded(ctx)
    got: list[str] = []
    ctx.inbox.on_summary(got.append)
    madrid = ZoneInfo("Europe/Madrid")
    assert ctx.inbox.daily_summary(datetime(2026, 11, 20, 8, 0, tzinfo=madrid), 9) is None
    text = ctx.inbox.daily_summary(datetime(2026, 11, 20, 9, 5, tzinfo=madrid), 9)
    assert text is not None and text.startswith("3 open comments") and got == [text]
    assert ctx.inbox.daily_summary(datetime(2026, 11, 20, 18, 0, tzinfo=madrid), 9) is None
    assert ctx.inbox.daily_summary(datetime(2026, 11, 21, 9, 0, tzinfo=madrid), 9) == text
    assert len(got) == 2


def test_no_summary_when_nothing_is_open(ctx: AppContext) -> None:
    got: list[str] = []
    ctx.inbox.on_summary(got.append)
    assert ctx.inbox.daily_summary(datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("UTC")), 9) is None
    assert got == []


def test_jobs_collect_in_their_own_thread_and_only_when_active(ctx: AppContext) -> None:
    add_account(ctx)
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 2)
    active = False
    jobs = InboxJobs(ctx, is_active=lambda: active)
    jobs.collect()
    assert ctx.inbox.comments() == []
    active = True
    jobs.start()
    try:
        jobs.collect_soon()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(ctx.inbox.comments()) < 2:
            time.sleep(0.02)
    finally:
        jobs.stop()
    assert len(ctx.inbox.comments()) == 2 and not jobs.started
    ctx.settings.set(INBOX_SUMMARY_HOUR, "0")
    jobs.summary()


def test_runner_starts_and_stops_the_inbox_jobs(ctx: AppContext, tmp_path: Path) -> None:
    runner = Runner(ctx, lock=PublisherLock(tmp_path / "lock"))
    runner.start()
    try:
        assert runner.inbox_jobs.started
    finally:
        runner.stop()
    assert not runner.inbox_jobs.started


@pytest.fixture
def home_ctx() -> AppContext:
    CommentStub.reset()
    context = AppContext(client_factory=comment_factory)
    seeded(context)
    context.close()
    return context


def test_cli_summary_list_export_purge(
    home_ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inbox", "summary"]) == 0
    assert "3 open comments" in capsys.readouterr().out
    assert main(["inbox", "list"]) == 0
    out = capsys.readouterr().out
    assert out.count("\topen\t") == 3 and "Citizen 1" in out
    path = tmp_path / "c.csv"
    assert main(["inbox", "export", str(path)]) == 0
    assert len(list(csv.reader(path.open(encoding="utf-8-sig")))) == 4
    assert main(["inbox", "purge"]) == 0
    assert "0 comments purged" in capsys.readouterr().out
