"""The serial button box, driven through a real pseudo-terminal."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ptys import Pty

from hardware.buttons import ButtonBox, FakeButtonBox, parse_line


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """A closed ButtonBox must leave no reader thread behind."""
    before = set(threading.enumerate())
    yield
    assert not set(threading.enumerate()) - before


@pytest.fixture
def pty() -> Iterator[Pty]:
    end = Pty()
    yield end
    end.close()


@pytest.fixture
def presses() -> queue.Queue[int]:
    return queue.Queue()


@pytest.fixture
def make_box(presses: queue.Queue[int]) -> Iterator[Callable[..., ButtonBox]]:
    boxes: list[ButtonBox] = []

    def make(port: str, **kwargs: float) -> ButtonBox:
        box = ButtonBox(port, presses.put, **kwargs)  # type: ignore[arg-type]
        boxes.append(box)
        box.start()
        return box

    yield make
    for box in boxes:
        box.close()


def wait_until(condition: Callable[[], bool], timeout: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_parse_line() -> None:
    assert parse_line(b"2") == 2
    assert parse_line(b" 12\r") == 12
    assert parse_line(b"07") == 7
    assert parse_line(b"99") == 99
    for bad in (b"", b"0", b"100", b"-1", b"+2", b"1.0", b"abc", b"\xff\xfe zz", b"\xd9\xa3",
                b"\xef\xbc\x93", b"1" * 40, b"2 3"):
        assert parse_line(bad) is None, bad


def test_a_press_reaches_the_callback(pty: Pty, make_box: Callable[..., ButtonBox],
                                      presses: queue.Queue[int]) -> None:
    box = make_box(pty.path)
    assert wait_until(lambda: box.connected)
    pty.send(b"2\n")
    assert presses.get(timeout=1) == 2
    pty.send(b"1\r\n")
    assert presses.get(timeout=1) == 1


def test_garbage_is_ignored_and_logged_once(pty: Pty, make_box: Callable[..., ButtonBox],
                                            presses: queue.Queue[int],
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hardware.buttons")
    box = make_box(pty.path)
    assert wait_until(lambda: box.connected)
    # The 40-byte line ends in "3": its tail must not count as a press of button 3.
    for junk in (b"\xff\xfe zz\n", b"abc\n", b"0\n", b"-4\n", b"x" * 39 + b"3\n", b"5" * 18):
        pty.send(junk)
        time.sleep(0.05)
    pty.send(b"\n3\n")
    assert presses.get(timeout=1) == 3
    assert presses.empty()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "button box" in r.msg]
    assert len(warnings) == 1
    assert box.connected


def test_debounce_and_a_failing_callback(pty: Pty) -> None:
    calls: list[int] = []

    def on_press(n: int) -> None:
        calls.append(n)
        if n == 4:
            raise RuntimeError("kiosk bug")

    box = ButtonBox(pty.path, on_press, retry_s=0.1)
    box.start()
    try:
        assert wait_until(lambda: box.connected)
        pty.send(b"4\n4\n")  # a bounce: one press
        pty.send(b"5\n")
        assert wait_until(lambda: calls == [4, 5])
        time.sleep(0.35)
        pty.send(b"4\n")  # a new press after the window, and the thread survived the error
        assert wait_until(lambda: calls == [4, 5, 4])
    finally:
        box.close()
        box.close()


def test_port_that_appears_later_and_goes_away(tmp_path: Path, make_box: Callable[..., ButtonBox],
                                               presses: queue.Queue[int]) -> None:
    link = tmp_path / "ttyBUTTONS"
    box = make_box(str(link), retry_s=0.1)
    time.sleep(0.2)
    assert not box.connected
    first = Pty()
    try:
        link.symlink_to(first.path)  # the box is plugged in
        assert wait_until(lambda: box.connected)
        first.send(b"6\n")
        assert presses.get(timeout=1) == 6
    finally:
        first.close()  # and unplugged again
    assert wait_until(lambda: not box.connected)
    second = Pty()
    try:
        link.unlink()
        link.symlink_to(second.path)
        assert wait_until(lambda: box.connected)
        second.send(b"7\n")
        assert presses.get(timeout=1) == 7
    finally:
        box.close()
        second.close()


def test_loop_url_and_close_without_start(presses: queue.Queue[int]) -> None:
    ButtonBox("loop://", presses.put).close()
    box = ButtonBox("loop://", presses.put)
    box.start()
    assert wait_until(lambda: box.connected)
    box.close()
    assert not box.connected


def test_fake_button_box() -> None:
    got: list[int] = []
    box = FakeButtonBox(got.append)
    box.start()
    box.press(3)
    box.close()
    box.press(4)
    assert got == [3] and not box.connected
