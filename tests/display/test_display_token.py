"""A hall display the hub refuses says so, and recovers by itself.

Today's failure this holds against: the display said "Mencari hub…" although it had found
the hub, which refused its token. Now it shows an out-of-service screen with the hub, what
was refused and the fix, and shows calls once paired (``antrean join --config``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from pairing import device_config, join
from PySide6.QtQuick import QQuickItem

from antrean.devicetoken import TokenSource
from display.app import run_until
from display.config import load_display_config


def shown(app, name: str) -> str:
    item = app.window.findChild(QQuickItem, name)
    assert item is not None and item.isVisible(), name
    return str(item.property("text"))


def test_a_refused_token_then_pairing_brings_it_back(hub_process, make_display,
                                                      tmp_path: Path) -> None:
    path = device_config(tmp_path / "display.toml", hub_process, token="not-a-token-of-this-hub")
    cfg = load_display_config(path)
    token = TokenSource(token=cfg.hub.token, fingerprint=cfg.hub.fingerprint, config=path)
    app = make_display(cfg, voice=False, token=token)
    assert run_until(lambda: app.board.outOfService, 10)
    assert shown(app, "outOfServiceText") == "Layar belum siap — mohon hubungi petugas"
    assert shown(app, "outOfServiceRefused") == "Ditolak: Token tidak dikenal."
    assert hub_process.url in shown(app, "outOfServiceHub")
    assert f"--role display --name NAMA --config {path}" in shown(app, "outOfServiceFix2")
    assert app.board.statusText == ""  # not "Mencari hub…": the hub was found

    join(hub_process, "display", "Layar Uji", path)  # staff pair it, as the screen says
    assert run_until(lambda: not app.board.outOfService and app.board.connected, 15)
    httpx.post(f"{hub_process.url}/api/v1/tickets", headers=hub_process.headers("kiosk"),
               json={"service": "adminduk", "request_id": str(uuid.uuid4())}).raise_for_status()
    httpx.post(f"{hub_process.url}/api/v1/counters/2/next",
               headers=hub_process.headers("counter")).raise_for_status()
    assert run_until(lambda: app.board.number == "A001", 10)  # calls reach the board again


def test_screenshot_against_a_hub_that_refuses_the_token(shared_hub, tmp_path: Path) -> None:
    png = tmp_path / "display.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANTREAN_TOKEN="wrong")
    done = subprocess.run(
        [sys.executable, "-m", "antrean", "display", "--hub", shared_hub.url, "--size",
         "1366x768", "--screenshot", str(png)], capture_output=True, text=True, timeout=60,
        env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refuses this display" in done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
