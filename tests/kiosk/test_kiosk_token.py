"""A kiosk the hub refuses says so before a resident touches it, and recovers by itself.

Today's failure this holds against: the kiosk showed its normal tiles and refused every touch
with "Token tidak dikenal". Now it shows an out-of-service screen (no tiles) with the hub,
what was refused and the fix; pairing it (``antrean join --config``) brings it back running.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk_helpers import _find, day_log
from pairing import device_config, join

from antrean.devicetoken import TokenSource
from kiosk.config import load_kiosk_config

OUT_OF_SERVICE = "Kios belum siap — mohon hubungi petugas"


def kiosk_for(path: Path) -> tuple:
    """The config at ``path`` and the token source a running kiosk keeps looking at."""
    cfg = load_kiosk_config(path)
    return cfg, TokenSource(token=cfg.hub.token, fingerprint=cfg.hub.fingerprint,
                            token_file=cfg.hub.token_file, config=path)


def test_a_refused_token_then_pairing_brings_it_back(hub_process, make_kiosk,
                                                      tmp_path: Path) -> None:
    path = device_config(tmp_path / "kiosk.toml", hub_process, token="not-a-token-of-this-hub")
    cfg, token = kiosk_for(path)
    k = make_kiosk(cfg, token=token, wait_for="out-of-service")

    assert k.item("outOfServiceText").property("text") == OUT_OF_SERVICE
    assert _find(k.window.contentItem(), "tile-adminduk") is None  # no tiles to touch
    assert hub_process.url in k.item("outOfServiceHub").property("text")
    assert k.item("outOfServiceRefused").property("text") == "Ditolak: Token tidak dikenal."
    fix = k.item("outOfServiceFix2").property("text")
    assert "antrean join --code KODE --role kiosk" in fix and f"--config {path}" in fix
    k.vm.button_pressed(1)  # the button box, pressed anyway
    k.click("outOfServiceText")  # a touch on the screen
    assert k.vm.screen == "out-of-service"

    join(hub_process, "kiosk", "Kios Uji", path)  # staff pair it, as the screen says
    k.wait_screen("start", timeout=15)  # by itself: no restart
    assert day_log(hub_process) == []  # nothing was issued while it was out of service
    k.click("tile-adminduk")
    k.wait_screen("confirm")
    assert [r["number"] for r in day_log(hub_process)] == ["A001"]


def test_no_token_at_all_and_a_token_of_another_role(shared_hub, make_kiosk,
                                                     tmp_path: Path) -> None:
    cfg, token = kiosk_for(device_config(tmp_path / "a.toml", shared_hub))
    k = make_kiosk(cfg, token=token, wait_for="out-of-service")
    assert k.item("outOfServiceRefused").property("text") == \
        "Ditolak: Perangkat ini belum punya token."
    assert "dengan sendirinya" in k.vm.outOfService["after"]

    cfg, token = kiosk_for(device_config(tmp_path / "b.toml", shared_hub,
                                         token=shared_hub.tokens["counter"]))
    k2 = make_kiosk(cfg, token=token, wait_for="out-of-service")
    assert k2.vm.outOfService["refused"] == \
        'Ditolak: Token ini milik perangkat loket "test-counter", bukan kios.'
    k2.vm.toggleLang()
    assert k2.vm.words["outOfService"] == "Kiosk not ready — please ask the staff"
    assert k2.vm.outOfService["refused"].startswith("Refused: This token belongs to a counter")


def test_screenshot_against_a_hub_that_refuses_the_token(shared_hub, tmp_path: Path) -> None:
    png = tmp_path / "kiosk.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANTREAN_TOKEN="wrong")
    done = subprocess.run(
        [sys.executable, "-m", "antrean", "kiosk", "--hub", shared_hub.url, "--size", "800x480",
         "--screenshot", str(png)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split("\t")[:2] == [str(png), "out-of-service"]  # what it showed
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
