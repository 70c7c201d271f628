"""Background jobs: solves run on a small thread pool owned by the app, outside any request.

A job is a plain callable; its state lives in the database (run rows), so a restart can tell which
runs were cut short (see :func:`api.services.runs.fail_interrupted`). Threads, not processes: the
solver releases the GIL in OR-Tools' C++ code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger("wunneng.worker")


class JobRunner:
    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wunneng-job")

    def submit(self, job: Callable[[], None]) -> Future[None]:
        def guarded() -> None:
            try:
                job()
            except Exception:  # the job records its own failure; this only keeps the pool alive
                log.exception("job crashed")

        return self._pool.submit(guarded)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
