"""Issue N tickets over HTTP to a real hub process: latency p50/p99, tickets/s, hub RSS.

    .venv/bin/python bench/hub_issue.py [N]

Targets (issue 2, this 2-core machine, synchronous=FULL): p99 <= 10 ms, >= 300 tickets/s,
hub RSS <= 120 MB.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from _common import HubProcess, rss_mb, summary


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp) / "hub")
        hub.make_tokens()
        hub.start()
        try:
            url = f"{hub.url}/api/v1/tickets"
            headers = hub.headers("kiosk")
            services = ["adminduk", "kesehatan", "bansos"]
            with httpx.Client() as c:  # warm-up
                for _ in range(50):
                    c.post(url, json={"service": "adminduk", "request_id": str(uuid.uuid4())},
                           headers=headers)
            lat: list[float] = []
            with httpx.Client() as c:
                t0 = time.perf_counter()
                for i in range(n):
                    body = {"service": services[i % 3], "request_id": str(uuid.uuid4()),
                            "priority": "elderly" if i % 7 == 0 else None}
                    s = time.perf_counter()
                    r = c.post(url, json=body, headers=headers)
                    lat.append((time.perf_counter() - s) * 1000)
                    assert r.status_code == 201, r.text
                seq_s = time.perf_counter() - t0
            print(f"sequential, 1 kiosk : {summary(lat)}  -> {n / seq_s:.0f} tickets/s")

            per = n // 4
            lat4: list[float] = []
            lock = threading.Lock()

            def kiosk() -> None:
                mine = []
                with httpx.Client() as c:
                    for i in range(per):
                        s = time.perf_counter()
                        r = c.post(url, json={"service": services[i % 3],
                                              "request_id": str(uuid.uuid4())}, headers=headers)
                        mine.append((time.perf_counter() - s) * 1000)
                        assert r.status_code == 201
                with lock:
                    lat4.extend(mine)

            threads = [threading.Thread(target=kiosk) for _ in range(4)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            par_s = time.perf_counter() - t0
            print(f"concurrent, 4 kiosks: {summary(lat4)}  -> {4 * per / par_s:.0f} tickets/s")
            assert hub.proc is not None
            print(f"hub RSS after {n + 4 * per + 50} tickets: {rss_mb(hub.proc.pid):.1f} MB")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
