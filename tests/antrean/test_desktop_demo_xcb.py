"""``antrean demo`` on the real xcb platform, as ``make post`` runs it on a desktop.

The other desktop-demo tests render offscreen, which loads none of the X11 libraries Qt's
xcb plugin needs: a missing ``libxcb-cursor0`` once stopped ``make post`` on every fresh
Debian desktop while every test passed. Here a virtual X server (Xvfb) stands in for the
desktop and the demo's windows are real X11 windows: they are found by their titles, laid
side by side (no window manager places them), photographed from the root window, and read
back by OCR. Ctrl+C then stops the whole post: exit 0, no part left running.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

#: Big enough for the display (1280x720) and three 1024x600 windows side by side.
SCREEN = (2304, 1320)
#: Window title -> where it goes and a word OCR must read in it.
WINDOWS = {
    "display": (re.compile(r"^Antrean — (?!Kiosk)"), (0, 0), "Kesehatan"),
    "kiosk": (re.compile(r"^Antrean — Kiosk$"), (1280, 0), "Antrean"),
    "counter-a": (re.compile(r"^Loket( \d+)? — Antrean$"), (0, 720), "Loket"),
    "counter-b": (re.compile(r"^Loket( \d+)? — Antrean$"), (1280, 720), "Loket"),
}
_WININFO = re.compile(r'^\s*(0x[0-9a-f]+) "(.*)": \(.*\)\s+(\d+)x(\d+)\+(-?\d+)\+(-?\d+)')


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: scripts/setup.sh installs it (apt)")
    return path


def wait_for(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def xserver():
    """A virtual X server on a free display number (Xvfb picks it: -displayfd)."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [tool("Xvfb"), "-displayfd", str(write_fd), "-screen", "0",
         f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as f:
            number = f.readline().strip()
        assert number.isdigit(), proc.stderr.read().decode() if proc.stderr else ""
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def top_windows(display: str) -> list[tuple[str, str, int, int, int, int]]:
    """(id, title, w, h, x, y) of every titled child of the root window."""
    out = subprocess.run([tool("xwininfo"), "-root", "-children"], capture_output=True,
                         text=True, env={**os.environ, "DISPLAY": display}, timeout=20).stdout
    found = []
    for line in out.splitlines():
        m = _WININFO.match(line)
        if m:
            wid, title, w, h, x, y = m.groups()
            found.append((wid, title, int(w), int(h), int(x), int(y)))
    return found


def place_windows(display: str) -> dict[str, str] | None:
    """Map each demo window by title; None until all four are there."""
    wins = top_windows(display)
    placed: dict[str, str] = {}
    for role, (pattern, _at, _word) in WINDOWS.items():
        for wid, title, *_ in wins:
            if pattern.search(title) and wid not in placed.values():
                placed[role] = wid
                break
    return placed if len(placed) == len(WINDOWS) else None


def ocr(img: Image.Image, path: Path) -> str:
    img.convert("L").save(path)
    r = subprocess.run([tool("tesseract"), str(path), "stdout", "-l", "ind"],
                       capture_output=True, text=True, timeout=120)
    return r.stdout


def distinct_colours(img: Image.Image) -> int:
    return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_desktop_demo_draws_every_window_on_x11_and_stops_on_ctrl_c(xserver, tmp_path):
    out = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    # xcb named outright: were its libraries missing, Qt must fail, not fall back
    env.update(DISPLAY=xserver, QT_QPA_PLATFORM="xcb", QML_DISABLE_DISK_CACHE="1")
    log = (tmp_path / "demo.out").open("wb")
    # its own process group, as a terminal's foreground job: Ctrl+C reaches every part
    proc = subprocess.Popen([sys.executable, "-m", "antrean", "demo", "--out", str(out)],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    shot = tmp_path / "root.png"
    try:
        wait_for(lambda: (out / "demo.json").exists() or proc.poll() is not None, 90,
                 "the demo to start")
        assert proc.poll() is None, (tmp_path / "demo.out").read_text()
        pids = json.loads((out / "demo.json").read_text())["pids"]
        ids = wait_for(lambda: place_windows(xserver), 120, "the four windows on X11")
        for role, wid in ids.items():
            x, y = WINDOWS[role][1]
            subprocess.run([tool("xdotool"), "windowmove", wid, str(x), str(y)],
                           env={**os.environ, "DISPLAY": xserver}, check=True, timeout=20)
        assert proc.poll() is None, "the demo stopped"

        def photographed() -> dict[str, str] | None:
            subprocess.run([tool("import"), "-window", "root", str(shot)],
                           env={**os.environ, "DISPLAY": xserver}, check=True, timeout=60)
            root = Image.open(shot)
            texts: dict[str, str] = {}
            for role, wid in ids.items():
                geo = next(w for w in top_windows(xserver) if w[0] == wid)
                _, _, w, h, x, y = geo
                region = root.crop((x, y, x + w, y + h))
                texts[role] = ocr(region, tmp_path / f"{role}.png")
                if WINDOWS[role][2] not in texts[role] or distinct_colours(region) < 16:
                    return None
            return texts

        texts = wait_for(photographed, 120, "every window drawn and legible")
        assert "Ambil Nomor Antrean" in texts["kiosk"]
        assert distinct_colours(Image.open(shot)) > 200  # not a blank or one-colour screen

        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in the terminal
        assert proc.wait(timeout=90) == 0, (tmp_path / "demo.out").read_text()[-3000:]
        for name, pid in pids.items():
            assert not Path(f"/proc/{pid}").exists() or \
                "zombie" in Path(f"/proc/{pid}/status").read_text().lower(), name
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        keep = os.environ.get("ANTREAN_TEST_SCREENSHOT")  # to look at it: a path to copy to
        if keep and shot.exists():
            shutil.copy(shot, keep)
