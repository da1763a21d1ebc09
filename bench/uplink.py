"""The uplink never slows the post: ticket issue latency with no city, a dead city (port
closed), a slow city (accepts, never answers) and a live city; and, with the live city,
how long an event takes to be stored at the city.

    .venv/bin/python bench/uplink.py [N]

Targets (issue 12): issue p99 with a dead or slow city = as with none (bench/hub_issue.py:
p99 <= 10 ms); event -> city <= 5 s while the link is up (p99 here).
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from _common import ROOT, HubProcess, rss_mb, summary

sys.path.append(str(ROOT / "tests" / "city"))
from cityproc import CityProcess  # noqa: E402

from city.pgcluster import FAST, PgCluster  # noqa: E402


def issue_latency(hubs: list[HubProcess], n: int) -> list[list[float]]:
    """Issue ``n`` tickets at each hub, taking turns (10 at a time), so the machine's other
    load falls on every hub alike and the figures compare."""
    lat: list[list[float]] = [[] for _ in hubs]
    clients = [httpx.Client() for _ in hubs]
    try:
        for i in range(0, n + 50, 10):
            for hub, c, mine in zip(hubs, clients, lat, strict=True):
                for j in range(i, i + 10):
                    s = time.perf_counter()
                    r = c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                               json={"service": ("adminduk", "bansos")[j % 2],
                                     "request_id": str(uuid.uuid4())})
                    if j >= 50:  # the first ones warm up
                        mine.append((time.perf_counter() - s) * 1000)
                    assert r.status_code == 201, r.text
    finally:
        for c in clients:
            c.close()
    return lat


def run_hub(tmp: Path, name: str, city_url: str | None, token: str = "x") -> HubProcess:
    args = ("--city-url", city_url, "--city-token", token) if city_url else ()
    hub = HubProcess(tmp / name, args=args)
    hub.make_tokens()
    return hub.start()


def event_to_city(hub: HubProcess, db: str, samples: int) -> list[float]:
    """Issue one ticket, then time until the city has stored that event."""
    out = []
    with httpx.Client() as c, psycopg.connect(db, autocommit=True) as conn:
        for _ in range(samples):
            r = c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                       json={"service": "adminduk", "request_id": str(uuid.uuid4())})
            t0 = time.perf_counter()
            seq = c.get(f"{hub.url}/api/v1/queue").json()["last_seq"]
            assert r.status_code == 201
            while True:
                row = conn.execute("SELECT max(acked_seq) FROM uplinks").fetchone()
                if row and row[0] is not None and row[0] >= seq:
                    break
                time.sleep(0.002)
            out.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.1)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        dead = f"http://127.0.0.1:{_free_port()}"
        slow = socket.socket()  # listens, never accepts: connections hang until timeout
        slow.bind(("127.0.0.1", 0))
        slow.listen(512)
        slow_url = f"http://127.0.0.1:{slow.getsockname()[1]}"
        cases = (("no city", None), ("dead city (refused)", dead),
                 ("slow city (never answers)", slow_url))
        hubs = [run_hub(tmp, label.split()[0], url) for label, url in cases]
        try:
            for (label, _url), hub, lat in zip(cases, hubs, issue_latency(hubs, n), strict=True):
                assert hub.proc is not None
                print(f"issue, {label:<26}: {summary(lat)}  hub RSS {rss_mb(hub.proc.pid):.0f} MB")
        finally:
            for hub in hubs:
                hub.stop()
        slow.close()
        pg = PgCluster(settings=FAST).start()
        city = CityProcess(pg.url, tmp)
        try:
            city.start()
            hub = run_hub(tmp, "live", city.url, city.token(post="pos-contoh"))
            try:
                (lat,) = issue_latency([hub], n)
                print(f"issue, {'live city':<26}: {summary(lat)}")
                e2c = event_to_city(hub, pg.url, 100)
                print(f"event -> stored at the city : {summary(e2c)}")
            finally:
                hub.stop()
        finally:
            city.stop()
            pg.drop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
