"""Faults never lose a ticket: printers that vanish, a hub that dies or freezes."""

from __future__ import annotations

import os
import select
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import httpx
from kiosk_helpers import day_log, hub_events, kiosk_config

from hardware.escpos_render import decode
from hardware.printer import make_printer
from kiosk.config import hash_pin

PIN = "2468"


def unlock_and_reprint(k: Any, number: str) -> None:
    """Staff: open the menu, type the PIN on the pad, reprint ``number``."""
    k.vm.staff.show()
    k.wait(lambda: k.vm.staff.open)
    for key in PIN:
        k.click(f"pin-{key}")
    k.click("pin-OK")
    assert k.vm.staff.unlocked
    k.click(f"reprint-{number}")


def printer_events(hub: Any) -> list[tuple[bool, str]]:
    return [(e["data"]["ok"], e["data"]["status"]) for e in hub_events(hub, "device.status")
            if e["data"]["component"] == "printer"]


def test_a_file_printer_whose_path_vanishes(hub_process, make_kiosk, tmp_path: Path,
                                            monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    folder = tmp_path / "dev"
    folder.mkdir()
    out = folder / "lp0"
    cfg = kiosk_config(hub_process, printer={"spec": f"file:{out}", "paper": 58},
                       staff={"pin_hash": hash_pin(PIN)})
    k = make_kiosk(cfg, printer=None)  # built from the config, as in the field
    k.click("tile-adminduk")
    k.wait_screen("confirm")
    assert "A001" in decode(out.read_bytes()).lines
    k.click("doneButton")

    shutil.rmtree(folder)  # the printer's device node is gone
    k.click("tile-adminduk")
    k.wait_screen("printer-fault")
    assert k.item("ticketNumber").property("text") == "A002"
    assert "Printer bermasalah" in k.vm.words["printerFault"]
    assert [r["number"] for r in day_log(hub_process)] == ["A001", "A002"]  # kept at the hub
    k.wait(lambda: (False, "offline") in printer_events(hub_process))

    folder.mkdir()  # it is back: the staff reprint uses it, no restart
    unlock_and_reprint(k, "A002")
    k.wait(lambda: out.exists() and "A002" in decode(out.read_bytes()).lines)
    k.wait(lambda: printer_events(hub_process)[-1] == (True, "ok"))
    assert len(day_log(hub_process)) == 2  # a reprint is not a new ticket


class PtyPrinter:
    """A serial printer on a pseudo-terminal that answers status queries (paper present).

    ``die_on_query(n)``: at the n-th status query the cable is pulled — the pty closes in the
    middle of printing, after the kiosk began the ticket and before its bytes went through.
    """

    def __init__(self, die_on_query: int = 0) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)
        self.received = bytearray()
        self._die_on, self._queries = die_on_query, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and self.master >= 0:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO while nobody holds the slave end open
                self._stop.wait(0.01)
                continue
            self.received += chunk
            if chunk.endswith(b"\x10\x04\x04"):
                self._queries += 1
                if self._queries == self._die_on:
                    os.close(self.master)
                    self.master = -1
                    return
                os.write(self.master, b"\x12")  # online, paper present

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


def test_a_serial_printer_whose_pty_closes_mid_ticket(hub_process, make_kiosk, tmp_path: Path,
                                                      monkeypatch) -> None:
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    first, second = PtyPrinter(die_on_query=2), PtyPrinter()
    link = tmp_path / "ttyPRINTER"  # a udev-style stable name that follows the device
    link.symlink_to(first.path)
    printer = make_printer(f"serial:{link}:115200", 80, timeout_s=2, status_timeout_s=0.2)
    try:
        k = make_kiosk(kiosk_config(hub_process, staff={"pin_hash": hash_pin(PIN)}), printer)
        k.click("tile-kesehatan")
        k.wait_screen("confirm")
        assert "B001" in decode(bytes(first.received)).lines
        k.click("doneButton")

        k.click("tile-kesehatan")  # the pty closes while this one prints
        k.wait_screen("printer-fault")
        assert k.vm.ticket["number"] == "B002"
        assert [r["number"] for r in day_log(hub_process)] == ["B001", "B002"]
        k.wait(lambda: (False, "offline") in printer_events(hub_process))

        link.unlink()
        link.symlink_to(second.path)  # plugged in again
        unlock_and_reprint(k, "B002")
        k.wait(lambda: "B002" in decode(bytes(second.received)).lines)
        k.wait(lambda: printer_events(hub_process)[-1] == (True, "ok"))
        assert len(day_log(hub_process)) == 2
    finally:
        first.close()
        second.close()


def test_hub_down_screen_then_back_by_itself(hub_process, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(hub_process), offline_poll_s=0.2)
    hub_process.kill()
    k.wait_screen("hub-down")
    assert k.item("hubDownText").property("text") == \
        "Layanan sedang tidak tersedia, mohon tunggu"
    hub_process.start()
    k.wait_screen("start", timeout=10)
    k.click("tile-bansos")
    k.wait_screen("confirm")


def test_a_touch_while_the_hub_is_frozen_is_issued_once_when_it_is_back(
        hub_process, make_kiosk) -> None:
    issue_calls: list[str] = []
    k = make_kiosk(kiosk_config(hub_process), offline_poll_s=0.2)
    issue = k.kiosk.client.issue

    def spy(service: str, priority: str | None = None, request_id: str | None = None) -> Any:
        issue_calls.append(str(request_id))
        return issue(service, priority, request_id)

    k.kiosk.client.issue = spy  # type: ignore[method-assign]
    assert hub_process.proc is not None
    # Frozen, not dead: connections are accepted, nothing answers (a hung hub, a cut cable
    # the kiosk has not noticed). The kiosk still believes the hub is up.
    os.kill(hub_process.proc.pid, signal.SIGSTOP)
    try:
        k.click("tile-literasi")
        k.wait_screen("hub-down", timeout=5)  # the request timed out: say so, keep trying
        assert "Literasi Keuangan" in k.vm.pendingText
        k.click("tile-literasi")  # more touches change nothing while one is out
    finally:
        hub_process.kill()  # SIGKILL ends the stopped process; its unread request dies with it
    k.wait(lambda: len(issue_calls) >= 2)  # retried meanwhile...
    hub_process.start()
    k.wait_screen("confirm", timeout=15)

    assert len(set(issue_calls)) == 1  # ... always with the same request_id
    assert [(r["number"], r["service"]) for r in day_log(hub_process)] == [("D001", "literasi")]
    assert k.vm.ticket["number"] == "D001"
    r = httpx.get(f"{hub_process.url}/api/v1/queue").json()
    assert next(s for s in r["services"] if s["id"] == "literasi")["waiting"] == 1
