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

Preparing ahead: the sweep starts ``PublishingService.prepare`` for each scheduled
delivery whose network has ``prepare_lead_seconds`` once its time is within that lead
(also at start-up); a temporary failure is tried again every
:data:`PREPARE_RETRY_SECONDS` until it is due; a refusal fails the delivery at once.
Prepare and publish of one delivery never run together (same in-flight set).
Native hand-off: the sweep hands off what entered a network's window and asks about
handed-off posts past their time (``HandOffService.sweep``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from app import paths
from app.backup import latest_backup_time, make_backup
from app.context import AppContext
from app.errors import StorageError, ValidationError
from app.models import Delivery, DeliveryState
from app.networks.registry import network_class
from schedulers.inbox_jobs import InboxJobs
from schedulers.lock import PublisherLock

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
#: A wall-clock jump larger than this (seconds) between sweeps triggers a rescan.
CLOCK_JUMP_SECONDS = 30.0
WORKERS = 4
#: Longest prepare lead considered (seconds): deliveries due later are not looked at.
MAX_LEAD_SECONDS = 24 * 3600
#: Wait (seconds) before preparing a delivery again after a temporary failure.
PREPARE_RETRY_SECONDS = 60.0
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
        #: delivery id -> (due_at, had progress) it was last prepared for.
        self._prepared: dict[int, tuple[datetime | None, bool]] = {}
        #: delivery id -> monotonic time before which preparing is not tried again.
        self._prepare_wait: dict[int, float] = {}
        #: delivery id -> (monotonic expiry, prepare lead in seconds).
        self._leads: dict[int, tuple[float, int]] = {}
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
        handoffs = getattr(self.ctx, "handoffs", None)
        if handoffs is not None:
            handoffs.submit = self._submit_hand_off  # the window never waits for an upload
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
        self._scheduler.add_job(
            self._expired_accounts,
            "interval",
            hours=1,
            id="expired-accounts",
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )
        self.inbox_jobs.start()  # comments inbox (issue 10)

    def stop(self, wait: bool = True, *, keep_lock: bool = False) -> None:
        """Stop publishing (in-flight publishes finish first when ``wait``) and free the lock.

        ``keep_lock``: go on holding the publisher lock, so that no other process starts
        publishing (e.g. while a backup is restored); :meth:`start` can be called again.
        """
        handoffs = getattr(self.ctx, "handoffs", None)
        if handoffs is not None and handoffs.submit == self._submit_hand_off:
            handoffs.submit = None
        self.inbox_jobs.stop(wait)  # comments inbox (issue 10)
        if self.started:
            # Never shutdown(wait=True): APScheduler 3 holds its job-store lock while it
            # waits for running jobs, and a running job that re-arms the wake-up job
            # (add_job) waits for that same lock: a deadlock. Stop taking jobs first,
            # then wait for the publishes in flight ourselves.
            # The scheduler thread may be between submitting a one-off job and removing
            # it, which raises once the scheduler is stopped: pause it, let the pass in
            # progress end (it holds the job-store lock, a private APScheduler 3 RLock),
            # then shut down. Never shut down while holding that lock: shutdown joins the
            # scheduler thread.
            self._scheduler.pause()
            with self._scheduler._jobstores_lock:
                pass
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
        self._prepare_ahead()
        self._hand_off_sweep()
        self._wake()

    # -- preparing ahead and native hand-off ----------------------------------------------
    def _prepare_ahead(self) -> None:
        """Start :meth:`PublishingService.prepare` for every scheduled delivery whose
        network prepares ahead and whose time is within its lead (due − lead ≤ now)."""
        if not self.started or not self.is_publisher:
            return
        now = self.ctx.clock.now()
        mono = time.monotonic()
        leads: dict[int, int] = {}
        for account in self.ctx.store.list_accounts():
            try:
                leads[account.id] = int(network_class(account.network).prepare_lead_seconds)
            except ValidationError:
                continue
        if not any(leads.values()):
            return
        horizon = now + timedelta(seconds=MAX_LEAD_SECONDS)
        for delivery in self.ctx.store.deliveries_in({DeliveryState.SCHEDULED}, due_before=horizon):
            if leads.get(delivery.account_id, 0) <= 0 or delivery.due_at is None:
                continue
            lead = self._lead(delivery, mono)
            if delivery.due_at - timedelta(seconds=lead) > now or delivery.due_at <= now:
                continue  # not yet inside its lead, or already due: publish does it all
            if self._prepared.get(delivery.id) == (delivery.due_at, bool(delivery.progress)):
                continue
            if self._prepare_wait.get(delivery.id, 0.0) > mono:
                continue
            with self._mutex:
                if delivery.id in self._in_flight:
                    continue
                self._in_flight.add(delivery.id)
            try:
                self._scheduler.add_job(
                    self._prepare_one,
                    args=[delivery.id],
                    id=f"prepare-{delivery.id}",
                    replace_existing=True,
                )
            except Exception:  # noqa: BLE001 - scheduler shutting down
                with self._mutex:
                    self._in_flight.discard(delivery.id)
                return

    def _lead(self, delivery: Delivery, mono: float) -> int:
        """The delivery's prepare lead (seconds), asked again at most once a minute."""
        cached = self._leads.get(delivery.id)
        if cached is not None and cached[0] > mono:
            return cached[1]
        lead = self.ctx.publishing.prepare_lead_seconds(delivery)
        self._leads[delivery.id] = (mono + 60.0, lead)
        return lead

    def _prepare_one(self, delivery_id: int) -> None:
        try:
            if not self.is_publisher:
                return
            ready = self.ctx.publishing.prepare(delivery_id)
            if ready is False:
                self._prepare_wait[delivery_id] = time.monotonic() + PREPARE_RETRY_SECONDS
            elif ready:
                delivery = self.ctx.store.get_delivery(delivery_id)
                self._prepared[delivery_id] = (delivery.due_at, bool(delivery.progress))
                self._prepare_wait.pop(delivery_id, None)
        except Exception:  # noqa: BLE001 - logged; the delivery keeps its state
            log.exception("preparing delivery %s failed unexpectedly", delivery_id)
            self._prepare_wait[delivery_id] = time.monotonic() + PREPARE_RETRY_SECONDS
        finally:
            with self._mutex:
                self._in_flight.discard(delivery_id)
            self._arm()

    def _hand_off_sweep(self) -> None:
        """Hand off (in workers) what entered its window; ask about past ones."""
        handoffs = getattr(self.ctx, "handoffs", None)
        if handoffs is None or not self.is_publisher or not self.started:
            return
        try:
            for delivery_id in handoffs.to_hand_off():
                self._submit(delivery_id, handoffs.hand_off, "handoff")
            for delivery_id in handoffs.to_ask():
                self._submit(delivery_id, handoffs.check_status, "status")
        except Exception:  # noqa: BLE001 - logged; the next sweep tries again
            log.exception("hand-off sweep failed")

    def _submit_hand_off(self, delivery_id: int) -> None:
        handoffs = getattr(self.ctx, "handoffs", None)
        if handoffs is not None:
            self._submit(delivery_id, handoffs.hand_off, "handoff")

    def _submit(self, delivery_id: int, work: Callable[[int], object], name: str) -> None:
        """Run ``work(delivery_id)`` in a worker unless that delivery is busy already."""
        with self._mutex:
            if delivery_id in self._in_flight:
                return
            self._in_flight.add(delivery_id)

        def job() -> None:
            try:
                if self.is_publisher:
                    work(delivery_id)
            except Exception:  # noqa: BLE001 - logged; the delivery keeps its state
                log.exception("%s of delivery %s failed unexpectedly", name, delivery_id)
            finally:
                with self._mutex:
                    self._in_flight.discard(delivery_id)
                self._arm()

        try:
            self._scheduler.add_job(job, id=f"{name}-{delivery_id}", replace_existing=True)
        except Exception:  # noqa: BLE001 - scheduler shutting down
            with self._mutex:
                self._in_flight.discard(delivery_id)

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
        self._prepare_ahead()
        self._hand_off_sweep()
        if changed:
            self._arm()

    def _expired_accounts(self) -> None:
        """Hourly: accounts whose token ended and cannot renew itself (a LinkedIn token
        after 60 days) become "reconnect needed" and their queued posts blocked, also
        with no window open (``pregonero run``); files a media host holds for posts that
        did not go out are deleted."""
        if not self.is_publisher:
            return
        try:
            self.ctx.accounts.mark_expired()
        except Exception:  # noqa: BLE001 - the next run tries again
            log.exception("checking for expired accounts")
        try:  # files put on a media host for posts that did not go out
            self.ctx.publishing.cleanup_abandoned()
        except Exception:  # noqa: BLE001 - the next run tries again
            log.exception("cleaning up after abandoned deliveries")

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
