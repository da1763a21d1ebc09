"""A city year through the real city: ingest rate, read latencies, database size, RSS.

    .venv/bin/python bench/city.py [--posts 50] [--days 300] [--tickets 600] [--senders 2]
        [--cities 1] [--max-minutes N] [--surveys SHARE]

The default is issue 12's synthetic city year: 50 posts x 300 days x 600 tickets = 9 M
tickets, ~35 M events. Posts' logs (bench/citygen.py) go to a real ``antrean city``
process over HTTP (``POST /city/v1/events``, one post-day per request, as a hub catching
up would send), on a throwaway PostgreSQL with its default durability (fsync on). Then
``/stats`` (one day, all posts; one post), ``/trend`` (the year; one post's year) and
``/posts`` are timed, each request from a cold client. ``--surveys 0.3``: that share of the
residents served also answers the SKM survey (what the survey's roll-ups cost on ingest). The reference in the same run is
PostgreSQL's bare COPY of the same raw log rows into a table without keys or indexes.

Floors (issue 12, this 2-core machine): ingest >= 50,000 events/s; each read p99 <= 300 ms
at 10 M tickets; city RSS <= 250 MB.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg
from _common import ROOT, rss_mb, summary

sys.path.append(str(ROOT / "tests" / "city"))
from citygen import post_day_body, post_id  # noqa: E402
from cityproc import CityProcess  # noqa: E402

from city.pgcluster import PgCluster  # noqa: E402

FIRST_DAY = date(2026, 1, 5)
#: A durable cluster sized for a year of posts (the defaults are for a laptop).
PG_SETTINGS = {"shared_buffers": "512MB", "max_wal_size": "8GB", "checkpoint_timeout": "15min",
               "wal_level": "minimal", "max_wal_senders": "0", "work_mem": "16MB"}


def _sender(k: int, n: int, args: argparse.Namespace, api: str, tokens: dict[int, str],
            done: mp.Value, gate: mp.Barrier, stop: mp.Value) -> None:  # type: ignore[type-arg]
    """Posts p with p % n == k, day by day: make the day's bodies (untimed), wait for the
    others, post them (timed by the main process), wait again, and once more while the main
    process decides whether the load goes on (--max-minutes). One request per post-day."""
    rng = random.Random(k)
    seqs = {p: 0 for p in range(args.posts) if p % n == k}
    try:
        with httpx.Client(timeout=300) as c:
            for d in range(args.days):
                day = FIRST_DAY + timedelta(days=d)
                bodies = []
                for p in seqs:
                    body, last = post_day_body(p, day, args.tickets, seqs[p], rng, args.surveys)
                    bodies.append((p, body, last))
                gate.wait()
                for p, body, last in bodies:
                    r = c.post(f"{api}/events", content=body,
                               headers={"Authorization": f"Bearer {tokens[p]}",
                                        "Content-Type": "application/json"})
                    if r.status_code != 200 or r.json()["acked_seq"] != last:
                        raise SystemExit(f"post {p} day {day}: {r.status_code} {r.text[:300]}")
                    with done.get_lock():
                        done.value += last - seqs[p]
                    seqs[p] = last
                gate.wait()
                gate.wait()  # the main process has decided
                if stop.value:
                    return
    except BaseException:
        gate.abort()
        raise


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in f[11:15]) / 100


def _pg_cpu_s(pg: PgCluster) -> float:
    pid = int((pg.data / "postmaster.pid").read_text().split()[0])
    total = _cpu_s(pid)
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if Path(f"/proc/{proc.name}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                    total += _cpu_s(int(proc.name)) - 0  # live backends (own time)
            except (OSError, IndexError):
                pass
    return total


def _rss(pids: list[int]) -> str:
    return " + ".join(f"{rss_mb(p):.0f}" for p in pids) + " MB"


def _hwm(pids: list[int]) -> str:
    def one(pid: int) -> int:
        status = Path(f"/proc/{pid}/status").read_text()
        return next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM"))
    return " + ".join(f"{one(p) / 1024:.0f}" for p in pids) + " MB"


def timed(client: httpx.Client, url: str, n: int, **params: str) -> list[float]:
    out = []
    for _ in range(n):
        s = time.perf_counter()
        r = client.get(url, params=params)
        out.append((time.perf_counter() - s) * 1000)
        assert r.status_code == 200, r.text[:300]
    return out


def bare_copy_rate(url: str, posts: int, tickets: int) -> float:
    """The reference in the same run: PostgreSQL alone writing the same raw log rows (the
    city's COPY text for ``posts`` post-days) into a table without keys or indexes, one
    durable transaction a post-day, as the ingest commits. No HTTP, no JSON, no ticket rows,
    roll-ups or indexes: what this machine's PostgreSQL takes at most for these events."""
    from city.ingest import event_lines
    from city.wire import parse_body

    rng = random.Random(5)
    day = FIRST_DAY + timedelta(days=400)
    texts: list[bytes] = []
    n = 0
    for p in range(posts):
        body = parse_body(post_day_body(p, day, tickets, 0, rng)[0])
        texts.append("".join(event_lines(p + 1, body.events)).encode())
        n += len(body.events)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE bare (LIKE events)")
        conn.commit()
        t0 = time.perf_counter()
        for text in texts:
            with conn.cursor().copy("COPY bare FROM STDIN") as cp:
                cp.write(text)
            conn.commit()
        rate = n / (time.perf_counter() - t0)
        conn.execute("DROP TABLE bare")
        conn.commit()
    return rate


def city_toml(path: Path, posts: int) -> Path:
    rng = random.Random(3)
    lines = ['[city]\nname = "Kota Bench"\ncost_per_post_day = 1500000\n']
    for p in range(posts):
        lines.append(f'[[posts]]\nid = "{post_id(p)}"\nkelurahan = "Kel {p}"\nkecamatan = '
                     f'"Kec {p % 7}"\nlat = {0.9 + rng.random() / 5:.5f}\n'
                     f'lon = {104.0 + rng.random() / 5:.5f}\n')
    path.write_text("\n".join(lines))
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=50)
    ap.add_argument("--days", type=int, default=300)
    ap.add_argument("--tickets", type=int, default=600, help="tickets per post-day")
    ap.add_argument("--senders", type=int, default=2, help="processes posting at once")
    ap.add_argument("--cities", type=int, default=1,
                    help="city processes on the one database (senders spread over them), as "
                         "a load balancer in front of several would run them")
    ap.add_argument("--reads", type=int, default=100, help="requests per read measured")
    ap.add_argument("--surveys", type=float, default=0.0,
                    help="share of residents served who answer the SKM survey (0-1)")
    ap.add_argument("--max-minutes", type=float, default=0,
                    help="stop loading after this long (whole days) and measure at that size")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        pg = PgCluster(settings=PG_SETTINGS).start()
        toml = city_toml(tmp / "city.toml", args.posts)
        cities = [CityProcess(pg.url, tmp, config=toml) for _ in range(args.cities)]
        city = cities[0]
        try:
            tokens = {p: city.token(post=post_id(p)) for p in range(args.posts)}
            officer = city.token(officer="bench")
            for c in cities:
                c.start()
            pids = [c.proc.pid for c in cities if c.proc is not None]
            print(f"city year: {args.posts} posts x {args.days} days x {args.tickets} tickets "
                  f"= {args.posts * args.days * args.tickets:,} tickets; {args.senders} senders, "
                  f"{args.cities} city process(es)"
                  + (f"; {args.surveys:.0%} of residents served answer the SKM survey"
                     if args.surveys else ""))
            done, stop = mp.Value("q", 0), mp.Value("b", 0)
            gate = mp.Barrier(args.senders + 1)
            procs = [mp.Process(target=_sender, args=(k, args.senders, args,
                                                      cities[k % args.cities].api, tokens,
                                                      done, gate, stop))
                     for k in range(args.senders)]
            for p in procs:
                p.start()
            days = 0
            cpu0, pg0, wall, t_all = (sum(map(_cpu_s, pids)), _pg_cpu_s(pg), 0.0,
                                      time.monotonic())
            try:
                for d in range(args.days):
                    gate.wait()  # the day's bodies are made: the clock runs while they post
                    t0 = time.perf_counter()
                    gate.wait()
                    wall += time.perf_counter() - t0
                    days = d + 1
                    if d % 10 == 9:
                        print(f"  … day {d + 1}: {done.value:,} events, {done.value / wall:,.0f}/s "
                              f"while posting, city RSS {_rss(pids)}, "
                              f"{time.monotonic() - t_all:.0f} s in all", flush=True)
                    if args.max_minutes and time.monotonic() - t_all > args.max_minutes * 60:
                        stop.value = 1
                    gate.wait()
                    if stop.value:
                        print(f"  stopped after {days} days (--max-minutes {args.max_minutes}): "
                              "the reads below are at this size, not the full year")
                        break
            except mp.BrokenBarrierError:
                raise SystemExit("a sender failed") from None
            for p in procs:
                p.join()
            n = done.value
            cpu, pgcpu = sum(map(_cpu_s, pids)) - cpu0, _pg_cpu_s(pg) - pg0
            print(f"ingest: {n:,} events in {wall:.0f} s of posting -> {n / wall:,.0f} events/s "
                  f"(city process {cpu / n * 1e6:.1f} us CPU/event, PostgreSQL "
                  f"{pgcpu / n * 1e6:.1f} us/event)")
            bare = bare_copy_rate(pg.url, args.posts, args.tickets)
            print(f"reference: PostgreSQL's bare COPY of the same raw log rows (no keys, no "
                  f"indexes, nothing derived) {bare:,.0f} events/s; the whole ingest is "
                  f"{n / wall / bare:.0%} of it")
            s = time.perf_counter()
            with psycopg.connect(pg.url) as conn:
                while conn.execute("SELECT count(*) FROM summaries WHERE computed_version < "
                                   "version").fetchone()[0]:  # type: ignore[index]
                    conn.commit()
                    time.sleep(0.5)
                tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]  # type: ignore[index]
            print(f"day summaries fresh {time.perf_counter() - s:.1f} s after the load; "
                  f"{tickets:,} tickets stored")
            last_day = FIRST_DAY + timedelta(days=days - 1)
            rng = random.Random(9)
            read_days = [(FIRST_DAY + timedelta(days=rng.randrange(days))).isoformat()
                         for _ in range(args.reads)]
            with httpx.Client(headers={"Authorization": f"Bearer {officer}"}, timeout=60) as c:
                api = city.api
                lat = []
                for day in read_days:
                    lat += timed(c, f"{api}/stats", 1, date=day)
                print(f"/stats (a day, all posts) : {summary(lat)}")
                print(f"/stats (a day, one post)  : "
                      f"{summary(timed(c, f'{api}/stats', args.reads, date=read_days[0], post=post_id(1)))}")
                year = {"from": FIRST_DAY.isoformat(), "to": last_day.isoformat()}
                print(f"/trend (the year, city)   : {summary(timed(c, f'{api}/trend', args.reads, **year))}")
                print(f"/trend (the year, a post) : "
                      f"{summary(timed(c, f'{api}/trend', args.reads, **year, post=post_id(2)))}")
                print(f"/posts                    : {summary(timed(c, f'{api}/posts', args.reads))}")
            print(f"city RSS {_rss(pids)} (peak {_hwm(pids)}); "
                  f"database {pg.size_bytes() / 2**30:.2f} GiB")
        finally:
            for c in cities:
                c.stop()
            pg.drop()


if __name__ == "__main__":
    main()
