"""The hub's one writer: durable commits on a thread of their own, in groups.

The hub checks and applies every change in memory on its event loop, then hands the
change's rows to :class:`GroupWriter` as a :class:`Job`. The writer's thread takes every
job waiting when it comes round and commits them together in one transaction (one fsync):
jobs handed in while a commit is in flight join the next one. A job is done when the
commit that holds it returned, or failed with it.

A group only forms from what is waiting, and the kiosks a commit answers come back a
moment later: left alone, the writer would commit the first of them alone and the rest in
the next round. So when fewer new tickets wait than recent groups held, it waits for the
rest a little — at most its recent commit time and :data:`GATHER_MAX_S` — as PostgreSQL's
``commit_delay`` does. A kiosk issuing alone never waits (its recent groups held one).

A failed commit leaves the writer *broken*: the jobs behind the failed group (changes
applied in memory on top of the failed ones) fail too, and so does every job handed in
until the hub, having rebuilt its memory from disk, calls :meth:`GroupWriter.resume`. So
nothing that leaned on a lost change is ever written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Event, EventType
from .storage import Storage, TicketRow

__all__ = ["GroupWriter", "Job", "TicketRow", "MAX_GROUP", "GATHER_MAX_S"]

log = logging.getLogger(__name__)

#: The most jobs one transaction takes (a burst larger than this commits in several).
MAX_GROUP = 256
#: The longest the writer waits for a group to fill (see the module docstring).
GATHER_MAX_S = 0.015
#: How often a gathering writer looks at what has come (see GroupWriter._gather).
GATHER_POLL_S = 0.0005
#: Commits quicker than this are not worth waiting for company (a fast disk: the wait
#: would cost more than the commit it saves).
GATHER_MIN_COMMIT_S = 0.004
#: How many recent commits say how many tickets a group may gather.
RECENT_GROUPS = 8


@dataclass(eq=False, slots=True)
class Job:
    """One change's rows: its tickets, its events (with their day and snapshot)."""

    events: Sequence[Event]
    days: Sequence[str]
    snaps: Sequence[dict[str, Any] | None]
    tickets: Sequence[TicketRow] = ()
    seqs: list[int] = field(default_factory=list)  # the events' seqs, once committed
    error: BaseException | None = None
    done: bool = False


class GroupWriter:
    """Commits jobs in groups on its own thread, on the storage's writing connection."""

    def __init__(self, storage: Storage, on_done: Callable[[], None] | None = None) -> None:
        # Writes go through the storage's own writing connection (Storage.transaction): its
        # pragmas (e.g. a test's max_page_count) are the writer's; only this thread uses it.
        self._storage = storage
        self._on_done = on_done or (lambda: None)
        self._cv = threading.Condition()
        self._queue: deque[Job] = deque()
        self._busy = False
        self._broken: BaseException | None = None
        self._closing = False
        self.commits = 0  # transactions committed (for benches and logs)
        self.jobs = 0  # jobs they held
        self._recent: deque[int] = deque(maxlen=RECENT_GROUPS)  # tickets in recent commits
        self._commit_s = 0.0  # a commit's recent duration (moving average)
        self._thread = threading.Thread(target=self._run, name="hub-writer", daemon=True)
        self._thread.start()

    def set_on_done(self, on_done: Callable[[], None]) -> None:
        self._on_done = on_done

    # ----- the hub's side ---------------------------------------------------------------
    def submit(self, job: Job) -> None:
        with self._cv:
            if self._closing:
                raise RuntimeError("the writer is closed")
            if self._broken is not None:  # memory may lean on the lost change: refuse
                self._finish(job, self._broken)
                return
            self._queue.append(job)
            self._cv.notify_all()

    def flush(self) -> None:
        """Block until every job handed in so far is done."""
        with self._cv:
            self._cv.wait_for(lambda: not self._queue and not self._busy)

    def resume(self) -> None:
        """Take jobs again after a failed commit (the hub's memory was rebuilt from disk)."""
        with self._cv:
            self._broken = None

    @property
    def broken(self) -> bool:
        return self._broken is not None

    def close(self) -> None:
        """Commit what is queued and stop the thread (the storage closes its connection).
        Safe twice."""
        with self._cv:
            if self._closing:
                return
            self._closing = True
            self._cv.notify_all()
        self._thread.join()

    # ----- the writer's thread ------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._queue or self._closing)
                if not self._queue:
                    return  # closing, and nothing left
            self._gather()
            with self._cv:
                group = [self._queue.popleft() for _ in range(min(MAX_GROUP, len(self._queue)))]
                self._busy = True
            started = time.monotonic()
            error = self._commit(group)
            if error is None:
                took = time.monotonic() - started
                self._commit_s = took if self.commits == 1 else 0.8 * self._commit_s + 0.2 * took
                self._recent.append(sum(1 for job in group if job.tickets))
            with self._cv:
                self._busy = False
                for job in group:
                    self._finish(job, error)
                if error is not None:
                    self._broken = error
                    while self._queue:  # applied in memory on top of the lost group
                        self._finish(self._queue.popleft(), error)
                self._cv.notify_all()
            try:
                self._on_done()
            except Exception:  # the hub's loop may be gone at shutdown
                log.debug("writer: could not notify the hub", exc_info=True)

    def _gather(self) -> None:
        """Let a group fill with as many tickets as recent groups held, a little while.
        The largest of the recent ones, not the last: kiosks answered by different commits
        would otherwise settle into taking turns, half of them each.

        It looks every :data:`GATHER_POLL_S` rather than waiting on the condition with a
        timeout: a timed lock wait computes an absolute deadline, which a shifted clock
        (libfaketime, as the tests run the hub across midnight) turns into an hour's wait.
        """
        if self._commit_s < GATHER_MIN_COMMIT_S:
            return
        want = max(self._recent, default=0)
        deadline = time.monotonic() + min(GATHER_MAX_S, self._commit_s)
        while True:
            with self._cv:
                waiting = sum(1 for job in self._queue if job.tickets)
                if waiting >= want or self._closing:
                    return
            if time.monotonic() >= deadline:
                return
            time.sleep(GATHER_POLL_S)

    def _commit(self, group: list[Job]) -> BaseException | None:
        try:
            with self._storage.transaction() as tx:
                for run in _runs(group):
                    tx.insert_tickets([row for job in run for row in job.tickets])
                    seqs = tx.append([e for job in run for e in job.events],
                                     [d for job in run for d in job.days],
                                     [s for job in run for s in job.snaps])
                    i = 0
                    for job in run:
                        job.seqs, i = seqs[i:i + len(job.events)], i + len(job.events)
        except Exception as exc:
            for job in group:
                job.seqs = []
            return exc
        self.commits += 1
        self.jobs += len(group)
        return None

    @staticmethod
    def _finish(job: Job, error: BaseException | None) -> None:
        job.error = error
        job.done = True


def _runs(group: list[Job]) -> list[list[Job]]:
    """The group in runs written one after another, each tickets first, then events (one
    INSERT each). A job granting a kiosk numbers is a run of its own: its grant is checked
    against the day's tickets on disk (reserve_store.index_event), which must hold the
    tickets staged before it and none staged after it (they are numbered past the grant)."""
    runs: list[list[Job]] = []
    current: list[Job] = []
    for job in group:
        if any(e.type is EventType.RESERVE_GRANTED for e in job.events):
            if current:
                runs.append(current)
            runs.append([job])
            current = []
        else:
            current.append(job)
    if current:
        runs.append(current)
    return runs
