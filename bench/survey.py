"""SKM surveys over HTTP to a real hub process: POST /survey latency, /stats with the skm
block as respondents grow, hub RSS.

    .venv/bin/python bench/survey.py [N]

N residents are issued, called and served (through the counter API), then each answers the
survey; /stats is timed before and after (today's skm comes from the hub's memory).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _common import HubProcess, rss_mb, summary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from antrean.skm import ELEMENT_IDS  # noqa: E402


def _stats_ms(c: httpx.Client, url: str, headers: dict[str, str], times: int = 20) -> list[float]:
    out = []
    for _ in range(times):
        s = time.perf_counter()
        r = c.get(url, headers=headers)
        out.append((time.perf_counter() - s) * 1000)
        assert r.status_code == 200
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp) / "hub")
        hub.make_tokens()
        hub.start()
        try:
            api = f"{hub.url}/api/v1"
            k, c_h, lead = hub.headers("kiosk"), hub.headers("counter"), hub.headers("lead")
            with httpx.Client() as c:
                numbers = []
                for _ in range(n):
                    t = c.post(f"{api}/tickets", headers=k, json={
                        "service": "adminduk", "request_id": str(uuid.uuid4())}).json()
                    c.post(f"{api}/counters/1/next", headers=c_h)
                    numbers.append(t["number"])
                c.post(f"{api}/counters/1/finish", headers=c_h, json={"outcome": "served"})
                before = _stats_ms(c, f"{api}/stats", lead)
                lat = []
                t0 = time.perf_counter()
                for number in numbers:
                    body = {"ticket": number, "request_id": str(uuid.uuid4()),
                            "answers": {e: rng.choice((2, 3, 3, 4, 4)) for e in ELEMENT_IDS}}
                    s = time.perf_counter()
                    r = c.post(f"{api}/survey", headers=k, json=body)
                    lat.append((time.perf_counter() - s) * 1000)
                    assert r.status_code == 201, r.text
                took = time.perf_counter() - t0
                after = _stats_ms(c, f"{api}/stats", lead)
                skm = c.get(f"{api}/stats", headers=lead).json()["skm"]
            print(f"POST /survey, 1 client : {summary(lat)}  -> {n / took:.0f} surveys/s")
            print(f"GET /stats, 0 surveys  : {summary(before)}")
            print(f"GET /stats, {n} surveys: {summary(after)}")
            print(f"  IKM {skm['ikm']} ({skm['mutu']}), {skm['respondents']} respondents")
            assert hub.proc is not None
            print(f"hub RSS after {n} tickets and surveys: {rss_mb(hub.proc.pid):.1f} MB")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
