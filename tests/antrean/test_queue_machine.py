"""A hypothesis state machine driving QueueState with random commands.

Every command's returned events must be exactly the events it applied (so the hub's log
never misses one); refused commands must be legitimately refused and change nothing.
Invariants are checked after every step; at teardown the whole log is replayed into a
fresh QueueState, which must equal the live one. When the clock passes the post's midnight
the day is closed as the hub closes it (antrean/days.py): nothing of it stays live.

The wall clock jumps both ways (a Pi without RTC set back by a late NTP fix, or forward);
the machine reads it through the hub's GuardedClock, so no wait, service time or
estimate is ever negative, no one issued later is called first, and the day never steps
back.
"""

from __future__ import annotations

from collections import Counter as Multiset
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from antrean.clock import FixedClock, GuardedClock
from antrean.config import PostConfig
from antrean.days import DAY_CLOSED, PostCalendar, closing_events
from antrean.model import FINAL_STATES, CounterState, Event, EventType, Ticket, TicketState
from antrean.priority import choose_next, rank_key
from antrean.queue import QueueError, QueueState

# 22:30 WIB: a run of steps crosses the post's midnight (17:00 UTC).
START = datetime(2024, 5, 6, 15, 30, tzinfo=UTC)
COUNTERS = (1, 2, 3)


def _config(services: list[dict[str, Any]], burst: int, max_wait: int) -> PostConfig:
    return PostConfig.model_validate({
        "post": {"id": "pos-mesin", "name": "Pos Mesin"},
        "policy": {"priority_burst": burst, "max_wait_min": max_wait,
                   "priority_categories": ["elderly", "disabled"]},
        "services": services,
    })


def _snapshot(s: QueueState) -> dict[str, Any]:
    return {
        # shallow copies suffice: every Ticket / Counter field is immutable
        "tickets": {k: dict(vars(v)) for k, v in s.tickets.items()},
        "counters": {k: dict(vars(v)) for k, v in s.counters.items()},
        "streak": s.streak,
        "waiting": {k: list(q) for k, q in s.waiting.items()},
        "last_seq": dict(s.last_seq),
        "issued": dict(s.issued),
        "by_request": dict(s.by_request),
        "by_number": dict(s.by_number),
        "service_times": {k: list(q) for k, q in s.service_times.items()},
        "open": {k: v.open for k, v in s.services.items()},
    }


class QueueMachine(RuleBasedStateMachine):
    CONFIG: PostConfig

    def __init__(self) -> None:
        super().__init__()
        self.cfg = self.CONFIG
        self.st = QueueState(self.cfg)
        self.wall = FixedClock(START)  # the system clock, free to jump back
        self.clock = GuardedClock(self.wall)  # what the hub reads
        self.last_now = START
        self.service_ids = [s.id for s in self.cfg.services]
        self.burst = self.cfg.policy.priority_burst
        self.max_wait = timedelta(minutes=self.cfg.policy.max_wait_min)
        self.log: list[Event] = []
        self.applied: list[Event] = []
        live_apply = self.st.apply

        def spy(e: Event) -> None:
            self.applied.append(e)
            live_apply(e)

        self.st.apply = spy  # type: ignore[method-assign]
        self.request_ids: dict[str, str] = {}  # request id -> ticket id
        self.n_requests = 0
        # model: expected last sequence per (day, service); consecutive passed-over calls
        self.model_seq: dict[tuple[str, str], int] = {}
        self.model_issued: dict[tuple[str, str], int] = {}
        self.passed_over = 0
        self.model_streak = 0  # the hub-wide streak as the priority module docstring defines it
        self.calendar = PostCalendar(self.cfg.tz)
        self.closed_through = self.calendar.closed_through(START)

    # ----- plumbing ------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.clock.now()

    def _run(self, fn: Any, *args: Any, **kw: Any) -> tuple[Any, list[Event]] | QueueError:
        """Run a command; its returned events must be exactly those it applied."""
        self.applied.clear()
        before = _snapshot(self.st)
        try:
            out, evs = fn(*args, **kw)
        except QueueError as exc:
            assert self.applied == [], "a refused command applied events"
            assert _snapshot(self.st) == before, "a refused command changed the state"
            assert 400 <= exc.status < 500 and exc.code and exc.message and exc.message_en
            return exc
        assert evs == self.applied, "returned events differ from applied events"
        for e in evs:
            assert e.at == self.now
        self.log.extend(evs)
        return out, evs

    def _current(self, n: int) -> Ticket | None:
        c = self.st.counters.get(n)
        return self.st.tickets[c.ticket_id] if c and c.ticket_id else None

    def _overdue(self, t: Ticket) -> bool:
        return self.now - t.issued_at > self.max_wait

    # ----- rules ---------------------------------------------------------------------
    @rule(
        services=st.lists(st.integers(0, 2), min_size=1, max_size=4),
        priorities=st.lists(st.integers(0, 9), min_size=4, max_size=4),
    )
    def issue_several(self, services: list[int], priorities: list[int]) -> None:
        """Residents arrive in groups: keeps both classes waiting (so bursts happen)."""
        for i, idx in enumerate(services):
            prio = ["elderly", "disabled"][i % 2] if priorities[i] < 3 else None
            self.issue(idx, prio, repeat=1, data=None)

    @rule(
        idx=st.integers(-1, 11),
        priority=st.sampled_from([None] * 13 + ["elderly"] * 4 + ["disabled"] * 2 + ["pregnant"]),
        repeat=st.integers(0, 9),
        data=st.data(),
    )
    def issue(self, idx: int, priority: str | None, repeat: int, data: Any) -> None:
        # idx -1: a service the post does not have; else ~30% priority, ~5% unknown category
        service = "nope" if idx < 0 else self.service_ids[idx % len(self.service_ids)]
        if repeat == 0 and self.request_ids and data is not None:
            rid = data.draw(st.sampled_from(sorted(self.request_ids)), label="repeat")
        else:
            self.n_requests += 1
            rid = f"rq-{self.n_requests}"
        known = self.request_ids.get(rid)
        day = self.st.day_of(self.now)
        res = self._run(self.st.issue, service, priority, rid, self.now)
        if isinstance(res, QueueError):
            assert known is None
            svc = self.st.services.get(service)
            if res.code == "unknown_service":
                assert res.status == 404 and svc is None
            elif res.code == "unknown_priority":
                assert res.status == 422 and svc is not None
                assert priority not in self.cfg.policy.priority_categories
            elif res.code == "service_closed":
                assert res.status == 409 and svc is not None and not svc.open
            elif res.code == "quota_reached":
                assert res.status == 409 and svc is not None and svc.quota is not None
                assert self.model_issued.get((day, service), 0) >= svc.quota
            else:
                raise AssertionError(f"unexpected refusal {res.code}")
            return
        t, evs = res
        if known is not None:
            assert t.id == known and evs == []
            return
        assert [e.type for e in evs] == [EventType.TICKET_ISSUED]
        assert priority is None or priority in self.cfg.policy.priority_categories
        key = (day, service)
        svc = self.st.services[service]
        assert svc.open, "issued in a closed service"
        assert svc.quota is None or self.model_issued.get(key, 0) < svc.quota, "quota passed"
        self.model_seq[key] = self.model_seq.get(key, 0) + 1
        self.model_issued[key] = self.model_issued.get(key, 0) + 1
        letter = self.st.services[service].letter
        assert t.number == f"{letter}{self.model_seq[key]:03d}" and t.day == day
        assert t.state is TicketState.WAITING and t.service == t.issue_service == service
        assert t.issued_at == self.now and t.priority == priority
        self.request_ids[rid] = t.id

    @rule(n=st.sampled_from(COUNTERS), subset=st.integers(0, 7))
    def call_next(self, n: int, subset: int) -> None:
        # subset: 0 → every service (None); otherwise a bitmask over the services.
        services = None if subset == 0 else [
            s for i, s in enumerate(self.service_ids) if subset >> i & 1
        ] or None
        scope = set(self.service_ids if services is None else services)
        before = self._current(n)
        was_paused = n in self.st.counters and self.st.counters[n].state is CounterState.PAUSED
        eligible = [t for t in self.st.tickets.values()
                    if t.state is TicketState.WAITING and t.service in scope]
        first_called = {t.id: t.called_at for t in eligible}
        # the rule as a scan (choose_next) over what the counter may serve, service by service
        spec = choose_next(self.st.eligible(services), self.now, self.st.policy, self.st.streak)
        res = self._run(self.st.call_next, n, self.now, services)
        assert not isinstance(res, QueueError), res
        t, evs = res
        types = [e.type for e in evs]
        if was_paused:
            assert types[0] is EventType.COUNTER_CHANGED
        if before is not None:
            assert before.state is TicketState.SERVED and before.finished_at == self.now
            fin = [e for e in evs if e.type is EventType.TICKET_FINISHED]
            assert len(fin) == 1 and fin[0].ticket_id == before.id
            assert fin[0].data == {"outcome": "served", "auto": True}
        c = self.st.counters[n]
        assert c.services == (tuple(services) if services else None)
        if not eligible:
            assert t is None and EventType.TICKET_CALLED not in types
            assert c.state is not CounterState.SERVING and c.ticket_id is None
            return
        assert t is not None and t in eligible and types[-1] is EventType.TICKET_CALLED
        # the fast path (sorted lines) called exactly the scan's choice, for the same reason
        assert spec is not None and t is spec.ticket and evs[-1].data["reason"] == spec.reason
        assert t.state is TicketState.CALLED and t.counter == n and c.ticket_id == t.id
        assert t.called_at == (first_called[t.id] or self.now), "first call time lost"
        assert t.last_called_at == self.now
        overdue = [x for x in eligible if self._overdue(x)]
        regulars = [x for x in eligible if not x.is_priority]
        # overdue first; FCFS within (class, overdue status)
        if overdue:
            assert self._overdue(t), "an overdue ticket was waiting but a fresh one was called"
        for x in eligible:
            if x is t or (x.issued_at, x.arrival) >= (t.issued_at, t.arrival):
                continue
            assert not (self._overdue(x) and self._overdue(t)), (
                f"{x.number} overdue and older than called {t.number}")
            assert not (x.is_priority == t.is_priority
                        and self._overdue(x) == self._overdue(t)), (
                f"{x.number} waited longer than {t.number} in the same class")
        # positions promise the calling order: unless the burst limit stepped in, nobody in
        # the called ticket's queue ranked ahead of it (position() would have said 0)
        if evs[-1].data["reason"] != "burst":
            mine = rank_key(t, self.now, self.st.policy)
            ahead = [self.st.tickets[x].number for x in self.st.waiting[t.service]
                     if rank_key(self.st.tickets[x], self.now, self.st.policy) < mine]
            assert not ahead, f"called {t.number} but position() put {ahead} ahead of it"
        # starvation: consecutive non-overdue priority calls passing an eligible regular
        if t.is_priority and regulars:
            if not self._overdue(t):
                self.passed_over += 1
        else:
            self.passed_over = 0
        assert self.passed_over <= self.burst, "a regular ticket was starved past the burst"
        # docstring: +1 for a priority call passing an eligible regular, else back to 0
        self.model_streak = self.model_streak + 1 if t.is_priority and regulars else 0
        assert self.st.streak == evs[-1].data["streak"] == self.model_streak

    @rule(n=st.sampled_from(COUNTERS))
    def recall(self, n: int) -> None:
        cur = self._current(n)
        recalls = cur.recalls if cur else 0
        res = self._run(self.st.recall, n, self.now)
        if isinstance(res, QueueError):
            assert (res.status, res.code) == (409, "no_current_ticket") and cur is None
            return
        t, evs = res
        assert t is cur and [e.type for e in evs] == [EventType.TICKET_RECALLED]
        assert t.recalls == recalls + 1 and t.state is TicketState.CALLED
        assert t.last_called_at == self.now

    @rule(n=st.sampled_from(COUNTERS), outcome=st.sampled_from(["served", "no_show", "nah"]))
    def finish(self, n: int, outcome: str) -> None:
        cur = self._current(n)
        res = self._run(self.st.finish, n, outcome, self.now)
        if isinstance(res, QueueError):
            if res.code == "bad_outcome":
                assert res.status == 422 and outcome == "nah"
            else:
                assert (res.status, res.code) == (409, "no_current_ticket") and cur is None
            return
        t, _ = res
        assert outcome != "nah" and t is cur
        assert t.state is TicketState(outcome) and t.outcome == outcome
        assert t.finished_at == self.now and self.st.counters[n].ticket_id is None

    @rule(n=st.sampled_from(COUNTERS), idx=st.integers(0, 2))
    def transfer(self, n: int, idx: int) -> None:
        service = self.service_ids[idx % len(self.service_ids)]
        cur = self._current(n)
        number = cur.number if cur else None
        res = self._run(self.st.transfer, n, service, self.now)
        if isinstance(res, QueueError):
            if res.code == "same_service":
                assert res.status == 409 and cur is not None and cur.service == service
            else:
                assert (res.status, res.code) == (409, "no_current_ticket") and cur is None
            return
        t, _ = res
        assert t is cur and t.number == number and t.service == service
        assert t.state is TicketState.WAITING and t.id in self.st.waiting[service]
        assert self.st.counters[n].ticket_id is None

    @rule(n=st.sampled_from(COUNTERS))
    def pause(self, n: int) -> None:
        cur = self._current(n)
        res = self._run(self.st.pause, n, self.now)
        if isinstance(res, QueueError):
            assert (res.status, res.code) == (409, "ticket_in_progress") and cur is not None
            return
        assert cur is None and self.st.counters[n].state is CounterState.PAUSED

    @rule(n=st.sampled_from(COUNTERS))
    def resume(self, n: int) -> None:
        was = self.st.counters[n].state if n in self.st.counters else CounterState.IDLE
        res = self._run(self.st.resume, n, self.now)
        assert not isinstance(res, QueueError)
        _, evs = res
        assert bool(evs) == (was is CounterState.PAUSED)
        c = self.st.counters.get(n)
        if c is None:
            assert res[0].number == n and res[0].state is CounterState.IDLE
        else:
            assert c.state is (CounterState.IDLE if was is CounterState.PAUSED else was)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        # by arrival, not by id: ids are random UUIDs and hypothesis must replay the choice
        ids = [t.id for t in sorted(self.st.tickets.values(), key=lambda t: t.arrival)]
        ids.append("no-such-ticket")
        tid = data.draw(st.sampled_from(ids), label="ticket")
        t = self.st.tickets.get(tid)
        was = t.state if t else None
        res = self._run(self.st.cancel, tid, self.now)
        if isinstance(res, QueueError):
            if res.code == "unknown_ticket":
                assert res.status == 404 and t is None
            else:
                assert (res.status, res.code) == (409, "not_waiting")
                assert was is not TicketState.WAITING
            return
        assert was is TicketState.WAITING and t is not None
        assert t.state is TicketState.CANCELLED and t.finished_at == self.now

    @rule(idx=st.integers(0, 2), close=st.integers(0, 3))
    def open_or_close(self, idx: int, close: int) -> None:
        is_open = close != 0
        service = self.service_ids[idx % len(self.service_ids)]
        was = self.st.services[service].open
        res = self._run(lambda: (None, self.st.set_service_open(service, is_open, self.now)))
        assert not isinstance(res, QueueError)
        assert len(res[1]) == (0 if was == is_open else 1)
        assert self.st.services[service].open is is_open

    @rule(seconds=st.integers(0, 40 * 60))
    def advance(self, seconds: int) -> None:
        self.wall.advance(seconds)
        self._close_days()

    @rule(seconds=st.integers(-3 * 3600, 3 * 3600))
    def clock_jumps(self, seconds: int) -> None:
        """NTP (or a technician) sets the wall clock back or forward."""
        self.wall.advance(seconds)
        self._close_days()

    @rule(after=st.integers(0, 90))
    def past_midnight(self, after: int) -> None:
        """Straight to just past the post's next midnight, with the hall still busy."""
        day = self.calendar.day_of(self.now)
        self.wall.set(self.calendar.closes_at(day) + timedelta(seconds=after))
        self._close_days()

    def _close_days(self) -> None:
        """What the hub's day timer does once the post's day is over."""
        through = self.calendar.closed_through(self.now)
        if through <= self.closed_through:
            return
        live = {t.id for t in self.st.tickets.values() if t.day <= through
                and t.state in (TicketState.WAITING, TicketState.CALLED)}
        holders = {c.ticket_id: n for n, c in self.st.counters.items() if c.ticket_id in live}
        pairs = closing_events(self.st.tickets.values(), through, self.calendar.closes_at)
        for _, e in pairs:
            self.st.apply(e)
        self.log.extend(e for _, e in pairs)
        self.closed_through = through
        cancelled = [e for _, e in pairs if e.type is EventType.TICKET_CANCELLED]
        assert {e.ticket_id for e in cancelled} == live
        assert all(e.data["reason"] == DAY_CLOSED and e.at <= self.now for e in cancelled)
        for tid in live:
            assert self.st.tickets[tid].state is TicketState.CANCELLED
        for tid, n in holders.items():
            assert self.st.counters[n].ticket_id is None, f"counter {n} still holds {tid}"
            assert self.st.counters[n].state is CounterState.IDLE

    # ----- invariants ----------------------------------------------------------------
    @invariant()
    def numbers_unique(self) -> None:
        seen = Multiset((t.day, t.issue_service, t.number) for t in self.st.tickets.values())
        assert all(v == 1 for v in seen.values()), "two tickets with one number"
        by_day = Multiset((t.day, t.number) for t in self.st.tickets.values())
        assert all(v == 1 for v in by_day.values())
        seqs: dict[tuple[str, str], list[int]] = {}
        for t in sorted(self.st.tickets.values(), key=lambda t: t.arrival):
            seqs.setdefault((t.day, t.issue_service), []).append(t.seq)
        for s in seqs.values():
            assert s == list(range(1, len(s) + 1)), "numbering skipped or repeated"

    @invariant()
    def one_state_and_waiting_index(self) -> None:
        indexed = Multiset(tid for q in self.st.waiting.values() for tid in q)
        for t in self.st.tickets.values():
            assert isinstance(t.state, TicketState)
            if t.state is TicketState.WAITING:
                assert indexed[t.id] == 1 and t.id in self.st.waiting[t.service]
                assert t.finished_at is None
            else:
                assert indexed[t.id] == 0
            if t.state in FINAL_STATES:
                assert t.outcome == t.state.value and t.finished_at is not None
        assert set(indexed) <= set(self.st.tickets)

    @invariant()
    def counters_consistent(self) -> None:
        holders: dict[str, int] = {}
        for n, c in self.st.counters.items():
            if c.ticket_id is None:
                assert c.state is not CounterState.SERVING
                continue
            assert c.ticket_id not in holders, "two counters serve one ticket"
            holders[c.ticket_id] = n
            t = self.st.tickets[c.ticket_id]
            assert t.state is TicketState.CALLED and t.counter == n
            assert c.state is CounterState.SERVING
        for t in self.st.tickets.values():
            if t.state is TicketState.CALLED:
                assert holders.get(t.id) == t.counter, f"{t.number} called but no counter"

    @invariant()
    def no_negative_wait(self) -> None:
        for t in self.st.tickets.values():
            assert t.issued_at <= self.now
            if t.called_at is not None:
                assert t.issued_at <= t.called_at <= t.last_called_at  # type: ignore[operator]
            if t.finished_at is not None:
                assert t.finished_at >= t.issued_at
                if t.called_at is not None:
                    assert t.finished_at >= t.called_at
            if t.state in (TicketState.CALLED, TicketState.SERVED, TicketState.NO_SHOW):
                assert t.called_at is not None
        for times in self.st.service_times.values():
            assert all(x >= 0 for x in times)
        # issue times follow arrival, whatever the wall clock did: first come, first served
        by_arrival = sorted(self.st.tickets.values(), key=lambda t: t.arrival)
        assert all(a.issued_at <= b.issued_at
                   for a, b in zip(by_arrival, by_arrival[1:], strict=False))

    @invariant()
    def positions_sane(self) -> None:
        for service, queue in self.st.waiting.items():
            positions = sorted(self.st.position(self.st.tickets[tid], self.now) for tid in queue)
            assert positions == list(range(len(queue))), f"positions in {service}: {positions}"
            keys = {tid: rank_key(self.st.tickets[tid], self.now, self.st.policy) for tid in queue}
            for tid in queue:  # counted by bisection: exactly the tickets rank_key puts first
                ahead = sum(1 for k in keys.values() if k < keys[tid])
                assert self.st.position(self.st.tickets[tid], self.now) == ahead
            for tid in queue:
                w = self.st.estimated_wait_s(self.st.tickets[tid], self.now)
                assert w is not None and w >= 0
        for t in self.st.tickets.values():
            if t.state is not TicketState.WAITING:
                assert self.st.position(t, self.now) is None
                assert self.st.estimated_wait_s(t, self.now) is None

    @invariant()
    def time_never_runs_backwards(self) -> None:
        now = self.now
        assert now >= self.last_now, "the hub's time ran backwards"
        assert self.calendar.day_of(now) >= self.calendar.day_of(self.last_now)
        self.last_now = now
        behind = (now - self.wall.now()).total_seconds()
        assert self.clock.behind_s == max(0.0, behind)

    @invariant()
    def nothing_live_from_a_closed_day(self) -> None:
        for t in self.st.tickets.values():
            if t.day <= self.closed_through:
                assert t.state not in (TicketState.WAITING, TicketState.CALLED), t.number

    @invariant()
    def streak_bounded(self) -> None:
        assert self.st.streak >= 0 and self.passed_over <= self.burst

    def teardown(self) -> None:
        fresh = QueueState(self.cfg)
        for e in self.log:
            fresh.apply(e)
        live = _snapshot(self.st)
        assert _snapshot(fresh) == live


_SETTINGS = settings(
    max_examples=80, stateful_step_count=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class ThreeServicesBurstTwo(QueueMachine):
    """Burst 2, short max wait (overdue tickets appear often), a quota and a closed service."""

    CONFIG = _config(
        [
            {"id": "adminduk", "letter": "A", "name": "Adminduk", "service_min": 8},
            {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "service_min": 5,
             "quota": 6},
            {"id": "bansos", "letter": "C", "name": "Bansos", "open": False},
        ],
        burst=2, max_wait=45,
    )


class TwoServicesDefaultPolicy(QueueMachine):
    """The defaults (burst 3, max wait 60) with two services."""

    CONFIG = _config(
        [
            {"id": "adminduk", "letter": "A", "name": "Adminduk"},
            {"id": "kesehatan", "letter": "B", "name": "Kesehatan"},
        ],
        burst=3, max_wait=60,
    )


class BurstOneMostlyPriority(QueueMachine):
    """Burst 1: after every passed-over regular a regular must go."""

    CONFIG = _config(
        [
            {"id": "adminduk", "letter": "A", "name": "Adminduk"},
            {"id": "kesehatan", "letter": "B", "name": "Kesehatan"},
            {"id": "bansos", "letter": "C", "name": "Bansos"},
        ],
        burst=1, max_wait=120,
    )


ThreeServicesBurstTwo.TestCase.settings = _SETTINGS
TwoServicesDefaultPolicy.TestCase.settings = _SETTINGS
BurstOneMostlyPriority.TestCase.settings = _SETTINGS

TestThreeServicesBurstTwo = ThreeServicesBurstTwo.TestCase
TestTwoServicesDefaultPolicy = TwoServicesDefaultPolicy.TestCase
TestBurstOneMostlyPriority = BurstOneMostlyPriority.TestCase
