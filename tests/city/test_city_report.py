"""The period report ("Laporan keluaran", ``GET /city/v1/report``): read from the roll-ups,
it shows for one day what each post's own ``/stats`` shows, sums a period exactly, prices
the post-days, and comes as an XLSX whose text can never run as a formula. Real hubs' logs,
a real city server, a real PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import httpx
import openpyxl
import pytest
from citydata import get, headers, push_all, run_post_days, write_city_toml
from cityproc import CityProcess
from postsim import DAY, own_stats

from antrean.daylog import day_rows
from antrean.stats import wait_summary

COMPARED = ("issued", "served", "no_show", "cancelled", "open", "wait", "wait_priority",
            "wait_regular", "satisfaction", "corrections")
FIRST = date.fromisoformat(DAY)
DAYS = [FIRST + timedelta(days=i) for i in range(3)]


@pytest.fixture(scope="module")
def week(tmp_path_factory, pg):
    """Two posts over three days (the second skips the middle day), pushed to one city."""
    import uuid

    import psycopg

    tmp = tmp_path_factory.mktemp("report")
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    db = pg.url_for(name)
    cfg = write_city_toml(tmp, """
[city]
name = "Kota Uji"
cost_per_post_day = 1000000
[[posts]]
id = "pos-a"
name = "Pos A"
kecamatan = "Kec A"
kelurahan = "Kel A"
cost_per_day = 700000
[[posts]]
id = "pos-b"
name = "Pos B"
""")
    city = CityProcess(db, tmp, config=cfg).start()
    runs = {"pos-a": run_post_days(tmp / "a", "pos-a", DAYS, seed=3, residents=45),
            "pos-b": run_post_days(tmp / "b", "pos-b", [DAYS[0], DAYS[2]], seed=4, residents=35)}
    try:
        for pid, run in runs.items():
            assert push_all(city.api, city.token(post=pid), run.hub) == run.hub.last_seq
        yield {"city": city, "runs": runs, "officer": city.token(officer="Bu Ani")}
    finally:
        city.stop()
        for run in runs.values():
            run.hub.close()
        with psycopg.connect(pg.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _report(week, frm: date, to: date, *, public: bool = False, **params):
    path = "/public/report" if public else "/report"
    return get(week["city"].api, path, None if public else week["officer"],
               **{"from": frm.isoformat(), "to": to.isoformat(), **params})


def test_a_one_day_report_shows_each_post_its_own_stats(week):
    for day in DAYS:
        rep = _report(week, day, day)
        st = get(week["city"].api, "/stats", week["officer"], date=day.isoformat())
        by_post = {p["post"]: p for p in rep["posts"]}
        for pid, run in week["runs"].items():
            if day.isoformat() not in run.days:
                assert pid not in by_post
                continue
            mine, theirs = own_stats(run.hub, day.isoformat()), by_post[pid]
            for key in COMPARED:
                assert theirs[key] == mine[key], (day, pid, key)
            assert theirs["complaints"]["count"] == mine["complaints"]["count"]
            for svc_city, svc_post in zip(theirs["services"], mine["services"], strict=True):
                for key in ("id", "issued", "served", "no_show", "cancelled", "wait",
                            "service_avg_s"):
                    assert svc_city[key] == svc_post[key], (day, pid, svc_post["id"], key)
            assert theirs["post_days"] == 1
        for key in COMPARED:  # the whole city's day is the /stats city of that day
            assert rep["city"][key] == st["city"][key], (day, key)
        assert rep["days_reported"] == 1


def test_a_period_sums_its_days_and_its_waits_are_exact(week):
    rep = _report(week, DAYS[0], DAYS[-1])
    assert rep["days_reported"] == 3
    all_waits: list[float] = []
    served_by_service: dict[str, int] = {}
    for pid, run in week["runs"].items():
        entry = next(p for p in rep["posts"] if p["post"] == pid)
        rows = [r for d in run.days for r in day_rows(run.hub.storage, d)]
        waits = [float(r.wait_s) for r in rows if r.wait_s is not None]
        all_waits += waits
        assert entry["wait"] == wait_summary(waits)
        assert entry["wait_priority"] == wait_summary(
            [float(r.wait_s) for r in rows if r.wait_s is not None and r.priority])
        days = [own_stats(run.hub, d) for d in run.days]
        assert entry["served"] == sum(d["served"] for d in days)
        assert entry["issued"] == sum(d["issued"] for d in days)
        assert entry["complaints"]["count"] == sum(d["complaints"]["count"] for d in days)
        assert entry["post_days"] == len(run.days)
        for svc in entry["services"]:
            n = sum(s["served"] for d in days for s in d["services"] if s["id"] == svc["id"])
            assert svc["served"] == n
            served_by_service[svc["id"]] = served_by_service.get(svc["id"], 0) + n
    assert rep["city"]["wait"] == wait_summary(all_waits)
    assert rep["city"]["served"] == sum(p["served"] for p in rep["posts"])
    assert {s["id"]: s["served"] for s in rep["services"]} == served_by_service
    assert rep["city"]["post_days"] == 5 and rep["city"]["posts_active"] == 2


def test_the_cost_is_each_posts_days_at_its_daily_cost(week):
    rep = _report(week, DAYS[0], DAYS[-1])
    a, b = (next(p for p in rep["posts"] if p["post"] == pid) for pid in ("pos-a", "pos-b"))
    assert a["cost"]["total"] == 3 * 700_000  # its own cost_per_day
    assert b["cost"]["total"] == 2 * 1_000_000  # the city's cost_per_post_day
    total = 3 * 700_000 + 2 * 1_000_000
    assert rep["city"]["cost"] == {"total": total, "post_days": 5,
                                   "per_served": round(total / rep["city"]["served"])}
    assert a["cost"]["per_served"] == round(a["cost"]["total"] / a["served"])
    assert a["place"] == {"kecamatan": "Kec A", "kelurahan": "Kel A", "lat": None, "lon": None}


def test_the_public_report_has_aggregates_only(week):
    city = week["city"]
    r = httpx.get(f"{city.api}/report")
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = httpx.get(f"{city.api}/report", headers=headers(city.token(post="pos-a")))
    assert r.status_code == 403
    pub = _report(week, DAYS[0], DAYS[-1], public=True)
    full = _report(week, DAYS[0], DAYS[-1])
    assert "by_category" not in pub["city"]["complaints"]
    assert all(set(p["complaints"]) == {"count"} for p in pub["posts"])
    assert sum(full["city"]["complaints"]["by_category"].values()) == \
        pub["city"]["complaints"]["count"] > 0
    for p, q in zip(pub["posts"], full["posts"], strict=True):
        assert p["served"] == q["served"] and p["wait"] == q["wait"]


def test_bad_ranges_and_formats_are_refused_in_words(week):
    city = week["city"]
    for params, code in [({"from": "2026-11-25", "to": "2026-11-23"}, "invalid_range"),
                         ({"from": "2025-01-01", "to": "2026-11-23"}, "range_too_long"),
                         ({"from": "23-11-2026"}, "invalid_request"),
                         ({"format": "pdf"}, "invalid_request"),
                         ({"post": "../etc"}, "invalid_request")]:
        r = httpx.get(f"{city.api}/report", params=params, headers=headers(week["officer"]))
        assert r.status_code == 422, (params, r.text)
        body = r.json()
        assert body["error"] == code and body["message"] and body["message_en"]


def test_the_xlsx_report_holds_the_same_figures(week):
    city = week["city"]
    r = httpx.get(f"{city.api}/report", headers=headers(week["officer"]), timeout=60, params={
        "from": DAYS[0].isoformat(), "to": DAYS[-1].isoformat(), "format": "xlsx"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == \
        f'attachment; filename="laporan-keluaran-{DAYS[0]}-{DAYS[-1]}.xlsx"'
    rep = _report(week, DAYS[0], DAYS[-1])
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Ringkasan", "Per pos", "Pos × layanan", "Per layanan", "Pengaduan"]
    summary = {row[0]: row[1] for row in wb["Ringkasan"].iter_rows(values_only=True) if row}
    assert summary["Warga terlayani / Residents served"] == rep["city"]["served"]
    assert summary["Biaya per warga terlayani (Rp) / Cost per resident served"] == \
        rep["city"]["cost"]["per_served"]
    assert summary["P90 tunggu (menit) / P90 wait (min)"] == \
        round(rep["city"]["wait"]["p90_s"] / 60, 1)
    per_post = list(wb["Per pos"].iter_rows(values_only=True))
    assert [row[0] for row in per_post[1:]] == ["Pos A", "Pos B", "Kota / City"]
    assert [row[5] for row in per_post[1:]] == [p["served"] for p in rep["posts"]] + \
        [rep["city"]["served"]]
    matrix = list(wb["Pos × layanan"].iter_rows(values_only=True))
    assert matrix[-1][-1] == rep["city"]["served"]
    complaints = list(wb["Pengaduan"].iter_rows(values_only=True))
    assert complaints[-1][-1] == rep["city"]["complaints"]["count"]
    pub = httpx.get(f"{city.api}/public/report", params={"format": "xlsx", "from": str(DAYS[0]),
                                                         "to": str(DAYS[-1])}, timeout=60)
    assert "Pengaduan" not in openpyxl.load_workbook(io.BytesIO(pub.content)).sheetnames


def test_no_text_in_the_xlsx_can_run_as_a_formula(city_db, tmp_path):
    """A post's display name, a hub's name for a service: both come from outside."""
    from postsim import open_post, post_meta, run_day, wire_events

    evil = '=HYPERLINK("http://example.invalid","klik")'
    cfg = write_city_toml(tmp_path, f"""
[city]
name = "+Kota"
[[posts]]
id = "pos-a"
name = '{evil}'
kecamatan = "@SUM(A1)"
""")
    city = CityProcess(city_db, tmp_path, config=cfg).start()
    hub, clock = open_post(tmp_path / "a", "pos-a")
    try:
        run_day(hub, clock, residents=20)
        meta = post_meta(hub)
        meta["services"][0]["name"] = "-1+1 Adminduk"
        r = httpx.post(f"{city.api}/events", headers=headers(city.token(post="pos-a")), json={
            "post": "pos-a", "instance": hub.storage.instance(), "meta": meta,
            "events": wire_events(hub)}, timeout=60)
        assert r.status_code == 200, r.text
        officer = city.token(officer="Bu Ani")
        r = httpx.get(f"{city.api}/report", headers=headers(officer), timeout=60,
                      params={"from": DAY, "to": DAY, "format": "xlsx"})
        assert r.status_code == 200
    finally:
        hub.close()
        city.stop()
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    texts = {c.value: c.data_type for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    for value in (evil, "@SUM(A1)", "A -1+1 Adminduk"):
        assert texts.get(value) == "s", (value, sorted(texts)[:20])
    assert any(v.endswith("+Kota") and t == "s" for v, t in texts.items())


def test_a_city_with_no_data_reports_zero_not_an_error(city: CityProcess, tmp_path: Path):
    officer = city.token(officer="Bu Ani")
    rep = get(city.api, "/report", officer, **{"from": DAY, "to": DAY})
    assert rep["posts"] == [] and rep["city"]["served"] == 0 and rep["city"]["cost"] is None
    assert rep["city"]["wait"]["avg_s"] is None and rep["days_reported"] == 0
    r = httpx.get(f"{city.api}/report", headers=headers(officer),
                  params={"from": DAY, "to": DAY, "format": "xlsx"})
    assert r.status_code == 200 and openpyxl.load_workbook(io.BytesIO(r.content))


def test_the_dashboards_cheaper_report_has_every_figure_but_the_percentiles(week):
    full = _report(week, DAYS[0], DAYS[-1])
    avg = _report(week, DAYS[0], DAYS[-1], waits="avg")
    assert full["waits"] == "full" and avg["waits"] == "avg"

    def strip(w: dict) -> dict:
        return {**w, "median_s": None, "p90_s": None}

    for a, f in zip([avg["city"], *avg["posts"], *avg["services"]],
                    [full["city"], *full["posts"], *full["services"]], strict=True):
        assert a["wait"] == strip(f["wait"])
        for key in ("issued", "served", "satisfaction", "complaints", "service_avg_s", "cost"):
            assert a.get(key) == f.get(key), key
    assert avg["city"]["wait_priority"] == strip(full["city"]["wait_priority"])


def test_a_kept_report_follows_the_events_that_come_after_it(city, tmp_path):
    """Reports are kept while their days' roll-ups stay as they were: a batch for one of
    those days is in the next answer."""
    from postsim import open_post, post_meta, run_day, wire_events

    hub, clock = open_post(tmp_path / "a", "pos-a")
    try:
        run_day(hub, clock, residents=40)
        events = wire_events(hub)
        token, officer = city.token(post="pos-a"), city.token(officer="Bu Ani")

        def push(batch: list) -> None:
            r = httpx.post(f"{city.api}/events", headers=headers(token), timeout=60, json={
                "post": "pos-a", "instance": hub.storage.instance(), "meta": post_meta(hub),
                "events": batch})
            assert r.status_code == 200, r.text

        push(events[:len(events) // 2])
        first = get(city.api, "/report", officer, **{"from": DAY, "to": DAY})
        again = get(city.api, "/report", officer, **{"from": DAY, "to": DAY})
        assert {**again, "generated_at": None} == {**first, "generated_at": None}
        push(events[len(events) // 2:])
        after = get(city.api, "/report", officer, **{"from": DAY, "to": DAY})
        mine = own_stats(hub)
        assert after["city"]["served"] == mine["served"] > first["city"]["served"]
        assert after["city"]["wait"] == mine["wait"]
    finally:
        hub.close()
