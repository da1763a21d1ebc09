"""The hub's side of the partition run (bench/partition.py), run inside the hub's namespace.

    partition_watch.py URL FINGERPRINT LEAD_TOKEN COUNTER_TOKEN CALL_EVERY_S

Two jobs, each printing one JSON line per finding on stdout (wall-clock times):

- **watch**: every 0.2 s, today's log from the hub (``GET /log``); a number seen for the first
  time is printed as ``{"seen": number, "id": ticket id, "at": time}``.
- **counter**: every ``CALL_EVERY_S``, counter 1 finishes its resident and calls the next
  (``POST /counters/1/next``): the calls whose fairness the checker judges.

A hub that does not answer (killed, or the link cut on the kiosk's side only) is asked again;
nothing here is fatal. Ends on SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time

import httpx

from antrean.tls import HubTLSContext


def main() -> None:
    url, fingerprint, lead, counter, every = sys.argv[1:6]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()

    def say(obj: dict[str, object]) -> None:
        with lock:
            print(json.dumps(obj), flush=True)

    def client() -> httpx.Client:
        return httpx.Client(base_url=f"{url}/api/v1", timeout=2.0,
                            verify=HubTLSContext(fingerprint))

    def watch() -> None:
        seen: set[str] = set()
        with client() as c:
            while not stop.wait(0.2):
                try:
                    rows = c.get("/log", params={"format": "json"},
                                  headers={"Authorization": f"Bearer {lead}"}).json()
                except (httpx.HTTPError, ValueError):
                    continue
                now = time.time()
                for row in rows if isinstance(rows, list) else []:
                    if row["number"] not in seen:
                        seen.add(row["number"])
                        say({"seen": row["number"], "at": now})

    def call() -> None:
        with client() as c:
            while not stop.wait(float(every)):
                try:
                    r = c.post("/counters/1/next", json={},
                               headers={"Authorization": f"Bearer {counter}"})
                except httpx.HTTPError:
                    continue
                if r.status_code == 200:
                    say({"called": r.json()["number"], "at": time.time()})

    threads = [threading.Thread(target=watch, daemon=True),
               threading.Thread(target=call, daemon=True)]
    for t in threads:
        t.start()
    say({"ready": True, "at": time.time()})
    stop.wait()
    for t in threads:
        t.join(timeout=5)


if __name__ == "__main__":
    main()
