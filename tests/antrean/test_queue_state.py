"""QueueState (antrean.queue): commands, events and replay, driven by a FixedClock."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from antrean.clock import FixedClock
from antrean.config import PostConfig, load_post_config
from antrean.model import CounterState, Event, EventType, TicketState, parse_number
from antrean.queue import RECENT_SERVICE_TIMES, QueueError, QueueState

# 2024-05-06 09:00 WIB (UTC+7).
T0 = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)

A, B, C = "adminduk", "kesehatan", "bansos"  # letters A, B, C in the example post


class Recorder:
    """A QueueState plus a clock, keeping every event the commands return."""

    def __init__(self, config: PostConfig | None = None, start: datetime = T0) -> None:
        self.config = config or load_post_config()
        self.st = QueueState(self.config)
        self.clock = FixedClock(start)
        self.log: list[Event] = []
        self._n = 0

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def rid(self) -> str:
        self._n += 1
        return f"req-{self._n}"

    def issue(self, service: str = A, priority: str | None = None, request_id: str | None = None):
        t, evs = self.st.issue(service, priority, request_id or self.rid(), self.now)
        self.log += evs
        return t

    def call(self, n: int, services: list[str] | None = None):
        t, evs = self.st.call_next(n, self.now, services)
        self.log += evs
        return t, evs

    def do(self, name: str, *args: Any) -> list[Event]:
        _, evs = getattr(self.st, name)(*args, self.now)
        self.log += evs
        return evs


def post_config(**policy: Any) -> PostConfig:
    return PostConfig.model_validate({
        "post": {"id": "pos-uji", "name": "Pos Uji"},
        "policy": {"priority_burst": 3, "max_wait_min": 60, **policy},
        "services": [
            {"id": A, "letter": "A", "name": "Adminduk", "service_min": 8},
            {"id": B, "letter": "B", "name": "Kesehatan", "service_min": 5, "quota": 2},
            {"id": C, "letter": "C", "name": "Bansos", "open": False},
        ],
    })


def snapshot(st: QueueState) -> dict[str, Any]:
    """Everything replay must reproduce."""
    return {
        "tickets": {k: dataclasses.asdict(v) for k, v in st.tickets.items()},
        "counters": {k: dataclasses.asdict(v) for k, v in st.counters.items()},
        "streak": st.streak,
        "waiting": {s: list(q) for s, q in st.waiting.items()},
        "last_seq": dict(st.last_seq),
        "issued": dict(st.issued),
        "by_request": dict(st.by_request),
        "by_number": dict(st.by_number),
        "service_times": {s: list(q) for s, q in st.service_times.items()},
        "open": {s: v.open for s, v in st.services.items()},
    }


def replay(config: PostConfig, log: list[Event]) -> QueueState:
    fresh = QueueState(config)
    for e in log:
        fresh.apply(e)
    return fresh


# ----- numbering ------------------------------------------------------------------------------
def test_numbers_per_service() -> None:
    r = Recorder()
    a1, a2, b1, a3 = r.issue(A), r.issue(A), r.issue(B), r.issue(A)
    assert [t.number for t in (a1, a2, b1, a3)] == ["A001", "A002", "B001", "A003"]
    assert [t.seq for t in (a1, a2, b1, a3)] == [1, 2, 1, 3]
    assert {t.day for t in (a1, a2, b1, a3)} == {"2024-05-06"}
    assert a1.state is TicketState.WAITING and a1.issued_at == T0
    assert a1.issue_service == a1.service == A
    assert len({a1.id, a2.id, b1.id, a3.id}) == 4
    assert [t.arrival for t in (a1, a2, b1, a3)] == [1, 2, 3, 4]


def test_issued_event_carries_everything() -> None:
    r = Recorder()
    t, evs = r.st.issue(A, "elderly", "rq", r.now, kiosk="kiosk-1")
    assert len(evs) == 1
    e = evs[0]
    assert e.type is EventType.TICKET_ISSUED and e.ticket_id == t.id and e.at == T0
    assert e.data == {"number": "A001", "seq": 1, "day": "2024-05-06", "service": A,
                      "priority": "elderly", "request_id": "rq", "kiosk": "kiosk-1",
                      "kiosk_id": None}
    assert t.is_priority and t.kiosk == "kiosk-1"


def test_numbering_restarts_at_post_local_midnight() -> None:
    # 16:59:59 UTC is 23:59:59 WIB; 17:00 UTC is 00:00 WIB of the next day.
    r = Recorder(start=datetime(2024, 5, 6, 16, 59, 59, tzinfo=UTC))
    late1, late2 = r.issue(A), r.issue(A)
    r.clock.advance(1)
    early1, b1, early2 = r.issue(A), r.issue(B), r.issue(A)
    assert (late1.number, late2.number) == ("A001", "A002")
    assert (late1.day, early1.day) == ("2024-05-06", "2024-05-07")
    assert (early1.number, b1.number, early2.number) == ("A001", "B001", "A002")
    assert r.st.by_number[("2024-05-06", "A001")] == late1.id
    assert r.st.by_number[("2024-05-07", "A001")] == early1.id
    # UTC midnight (07:00 WIB) is not a day boundary.
    r.clock.set(datetime(2024, 5, 7, 0, 0, tzinfo=UTC))
    assert r.issue(A).number == "A003"


def test_number_widens_past_999_and_never_wraps() -> None:
    r = Recorder()
    tickets = [r.issue(A) for _ in range(1001)]
    assert tickets[998].number == "A999"
    assert tickets[999].number == "A1000"
    assert tickets[1000].number == "A1001"
    assert parse_number("A1000") == ("A", 1000)
    assert len({t.number for t in tickets}) == 1001
    assert r.issue(B).number == "B001"


def test_repeated_request_id_returns_same_ticket_without_event() -> None:
    r = Recorder()
    t1, evs1 = r.st.issue(A, None, "same", r.now)
    r.clock.advance(minutes=3)
    t2, evs2 = r.st.issue(A, None, "same", r.now)
    t3, evs3 = r.st.issue(B, "elderly", "same", r.now)  # even with other fields
    assert t1 is t2 is t3
    assert len(evs1) == 1 and evs2 == [] and evs3 == []
    assert len(r.st.tickets) == 1
    assert r.st.next_seq(A, r.now) == 2
    assert r.st.waiting_count(B) == 0


# ----- refusals --------------------------------------------------------------------------------
def _refused(fn: Any, *args: Any, **kw: Any) -> QueueError:
    with pytest.raises(QueueError) as ei:
        fn(*args, **kw)
    return ei.value


def test_issue_refusals() -> None:
    r = Recorder(post_config())
    e = _refused(r.st.issue, "nope", None, "r1", r.now)
    assert (e.status, e.code) == (404, "unknown_service")
    assert e.message and e.message_en
    e = _refused(r.st.issue, A, "pregnant", "r2", r.now)  # known category, not enabled here
    assert (e.status, e.code) == (422, "unknown_priority")
    e = _refused(r.st.issue, A, "vip", "r3", r.now)
    assert (e.status, e.code) == (422, "unknown_priority")
    e = _refused(r.st.issue, C, None, "r4", r.now)
    assert (e.status, e.code) == (409, "service_closed")
    assert r.st.tickets == {} and r.st.last_seq == {}
    # Refused requests did not burn their request id nor a number.
    assert r.issue(A, request_id="r1").number == "A001"


def test_closed_service_reopens() -> None:
    r = Recorder(post_config())
    evs = r.st.set_service_open(C, True, r.now)
    assert [e.type for e in evs] == [EventType.SERVICE_CHANGED]
    assert r.st.set_service_open(C, True, r.now) == []
    assert r.issue(C).number == "C001"
    r.log += r.st.set_service_open(C, False, r.now)
    assert _refused(r.st.issue, C, None, "x", r.now).code == "service_closed"


def test_quota_reached_then_next_day() -> None:
    r = Recorder(post_config())
    b1, b2 = r.issue(B), r.issue(B)
    e = _refused(r.st.issue, B, None, "third", r.now)
    assert (e.status, e.code) == (409, "quota_reached")
    # A repeated request is still answered after the quota is reached.
    t, evs = r.st.issue(B, None, b2.request_id, r.now)
    assert t is b2 and evs == []
    # Cancelling does not give the number back; the quota counts issues.
    r.do("cancel", b1.id)
    assert _refused(r.st.issue, B, None, "fourth", r.now).code == "quota_reached"
    # Other services have no quota.
    assert r.issue(A).number == "A001"
    # The next post-local day the quota starts again.
    r.clock.set(datetime(2024, 5, 6, 17, 0, tzinfo=UTC))
    assert r.issue(B, request_id="third").number == "B001"


def test_other_refusals() -> None:
    r = Recorder()
    assert (_refused(r.st.recall, 1, r.now).status, _refused(r.st.recall, 1, r.now).code) == (
        409, "no_current_ticket")
    assert _refused(r.st.finish, 1, "served", r.now).code == "no_current_ticket"
    assert _refused(r.st.transfer, 1, B, r.now).code == "no_current_ticket"
    e = _refused(r.st.transfer, 1, "nope", r.now)
    assert (e.status, e.code) == (404, "unknown_service")
    e = _refused(r.st.call_next, 1, r.now, ["nope"])
    assert (e.status, e.code) == (404, "unknown_service")
    assert 1 not in r.st.counters or r.st.counters[1].services is None
    r.issue(A)
    r.call(1)
    e = _refused(r.st.finish, 1, "done", r.now)
    assert (e.status, e.code) == (422, "bad_outcome")
    e = _refused(r.st.cancel, "no-such-id", r.now)
    assert (e.status, e.code) == (404, "unknown_ticket")


# ----- call_next -------------------------------------------------------------------------------
def test_call_next_basic_and_empty() -> None:
    r = Recorder()
    t, evs = r.call(1)
    # nothing to call; the counter's first contact is logged (see the replay regression)
    assert t is None and [e.type for e in evs] == [EventType.COUNTER_CHANGED]
    t, evs = r.call(1)
    assert t is None and evs == []
    a1 = r.issue(A)
    r.clock.advance(minutes=4)
    t, evs = r.call(1)
    assert t is a1
    assert [e.type for e in evs] == [EventType.TICKET_CALLED]
    assert evs[0].counter == 1 and evs[0].data == {"reason": "regular", "streak": 0}
    assert a1.state is TicketState.CALLED and a1.counter == 1
    assert a1.called_at == a1.last_called_at == T0 + timedelta(minutes=4)
    c = r.st.counters[1]
    assert c.state is CounterState.SERVING and c.ticket_id == a1.id
    assert r.st.waiting_count(A) == 0


def test_call_next_finishes_the_current_ticket_as_served_auto() -> None:
    r = Recorder()
    a1, a2 = r.issue(A), r.issue(A)
    r.call(1)
    r.clock.advance(minutes=6)
    t, evs = r.call(1)
    assert t is a2
    assert [e.type for e in evs] == [EventType.TICKET_FINISHED, EventType.TICKET_CALLED]
    assert evs[0].ticket_id == a1.id and evs[0].counter == 1
    assert evs[0].data == {"outcome": "served", "auto": True}
    assert a1.state is TicketState.SERVED and a1.outcome == "served"
    assert a1.finished_at == T0 + timedelta(minutes=6)
    assert list(r.st.service_times[A]) == [360.0]
    assert r.st.counters[1].ticket_id == a2.id
    # With nothing left, "next" still finishes the current one and leaves the counter idle.
    r.clock.advance(minutes=2)
    t, evs = r.call(1)
    assert t is None
    assert [e.type for e in evs] == [EventType.TICKET_FINISHED]
    assert a2.state is TicketState.SERVED
    assert r.st.counters[1].state is CounterState.IDLE and r.st.counters[1].ticket_id is None


def test_call_next_respects_counter_services() -> None:
    r = Recorder()
    a1, b1 = r.issue(A), r.issue(B)
    t, evs = r.call(2, [B])
    assert t is b1
    assert evs[0].type is EventType.COUNTER_CHANGED and evs[0].data["services"] == [B]
    assert r.st.counters[2].services == (B,)
    t, _ = r.call(2, [B])
    assert t is None and a1.state is TicketState.WAITING
    t, _ = r.call(3)
    assert t is a1


def test_two_counters_never_get_the_same_ticket() -> None:
    r = Recorder()
    a1, a2 = r.issue(A), r.issue(A)
    t1, _ = r.call(1)
    t2, _ = r.call(2)
    t3, _ = r.call(3)
    assert (t1, t2, t3) == (a1, a2, None)


def test_priority_and_burst_through_queue_state() -> None:
    r = Recorder(post_config(priority_burst=2))
    regs = [r.issue(A) for _ in range(2)]
    prios = [r.issue(A, "elderly") for _ in range(4)]
    order, reasons = [], []
    for _ in range(6):
        t, evs = r.call(1)
        order.append(t.number)
        reasons.append(evs[-1].data["reason"])
    assert order == ["A003", "A004", "A001", "A005", "A006", "A002"]
    assert reasons == ["priority", "priority", "burst", "priority", "priority", "regular"]
    states = [t.state for t in regs + prios]
    assert states.count(TicketState.SERVED) == 5 and regs[1].state is TicketState.CALLED
    assert r.st.streak == 0


def test_overdue_ticket_goes_first() -> None:
    r = Recorder()
    old = r.issue(A)
    r.clock.advance(minutes=61)
    r.issue(A, "elderly")
    t, evs = r.call(1)
    assert t is old and evs[-1].data["reason"] == "overdue"


def test_streak_is_hub_wide_across_counters() -> None:
    r = Recorder(post_config(priority_burst=2))
    reg = r.issue(A)
    p1, p2, p3 = (r.issue(A, "disabled") for _ in range(3))
    assert r.call(1)[0] is p1
    assert r.call(2)[0] is p2
    assert r.st.streak == 2
    assert r.call(3)[0] is reg  # the third counter serves the passed-over regular
    assert r.call(1)[0] is p3


def test_paused_counter_resumes_on_call_next() -> None:
    r = Recorder()
    r.do("pause", 1)
    a1 = r.issue(A)
    t, evs = r.call(1)
    assert t is a1
    assert evs[0].type is EventType.COUNTER_CHANGED and evs[0].data["state"] == "idle"
    assert r.st.counters[1].state is CounterState.SERVING


# ----- recall / finish / transfer ---------------------------------------------------------------
def test_recall_keeps_called() -> None:
    r = Recorder()
    a1 = r.issue(A)
    r.call(1)
    called = r.now
    r.clock.advance(minutes=1)
    evs = r.do("recall", 1)
    r.clock.advance(minutes=1)
    r.do("recall", 1)
    assert [e.type for e in evs] == [EventType.TICKET_RECALLED]
    assert a1.recalls == 2 and a1.state is TicketState.CALLED
    assert a1.called_at == called and a1.last_called_at == called + timedelta(minutes=2)
    assert r.st.counters[1].ticket_id == a1.id


def test_finish_no_show_and_served() -> None:
    r = Recorder()
    a1, a2 = r.issue(A), r.issue(A)
    r.call(1)
    r.clock.advance(minutes=2)
    evs = r.do("finish", 1, "no_show")
    assert evs[0].data == {"outcome": "no_show"}
    assert a1.state is TicketState.NO_SHOW and a1.finished_at == r.now
    assert r.st.counters[1].state is CounterState.IDLE and r.st.counters[1].ticket_id is None
    assert list(r.st.service_times[A]) == []  # a no-show is no service time
    r.call(1)
    r.clock.advance(minutes=5)
    r.do("finish", 1, "served")
    assert a2.state is TicketState.SERVED
    assert list(r.st.service_times[A]) == [300.0]
    assert _refused(r.st.finish, 1, "served", r.now).code == "no_current_ticket"


def test_transfer_keeps_number_and_waits_in_other_service() -> None:
    r = Recorder()
    a1 = r.issue(A)
    r.call(1, [A])
    r.clock.advance(minutes=3)
    e = _refused(r.st.transfer, 1, A, r.now)
    assert (e.status, e.code) == (409, "same_service")
    evs = r.do("transfer", 1, B)
    assert [x.type for x in evs] == [EventType.TICKET_TRANSFERRED]
    assert evs[0].data == {"from": A, "to": B}
    assert a1.number == "A001" and a1.issue_service == A and a1.service == B
    assert a1.state is TicketState.WAITING and a1.transfers == 1
    assert a1.id in r.st.waiting[B] and a1.id not in r.st.waiting[A]
    c1 = r.st.counters[1]
    assert c1.state is CounterState.IDLE and c1.ticket_id is None
    # The A-only counter does not see it any more; a B counter does.
    assert r.call(1, [A])[0] is None
    first_call = a1.called_at
    r.clock.advance(minutes=1)
    assert r.call(2, [B])[0] is a1
    assert a1.counter == 2 and a1.called_at == first_call
    assert a1.last_called_at == r.now
    # Numbering of either service is unaffected.
    assert r.issue(B).number == "B001"
    assert r.issue(A).number == "A002"


# ----- pause / resume / cancel -------------------------------------------------------------------
def test_pause_refused_with_current_ticket() -> None:
    r = Recorder()
    r.issue(A)
    r.call(1)
    e = _refused(r.st.pause, 1, r.now)
    assert (e.status, e.code) == (409, "ticket_in_progress")
    assert r.st.counters[1].state is CounterState.SERVING


def test_pause_and_resume() -> None:
    r = Recorder()
    evs = r.do("pause", 4)
    assert [e.type for e in evs] == [EventType.COUNTER_CHANGED]
    assert r.st.counters[4].state is CounterState.PAUSED
    assert r.do("pause", 4) == []
    assert r.st.open_counters(A) == 0
    evs = r.do("resume", 4)
    assert [e.data["state"] for e in evs] == ["idle"]
    assert r.st.counters[4].state is CounterState.IDLE
    assert r.do("resume", 4) == []
    assert r.st.open_counters(A) == 1


def test_pause_keeps_counter_services() -> None:
    r = Recorder()
    r.call(1, [B])
    r.do("pause", 1)
    r.do("resume", 1)
    assert r.st.counters[1].services == (B,)


def test_cancel_only_while_waiting() -> None:
    r = Recorder()
    a1, a2 = r.issue(A), r.issue(A)
    r.clock.advance(minutes=1)
    evs = r.do("cancel", a2.id)
    assert [e.type for e in evs] == [EventType.TICKET_CANCELLED]
    assert a2.state is TicketState.CANCELLED and a2.finished_at == r.now
    assert a2.id not in r.st.waiting[A]
    e = _refused(r.st.cancel, a2.id, r.now)
    assert (e.status, e.code) == (409, "not_waiting")
    r.call(1)
    assert _refused(r.st.cancel, a1.id, r.now).code == "not_waiting"
    r.do("finish", 1, "served")
    assert _refused(r.st.cancel, a1.id, r.now).code == "not_waiting"
    assert r.call(1)[0] is None


# ----- replay ------------------------------------------------------------------------------------
def test_replay_rebuilds_the_same_state() -> None:
    cfg = post_config(priority_burst=2)
    r = Recorder(cfg, start=datetime(2024, 5, 6, 16, 30, tzinfo=UTC))
    r.log += r.st.set_service_open(C, True, r.now)
    for i in range(5):
        r.issue(A, "elderly" if i % 2 else None)
        r.issue(B if i < 2 else C)
        r.clock.advance(minutes=7)
    r.call(1)
    r.call(2, [B])
    r.do("recall", 1)
    r.clock.advance(minutes=2)
    r.do("transfer", 2, A)
    r.call(2, [C])
    r.do("finish", 2, "no_show")
    r.do("pause", 2)
    r.call(1)
    r.clock.advance(minutes=20)
    r.issue(A)  # 00:xx WIB next day: A001 again
    waiting_c = next(iter(r.st.waiting[C]))
    r.do("cancel", waiting_c)
    r.call(3)
    r.call(1)
    r.do("resume", 2)
    r.call(2)
    r.clock.advance(minutes=70)
    r.call(3)  # overdue somewhere
    assert any(t.number == "A001" and t.day == "2024-05-07" for t in r.st.tickets.values())
    fresh = replay(cfg, r.log)
    assert snapshot(fresh) == snapshot(r.st)
    for t in r.st.tickets.values():
        f = fresh.tickets[t.id]
        assert (f.state, f.counter, f.called_at, f.finished_at) == (
            t.state, t.counter, t.called_at, t.finished_at)
    # and the rebuilt state goes on numbering from where the live one was
    assert fresh.next_seq(A, r.now) == r.st.next_seq(A, r.now)


def test_replay_knows_every_counter_regression() -> None:
    """Regression: call_next on an empty queue (no device) and resume on an unknown counter
    created a Counter in memory without an event; after a replay (hub restart) that counter
    was gone, so open_counters() and the estimated waits changed."""
    r = Recorder()
    r.call(1)  # nothing waiting
    _, evs = r.st.resume(2, r.now)  # never paused, never seen
    assert evs == [] and 2 not in r.st.counters
    r.issue(A)
    r.issue(A)
    t = r.issue(A)
    assert r.st.open_counters(A) == 1
    fresh = replay(r.config, r.log)
    assert snapshot(fresh) == snapshot(r.st)
    assert fresh.open_counters(A) == 1
    assert fresh.estimated_wait_s(fresh.tickets[t.id], r.now) == r.st.estimated_wait_s(t, r.now)


def test_replay_of_events_in_order_only() -> None:
    """Replay is over exactly the emitted events: a repeated issue adds nothing."""
    r = Recorder()
    r.issue(A, request_id="x")
    r.issue(A, request_id="x")
    assert len(r.log) == 1
    assert snapshot(replay(r.config, r.log)) == snapshot(r.st)


# ----- position and estimated wait ---------------------------------------------------------------
def test_position_first_and_growing() -> None:
    r = Recorder()
    ts = []
    for i in range(4):
        ts.append(r.issue(A))
        assert r.st.position(ts[0], r.now) == 0
        assert r.st.position(ts[-1], r.now) == i
        r.clock.advance(seconds=30)
    assert [r.st.position(t, r.now) for t in ts] == [0, 1, 2, 3]
    # Other services' queues do not count.
    b1 = r.issue(B)
    assert r.st.position(b1, r.now) == 0


def test_position_priority_ahead_and_none_when_not_waiting() -> None:
    r = Recorder()
    a1, a2 = r.issue(A), r.issue(A)
    p = r.issue(A, "elderly")
    assert r.st.position(p, r.now) == 0
    assert r.st.position(a1, r.now) == 1
    assert r.st.position(a2, r.now) == 2
    r.call(1)
    assert r.st.position(p, r.now) is None
    assert r.st.estimated_wait_s(p, r.now) is None
    assert r.st.position(a2, r.now) == 1
    r.do("cancel", a2.id)
    assert r.st.position(a2, r.now) is None


def test_position_of_transferred_ticket_regression() -> None:
    """Regression: position() assumed the last ticket in the waiting index was the newest
    regular one; a transferred ticket is appended there but keeps its (older) issue time,
    and call_next serves it first. Positions must follow the calling order."""
    r = Recorder()
    a1 = r.issue(A)
    r.clock.advance(minutes=5)
    b1 = r.issue(B)
    r.call(1, [A])
    r.do("transfer", 1, B)
    r.clock.advance(minutes=1)
    assert r.st.position(a1, r.now) == 0
    assert r.st.position(b1, r.now) == 1
    assert r.call(2, [B])[0] is a1


def test_position_of_overdue_regular_ahead_of_priority_regression() -> None:
    """Regression: rank_key ranked overdue priority tickets before older overdue regular ones."""
    r = Recorder()
    old = r.issue(A)
    r.clock.advance(minutes=5)
    p = r.issue(A, "elderly")
    r.clock.advance(minutes=70)  # both overdue
    assert r.st.position(old, r.now) == 0
    assert r.st.position(p, r.now) == 1
    assert r.call(1)[0] is old


def test_estimated_wait_from_config_then_from_data() -> None:
    cfg = load_post_config()
    r = Recorder(cfg)
    service_min = cfg.service(A).service_min  # 8 in the example post
    ts = [r.issue(A) for _ in range(3)]
    assert [r.st.estimated_wait_s(t, r.now) for t in ts] == [
        0, int(service_min * 60), int(2 * service_min * 60)]
    # Two open counters for the service halve it (rounded up).
    r.do("pause", 7)
    r.do("resume", 7)
    r.do("pause", 8)
    r.do("resume", 8)
    assert r.st.open_counters(A) == 2
    assert r.st.estimated_wait_s(ts[2], r.now) == int(service_min * 60)
    r.do("pause", 8)
    assert r.st.open_counters(A) == 1
    # After served tickets it uses the recent service times.
    r.call(7)
    r.clock.advance(minutes=2)
    r.call(7)
    r.clock.advance(minutes=4)
    r.call(7)  # served 120 s and 240 s; ts are all called now
    extra = [r.issue(A) for _ in range(3)]
    assert r.st.mean_service_s(A) == 180.0
    assert [r.st.estimated_wait_s(t, r.now) for t in extra] == [0, 180, 360]
    # An explicit position is used as given.
    assert r.st.estimated_wait_s(extra[0], r.now, position=5) == 900
    # Services without data keep their configured default.
    assert r.st.mean_service_s(B) == cfg.service(B).service_min * 60


def test_estimate_uses_only_recent_service_times() -> None:
    r = Recorder()
    for _ in range(RECENT_SERVICE_TIMES + 5):
        r.issue(A)
    r.call(1)
    for i in range(RECENT_SERVICE_TIMES + 4):
        r.clock.advance(minutes=1 if i < 4 else 3)
        r.call(1)
    assert len(r.st.service_times[A]) == RECENT_SERVICE_TIMES
    assert r.st.mean_service_s(A) == 180.0
