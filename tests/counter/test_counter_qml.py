"""The real QML screen, offscreen, on a real hub: clicks, keypad keys and screenshots.

The screenshots (idle, a called priority ticket, a kiosk printer alert, hub down; at
1280×800 and 1024×600) land in ``out/screens/counter-*.png`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from counter_helpers import counter_at, issue, ticket_state
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from counter.app import grab

SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens"
SIZES = ((1280, 800), (1024, 600))


def item(win, name: str) -> QQuickItem:
    found = win.findChild(QQuickItem, name)
    assert found is not None, f"no QML item {name!r}"
    return found


def click(win, name: str) -> None:
    it = item(win, name)
    centre = it.mapToScene(QPointF(it.width() / 2, it.height() / 2)).toPoint()
    QTest.mouseClick(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def test_click_next_twice_calls_once_and_the_keypad_works(hub, make_vm, window, qtbot):
    # A hub of its own and a service without the NIK step (Bantuan Sosial's residents get
    # it first: test_counter_nik.py); every service of the shared hub is another test's.
    tickets = [issue(hub, "kesehatan") for _ in range(3)]
    vm = make_vm(hub, number=7, services=["kesehatan"])
    win = window(vm)
    assert item(win, "title").property("text") == "Loket 7"

    click(win, "nextButton")
    click(win, "nextButton")  # a double press
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.busy is None, timeout=5000)
    qtbot.waitUntil(lambda: item(win, "nextButton").property("label")
                    == "Selesai & Panggil Berikutnya", timeout=2000)
    assert [ticket_state(hub, t["id"])["state"] for t in tickets] == \
        ["called", "waiting", "waiting"]

    QTest.keyClick(win, Qt.Key.Key_0)  # recall
    qtbot.waitUntil(lambda: ticket_state(hub, tickets[0]["id"])["recalls"] == 1, timeout=5000)
    qtbot.waitUntil(lambda: vm.desk.busy is None, timeout=5000)

    QTest.keyClick(win, Qt.Key.Key_Slash)  # transfer: the picker opens
    qtbot.waitUntil(lambda: bool(item(win, "transferPicker").property("visible")), timeout=2000)
    QTest.keyClick(win, Qt.Key.Key_1)  # the first service offered: adminduk
    qtbot.waitUntil(lambda: ticket_state(hub, tickets[0]["id"])["service"] == "adminduk",
                    timeout=5000)
    qtbot.waitUntil(lambda: vm.desk.busy is None and vm.desk.ticket is None, timeout=5000)

    QTest.keyClick(win, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)  # next
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.busy is None, timeout=5000)
    QTest.keyClick(win, Qt.Key.Key_Minus, Qt.KeyboardModifier.KeypadModifier)  # no-show
    qtbot.waitUntil(lambda: ticket_state(hub, tickets[1]["id"])["state"] == "no_show",
                    timeout=5000)
    qtbot.waitUntil(lambda: vm.desk.busy is None, timeout=5000)
    QTest.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.KeypadModifier)  # next
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.busy is None, timeout=5000)
    QTest.keyClick(win, Qt.Key.Key_Asterisk, Qt.KeyboardModifier.KeypadModifier)  # served
    qtbot.waitUntil(lambda: ticket_state(hub, tickets[2]["id"])["state"] == "served",
                    timeout=5000)

    click(win, "langButton")
    qtbot.waitUntil(lambda: item(win, "title").property("text") == "Counter 7", timeout=2000)


def _shoot(win, scene: str, qtbot) -> None:
    for w, h in SIZES:
        win.setWidth(w)
        win.setHeight(h)
        qtbot.wait(150)
        path = SCREENS / f"counter-{scene}-{w}x{h}.png"
        assert grab(win, path), path
        assert path.stat().st_size > 10_000


def test_screenshots_of_the_four_states(hub, make_vm, window, qtbot):
    for service, priority in (("adminduk", None), ("adminduk", None), ("adminduk", "elderly"),
                              ("kesehatan", None), ("bansos", "disabled")):
        issue(hub, service, priority)
    httpx.post(f"{hub.url}/api/v1/counters/1/next", headers=hub.counter_headers(1))
    httpx.post(f"{hub.url}/api/v1/counters/3/pause", headers=hub.counter_headers(3))
    vm = make_vm(hub, number=2, next_guard_s=0.3)
    win = window(vm)
    _shoot(win, "idle", qtbot)

    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None, timeout=5000)
    qtbot.wait(400)  # past the double-press guard: the button is green again
    assert vm.desk.ticket["priority"] == "disabled"  # the oldest priority ticket
    assert counter_at(hub, 2)["ticket"]["number"] == "C001"
    vm.render_now()
    _shoot(win, "called", qtbot)

    httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("kiosk"),
               json={"component": "printer", "ok": False, "status": "paper_out",
                     "message": "Kertas habis"}).raise_for_status()
    qtbot.waitUntil(lambda: bool(item(win, "alertBanner").property("visible")), timeout=5000)
    _shoot(win, "alert", qtbot)

    hub.kill()
    qtbot.waitUntil(lambda: bool(item(win, "hubDownBanner").property("visible")), timeout=10000)
    vm.press("recall")
    vm.render_now()
    assert "TIDAK dikirim" in item(win, "notice").property("text")
    _shoot(win, "hub-down", qtbot)
