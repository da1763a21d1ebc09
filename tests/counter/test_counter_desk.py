"""The counter's rules on their own: no Qt event loop, no hub, no network."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from antrean.discovery import Peer
from antrean.palette import PRIORITY_COLOURS
from antrean.posttime import PostClock
from counter.alerts import alert_from_event
from counter.claim import free_numbers, holder_of, winner_over
from counter.demo import SCENES, stage
from counter.desk import Desk
from counter.keys import action_for_key, digit_for_key
from counter.texts import duration

AT = "2026-03-02T09:00:00+07:00"
T0 = 1772416800.0  # AT as epoch seconds


def ticket(number="A012", priority="elderly", state="called", **kw):
    return {"id": "t-" + number, "number": number, "service": "adminduk", "priority": priority,
            "state": state, "issued_at": "2026-03-02T08:41:00+07:00",
            "called_at": "2026-03-02T08:59:30+07:00", "recalls": 0, **kw}


def queue(mine=None, others=()):
    return {"at": AT, "last_seq": 9,
            "services": [{"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
                          "open": True, "waiting": 4, "priority_waiting": 1,
                          "oldest_wait_s": 600},
                         {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "open": True,
                          "waiting": 0, "priority_waiting": 0, "oldest_wait_s": None}],
            "counters": [c for c in (mine, *others) if c]}


def hub_clock(at: str = AT, wall: float = T0) -> PostClock:
    """The post's clock as the hub client leaves it after reading ``/queue`` at ``at``,
    on a machine whose own clock reads ``wall`` (and stands still)."""
    clock = PostClock(monotonic=lambda: 100.0, wall=lambda: wall)
    clock.observe_answer({"at": at}, "at", 100.0, 100.0)
    return clock


def ready_desk(**kw) -> Desk:
    kw.setdefault("clock", hub_clock())
    d = Desk(number=2, phase="ready", **kw)
    d.apply_services([{"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
                       "name_en": "Civil Registration", "open": True},
                      {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "name_en": "Health",
                       "open": True}])
    d.set_hub_up(True, 0.0)
    return d


def test_the_called_ticket_comes_from_the_hubs_queue_with_its_waits():
    d = ready_desk()
    d.apply_queue(queue({"number": 2, "state": "serving", "ticket": ticket()}), now_epoch=T0)
    v = d.view(now_mono=1.0, now_epoch=T0 + 30)
    assert v["ticket"] == {"present": True, "number": "A012",
                           "service": "Administrasi Kependudukan", "priority": "Lansia",
                           "priorityColor": PRIORITY_COLOURS["elderly"],
                           "waited": "Menunggu 18 mnt", "calledAgo": "dipanggil 1 mnt lalu",
                           "recalls": "", "empty": ""}
    assert v["clock"] == "09.00 WIB"  # the post's time, the Indonesian way, zone and all
    assert v["nextLabel"] == "Selesai & Panggil Berikutnya"
    assert "A012 dicatat SELESAI" in v["nextHint"]
    assert v["queue"][0]["oldest"] == "10 mnt"
    assert v["queue"][1]["oldest"] == "–"


def test_the_clock_is_the_posts_and_unknown_until_the_hub_said():
    assert Desk().view(now_mono=0.0)["clock"] == "—"  # never this machine's own guess
    three_days = 3 * 86400.0  # a Pi that booted with no network, days behind
    d = ready_desk(clock=hub_clock(wall=T0 - three_days))
    d.apply_queue(queue({"number": 2, "state": "serving", "ticket": ticket()}),
                  now_epoch=T0 - three_days)
    v = d.view(now_mono=1.0, now_epoch=T0 - three_days + 30)
    assert v["clock"] == "09.00 WIB"
    assert v["ticket"]["calledAgo"] == "dipanggil 1 mnt lalu"  # by the hub's clock


def test_refusals_are_said_not_dropped():
    d = Desk()
    assert d.refusal("next", 0)[0] == "Nomor loket belum dipilih."
    d = ready_desk()
    assert d.refusal("next", 0) is None
    assert d.refusal("finish", 0)[0] == "Tidak ada nomor yang sedang dipanggil."
    d.busy = "next"
    assert d.refusal("next", 0)[0] == "Menunggu jawaban hub…"
    d.busy = None
    d.set_hub_up(False, 5.0)
    assert d.refusal("recall", 6)[0] == \
        'Hub tidak terhubung: "Panggil Ulang" TIDAK dikirim. Coba lagi setelah tersambung.'
    v = d.view(now_mono=47.0)
    assert v["hubDown"] and "(42 dtk)" in v["hubDownDetail"]
    assert not v["nextEnabled"] and not any(a["allowed"] for a in v["actions"])


def test_next_right_after_a_call_is_a_double_press_and_pause_waits_for_the_ticket():
    d = ready_desk(next_guard_s=2.0)
    d.busy = "next"
    assert d.apply_result("next", ticket(), now_mono=10.0) == "A012 dipanggil ke loket 2."
    assert d.refusal("next", 11.0)[0] == "Tekan ganda diabaikan: A012 baru saja dipanggil."
    assert d.refusal("next", 12.5) is None
    assert d.refusal("pause", 12.5)[0] == "Selesaikan A012 dulu sebelum istirahat."
    assert d.apply_result("no_show", ticket(state="no_show"), 13.0) == \
        "A012 dicatat tidak hadir."
    assert d.ticket is None and d.refusal("pause", 13.0) is None
    assert d.apply_result("next", None, 14.0) == "Tidak ada yang menunggu."


def test_transfer_picker_offers_the_other_open_services():
    d = ready_desk()
    d.apply_result("next", ticket(), 0.0)
    d.transfer_open = True
    t = d.view(1.0)["transfer"]
    assert t["open"] and t["title"] == "Alihkan A012 ke layanan:"
    assert [(c["key"], c["service"]) for c in t["choices"]] == [("1", "kesehatan")]
    assert d.transfer_choice(1) == "kesehatan" and d.transfer_choice(2) is None
    assert d.apply_result("transfer", ticket(service="kesehatan", state="waiting"), 2.0) == \
        "A012 dialihkan ke Kesehatan."


def test_alerts_from_device_status_and_queue_surges_come_and_go():
    d = ready_desk()
    paper = {"type": "device.status", "data": {"device": "test-kiosk", "role": "kiosk",
                                              "component": "printer", "ok": False,
                                              "status": "paper_out"}}
    surge = {"type": "queue.alert", "data": {"service": "adminduk", "level": "surge",
                                            "oldest_wait_s": 2820, "limit_s": 2700}}
    assert d.apply_event(paper) is False and d.apply_event(surge) is False
    assert d.view(0)["alerts"] == [
        "Kios test-kiosk: Kertas printer habis",
        "Lonjakan antrean Administrasi Kependudukan: ada warga menunggu 47 mnt (batas 45 mnt)"]
    d.lang = "en"
    assert d.view(0)["alerts"][0] == "Kiosk test-kiosk: Printer paper out"
    d.apply_event({"type": "queue.alert", "data": {"service": "adminduk", "level": "clear"}})
    d.apply_event({"type": "device.status", "data": {"device": "test-kiosk", "role": "kiosk",
                                                    "component": "printer", "ok": True}})
    assert d.view(0)["alerts"] == []
    assert d.apply_event({"type": "ticket.issued"}) is True
    assert alert_from_event({"type": "ticket.called"}) is None


def test_other_counters_merge_the_hub_and_the_lan():
    d = ready_desk()
    d.lan = True
    d.me = "counter-me"
    d.peers = [Peer("counter", "p", "meja-tiga", "counter-meja-tiga", ("127.0.0.1",), 0, counter=3),
               Peer("counter", "p", "me", "counter-me", ("127.0.0.1",), 0, counter=2)]
    d.apply_queue(queue(others=[{"number": 1, "state": "serving", "ticket": ticket("A007")},
                                {"number": 3, "state": "paused", "ticket": None}]), T0)
    rows = d.view(0)["others"]
    assert [(r["number"], r["stateText"], r["ticket"], r["onLan"]) for r in rows] == [
        (1, "Melayani", "A007", False), (3, "Istirahat", "", True)]
    assert rows[0]["lanText"] == "tidak terlihat di jaringan"


def _peer(n, instance, since=None):
    props = {"since": str(since)} if since is not None else {}
    return Peer("counter", "p", instance, instance, ("127.0.0.1",), 0, counter=n,
                properties=props)


def test_free_numbers_and_who_keeps_a_disputed_number():
    peers = [_peer(1, "a", 100), _peer(3, "b", 200), _peer(None, "c")]
    assert free_numbers(peers, me=None)[:4] == [2, 4, 5, 6]
    assert len(free_numbers(peers, me=None)) == 10
    assert holder_of(3, peers, me="b") is None  # ourselves
    assert winner_over(3, 150, peers, me="z") is None  # we claimed before b
    assert winner_over(3, 250, peers, me="z").instance == "b"
    assert winner_over(3, 200, peers, me="c2").instance == "b"  # a tie: smaller name wins
    assert winner_over(3, 200, peers, me="a2") is None


@pytest.mark.parametrize(("key", "action"), [
    (Qt.Key.Key_Enter, "next"), (Qt.Key.Key_Plus, "next"), (Qt.Key.Key_0, "recall"),
    (Qt.Key.Key_Insert, "recall"), (Qt.Key.Key_Period, "recall"), (Qt.Key.Key_Delete, "recall"),
    (Qt.Key.Key_Minus, "no_show"), (Qt.Key.Key_Asterisk, "finish"),
    (Qt.Key.Key_Slash, "transfer"), (Qt.Key.Key_9, "pause"), (Qt.Key.Key_PageUp, "pause"),
    (Qt.Key.Key_5, None)])
def test_keypad_keys_with_numlock_on_or_off(key, action):
    assert action_for_key(key) == action


def test_keypad_digits_with_numlock_off():
    assert [digit_for_key(k) for k in (Qt.Key.Key_End, Qt.Key.Key_Clear, Qt.Key.Key_Insert)] == \
        [1, 5, 0]


@pytest.mark.parametrize("scene", SCENES)
def test_every_staged_scene_renders(scene):
    d = Desk()
    stage(d, scene, now=T0)
    v = d.view(now_mono=0.0, now_epoch=T0)
    assert v["phase"] == ("choose" if scene == "choose" else "ready")
    assert v["hubDown"] == (scene == "hub-down")
    assert bool(v["alerts"]) == (scene == "alert")
    assert v["ticket"]["present"] == (scene in ("called", "alert", "transfer")
                                      or scene.startswith("nik"))
    assert v["transfer"]["open"] == (scene == "transfer")
    assert v["nik"]["open"] == scene.startswith("nik")
    assert v["nik"]["problem"].startswith("Tanggal lahir") == (scene == "nik-mistyped")
    assert v["nik"]["result"].startswith("Sudah menerima") == (scene == "nik-found")


def test_durations_read_naturally():
    assert [duration(s) for s in (None, 5, 59, 60, 3599, 3660)] == \
        ["–", "5 dtk", "59 dtk", "1 mnt", "59 mnt", "1 j 01 mnt"]
    assert duration(3660, "en") == "1 h 01 min"
