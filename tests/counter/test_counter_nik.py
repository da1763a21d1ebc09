"""The NIK step at the counter (issue 16) against a real hub: a programme's resident is
asked for the NIK on the keypad; a mistyped one is said before anything is sent; the hub's
answer is shown; the clerk's decision is recorded; the NIK is in no log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from counter_helpers import TEST_POST, issue
from hubproc import HubProcess, bansos_config
from PySide6.QtCore import Qt

NIK = "3171015508850002"  # made up: 31 71 01, a woman born 15-08-1985, serial 0002
MISTYPED = "3171013208850002"  # day 32


@pytest.fixture
def bansos_hub(tmp_path: Any) -> Iterator[HubProcess]:
    hub = HubProcess(tmp_path / "hub", config=bansos_config(tmp_path / "post.toml",
                                                            post_id=TEST_POST))
    hub.make_tokens()
    hub.start()
    yield hub
    hub.kill()  # see tests/counter/conftest.py ``hub``


def _type(vm: Any, digits: str) -> None:
    for d in digits:
        assert vm.key(getattr(Qt.Key, f"Key_{d}"))


def _call(vm: Any, qtbot: Any) -> None:
    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None and vm.desk.busy is None, timeout=5000)


def _stats(hub: HubProcess) -> dict[str, int]:
    (p,) = httpx.get(f"{hub.url}/api/v1/beneficiaries/stats").json()["programmes"]
    return p["today"]  # type: ignore[no-any-return]


def test_the_clerk_checks_the_nik_and_records_the_decision(bansos_hub, make_vm, qtbot, caplog,
                                                          window):
    caplog.set_level(logging.DEBUG)
    hub = bansos_hub
    first, second = issue(hub, "bansos"), issue(hub, "bansos")
    vm = make_vm(hub, number=1, services=["bansos"], next_guard_s=0)
    win = window(vm, (800, 480))
    _call(vm, qtbot)
    view = vm.render_now()["nik"]
    assert view["open"] and view["phase"] == "enter"
    assert first["number"] in view["title"] and "NIK" in view["title"]
    panel = win.findChild(object, "nikPanel")
    assert panel is not None and panel.property("visible")

    # a mistyped NIK: said on screen, nothing sent; Enter does not call the next resident
    _type(vm, MISTYPED)
    assert vm.key(Qt.Key.Key_Enter)
    view = vm.render_now()["nik"]
    assert view["phase"] == "enter" and "Tanggal lahir" in view["problem"]
    assert vm.desk.busy is None and vm.desk.ticket["id"] == first["id"]
    for _ in range(16):  # "." erases, as on the keypad
        vm.key(Qt.Key.Key_Period)
    _type(vm, NIK)
    assert vm.render_now()["nik"]["typed"] == "3171 0155 0885 0002"
    vm.key(Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: vm.desk.nik.phase == "result", timeout=5000)
    assert vm.render_now()["nik"]["result"] == "Belum tercatat menerima bansos-2026."
    vm.key(Qt.Key.Key_1)  # diberikan
    qtbot.waitUntil(lambda: not vm.desk.nik.open and vm.desk.busy is None, timeout=5000)
    assert vm.render_now()["notice"] == f"{first['number']}: bantuan dicatat DIBERIKAN."
    assert _stats(hub) == {"given": 1, "refused": 0}

    # the same resident comes back with another ticket: the hub says where and when
    _call(vm, qtbot)
    assert vm.desk.ticket["id"] == second["id"] and vm.desk.nik.open
    _type(vm, NIK)
    vm.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: vm.desk.nik.phase == "result", timeout=5000)
    result = vm.render_now()["nik"]["result"]
    assert result.startswith("Sudah menerima pada ") and "(loket 1)" in result
    assert "Pos Pelayanan Jemput Bola Kelurahan Sukamaju" in result
    vm.nik.decide("refused")  # a touch on "Ditolak: sudah menerima"
    qtbot.waitUntil(lambda: not vm.desk.nik.open and vm.desk.busy is None, timeout=5000)
    assert "DITOLAK" in vm.render_now()["notice"]
    assert _stats(hub) == {"given": 1, "refused": 1}
    assert vm.desk.nik.typed == ""  # forgotten once recorded
    assert NIK not in caplog.text and MISTYPED not in caplog.text


def test_closing_the_panel_serves_without_a_record(bansos_hub, make_vm, qtbot):
    hub = bansos_hub
    t = issue(hub, "bansos")
    vm = make_vm(hub, number=2, services=["bansos"], next_guard_s=0)
    _call(vm, qtbot)
    assert vm.desk.nik.open
    _type(vm, NIK[:5])
    assert vm.key(Qt.Key.Key_Slash)
    view = vm.render_now()
    assert not view["nik"]["open"] and vm.desk.nik.typed == ""
    assert vm.desk.ticket["id"] == t["id"]  # still called: the clerk goes on as usual
    vm.press("finish")
    qtbot.waitUntil(lambda: vm.desk.ticket is None and vm.desk.busy is None, timeout=5000)
    assert _stats(hub) == {"given": 0, "refused": 0}


def test_a_service_without_the_check_asks_for_no_nik(bansos_hub, make_vm, qtbot):
    issue(bansos_hub, "kesehatan")
    vm = make_vm(bansos_hub, number=3, services=["kesehatan"], next_guard_s=0)
    _call(vm, qtbot)
    assert not vm.render_now()["nik"]["open"]
