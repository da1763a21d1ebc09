"""The Qt view-models without QML: what the board exposes, and the queued hand-over."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import display.viewmodels as vm
from display.state import BoardState
from display.viewmodels import Board, FeedBridge

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 22, 9, 41, 30, tzinfo=WIB)
SERVICES = [{"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
             "open": True, "waiting": 7, "standard": {"requirements": "KTP-el",
                                                      "cost": "Gratis"}},
            {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "open": False,
             "waiting": 0, "standard": {}}]


def call(seq, number, counter, at=NOW, kind="ticket.called"):
    return {"seq": seq, "type": kind, "at": at.isoformat(), "counter": counter,
            "ticket": {"id": number, "number": number, "service": "adminduk"}, "data": {}}


def make_board(history=5, lang="id"):
    return Board(BoardState(history=history, lang=lang), now=lambda: NOW)


def test_clock_and_date_in_post_time(qapp):
    board = make_board()
    assert (board.clockText, board.dateText, board.zoneText) == \
        ("09.41", "Minggu, 22 November 2026", "WIB")


def test_no_clock_and_no_date_until_the_hub_told_the_time(qapp):
    board = Board(BoardState(), now=lambda: None)
    assert (board.clockText, board.dateText, board.zoneText) == ("—", "", "")
    board.apply_event(call(1, "A012", 3))  # shown even so (the hub sends it with the time)
    assert board.number == "A012"


def test_a_fresh_call_shows_large_and_flashes(qtbot):
    board = make_board()
    board.apply_snapshot({"health": {"post": {"name": "Pos Sukamaju"}}, "services": SERVICES})
    assert not board.hasCall and board.number == ""
    with qtbot.waitSignal(board.flash, timeout=1000):
        board.apply_event(call(1, "A012", 3, at=NOW - timedelta(seconds=2)))
    assert (board.number, board.counter, board.serviceName) == \
        ("A012", 3, "Administrasi Kependudukan")
    assert board.hasCall and board.fresh and board.callSerial == 1 and not board.isRecall
    assert board.postName == "Pos Sukamaju"


def test_an_old_call_is_shown_without_a_flash(qtbot):
    board = make_board()
    with qtbot.assertNotEmitted(board.flash):
        board.apply_event(call(1, "A001", 1, at=NOW - timedelta(minutes=5)))
    assert board.number == "A001" and not board.fresh and board.callSerial == 0


def test_the_highlight_ends(qtbot, monkeypatch):
    monkeypatch.setattr(vm, "FRESH_S", 1.0)
    board = make_board()
    board.apply_event(call(1, "A001", 1))
    assert board.fresh
    qtbot.waitUntil(lambda: not board.fresh, timeout=3000)


def test_lists_hold_earlier_calls_and_waiting_counts(qapp):
    board = make_board(history=2)
    board.apply_snapshot({"health": None, "services": SERVICES})
    for i, n in enumerate(["A001", "A002", "A003", "A004"], 1):
        board.apply_event(call(i, n, i))
    board.apply_event(call(5, "A002", 2, kind="ticket.recalled"))
    assert board.number == "A002" and board.isRecall
    assert board.calls.rows() == [
        {"number": "A004", "counter": 4, "service": "Administrasi Kependudukan", "recall": False},
        {"number": "A003", "counter": 3, "service": "Administrasi Kependudukan", "recall": False},
    ]
    assert board.calls.rowCount() == 2
    assert board.waiting.rows() == [
        {"letter": "A", "name": "Administrasi Kependudukan", "waiting": 7, "open": True},
        {"letter": "B", "name": "Kesehatan", "waiting": 0, "open": False}]
    assert "Persyaratan: KTP-el" in board.ticker and "Kesehatan" not in board.ticker


def test_alerts_go_to_the_ticker(qapp):
    board = make_board()
    board.apply_event({"seq": 1, "type": "device.status",
                       "data": {"device": "kios-1", "component": "printer", "ok": False,
                                "status": "paper_out", "message": "Kertas habis"}})
    assert board.hasAlerts and board.ticker.startswith("⚠ Printer (kios-1): Kertas habis")


def test_a_surge_note_follows_the_hubs_alerts(qtbot):
    board = make_board()
    board.apply_snapshot({"health": None, "services": SERVICES,
                          "queue": {"last_seq": 3, "alerts": []}})
    assert board.surgeNote == ""
    alert = {"seq": 4, "type": "queue.alert",
             "data": {"service": "kesehatan", "level": "surge", "oldest_wait_s": 2800,
                      "limit_s": 2700}}
    with qtbot.waitSignal(board.surgeChanged, timeout=1000):
        board.apply_event(alert)
    assert board.surgeNote == "Layanan Kesehatan sedang ramai — mohon bersabar"
    assert not board.hasAlerts  # the ticker's red tag is for faults, not for a busy day
    with qtbot.assertNotEmitted(board.surgeChanged):
        board.apply_event(call(5, "A001", 1))
        board.apply_snapshot({"health": None, "services": SERVICES,
                              "queue": {"last_seq": 5, "alerts": [{"service": "kesehatan"}]}})
    with qtbot.waitSignal(board.surgeChanged, timeout=1000):
        board.apply_snapshot({"health": None, "services": SERVICES,
                              "queue": {"last_seq": 6, "alerts": []}})
    assert board.surgeNote == ""


def test_connection_status_text(qapp):
    board = make_board()
    assert board.statusText == "Mencari hub pos pelayanan…"
    board.set_connected(True)
    assert board.connected and board.statusText == ""
    board.set_connected(False)
    assert board.statusText == "Koneksi ke hub terputus — menyambung ulang…"
    english = make_board(lang="en")
    english.set_connected(True)
    english.set_connected(False)
    assert english.statusText == "Lost the hub — reconnecting…"
    assert english.t["counter"] == "Counter"


def test_events_from_another_thread_are_applied_on_the_gui_thread(qtbot):
    board = make_board()
    bridge = FeedBridge()
    bridge.connect_to(board)
    seen: list[threading.Thread] = []
    real = board.state.apply_event

    def spy(event):
        seen.append(threading.current_thread())
        return real(event)

    board.state.apply_event = spy
    worker = threading.Thread(target=lambda: [bridge.eventArrived.emit(call(i, f"A00{i}", 1))
                                              for i in range(1, 4)])
    worker.start()
    worker.join()
    assert seen == []  # queued: nothing ran on the worker
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=2000)
    assert set(seen) == {threading.main_thread()}
    assert board.number == "A003"
