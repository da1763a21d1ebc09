"""A Qt app under cage pings systemd's watchdog from its GUI thread."""

from __future__ import annotations

import os
import socket

from antrean import sdnotify


def test_gui_watchdog_says_ready_then_pings_from_a_qt_timer(tmp_path, monkeypatch, qtbot):
    from PySide6.QtCore import QTimer

    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(3)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getppid()))  # systemd watches our parent (cage)
    try:
        timer = sdnotify.start_gui_watchdog(QTimer)
        assert timer is not None and timer.interval() == 100
        assert sock.recv(256) == b"READY=1"
        qtbot.wait(250)
        assert sock.recv(256) == b"WATCHDOG=1"
        timer.stop()
    finally:
        sock.close()


def test_no_watchdog_outside_systemd(monkeypatch, qtbot):
    from PySide6.QtCore import QTimer

    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert sdnotify.start_gui_watchdog(QTimer) is None
