"""The board's facts as plain Python: calls, history, days, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from display.state import BoardState, Call

WIB = timezone(timedelta(hours=7))
NOON = datetime(2026, 11, 22, 12, 0, tzinfo=WIB)


def call(seq, number, counter, at=NOON, kind="ticket.called", service="adminduk"):
    return {"seq": seq, "type": kind, "at": at.isoformat(), "counter": counter,
            "ticket": {"id": f"id-{number}", "number": number, "service": service,
                       "priority": None, "counter": counter}, "data": {}}


def test_a_call_goes_on_top_and_earlier_ones_follow():
    state = BoardState(history=2)
    state.set_today(NOON)
    for i, number in enumerate(["A001", "A002", "A003", "A004"], 1):
        assert state.apply_event(call(i, number, i)) is not None
    assert (state.current.number, state.current.counter) == ("A004", 4)
    assert [c.number for c in state.recent] == ["A003", "A002"]
    assert state.last_seq == 4


def test_a_recall_moves_the_ticket_back_on_top_without_a_twin():
    state = BoardState()
    state.apply_event(call(1, "A001", 1))
    state.apply_event(call(2, "A002", 2))
    made = state.apply_event(call(3, "A001", 1, kind="ticket.recalled"))
    assert made is not None and made.recall
    assert [c.number for c in state.calls] == ["A001", "A002"]


def test_other_events_and_malformed_calls_change_nothing():
    state = BoardState()
    assert state.apply_event({"seq": 1, "type": "ticket.issued", "ticket": {"number": "A1"}}) \
        is None
    assert state.apply_event({"seq": 2, "type": "ticket.called", "ticket": {}, "counter": 1}) \
        is None
    assert state.apply_event({"seq": 3, "type": "ticket.called", "counter": None,
                              "ticket": {"number": "A001"}}) is None
    assert state.calls == []


def test_yesterdays_calls_are_not_shown_and_leave_at_midnight():
    state = BoardState()
    state.set_today(NOON)
    assert state.apply_event(call(1, "A009", 1, at=NOON - timedelta(days=1))) is None
    state.apply_event(call(2, "A001", 1))
    # The same instant in UTC is still "today" in WIB: dates are compared in post time.
    state.apply_event(call(3, "B001", 2, at=(NOON - timedelta(hours=11)).astimezone(UTC)))
    assert [c.number for c in state.calls] == ["B001", "A001"]
    assert state.set_today(NOON + timedelta(days=1))
    assert state.calls == []


def test_device_alerts_come_and_go():
    state = BoardState()
    data = {"device": "kios-1", "role": "kiosk", "component": "printer", "ok": False,
            "status": "paper_out", "message": "Kertas habis"}
    state.apply_event({"seq": 1, "type": "device.status", "data": data})
    assert state.alerts == ["Printer (kios-1): Kertas habis"]
    assert state.ticker()[0] == "⚠ Printer (kios-1): Kertas habis"
    state.apply_event({"seq": 2, "type": "device.status", "data": {**data, "ok": True}})
    assert state.alerts == []


def test_snapshot_gives_names_and_waiting_rows():
    state = BoardState(lang="en")
    state.apply_snapshot({"post": {"id": "p", "name": "Pos Sukamaju"}},
                         [{"id": "adminduk", "letter": "A", "name": "Administrasi",
                           "name_en": "Civil Registration", "open": True, "waiting": 4}])
    assert state.post_name == "Pos Sukamaju"
    assert state.waiting_rows() == [{"letter": "A", "name": "Civil Registration",
                                     "waiting": 4, "open": True}]
    assert state.service_label("adminduk") == "Civil Registration"
    assert state.service_label("nope") == ""


def test_call_from_event_reads_the_hub_shape():
    c = Call.from_event(call(7, "C305", 12, kind="ticket.recalled", service="bansos"))
    assert (c.number, c.counter, c.service, c.recall, c.seq, c.at) == \
        ("C305", 12, "bansos", True, 7, NOON)
