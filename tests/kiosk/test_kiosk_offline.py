"""Offline issuing, end to end: a real kiosk (QML offscreen, its own outbox on disk) against
a real hub process that is killed and restarted. What must hold: a ticket is in the outbox
before it prints; the hub gets every printed number exactly once, in order, with its time;
a kiosk restarted with no hub keeps issuing from its reserve; a used-up reserve says so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk_helpers import day_log, kiosk_config

from hardware.escpos_render import decode
from hardware.printer import FakePrinter
from kiosk.outbox import Outbox


def numbers_at_hub(hub: Any) -> list[str]:
    return [r["number"] for r in day_log(hub)]


def touch(k: Any, service: str = "kesehatan") -> None:
    k.click(f"tile-{service}")
    k.wait(lambda: k.vm.screen in ("confirm", "printer-fault"), timeout=15)
    k.vm.dismiss()
    k.wait_screen("start")


def test_online_the_kiosk_issues_from_its_reserve_in_sequence(hub_process, make_kiosk,
                                                              tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    printer = FakePrinter(80)
    k = make_kiosk(kiosk_config(hub_process), printer, data_dir=tmp_path / "kiosk",
                   online_poll_s=2)
    k.wait(lambda: k.vm.services.tile("kesehatan") is not None)
    k.wait(lambda: k.kiosk.outbox.reserve_states(k.kiosk.client.clock.now())
           .get("kesehatan") is not None)
    for _ in range(7):
        touch(k)
    assert [t.number for t in printer.tickets] == [f"B00{i}" for i in range(1, 8)]
    # the hub answered in time: each printed with its place in the queue
    assert [t.people_ahead for t in printer.tickets] == list(range(7))
    assert numbers_at_hub(hub_process) == [f"B00{i}" for i in range(1, 8)]
    assert not k.kiosk.outbox.pending()


def test_with_the_hub_killed_tickets_print_from_the_reserve_and_reach_it_later(
        hub_process, make_kiosk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    printer = FakePrinter(58)
    k = make_kiosk(kiosk_config(hub_process), printer, data_dir=tmp_path / "kiosk",
                   online_poll_s=2)
    k.wait(lambda: k.kiosk.outbox.reserve_states(k.kiosk.client.clock.now())
           .get("adminduk", None) is not None)
    touch(k, "adminduk")  # online: A001
    hub_process.kill()
    k.wait(lambda: not k.vm.hubOnline, timeout=10)
    assert k.vm.screen == "start" and k.vm.offline  # not "hub down": it keeps issuing

    k.click("tile-adminduk")
    k.wait_screen("confirm")
    shown = k.vm.ticket
    assert shown["number"] == "A002" and shown["offline"]
    assert shown["ahead"] == "Orang di depan Anda: —" and shown["wait"].endswith("—")
    ticket = printer.tickets[-1]
    assert ticket.people_ahead is None and ticket.ticket_id  # its QR: the ticket's own id
    paper = decode(printer.printed[-1]).lines
    assert "A002" in paper and "sah dan akan dipanggil" in " ".join(paper)
    assert any(line.endswith(": -") for line in paper)
    k.vm.dismiss()
    for _ in range(4):  # the reserve was topped up to five after A001
        touch(k, "adminduk")
    assert [t.number for t in printer.tickets] == [f"A00{i}" for i in range(1, 7)]
    assert [t.number for t in k.kiosk.outbox.pending()] == [f"A00{i}" for i in range(2, 7)]

    # The reserve is used up: the tile says so, and neither a touch nor the button box
    # (button 1: the first service) invents a number.
    tile = k.vm.services.tile("adminduk")
    assert tile is not None and not tile["available"]
    assert tile["statusText"] == "Nomor cadangan habis — mohon tunggu petugas"
    k.click("tile-adminduk")
    k.vm.button_pressed(1)
    k.wait_screen("refused")
    assert "Nomor cadangan habis" in k.vm.message
    assert len(printer.tickets) == 6
    k.vm.dismiss()
    other = k.vm.services.tile("kesehatan")  # another service still has its reserve
    assert other is not None and other["available"]

    hub_process.start()  # the same port and database: the outbox drains by itself
    k.wait(lambda: not k.kiosk.outbox.pending(), timeout=20)
    log = day_log(hub_process)
    assert [r["number"] for r in log] == [f"A00{i}" for i in range(1, 7)]
    offline = [t for t in k.kiosk.outbox.tickets() if t.number != "A001"]
    for row, t in zip(log[1:], offline, strict=True):  # kept with the time it was printed
        assert datetime.fromisoformat(row["issued_at"]) == t.issued_at.replace(microsecond=0)
        assert row["kiosk"] == "test-kiosk"
    k.wait(lambda: (k.vm.services.tile("adminduk") or {}).get("available"), timeout=10)
    touch(k, "adminduk")  # a new reserve was granted: numbering goes on, no gap, no repeat
    assert printer.tickets[-1].number == "A007"


def test_a_kiosk_restarted_with_no_hub_keeps_its_reserve_and_outbox(
        hub_process, make_kiosk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    data = tmp_path / "kiosk"
    printer = FakePrinter(80)
    k = make_kiosk(kiosk_config(hub_process), printer, data_dir=data, online_poll_s=2)
    k.wait(lambda: k.kiosk.outbox.reserve_states(k.kiosk.client.clock.now())
           .get("bansos") is not None)
    hub_process.kill()
    k.wait(lambda: k.vm.offline, timeout=10)
    touch(k, "bansos")  # C001, offline
    k.kiosk.close()  # the kiosk's power cut (its outbox is on disk)

    again = make_kiosk(kiosk_config(hub_process), printer, data_dir=data, wait_for=None,
                       online_poll_s=2)
    again.wait_screen("start", timeout=10)  # from what it kept: tiles, post name, clock
    assert again.vm.offline and again.vm.postName
    assert again.vm.clockTime != "—"
    again.qtbot.wait(500)  # the tiles' first frame: a touch before it lands nowhere
    touch(again, "bansos")
    assert [t.number for t in printer.tickets] == ["C001", "C002"]
    assert [t.number for t in again.kiosk.outbox.pending()] == ["C001", "C002"]
    first, second = again.kiosk.outbox.pending()
    assert second.issued_at >= first.issued_at  # the kept clock never runs backwards

    hub_process.start()
    again.wait(lambda: not again.kiosk.outbox.pending(), timeout=20)
    assert numbers_at_hub(hub_process) == ["C001", "C002"]


def test_the_outbox_is_written_before_the_printer_is_touched(hub_process, make_kiosk,
                                                             tmp_path: Path) -> None:
    class Watching(FakePrinter):
        """Reads the outbox from another connection at the moment it is asked to print."""

        seen: list[list[str]] = []

        def print_ticket(self, ticket: Any) -> None:
            box = Outbox(tmp_path / "kiosk")
            try:
                self.seen.append([t.number for t in box.tickets()])
            finally:
                box.close()
            super().print_ticket(ticket)

    printer = Watching(80)
    k = make_kiosk(kiosk_config(hub_process), printer, data_dir=tmp_path / "kiosk",
                   online_poll_s=2)
    k.wait(lambda: k.kiosk.outbox.reserve_states(k.kiosk.client.clock.now())
           .get("literasi") is not None)
    hub_process.kill()
    k.wait(lambda: k.vm.offline, timeout=10)
    k.click("tile-literasi")
    k.wait_screen("confirm")
    assert Watching.seen == [["D001"]]
