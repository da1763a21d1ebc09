"""The SKM card of the lead's dashboard in headless Chromium: IKM and its band, the weakest
elements first, respondents against the Krejcie–Morgan minimum, a code for a volunteer's phone."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from dashboard_browser import API, CHROMIUM, SCREENS, Browser, Seeder, chromium, parse
from test_skm import ANSWERS

needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="Debian's chromium is not installed (apt-get install chromium)")


def _el(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


def seed_surveys(hub, extra_served: int = 2) -> list[dict]:
    """The four respondents of test_skm (IKM 77.78, B), and a few residents served only."""
    s = Seeder(hub)
    try:
        tickets = []
        for answers in ANSWERS:
            t = s.issue("adminduk")
            assert s.call(1, ["adminduk"])["id"] == t["id"]
            s.finish(1)
            r = httpx.post(f"{hub.url}{API}/survey", headers=hub.headers("kiosk"), json={
                "ticket": t["number"], "answers": answers, "request_id": str(uuid.uuid4())})
            assert r.status_code == 201
            tickets.append(t)
        for _ in range(extra_served):
            s.issue("kesehatan")
            s.call(2, ["kesehatan"])
            s.finish(2)
        return tickets
    finally:
        s.close()


@needs_chromium
def test_the_skm_card_shows_ikm_band_weakest_first_and_the_sample(hub_process):
    hub = hub_process
    doc = parse(chromium(f"{hub.url}/dashboard", size=(1366, 1400)))
    assert doc.by_id("skm-none").text == "Belum ada responden survei pada tanggal ini."
    assert doc.by_id("skm-sample").attrs["data-minimum"] == "0"

    seed_surveys(hub)
    shot = SCREENS / "dashboard-skm.png"
    doc = parse(chromium(f"{hub.url}/dashboard", size=(1366, 1700), screenshot=shot))
    assert doc.by_id("skm-ikm").text == "77,78"  # id-ID writes a decimal comma
    assert doc.by_id("skm-mutu").attrs["data-value"] == "B"
    assert doc.by_id("skm-mutu").find("span").text == "Baik"
    assert doc.by_id("skm-respondents").text == "4 responden"
    rows = doc.by_id("skm-table").find("tbody").find_all("tr")
    assert [r.attrs["data-element"] for r in rows[:3]] == ["pengaduan", "waktu", "sarana"]
    assert "weakest" in rows[0].classes
    cells = [c.text for c in rows[0].children if not isinstance(c, str)]
    assert cells[:2] == ["Penanganan pengaduan", "2,00"]
    # 6 residents served: Krejcie–Morgan asks 6 of them (a small N is nearly all of it)
    sample = doc.by_id("skm-sample")
    assert (sample.attrs["data-respondents"], sample.attrs["data-minimum"]) == ("4", "6")
    assert sample.text.startswith("Responden 4 dari minimal 6 (6 warga terlayani)")
    assert "Kurang 2 responden" in sample.text

    en = parse(chromium(f"{hub.url}/dashboard#lang=en", size=(390, 2700),
                        screenshot=SCREENS / "dashboard-skm-phone-en.png"))
    assert en.by_id("skm-mutu").find("span").text == "Good"
    assert en.by_id("skm-ikm").text == "77.78"
    first = [c.text for c in en.by_id("skm-table").find("tbody").find("tr").children
             if not isinstance(c, str)]
    assert first[0] == "Complaint handling"


@needs_chromium
def test_a_lead_makes_a_code_a_volunteer_phone_pairs_with(hub_process):
    hub = hub_process
    with Browser(size=(1366, 1000)) as b:
        b.goto(f"{hub.url}/dashboard")
        b.wait(f"{_el('#skm')}.children.length > 0")
        assert b.js(f"{_el('#skm-lead')}.hidden") is True  # the public view makes no codes
        b.js(f"localStorage.setItem('antrean.dashboard.token', {json.dumps(hub.tokens['lead'])}); "
             "location.reload()")
        b.wait("(e => Boolean(e && !e.hidden))(document.querySelector('#skm-lead'))")
        b.js(f"{_el('#skm-pair')}.click()")
        b.wait(f"{_el('#skm-pair-msg')}.dataset.code")
        code = b.js(f"{_el('#skm-pair-msg')}.dataset.code")
        assert f"{hub.url}/survey" in b.js(f"{_el('#skm-pair-msg')}.textContent")
    r = httpx.post(f"{hub.url}{API}/pair", json={"code": code, "role": "survey", "name": "HP 1"})
    assert r.status_code == 201 and r.json()["role"] == "survey"
