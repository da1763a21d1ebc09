"""The serial button box: one ASCII line per press, the button's number then ``\\n`` (``2\\n``).

:class:`ButtonBox` reads the port on a daemon thread and calls ``on_press(n)`` for each valid
press. Garbage is logged and ignored; a missing or unplugged port is retried every
``retry_s`` seconds until :meth:`ButtonBox.close`, so plugging the box in later just works.
:class:`FakeButtonBox` has the same face for laptops and app tests.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

log = logging.getLogger(__name__)

MAX_LINE = 16  # bytes; a real press is at most "99\r\n"
DEBOUNCE_S = 0.3


def parse_line(raw: bytes) -> int | None:
    """The button number (1..99) in one line without its ``\\n``; None for anything else."""
    if len(raw) > MAX_LINE:
        return None
    try:
        text = raw.decode("ascii").strip()  # tolerates spaces and a trailing \r
    except UnicodeDecodeError:
        return None
    if not (text.isascii() and text.isdigit()):  # rejects "-1", "+2", "1.0", ""
        return None
    number = int(text)
    return number if 1 <= number <= 99 else None


class _OnceLog:
    """Log a condition once at WARNING, then at DEBUG until :meth:`clear`."""

    def __init__(self) -> None:
        self._active = False

    def log(self, msg: str, *args: object) -> None:
        log.log(logging.DEBUG if self._active else logging.WARNING, msg, *args)
        self._active = True

    def clear(self) -> None:
        self._active = False


class ButtonBox:
    """Reads button presses from a serial port (or any pyserial URL such as ``loop://``)."""

    def __init__(self, port: str, on_press: Callable[[int], None], baud: int = 9600,
                 retry_s: float = 3.0, *, debounce_s: float = DEBOUNCE_S) -> None:
        self.port, self.baud, self.retry_s, self.debounce_s = port, baud, retry_s, debounce_s
        self._on_press = on_press
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = False
        self._last_press: dict[int, float] = {}
        self._port_fault, self._garbage = _OnceLog(), _OnceLog()

    @property
    def connected(self) -> bool:
        """True while the port is open."""
        return self._connected

    def start(self) -> None:
        """Start the reader thread (once)."""
        if self._thread is not None:
            raise RuntimeError("ButtonBox already started")
        self._thread = threading.Thread(target=self._run, name="antrean-buttonbox", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop reading and release the port; safe twice."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    # -- reader thread

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.port, self.baud, timeout=0.2)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._port_fault.log("button box %s not available (%s); retrying every %.1f s",
                                     self.port, exc, self.retry_s)
                self._stop.wait(self.retry_s)
                continue
            self._port_fault.clear()
            self._connected = True
            log.info("button box connected on %s", self.port)
            try:
                self._read(port)
            except (serial.SerialException, OSError) as exc:
                self._port_fault.log("button box %s lost (%s); retrying every %.1f s",
                                     self.port, exc, self.retry_s)
                self._stop.wait(self.retry_s)
            finally:
                self._connected = False
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()

    def _read(self, port: Any) -> None:
        buf = bytearray()
        skipping = False  # inside an over-long line: drop bytes up to its newline
        while not self._stop.is_set():
            # Short timeout reads, so close() is noticed within 0.2 s.
            chunk = port.read(port.in_waiting or 1)
            if not chunk:
                continue
            buf += chunk
            while (end := buf.find(b"\n")) >= 0:
                line, buf = bytes(buf[:end]), buf[end + 1 :]
                if skipping:
                    skipping = False
                else:
                    self._line(line)
            if len(buf) > MAX_LINE:
                self._garbage.log("button box %s: too long, ignored: %r", self.port, buf[:40])
                buf.clear()
                skipping = True

    def _line(self, raw: bytes) -> None:
        number = parse_line(raw)
        if number is None:
            if raw.strip():
                self._garbage.log("button box %s: garbage ignored: %r", self.port, raw[:40])
            return
        self._garbage.clear()
        now = time.monotonic()
        last = self._last_press.get(number)
        # Every repeat restarts the window, so a stuck button that keeps sending is one press.
        self._last_press[number] = now
        if last is not None and now - last < self.debounce_s:
            log.debug("button %d bounced, ignored", number)
            return
        try:
            self._on_press(number)
        except Exception:
            log.exception("button box: on_press(%d) failed", number)


class FakeButtonBox:
    """A button box with no device: :meth:`press` calls ``on_press`` like a real press."""

    def __init__(self, on_press: Callable[[int], None]) -> None:
        self._on_press = on_press
        self._running = False

    @property
    def connected(self) -> bool:
        """True between start() and close()."""
        return self._running

    def start(self) -> None:
        """Nothing to open."""
        self._running = True

    def close(self) -> None:
        """Nothing to release; safe twice."""
        self._running = False

    def press(self, number: int) -> None:
        """Simulate a press of button ``number``."""
        if self._running:
            self._on_press(number)
