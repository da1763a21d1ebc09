"""The volunteer's survey page (/survey) in headless Chromium at a phone's size (360×740):
paired with a one-time code, a served ticket checked, the nine answers touched, sent once."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from dashboard_browser import API, CHROMIUM, SCREENS, Browser

from antrean.skm import ELEMENT_IDS
from antrean.survey_page import ASSETS

needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="Debian's chromium is not installed (apt-get install chromium)")
PHONE = (360, 740)
ASSET_DIR = Path(__file__).resolve().parents[2] / "antrean" / "survey_assets"


def _el(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


def phone(b: Browser) -> None:
    """A phone's viewport (headless Chromium keeps its window at least 500 px wide)."""
    b.send("Emulation.setDeviceMetricsOverride", width=PHONE[0], height=PHONE[1],
           deviceScaleFactor=2, mobile=True)
    b.send("Emulation.setTouchEmulationEnabled", enabled=True)


def tap(b: Browser, selector: str) -> None:
    """A finger on the element: scrolled into view, then a real press and release there."""
    box = b.js(f"(() => {{ const e = {_el(selector)}; e.scrollIntoView({{block: 'center'}}); "
               "const r = e.getBoundingClientRect(); "
               "return [r.left + r.width / 2, r.top + r.height / 2, r.width, r.height]; })()")
    assert box[2] > 0 and box[3] > 0, f"{selector} is not visible"
    for kind in ("mousePressed", "mouseReleased"):
        b.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
               clickCount=1)


def type_into(b: Browser, selector: str, text: str) -> None:
    """Focus the field with a tap, clear it, and type as a keyboard would."""
    tap(b, selector)
    b.js(f"{_el(selector)}.value = ''")
    b.send("Input.insertText", text=text)


def serve(hub) -> dict:
    import uuid

    t = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                   json={"service": "kesehatan", "request_id": str(uuid.uuid4())}).json()
    h = hub.headers("counter")
    assert httpx.post(f"{hub.url}{API}/counters/4/next", headers=h,
                      json={"services": ["kesehatan"]}).json()["id"] == t["id"]
    httpx.post(f"{hub.url}{API}/counters/4/finish", headers=h,
               json={"outcome": "served"}).raise_for_status()
    return t


def survey_events(hub) -> list[dict]:
    """The survey.submitted events of the hub's log, read back over its event stream."""
    from websockets.sync.client import connect

    url = hub.url.replace("http://", "ws://") + f"{API}/events?since=0"
    out = []
    with connect(url, additional_headers=hub.headers("lead")) as ws:
        last = json.loads(ws.recv(timeout=10))["last_seq"]
        seq = 0
        while seq < last:
            ev = json.loads(ws.recv(timeout=10))
            seq = ev["seq"]
            if ev["type"] == "survey.submitted":
                out.append(ev)
    return out


def test_the_page_and_its_assets_are_served_with_their_types(shared_hub):
    r = httpx.get(f"{shared_hub.url}/survey")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert '<html lang="id">' in r.text and "Survei Kepuasan Masyarakat" in r.text
    for name, kind in ASSETS.items():
        a = httpx.get(f"{shared_hub.url}/survey/assets/{name}")
        assert a.status_code == 200 and a.headers["content-type"] == kind
        assert a.content == (ASSET_DIR / name).read_bytes()
    for name in ("index.html", "../skm.py", "survey.js.map", "%2e%2e%2fserver.py"):
        assert httpx.get(f"{shared_hub.url}/survey/assets/{name}").status_code == 404
    # nothing from the internet: every URL the page names is the hub's own
    page = r.text + (ASSET_DIR / "survey.js").read_text() + (ASSET_DIR / "survey.css").read_text()
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


def test_every_word_is_in_both_languages():
    js = (ASSET_DIR / "survey.js").read_text()
    html = (ASSET_DIR / "index.html").read_text()
    start, end = js.index("var T = {"), js.index("var lang =")
    block = js[start:end]
    id_part, en_part = block.split("\n    en: {")
    import re

    keys = lambda part: set(re.findall(r"^\s+(\w+):", part, re.M)) | set(  # noqa: E731
        re.findall(r"[,{]\s*(\w+):", part))
    assert keys(id_part) - {"id"} == keys(en_part) - {"en"}
    for key in re.findall(r'data-i18n="(\w+)"', html):
        assert f"{key}:" in id_part and f"{key}:" in en_part, key


@needs_chromium
def test_a_volunteer_pairs_the_phone_and_submits_a_survey(hub_process):
    hub = hub_process
    lead = hub.headers("lead")
    served = serve(hub)
    waiting = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                         json={"service": "bansos", "request_id": "6f1c2d0e-1111-4222-8333-"
                                                                   "444455556666"}).json()
    with Browser(size=PHONE) as b:
        phone(b)
        b.goto(f"{hub.url}/survey")
        b.wait("document.body.className === 'ready'")
        assert b.js(f"{_el('#pair')}.hidden") is False  # not paired: the form comes first
        assert b.js(f"{_el('#paired')}.hidden") is True
        # a wrong code is refused, in Indonesian
        type_into(b, "#pair-code", "000000")
        type_into(b, "#pair-name", "HP Relawan Sari")
        tap(b, "#pair-submit")
        b.wait(f"{_el('#pair-msg')}.textContent !== ''")
        b.screenshot(SCREENS / "survey-phone-pair.png")
        assert b.js(f"{_el('#pair-msg')}.textContent") in (
            "Kode pemasangan salah.", "Tidak ada kode pemasangan yang aktif. Minta kode baru di hub.")
        code = httpx.post(f"{hub.url}{API}/pair/codes", headers=lead,
                          json={"roles": ["survey"]}).json()["code"]
        type_into(b, "#pair-code", code)
        tap(b, "#pair-submit")
        b.wait(f"!{_el('#paired')}.hidden")
        assert b.js(f"{_el('#device-name')}.textContent") == "HP Relawan Sari"
        token = b.js("localStorage.getItem('antrean.survey.token')")
        assert token and token not in b.js("document.body.innerHTML")

        # a ticket still waiting cannot be surveyed; the served one, typed loosely, can
        type_into(b, "#ticket-number", waiting["number"])
        tap(b, "#ticket-submit")
        b.wait(f"{_el('#ticket-msg')}.textContent.includes('belum selesai dilayani')")
        b.screenshot(SCREENS / "survey-phone-ticket.png")
        number = served["number"]
        type_into(b, "#ticket-number", f"{number[0].lower()}{int(number[1:])}")
        tap(b, "#ticket-submit")
        b.wait(f"!{_el('#survey-form')}.hidden")
        assert b.js(f"{_el('#ticket-line')}.textContent") == f"Nomor {number} · Kesehatan"
        first = b.js("Array.from(document.querySelectorAll('#q-persyaratan .answer .label'))"
                     ".map(e => e.textContent)")
        assert first == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
        biaya = b.js("Array.from(document.querySelectorAll('#q-biaya .answer .label'))"
                     ".map(e => e.textContent)")
        assert biaya == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]

        scores = dict(zip(ELEMENT_IDS, (4, 3, 3, 4, 3, 4, 4, 2, 3), strict=True))
        for element, score in list(scores.items())[:8]:  # sarana not yet
            tap(b, f"#q-{element} .answer[data-score='{score}']")
        tap(b, "#q-prosedur .answer[data-score='2']")  # a changed answer
        scores["prosedur"] = 2
        assert b.js(f"{_el('#answered')}.textContent") == "8 dari 9 pertanyaan terjawab"
        tap(b, "#send")
        b.wait(f"{_el('#send-msg')}.textContent.startsWith('Belum dijawab: Sarana dan prasarana')")
        assert httpx.get(f"{hub.url}{API}/stats", headers=lead).json()["skm"] is None
        tap(b, "#q-sarana .answer[data-score='3']")
        assert b.js(f"{_el('#send-msg')}.textContent") == ""  # all nine now
        b.js(f"{_el('#p-usia')}.value = '60+'")  # a select, as the phone's picker sets it
        b.js(f"{_el('#p-jenis_kelamin')}.value = 'L'")
        b.screenshot(SCREENS / "survey-phone-questions.png")
        tap(b, "#send")
        b.wait(f"!{_el('#done')}.hidden")
        assert b.js(f"{_el('#done-text')}.textContent") == \
            f"Survei nomor {number} sudah tersimpan di hub."
        b.screenshot(SCREENS / "survey-phone-done.png")

        # the hub has it once, with what was touched
        st = httpx.get(f"{hub.url}{API}/stats", headers=lead).json()
        assert st["skm"]["respondents"] == 1
        assert st["skm"]["nrr"] == {k: float(v) for k, v in scores.items()}
        (ev,) = survey_events(hub)
        assert ev["data"]["answers"] == scores
        assert ev["data"]["profile"] == {"usia": "60+", "jenis_kelamin": "L"}
        assert ev["data"]["device"] == "HP Relawan Sari"

        # the same ticket again is refused before any question; English at a tap
        tap(b, "#again")
        tap(b, "#lang")
        b.wait("document.documentElement.lang === 'en'")
        type_into(b, "#ticket-number", number)
        tap(b, "#ticket-submit")
        b.wait(f"{_el('#ticket-msg')}.textContent === "
               f"'Number {number} has already answered the survey. Thank you.'")

        # a phone whose token is gone is asked to pair, at its next look-up (a ticket by
        # its number is for paired devices only) ...
        b.js("localStorage.setItem('antrean.survey.token', 'bukan-token')")
        other = serve(hub)
        type_into(b, "#ticket-number", other["number"])
        tap(b, "#ticket-submit")
        b.wait(f"!{_el('#pair')}.hidden")
        assert b.js("localStorage.getItem('antrean.survey.token')") is None
        # ... or when it sends, if the token went in between
        b.js(f"localStorage.setItem('antrean.survey.token', {json.dumps(token)})")
        b.goto(f"{hub.url}/survey")
        b.wait("document.body.className === 'ready'")
        type_into(b, "#ticket-number", other["number"])
        tap(b, "#ticket-submit")
        b.wait(f"!{_el('#survey-form')}.hidden")
        for element in ELEMENT_IDS:
            tap(b, f"#q-{element} .answer[data-score='4']")
        b.js("localStorage.setItem('antrean.survey.token', 'bukan-token')")
        tap(b, "#send")
        b.wait(f"!{_el('#pair')}.hidden")
        assert b.js("localStorage.getItem('antrean.survey.token')") is None


@needs_chromium
def test_a_dropped_connection_keeps_the_answers_and_a_resend_counts_once(hub_process):
    hub = hub_process
    served = serve(hub)
    with Browser(size=PHONE) as b:
        phone(b)
        b.goto(f"{hub.url}/survey")
        b.wait("document.body.className === 'ready'")
        b.js(f"localStorage.setItem('antrean.survey.token', {json.dumps(hub.tokens['survey'])}); "
             "localStorage.setItem('antrean.survey.device', 'test-survey')")
        b.goto(f"{hub.url}/survey")
        b.wait("document.body.className === 'ready' && !document.querySelector('#paired').hidden")
        type_into(b, "#ticket-number", served["number"])
        tap(b, "#ticket-submit")
        b.wait(f"!{_el('#survey-form')}.hidden")
        for element in ELEMENT_IDS:
            tap(b, f"#q-{element} .answer[data-score='3']")
        hub.stop()
        tap(b, "#send")
        b.wait(f"{_el('#send-msg')}.textContent.startsWith('Hub tidak terjangkau')")
        assert b.js(f"{_el('#survey-form')}.hidden") is False
        hub.start()
        tap(b, "#send")
        b.wait(f"!{_el('#done')}.hidden")
        tap(b, "#again")  # (a second press of an old send could not reach the hub twice)
    st = httpx.get(f"{hub.url}{API}/stats", headers=hub.headers("lead")).json()
    assert st["skm"]["respondents"] == 1 and st["skm"]["ikm"] == 75.0
