"""A resident at the kiosk: touches on the real QML against a real hub, the printed bytes read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from kiosk_helpers import day_log, hub_events, kiosk_config, set_service_open
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hardware.escpos_render import decode, decode_qr
from hardware.printer import FakePrinter
from kiosk.config import hash_pin


def hub_ticket(hub: Any, ticket_id: str) -> dict[str, Any]:
    r = httpx.get(f"{hub.url}/api/v1/tickets/{ticket_id}")
    r.raise_for_status()
    return dict(r.json())


def printer_events(hub: Any) -> list[tuple[bool, str]]:
    """The hub's device.status events about printers, as (ok, status)."""
    return [(e["data"]["ok"], e["data"]["status"]) for e in hub_events(hub, "device.status")
            if e["data"]["component"] == "printer"]


def test_a_tile_touch_issues_a_ticket_and_prints_it(shared_hub, make_kiosk) -> None:
    printer = FakePrinter(paper_mm=80)
    k = make_kiosk(kiosk_config(shared_hub, kiosk={"confirm_s": 2}), printer)
    before = len(day_log(shared_hub))

    k.click("tile-kesehatan")
    k.wait_screen("confirm")

    assert len(day_log(shared_hub)) == before + 1
    assert len(printer.printed) == 1
    ticket = hub_ticket(shared_hub, printer.tickets[0].ticket_id)
    assert ticket["service"] == "kesehatan" and ticket["priority"] is None
    # What a resident reads on the paper: the number, the service, the time it was issued.
    paper = decode(printer.printed[0])
    issued = datetime.fromisoformat(ticket["issued_at"])
    assert ticket["number"] in paper.lines
    assert "Kesehatan" in paper.lines
    assert issued.strftime("%d/%m/%Y %H:%M") in paper.lines
    assert "Pos Pelayanan Jemput Bola" in paper.text
    assert decode_qr(paper.images[0]) == [ticket["id"]]
    # ... and on the screen, the same number, large.
    assert k.item("ticketNumber").property("text") == ticket["number"]
    assert k.vm.ticket["service"] == "Kesehatan"
    k.wait_screen("start", timeout=4)  # back by itself after confirm_s


def test_a_priority_choice_then_a_tile_issues_a_priority_ticket(shared_hub, make_kiosk) -> None:
    printer = FakePrinter(paper_mm=58)
    k = make_kiosk(kiosk_config(shared_hub), printer)

    k.click("priority-elderly")
    assert k.vm.priority == "elderly"
    assert "Lansia" in k.vm.priorityBanner
    k.click("tile-adminduk")
    k.wait_screen("confirm")

    ticket = hub_ticket(shared_hub, printer.tickets[0].ticket_id)
    assert ticket["priority"] == "elderly" and ticket["service"] == "adminduk"
    assert "PRIORITAS: LANSIA" in decode(printer.printed[0]).lines
    assert k.vm.priority == ""  # the next resident starts without it


def test_a_second_priority_touch_unselects_it(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    k.click("priority-disabled")
    assert k.vm.priority == "disabled"
    k.click("priority-disabled")
    assert k.vm.priority == ""


def test_a_double_tap_issues_one_ticket(shared_hub, make_kiosk) -> None:
    printer = FakePrinter()
    k = make_kiosk(kiosk_config(shared_hub), printer)
    before = len(day_log(shared_hub))
    tile = k.item("tile-bansos")
    centre = tile.mapToScene(tile.boundingRect().center()).toPoint()

    QTest.mouseDClick(k.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    k.click("tile-bansos")
    k.wait_screen("confirm")
    # A late third tap lands on the confirmation, which ignores it for its first moments.
    QTest.mouseClick(k.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    k.click("doneButton")
    assert k.vm.screen == "confirm"
    k.qtbot.wait(300)

    assert len(day_log(shared_hub)) == before + 1
    assert len(printer.printed) == 1


def test_a_closed_service_shows_closed_and_cannot_be_taken(shared_hub, make_kiosk) -> None:
    printer = FakePrinter()
    k = make_kiosk(kiosk_config(shared_hub), printer)
    set_service_open(shared_hub, "pengaduan", False)
    try:
        k.wait(lambda: not k.vm.services.tile("pengaduan")["available"])
        assert k.vm.services.tile("pengaduan")["statusText"] == "Tutup"
        before = len(day_log(shared_hub))
        k.click("tile-pengaduan")
        k.qtbot.wait(300)
        assert k.vm.screen == "start"
        assert len(day_log(shared_hub)) == before and not printer.printed
    finally:
        set_service_open(shared_hub, "pengaduan", True)
    k.wait(lambda: k.vm.services.tile("pengaduan")["available"])


def test_waiting_counts_follow_the_hub(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    before = k.vm.services.tile("literasi")["waiting"]
    import uuid

    r = httpx.post(f"{shared_hub.url}/api/v1/tickets", headers=shared_hub.headers("kiosk"),
                   json={"service": "literasi", "request_id": str(uuid.uuid4())})
    assert r.status_code == 201
    # The hub's ticket.issued event makes the kiosk refresh at once (no 15 s poll).
    k.wait(lambda: k.vm.services.tile("literasi")["waiting"] == before + 1, timeout=3)


def test_english_toggle_and_back_to_indonesian_for_the_next_resident(shared_hub, make_kiosk,
                                                                     monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    printer = FakePrinter()
    k = make_kiosk(kiosk_config(shared_hub), printer)
    k.click("langButton")
    assert k.vm.lang == "en"
    assert k.vm.services.tile("kesehatan")["name"] == "Health"
    assert k.vm.words["title"] == "Take a Queue Number"
    k.click("tile-kesehatan")
    k.wait_screen("confirm")
    paper = decode(printer.printed[0])
    assert "Health" in paper.lines and "Queue number" in paper.lines
    k.click("doneButton")
    assert k.vm.screen == "start" and k.vm.lang == "id"


def test_staff_menu_without_a_pin_says_how_to_set_one(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    k.vm.staff.show()
    k.wait(lambda: k.vm.staff.open)
    assert not k.vm.staff.pinConfigured
    assert not k.vm.staff.submit() and not k.vm.staff.unlocked
    assert "antrean kiosk --hash-pin" in k.item("noPinText").property("text")
    k.click("staffClose")
    assert not k.vm.staff.open


def test_reprint_from_the_pin_protected_staff_menu(shared_hub, make_kiosk) -> None:
    printer = FakePrinter()
    cfg = kiosk_config(shared_hub, staff={"pin_hash": hash_pin("2468")})
    k = make_kiosk(cfg, printer)
    seen = len(printer_events(shared_hub))
    printer.fail_with = "paper_out"

    k.click("tile-adminduk")
    k.wait_screen("printer-fault")
    number = k.vm.ticket["number"]
    assert k.item("ticketNumber").property("text") == number
    assert not printer.printed
    k.wait(lambda: len(printer_events(shared_hub)) > seen)
    assert printer_events(shared_hub)[seen] == (False, "paper_out")

    k.vm.staff.show()
    k.wait(lambda: k.vm.staff.open)
    for key in "1111":
        k.click(f"pin-{key}")
    k.click("pin-OK")
    assert not k.vm.staff.unlocked and k.vm.staff.message == "PIN salah"
    for key in "2468":
        k.click(f"pin-{key}")
    k.click("pin-OK")
    assert k.vm.staff.unlocked

    printer.fail_with = None  # paper loaded
    k.click(f"reprint-{number}")
    k.wait(lambda: printer.printed)
    assert number in decode(printer.printed[0]).lines
    k.wait(lambda: "dicetak ulang" in k.vm.staff.message)
    k.wait(lambda: printer_events(shared_hub)[-1] == (True, "ok"))  # told to the hub
    assert k.vm.printerOk
