"""What trust costs: SPAKE2 pairing and pinned TLS against a real hub process (--tls on).

    .venv/bin/python bench/trust.py [N]

Prints: a whole pairing (start + finish, over TLS) p50/p99; a new pinned HTTPS connection
(handshake + key check + GET /health) against a kept-alive one; a ticket over pinned HTTPS
against plain HTTP; the hub's RSS.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _common import ROOT, HubProcess, rss_mb, summary

from antrean.client import HubClient
from antrean.tls import HubTLSContext


def _timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _pairings(hub: HubProcess, n: int) -> list[float]:
    lat = []
    for i in range(n):  # one code at a time, as on a post (each active code costs an offer)
        r = subprocess.run([sys.executable, "-m", "antrean", "pair", "--data", str(hub.data_dir)],
                           capture_output=True, text=True, check=True, cwd=ROOT)
        with HubClient(hub.url) as dev:
            t0 = time.perf_counter()
            dev.pair(r.stdout.strip().splitlines()[-1], "display", f"Layar {i}")
            lat.append((time.perf_counter() - t0) * 1000)
    return lat


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        tls = HubProcess(Path(tmp) / "tls", tls="on")
        plain = HubProcess(Path(tmp) / "plain")
        for hub in (tls, plain):
            hub.make_tokens()
            hub.start()
        try:
            print(f"pairing (SPAKE2, over TLS)  : {summary(_pairings(tls, max(5, n // 10)))}")
            health = f"{tls.url}/api/v1/health"

            def fresh() -> None:
                with httpx.Client(verify=HubTLSContext(tls.fingerprint)) as c:
                    c.get(health)

            print(f"new pinned HTTPS connection : {summary(_timed(fresh, n))}")
            with tls.http() as c:
                c.get(health)
                print(f"kept-alive pinned HTTPS GET : {summary(_timed(lambda: c.get(health), n))}")
            for name, hub, client in (("ticket, pinned HTTPS     ", tls, tls.http()),
                                      ("ticket, plain HTTP       ", plain, httpx.Client())):
                with client as c:
                    url, headers = f"{hub.url}/api/v1/tickets", hub.headers("kiosk")

                    def issue() -> None:
                        c.post(url, headers=headers,  # noqa: B023 - used in this loop only
                               json={"service": "adminduk", "request_id": str(uuid.uuid4())})

                    issue()
                    print(f"{name}  : {summary(_timed(issue, n))}")
            assert tls.proc is not None
            print(f"hub RSS (TLS)               : {rss_mb(tls.proc.pid):.1f} MB")
        finally:
            tls.stop()
            plain.stop()


if __name__ == "__main__":
    main()
