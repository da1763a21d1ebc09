"""``antrean kiosk`` from the outside: screenshots, pairing, and the kiosk seen by mDNS."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from hubproc import HubProcess
from kiosk_helpers import kiosk_config
from PIL import Image

from antrean.config import example_config_path
from antrean.discovery import Browser
from kiosk.app import main
from kiosk.config import KioskConfig
from kiosk.hublink import kiosk_interfaces
from kiosk.screenshot import render_screenshot

REPO = Path(__file__).resolve().parents[2]


def kiosk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", "kiosk", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def test_screenshot_of_the_start_screen_from_a_real_hub(shared_hub, tmp_path: Path) -> None:
    png = tmp_path / "start.png"
    done = kiosk_cli("--hub", shared_hub.url, "--token", shared_hub.tokens["kiosk"],
                     "--printer", "fake", "--size", "800x480", "--screenshot", str(png))
    assert done.returncode == 0, done.stderr
    with Image.open(png) as img:
        assert img.size == (800, 480)
        assert img.convert("RGB").getpixel((4, 4)) == (0x0B, 0x4F, 0x6C)  # the header is drawn
        assert len(img.convert("RGB").getcolors(2**16) or []) > 50  # and more than a blank


def test_screenshot_of_the_fault_screen_portrait(tmp_path: Path) -> None:
    png = tmp_path / "fault.png"
    done = kiosk_cli("--screenshot", str(png), "--screen", "printer-fault", "--size", "480x800")
    assert done.returncode == 0, done.stderr
    with Image.open(png) as img:
        assert img.size == (480, 800)


@pytest.mark.qt_log_ignore(".*")
def test_screenshot_fails_when_the_qml_does_not_load(qapp, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr("kiosk.runtime.QML_MODULE", "AntreanNoSuchModule")
    cfg = kiosk_config(type("Hub", (), {"url": "", "tokens": {"kiosk": ""}})())
    assert render_screenshot(cfg, str(tmp_path / "x.png"), "start", (640, 480)) == 1
    assert not (tmp_path / "x.png").exists()


def test_pairing_trades_the_code_for_a_working_token(shared_hub, capsys) -> None:
    code = subprocess.run([sys.executable, "-m", "antrean", "pair", "--data",
                           str(shared_hub.data_dir)], capture_output=True, text=True,
                          timeout=60, cwd=REPO).stdout.strip()
    assert main(["--hub", shared_hub.url, "--pair", "000000", "--name", "kiosk-uji"]) == 1
    assert "pairing failed" in capsys.readouterr().err
    assert main(["--hub", shared_hub.url, "--pair", code, "--name", "kiosk-uji"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('token = "')
    token = line.split('"')[1]
    r = httpx.post(f"{shared_hub.url}/api/v1/devices/status",
                   headers={"Authorization": f"Bearer {token}"},
                   json={"component": "printer", "ok": True, "status": "ok"})
    assert r.status_code == 200 and r.json()["data"]["device"] == "kiosk-uji"


def test_kiosk_interfaces_follow_the_hub() -> None:
    assert kiosk_interfaces("http://127.0.0.1:8470", None) == ["127.0.0.1"]
    assert kiosk_interfaces("http://localhost:8470", None) == ["127.0.0.1"]
    assert kiosk_interfaces("http://10.1.2.3:8470", ["10.1.2.9"]) == ["10.1.2.9"]


def test_the_kiosk_advertises_itself_on_loopback_only(shared_hub, make_kiosk) -> None:
    name = f"kiosk-uji-{uuid.uuid4().hex[:6]}"
    cfg = kiosk_config(shared_hub, kiosk={"name": name}, mdns={"advertise": True})
    k = make_kiosk(cfg)
    with Browser(post="pos-contoh", roles=["kiosk"], interfaces=["127.0.0.1"]) as browser:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(p.name == name for p in browser.peers()):
            k.qtbot.wait(100)
        peer = next(p for p in browser.peers() if p.name == name)
    assert (peer.role, peer.post, peer.port) == ("kiosk", "pos-contoh", 0)
    assert "127.0.0.1" in peer.addresses


def test_the_kiosk_process_runs_and_stops_in_order_on_sigterm(shared_hub, tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[hub]\nurl = "{shared_hub.url}"\ntoken = "{shared_hub.tokens["kiosk"]}"\n'
                   "[mdns]\nadvertise = false\n")
    proc = subprocess.Popen([sys.executable, "-m", "antrean", "kiosk", "--config", str(cfg),
                             "--size", "800x480"], cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "hub answers" in line:
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_without_a_hub_url_the_kiosk_finds_its_posts_hub_by_mdns(tmp_path, make_kiosk) -> None:
    post = f"pos-uji-{uuid.uuid4().hex[:6]}"  # our own post: other hubs on this host differ
    config = tmp_path / "post.toml"
    config.write_text(example_config_path().read_text().replace('id = "pos-contoh"',
                                                               f'id = "{post}"', 1))
    hub = HubProcess(tmp_path / "hub", config=config, mdns=True)  # announced on 127.0.0.1
    hub.make_tokens()
    hub.start()
    try:
        cfg = KioskConfig.model_validate({
            "hub": {"token": hub.tokens["kiosk"], "post": post, "timeout_s": 1},
            "mdns": {"advertise": False, "interfaces": ["127.0.0.1"]}})
        k = make_kiosk(cfg, wait_for=None)
        k.wait_screen("start", timeout=15)
        assert k.kiosk.client.url == hub.url
        k.click("tile-adminduk")
        k.wait_screen("confirm")
        k.kiosk.close()
        httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("lead"),
                   json={"component": "test", "ok": True, "status": "ok"})  # see wake_hub_streams
    finally:
        hub.stop()
