"""The hub on a slow disk: every fsync made D ms slower, a post's mixed load against it.

    .venv/bin/python bench/slowdisk.py [--delays 0,5,20] [--seconds 10] [--dir DIR]

A Raspberry Pi's SD card takes 5-50 ms a sync. bench/slowfsync.c (built here with ``cc``)
is preloaded into a real hub process and adds D ms to each fsync/fdatasync. For each D a
fresh hub serves, for ``--seconds``:
- 4 kiosks issuing back to back (each answer, then the next ticket);
- 4 counters, each "next", a pause, "finish", a pause (a cycle every 0.5 s), each holding
  its counter number already (a desk takes it once, at the start of the day);
- 2 displays on the event stream (when each call's ``ticket.called`` arrives);
- a reader of ``/services`` every 20 ms (a kiosk's screen), while all that writes.
Every client is a process of its own (no client waits on another's GIL); times are
CLOCK_MONOTONIC, one clock for all. The shim counts the syncs of SQLite's WAL: one per
commit (checkpoints add a few), so "per commit" below is per WAL sync.

In the same run: the raw durable single-insert commit rate of SQLite under the same delay
on the same disk (WAL, synchronous=FULL, one insert per commit: the one-fsync-per-ticket
limit), and call-next over HTTP with 100 and with 10,000 tickets waiting.

Floors (issue 14, this 2-core machine): D = 20 ms: issue rate >= 2.5x the raw rate,
/services p99 <= 15 ms, call -> event p99 <= 30 ms, issue p99 <= 80 ms. Call-next p50 at
10k waiting <= 1.5x its p50 at 100.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from _common import HubProcess, pct
from hubproc import SyncCounts, build_slowfsync, slowfsync_env
from websockets.sync.client import connect

SERVICES = ["adminduk", "kesehatan", "bansos"]
COUNTER_CYCLE_S = 0.5
POLL_EVERY_S = 0.02


# ----- the shim (tests/hubproc.py builds it, and reads its counters) -------------------------
def build_shim(out: Path) -> Path:
    if shutil.which("cc") is None:
        sys.exit("slowdisk: needs a C compiler as `cc` (apt install gcc) to build the shim")
    return build_slowfsync(out)


_RAW_PROBE = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
n, end = 0, time.monotonic() + float(sys.argv[2])
t0 = time.monotonic()
while time.monotonic() < end:
    db.execute("BEGIN"); db.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,))
    db.execute("COMMIT"); n += 1
print(n / (time.monotonic() - t0))
"""


def raw_commit_rate(so: Path, folder: Path, delay_ms: float, seconds: float) -> float:
    """SQLite alone, one durable insert per commit, under the shim: commits per second."""
    db = folder / f"raw-{delay_ms:g}.db"
    out = subprocess.run([sys.executable, "-c", _RAW_PROBE, str(db), str(seconds)],
                         env=dict(os.environ, **slowfsync_env(so, delay_ms)), check=True,
                         capture_output=True, text=True).stdout
    return float(out)


# ----- the clients (each in a process of its own) ---------------------------------------------
def _kiosk(url: str, token: str, k: int, go: Any, stop_at: float, out: Any) -> None:
    lat, errors = [], 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=30) as c:
        go.wait()
        i = 0
        while time.monotonic() < stop_at:
            body = {"service": SERVICES[(k + i) % 3], "request_id": str(uuid.uuid4()),
                    "priority": "elderly" if i % 7 == 3 else None}
            s = time.monotonic()
            r = c.post(f"{url}/api/v1/tickets", json=body, headers=headers)
            if r.status_code == 201:
                lat.append((time.monotonic() - s) * 1000)
            else:
                errors += 1
            i += 1
    out.put(("kiosk", {"lat": lat, "errors": errors}))


def _counter(url: str, token: str, n: int, go: Any, stop_at: float, out: Any) -> None:
    calls, finishes, sent, errors = [], [], {}, 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=30) as c:
        go.wait()
        while time.monotonic() < stop_at:
            cycle = time.monotonic()
            r = c.post(f"{url}/api/v1/counters/{n}/next", headers=headers)
            calls.append((time.monotonic() - cycle) * 1000)
            if r.status_code == 200:
                sent[r.json()["id"]] = cycle
                time.sleep(COUNTER_CYCLE_S / 2)
                s = time.monotonic()
                f = c.post(f"{url}/api/v1/counters/{n}/finish", json={"outcome": "served"},
                           headers=headers)
                finishes.append((time.monotonic() - s) * 1000)
                errors += f.status_code != 200
            elif r.status_code != 204:
                errors += 1
            time.sleep(max(0.0, cycle + COUNTER_CYCLE_S - time.monotonic()))
    out.put(("counter", {"call": calls, "finish": finishes, "sent": sent, "errors": errors}))


def _display(url: str, token: str, since: int, ready: Any, go: Any, stop_at: float,
             out: Any) -> None:
    got: dict[str, float] = {}
    ws_url = url.replace("http", "ws") + f"/api/v1/events?since={since}"
    with connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        json.loads(ws.recv(timeout=10))  # hello
        ready.release()
        go.wait()
        while time.monotonic() < stop_at + 3:  # the last calls' events may be in flight
            try:
                ev = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            if ev.get("type") == "ticket.called" and ev.get("ticket"):
                got.setdefault(ev["ticket"]["id"], time.monotonic())
    out.put(("display", {"got": got}))


def _reader(url: str, go: Any, stop_at: float, out: Any) -> None:
    lat = []
    with httpx.Client(timeout=30) as c:
        go.wait()
        while time.monotonic() < stop_at:
            s = time.monotonic()
            c.get(f"{url}/api/v1/services").raise_for_status()
            lat.append((time.monotonic() - s) * 1000)
            time.sleep(max(0.0, s + POLL_EVERY_S - time.monotonic()))
    out.put(("reader", {"lat": lat}))


# ----- one delay ---------------------------------------------------------------------------
def _prefill(hub: HubProcess, n: int) -> None:
    """Some residents already waiting, so the counters have someone to call at once."""
    with httpx.Client(timeout=30) as c:
        for i in range(n):
            c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                   json={"service": SERVICES[i % 3], "request_id": str(uuid.uuid4())}
                   ).raise_for_status()


def mixed_load(hub: HubProcess, seconds: float) -> dict[str, Any]:
    """Run the post's clients against ``hub`` for ``seconds``; their raw results by role."""
    ctx = mp.get_context("fork")
    go, ready, out = ctx.Event(), ctx.Semaphore(0), ctx.Queue()
    tokens = [hub.counter_token(n) for n in range(1, 5)]
    for n, token in enumerate(tokens, 1):  # each desk takes its number (once a day at a post)
        httpx.post(f"{hub.url}/api/v1/counters/{n}/resume", timeout=30,
                   headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    since = httpx.get(f"{hub.url}/api/v1/queue", timeout=30).json()["last_seq"]
    stop_at = time.monotonic() + 3 + seconds  # the clients start together, then run
    procs = [ctx.Process(target=_display, args=(hub.url, hub.tokens["display"], since, ready,
                                                go, stop_at, out)) for _ in range(2)]
    procs += [ctx.Process(target=_kiosk, args=(hub.url, hub.tokens["kiosk"], k, go, stop_at, out))
              for k in range(4)]
    procs += [ctx.Process(target=_counter, args=(hub.url, tokens[n - 1], n, go, stop_at, out))
              for n in range(1, 5)]
    procs.append(ctx.Process(target=_reader, args=(hub.url, go, stop_at, out)))
    for p in procs:
        p.start()
    for _ in range(2):
        ready.acquire(timeout=30)
    time.sleep(max(0.0, stop_at - seconds - time.monotonic()))
    go.set()
    results: dict[str, list[dict[str, Any]]] = {}
    for _ in procs:
        role, data = out.get(timeout=seconds + 120)
        results.setdefault(role, []).append(data)
    for p in procs:
        p.join(timeout=30)
    return results


def figures(results: dict[str, list[dict[str, Any]]], seconds: float,
            wal_syncs: int) -> dict[str, float]:
    issue = [x for r in results["kiosk"] for x in r["lat"]]
    calls = [x for r in results["counter"] for x in r["call"]]
    finishes = [x for r in results["counter"] for x in r["finish"]]
    sent = {k: v for r in results["counter"] for k, v in r["sent"].items()}
    to_event = [(d["got"][tid] - t0) * 1000 for d in results["display"]
                for tid, t0 in sent.items() if tid in d["got"]]
    missed = sum(1 for d in results["display"] for tid in sent if tid not in d["got"])
    writes = len(issue) + len(sent) + len(finishes)
    return {
        "issue_p50": statistics.median(issue), "issue_p99": pct(issue, 99),
        "tickets_s": len(issue) / seconds, "call_p50": statistics.median(calls),
        "call_p99": pct(calls, 99), "finish_p99": pct(finishes, 99),
        "services_p99": pct(results["reader"][0]["lat"], 99),
        "services_p50": statistics.median(results["reader"][0]["lat"]),
        "event_p50": statistics.median(to_event), "event_p99": pct(to_event, 99),
        "missed_events": missed, "wal_syncs": wal_syncs,
        "tickets_per_commit": len(issue) / max(1, wal_syncs),
        "writes_per_commit": writes / max(1, wal_syncs),
        "errors": sum(r["errors"] for k in ("kiosk", "counter") for r in results[k]),
    }


def run_delay(so: Path, folder: Path, delay_ms: float, seconds: float) -> dict[str, float]:
    counts = SyncCounts(folder / f"counts-{delay_ms:g}")
    hub = HubProcess(folder / f"hub-{delay_ms:g}", env=slowfsync_env(so, delay_ms, counts))
    hub.make_tokens()
    hub.start(timeout=120)
    try:
        _prefill(hub, 30)
        before = counts.read()[1]
        results = mixed_load(hub, seconds)
        return figures(results, seconds, counts.read()[1] - before)
    finally:
        hub.stop()


# ----- call-next against the queue's length -------------------------------------------------
def call_next_scaling(folder: Path, sizes: tuple[int, ...] = (100, 10_000),
                      calls: int = 200) -> dict[int, float]:
    """Call-next p50 over HTTP with ``size`` tickets waiting (no delay; one counter)."""
    out = {}
    for size in sizes:
        hub = HubProcess(folder / f"scale-{size}")
        hub.make_tokens()
        hub.start(timeout=120)
        try:
            _fill(hub, size + calls)
            headers = hub.counter_headers(1)
            lat = []
            with httpx.Client(timeout=30) as c:
                for _ in range(calls):
                    s = time.monotonic()
                    c.post(f"{hub.url}/api/v1/counters/1/next", headers=headers
                           ).raise_for_status()
                    lat.append((time.monotonic() - s) * 1000)
            out[size] = statistics.median(lat[20:])  # the first ones warm up
        finally:
            hub.stop()
    return out


def _fill(hub: HubProcess, n: int) -> None:
    ctx = mp.get_context("fork")
    per = [n // 4 + (1 if i < n % 4 else 0) for i in range(4)]
    procs = [ctx.Process(target=_prefill_n, args=(hub.url, hub.tokens["kiosk"], k))
             for k in per]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


def _prefill_n(url: str, token: str, n: int) -> None:
    with httpx.Client(timeout=30) as c:
        for i in range(n):
            c.post(f"{url}/api/v1/tickets", headers={"Authorization": f"Bearer {token}"},
                   json={"service": "adminduk", "request_id": str(uuid.uuid4()),
                         "priority": "elderly" if i % 5 == 0 else None}).raise_for_status()


# ----- main ---------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delays", default="0,5,20", help="fsync delays in ms (comma-separated)")
    ap.add_argument("--seconds", type=float, default=10.0, help="mixed load per delay")
    ap.add_argument("--dir", default=None, help="where the databases go (default: a temp dir)")
    ap.add_argument("--no-scaling", action="store_true", help="skip call-next at 100 / 10k")
    args = ap.parse_args()
    delays = [float(d) for d in args.delays.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="slowdisk-") as tmp:
        folder = Path(tmp)
        so = build_shim(folder)
        print(f"disk: {folder} ({_fs_type(folder)}); {os.cpu_count()} cores; "
              f"load {os.getloadavg()[0]:.1f}; {args.seconds:g} s per delay")
        for d in delays:
            raw = raw_commit_rate(so, folder, d, 3.0)
            f = run_delay(so, folder, d, args.seconds)
            _print_delay(d, raw, f)
        if not args.no_scaling:
            sc = call_next_scaling(folder)
            print(f"call-next over HTTP, p50: {sc[100]:.2f} ms with 100 waiting, "
                  f"{sc[10_000]:.2f} ms with 10k waiting ({sc[10_000] / sc[100]:.2f}x)")


def _print_delay(d: float, raw: float, f: dict[str, float]) -> None:
    print(f"\nD = {d:g} ms per fsync")
    print(f"  raw SQLite, one insert per durable commit: {raw:.0f} commits/s")
    print(f"  issue (4 kiosks): p50 {f['issue_p50']:.1f} ms  p99 {f['issue_p99']:.1f} ms  "
          f"{f['tickets_s']:.0f} tickets/s = {f['tickets_s'] / raw:.2f}x raw")
    print(f"  call (4 counters): p50 {f['call_p50']:.1f} ms  p99 {f['call_p99']:.1f} ms  "
          f"(finish p99 {f['finish_p99']:.1f} ms)")
    print(f"  /services while writing: p50 {f['services_p50']:.1f} ms  "
          f"p99 {f['services_p99']:.1f} ms")
    print(f"  call -> ticket.called (2 displays): p50 {f['event_p50']:.1f} ms  "
          f"p99 {f['event_p99']:.1f} ms  (missed {f['missed_events']})")
    print(f"  per commit (WAL syncs {f['wal_syncs']}): {f['tickets_per_commit']:.2f} tickets, "
          f"{f['writes_per_commit']:.2f} writes (issue + call + finish); "
          f"errors {f['errors']}")


def _fs_type(folder: Path) -> str:
    r = subprocess.run(["findmnt", "-n", "-o", "FSTYPE,SOURCE", "-T", str(folder)],
                       capture_output=True, text=True)
    return " ".join(r.stdout.split()) or "?"


if __name__ == "__main__":
    main()
