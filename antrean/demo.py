"""``antrean demo --headless``: a day at a post, simulated on an accelerated clock.

A real hub (real database, real HTTP) runs in this process on a loopback port; residents
arrive through the API as kiosks would (about 15% priority); three counters call and serve
with random service times and some no-shows. Then the day's indicators are printed and the
day's CSV export is written — what a newcomer runs first on a machine with no screen.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .auth import create_device_token
from .client import HubClient
from .clock import AcceleratedClock, utcnow
from .config import PostConfig, load_post_config
from .runner import HubThread
from .storage import Storage

__all__ = ["run_headless_demo", "simulate_day", "demo_tokens"]

#: Which services each demo counter serves (None: all).
COUNTERS: dict[int, list[str] | None] = {1: ["adminduk"], 2: ["kesehatan", "bansos"], 3: None}
OPEN_H, LAST_ARRIVAL_H = 8, 13


def _fmt_min(seconds: float | None) -> str:
    """Minutes with one decimal, Indonesian style (decimal comma): ``4,4``."""
    return "-" if seconds is None else f"{seconds / 60:.1f}".replace(".", ",")


def demo_tokens(data: Path) -> dict[str, Any]:
    """The demo's devices in the post's database: a kiosk, the lead and the counters."""
    st = Storage(data)
    try:
        tokens: dict[str, Any] = {
            role: create_device_token(st, role, name, utcnow())
            for role, name in [("kiosk", "Kios Demo"), ("lead", "Ketua Pos Demo")]}
        tokens["counters"] = {n: create_device_token(st, "counter", f"Loket {n}", utcnow())
                              for n in COUNTERS}
    finally:
        st.close()
    return tokens


def simulate_day(cfg: PostConfig, data: Path, *, seed: int, residents: int, speed: float,
                 out: Path | None = None, day: date | None = None,
                 tokens: dict[str, Any] | None = None, stop: threading.Event | None = None,
                 before_stop: Callable[[HubThread], None] | None = None) -> dict[str, Any]:
    """One day at the post (``day``, default today) from 08:00 on an accelerated clock.

    ``tokens`` (:func:`demo_tokens`) lets several days share one set of devices; ``stop``
    ends the day early (residents stop coming, counters stop calling); ``before_stop`` is
    called with the running hub once the day is over (the city demo waits there for the
    uplink to deliver the day).
    """
    rng = random.Random(seed)
    day = day or utcnow().astimezone(cfg.tz).date()
    start = datetime(day.year, day.month, day.day, OPEN_H, tzinfo=cfg.tz)
    tokens = tokens or demo_tokens(data)
    counter_tokens = tokens["counters"]
    stop = stop or threading.Event()
    clock = AcceleratedClock(start, speed)
    hub = HubThread(cfg, data, clock=clock).start()
    arrivals_done = threading.Event()
    errors: list[str] = []
    try:
        weights = [5, 3, 3, 1, 1][: len(cfg.services)] + [1] * max(0, len(cfg.services) - 5)
        day_s = (LAST_ARRIVAL_H - OPEN_H) * 3600
        times = sorted(rng.uniform(0, day_s) for _ in range(residents))
        cats = cfg.policy.priority_categories

        def kiosk() -> None:
            with HubClient(hub.url, tokens["kiosk"]) as c:
                for t in times:
                    if stop.is_set():
                        break
                    wait = t - (clock.now() - clock.start).total_seconds()
                    if wait > 0:
                        clock.sleep(wait)
                    svc = rng.choices(cfg.services, weights)[0]
                    prio = rng.choice(cats) if rng.random() < 0.15 else None
                    try:
                        c.issue(svc.id, prio)
                    except Exception as exc:  # a refused ticket is part of the story
                        errors.append(str(exc))
            arrivals_done.set()

        def counter(n: int, services: list[str] | None, seed_n: int) -> None:
            crng = random.Random(seed_n)
            with HubClient(hub.url, counter_tokens[n]) as c:
                while not stop.is_set():
                    t = c.call_next(n, services)
                    if t is None:
                        if arrivals_done.is_set():
                            return
                        clock.sleep(60)
                        continue
                    svc = cfg.service(t["service"])
                    mean = (svc.service_min if svc else 8) * 60
                    if crng.random() < 0.07:  # nobody comes: recall once, then no-show
                        clock.sleep(60)
                        c.recall(n)
                        clock.sleep(90)
                        c.finish(n, "no_show")
                        continue
                    clock.sleep(max(60.0, crng.lognormvariate(0, 0.35) * mean))
                    c.finish(n, "served")

        threads = [threading.Thread(target=kiosk, name="demo-kiosk")]
        threads += [threading.Thread(target=counter, args=(n, s, seed + n), name=f"demo-loket{n}")
                    for n, s in COUNTERS.items()]
        t0 = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        real_s = time.monotonic() - t0
        if before_stop is not None and not stop.is_set():
            before_stop(hub)
        with HubClient(hub.url, tokens["lead"]) as lead:
            stats = lead.stats(day.isoformat())
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                csv_path = out / f"antrean-{cfg.post.id}-{stats['date']}.csv"
                csv_path.write_bytes(lead.log(stats["date"], "csv"))
                stats["_csv"] = str(csv_path)
        stats["_real_s"] = real_s
        stats["_sim_end"] = clock.now().astimezone(cfg.tz)
        stats["_errors"] = errors
        return stats
    finally:
        hub.stop()


def indicator_lines(stats: dict[str, Any]) -> list[str]:
    """The day's indicators as a report in Indonesian, columns aligned (monospace)."""
    lines = [f"== {stats['post']['name']} — {stats['date']} ==",
             f"  {'Nomor diambil':<17}{stats['issued']:>6}",
             f"  {'Warga terlayani':<17}{stats['served']:>6}",
             f"  {'Tidak hadir':<17}{stats['no_show']:>6}",
             "", "Per layanan:"]
    width = max([len(s["name"]) for s in stats["services"]] + [7])
    lines.append(f"     {'Layanan':<{width}}  {'terlayani':>9}  {'rata-rata tunggu':>16}")
    for s in stats["services"]:
        lines.append(f"  {s['letter']}  {s['name']:<{width}}  {s['served']:>9}  "
                     f"{_fmt_min(s['wait']['avg_s']) + ' menit':>16}")
    lines += ["", "Waktu tunggu (menit):",
              f"  {'':<10}{'jumlah':>8}{'rata-rata':>11}{'median':>9}{'p90':>8}"]
    for label, key in (("Prioritas", "wait_priority"), ("Reguler", "wait_regular"),
                       ("Semua", "wait")):
        w = stats[key]
        lines.append(f"  {label:<10}{w['count']:>8}{_fmt_min(w['avg_s']):>11}"
                     f"{_fmt_min(w['median_s']):>9}{_fmt_min(w['p90_s']):>8}")
    lines += ["", "Per loket:", f"  {'':<9}{'terlayani':>11}{'tidak hadir':>13}"]
    for c in stats["counters"]:
        lines.append(f"  {'Loket ' + str(c['number']):<9}{c['served']:>11}{c['no_show']:>13}")
    return lines


def print_indicators(stats: dict[str, Any]) -> None:
    print("\n" + "\n".join(indicator_lines(stats)))


def run_headless_demo(out: Path, *, seed: int = 7, residents: int = 120,
                      speed: float = 1200.0) -> int:
    cfg = load_post_config()
    with tempfile.TemporaryDirectory(prefix="antrean-demo-") as tmp:
        print(f"Antrean demo: satu hari di pos, dipercepat {speed:.0f}x "
              f"({residents} warga, {len(COUNTERS)} loket) …", flush=True)
        stats = simulate_day(cfg, Path(tmp), seed=seed, residents=residents, speed=speed, out=out)
    print_indicators(stats)
    end = stats["_sim_end"]
    print(f"\nHari simulasi selesai pukul {end:%H.%M} "
          f"({timedelta(seconds=round(stats['_real_s']))} waktu nyata).")
    print(f"Ekspor CSV: {stats['_csv']}")
    if stats["_errors"]:
        print(f"{len(stats['_errors'])} permintaan ditolak: {stats['_errors'][0]}")
    return 0
