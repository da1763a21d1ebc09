"""The counter's view-model against a real hub process on loopback (no QML here).

Each action must reach the hub, which is checked by asking the hub, not the counter.
"""

from __future__ import annotations

import httpx
from counter_helpers import counter_at, issue, ticket_state


def test_call_next_follows_the_priority_rule(hub, make_vm, qtbot):
    a1 = issue(hub, "adminduk")
    a2 = issue(hub, "adminduk", "elderly")
    b1 = issue(hub, "kesehatan", "disabled")
    vm = make_vm(hub, number=1)

    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None, timeout=5000)
    assert vm.desk.ticket["id"] == a2["id"]  # the oldest priority ticket goes first
    assert counter_at(hub, 1)["ticket"]["number"] == a2["number"]
    view = vm.render_now()
    assert view["ticket"]["number"] == a2["number"]
    assert view["ticket"]["priority"] == "Lansia"
    assert view["nextLabel"] == "Selesai & Panggil Berikutnya"
    assert a2["number"] in view["nextHint"]

    # "next" while a ticket is called finishes it as served (after the double-press guard).
    vm.desk.called_mono -= 10
    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.ticket["id"] == b1["id"], timeout=5000)
    assert ticket_state(hub, a2["id"])["state"] == "served"
    assert vm.render_now()["ticket"]["priority"] == "Disabilitas"

    vm.press("finish")
    qtbot.waitUntil(lambda: vm.desk.ticket is None and vm.desk.busy is None, timeout=5000)
    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.ticket["id"] == a1["id"], timeout=5000)
    vm.press("finish")
    qtbot.waitUntil(lambda: vm.desk.ticket is None and vm.desk.busy is None, timeout=5000)
    vm.press("next")  # nobody left
    qtbot.waitUntil(lambda: vm.desk.busy is None, timeout=5000)
    assert vm.render_now()["notice"] == "Tidak ada yang menunggu."


def test_recall_no_show_finish_transfer_and_pause_reach_the_hub(counter_hub, make_vm, qtbot):
    hub = counter_hub
    tickets = [issue(hub, "kesehatan") for _ in range(3)]
    vm = make_vm(hub, number=2, services=["kesehatan"], next_guard_s=0)

    def act(action: str) -> None:
        vm.press(action)
        qtbot.waitUntil(lambda: vm.desk.busy is None, timeout=5000)
        assert vm.desk.notice and vm.desk.notice[1] == "ok", vm.desk.notice

    act("next")
    assert vm.desk.ticket["id"] == tickets[0]["id"]
    act("recall")
    assert ticket_state(hub, tickets[0]["id"])["recalls"] == 1
    act("no_show")
    assert ticket_state(hub, tickets[0]["id"])["state"] == "no_show"

    act("next")
    act("finish")
    assert ticket_state(hub, tickets[1]["id"])["state"] == "served"

    act("next")
    vm.press("transfer")  # opens the picker; nothing is sent yet
    picker = vm.render_now()["transfer"]
    assert picker["open"] and "kesehatan" not in [c["service"] for c in picker["choices"]]
    vm.chooseTransfer("pengaduan")
    qtbot.waitUntil(lambda: vm.desk.busy is None, timeout=5000)
    moved = ticket_state(hub, tickets[2]["id"])
    assert (moved["state"], moved["service"], moved["number"]) == \
        ("waiting", "pengaduan", tickets[2]["number"])

    act("pause")
    assert counter_at(hub, 2)["state"] == "paused"
    assert vm.render_now()["actions"][-1]["label"] == "Lanjutkan"
    act("pause")
    assert counter_at(hub, 2)["state"] == "idle"


def test_actions_that_need_a_ticket_are_refused_on_screen(counter_hub, make_vm):
    vm = make_vm(counter_hub, number=5, services=["pengaduan"])
    for action in ("recall", "no_show", "finish", "transfer"):
        vm.press(action)
        assert vm.desk.busy is None
        assert vm.render_now()["notice"] == "Tidak ada nomor yang sedang dipanggil."


def test_a_double_press_of_next_calls_one_ticket(counter_hub, make_vm, qtbot):
    hub = counter_hub
    tickets = [issue(hub, "literasi") for _ in range(3)]
    vm = make_vm(hub, number=3, services=["literasi"])

    vm.press("next")
    vm.press("next")  # before the hub answered: ignored
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.busy is None, timeout=5000)
    vm.press("next")  # just after the answer, within the guard: still a double press
    assert vm.desk.busy is None
    assert "Tekan ganda diabaikan" in vm.render_now()["notice"]
    qtbot.wait(300)

    states = [ticket_state(hub, t["id"])["state"] for t in tickets]
    assert states == ["called", "waiting", "waiting"]
    assert counter_at(hub, 3)["ticket"]["id"] == tickets[0]["id"]


def test_hub_killed_shows_the_banner_and_restarted_comes_back(hub, make_vm, qtbot):
    issue(hub, "adminduk")
    vm = make_vm(hub, number=1)

    hub.kill()  # the event stream may not even be up yet: the /queue poll notices then
    qtbot.waitUntil(lambda: vm.desk.hub_up is False, timeout=10000)
    view = vm.render_now()
    assert view["hubDown"] and view["hubDownText"] == "Hub tidak terhubung"
    assert not view["nextEnabled"]
    vm.press("next")  # refused visibly, not dropped
    assert vm.desk.busy is None
    assert "TIDAK dikirim" in vm.render_now()["notice"]

    hub.start()
    qtbot.waitUntil(lambda: vm.desk.hub_up is True, timeout=8000)
    assert not vm.render_now()["hubDown"]
    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None, timeout=5000)
    assert counter_at(hub, 1)["ticket"]["number"] == "A001"

    # The event stream is back too: a kiosk's paper-out reaches the banner.
    r = httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("kiosk"),
                   json={"component": "printer", "ok": False, "status": "paper_out"})
    r.raise_for_status()
    qtbot.waitUntil(lambda: bool(vm.render_now()["alerts"]), timeout=10000)
    assert vm.render_now()["alerts"] == ["Kios test-kiosk: Kertas printer habis"]
    r = httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("kiosk"),
                   json={"component": "printer", "ok": True, "status": "ok"})
    qtbot.waitUntil(lambda: not vm.render_now()["alerts"], timeout=5000)
