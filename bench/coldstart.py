"""Cold start: from `antrean hub` launched to /health answering, with a busy day in the log.

    .venv/bin/python bench/coldstart.py [--tickets 10000] [--runs 5] [--dir DIR]

The data folder gets ``--tickets`` tickets issued today through the hub's own code (one in
five called at once, so the log also holds calls and counters: ~1.4 events a ticket). Each
run starts a fresh `antrean hub` process on it and polls /health every 5 ms; it prints the
wall time to serving and the CPU time the hub had used by then (on a machine shared with
other work the wall time waits for a core; the CPU time does not), then where a start
spends its time, measured in this process: imports, opening the database, the day's
replay, building the app.

Target (issue 14): to serving in <= 1.5 s with 10k tickets in the day.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _common import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from hubproc import free_port  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def fill(data: Path, tickets: int) -> float:
    """Issue ``tickets`` today through the hub's own code; returns the seconds it took.

    The fill alone commits with synchronous=OFF (nothing here measures it, and 10k fsyncs
    would take minutes): the log it writes is the one a hub writes."""
    from antrean.config import load_post_config
    from antrean.hub import Hub

    t0 = time.monotonic()
    hub = Hub(load_post_config(None), data)
    try:
        hub.storage.conn.exec_driver_sql("PRAGMA synchronous=OFF")
        services = [s.id for s in hub.config.services]
        for i in range(tickets):
            hub.issue(services[i % len(services)], "elderly" if i % 7 == 0 else None,
                      str(uuid.uuid4()), "Kios 1")
            if i % 5 == 4:
                hub.call_next(1 + i // 5 % 4, None, None)
    finally:
        hub.close()
    return time.monotonic() - t0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def one_start(data: Path) -> tuple[float, float]:
    """Start a hub on ``data``; (wall seconds, CPU seconds) until /health answered."""
    port = free_port()
    cmd = [sys.executable, "-m", "antrean", "hub", "--data", str(data), "--host", "127.0.0.1",
           "--port", str(port), "--no-mdns"]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=1) as c:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the hub exited with {proc.returncode}")
                try:
                    if c.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                        return time.monotonic() - t0, cpu_s(proc.pid)
                except httpx.HTTPError:
                    pass
                time.sleep(0.005)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def breakdown(data: Path) -> str:
    """Where a start goes, in a fresh interpreter (CPU seconds; the imports a hub makes)."""
    code = f"""
import time
T = time.process_time
t0 = T()
import antrean.cli, antrean.runner, antrean.server
from antrean.config import load_post_config
from antrean.storage import Storage
from antrean.queue import QueueState
t1 = T()
cfg = load_post_config(None)
st = Storage({str(data)!r})
t2 = T()
events = st.load_events(day=st.days()[-1])
t3 = T()
q = QueueState(cfg)
for e in events:
    q.apply(e)
t4 = T()
st.close()
from antrean.hub import Hub
h = Hub(cfg, {str(data)!r})
t5 = T()
antrean.server.create_app(h)
t6 = T()
h.close()
print(f"imports {{t1-t0:.2f}} s, database open {{t2-t1:.2f}} s, reading the day's "
      f"{{len(events)}} events {{t3-t2:.2f}} s, replaying them {{t4-t3:.2f}} s, the whole Hub() "
      f"{{t5-t4:.2f}} s, the app {{t6-t5:.2f}} s (CPU)")
"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default=None, help="where the data folder goes (default: temp)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="coldstart-") as tmp:
        data = Path(tmp) / "hub"
        took = fill(data, args.tickets)
        print(f"{args.tickets} tickets issued today in {took:.0f} s; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        one_start(data)  # the first start after the fill: page cache and .pyc warm
        runs = [one_start(data) for _ in range(args.runs)]
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        print(f"to serving: wall p50 {statistics.median(wall):.2f} s (min {min(wall):.2f}, "
              f"max {max(wall):.2f}); hub CPU by then p50 {statistics.median(cpu):.2f} s "
              f"(min {min(cpu):.2f}); n={len(runs)}, load {os.getloadavg()[0]:.1f}")
        print(breakdown(data))


if __name__ == "__main__":
    main()
