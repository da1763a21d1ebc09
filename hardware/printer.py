"""Ticket printing: what goes on a ticket, the printer interface, its ESC/POS connectors, a fake.

The kiosk only sees :class:`TicketPrinter` (``print_ticket`` / ``status`` / ``close``) and
:func:`make_printer`, which turns a config string into one:
``fake`` or ``fake:DIR`` · ``file:PATH`` · ``serial:PORT[:BAUD]`` · ``usb:VID:PID`` (hex) ·
``network:HOST[:PORT]``.

A ticket is laid out once into ESC/POS bytes (:func:`build_ticket_bytes`, in
:mod:`hardware.ticket_layout`) and sent in one
write, so a fault rarely leaves half a ticket. A fault raises :class:`PrinterError` and drops
the connection; the next ticket opens the device again, so a printer that comes back is used
without restarting the kiosk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .ticket_layout import (
    DEFAULT_FOOTER,
    PAPERS,
    PrintableTicket,
    _escpos_env,
    _Paper,
    build_ticket_bytes,
    format_wait,
)

# The printer's public face includes the layout it prints (kept importable from here).
__all__ = ["DEFAULT_FOOTER", "EscposPrinter", "FakePrinter", "PrintableTicket", "PrinterError",
           "PrinterStatus", "TicketPrinter", "build_ticket_bytes", "format_wait", "make_printer"]

log = logging.getLogger(__name__)

KINDS = frozenset({"offline", "paper_out", "timeout", "error"})
_MESSAGES = {
    "ok": "Printer siap",
    "offline": "Printer tidak tersambung",
    "paper_out": "Kertas habis",
    "paper_low": "Kertas hampir habis",
    "timeout": "Printer tidak merespons",
    "error": "Printer bermasalah",
    "unknown": "Status printer tidak diketahui",
    "busy": "Printer sedang mencetak",
}
@dataclass(frozen=True)
class PrinterStatus:
    """``kind``: ok, paper_low, unknown (device cannot tell), busy, offline, paper_out, ..."""

    ok: bool
    kind: str
    message: str


class PrinterError(Exception):
    """A ticket could not be printed. ``message`` is Indonesian, for residents and staff."""

    def __init__(self, kind: str, message: str | None = None, detail: str = "") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown printer error kind {kind!r}; expected {sorted(KINDS)}")
        self.kind = kind
        self.message = message or _MESSAGES[kind]
        self.detail = detail
        super().__init__(f"{self.message} ({detail})" if detail else self.message)


class TicketPrinter(Protocol):
    """What a kiosk needs from a ticket printer."""

    def print_ticket(self, ticket: PrintableTicket) -> None:
        """Print one ticket or raise :class:`PrinterError`."""

    def status(self) -> PrinterStatus:
        """Report readiness; returns within about a second."""

    def close(self) -> None:
        """Release the device; safe to call twice."""


@dataclass(frozen=True)
class _Connector:
    kind: str  # file / serial / usb / network
    spec: str
    make: Callable[[float], Any]  # I/O timeout (s) -> an unopened escpos printer object


def _parse_connector(spec: str, paper: _Paper) -> _Connector:
    kind, _, rest = spec.partition(":")
    _escpos_env()
    from escpos import printer as ep

    prof = paper.profile
    if kind == "file" and rest:
        return _Connector(kind, spec, lambda t: ep.File(rest, profile=prof))
    if kind == "serial" and rest:
        port, _, baud = rest.rpartition(":")
        # Paths under /dev/serial/by-path contain colons: only a numeric tail is a baud rate.
        port, baud_n = (port, int(baud)) if port and baud.isdigit() else (rest, 19200)
        return _Connector(kind, spec, lambda t: ep.Serial(port, baud_n, timeout=t, profile=prof))
    if kind == "usb":
        ids = rest.split(":")
        try:
            vid, pid = (int(x, 16) for x in ids)
        except ValueError:
            vid = pid = -1
        if len(ids) == 2 and 0 < vid <= 0xFFFF and 0 < pid <= 0xFFFF:
            return _Connector(kind, spec, lambda t: _usb(ep, vid, pid, int(t * 1000), prof))
        raise ValueError(f"bad printer spec {spec!r}: expected usb:VID:PID in hex (usb:04b8:0202)")
    if kind == "network" and rest:
        host, port_s = rest, "9100"
        if rest.startswith("["):  # [IPv6]:port
            host, _, tail = rest[1:].partition("]")
            port_s = tail.removeprefix(":") or port_s
        elif rest.count(":") == 1:
            host, port_s = rest.split(":")
        if host and port_s.isdigit() and 0 < int(port_s) < 65536:
            port_n = int(port_s)
            return _Connector(kind, spec, lambda t: ep.Network(host, port_n, t, profile=prof))
    raise ValueError(
        f"bad printer spec {spec!r}: expected fake[:DIR], file:PATH, serial:PORT[:BAUD], "
        "usb:VID:PID or network:HOST[:PORT]"
    )


def _usb(ep: Any, vid: int, pid: int, timeout_ms: int, profile: str) -> Any:
    if not ep.Usb.is_usable():
        # Checked before building the object: without pyusb even its __del__ raises.
        raise RuntimeError("USB printing needs pyusb (pip install pyusb)")
    return ep.Usb(vid, pid, timeout=timeout_ms, profile=profile)


# By name: pyusb may be absent, and pyserial/escpos need not be imported to classify.
_TIMEOUT_ERRORS = {"SerialTimeoutException", "USBTimeoutError"}
_OFFLINE_ERRORS = {"DeviceNotFoundError", "USBError", "NoBackendError"}


def _classify(exc: BaseException) -> str:
    """Map an exception (and what it wraps: escpos re-raises OSErrors) to a PrinterError kind."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8:
        chain.append(e)
        e = e.__cause__ or e.__context__
    names = {type(x).__name__ for x in chain}
    if any(isinstance(x, TimeoutError) for x in chain) or names & _TIMEOUT_ERRORS:
        return "timeout"
    if any(isinstance(x, OSError) for x in chain) or names & _OFFLINE_ERRORS:
        return "offline"
    return "error"


class _FaultLog:
    """Log a fault once at WARNING, its repeats at DEBUG, and its end once at INFO."""

    def __init__(self, what: str) -> None:
        self._what, self._kind = what, ""

    def report(self, kind: str, detail: str) -> None:
        level = logging.DEBUG if kind == self._kind else logging.WARNING
        log.log(level, "%s: %s (%s)", self._what, kind, detail)
        self._kind = kind

    def clear(self) -> None:
        if self._kind:
            log.info("%s: working again", self._what)
        self._kind = ""


_DLE_EOT_ONLINE, _DLE_EOT_PAPER = b"\x10\x04\x01", b"\x10\x04\x04"


def _valid_status(b: int) -> bool:
    return b & 0x93 == 0x12  # bits 1 and 4 set, 0 and 7 clear in every DLE EOT reply


class EscposPrinter:
    """A real printer reached through python-escpos (held, not subclassed).

    Serial and USB connections stay open between tickets; file and network ones are opened per
    ticket (a regular file therefore holds the last ticket only). Any fault drops the
    connection, so the next call opens the device afresh.
    """

    def __init__(self, spec: str, paper_mm: int = 80, *, timeout_s: float = 10.0,
                 status_timeout_s: float = 1.0) -> None:
        if paper_mm not in PAPERS:
            raise ValueError(f"paper_mm must be one of {sorted(PAPERS)}, not {paper_mm!r}")
        self.paper_mm = paper_mm
        self._conn = _parse_connector(spec, PAPERS[paper_mm])
        self._keep_open = self._conn.kind in ("serial", "usb")
        self._timeout_s, self._status_timeout_s = timeout_s, status_timeout_s
        self._dev: Any = None
        # False once the device ignored a status query: then the paper check before each
        # ticket would only add delay (many cheap printers cannot answer).
        self._answers = True
        self._lock = threading.Lock()
        self._closed = False
        self._faults = _FaultLog(f"printer {spec}")

    @property
    def spec(self) -> str:
        """The connector spec this printer was made from."""
        return self._conn.spec

    def print_ticket(self, ticket: PrintableTicket) -> None:
        """Print one ticket in a single write; raise :class:`PrinterError` on any fault."""
        data = build_ticket_bytes(ticket, self.paper_mm)
        with self._lock:
            if self._closed:
                raise PrinterError("error", detail=f"{self.spec}: printer closed")
            try:
                self._send(data)
            except PrinterError as exc:
                self._faults.report(exc.kind, exc.detail)
                raise
        self._faults.clear()

    def status(self) -> PrinterStatus:
        """Ask the device (time-boxed by ``status_timeout_s``); a file printer is ok if writable."""
        if not self._lock.acquire(timeout=self._status_timeout_s):
            return PrinterStatus(True, "busy", _MESSAGES["busy"])
        try:
            if self._closed:
                st = PrinterStatus(False, "offline", _MESSAGES["offline"])
            elif self._conn.kind == "file":
                st = _path_status(Path(self._conn.spec[len("file:"):]))
            else:
                st = self._device_status()
        finally:
            self._lock.release()
        if st.ok:
            self._faults.clear()
        else:
            self._faults.report(st.kind, st.message)
        return st

    def close(self) -> None:
        """Release the device. Safe twice; printing afterwards raises PrinterError."""
        with self._lock:
            self._closed = True
            self._release(discard=False)

    # -- internals; the lock is held

    def _send(self, data: bytes) -> None:
        for attempt in (1, 2):
            reused = self._dev is not None
            try:
                dev = self._open(self._timeout_s)
                if self._answers:
                    paper = self._query(dev, _DLE_EOT_PAPER)
                    self._answers = paper is not None
                    if paper is not None and paper & 0x60 == 0x60:
                        raise PrinterError("paper_out", detail=f"{self.spec}: paper end sensor")
                if self._conn.kind == "serial":
                    # The write takes len*10/baud seconds on the wire; the timeout is on top.
                    dev._device.write_timeout = self._timeout_s + len(data) * 10 / dev.baudrate
                dev._raw(data)  # escpos has no public raw write; every escpos method uses _raw
                if not self._keep_open:
                    self._release(discard=False, quiet=False)
                return
            except PrinterError:
                if not self._keep_open:
                    self._release(discard=True)
                raise
            except Exception as exc:
                self._release(discard=True)
                kind = _classify(exc)
                if reused and kind == "offline" and attempt == 1:
                    # A held connection went stale (printer switched off and on, cable
                    # replugged): reopen once rather than lose this ticket.
                    log.debug("%s: stale connection (%s), reopening", self.spec, exc)
                    continue
                raise PrinterError(kind, detail=f"{self.spec}: {exc}") from exc

    def _device_status(self) -> PrinterStatus:
        try:
            dev = self._open(self._status_timeout_s)
            online = self._query(dev, _DLE_EOT_ONLINE)
            paper = self._query(dev, _DLE_EOT_PAPER) if online is not None else None
            if not self._keep_open:
                self._release(discard=False)
        except Exception as exc:
            self._release(discard=True)
            kind = _classify(exc)
            log.debug("%s: status failed: %s", self.spec, exc)
            return PrinterStatus(False, kind, _MESSAGES[kind])
        if online is None:
            # Connected but silent: many printers cannot answer DLE EOT. Calling that
            # "offline" would block a kiosk whose printer prints fine.
            return PrinterStatus(True, "unknown", _MESSAGES["unknown"])
        self._answers = True
        if paper is not None and paper & 0x60 == 0x60:
            return PrinterStatus(False, "paper_out", _MESSAGES["paper_out"])
        if online & 0x08:
            return PrinterStatus(False, "offline", "Printer offline (tutup terbuka?)")
        if paper is not None and paper & 0x0C == 0x0C:
            return PrinterStatus(True, "paper_low", _MESSAGES["paper_low"])
        return PrinterStatus(True, "ok", _MESSAGES["ok"])

    def _open(self, connect_timeout_s: float) -> Any:
        if self._dev is None:
            # Only a network connect is time-boxed by the caller; serial and USB objects
            # are kept and later write tickets, so they keep the write timeout.
            network = self._conn.kind == "network"
            dev = self._conn.make(connect_timeout_s if network else self._timeout_s)
            dev.open()
            if network:
                dev._device.settimeout(self._timeout_s)
            self._dev = dev
        return self._dev

    def _query(self, dev: Any, command: bytes) -> int | None:
        """Send a DLE EOT real-time status request; the reply byte, or None if none came."""
        raw, wait = dev._device, self._status_timeout_s
        reply = b""
        if self._conn.kind == "serial":
            raw.reset_input_buffer()
            dev._raw(command)
            raw.timeout = wait
            reply = raw.read(1)  # escpos' _read() asks for 16 bytes: it always waits the timeout
        elif self._conn.kind == "network":
            dev._raw(command)
            raw.settimeout(wait)
            try:
                reply = raw.recv(1)
            except TimeoutError:
                pass
            finally:
                raw.settimeout(self._timeout_s)
        elif self._conn.kind == "usb":
            dev._raw(command)
            try:
                reply = bytes(raw.read(dev.in_ep, 16, int(wait * 1000)))
            except Exception as exc:
                if type(exc).__name__ != "USBTimeoutError":
                    raise
        return reply[-1] if reply and _valid_status(reply[-1]) else None

    def _release(self, *, discard: bool, quiet: bool = True) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        try:
            port = dev._device
            if self._conn.kind == "serial" and port:
                # Not escpos' close(): its flush() is tcdrain(), which blocks for as long as
                # a stalled printer holds the line.
                dev._device = False
                if discard:  # the port may already be gone; close it anyway
                    with contextlib.suppress(Exception):
                        port.reset_output_buffer()
                port.close()
            else:
                dev.close()
        except Exception as exc:
            if not quiet:
                raise
            log.debug("%s: close failed: %s", self.spec, exc)


def _path_status(path: Path) -> PrinterStatus:
    target = path if path.exists() else path.parent
    if target.exists() and os.access(target, os.W_OK):
        return PrinterStatus(True, "ok", _MESSAGES["ok"])
    return PrinterStatus(False, "offline", _MESSAGES["offline"])


class FakePrinter:
    """A printer with no device, for laptops, demos and app tests.

    Keeps the last ``keep`` tickets' bytes in ``printed`` (and the tickets in ``tickets``),
    oldest first, and counts them all in ``count``: a demo kiosk runs for days, and 18 KB a
    ticket kept for ever was its one growing cost. With ``save_dir`` it also writes
    ``<number>-<id8>.bin`` and a rendered ``.png`` per ticket. Set ``fail_with`` to a
    :data:`KINDS` value to make every print fail with that kind.
    """

    def __init__(self, paper_mm: int = 80, save_dir: str | os.PathLike[str] | None = None,
                 fail_with: str | None = None, keep: int = 50) -> None:
        if paper_mm not in PAPERS:
            raise ValueError(f"paper_mm must be one of {sorted(PAPERS)}, not {paper_mm!r}")
        if keep < 1:
            raise ValueError(f"keep must be at least 1, not {keep!r}")
        self.paper_mm = paper_mm
        self.save_dir = Path(save_dir) if save_dir is not None else None
        self.fail_with = fail_with
        self.keep = keep
        self.count = 0
        self.printed: list[bytes] = []
        self.tickets: list[PrintableTicket] = []
        self.closed = False

    def print_ticket(self, ticket: PrintableTicket) -> None:
        """Record (and optionally save) the ticket, or raise the configured failure."""
        if self.fail_with:
            raise PrinterError(self.fail_with, detail="fake printer told to fail")
        data = build_ticket_bytes(ticket, self.paper_mm)
        if self.save_dir is not None:
            from hardware.escpos_render import render_png

            name = f"{ticket.number}-{ticket.ticket_id[:8]}"
            stem = "".join(c if c.isalnum() or c == "-" else "_" for c in name)
            try:
                self.save_dir.mkdir(parents=True, exist_ok=True)
                # Written under a temporary name, then renamed: whoever watches the folder
                # (the demo, a test) never sees half a ticket.
                part = self.save_dir / f".{stem}.part.png"
                render_png(data, part, PAPERS[self.paper_mm].dots)
                part.replace(self.save_dir / f"{stem}.png")
                (self.save_dir / f"{stem}.bin").write_bytes(data)
            except OSError as exc:
                raise PrinterError("offline", detail=f"fake:{self.save_dir}: {exc}") from exc
        self.printed.append(data)
        self.tickets.append(ticket)
        self.count += 1
        if len(self.printed) > self.keep:
            del self.printed[0], self.tickets[0]

    def status(self) -> PrinterStatus:
        """``fail_with`` if set; else ok when ``save_dir`` (if any) is writable."""
        if self.fail_with:
            message = _MESSAGES.get(self.fail_with, _MESSAGES["error"])
            return PrinterStatus(False, self.fail_with, message)
        if self.save_dir is not None:
            return _path_status(self.save_dir)
        return PrinterStatus(True, "ok", _MESSAGES["ok"])

    def close(self) -> None:
        """Nothing to release; kept for the interface."""
        self.closed = True


def make_printer(spec: str, paper_mm: int = 80, **options: float) -> TicketPrinter:
    """Build a printer from a connector spec (see the module docstring).

    ``options`` go to :class:`EscposPrinter` (``timeout_s``, ``status_timeout_s``).
    Raises ValueError naming the spec when it cannot be parsed.
    """
    spec = spec.strip()
    kind, _, rest = spec.partition(":")
    if kind == "fake":
        return FakePrinter(paper_mm, save_dir=rest or None)
    return EscposPrinter(spec, paper_mm, **options)
