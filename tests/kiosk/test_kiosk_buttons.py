"""The button box, through a real pseudo-terminal: a press is a touch; garbage is nothing;
a rating box's faces rate the ticket on screen, never a guessed one."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from kiosk_helpers import day_log, kiosk_config, satisfaction, serve
from ptys import Pty

from hardware.escpos_render import decode
from hardware.printer import FakePrinter


@pytest.fixture
def box() -> Iterator[Pty]:
    end = Pty()
    yield end
    end.close()


def test_a_mapped_button_takes_its_service_and_priority(shared_hub, make_kiosk, box) -> None:
    printer = FakePrinter()
    cfg = kiosk_config(shared_hub, buttons={"port": box.path,
                                            "map": {2: {"service": "bansos",
                                                        "priority": "disabled"}}})
    k = make_kiosk(cfg, printer)
    k.wait(lambda: k.kiosk.buttons.connected)

    box.send(b"2\n")
    k.wait_screen("confirm")  # exactly like a touch: the number on screen, and printed

    ticket = httpx.get(f"{shared_hub.url}/api/v1/tickets/{printer.tickets[0].ticket_id}").json()
    assert (ticket["service"], ticket["priority"]) == ("bansos", "disabled")
    assert ticket["number"] in decode(printer.printed[0]).lines


def test_without_a_mapping_button_n_takes_the_nth_service(shared_hub, make_kiosk, box) -> None:
    printer = FakePrinter()
    k = make_kiosk(kiosk_config(shared_hub, buttons={"port": box.path}), printer)
    k.wait(lambda: k.kiosk.buttons.connected)

    box.send(b"2\r\n")
    k.wait(lambda: printer.tickets)

    ticket = httpx.get(f"{shared_hub.url}/api/v1/tickets/{printer.tickets[0].ticket_id}").json()
    assert (ticket["service"], ticket["priority"]) == ("kesehatan", None)  # 2nd of the post


def test_garbage_and_unknown_buttons_take_nothing_and_break_nothing(shared_hub, make_kiosk,
                                                                    box) -> None:
    printer = FakePrinter()
    k = make_kiosk(kiosk_config(shared_hub, buttons={"port": box.path}), printer)
    k.wait(lambda: k.kiosk.buttons.connected)
    before = len(day_log(shared_hub))

    box.send(b"\x00\xff\xfe garbage\n" + b"9" * 40 + b"\n-1\n1.5\n\n42\n0\n")
    k.qtbot.wait(500)
    assert len(day_log(shared_hub)) == before and not printer.printed
    assert k.vm.screen == "start"

    box.send(b"1\n")  # the box still works afterwards
    k.wait(lambda: printer.tickets)
    assert len(day_log(shared_hub)) == before + 1


def test_a_rating_box_rates_the_ticket_on_screen_and_never_guesses(shared_hub, make_kiosk,
                                                                     box) -> None:
    k = make_kiosk(kiosk_config(shared_hub, buttons={"port": box.path, "mode": "rating"}))
    k.wait(lambda: k.kiosk.buttons.connected)
    ticket = serve(shared_hub, "kesehatan")
    before = satisfaction(shared_hub)

    box.send(b"1\n")  # a face pressed before any ticket is known: it asks for one
    k.wait_screen("rate-entry")
    assert k.vm.rating.message == \
        "Ketik atau pindai nomor antrean Anda dulu, lalu tekan tombol wajah."
    k.qtbot.wait(200)
    assert satisfaction(shared_hub) == before  # nothing rated on a guess

    k.scan(ticket["id"])
    k.wait_screen("rate-faces")
    box.send(b"2\n2\n")  # button 2 is "Puas" (3); pressed twice, rated once
    k.wait_screen("rate-thanks")
    k.qtbot.wait(200)
    after = satisfaction(shared_hub)
    assert after["3"] == before["3"] + 1 and sum(after.values()) == sum(before.values()) + 1


def test_a_mixed_box_takes_tickets_and_rates(shared_hub, make_kiosk, box) -> None:
    printer = FakePrinter()
    cfg = kiosk_config(shared_hub, buttons={"port": box.path, "map": {
        1: {"service": "adminduk"}, 9: {"rating": 1}}})
    k = make_kiosk(cfg, printer)
    k.wait(lambda: k.kiosk.buttons.connected)
    ticket = serve(shared_hub, "literasi")
    before = satisfaction(shared_hub)

    k.scan(ticket["number"])  # a typed number and Enter work like a scanned ticket
    k.wait_screen("rate-faces")
    box.send(b"1\n")  # a ticket button while someone rates: not theirs, ignored
    box.send(b"9\n")
    k.wait_screen("rate-thanks")
    assert not printer.printed
    assert satisfaction(shared_hub)["1"] == before["1"] + 1
