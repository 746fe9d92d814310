"""Background jobs of the comments inbox, in their own scheduler and thread.

Collecting comments talks to five networks and may wait on rate limits: it runs in a
separate APScheduler with one worker thread, so it never delays a publish. Jobs:

* ``inbox-collect`` every ``inbox_collect_minutes`` (setting, default 10; first run a
  little after start), only in the process that publishes (``is_active``);
* ``inbox-summary`` every 15 minutes: the daily summary notification of what is still
  open, once a day at or after ``inbox_summary_hour`` (local time).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from app.context import AppContext
from app.settings import INBOX_COLLECT_MINUTES, INBOX_SUMMARY_HOUR
from app.timeutil import to_local

log = logging.getLogger(__name__)

#: Seconds after start before the first collection (let publishing start first).
FIRST_COLLECT_DELAY_SECONDS = 45.0
SUMMARY_CHECK_MINUTES = 15


class InboxJobs:
    """Collects comments and sends the daily summary while started."""

    def __init__(self, ctx: AppContext, *, is_active: Callable[[], bool] = lambda: True) -> None:
        self.ctx = ctx
        self.is_active = is_active
        self._scheduler: BackgroundScheduler | None = None

    @property
    def started(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._scheduler is not None

    def start(self) -> None:
        """Start the inbox scheduler (its own single worker thread)."""
        if self._scheduler is not None:
            return
        self.ctx.inbox.collector.cancelled.clear()
        minutes = self.ctx.settings.int_option(INBOX_COLLECT_MINUTES, minimum=1)
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        now = datetime.now(UTC)
        scheduler.add_job(
            self.collect,
            "interval",
            minutes=minutes,
            id="inbox-collect",
            next_run_time=now + timedelta(seconds=FIRST_COLLECT_DELAY_SECONDS),
        )
        scheduler.add_job(
            self.summary,
            "interval",
            minutes=SUMMARY_CHECK_MINUTES,
            id="inbox-summary",
            next_run_time=now + timedelta(seconds=FIRST_COLLECT_DELAY_SECONDS * 2),
        )
        scheduler.start()
        self._scheduler = scheduler

    def collect_soon(self) -> None:
        """Collect now in the inbox thread (the "Check now" button)."""
        if self._scheduler is not None:
            self._scheduler.add_job(self.collect, id="inbox-collect-now", replace_existing=True)

    def stop(self, wait: bool = True) -> None:
        """Stop the jobs; with ``wait`` a collection in progress finishes first."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        self.ctx.inbox.collector.cancelled.set()  # a run in progress stops at the next page
        scheduler.shutdown(wait=False)
        if wait:
            pool = getattr(scheduler._lookup_executor("default"), "_pool", None)
            if pool is not None:
                pool.shutdown(wait=True)

    def collect(self) -> None:
        """One collection run (any failure is logged, never raised)."""
        if not self.is_active():
            return
        try:
            result = self.ctx.inbox.collect()
            log.info(
                "inbox: %d new comments, %d pages, %d accounts failing, %d waiting",
                len(result.new_ids),
                result.pages,
                len(result.errors),
                len(result.waiting),
            )
        except Exception:  # noqa: BLE001 - the next run tries again
            log.exception("collecting comments failed")

    def summary(self) -> None:
        """Send the daily summary when due (any failure is logged, never raised)."""
        if not self.is_active():
            return
        try:
            hour = self.ctx.settings.int_option(INBOX_SUMMARY_HOUR)
            local = to_local(self.ctx.clock.now(), self.ctx.settings.timezone)
            self.ctx.inbox.daily_summary(local, hour)
        except Exception:  # noqa: BLE001
            log.exception("inbox summary failed")
