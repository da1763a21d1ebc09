"""A hub whose clock is held says so on the lead's dashboard and in ``antrean doctor``: a
real hub on loopback (in-process, its clock injected), the real page in Chromium, the real
doctor. (The doctor on a hub whose disk is full: test_storage_faults.py.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from dashboard_browser import SCREENS, chromium, parse

from antrean.auth import create_device_token
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.runner import HubThread
from antrean.storage import Storage
from hardware.doctor import main as doctor_main

API = "/api/v1"


@pytest.fixture
def held_hub(tmp_path):
    """A hub whose wall clock was set back 20 minutes after it issued two tickets."""
    wall = FixedClock(datetime.now(UTC).replace(microsecond=0))
    st = Storage(tmp_path)
    tokens = {r: create_device_token(st, r, f"uji-{r}", wall.now()) for r in ("kiosk", "counter")}
    st.close()
    hub = HubThread(load_post_config(), tmp_path, clock=wall).start()
    hub.tokens = tokens  # type: ignore[attr-defined]
    try:
        for _ in range(2):
            r = httpx.post(f"{hub.url}{API}/tickets",
                           headers={"Authorization": f"Bearer {tokens['kiosk']}"},
                           json={"service": "adminduk", "request_id": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
        wall.advance(seconds=-20 * 60)
        yield hub
    finally:
        hub.stop()


def test_the_dashboard_says_the_clock_is_held(held_hub):
    q = httpx.get(f"{held_hub.url}{API}/queue").json()
    assert q["clock"]["status"] == "behind" and q["clock"]["behind_s"] == 1200
    held = q["clock"]["held_at"][11:16]
    doc = parse(chromium(f"{held_hub.url}/dashboard", screenshot=SCREENS / "dashboard-clock.png"))
    warn = doc.by_id("hub-warn")
    assert not warn.hidden and warn.attrs["role"] == "alert"
    assert warn.text == (f"Jam hub tertinggal 1.200 detik dari catatannya: waktu hub ditahan pada "
                         f"{held.replace(':', '.')} sampai jam menyusul. Periksa jam Pi hub "
                         "(NTP/RTC).")


def test_the_dashboard_says_nothing_when_the_clock_is_right(held_hub):
    held_hub.hub.clock.inner.advance(seconds=20 * 60 + 1)  # type: ignore[attr-defined]
    assert httpx.get(f"{held_hub.url}{API}/queue").json()["clock"]["status"] == "ok"
    doc = parse(chromium(f"{held_hub.url}/dashboard"))
    assert doc.by_id("hub-warn").hidden and doc.by_id("hub-warn").text == ""


def _doctor(capsys, hub, *extra: str) -> tuple[int, list[str]]:
    code = doctor_main(["--role", "counter", "--hub", hub.url, "--token",
                        hub.tokens["counter"], *extra])
    return code, capsys.readouterr().out.splitlines()


def test_doctor_fails_the_clock_while_the_hub_holds_it(capsys, held_hub, tmp_path):
    code, out = _doctor(capsys, held_hub, "--data", str(tmp_path))
    (clock,) = [s for s in out if " Jam:" in s]
    assert code == 1 and clock.startswith("GAGAL")
    assert "jam hub tertinggal 1200 detik dari catatannya" in clock
    assert "atur jam Pi hub dengan benar" in clock
    code, out = _doctor(capsys, held_hub, "--data", str(tmp_path), "--lang", "en")
    (clock,) = [s for s in out if " Clock:" in s]
    assert "the hub's clock is 1200 s behind its log" in clock
