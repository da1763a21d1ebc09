"""The lead's dashboard at /dashboard: served files, then the page in real headless Chromium.

One hub for the module: a simulated morning (the headless demo's day, through the API on an
accelerated clock) and then live activity through the API as kiosks, counters and the lead
would do it — priority tickets, calls, a no-show, ratings, complaints, a correction. The
page's numbers are read from Chromium's rendered DOM and compared with the hub's own stats.
Screenshots go to out/screens/dashboard-*.png for a person to look at.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from dashboard_browser import (
    API,
    CHROMIUM,
    SCREENS,
    Browser,
    Node,
    Seeder,
    chromium,
    decimal,
    minutes,
    parse,
)

from antrean.dashboard import ASSETS

ASSET_DIR = Path(__file__).resolve().parents[2] / "antrean" / "dashboard_assets"
COMPLAINT = "Antre terlalu lama <script>alert(1)</script> & tidak ada kursi"
REASON = "Warga datang, petugas salah tekan tombol"

needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def dash(tmp_path_factory):
    """A hub with a realistic day in it, plus what the seeding left for the checks."""
    from hubproc import HubProcess

    from antrean.config import load_post_config
    from antrean.demo import simulate_day

    data = tmp_path_factory.mktemp("dash-hub")
    # a morning at the post through the real API, on an accelerated clock (~4 s)
    simulate_day(load_post_config(), data, seed=11, residents=60, speed=6000)
    hub = HubProcess(data)
    hub.make_tokens()
    hub.start()
    s = Seeder(hub)
    try:
        log = s.get("/log?format=json", "lead")
        served = [r["number"] for r in log if r["outcome"] == "served"]
        for i, number in enumerate(served[:20]):
            s.rate(number, [4, 4, 3, 4, 2, 3, 4, 1, 3, 4][i % 10])
        for svc, prio in [("adminduk", None), ("adminduk", None), ("adminduk", "elderly"),
                          ("kesehatan", "disabled"), ("kesehatan", None), ("bansos", None),
                          ("adminduk", None)]:
            s.issue(svc, prio)
        first = s.call(1, ["adminduk"])
        assert first is not None
        s.finish(1, "served")
        s.rate(first["number"], 4)
        missed = s.call(2, ["kesehatan"])
        assert missed is not None
        s.finish(2, "no_show")
        s.call(1, ["adminduk"])
        s.call(2, ["kesehatan"])
        s.complain("waktu", COMPLAINT, first["number"])
        s.complain("sarana", "Tidak ada tempat duduk untuk lansia")
        s.correct(missed["id"], "served", REASON)
        yield {"hub": hub, "seeder": s, "corrected": missed["number"], "served_now": first}
    finally:
        s.close()
        hub.stop()


def _stats(dash: dict[str, Any], public: bool = False, day: str | None = None) -> dict[str, Any]:
    q = f"?date={day}" if day else ""
    s = dash["seeder"]
    return s.get(f"/public/stats{q}") if public else s.get(f"/stats{q}", "lead")


def _page(dash: dict[str, Any], fragment: str = "", **kw: Any) -> Node:
    url = f"{dash['hub'].url}/dashboard" + (f"#{fragment}" if fragment else "")
    return parse(chromium(url, **kw))


def _cells(row: Node) -> list[str]:
    return [c.text for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


# ----- served files ------------------------------------------------------------------------
def test_page_and_assets_are_served_with_their_types(dash):
    url = dash["hub"].url
    r = httpx.get(f"{url}/dashboard")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    # every file the page or its modules refer to is in the allow-list, and that is the folder
    referenced = set(re.findall(r'/dashboard/assets/([\w.-]+)', r.text))
    for js in ASSET_DIR.glob("*.js"):
        referenced |= set(re.findall(r"from '\./([\w.-]+)'", js.read_text(encoding="utf-8")))
    assert referenced == set(ASSETS)
    assert {p.name for p in ASSET_DIR.iterdir()} == set(ASSETS) | {"index.html"}
    expected = {"dashboard.js": "text/javascript", "words.js": "text/javascript",
                "dom.js": "text/javascript", "charts.js": "text/javascript",
                "skm.js": "text/javascript",
                "dashboard.css": "text/css", "icon.svg": "image/svg+xml"}
    for name, ctype in expected.items():
        a = httpx.get(f"{url}/dashboard/assets/{name}")
        assert a.status_code == 200, name
        assert a.headers["content-type"].split(";")[0] == ctype
        assert a.content == (ASSET_DIR / name).read_bytes()


@pytest.mark.parametrize("name", ["..%2Fserver.py", "..%2F..%2Fpyproject.toml", "server.py",
                                  "index.html", "%2E%2E%2Fdashboard.py", "dashboard.JS"])
def test_names_outside_the_allow_list_are_404(dash, name):
    r = httpx.get(f"{dash['hub'].url}/dashboard/assets/{name}")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_raw_dot_dot_path_is_404(dash):
    hub = dash["hub"]
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=5)
    try:  # http.client sends the path as written: no client-side normalisation of ".."
        conn.request("GET", "/dashboard/assets/../../antrean/server.py")
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    assert resp.status == 404 and b"import" not in body


def test_dashboard_module_imports_no_qt_or_hardware():
    code = ("import sys, antrean.dashboard; "
            "bad = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'escpos', 'serial'}); "
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_label_comes_from_the_dictionary_in_both_languages():
    words = (ASSET_DIR / "words.js").read_text(encoding="utf-8")
    js = "\n".join(p.read_text(encoding="utf-8") for p in ASSET_DIR.glob("*.js"))
    html = (ASSET_DIR / "index.html").read_text(encoding="utf-8")
    id_block = words[words.index("  id: {"):words.index("  en: {")]
    en_block = words[words.index("  en: {"):]
    key = re.compile(r"(?:^|[\s,{])([a-z][a-z0-9_]*): ['\"]")
    id_keys, en_keys = set(key.findall(id_block)), set(key.findall(en_block))
    assert en_keys - {"open_counters_1"} == id_keys  # English has one plural form more
    used = set(re.findall(r'data-i18n="(\w+)"', html)) | set(re.findall(r"\bt\('(\w+)'", js))
    # keys built from a value: counter states, the four faces, ticket outcomes, SKM bands
    families = {"st_": ["idle", "serving", "paused"], "sat_": ["4", "3", "2", "1"],
                "outcome_": ["served", "no_show", "cancelled", "day_closed"],
                "mutu_": ["a", "b", "c", "d"]}
    assert {u for u in used if u.endswith("_")} == set(families)
    used = {u for u in used if not u.endswith("_")}
    used |= {p + v for p, vs in families.items() for v in vs}
    assert used <= id_keys, sorted(used - id_keys)


# ----- the page in Chromium ----------------------------------------------------------------
def _assert_indicators(doc: Node, st: dict[str, Any], lang: str = "id") -> None:
    for k in ("served", "issued", "no_show", "open"):
        el = doc.by_id(f"kpi-{k}")
        assert el.attrs["data-value"] == str(st[k]) and el.text == f"{st[k]:,}".replace(",", "."), k
    assert doc.by_id("kpi-wait-avg").text == minutes(st["wait"]["avg_s"], lang)
    assert doc.by_id("kpi-wait-median").text == minutes(st["wait"]["median_s"], lang)
    assert doc.by_id("kpi-wait-p90").text == minutes(st["wait"]["p90_s"], lang)
    for key in ("wait", "wait_priority", "wait_regular"):
        w = st[key]
        row = doc.by_id("wait-table").find("tr", data_key=key)
        cells = _cells(row)
        assert cells[1:5] == [str(w["count"]), minutes(w["avg_s"], lang),
                              minutes(w["median_s"], lang), minutes(w["p90_s"], lang)], key
    for sv in st["services"]:
        cells = _cells(doc.by_id("svc-table").find("tr", data_service=sv["id"]))
        assert cells[0].startswith(sv["letter"])
        assert cells[1:5] == [str(sv["issued"]), str(sv["served"]), str(sv["no_show"]),
                              str(sv["cancelled"])], sv["id"]
        assert cells[5] == minutes(sv["wait"]["avg_s"], lang)
    # the chart: one bar per hour and class that has a wait, its height the hub's average
    bars = {(int(b.attrs["data-hour"]), b.attrs["data-series"]): float(b.attrs["data-min"])
            for b in doc.by_id("chart").find_all("rect", cls="bar")}
    want = {(h["hour"], cls): h[key]["avg_s"] / 60 for h in st["hours"]
            for cls, key in (("priority", "wait_priority"), ("regular", "wait_regular"))
            if h[key]["avg_s"] is not None}
    assert bars.keys() == want.keys() and len(bars) >= 4
    assert all(abs(bars[k] - want[k]) < 0.01 for k in want)
    sat = st["satisfaction"]
    for score, n in sat["counts"].items():
        face = doc.by_id("satisfaction").find("div", cls="face", data_score=score)
        assert face.find("div", cls="n").attrs["data-value"] == str(n)
    assert doc.by_id("sat-avg").text == decimal(sat["avg"], 2, lang)


def _assert_live(doc: Node, queue: dict[str, Any]) -> None:
    for sv in queue["services"]:
        li = doc.by_id("live-services").find("li", data_service=sv["id"])
        assert li.find("span", cls="waiting").text == str(sv["waiting"])
    for c in queue["counters"]:
        li = doc.by_id("live-counters").find("li", data_counter=str(c["number"]))
        assert c["state"] in li.classes
        if c["ticket"]:
            assert li.find("span", cls="ticket-no").text == c["ticket"]["number"]


@needs_chromium
def test_public_view_shows_the_hubs_numbers_and_no_ticket_history(dash):
    shot = SCREENS / "dashboard-public.png"
    doc = _page(dash, screenshot=shot)
    st = _stats(dash, public=True)
    lead = _stats(dash)
    assert lead["counters"] and "counters" not in st  # per-counter figures are the lead's
    assert st == {**{k: v for k, v in lead.items() if k != "counters"},
                  "complaints": {"count": st["complaints"]["count"]}}
    _assert_indicators(doc, st)
    _assert_live(doc, dash["seeder"].get("/queue"))
    assert doc.by_id("status").hidden
    assert doc.by_id("post-name").text == st["post"]["name"]
    assert doc.by_id("kpi-complaints").text == "2"
    # the lead's parts are not there: no complaint text, no correction, no export
    assert doc.by_id("lead-view").hidden and doc.by_id("lead-on").hidden
    assert not doc.by_id("login").hidden
    page_text = doc.text
    assert "tempat duduk" not in page_text and REASON not in page_text
    assert doc.by_id("complaints").children == [] and doc.by_id("corrections").children == []
    assert "Warga terlayani" in page_text and "Antrean sekarang" in page_text


@needs_chromium
def test_lead_view_opens_with_the_token_from_the_link(dash):
    hub = dash["hub"]
    doc = _page(dash, f"token={hub.tokens['lead']}", size=(1366, 2000),
                screenshot=SCREENS / "dashboard-lead.png")
    st = _stats(dash)
    _assert_indicators(doc, st)
    assert not doc.by_id("lead-view").hidden and doc.by_id("login").hidden
    assert doc.by_id("status").hidden
    rows = {int(r.attrs["data-counter"]): _cells(r)
            for r in doc.by_id("ctr-table").find_all("tr") if "data-counter" in r.attrs}
    assert {n: c[1:3] for n, c in rows.items()} == {
        c["number"]: [str(c["served"]), str(c["no_show"])] for c in st["counters"]}
    # complaints: the resident's text shown as text, never run
    items = doc.by_id("complaints").find_all("li")
    assert len(items) == 2 and doc.by_id("cmp-count").text == "(2)"
    assert any(COMPLAINT in li.text and "Waktu tunggu terlalu lama" in li.text for li in items)
    assert [s.attrs.get("src") for s in doc.find_all("script")] == ["/dashboard/assets/dashboard.js"]
    assert not doc.by_id("complaints").find_all("script")
    # the correction: the original outcome stays visible beside the corrected one
    (cor,) = doc.by_id("corrections").find_all("li")
    assert dash["corrected"] in cor.text and REASON in cor.text
    assert cor.find("span", cls="was").text == "Tidak hadir" and "Terlayani" in cor.text
    assert not doc.by_id("correct").hidden  # today: the correction form is offered
    assert doc.by_id("dl-csv").text == "Unduh CSV" and doc.by_id("dl-xlsx").text == "Unduh XLSX"


@needs_chromium
def test_english_toggle_and_phone_width(dash):
    hub = dash["hub"]
    with ThreadPoolExecutor(2) as pool:
        en = pool.submit(_page, dash, "lang=en", size=(1366, 1400),
                         screenshot=SCREENS / "dashboard-en.png")
        phone = pool.submit(_page, dash, f"token={hub.tokens['lead']}", size=(400, 3000),
                            screenshot=SCREENS / "dashboard-phone.png")
        doc, phone_doc = en.result(), phone.result()
    st = _stats(dash, public=True)
    _assert_indicators(doc, st, "en")
    assert doc.find("html").attrs["lang"] == "en"
    text = doc.text
    assert "Residents served" in text and "Warga terlayani" not in text
    assert "Civil Registration" in text  # service names in English from /services
    assert doc.by_id("lang").text == "Bahasa Indonesia"
    _assert_indicators(phone_doc, _stats(dash))


@needs_chromium
def test_a_past_date_and_a_wrong_token(dash):
    hub = dash["hub"]
    today = dash["seeder"].get("/health")["time"][:10]
    before = (date.fromisoformat(today) - timedelta(days=3)).isoformat()
    with ThreadPoolExecutor(2) as pool:
        past = pool.submit(_page, dash, f"date={before}&token={hub.tokens['lead']}")
        wrong = pool.submit(_page, dash, "token=not-a-real-token-123",
                            screenshot=SCREENS / "dashboard-wrong-token.png")
        doc, bad = past.result(), wrong.result()
    assert _stats(dash, day=before)["issued"] == 0
    assert doc.by_id("date").attrs.get("max") == today
    assert doc.by_id("kpi-served").text == "0" and "Belum ada data" in doc.by_id("chart").text
    assert doc.by_id("correct").hidden and not doc.by_id("cor-today-only").hidden
    # a wrong token: said plainly, and the public view stays
    status = bad.by_id("status")
    assert not status.hidden and status.attrs["data-kind"] == "token"
    assert "Token salah" in status.text
    assert bad.by_id("lead-view").hidden
    _assert_indicators(bad, _stats(dash, public=True))


class _DeadApi(BaseHTTPRequestHandler):
    """Serves the page's files, but every API call dies as if the hub had gone away."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        from antrean.dashboard import _read

        path = self.path.split("#")[0].split("?")[0]
        name = "index.html" if path == "/dashboard" else path.rsplit("/", 1)[-1]
        if path.startswith("/dashboard") and (name == "index.html" or name in ASSETS):
            body = _read(name)
            ctype = ASSETS.get(name, "text/html; charset=utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.close_connection = True  # no answer at all: what a browser sees of a dead hub
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, *args: Any) -> None:
        pass


@needs_chromium
def test_hub_down_is_said_plainly(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DeadApi)
    th = threading.Thread(target=server.serve_forever, daemon=True)
    th.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/dashboard"
        doc = parse(chromium(url, screenshot=SCREENS / "dashboard-hub-down.png"))
    finally:
        server.shutdown()
        server.server_close()
        th.join(5)
    status = doc.by_id("status")
    assert not status.hidden and status.attrs["data-kind"] == "down"
    assert status.text.startswith("Hub tidak terhubung.")
    assert doc.by_id("kpi-served").text == "–"


def test_api_paths_the_page_uses_exist(dash):
    """Every /api/v1 path in dashboard.js answers on this hub (none 404 for a lead)."""
    js = (ASSET_DIR / "dashboard.js").read_text(encoding="utf-8")
    paths = set(re.findall(r"call\('(/[a-z/-]+)", js)) - {"/tickets/"}  # + id + '/correct'
    assert "'/correct'" in js
    assert {"/health", "/queue", "/services", "/stats", "/public/stats", "/complaints",
            "/corrections", "/complaints/categories", "/log", "/tickets/by-number/"} <= paths
    hub = dash["hub"]
    number = dash["served_now"]["number"]
    posted = {"/pair/codes": {"roles": ["survey"]}}  # (the SKM card's code for a phone)
    for p in sorted(paths):
        url = f"{hub.url}{API}{p}" + (number if p.endswith("/") else "")
        if p in posted:
            r = httpx.post(url, headers=hub.headers("lead"), json=posted[p])
            assert r.status_code == 201, (p, r.status_code, r.text[:200])
            continue
        r = httpx.get(url, headers=hub.headers("lead"))
        assert r.status_code == 200, (p, r.status_code, r.text[:200])


# ----- a lead working the page: real clicks over the DevTools protocol ----------------------
def _el(expr: str) -> str:
    return f"document.querySelector({json.dumps(expr)})"


def _fill(b: Browser, selector: str, value: str) -> None:
    b.js(f"{_el(selector)}.value = {json.dumps(value)}")


@needs_chromium
def test_a_lead_signs_in_corrects_downloads_and_sees_the_hub_go_away(hub_process, tmp_path):
    hub = hub_process
    s = Seeder(hub)
    try:
        s.issue("adminduk", "elderly")
        s.issue("adminduk")
        s.issue("kesehatan")
        served = s.call(1)
        s.finish(1, "served")
        s.call(1)
    finally:
        s.close()
    assert served is not None
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with Browser(size=(1366, 1000), downloads=downloads) as b:
        b.goto(f"{hub.url}/dashboard")
        b.wait(f"{_el('#kpi-issued')}.dataset.value === '3'")
        assert b.js(f"{_el('#lead-view')}.hidden") is True
        # a mistyped token is refused and said plainly
        b.js(f"{_el('#login')}.open = true")
        _fill(b, "#token", "salah-ketik-12345")
        b.js(f"{_el('#login-form')}.requestSubmit()")
        b.wait(f"{_el('#status')}.textContent.includes('Token salah')")
        assert b.js("localStorage.getItem('antrean.dashboard.token')") is None
        # the right one opens the lead view and is kept for the next visit
        _fill(b, "#token", hub.tokens["lead"])
        b.js(f"{_el('#login-form')}.requestSubmit()")
        b.wait(f"!{_el('#lead-view')}.hidden && {_el('#status')}.hidden")
        assert b.js("localStorage.getItem('antrean.dashboard.token')") == hub.tokens["lead"]
        # a correction typed the way a lead reads a ticket: "a1" for A001
        number = served["number"]
        b.js(f"{_el('#correct')}.open = true")
        _fill(b, "#cor-number", f"{number[0].lower()}{int(number[1:])}")
        _fill(b, "#cor-outcome", "no_show")
        _fill(b, "#cor-reason", "Salah tekan: warga tidak datang")
        b.js(f"{_el('#correct-form')}.requestSubmit()")
        b.wait(f"{_el('#cor-msg')}.classList.contains('ok')")
        assert number in b.js(f"{_el('#cor-msg')}.textContent")
        b.wait(f"{_el('#corrections')}.textContent.includes('Salah tekan')")
        b.wait(f"{_el('#kpi-no_show')}.dataset.value === '1'")
        cors = httpx.get(f"{hub.url}{API}/corrections", headers=hub.headers("lead")).json()
        assert [(c["number"], c["from"], c["to"]) for c in cors] == [(number, "served", "no_show")]
        # the same again is refused by the hub, in Indonesian
        _fill(b, "#cor-number", number)
        _fill(b, "#cor-outcome", "no_show")
        _fill(b, "#cor-reason", "sekali lagi")
        b.js(f"{_el('#correct-form')}.requestSubmit()")
        b.wait(f"{_el('#cor-msg')}.classList.contains('err')")
        b.js(f"{_el('#lead-view')}.scrollIntoView()")
        b.screenshot(SCREENS / "dashboard-lead-correction.png")
        # downloads: fetched with the token, saved as files a spreadsheet opens
        b.js(f"{_el('#dl-csv')}.click()")
        b.wait(f"{_el('#dl-msg')}.textContent.includes('.csv')")
        b.js(f"{_el('#dl-xlsx')}.click()")
        b.wait(f"{_el('#dl-msg')}.textContent.includes('.xlsx')")
        deadline = time.monotonic() + 10
        while len([p for p in downloads.iterdir() if p.suffix in (".csv", ".xlsx")]) < 2:
            assert time.monotonic() < deadline, list(downloads.iterdir())
            time.sleep(0.1)
        (csv_file,) = downloads.glob("*.csv")
        rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
        assert len(rows) == 3 and {r["number"] for r in rows} >= {number}
        assert next(r for r in rows if r["number"] == number)["outcome"] == "no_show"
        (xlsx_file,) = downloads.glob("*.xlsx")
        sheet = openpyxl.load_workbook(xlsx_file, read_only=True)["Log"]
        assert [c.value for c in next(sheet.iter_rows(max_row=1))][0] == "number"
        # English at a click, remembered
        b.js(f"{_el('#lang')}.click()")
        b.wait("document.documentElement.lang === 'en'")
        assert b.js(f"{_el('[data-i18n=served]')}.textContent") == "Residents served"
        assert b.js("localStorage.getItem('antrean.dashboard.lang')") == "en"
        # another day, then back to today
        day = b.js(f"{_el('#date')}.value")
        before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        b.js(f"{_el('#date')}.value = '{before}'; "
             f"{_el('#date')}.dispatchEvent(new Event('change'))")
        b.wait(f"{_el('#kpi-issued')}.dataset.value === '0'")
        b.js(f"{_el('#today')}.click()")
        b.wait(f"{_el('#kpi-issued')}.dataset.value === '3' && {_el('#date')}.value === '{day}'")
        # signing out forgets the token
        b.js(f"{_el('#logout')}.click()")
        b.wait(f"{_el('#lead-view')}.hidden")
        assert b.js("localStorage.getItem('antrean.dashboard.token')") is None
        # the hub goes away: the page says so at its next refresh and keeps the last numbers
        hub.stop()
        b.wait(f"{_el('#status')}.dataset.kind === 'down'", timeout=12)
        status = b.js(f"{_el('#status')}.textContent")
        assert status.startswith("Hub not connected. Last data at"), status
        assert b.js(f"{_el('#kpi-issued')}.dataset.value") == "3"


@needs_chromium
def test_a_surge_alert_shows_on_the_page(tmp_path):
    """A hub on a fixed clock: three residents wait past the surge limit."""
    from antrean.auth import create_device_token
    from antrean.clock import FixedClock
    from antrean.config import load_post_config
    from antrean.lead import check_alerts
    from antrean.runner import HubThread
    from antrean.storage import Storage

    cfg = load_post_config()
    clock = FixedClock(datetime.now(UTC))
    st = Storage(tmp_path)
    kiosk = create_device_token(st, "kiosk", "kios-uji", clock.now())
    st.close()
    hub = HubThread(cfg, tmp_path, clock=clock).start()
    try:
        for prio in ("elderly", None, None):
            r = httpx.post(f"{hub.url}{API}/tickets", headers={"Authorization": f"Bearer {kiosk}"},
                           json={"service": "adminduk", "priority": prio,
                                 "request_id": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
        clock.advance(minutes=cfg.hub.surge_wait_min + 5)
        # the hub checks every 10 s on its own; the test does it once, with nothing in flight
        check_alerts(hub.hub)
        queue = httpx.get(f"{hub.url}{API}/queue").json()
        assert [a["service"] for a in queue["alerts"]] == ["adminduk"]
        doc = parse(chromium(f"{hub.url}/dashboard", screenshot=SCREENS / "dashboard-alert.png"))
    finally:
        hub.stop()
    (box,) = doc.by_id("alerts").find_all("div", cls="alert-box")
    limit = cfg.hub.surge_wait_min
    assert box.text == (f"Lonjakan di Administrasi Kependudukan: tunggu terlama {limit + 5} mnt "
                        f"(batas {limit} mnt)")
    li = doc.by_id("live-services").find("li", data_service="adminduk")
    assert "alert" in li.classes and li.find("span", cls="waiting").text == "3"
    assert "1 prioritas" in li.text
    assert doc.by_id("chart").text == "Belum ada nomor yang dipanggil."  # nobody called yet
