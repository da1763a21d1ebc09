"""What an attacker on the LAN costs the hub: issue 11's stall and swell attacks, measured.

    .venv/bin/python bench/hub_stall.py [HALF_OPEN]

Against a real hub process (started with the systemd default soft open-file limit, 1,024,
as under a unit without LimitNOFILE): GET /health latency p50/p99 alone, then while
HALF_OPEN (default 1,500) connections from 30 loopback addresses hold unfinished headers;
the hub's RSS before and after 50 MB bodies (×4 at once, no token) and a 200 MB chunked
one, with /health latency meanwhile. Loopback only (127.0.x.y).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import resource
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import HubProcess, rss_mb, summary

from antrean.limits import raise_open_files_limit

MB = b"[" + b"1," * (512 * 1024 - 1) + b"1]"


def _health_ms(url: str, n: int) -> list[float]:
    out = []
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as c:
        for _ in range(n):
            t0 = time.perf_counter()
            c.get(f"{url}/api/v1/health").raise_for_status()
            out.append((time.perf_counter() - t0) * 1000)
    return out


def _connect(port: int, address: str) -> socket.socket:
    s = socket.socket()
    s.bind((address, 0))
    s.connect(("127.0.0.1", port))
    return s


def _send(port: int, head: bytes, chunks) -> None:  # type: ignore[no-untyped-def]
    s = _connect(port, "127.0.0.3")
    try:
        s.sendall(head)
        for c in chunks:
            s.sendall(c)
    except OSError:
        pass  # the hub refused and closed: the point
    finally:
        with contextlib.suppress(OSError):
            s.recv(4096)
        s.close()


def _while(fn, url: str) -> list[float]:  # type: ignore[no-untyped-def]
    """/health latencies measured while ``fn`` runs in a thread."""
    t = threading.Thread(target=fn)
    t.start()
    lat = []
    while t.is_alive():
        lat += _health_ms(url, 1)
    t.join()
    return lat


def main(half_open: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with tempfile.TemporaryDirectory() as tmp:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
        hub = HubProcess(Path(tmp) / "hub")
        try:
            hub.make_tokens()
            hub.start()
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        raise_open_files_limit()
        socks: list[socket.socket] = []
        try:
            pid = hub.proc.pid  # type: ignore[union-attr]
            print(f"/health alone:                    {summary(_health_ms(hub.url, 200))}")
            t0 = time.perf_counter()
            for i in range(half_open):
                s = _connect(hub.port, f"127.0.1.{i % 30 + 1}")
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hub\r\nX-Wait: ")
                socks.append(s)
            print(f"{half_open} half-open connections opened in "
                  f"{time.perf_counter() - t0:.1f} s; hub RSS {rss_mb(pid):.1f} MB")
            print(f"/health with them held:           {summary(_health_ms(hub.url, 200))}")
            for s in socks:
                s.close()
            socks.clear()

            before = rss_mb(pid)
            head = (b"POST /api/v1/tickets HTTP/1.1\r\nHost: hub\r\ncontent-type: "
                    b"application/json\r\ncontent-length: %d\r\n\r\n" % (50 * len(MB)))

            def four_at_once() -> None:
                with concurrent.futures.ThreadPoolExecutor(4) as pool:
                    list(pool.map(lambda _: _send(hub.port, head, (MB for _ in range(50))),
                                  range(4)))

            lat = _while(four_at_once, hub.url)
            print(f"/health during 4 × 50 MB bodies:   {summary(lat)}")
            chunked = (b"POST /api/v1/tickets HTTP/1.1\r\nHost: hub\r\ncontent-type: "
                       b"application/json\r\nauthorization: Bearer " +
                       hub.tokens["kiosk"].encode() + b"\r\ntransfer-encoding: chunked\r\n\r\n")
            lat = _while(lambda: _send(hub.port, chunked, (b"%x\r\n%s\r\n" % (len(MB), MB)
                                                            for _ in range(200))), hub.url)
            print(f"/health during a 200 MB chunked:   {summary(lat)}")
            print(f"hub RSS {before:.1f} MB before the bodies, {rss_mb(pid):.1f} MB after")
        finally:
            for s in socks:
                s.close()
            hub.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1500)
