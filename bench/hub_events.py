"""Call -> event received over the WebSocket: p50/p99 against a real hub process.

    .venv/bin/python bench/hub_events.py [N]

Target (issue 2): call -> event p99 <= 20 ms.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _common import HubProcess, rss_mb, summary
from websockets.sync.client import connect


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp) / "hub")
        hub.make_tokens()
        hub.start()
        try:
            with httpx.Client() as c:
                for _ in range(n + 20):
                    c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                           json={"service": "adminduk", "request_id": str(uuid.uuid4())})
                ws_url = hub.url.replace("http", "ws") + "/api/v1/events?since=999999999"
                lat: list[float] = []
                with connect(ws_url, additional_headers=hub.headers("display")) as ws:
                    json.loads(ws.recv(timeout=5))  # hello
                    for i in range(n + 20):
                        s = time.perf_counter()
                        r = c.post(f"{hub.url}/api/v1/counters/1/next",
                                   headers=hub.headers("counter"))
                        want = r.json()["id"]
                        while True:
                            ev = json.loads(ws.recv(timeout=5))
                            if ev["type"] == "ticket.called" and ev["ticket"]["id"] == want:
                                break
                        if i >= 20:  # warm-up done
                            lat.append((time.perf_counter() - s) * 1000)
            print(f"call -> ticket.called on the WebSocket: {summary(lat)}")
            assert hub.proc is not None
            print(f"hub RSS: {rss_mb(hub.proc.pid):.1f} MB")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
