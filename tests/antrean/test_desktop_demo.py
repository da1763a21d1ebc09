"""``antrean demo`` with a screen (offscreen here): every role up, one ticket from the kiosk's
button box to a counter call to a spoken announcement, then a clean stop on SIGTERM."""

from __future__ import annotations

import array
import json
import math
import os
import pty
import signal
import subprocess
import sys
import time
import tomllib
import wave
from pathlib import Path

import httpx

from kiosk.config import verify_pin


def _wait_for(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _rms(path: Path) -> float:
    with wave.open(str(path)) as w:
        samples = array.array("h", w.readframes(w.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples))) / 32768


def test_desktop_demo_runs_a_ticket_from_kiosk_to_voice_and_stops_cleanly(tmp_path):
    master, slave = pty.openpty()
    out = tmp_path / "demo"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QML_DISABLE_DISK_CACHE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "antrean", "demo", "--out", str(out), "--buttons",
         os.ttyname(slave)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(lambda: (out / "demo.json").exists(), 60, "the demo to start")
        info = json.loads((out / "demo.json").read_text())
        assert set(info["pids"]) == {"hub", "display", "counter1", "counter2", "kiosk"}
        # no token on any part's command line: `ps` shows those to every user
        for name, pid in info["pids"].items():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
            assert not any(t in cmdline for t in info["tokens"].values()), name
        # the kiosk's staff PIN (for a reprint) is this run's own, and the kiosk has it
        pin = info["staff_pin"]
        assert len(pin) == 4 and pin.isdigit()
        kiosk_cfg = tomllib.loads((out / "kiosk.toml").read_text(encoding="utf-8"))
        assert verify_pin(pin, kiosk_cfg["staff"]["pin_hash"])
        assert (out / "kiosk.toml").stat().st_mode & 0o077 == 0
        # ready: the box is open and the kiosk has announced itself (after the hub's services)
        _wait_for(lambda: all(w in (out / "logs" / "kiosk.log").read_text(errors="replace")
                              for w in ("button box connected", "advertising kiosk-")),
                  60, "the kiosk")
        os.write(master, b"1\n")  # a resident presses button 1 on the kiosk's box
        (png,) = _wait_for(lambda: list((out / "tickets").glob("A001-*.png")), 30, "a ticket")
        assert png.stat().st_size > 2000
        r = httpx.post(f"{info['hub']}/api/v1/counters/1/next",
                       headers={"Authorization": f"Bearer {info['tokens']['counter1']}"})
        assert r.status_code == 200 and r.json()["number"] == "A001"
        (wav,) = _wait_for(lambda: list((out / "voice").glob("*.wav")), 30, "the announcement")
        assert wav.name == "0001-A001-loket1.wav"  # named by the ticket it calls
        assert _rms(wav) > 0.02  # files appear whole (written, then renamed)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, output[-2000:]
        assert f"PIN staf : {pin}" in output
        for pid in info["pids"].values():
            assert not Path(f"/proc/{pid}").exists() or \
                "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)


def test_the_demos_parts_do_not_outlive_it(tmp_path):
    out = tmp_path / "demo"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QML_DISABLE_DISK_CACHE="1")
    proc = subprocess.Popen([sys.executable, "-m", "antrean", "demo", "--out", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: (out / "demo.json").exists(), 60, "the demo to start")
        pids = json.loads((out / "demo.json").read_text())["pids"].values()
    finally:
        proc.kill()  # no chance to stop its parts in order
        proc.wait()

    def gone() -> bool:
        return all(not Path(f"/proc/{pid}").exists() or "zombie" in
                   Path(f"/proc/{pid}/status").read_text().lower() for pid in pids)

    _wait_for(gone, 30, "the demo's parts to stop")
    assert gone()

