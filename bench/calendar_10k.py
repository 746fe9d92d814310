"""Benchmark: render the calendar's month and week views with 10,000 posts in the store.

Run by hand (not part of the test suite; nothing here asserts a time)::

    QT_QPA_PLATFORM=offscreen python bench/calendar_10k.py [--posts 10000] [--days 365]

It fills a temporary ``PREGONERO_HOME`` with ``--posts`` scheduled posts spread over
``--days`` days from 2030-01-07 (09:00 to 19:00, one Page), builds the calendar widget
at 1280x800 and times, for each step, reading the period from the store, laying the
chips out and painting them (``QWidget.grab``):

* month: switching to each of 12 consecutive months;
* week: switching to each of 26 consecutive weeks;
* agenda: the list of one month.

Prints the median and the worst time per switch in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fill(posts: int, days: int) -> None:
    """Insert ``posts`` scheduled posts in one transaction (the import path)."""
    from app.context import AppContext
    from app.settings import TIMEZONE
    from app.storage.repository import NewPost
    from app.timeutil import local_to_utc
    from tests.support.stubnet import stub_factory

    ctx = AppContext(client_factory=stub_factory)  # no network: an offline stand-in
    try:
        ctx.settings.set(TIMEZONE, "Europe/Madrid")
        account = ctx.accounts.connect("facebook", name="Empleo", remote_id="1", token="t")
        start = datetime(2030, 1, 7, 9, 0)
        per_day = max(1, posts // days)
        rows = []
        for i in range(posts):
            local = start + timedelta(days=i // per_day, minutes=(600 // per_day) * (i % per_day))
            rows.append(
                NewPost(
                    text=f"Aviso {i}: curso de formación para el empleo, plazo abierto. #Empleo",
                    link=None,
                    due_at=local_to_utc(local, "Europe/Madrid", fold=0),
                    tz="Europe/Madrid",
                    account_ids=(account.id,),
                    scheduled=True,
                    reason="bench",
                )
            )
        with ctx.store.transaction() as conn:
            ctx.store.insert_posts_in(conn, rows, datetime.now(UTC))
    finally:
        ctx.close()


def timed(step: Callable[[], object], times: int) -> list[float]:
    """Milliseconds of each of ``times`` calls of ``step``."""
    out = []
    for _i in range(times):
        began = time.perf_counter()
        step()
        out.append((time.perf_counter() - began) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    """Fill a store, time the views, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="pregonero-bench-") as home:
        os.environ["PREGONERO_HOME"] = home
        import keyring

        from tests.support.memkeyring import MemoryKeyring

        keyring.set_keyring(MemoryKeyring())
        began = time.perf_counter()
        fill(args.posts, args.days)
        print(f"filled {args.posts} posts in {time.perf_counter() - began:.1f} s")

        from PySide6.QtWidgets import QApplication

        from app.context import AppContext
        from ui.calendar.widget import AGENDA, MONTH, WEEK, CalendarWidget

        app = QApplication.instance() or QApplication([])
        ctx = AppContext()
        widget = CalendarWidget(ctx)
        widget.resize(1280, 800)
        widget.show()
        app.processEvents()
        months = iter(date(2030, m, 1) for m in range(1, 13))
        weeks = iter(date(2030, 1, 7) + timedelta(weeks=w) for w in range(26))

        def month_step() -> None:
            widget.go_to(next(months))
            widget.grab()

        def week_step() -> None:
            widget.go_to(next(weeks))
            widget.grab()

        widget.set_view(MONTH)
        month_ms = timed(month_step, 12)
        widget.set_view(WEEK)
        week_ms = timed(week_step, 26)
        widget.set_view(AGENDA)
        widget.go_to(date(2030, 3, 1))
        agenda_ms = timed(lambda: (widget.reload(), widget.grab()), 5)
        shown = sum(len(chips) for chips in widget.chips.values())
        print(f"{'view':<8}{'median ms':>11}{'worst ms':>10}")
        for name, values in (("month", month_ms), ("week", week_ms), ("agenda", agenda_ms)):
            print(f"{name:<8}{statistics.median(values):>11.1f}{max(values):>10.1f}")
        print(f"(posts in the agenda's month: {shown})")
        widget.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
