"""A device in another network namespace for the discovery tests: watches for the hub.

Browses on every interface of its namespace (the test's own, holding only lo and one
veth) and prints one JSON line per change of the hub's entry: ``{"addresses": [...],
"health": <post id or null>}``, where ``health`` is what ``GET /api/v1/health`` answered at
the hub's preferred address — so the test knows the device could reach the hub there.
"""

from __future__ import annotations

import json
import sys
import time

import httpx

from antrean.discovery import Browser


def main() -> None:
    post, timeout = sys.argv[1], float(sys.argv[2])
    last: tuple[object, ...] = ()
    deadline = time.monotonic() + timeout
    with Browser(post=post, roles=["hub"]) as browser:
        while time.monotonic() < deadline:
            hub = browser.wait_for("hub", timeout=0.2)
            if hub is None:
                continue
            try:
                answer = httpx.get(f"{hub.url}/api/v1/health", timeout=1.0).json()
                health = answer["post"]["id"]
            except (httpx.HTTPError, ValueError, KeyError):
                health = None
            now = (hub.addresses, health)
            if now != last:
                last = now
                print(json.dumps({"addresses": list(hub.addresses), "health": health}),
                      flush=True)
            time.sleep(0.2)


if __name__ == "__main__":
    main()
