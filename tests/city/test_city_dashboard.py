"""The city dashboard (/city, /city/public) and the printable period report (/city/report) in
real headless Chromium, against a real city server on a real PostgreSQL holding real hubs'
logs (three posts over five days, one silent, one only listed in the config).

The page's numbers are read from Chromium's rendered DOM and compared with the city's own
API. Screenshots (1366×768, a phone) go to out/screens/city-*.png, and the report printed
to PDF and turned into PNGs by pdftoppm, for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from citydata import get, seed_city, write_city_toml
from cityproc import CityProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "antrean"))
from dashboard_browser import CHROMIUM, SCREENS, Browser, Node, chromium, decimal, parse  # noqa: E402

from city.dashboard import ASSETS  # noqa: E402

ASSET_DIR = Path(__file__).resolve().parents[2] / "city" / "dashboard_assets"

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")


@pytest.fixture(scope="module")
def town(tmp_path_factory, pg):
    """The seeded city: a server on its own database, with an officer token."""
    import uuid

    import psycopg

    tmp = tmp_path_factory.mktemp("city-dash")
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    db = pg.url_for(name)
    city = CityProcess(db, tmp, config=write_city_toml(tmp)).start()
    try:
        seeded = seed_city(city.api, city.token, tmp, db)
        for run in seeded.runs.values():
            run.hub.close()
        yield {"city": city, "officer": seeded.officer, "today": seeded.today, "db": db}
    finally:
        city.stop()
        with psycopg.connect(pg.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _page(town: dict[str, Any], path: str = "/city", fragment: str = "", **kw: Any) -> Node:
    url = town["city"].url + path + (f"#{fragment}" if fragment else "")
    return parse(chromium(url, **kw))


def _officer(town: dict[str, Any], fragment: str = "") -> str:
    return f"token={town['officer']}" + (f"&{fragment}" if fragment else "")


def _api(town: dict[str, Any], path: str, public: bool = False, **params: Any) -> Any:
    if public:
        return get(town["city"].api, "/public" + path, None, **params)
    return get(town["city"].api, path, town["officer"], **params)


def _phone(url: str, shot: Path, *, width: int = 390, height: int = 844) -> dict[str, int]:
    """The page on a phone's screen (Chromium's own windows are never narrower than 500 px,
    so the phone is emulated), a full-length screenshot; returns the page's widths."""
    with Browser(size=(width, height)) as b:
        b.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
               deviceScaleFactor=1, mobile=True)
        b.goto(url)
        b.wait("document.body.dataset.ready === 'yes'", timeout=20)
        widths = b.js("({inner: window.innerWidth, scroll: document.documentElement.scrollWidth})")
        full = b.js("document.documentElement.scrollHeight")
        b.send("Emulation.setDeviceMetricsOverride", width=width, height=full,
               deviceScaleFactor=1, mobile=True)
        b.wait("document.body.dataset.ready === 'yes'")
        b.screenshot(shot)
        return widths  # type: ignore[no-any-return]


def _cells(row: Node) -> list[str]:
    return [c.text for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


def _int(n: int, lang: str = "id") -> str:
    return f"{n:,}".replace(",", "." if lang == "id" else ",")


def _skm_cells(p: dict[str, Any]) -> list[str]:
    """Respondents (* below the minimum sample), IKM, mutu and kinerja as the page shows them."""
    s, sample = p["skm"], p["skm_sample"]
    star = "*" if 0 < sample["respondents"] < sample["minimum"] else ""
    if s is None:
        return [_int(sample["respondents"]) + star, "–", "–"]
    return [_int(s["respondents"]) + star, decimal(s["ikm"], 2), f"{s['mutu']} {s['kinerja']}"]


# ----- served files ------------------------------------------------------------------------
def test_pages_and_assets_are_served_and_nothing_comes_from_elsewhere(town):
    url = town["city"].url
    for path in ("/city", "/city/public", "/city/report", "/city/public/report"):
        r = httpx.get(url + path)
        assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
        assert "default-src 'none'" in r.headers["content-security-policy"]
    assert httpx.get(url + "/").headers["location"] == "/city"
    html = (ASSET_DIR / "index.html").read_text() + (ASSET_DIR / "report.html").read_text()
    referenced = set(re.findall(r"/city/assets/([\w.-]+)", html))
    sources = {name: (Path(__file__).resolve().parents[2] / pkg / folder / name).read_text()
               for name, (pkg, folder, _t) in ASSETS.items() if not name.endswith(".svg")}
    for name, text in sources.items():
        if name.endswith(".js"):
            referenced |= set(re.findall(r"from '\./([\w.-]+)'", text))
        # no CDN, no web font, no map tiles: the page lives in the city's own network
        assert not re.findall(r"https?://(?!www\.w3\.org/)", text), name
    assert referenced == set(ASSETS)
    assert {p.name for p in ASSET_DIR.iterdir()} == \
        {n for n, (pkg, _f, _t) in ASSETS.items() if pkg == "city"} | {"index.html", "report.html"}
    for name, (_p, _f, ctype) in ASSETS.items():
        a = httpx.get(f"{url}/city/assets/{name}")
        assert a.status_code == 200 and a.headers["content-type"] == ctype, name
    for bad in ("..%2Fserver.py", "server.py", "index.html", "CITY.JS"):
        r = httpx.get(f"{url}/city/assets/{bad}")
        assert r.status_code == 404 and r.json()["error"] == "not_found", bad


def test_every_word_is_in_both_languages():
    words = (ASSET_DIR / "words.js").read_text()
    id_block = words[words.index("  id: {"):words.index("  en: {")]
    en_block = words[words.index("  en: {"):]
    key = re.compile(r"(?:^|[\s,{])([a-z][a-z0-9_]*): ['\"]")
    id_keys, en_keys = set(key.findall(id_block)), set(key.findall(en_block))
    assert id_keys == en_keys, sorted(id_keys ^ en_keys)
    js = "\n".join(p.read_text() for p in ASSET_DIR.glob("*.js"))
    html = "\n".join(p.read_text() for p in ASSET_DIR.glob("*.html"))
    used = set(re.findall(r'data-i18n="(\w+)"', html)) | set(re.findall(r"\bt\('(\w+)'", js))
    families = {"sat_": ["4", "3", "2", "1"], "via_": ["uplink", "bundle"],
                "cat_": ["waktu", "petugas", "prosedur", "biaya", "sarana", "lainnya"]}
    assert {u for u in used if u.endswith("_")} == set(families)
    used = {u for u in used if not u.endswith("_")} | \
        {p + v for p, vs in families.items() for v in vs}
    assert used <= id_keys, sorted(used - id_keys)


# ----- the dashboard in Chromium -------------------------------------------------------------
@needs_chromium
def test_today_across_posts_equals_the_city_api(town):
    doc = _page(town, fragment=_officer(town), size=(1366, 768),
                screenshot=SCREENS / "city-1366x768.png")
    posts = _api(town, "/posts")
    stats = _api(town, "/stats", date=town["today"].isoformat())
    total = {k: sum(p["today"][k] for p in posts) for k in ("served", "issued", "waiting")}
    assert total["served"] > 0 and total["waiting"] > 0
    for k, v in total.items():
        assert doc.by_id(f"kpi-{k}").attrs["data-value"] == str(v), k
    assert doc.by_id("kpi-served").text == _int(total["served"])
    assert doc.by_id("kpi-wait-avg").text == decimal(stats["city"]["wait"]["avg_s"] / 60, 1)
    oldest = max(p["today"]["oldest_wait_s"] or 0 for p in posts)
    assert abs(int(doc.by_id("kpi-oldest").attrs["data-value"]) - oldest) <= 60
    alerts = sum(len(p["alerts"]) for p in posts)
    assert doc.by_id("kpi-alerts").attrs["data-value"] == str(alerts)
    assert len(doc.by_id("alerts").find_all("div", cls="alert-box")) == alerts
    # every post is listed, silent ones marked, never hidden
    rows = {r.attrs["data-post"]: r for r in doc.by_id("posts-table").find_all("tr")
            if "data-post" in r.attrs}
    assert list(rows) == [p["post"] for p in posts] and len(rows) == 4
    for p in posts:
        row = rows[p["post"]]
        cells = _cells(row)
        assert p["name"] in cells[0] and p["place"]["kelurahan"] in cells[0]
        assert cells[1] == _int(p["today"]["served"]) and cells[2] == _int(p["today"]["waiting"])
        assert ("silent" in row.classes) == p["silent"]
        assert ("Senyap" in cells[5]) == p["silent"]
    assert {p["post"] for p in posts if p["silent"]} == {"pos-kampung-bugis", "pos-penyengat"}
    assert doc.by_id("kpi-silent").attrs["data-value"] == "2"
    assert "belum pernah" in _cells(rows["pos-penyengat"])[5]
    assert "3 jam" in _cells(rows["pos-kampung-bugis"])[5]
    # the officer sees how each post reaches the city
    dompak = next(p for p in posts if p["post"] == "pos-dompak")
    assert f"seq terakhir {_int(dompak['last_seq'])}" in _cells(rows["pos-dompak"])[5]
    assert "lewat jaringan" in _cells(rows["pos-dompak"])[5]
    assert doc.by_id("status").hidden and not doc.by_id("officer-on").hidden


@needs_chromium
def test_the_trend_draws_every_day_of_the_range(town):
    to = town["today"]
    frm = to - timedelta(days=9)
    doc = _page(town, fragment=_officer(town, f"from={frm}&to={to}"), size=(1366, 1600))
    trend = _api(town, "/trend", **{"from": frm.isoformat(), "to": to.isoformat()})
    days = {d["date"]: d for d in trend["days"]}
    assert len(days) == 5
    bars = {b.attrs["data-date"]: int(b.attrs["data-value"])
            for b in doc.by_id("chart-served").find_all("rect", cls="bar")}
    assert bars == {d: v["served"] for d, v in days.items()}
    labels = [t.text for t in doc.by_id("chart-served").find_all("text", cls="xlab")]
    assert labels[-1] == f"{to.day} Des"  # the range's last day, Indonesian month
    for box, series, key in (("chart-wait", "avg", "wait"), ("chart-wait", "p90", "wait"),
                             ("chart-prio", "priority", "wait_priority"),
                             ("chart-prio", "regular", "wait_regular")):
        g = doc.by_id(box).find("g", data_series=series)
        pts = {c.attrs["data-date"]: c.attrs["data-value"] for c in g.find_all("circle")}
        field = "p90_s" if series == "p90" else "avg_s"
        want = {d: f"{v[key][field] / 60:.2f}" for d, v in days.items()
                if v[key][field] is not None}
        assert pts == want, series
        assert g.find_all("polyline"), series  # consecutive days are joined
    assert doc.by_id("range-label").text.startswith("·")


@needs_chromium
def test_services_places_and_satisfaction_equal_the_report(town):
    to = town["today"]
    frm = to - timedelta(days=29)
    doc = _page(town, fragment=_officer(town), size=(1366, 2600),
                screenshot=SCREENS / "city-officer-full.png")
    rep = _api(town, "/report", **{"from": frm.isoformat(), "to": to.isoformat()})
    posts = {p["post"]: p for p in _api(town, "/posts")}
    for sv in rep["services"]:
        cells = _cells(doc.by_id("svc-table").find("tr", data_service=sv["id"]))
        assert cells[0] == f"{sv['letter']}{sv['name']}"
        assert cells[1:4] == [_int(sv["issued"]), _int(sv["served"]), _int(sv["no_show"])]
        assert cells[4] == ("–" if sv["wait"]["avg_s"] is None
                            else decimal(sv["wait"]["avg_s"] / 60, 1))
    total = _cells(doc.by_id("svc-table").find("tr", cls="total"))
    assert total[2] == _int(rep["city"]["served"])
    # posts with coordinates on the drawing, sized by residents served; the rest in a table
    circles = {c.attrs["data-post"]: c for c in doc.by_id("place-map").find_all("circle")}
    assert set(circles) == {"pos-dompak", "pos-air-raja", "pos-penyengat"}
    assert "silent" in circles["pos-penyengat"].classes
    served = {p["post"]: p["served"] for p in rep["posts"]}
    radius = {k: float(c.attrs["r"]) for k, c in circles.items()}
    assert (radius["pos-dompak"] > radius["pos-air-raja"]) == \
        (served["pos-dompak"] > served["pos-air-raja"])
    for pid, c in circles.items():
        assert ("alert" in c.classes) == bool(posts[pid]["alerts"])
    names = {t.attrs["data-post"]: t.text for t in doc.by_id("place-map").find_all("text")
             if "data-post" in t.attrs}
    assert names["pos-dompak"] == f"Pos Kelurahan Dompak{_int(served['pos-dompak'])}"
    (row,) = [r for r in doc.by_id("place-table").find_all("tr") if "data-post" in r.attrs]
    assert row.attrs["data-post"] == "pos-kampung-bugis"
    assert _cells(row) == ["Tanjungpinang Kota", "Kampung Bugis", "Pos Kelurahan Kampung Bugis",
                           _int(served["pos-kampung-bugis"])]
    # satisfaction and complaints per post, with the categories for the officer
    for p in rep["posts"]:
        cells = _cells(doc.by_id("sat-table").find("tr", data_post=p["post"]))
        sat = p["satisfaction"]
        assert cells[1:3] == [_int(sat["count"]), decimal(sat["avg"], 2)]
        assert cells[5:8] == _skm_cells(p)
        assert cells[8] == _int(p["complaints"]["count"])
        for cat, n in p["complaints"]["by_category"].items():
            word = {"waktu": "Waktu tunggu", "petugas": "Petugas", "sarana": "Sarana"}[cat]
            assert f"{word} {n}" in cells[9]
    # the SKM survey's IKM beside the face rating: each post's, and the city's of everyone
    assert {p["post"] for p in rep["posts"] if p["skm"]} == {"pos-dompak", "pos-air-raja"}
    assert _cells(doc.by_id("sat-table").find("tr", cls="total"))[5:8] == _skm_cells(rep["city"])
    assert doc.by_id("open-report").attrs["href"] == f"/city/report?from={frm}&to={to}"


@needs_chromium
def test_the_public_page_offers_no_sign_in_and_shows_aggregates_only(town):
    doc = _page(town, "/city/public", fragment=_officer(town), size=(500, 900))
    assert doc.by_id("login").hidden and doc.by_id("officer-on").hidden
    assert "public-only" in doc.find("body").classes
    text = doc.text
    assert "Dasbor publik layanan kota" in text
    # nothing per ticket, no device or hub names, no complaint categories
    assert not re.search(r"\b[A-E]\d{3}\b", text)
    assert "seq terakhir" not in text and "Pos pos-" not in text
    assert all(c.text == "–" for c in doc.by_id("sat-table").find_all("td", cls="cats"))
    served = sum(p["today"]["served"] for p in _api(town, "/posts", public=True))
    assert doc.by_id("kpi-served").attrs["data-value"] == str(served)
    assert doc.by_id("open-report").attrs["href"].startswith("/city/public/report?")
    # on a common phone: nothing wider than the screen (tables turn into blocks)
    url = town["city"].url
    for path, shot in (("/city/public", "city-public-phone.png"),
                       (f"/city#{_officer(town)}", "city-officer-phone.png")):
        widths = _phone(url + path, SCREENS / shot)
        assert widths == {"inner": 390, "scroll": 390}, (path, widths)


@needs_chromium
def test_english_on_request(town):
    doc = _page(town, fragment=_officer(town, "lang=en"), size=(1366, 768),
                screenshot=SCREENS / "city-en-1366x768.png")
    assert doc.find("html").attrs["lang"] == "en"
    text = doc.text
    assert "Today across posts" in text and "Residents served" in text
    assert "Hari ini di semua pos" not in text and "Tanjungpinang City" in text
    stats = _api(town, "/stats", date=town["today"].isoformat())
    assert doc.by_id("kpi-wait-avg").text == decimal(stats["city"]["wait"]["avg_s"] / 60, 1, "en")
    # the SKM survey's band in English words, its hint too
    to = town["today"]
    rep = _api(town, "/report", **{"from": (to - timedelta(days=29)).isoformat(),
                                   "to": to.isoformat(), "waits": "avg"})
    total = _cells(doc.by_id("sat-table").find("tr", cls="total"))
    s = rep["city"]["skm"]
    assert total[6:8] == [decimal(s["ikm"], 2, "en"), f"{s['mutu']} {s['kinerja_en']}"]
    assert "SKM respondents" in text and "Responden SKM" not in text
    assert "the public satisfaction index" in text


# ----- the report ------------------------------------------------------------------------------
@needs_chromium
def test_the_report_page_equals_the_api_and_prints_on_a4(town, tmp_path):
    to = town["today"]
    frm = to - timedelta(days=6)
    path = f"/city/report?from={frm}&to={to}"
    doc = _page(town, path, fragment=_officer(town), size=(1366, 768),
                screenshot=SCREENS / "city-report-1366x768.png")
    rep = _api(town, "/report", **{"from": frm.isoformat(), "to": to.isoformat()})
    assert doc.find("body").attrs.get("data-ready") == "yes"
    c = rep["city"]
    fig = {f.attrs["data-key"]: f.find("strong").attrs["data-value"]
           for f in doc.by_id("summary").find_all("div", cls="fig")}
    assert fig["served main"] == str(c["served"]) and fig["issued"] == str(c["issued"])
    assert fig["post_days"] == str(c["post_days"]) and fig["posts_active"] == "3"
    assert fig["cost_per main"] == str(c["cost"]["per_served"])
    assert float(fig["wait_p90"]) == c["wait"]["p90_s"]
    matrix_total = _cells(doc.by_id("matrix").find("tr", cls="total"))
    assert matrix_total == ["Kota", *(_int(s["served"]) for s in rep["services"]),
                            _int(c["served"])]
    for p in rep["posts"]:
        cells = _cells(doc.by_id("costs").find("tr", data_post=p["post"]))
        assert cells[1] == _int(p["post_days"])
        assert cells[3] == f"Rp {_int(p['cost']['total'])}"
        assert cells[5] == f"Rp {_int(p['cost']['per_served'])}"
    assert fig["ikm main"] == str(c["skm"]["ikm"])
    skm_rows = {p["post"]: _cells(doc.by_id("skm").find("tr", data_post=p["post"]))
                for p in rep["posts"]}
    for p in rep["posts"]:
        cells, s = skm_rows[p["post"]], p["skm"]
        assert cells[2] == _int(p["skm_sample"]["minimum"])
        if s is None:
            assert cells[3:] == ["–"] * 12
            continue
        assert cells[3:12] == [decimal(v, 3) for v in s["nrr"].values()]
        assert cells[12:] == [decimal(s["ikm"], 2), s["mutu"], s["kinerja"]]
    skm_total = _cells(doc.by_id("skm").find("tr", cls="total"))
    assert skm_total[1].rstrip("*") == _int(c["skm"]["respondents"])
    assert skm_total[12:] == [decimal(c["skm"]["ikm"], 2), c["skm"]["mutu"], c["skm"]["kinerja"]]
    sat_total = _cells(doc.by_id("satisfaction").find("tr", cls="total"))
    assert sat_total[1] == _int(c["satisfaction"]["count"])
    assert sat_total[8] == _int(c["complaints"]["count"]) and sat_total[9] != "–"
    # printed as a city office prints it: Chromium to PDF, then looked at as pictures
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "apt-get install poppler-utils"
    pdf = tmp_path / "laporan.pdf"
    with tempfile.TemporaryDirectory(prefix="antrean-chromium-", ignore_cleanup_errors=True) as profile:
        res = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={profile}", "--virtual-time-budget=8000",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             f"{town['city'].url}{path}#{_officer(town)}"],
            capture_output=True, text=True, timeout=90)
    assert pdf.exists() and pdf.stat().st_size > 20_000, res.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 1 <= pages <= 4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "Laporan Keluaran" in text and "Kota Tanjungpinang" in text
    assert "Cetak" not in text and "Unduh XLSX" not in text  # no controls on paper
    assert f"Rp {_int(c['cost']['per_served'])}" in text
    assert re.search(rf"\b{pages}\s*/\s*{pages}\b", text)  # the page numbers in the margin
    for old in SCREENS.glob("city-report-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(SCREENS / "city-report-page")],
                   check=True, timeout=60)
    assert len(list(SCREENS.glob("city-report-page-*.png"))) == pages


@needs_chromium
def test_the_report_without_a_token_is_the_public_one(town):
    doc = _page(town, "/city/report")
    assert _phone(town["city"].url + "/city/public/report",
                  SCREENS / "city-report-public-phone.png") == {"inner": 390, "scroll": 390}
    assert not doc.by_id("public-mark").hidden
    status = doc.by_id("status")
    assert not status.hidden and "token petugas kota" in status.text
    assert "Menurut kategori" not in doc.by_id("satisfaction").text
    rep = _api(town, "/report", public=True)
    served = doc.by_id("summary").find("div", cls="served").find("strong")
    assert served.attrs["data-value"] == str(rep["city"]["served"])


# ----- signing in, downloading, a city that goes away --------------------------------------------
@needs_chromium
def test_signing_in_with_a_wrong_then_a_right_token_and_downloading_the_xlsx(town, tmp_path):
    with Browser(size=(1366, 900), downloads=tmp_path) as b:
        b.goto(town["city"].url + "/city")
        b.wait("document.getElementById('kpi-served').dataset.value !== undefined && "
               "!document.body.classList.contains('loading')")
        assert b.js("document.getElementById('officer-on').hidden")
        b.js("document.getElementById('login').open = true")
        b.js("document.getElementById('token').value = 'bukan-token-sungguhan'")
        b.js("document.getElementById('login-form').requestSubmit()")
        b.wait("document.getElementById('status').textContent.includes('Token salah')")
        assert b.js("document.getElementById('officer-on').hidden")
        b.js(f"document.getElementById('token').value = '{town['officer']}'")
        b.js("document.getElementById('login-form').requestSubmit()")
        b.wait("!document.getElementById('officer-on').hidden")
        b.wait("document.body.innerText.includes('seq terakhir')")
        b.js("document.getElementById('dl-xlsx').click()")
        b.wait("document.getElementById('dl-msg').textContent.includes('laporan-keluaran-')")
        deadline = time.monotonic() + 20
        while not (files := list(tmp_path.glob("laporan-keluaran-*.xlsx"))):
            assert time.monotonic() < deadline, "no download"
            time.sleep(0.1)
        time.sleep(0.3)  # the browser renames the partial file when it is complete
    wb = openpyxl.load_workbook(files[0])
    assert wb.sheetnames[-1] == "Pengaduan"  # the officer's report
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True) if r}
    to = town["today"]
    rep = _api(town, "/report", **{"from": (to - timedelta(days=29)).isoformat(),
                                   "to": to.isoformat()})
    assert summary["Warga terlayani / Residents served"] == rep["city"]["served"]


@needs_chromium
def test_a_city_server_that_goes_away_is_said_plainly(city_db, tmp_path):
    city = CityProcess(city_db, tmp_path, config=write_city_toml(tmp_path)).start()
    try:
        with Browser(size=(1366, 768)) as b:
            b.goto(city.url + "/city/public")
            b.wait("!document.body.classList.contains('loading')")
            assert b.js("document.getElementById('status').hidden")
            # only listed posts, none heard from: all four listed and all silent
            assert b.js("document.querySelectorAll('#posts-table tr.silent').length") == 4
            city.kill()
            b.js("document.getElementById('last7').click()")  # refresh now
            b.wait("document.getElementById('status').dataset.kind === 'down'")
            assert "Server kota tidak terhubung" in b.js("document.getElementById('status').textContent")
            assert b.js("document.body.classList.contains('stale')")
            b.screenshot(SCREENS / "city-down.png")
    finally:
        city.stop()

