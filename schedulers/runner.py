"""The runner: publishes each delivery at its due time, with no polling loop.

The database is the only schedule. One APScheduler date job ("wake") is armed at
the earliest due time and re-armed whenever the schedule changes. When it fires,
each due delivery is published in its own worker job, so a slow account never
delays another. A coarse sweep (every :data:`SWEEP_SECONDS`) re-arms the wake job
when another process changed the database, reconciles ``unconfirmed``
deliveries, takes the publisher lock when it becomes free, and rescans after the
wall clock jumped (sleep, resume, clock change).

Missed policy: a delivery found more than the grace window (seconds) after its
due time is not published; it becomes ``missed`` and waits for the user.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from app import paths
from app.backup import latest_backup_time, make_backup
from app.context import AppContext
from app.errors import StorageError
from app.models import DeliveryState
from schedulers.inbox_jobs import InboxJobs
from schedulers.lock import PublisherLock

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
#: A wall-clock jump larger than this (seconds) between sweeps triggers a rescan.
CLOCK_JUMP_SECONDS = 30.0
WORKERS = 4
#: How long :meth:`Runner.stop` waits for publishes in flight (seconds).
STOP_TIMEOUT_SECONDS = 120.0


class Runner:
    """Publishes the deliveries of ``ctx`` on time while started.

    ``grace_seconds`` defaults to the user's setting. Only the process holding the
    publisher lock publishes; the others only watch the database for changes.
    """

    def __init__(
        self,
        ctx: AppContext,
        *,
        grace_seconds: float | None = None,
        sweep_seconds: float = SWEEP_SECONDS,
        lock: PublisherLock | None = None,
    ) -> None:
        self.ctx = ctx
        self._grace = grace_seconds
        self.sweep_seconds = sweep_seconds
        self.lock = lock or PublisherLock(paths.publisher_lock_path())
        self._scheduler = self._new_scheduler()
        self._in_flight: set[int] = set()
        self._mutex = threading.Lock()
        self._last_wall = time.time()
        self._last_mono = time.monotonic()
        self._data_version = -1
        self.started = False
        ctx.on_schedule_changed(self.schedule_changed)
        # Comments inbox (issue 10): its own scheduler and thread, never delays publishing.
        self.inbox_jobs = InboxJobs(ctx, is_active=lambda: self.is_publisher)

    @property
    def grace_seconds(self) -> float:
        """Missed-post grace window (seconds)."""
        return self._grace if self._grace is not None else self.ctx.settings.grace_seconds

    @property
    def is_publisher(self) -> bool:
        """True if this process is the one that publishes."""
        return self.lock.held

    def start(self) -> None:
        """Take the lock if free, scan for overdue posts and arm the wake-up job."""
        self._scheduler.start()
        self.started = True
        if self.lock.try_acquire():
            log.info("this process publishes")
        else:
            log.info("another Pregonero process publishes; watching only")
        self._scheduler.add_job(
            self._sweep, "interval", seconds=self.sweep_seconds, id="sweep", replace_existing=True
        )
        self._scheduler.add_job(self._startup_scan, id="scan", replace_existing=True)
        self._scheduler.add_job(
            self._daily_backup,
            "interval",
            hours=1,
            id="backup",
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )
        self.inbox_jobs.start()  # comments inbox (issue 10)

    def stop(self, wait: bool = True, *, keep_lock: bool = False) -> None:
        """Stop publishing (in-flight publishes finish first when ``wait``) and free the lock.

        ``keep_lock``: go on holding the publisher lock, so that no other process starts
        publishing (e.g. while a backup is restored); :meth:`start` can be called again.
        """
        self.inbox_jobs.stop(wait)  # comments inbox (issue 10)
        if self.started:
            # Never shutdown(wait=True): APScheduler 3 holds its job-store lock while it
            # waits for running jobs, and a running job that re-arms the wake-up job
            # (add_job) waits for that same lock: a deadlock. Stop taking jobs first,
            # then wait for the publishes in flight ourselves.
            self._scheduler.shutdown(wait=False)
            self.started = False
            if wait:
                # Every job (publish, sweep, scan) must be over before the caller closes
                # the store: a job still reading a closed connection crashes SQLite.
                pool = getattr(self._scheduler._lookup_executor("default"), "_pool", None)
                if pool is not None:
                    pool.shutdown(wait=True)
                elif not self.wait_idle(timeout=STOP_TIMEOUT_SECONDS):
                    log.warning("stopping while a publish is still in flight")
            self._scheduler = self._new_scheduler()  # a shut-down one cannot start again
        if not keep_lock:
            self.lock.release()

    @staticmethod
    def _new_scheduler() -> BackgroundScheduler:
        return BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(WORKERS)},
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )

    # -- arming ----------------------------------------------------------------------
    def schedule_changed(self) -> None:
        """Re-arm the wake-up job at the earliest due time (safe from any thread)."""
        if not self.started:
            return
        try:
            self._scheduler.add_job(self._arm, id="arm", replace_existing=True)
        except Exception:  # noqa: BLE001 - scheduler shutting down
            log.debug("arm skipped", exc_info=True)

    def _arm(self) -> None:
        if not self.started or not self.is_publisher:
            return
        due = self.ctx.store.next_due_at()
        if due is None:
            try:
                self._scheduler.remove_job("wake")
            except JobLookupError:
                pass
            return
        run_at = max(due, datetime.now(UTC))
        self._scheduler.add_job(
            self._wake, "date", run_date=run_at, id="wake", replace_existing=True
        )
        log.debug("wake armed for %s", run_at.isoformat())

    # -- publishing -------------------------------------------------------------------
    def _wake(self) -> None:
        now = self.ctx.clock.now()
        grace = timedelta(seconds=self.grace_seconds)
        for delivery in self.ctx.publishing.due(now):
            if not self.started:
                return  # stopping: what is due is found again at the next start
            # Lateness counts from the time the user chose, not from the last retry.
            planned = self.ctx.publishing.planned_at(delivery)
            if planned is not None and now - planned > grace:
                self.ctx.publishing.mark_missed(delivery, self.grace_seconds)
                continue
            with self._mutex:
                if delivery.id in self._in_flight:
                    continue
                self._in_flight.add(delivery.id)
            self._scheduler.add_job(
                self._publish_one,
                args=[delivery.id],
                id=f"publish-{delivery.id}",
                replace_existing=True,
            )
            if not self.started:  # stopped meanwhile: the job will never run
                with self._mutex:
                    self._in_flight.discard(delivery.id)
                return
        self._arm()

    def _publish_one(self, delivery_id: int) -> None:
        try:
            if self.is_publisher:
                self.ctx.publishing.publish(delivery_id)
        except Exception:  # noqa: BLE001 - logged; the delivery keeps its state
            log.exception("publishing delivery %s failed unexpectedly", delivery_id)
        finally:
            with self._mutex:
                self._in_flight.discard(delivery_id)
            self._arm()

    def _startup_scan(self) -> None:
        if not self.is_publisher:
            return
        # A publish interrupted by a crash left "publishing": its outcome is unknown.
        now = self.ctx.clock.now()
        for delivery in self.ctx.store.deliveries_in({DeliveryState.PUBLISHING}):
            with self._mutex:
                if delivery.id in self._in_flight:
                    continue
            self.ctx.store.transition(
                delivery.id,
                DeliveryState.UNCONFIRMED,
                "interrupted while publishing",
                now=now,
                expect={DeliveryState.PUBLISHING},
            )
        self._reconcile_all()
        self._wake()

    def _reconcile_all(self) -> None:
        for delivery in self.ctx.publishing.unconfirmed():
            try:
                self.ctx.publishing.reconcile(delivery.id)
            except Exception:  # noqa: BLE001
                log.exception("reconcile of delivery %s failed", delivery.id)

    def _sweep(self) -> None:
        wall, mono = time.time(), time.monotonic()
        jumped = abs((wall - self._last_wall) - (mono - self._last_mono)) > CLOCK_JUMP_SECONDS
        self._last_wall, self._last_mono = wall, mono
        if not self.is_publisher and self.lock.try_acquire():
            log.info("publisher lock taken over")
            jumped = True
        version = self.ctx.store.data_version()
        changed = version != self._data_version
        self._data_version = version
        if changed:
            self.ctx.listeners.data_changed()
        if not self.is_publisher:
            return
        if jumped:
            log.info("wall clock jumped or lock acquired: rescanning")
            self._startup_scan()
            return
        self._reconcile_all()
        if changed:
            self._arm()

    def _daily_backup(self) -> None:
        if not self.is_publisher:
            return
        last = latest_backup_time(self.ctx.store.path)
        now = datetime.now()
        if last is None or last.date() != now.date():
            try:
                path = make_backup(self.ctx.store.path, now, keep=self.ctx.settings.backups_keep)
                log.info("daily backup written: %s", path.name)
            except StorageError as exc:
                log.warning("daily backup failed: %s", exc)
                self.ctx.listeners.notice(str(exc))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no publish is in flight (tests and shutdown); False on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._mutex:
                if not self._in_flight:
                    return True
            time.sleep(0.02)
        return False
