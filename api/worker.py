"""Where solves run: worker processes beside the serving process, driven by one dispatcher thread.

The matching kernels (numba) hold the GIL, so a solve in the serving process would stall every
request. Each instance keeps ``run_workers`` spawned processes; the dispatcher thread claims runs
from the database queue (:mod:`api.queue`), hands each to an idle process, renews its lease while it
solves, and polls for a cancel: a cancelled or lost run's process is terminated (SIGTERM, then
SIGKILL) and replaced, so a cancel takes effect within a second whatever the solver is doing.
Workers run at a lower CPU priority (``nice``), so requests stay quick while a long run solves. A
worker dies with its instance (Linux ``PR_SET_PDEATHSIG``, and a parent check elsewhere), so a
killed instance leaves no orphan solving behind; its runs pass to another instance when their lease
expires. Planners' scenario comparisons stay on a small thread pool (:class:`JobRunner`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from api.config import Settings
from api.db import Database
from api.logs import configure_logging
from api.queue import Claim, cancel_wanted, claim_next, hold_comparisons, release, renew

log = logging.getLogger("wunneng.worker")
CANCEL_POLL_SECONDS = 0.25
WORKER_NICENESS = 10  #: worker processes yield the CPU to the serving process


class JobRunner:
    """A small thread pool for jobs that need no process of their own (scenario comparisons).

    With a database, each submitted job's row holds a lease for this instance from submission to
    its end, renewed by a heartbeat thread, so another instance can tell a live job from one whose
    instance stopped (see :func:`api.queue.settle_stopped_comparisons`).
    """

    def __init__(self, threads: int, db: Database | None = None, settings: Settings | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wunneng-job")
        self._db, self._settings = db, settings
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def submit(self, job: Callable[[], None], lease: int | None = None) -> Future[None]:
        if lease is not None and self._db is not None and self._settings is not None:
            with self._lock:
                self._held.add(lease)
            hold_comparisons(self._db, {lease}, self._settings.instance_id, self._settings.run_lease_seconds)
            self._start_heartbeat()

        def guarded() -> None:
            try:
                job()
            except Exception:  # the job records its own failure; this only keeps the pool alive
                log.exception("job crashed")
            finally:
                with self._lock:
                    if lease is not None:
                        self._held.discard(lease)

        return self._pool.submit(guarded)

    def _start_heartbeat(self) -> None:
        if self._beat is None:
            self._beat = threading.Thread(target=self._heartbeat, daemon=True, name="wunneng-job-lease")
            self._beat.start()

    def _heartbeat(self) -> None:
        assert self._db is not None and self._settings is not None
        while not self._stop.wait(self._settings.run_heartbeat_seconds):
            with self._lock:
                held = set(self._held)
            if held:
                try:
                    hold_comparisons(
                        self._db, held, self._settings.instance_id, self._settings.run_lease_seconds
                    )
                except Exception:
                    log.exception("renewing job leases failed")

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class RunJob:
    database_url: str
    claim: Claim
    solver_workers: int


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:  # a fallback where PDEATHSIG does not exist
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="wunneng-parent-watch").start()


def _serve(conn: Connection, parent: int, log_format: str, log_level: str) -> None:
    """A worker process: execute run jobs one at a time until the pipe closes."""
    _die_with_parent(parent)
    with contextlib.suppress(OSError):  # solves are batch work: requests get the CPU first
        os.nice(WORKER_NICENESS)
    configure_logging(log_format, log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the instance, which stops us
    from api.services.runs import execute_claimed

    databases: dict[str, Database] = {}
    while True:
        try:
            job: RunJob = conn.recv()
        except (EOFError, OSError):
            return
        db = databases.get(job.database_url)
        if db is None:
            db = databases[job.database_url] = Database(job.database_url)
        try:
            execute_claimed(db, job.claim, job.solver_workers)
        except Exception:  # execute_claimed records failures; keep the process for the next job
            logging.getLogger("wunneng.worker").exception("run %s crashed", job.claim.run_id)
        conn.send(job.claim.run_id)


class WorkerProcess:
    """One spawned worker and its pipe."""

    def __init__(self, log_format: str = "json", log_level: str = "INFO") -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(
            target=_serve,
            args=(child, os.getpid(), log_format, log_level),
            daemon=True,
            name="wunneng-solver",
        )
        self.process.start()
        child.close()

    def send(self, job: RunJob) -> None:
        self.conn.send(job)

    def finished(self) -> bool:
        """True once the current job is done (the run's outcome is in the database)."""
        try:
            if self.conn.poll():
                self.conn.recv()
                return True
        except (EOFError, OSError):
            pass
        return False

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """Terminate now (SIGTERM, then SIGKILL after half a second)."""
        self.process.terminate()
        self.process.join(0.5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2.0)
        self.conn.close()


@dataclass
class Slot:
    worker: WorkerProcess | None = None
    claim: Claim | None = None
    renewed_at: float = 0.0
    checked_at: float = 0.0


@dataclass
class RunDispatcher:
    """Claims runs for this instance and supervises its worker processes (one thread)."""

    settings: Settings
    db: Database
    on_finish: Callable[[Claim, float], None] = lambda _claim, _seconds: None
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _slots: list[Slot] = field(default_factory=list)
    _started: dict[int, float] = field(default_factory=dict)
    _complained: float = -60.0

    def start(self) -> None:
        self._slots = [Slot() for _ in range(self.settings.run_workers)]
        self._thread = threading.Thread(target=self._loop, name="wunneng-dispatcher", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a run was just created or retried here)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop claiming and terminate the workers; their runs pass on when the leases expire."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10.0)

    def busy(self) -> int:
        return sum(s.claim is not None for s in self._slots)

    def _loop(self) -> None:
        # Worker processes are started from this thread: PDEATHSIG follows the starting thread.
        last_poll = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            for slot in self._slots:
                try:
                    self._supervise(slot, now)
                except Exception:
                    log.exception("supervising run failed")
            idle = [s for s in self._slots if s.claim is None]
            if idle and (self._wake.is_set() or now - last_poll >= self.settings.run_poll_seconds):
                self._wake.clear()
                last_poll = now
                for slot in idle:
                    try:
                        if not self._claim_into(slot):
                            break
                    except Exception:
                        if now - self._complained >= 60:  # once a minute while the database is unwell
                            self._complained = now
                            log.exception("claiming a run failed")
                        break
            self._wake.wait(CANCEL_POLL_SECONDS)
        for slot in self._slots:
            if slot.worker is not None:
                slot.worker.stop()
                slot.worker = None
            if slot.claim is not None:
                with contextlib.suppress(Exception):  # the lease expires anyway
                    release(self.db, slot.claim)
                slot.claim = None

    def _claim_into(self, slot: Slot) -> bool:
        s = self.settings
        claim = claim_next(self.db, s.instance_id, s.run_lease_seconds, s.run_max_attempts)
        if claim is None:
            return False
        if slot.worker is None or not slot.worker.alive():
            slot.worker = WorkerProcess(s.log_format, s.log_level)
        slot.worker.send(RunJob(self.db.url, claim, s.solver_workers))
        slot.claim, slot.renewed_at, slot.checked_at = claim, time.monotonic(), time.monotonic()
        self._started[claim.run_id] = time.monotonic()
        log.info("run claimed", extra={"run_id": claim.run_id, "attempt": claim.attempt})
        return True

    def _supervise(self, slot: Slot, now: float) -> None:
        claim, worker = slot.claim, slot.worker
        if claim is None or worker is None:
            return
        if worker.finished():
            self._release(slot)
            return
        if not worker.alive():
            from api.services.runs import fail_claimed

            fail_claimed(self.db, claim, f"the solver process stopped (exit code {worker.process.exitcode})")
            slot.worker = None
            self._release(slot)
            return
        if now - slot.checked_at >= CANCEL_POLL_SECONDS:
            slot.checked_at = now
            if cancel_wanted(self.db, claim):
                from api.services.runs import cancel_claimed

                worker.stop()
                slot.worker = None
                cancel_claimed(self.db, claim)
                self._release(slot)
                return
        if now - slot.renewed_at >= self.settings.run_heartbeat_seconds:
            slot.renewed_at = now
            if not renew(self.db, claim, self.settings.run_lease_seconds):
                # finished, or taken over after this instance stalled: stop solving it here
                if not worker.finished():
                    worker.stop()
                    slot.worker = None
                self._release(slot)

    def _release(self, slot: Slot) -> None:
        if slot.claim is not None:
            started = self._started.pop(slot.claim.run_id, time.monotonic())
            self.on_finish(slot.claim, time.monotonic() - started)
        slot.claim = None
        self._wake.set()  # the slot is free: look at the queue again
