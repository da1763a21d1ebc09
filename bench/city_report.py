"""The period report ("Laporan keluaran", GET /city/v1/report) and the dashboard's page at a
city year's size: how long a day, a month and the whole year take, JSON and XLSX, and the
city server's memory after. (/stats, /trend and /posts: bench/city.py.)

    .venv/bin/python bench/city_report.py [POSTS] [DAYS] [TICKETS_PER_POST_DAY]

Default 50 posts × 300 days × 600 tickets (≈ 9 M tickets; issue 12's city year). The report
reads only the daily roll-ups, so the roll-ups are written here straight into a real
PostgreSQL with COPY (5 services per post-day, every wait kept, ratings, complaints) —
what the ingest would have left (bench/city.py measures the ingest itself).

"computed": each request for another window (the exact median and p90 sorted from the
roll-ups' waits); "kept": the same window again (the report cache, while no event for its
days came in); "waits=avg": what the dashboard asks for (no percentiles). Targets: the
dashboard's month (waits=avg) p99 ≤ 300 ms; a year's exact report is occasional (printed
once) and only measured; the city's RSS ≤ 250 MB (issue 12).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg
from _common import ROOT, rss_mb, summary

sys.path.append(str(ROOT / "tests" / "city"))
from cityproc import CityProcess  # noqa: E402

from city.pgcluster import FAST, PgCluster  # noqa: E402

SERVICES = [("adminduk", "A", "Administrasi Kependudukan"), ("kesehatan", "B", "Kesehatan"),
            ("bansos", "C", "Bantuan Sosial"), ("literasi", "D", "Literasi Keuangan"),
            ("pengaduan", "E", "Pengaduan")]
SHARE = [0.4, 0.25, 0.2, 0.1, 0.05]
LAST = date(2026, 11, 30)


def _array(xs: list[int]) -> str:
    return "{" + ",".join(map(str, xs)) + "}"


def load(url: str, posts: int, days: int, per_day: int) -> int:
    """Posts, roll-ups and complaint counts of a synthetic city; returns tickets written."""
    rng = random.Random(12)
    services = ('[' + ",".join(f'{{"id":"{i}","letter":"{ltr}","name":"{n}","name_en":""}}'
                               for i, ltr, n in SERVICES) + ']')
    tickets = 0
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY posts (id, name, timezone, services) FROM STDIN") as cp:
            for p in range(posts):
                cp.write_row((f"pos-{p:03d}", f"Pos Kelurahan {p:03d}", "Asia/Jakarta", services))
        first = LAST - timedelta(days=days - 1)
        with conn.cursor().copy(
                "COPY rollups (post_id, day, service, issued, served, no_show, cancelled, open, "
                "waits_priority, waits_regular, service_s_sum, service_s_count, ratings) "
                "FROM STDIN") as cp:
            for p in range(posts):
                for d in range(days):
                    day = first + timedelta(days=d)
                    for (sid, _l, _n), share in zip(SERVICES, SHARE, strict=True):
                        n = max(1, round(per_day * share * rng.uniform(0.7, 1.3)))
                        waits = [int(rng.lognormvariate(6.3, 0.9)) for _ in range(n)]
                        k = n // 7
                        served = n - n // 12
                        cp.write_row((f"pos-{p:03d}", day, sid, n, served, n // 12, 0, 0,
                                      _array(waits[:k]), _array(waits[k:]), served * 420, served,
                                      _array([n // 40, n // 15, n // 4, n // 3])))
                        tickets += n
        with conn.cursor().copy("COPY day_counts (post_id, day, kind, key, n) FROM STDIN") as cp:
            for p in range(posts):
                for d in range(days):
                    cp.write_row((f"pos-{p:03d}", first + timedelta(days=d), "complaint",
                                  rng.choice(["waktu", "petugas", "sarana"]), rng.randint(1, 4)))
        conn.execute("ANALYZE")
    return tickets


def timed(c: httpx.Client, span: int, n: int, days: int, *, cold: bool,
          fmt: str = "json", waits: str = "full") -> list[float]:
    """``n`` reports of ``span`` days: each for another window (``cold``: computed from the
    roll-ups), or all for the same one (answered from the report cache)."""
    out = []
    for i in range(n):
        to = LAST - timedelta(days=(i % max(1, days - span + 1)) if cold else 0)
        q = {"from": (to - timedelta(days=span - 1)).isoformat(), "to": to.isoformat(),
             "format": fmt, "waits": waits}
        s = time.perf_counter()
        r = c.get("/report", params=q)
        out.append((time.perf_counter() - s) * 1000)
        assert r.status_code == 200, r.text[:300]
    return out


def main() -> None:
    given = [int(a) for a in sys.argv[1:4]]
    posts, days, per_day = (given + [50, 300, 600][len(given):])
    with PgCluster(settings={**FAST, "shared_buffers": "256MB"}) as pg, \
            tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        city = CityProcess(pg.url, Path(tmp)).start()  # migrates
        try:
            tickets = load(pg.url, posts, days, per_day)
            print(f"roll-ups of {posts} posts × {days} days: {tickets:,} tickets written in "
                  f"{time.perf_counter() - t0:.0f} s; database {pg.size_bytes() / 2**20:.0f} MB")
            officer = city.token(officer="Bench")
            with httpx.Client(base_url=city.api, timeout=300,
                              headers={"Authorization": f"Bearer {officer}"}) as c:
                for span, n in ((1, 20), (30, 10), (days, 3)):
                    print(f"/report {span:>3} days, computed:  "
                          f"{summary(timed(c, span, n, days, cold=True))}")
                    print(f"/report {span:>3} days, kept:      "
                          f"{summary(timed(c, span, 20, days, cold=False))}")
                    print(f"/report {span:>3} days, waits=avg: "
                          f"{summary(timed(c, span, n, days, cold=True, waits='avg'))}")
                print(f"/report  30 days, XLSX:      "
                      f"{summary(timed(c, 30, 5, days, cold=True, fmt='xlsx'))}")
            assert city.proc is not None
            print(f"city server RSS after: {rss_mb(city.proc.pid):.0f} MB")
        finally:
            city.stop()


if __name__ == "__main__":
    main()
