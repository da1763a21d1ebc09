"""``antrean kiosk`` from the outside: screenshots, pairing, systemd, and the kiosk seen by mDNS."""

from __future__ import annotations

import os
import signal
import socket
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
    # --token=T: a token may start with "-", which argparse would take for an option.
    done = kiosk_cli("--hub", shared_hub.url, f"--token={shared_hub.tokens['kiosk']}",
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
    token_line, fp_line = capsys.readouterr().out.strip().splitlines()
    assert token_line.startswith('token = "')
    assert fp_line == f'fingerprint = "{shared_hub.fingerprint}"'  # the hub key to pin
    token = token_line.split('"')[1]
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


def test_the_kiosk_process_tells_systemd_and_stops_in_order_on_sigterm(shared_hub,
                                                                       tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[hub]\nurl = "{shared_hub.url}"\ntoken = "{shared_hub.tokens["kiosk"]}"\n'
                   "[mdns]\nadvertise = false\n")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # systemd's side of sd_notify
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(15)
    env = dict(os.environ, NOTIFY_SOCKET=str(tmp_path / "notify"), WATCHDOG_USEC="400000")
    proc = subprocess.Popen([sys.executable, "-m", "antrean", "kiosk", "--config", str(cfg),
                             "--size", "800x480"], cwd=REPO, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert notify.recv(256).startswith(b"READY=1")  # once the window is up
        assert notify.recv(256) == b"WATCHDOG=1"  # then pings from the GUI thread
        assert notify.recv(256) == b"WATCHDOG=1"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        notify.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def test_main_refuses_a_pyside_that_would_crash_before_any_qt(monkeypatch, capsys) -> None:
    monkeypatch.setattr("antrean.qtcheck.unsafe_pyside",
                        lambda: "PySide6 6.12.0 on Python 3.11 loses references to None/True")
    with pytest.raises(SystemExit) as exc:
        main(["--hash-pin"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("antrean kiosk: PySide6 6.12.0 on Python 3.11")


def test_the_command_line_config_and_hub_calls_import_no_qt() -> None:
    code = ("import sys, kiosk, kiosk.app, kiosk.config, kiosk.feedback, kiosk.desk; "
            "qt = [m for m in sys.modules if m.startswith('PySide6')]; "
            "assert not qt, qt")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("screen, size", [("rate-faces", "800x480"),
                                          ("complaint-sent", "480x800")])
def test_screenshots_of_the_rating_and_complaint_screens(screen: str, size: str,
                                                         tmp_path: Path) -> None:
    png = tmp_path / f"{screen}.png"
    done = kiosk_cli("--screenshot", str(png), "--screen", screen, "--size", size)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no QML warning
    with Image.open(png) as img:
        w, h = (int(v) for v in size.split("x"))
        assert img.size == (w, h)
        colours = {c for _, c in img.convert("RGB").getcolors(2**16) or []}
        # The green of "Sangat puas" / of the receipt's banner is drawn.
        assert (0x1B, 0x7F, 0x3B) in colours


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
