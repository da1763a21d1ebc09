"""The ticket printer: layout decoded back from real bytes, and real file / pty / TCP devices."""

from __future__ import annotations

import logging
import os
import select
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hardware.escpos_render import decode, decode_qr
from hardware.printer import (
    FakePrinter,
    PrintableTicket,
    PrinterError,
    build_ticket_bytes,
    format_wait,
    make_printer,
)

TICKET_ID = "3f2b6a1e-9c4d-4e8f-a1b2-0c9d8e7f6a5b"
JAKARTA = ZoneInfo("Asia/Jakarta")


def ticket(**changes: object) -> PrintableTicket:
    fields: dict[str, object] = dict(
        ticket_id=TICKET_ID, number="A012", service_name="Perekaman KTP-el",
        post_name="Pos Pelayanan Kelurahan Sukamaju",
        issued_at=datetime(2026, 11, 22, 8, 15, tzinfo=JAKARTA), people_ahead=3,
        estimated_wait_s=720, priority_label=None,
    )
    fields.update(changes)
    return PrintableTicket(**fields)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every printer and test helper thread must be gone when a test ends."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not set(threading.enumerate()) - before


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("paper_mm, columns", [(58, 32), (80, 48)])
def test_ticket_bytes_read_back_like_a_resident_would(paper_mm: int, columns: int) -> None:
    data = build_ticket_bytes(ticket(priority_label="Lansia"), paper_mm)
    doc = decode(data)
    text = doc.text
    assert "A012" in doc.lines
    for expected in ("Perekaman KTP-el", "Pos Pelayanan Kelurahan Sukamaju", "22/11/2026 08:15",
                     "Orang di depan Anda: 3", "Perkiraan waktu tunggu", "12 menit", "LANSIA",
                     "Terima kasih"):
        assert expected in text
    assert doc.cut
    assert not doc.unknown
    assert len(doc.images) == 1 and doc.images[0].width <= {58: 384, 80: 576}[paper_mm]
    assert decode_qr(doc.images[0]) == [TICKET_ID]
    # Normal-size lines fit the paper, so the printer never wraps mid-word.
    assert all(len(line) <= columns for line in doc.lines)
    assert b"\x1bt" not in data  # no code-page switch: plain ASCII only


def test_ticket_number_is_printed_very_big() -> None:
    doc = decode(build_ticket_bytes(ticket(), 80))
    number = next(b for b in doc.blocks if getattr(b, "text", None) == "A012")
    assert number.width >= 4 and number.height >= 4  # type: ignore[union-attr]


def test_english_ticket_and_missing_wait() -> None:
    text = decode(build_ticket_bytes(ticket(lang="en", estimated_wait_s=None), 80)).text
    assert "People ahead of you: 3" in text
    assert "Estimated wait" not in text and "Perkiraan" not in text
    assert "Thank you" in text
    text = decode(build_ticket_bytes(ticket(lang="en", estimated_wait_s=3900), 58)).text
    assert "about 1 h 5 min" in text


def test_non_ascii_names_are_folded_and_long_names_wrapped() -> None:
    data = build_ticket_bytes(
        ticket(
            post_name="Pos Pelayanan Terpadu Kecamatan Tanjung Priok – Jakarta Utara",
            service_name="Kesehatan Ibu & Anak “Posyandu” café",
            footer="Semoga sehat ± selalu",
        ),
        58,
    )
    doc = decode(data)
    assert all(len(line) <= 32 for line in doc.lines)
    assert 'Kesehatan Ibu & Anak "Posyandu" cafe' in " ".join(doc.lines)
    assert "Semoga sehat +/- selalu" in doc.text
    assert all(ch.isascii() for ch in doc.text)


def test_format_wait() -> None:
    assert format_wait(720) == "+/- 12 menit"
    assert format_wait(20) == "kurang dari 1 menit"
    assert format_wait(3600) == "+/- 1 jam"
    assert format_wait(5460, "en") == "about 1 h 31 min"


def test_ticket_validation() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ticket(issued_at=datetime(2026, 11, 22, 8, 15))
    with pytest.raises(ValueError, match="lang"):
        ticket(lang="fr")
    with pytest.raises(ValueError, match="paper_mm"):
        build_ticket_bytes(ticket(), 76)


# ---------------------------------------------------------------- specs and the fake


@pytest.mark.parametrize("spec", [
    "", "lp0", "file:", "serial:", "usb:04b8", "usb:zz:0202", "usb:04b8:0202:1",
    "usb:0:0", "network:", "network:host:port", "network:host:70000", "bluetooth:aa",
])
def test_bad_specs_raise_value_error_naming_the_spec(spec: str) -> None:
    with pytest.raises(ValueError, match="bad printer spec"):
        make_printer(spec)


def test_good_specs_parse_without_touching_devices() -> None:
    for spec in ("file:/nonexistent/x", "serial:/dev/ttyUSB9", "serial:/dev/ttyUSB9:9600",
                 "serial:/dev/serial/by-path/platform-usb-0:1.2:1.0-port0", "usb:04b8:0x0202",
                 "network:192.0.2.1", "network:printer.local:9101", "network:[fe80::1]:9100"):
        make_printer(spec).close()
    assert isinstance(make_printer("fake"), FakePrinter)


def test_fake_printer_records_saves_and_fails_on_demand(tmp_path: Path) -> None:
    printer = make_printer(f"fake:{tmp_path / 'out'}", paper_mm=58)
    assert isinstance(printer, FakePrinter)
    printer.print_ticket(ticket())
    assert printer.printed == [build_ticket_bytes(ticket(), 58)]
    assert (tmp_path / "out" / "A012-3f2b6a1e.bin").read_bytes() == printer.printed[0]
    assert (tmp_path / "out" / "A012-3f2b6a1e.png").stat().st_size > 1000
    assert printer.status().ok
    printer.fail_with = "paper_out"
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert err.value.kind == "paper_out" and err.value.message == "Kertas habis"
    assert printer.status().kind == "paper_out" and not printer.status().ok
    assert len(printer.printed) == 1
    printer.close()
    printer.close()


def test_fake_printer_keeps_only_its_last_tickets() -> None:
    """A demo kiosk prints for days: the fake keeps the last few, not every ticket's bytes."""
    printer = FakePrinter(keep=3)
    numbers = [f"A{n:03d}" for n in range(1, 8)]
    for number in numbers:
        printer.print_ticket(ticket(number=number))
    assert printer.count == 7
    assert [t.number for t in printer.tickets] == numbers[-3:]
    assert printer.printed == [build_ticket_bytes(t, 80) for t in printer.tickets]
    with pytest.raises(ValueError, match="keep"):
        FakePrinter(keep=0)


# ---------------------------------------------------------------- file


def test_file_printer_writes_the_ticket(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    printer = make_printer(f"file:{out}", paper_mm=80)
    assert printer.status().ok
    printer.print_ticket(ticket())
    assert out.read_bytes() == build_ticket_bytes(ticket(), 80)
    printer.close()
    printer.close()
    with pytest.raises(PrinterError):
        printer.print_ticket(ticket())


def test_file_printer_recovers_when_its_directory_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    printer = make_printer(f"file:{folder / 'lp0'}")
    printer.print_ticket(ticket())
    shutil.rmtree(folder)
    caplog.set_level(logging.DEBUG, logger="hardware.printer")
    for _ in range(3):
        with pytest.raises(PrinterError) as err:
            printer.print_ticket(ticket())
        assert err.value.kind == "offline"
    assert not printer.status().ok
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # a repeated fault is logged once at WARNING
    folder.mkdir()
    assert printer.status().ok
    printer.print_ticket(ticket(number="A013"))
    assert "A013" in decode((folder / "lp0").read_bytes()).lines
    printer.close()


# ---------------------------------------------------------------- serial on a pty


class PtyPrinterEnd:
    """The printer's side of a pseudo-terminal: reads what was sent, may answer DLE EOT."""

    def __init__(self, status_reply: bytes = b"") -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)
        self.status_reply = status_reply
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if ready:
                    chunk = os.read(self.master, 65536)
                    self.received += chunk
                    if self.status_reply and chunk.endswith(b"\x10\x04\x04"):
                        os.write(self.master, self.status_reply)
            except OSError:
                # EIO while no one holds the slave end open (before the printer opens it).
                self._stop.wait(0.01)

    def wait_for(self, size: int, timeout: float = 2.0) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self.received) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


@pytest.fixture
def pty_end() -> Iterator[PtyPrinterEnd]:
    end = PtyPrinterEnd()
    yield end
    end.close()


def test_serial_printer_sends_the_ticket_over_a_pty(pty_end: PtyPrinterEnd) -> None:
    printer = make_printer(f"serial:{pty_end.path}:115200", paper_mm=58, status_timeout_s=0.1)
    try:
        expected = build_ticket_bytes(ticket(), 58)
        printer.print_ticket(ticket())
        received = pty_end.wait_for(len(expected) + 3)
        # A paper query first (nobody answers on a pty), then the whole ticket.
        assert received == b"\x10\x04\x04" + expected
        assert printer.status().kind == "unknown"
        printer.print_ticket(ticket())  # silent device: no more paper query before tickets
        assert pty_end.wait_for(2 * len(expected) + 6).endswith(b"\x10\x04\x01" + expected)
    finally:
        printer.close()


def test_serial_printer_reports_paper_out_from_the_device() -> None:
    end = PtyPrinterEnd(status_reply=bytes([0x12 | 0x60]))
    printer = make_printer(f"serial:{end.path}", status_timeout_s=0.5)
    try:
        with pytest.raises(PrinterError) as err:
            printer.print_ticket(ticket())
        assert err.value.kind == "paper_out"
        assert not end.wait_for(10**6, timeout=0.2).count(b"A012")  # nothing printed
    finally:
        printer.close()
        end.close()


def test_serial_port_that_vanishes_fails_then_comes_back(tmp_path: Path) -> None:
    first, second, third = PtyPrinterEnd(), PtyPrinterEnd(), None
    link = tmp_path / "ttyPRINTER"  # a udev-style stable name that follows the device
    link.symlink_to(first.path)
    printer = make_printer(f"serial:{link}", paper_mm=58, status_timeout_s=0.05)
    try:
        printer.print_ticket(ticket())
        first.close()  # printer unplugged: the pty's other end is gone
        with pytest.raises(PrinterError) as err:
            printer.print_ticket(ticket())
        assert err.value.kind == "offline"
        assert not printer.status().ok
        link.unlink()
        link.symlink_to(second.path)  # plugged in again
        printer.print_ticket(ticket(number="B007"))
        assert "B007" in decode(second.wait_for(9000)).lines
        # Swapped between two tickets: the held, now stale port is reopened, no ticket lost.
        second.close()
        third = PtyPrinterEnd()
        link.unlink()
        link.symlink_to(third.path)
        printer.print_ticket(ticket(number="B008"))
        assert "B008" in decode(third.wait_for(9000)).lines
    finally:
        printer.close()
        first.close()
        second.close()
        if third is not None:
            third.close()


def test_serial_printer_that_stops_reading_times_out() -> None:
    master, slave = os.openpty()
    path = os.ttyname(slave)
    os.close(slave)
    printer = make_printer(f"serial:{path}:4000000", timeout_s=0.2, status_timeout_s=0.01)
    try:
        with pytest.raises(PrinterError) as err:
            for _ in range(4):  # nobody reads: the pty buffer fills, then a write stalls
                printer.print_ticket(ticket())
        assert err.value.kind == "timeout"
    finally:
        printer.close()
        os.close(master)


# ---------------------------------------------------------------- network and usb


def test_network_printer_sends_one_connection_per_ticket() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        for _ in range(2):
            conn, _ = server.accept()
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    printer = make_printer(f"network:127.0.0.1:{port}", status_timeout_s=0.05)
    try:
        printer.print_ticket(ticket())
        printer.print_ticket(ticket())
        thread.join(timeout=2)
        assert len(received) == 2
        assert received[1].endswith(build_ticket_bytes(ticket(), 80))
    finally:
        printer.close()
        server.close()
        thread.join(timeout=2)


def test_network_printer_refused_is_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again on exit: nothing listens there
    printer = make_printer(f"network:127.0.0.1:{port}", timeout_s=1)
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert err.value.kind == "offline"
    assert printer.status().kind == "offline"
    printer.close()


def test_usb_printer_missing_raises_printer_error() -> None:
    printer = make_printer("usb:04b8:0e15", timeout_s=0.5)
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert err.value.kind in ("offline", "error")
    assert not printer.status().ok
    printer.close()
