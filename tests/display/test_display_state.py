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


def surge(seq, service="kesehatan", level="surge"):
    return {"seq": seq, "type": "queue.alert", "at": NOON.isoformat(), "ticket": None,
            "counter": None, "data": {"service": service, "level": level,
                                      "oldest_wait_s": 2760 if level == "surge" else None,
                                      "limit_s": 2700}}


def queue(last_seq, *services):
    return {"last_seq": last_seq, "services": [],
            "alerts": [{"service": s, "oldest_wait_s": 2760, "limit_s": 2700} for s in services]}


SERVICES = [{"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
             "name_en": "Civil Registration"},
            {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "name_en": "Health"}]


def test_a_surge_comes_and_goes_with_the_hubs_alerts():
    state = BoardState()
    state.apply_snapshot(None, SERVICES)
    assert state.apply_event(surge(5)) is None
    assert state.surges == ["kesehatan"]
    assert state.surge_note() == "Layanan Kesehatan sedang ramai — mohon bersabar"
    state.apply_event(surge(6, "adminduk"))
    assert state.surges == ["adminduk", "kesehatan"]  # in the post's order
    assert state.alerts == []  # not a device fault: the ticker's red tag stays off
    state.apply_event(surge(7, level="clear"))
    assert state.surge_note() == "Layanan Administrasi Kependudukan sedang ramai — mohon bersabar"
    state.apply_event(surge(8, "adminduk", level="clear"))
    assert state.surges == [] and state.surge_note() == ""


def test_surges_are_restored_from_queue_and_a_replayed_log_does_not_undo_it():
    # A display starting (or reconnecting) takes /queue's standing alerts; the log it then
    # replays still holds a surge at seq 3 the hub has since cleared, and one at seq 9 that
    # /queue (as of seq 10) lists: neither changes what /queue said.
    state = BoardState(lang="en")
    state.apply_snapshot(None, SERVICES, queue(10, "adminduk"))
    assert state.surge_note() == "Long queue for Civil Registration — thank you for your patience"
    state.apply_event(surge(3))
    state.apply_event(surge(9, "adminduk", level="clear"))
    assert state.surges == ["adminduk"]
    state.apply_event(surge(11, "adminduk", level="clear"))  # live, after the snapshot
    assert state.surges == []


def test_a_snapshot_older_than_an_alert_already_shown_is_not_taken_for_surges():
    state = BoardState()
    state.apply_snapshot(None, SERVICES, queue(4))
    state.apply_event(surge(5))
    state.apply_snapshot(None, SERVICES, queue(4))  # fetched just before seq 5 was sent
    assert state.surges == ["kesehatan"]
    state.apply_snapshot(None, SERVICES, queue(5, "kesehatan"))
    assert state.surges == ["kesehatan"]


def test_a_surge_cleared_while_the_hub_was_out_of_reach_goes_at_the_reconnect():
    # The hub restarted (its standing alerts are in memory only) and served the queue down;
    # the display's first snapshot after the reconnect lists no alert.
    state = BoardState()
    state.apply_snapshot(None, SERVICES, queue(4))
    state.apply_event(surge(5))
    state.apply_snapshot(None, SERVICES, queue(12))
    assert state.surges == []


def test_an_unknown_service_is_named_by_its_id_until_the_services_arrive():
    state = BoardState()
    state.apply_event(surge(1, "pengaduan"))
    assert state.surge_note() == "Layanan pengaduan sedang ramai — mohon bersabar"
