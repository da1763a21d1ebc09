"""A counter the hub refuses says so (no green dot, no live buttons) and recovers by itself.

Today's failure this holds against: the counter showed a green dot and live buttons while the
hub refused every action. Now it shows an out-of-service screen with the hub, what was
refused and the fix, sends nothing, and comes back once paired (``antrean join --config``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pairing import device_config, join
from PySide6.QtQuick import QQuickItem

from counter.config import load_counter_config


def shown(win, name: str) -> str:
    item = win.findChild(QQuickItem, name)
    assert item is not None, name
    return str(item.property("text"))


def test_a_refused_token_then_pairing_brings_it_back(counter_hub, make_vm, window, qtbot,
                                                      tmp_path: Path) -> None:
    path = device_config(tmp_path / "counter.toml", counter_hub, token="not-a-token-of-this-hub")
    token = load_counter_config(path).token_source(path=str(path))
    vm = make_vm(counter_hub, number=11, ready=False, token=token)
    win = window(vm, (800, 480))
    qtbot.waitUntil(lambda: vm.desk.refused, timeout=10000)
    v = vm.render_now()
    assert v["outOfService"] and not v["hubUp"]  # the dot is not green
    assert not v["nextEnabled"] and not any(a["allowed"] for a in v["actions"])
    qtbot.waitUntil(lambda: win.findChild(QQuickItem, "outOfService").isVisible(), timeout=2000)
    assert shown(win, "outOfServiceText").endswith("Loket belum siap: hub menolak perangkat ini")
    assert shown(win, "outOfServiceRefused") == "Ditolak: Token tidak dikenal."
    assert counter_hub.url in shown(win, "outOfServiceHub")
    assert f"--role counter --name NAMA --config {path}" in shown(win, "outOfServiceFix2")
    vm.press("next")  # a key pressed anyway: refused on screen, nothing sent
    assert "TIDAK dikirim" in vm.render_now()["notice"] and vm.desk.busy is None

    join(counter_hub, "counter", "Loket Sebelas", path)  # staff pair it, as the screen says
    qtbot.waitUntil(lambda: vm.desk.phase == "ready" and not vm.desk.refused
                    and vm.desk.queue is not None, timeout=15000)
    v = vm.render_now()
    assert v["hubUp"] and not v["outOfService"] and v["number"] == 11
    qtbot.waitUntil(lambda: not win.findChild(QQuickItem, "outOfService").isVisible(),
                    timeout=2000)


def test_no_token_starts_and_says_so(counter_hub, make_vm, qtbot) -> None:
    vm = make_vm(counter_hub, number=12, ready=False, token="")
    qtbot.waitUntil(lambda: vm.desk.refused, timeout=10000)
    assert vm.render_now()["oos"]["refused"] == "Ditolak: Perangkat ini belum punya token."


def test_screenshot_against_a_hub_that_refuses_the_token(counter_hub, tmp_path: Path) -> None:
    png = tmp_path / "counter.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANTREAN_TOKEN="wrong")
    done = subprocess.run(
        [sys.executable, "-m", "antrean", "counter", "--hub", counter_hub.url, "--counter",
         "13", "--no-mdns", "--size", "800x480", "--screenshot", str(png)],
        capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refuses this counter" in done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
