"""The hub's core service: the queue in memory, the log on disk, live subscribers.

Every mutating call runs on the server's event loop thread, one at a time: the queue
checks the request and applies its events in memory (:attr:`Hub.state`) and hands them to
the one writer (antrean/writer.py), which commits on a thread of its own — changes that
come while a commit is in flight join the next one, so one fsync holds several tickets.
A change is answered and broadcast only once the commit that holds it returned, in the
order the changes were made. If a commit fails, that change and every one staged after
it are refused and memory is rebuilt from the database, so memory never runs ahead of
disk. Reads (queue, services, tickets) are answered at once from :attr:`Hub.view`, the
queue as committed: they never wait on the disk, and never show what is not on it yet.

In-process callers (tests, tools, the hub's own timers) use the plain methods
(``issue``, ``call_next``…), which return once the change is durable; the server stages
(``stage_issue``…) and awaits :meth:`Hub.settle`, so the event loop never waits on a disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .auth import Device
from .clock import Clock, GuardedClock, SystemClock
from .config import PostConfig
from .datalock import DataLock
from .daylog import LiveDay
from .days import PostCalendar, close_span
from .dbcheck import check_folder, classify
from .devices import DeviceRegistry
from .hubcommands import HubCommands
from .hubhealth import ClockWatch, HubUnavailable, StorageHealth
from .model import Event, EventType, Ticket
from .queue import QueueState
from .staged import Staged, Wire
from .storage import Storage, TicketRow
from .writer import GroupWriter, Job

__all__ = ["Hub", "HubUnavailable", "Staged"]

log = logging.getLogger(__name__)

#: How many events a slow live subscriber may lag before it is dropped (it resumes by seq).
SUBSCRIBER_QUEUE = 2000

T = TypeVar("T")


class Hub(HubCommands):
    def __init__(self, config: PostConfig, data_dir: str | Path, clock: Clock | None = None) -> None:
        self.config = config
        # The time the hub writes never runs backwards (held at the log's last event).
        self.clock = GuardedClock(clock or SystemClock())
        self.tz = config.tz
        self.calendar = PostCalendar(config.tz, config.post.day_end_time)
        # One hub per data folder, held until close(); taken before the database is opened,
        # so a second hub never migrates nor reads a database the first one is writing.
        check_folder(Path(data_dir))  # a missing card is said as such, not made a new folder
        self._lock = DataLock(data_dir).acquire()
        try:
            self.storage = Storage(data_dir)
        except BaseException:
            self._lock.release()
            raise
        self._writer = GroupWriter(self.storage)
        try:
            self._open()
        except BaseException as exc:
            self._writer.close()
            self.storage.close()
            self._lock.release()
            fault = classify(exc, self.storage.path) if isinstance(exc, Exception) else None
            if fault is not None:  # e.g. a page of today's events that cannot be read
                raise fault from exc
            raise

    def _open(self) -> None:
        """Everything after the database opened: the queue read back, the day closed."""
        config = self.config
        self.storage_health = StorageHealth(self.storage.path)
        last = self.storage.last_event_at()
        if last is not None:
            self.clock.hold(last)  # a wall clock behind the log is held, from the start
        self.clock_watch = ClockWatch(self.clock, self.tz)
        # whether the hub's "clock behind" status stands (as last written in its log)
        self._clock_alert = self.storage.last_status("Hub", "clock") is False
        self._stale = False  # memory may be ahead of disk: reload before anything else
        self._pending: deque[Staged[Any]] = deque()  # staged, in order, not yet answered
        self._inflight: dict[tuple[str, str], Staged[Any]] = {}  # idempotency keys
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.state = QueueState(config)  # with every staged change
        self.view = QueueState(config)  # as committed: what reads show
        self.day = ""  # the post day the queue in memory holds
        self.closed_through = self.storage.last_closed_day()  # days up to it are closed
        self.last_seq = 0
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.devices = DeviceRegistry(self.storage, self.now)
        self._listeners: list[Callable[[list[dict[str, Any]]], None]] = []
        self.alerts: dict[str, int] = {}  # service id -> limit_s, while a surge alert stands
        self.live_day: LiveDay | None = None  # today's log rows, kept by the stats routes
        self.complaint_requests: dict[str, dict[str, Any]] | None = None  # see lead.py
        self.uplink: Any = None  # antrean.uplink.Uplink while a [city] url is set
        self.reload()
        self.roll()

    # ----- lifecycle -------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild the in-memory queue from today's events in the log (once every staged
        change has been committed and answered)."""
        self._settle_writer()
        state, view = QueueState(self.config), QueueState(self.config)
        today = self.calendar.day_of(self.now())
        for e in self.storage.load_events(day=today):
            state.apply(e)
            view.apply(e)
        self.state, self.view, self.day = state, view, today
        self.last_seq = self.storage.last_seq()
        log.info("queue loaded: %d tickets today, last seq %d", len(state.tickets), self.last_seq)

    def roll(self) -> None:
        """Close every post day that has ended, and start a new day once the date turned.

        Called at start, by a timer on the server's loop at each day's end, and before
        every request (so no request ever sees yesterday's queue as live). Cheap when there
        is nothing to do. A close that cannot be written is retried on the next call.
        """
        if self._stale:
            self._reload_after_failure()
        now = self.now()
        through = self.calendar.closed_through(now)
        if self.closed_through is None or through > self.closed_through:
            try:
                self._close_days(through)
            except HubUnavailable:
                log.warning("closing the day failed; retrying later")
        if self.calendar.day_of(now) != self.day:
            self.reload()
        self._check_clock()

    def _check_clock(self) -> None:
        """Raise (or clear) the hub's own clock alert when the wall clock falls behind its
        log (or catches up): a device.status event every screen and counter shows."""
        if self.clock_watch.behind == self._clock_alert:
            return
        e = Event(EventType.DEVICE_STATUS, self.now(), data=self.clock_watch.status_event())
        with contextlib.suppress(HubUnavailable):  # said in /health anyway; retried later
            self._commit([e])
            self._clock_alert = not self._clock_alert
            if self._clock_alert:
                log.warning("%s / %s", *self.clock_watch.words())
            else:
                log.warning("the wall clock caught up with the hub's log: time runs again")

    def seconds_to_roll(self, cap: float = 5.0) -> float:
        """How long the day timer may sleep: until the next closing or midnight, at most
        ``cap`` (so a clock that jumps is noticed soon)."""
        now = self.now()
        nxt = self.calendar.next_turn(self.day, now)
        return max(0.05, min(cap, (nxt - now).total_seconds()))

    def _close_days(self, through: str) -> None:
        """Cancel what is still live on every unclosed day up to ``through``.

        The days after the last closed one are replayed from the log (at start, memory
        holds only today; and a close that failed to write is found again this way).
        Days without a ticket have nothing to close: when none was issued after the last
        closed day up to ``through``, nothing is replayed (the first day of a post's
        database would otherwise be replayed twice at every start).
        """
        self._settle_writer()  # the log must hold every ticket issued so far
        if not self.storage.issued_between(self.closed_through, through):
            self.closed_through = through
            return
        pairs, span = close_span(self.config, self.calendar, through,
                                 self.storage.load_events(after_day=self.closed_through),
                                 self.storage.last_event_at())
        # A day at a time (pairs come oldest day first): a long catch-up cut off resumes.
        for day, group in itertools.groupby(pairs, key=lambda p: p[0]):
            events = [e for _, e in group]
            for e in events:
                self.state.apply(e)
            self._commit(events, days=[day] * len(events), tickets=span.tickets)
            self.closed_through = day
            log.info("post day %s closed: %d ticket(s) still open were cancelled", day,
                     len(events) - 1)
        self.closed_through = through

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._settle_writer()
        self._writer.close()
        commits, changes = self.write_stats
        if commits:
            log.info("the writer committed %d changes in %d commits (%.1f a commit)",
                     changes, commits, changes / commits)
        for q in list(self._subscribers):
            q.put_nowait(None)
        self._subscribers.clear()
        self.devices.flush()
        self.storage.close()
        self._lock.release()

    # ----- auth --------------------------------------------------------------------
    def device_for(self, token: str) -> Device | None:
        """The device a token belongs to; None if unknown or revoked (see devices.py)."""
        return self.devices.authenticate(token)

    # ----- staging, committing, answering --------------------------------------------------
    def stage(self, events: Sequence[Event], answer: Callable[[Wire], T], *,
              key: tuple[str, str] | None = None, days: Sequence[str] | None = None,
              tickets: Mapping[str, Ticket] | None = None, rows: Sequence[TicketRow] = (),
              snaps: Sequence[dict[str, Any] | None] | None = None) -> Staged[T]:
        """Hand already-applied ``events`` (and new tickets' ``rows``) to the writer.

        ``answer`` builds the reply from the committed events once they are durable.
        ``days`` (default: each event's own date) and ``tickets`` (default: the live queue,
        for the events' ticket snapshots) are given by the day's closing, whose events
        belong to a day already over. With nothing to write, the staged is a barrier.
        """
        if not events and not rows:
            staged: Staged[T] = Staged(None, answer, key)
        else:
            if snaps is None:
                now = self.now()
                tickets = self.state.tickets if tickets is None else tickets
                snaps = [self.ticket_json(t, now, self.state)
                         if e.ticket_id and (t := tickets.get(e.ticket_id)) else None
                         for e in events]
            if days is None:
                days = [self.calendar.day_of(e.at) for e in events]
            staged = Staged(Job(events, days, snaps, rows), answer, key)
        self._pending.append(staged)
        if key is not None:
            self._inflight[key] = staged
        if staged.job is not None:
            self._writer.submit(staged.job)
        return staged

    def inflight(self, key: tuple[str, str]) -> Staged[Any] | None:
        """The staged change holding this idempotency key, while it is not answered."""
        return self._inflight.get(key)

    def wait(self, staged: Staged[T]) -> T:
        """Block until ``staged`` is committed and answered; its answer (or refusal)."""
        self._settle_writer()
        return staged.result()

    async def settle(self, staged: Staged[T]) -> T:
        """Await ``staged``'s commit without holding up the event loop; its answer."""
        self.attach_loop()
        self._drain()  # what was committed before this loop was known
        return await staged.wait()

    def run(self, stage: Callable[..., Staged[T]], *args: Any) -> T:
        """Stage and wait, on the hub's loop if it runs one in another thread (a test's
        or a tool's call must not race the loop that owns the queue)."""
        loop = self._loop
        if (loop is not None and loop.is_running()
                and threading.get_ident() != self._loop_thread):
            return asyncio.run_coroutine_threadsafe(self._stage_settle(stage, *args),
                                                    loop).result()
        return self.wait(stage(*args))

    async def _stage_settle(self, stage: Callable[..., Staged[T]], *args: Any) -> T:
        return await self.settle(stage(*args))

    def attach_loop(self) -> None:
        """Answer on the running loop from now on (the server calls this at its start;
        :meth:`settle` too): the writer wakes it, and :meth:`run` hands calls made on
        other threads to it."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        self._loop, self._loop_thread = loop, threading.get_ident()

        def notify() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed at shutdown
                loop.call_soon_threadsafe(self._drain)

        self._writer.set_on_done(notify)

    def _settle_writer(self) -> None:
        """Wait until the writer has committed all it holds; answer it all."""
        self._writer.flush()
        self._drain()

    def _drain(self) -> None:
        """Answer the staged changes whose commits returned, in the order staged."""
        while self._pending:
            head = self._pending[0]
            job = head.job
            if job is not None and not job.done:
                return
            if job is not None and job.error is not None:
                # everything staged after it was applied on top of it: refused too
                failed = list(self._pending)
                self._pending.clear()
                refusal = self._write_failed(job.error)
                for s in failed:
                    self._release(s)
                    s.fail(refusal)
                return
            self._pending.popleft()
            wire = self._committed(job) if job is not None else []
            self._release(head)
            head.resolve(wire)

    def _release(self, staged: Staged[Any]) -> None:
        if staged.key is not None and self._inflight.get(staged.key) is staged:
            del self._inflight[staged.key]

    def _committed(self, job: Job) -> Wire:
        """A job is on disk: the view takes its events; they are broadcast."""
        self.storage_health.ok()
        wire = []
        for e, seq, snap in zip(job.events, job.seqs, job.snaps, strict=True):
            try:
                self.view.apply(e)
            except Exception:  # never leave its request unanswered: it is on disk
                log.exception("the committed queue could not take event %d; reloading", seq)
                self._stale = True  # roll() rebuilds both queues from disk before the next
            wire.append({"seq": seq, "type": e.type.value, "at": self.local(e.at), "ticket": snap,
                         "counter": e.counter, "data": e.data})
        if job.seqs:
            self.last_seq = job.seqs[-1]
        self.publish(wire)
        return wire

    def commit_events(self, events: Sequence[Event]) -> list[dict[str, Any]]:
        """Persist and broadcast events that change no queue state (alerts, complaints…)."""
        return self.run(self.stage_events, events)

    def stage_events(self, events: Sequence[Event]) -> Staged[Wire]:
        return self.stage(events, _wire)

    def _commit(self, events: Sequence[Event], days: Sequence[str] | None = None,
                tickets: Mapping[str, Ticket] | None = None) -> Wire:
        """Persist already-applied events and wait (the hub's own, rare, changes)."""
        return self.wait(self.stage(events, _wire, days=days, tickets=tickets))

    def _write_failed(self, exc: BaseException) -> HubUnavailable:
        """A write failed: say so in /health, rebuild memory from disk, return the refusal."""
        refusal = self.storage_health.failed(exc, self.now())
        self._stale = True
        with contextlib.suppress(HubUnavailable):  # reads fail too: refuse until they work
            self._reload_after_failure()
        return refusal

    def _reload_after_failure(self) -> None:
        try:
            self.reload()
        except Exception as exc:
            log.debug("reloading the queue failed", exc_info=exc)
            raise self.storage_health.failed(exc, self.now()) from exc
        self._stale = False
        self._writer.resume()  # memory is what the disk holds again: take changes again

    def probe_storage(self) -> None:
        """While writes fail, try one now and then (the day timer calls this): the first
        that works says so in the log and turns /health back to ok."""
        if not self.storage_health.degraded:
            return
        e = Event(EventType.DEVICE_STATUS, self.now(), data={
            "device": "Hub", "role": "hub", "component": "storage", "ok": True,
            "status": "ok", "message": "Penyimpanan hub bekerja lagi"})
        with contextlib.suppress(HubUnavailable):
            self._commit([e])

    def publish(self, wire: list[dict[str, Any]]) -> None:
        if not wire:
            return
        for q in list(self._subscribers):
            try:
                for w in wire:
                    q.put_nowait(w)
            except asyncio.QueueFull:
                log.warning("dropping a slow event subscriber (it resumes with since=)")
                self._subscribers.discard(q)
                q.put_nowait(None) if not q.full() else None
        for listener in list(self._listeners):
            try:
                listener(wire)
            except Exception:  # one listener's failure never hurts the sender
                log.exception("event listener failed")

    def add_listener(self, fn: Callable[[list[dict[str, Any]]], None]) -> None:
        self._listeners.append(fn)

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        q: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE)
        self._subscribers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._subscribers.discard(q)

    @property
    def write_stats(self) -> tuple[int, int]:
        """(commits, changes they held) since the hub started: changes per fsync."""
        return self._writer.commits, self._writer.jobs

def _wire(wire: Wire) -> Wire:
    return wire

