"""``antrean city demo`` (``make city``): a city on this machine, from nothing, in a minute
or so.

A throwaway PostgreSQL cluster (:class:`city.pgcluster.PgCluster`: a temp folder, a free
port, an unprivileged user when run as root), the city server (``antrean city``, a process
of its own), and three posts — real hubs on the headless demo's accelerated clock
(:func:`antrean.demo.simulate_day`) — over a few simulated days ending yesterday:

- Dompak sends its log by its uplink, live;
- Air Raja's uplink points at a dead port for the first half of the days (a mobile link
  that is down), then the link comes back and the hub catches up by itself;
- Kampung Bugis has no link: each evening its log goes to the city on a "USB stick"
  (``antrean export --bundle`` at the post, ``antrean city import`` at the city).

Residents rate their service and file a few complaints at the kiosk. Then the city's
indicators are printed (read from the city's API) with the dashboard's links, and the demo
waits; Ctrl+C (or SIGTERM) stops the posts, the server and the cluster, and removes it.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from antrean.client import HubClient
from antrean.clock import utcnow
from antrean.config import PostConfig, example_config_path, load_post_config
from antrean.demo import demo_tokens, simulate_day
from antrean.runner import HubThread, free_port
from antrean.skm import ELEMENT_IDS
from antrean.storage import Storage

from .demo_output import Printer, indicator_lines
from .demo_relay import DeadThenHealed
from .pgcluster import FAST, PgCluster, PgClusterError

__all__ = ["run_city_demo", "DemoPost", "POSTS"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoPost:
    id: str
    name: str
    kelurahan: str
    kecamatan: str
    lat: float | None
    lon: float | None
    via: str  # "uplink", "offline" (its link is down, then back) or "bundle"
    residents: float  # this post's share of the day's residents


POSTS = (
    DemoPost("pos-dompak", "Pos Kelurahan Dompak", "Dompak", "Bukit Bestari", 0.873, 104.478,
             "uplink", 1.0),
    DemoPost("pos-air-raja", "Pos Kelurahan Air Raja", "Air Raja", "Tanjungpinang Timur",
             0.957, 104.503, "offline", 0.8),
    DemoPost("pos-kampung-bugis", "Pos Kelurahan Kampung Bugis", "Kampung Bugis",
             "Tanjungpinang Kota", None, None, "bundle", 0.65),
)
#: Listed in the city's config but never heard from: the dashboard marks it silent.
LISTED_ONLY = ('[[posts]]\nid = "pos-penyengat"\nname = "Pos Pulau Penyengat"\n'
               'kelurahan = "Penyengat"\nkecamatan = "Tanjungpinang Kota"\nlat = 0.926\n'
               'lon = 104.419\n')
CITY_NAME = "Kota Tanjungpinang (demo)"
COMPLAINTS = {"waktu": "Antre terlalu lama", "sarana": "Kursi tunggu kurang",
              "petugas": "Petugas kurang ramah", "prosedur": "Syarat berkas kurang jelas"}


def _city_toml() -> str:
    lines = [f'[city]\nname = "{CITY_NAME}"\nname_en = "Tanjungpinang City (demo)"\n'
             'timezone = "Asia/Jakarta"\ncost_per_post_day = 1500000\nsilent_after_min = 30\n']
    for p in POSTS:
        lines.append(f'[[posts]]\nid = "{p.id}"\nname = "{p.name}"\nkelurahan = "{p.kelurahan}"\n'
                     f'kecamatan = "{p.kecamatan}"\n'
                     + (f"lat = {p.lat}\nlon = {p.lon}\n" if p.lat is not None else ""))
    lines.append(LISTED_ONLY)
    return "\n".join(lines)


def _hub_toml(p: DemoPost, city_url: str | None, token: str | None) -> str:
    """The example post's config with this post's id and name (and its city link)."""
    text = example_config_path().read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n[hub]")
    head = "\n".join(f'id = "{p.id}"' if ln.startswith("id = ") else
                     f'name = "{p.name}"' if ln.startswith("name = ") else
                     'name_en = ""' if ln.startswith("name_en = ") else ln
                     for ln in head.splitlines())
    text = head + sep + rest
    if city_url:  # quick retries: the demo's link comes back within simulated hours
        text += f'\n[city]\nurl = "{city_url}"\ntoken = "{token}"\nretry_max_s = 1.0\n'
    return text


@dataclass
class PostRun:
    spec: DemoPost
    data: Path
    config_path: Path
    config: PostConfig
    tokens: dict[str, Any]
    days: list[dict[str, Any]] = field(default_factory=list)


class CityServer:
    """``antrean city`` in a process of its own (as a city runs it), logging to a file."""

    def __init__(self, url: str, config: Path, port: int, log_path: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "antrean", "city", "--db", url, "--config", str(config),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)  # Ctrl+C reaches the demo, which stops the server itself

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("antrean city stopped at start")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/city/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("antrean city did not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


def _port(wanted: int) -> int:
    """``wanted`` if it is free on loopback, else any free one (0: any)."""
    import socket

    if wanted:
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind(("127.0.0.1", wanted))
            return wanted
    return free_port()


def _feedback(hub: HubThread, tokens: dict[str, Any], day: str, seed: int) -> None:
    """Residents rate their service at the kiosk (most do), some answer the SKM survey there
    and a few file a complaint."""
    rng = random.Random(seed)
    with HubClient(hub.url, tokens["lead"]) as lead:
        rows = lead.log(day, "json")
    with HubClient(hub.url, tokens["kiosk"]) as kiosk:
        for r in rows:
            if r["outcome"] == "served" and rng.random() < 0.6:
                with contextlib.suppress(Exception):  # a number rated twice, say
                    kiosk.request("POST", "/ratings", json_body={
                        "number": r["number"], "rating": rng.choices([4, 3, 2, 1], [45, 35, 13, 7])[0]})
            if r["outcome"] == "served" and rng.random() < 0.35:
                with contextlib.suppress(Exception):  # a number surveyed twice, say
                    kiosk.request("POST", "/survey", json_body={
                        "ticket": r["number"], "request_id": str(uuid.uuid4()), "profile": {},
                        "answers": {e: rng.choices([4, 3, 2, 1], [40, 45, 11, 4])[0]
                                    for e in ELEMENT_IDS}})
        for _ in range(max(1, len(rows) // 30)):
            cat = rng.choices(list(COMPLAINTS), [5, 2, 2, 1])[0]
            kiosk.request("POST", "/complaints", json_body={"category": cat, "text": COMPLAINTS[cat]})


def _drain(hub: HubThread, stop: threading.Event, timeout: float = 120) -> None:
    """Wait until the hub's uplink has delivered everything it has logged."""
    deadline = time.monotonic() + timeout
    up = hub.hub.uplink
    while up is not None and up.status()["backlog"] and not stop.is_set():
        if time.monotonic() > deadline:
            raise RuntimeError("the uplink did not deliver the day in time")
        time.sleep(0.1)


class CityDemo:
    """The demo's parts, started in order and stopped in reverse (``close()``)."""

    def __init__(self, days: int, speed: float, residents: int, port: int, out: Printer) -> None:
        self.n_days, self.speed, self.residents, self.out = days, speed, residents, out
        self.stack = contextlib.ExitStack()
        self.stop = threading.Event()
        self.tmp = Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="antrean-city-demo-")))
        self.port = _port(port)
        self.posts: list[PostRun] = []
        yesterday = utcnow().astimezone(ZoneInfo("Asia/Jakarta")).date() - timedelta(days=1)
        self.dates = [yesterday - timedelta(days=days - 1 - i) for i in range(days)]

    def start(self) -> None:
        self.pg = PgCluster(settings=FAST)
        self.stack.callback(self.pg.drop)
        self.pg.start()
        self.out.line(f"  PostgreSQL sementara: {self.pg.root} (port {self.pg.port})")
        (self.tmp / "city.toml").write_text(_city_toml(), encoding="utf-8")
        self.city = CityServer(self.pg.url, self.tmp / "city.toml", self.port, self.tmp / "city.log")
        self.stack.callback(self.city.stop)
        self.city.wait()
        self.out.line(f"  Server kota: {self.city.url}  (log: antrean city, di proses sendiri)")
        from .auth import create_token
        from .db import migrate

        migrate(self.pg.url)
        import psycopg

        with psycopg.connect(self.pg.url) as conn:
            self.officer = create_token(conn, "officer", "Petugas Demo")
            post_tokens = {p.id: create_token(conn, "post", f"Hub {p.name}", p.id) for p in POSTS}
        self.relay = DeadThenHealed(self.port)
        self.stack.callback(self.relay.close)
        for p in POSTS:
            url = {"uplink": self.city.url, "offline": self.relay.url, "bundle": None}[p.via]
            folder = self.tmp / p.id
            folder.mkdir()
            cfg_path = folder / "hub.toml"
            cfg_path.write_text(_hub_toml(p, url, post_tokens[p.id]), encoding="utf-8")
            self.posts.append(PostRun(p, folder / "data", cfg_path, load_post_config(cfg_path),
                                      demo_tokens(folder / "data")))

    def run_days(self) -> None:
        heal_after = (self.n_days + 1) // 2  # the link is down this many days, then back
        for i, day in enumerate(self.dates):
            if i == heal_after:
                self.relay.heal()
            self.out.day_header(i, self.n_days, day, link_up=i >= heal_after)
            self._one_day(day, link_up=i >= heal_after, seed=i)
            for run in self.posts:
                self.out.day_line(run, day, self._backlog(run))
            bundle = next(r for r in self.posts if r.spec.via == "bundle")
            self.out.line(self._hand_over(bundle, day))

    def _one_day(self, day: date, *, link_up: bool, seed: int) -> None:
        """Each post's day in turn. (Hubs run one per process in the field; several built
        and served at once in one process race inside Alembic and pydantic.)"""
        for k, run in enumerate(self.posts):
            errors: list[BaseException] = []

            def before_stop(hub: HubThread, run: PostRun = run, k: int = k) -> None:
                _feedback(hub, run.tokens, day.isoformat(), seed * 10 + k)
                # a post whose link is up delivers its day before it closes for the night
                if run.spec.via == "uplink" or (run.spec.via == "offline" and link_up):
                    _drain(hub, self.stop)

            def one(run: PostRun = run, k: int = k,
                    before_stop: Any = before_stop, errors: list[BaseException] = errors) -> None:
                try:
                    run.days.append(simulate_day(
                        run.config, run.data, seed=1000 * seed + 17 * k,
                        residents=max(5, round(self.residents * run.spec.residents)),
                        speed=self.speed, day=day, tokens=run.tokens, stop=self.stop,
                        before_stop=before_stop))
                except BaseException as exc:  # said by the main thread
                    errors.append(exc)

            worker = threading.Thread(target=one, name=f"demo-{run.spec.id}")
            worker.start()
            try:
                worker.join()
            except BaseException:  # Ctrl+C: the post ends its day at once
                self.stop.set()
                worker.join()
                raise
            if errors and not self.stop.is_set():
                raise errors[0]

    def _backlog(self, run: PostRun) -> int | None:
        if run.spec.via == "bundle":
            return None
        from antrean.uplink import ACKED_KEY

        st = Storage(run.data)
        try:
            acked = st.meta_value(ACKED_KEY) or "0"
            return max(0, st.last_seq() - int(acked if acked.isdigit() else 0))
        finally:
            st.close()

    def _hand_over(self, run: PostRun, day: date) -> str:
        """The evening's USB stick: export at the post, import at the city (the real CLIs)."""
        stick = self.tmp / "usb" / f"{run.spec.id}-{day}.antrean"
        cmd = [sys.executable, "-m", "antrean"]
        exp = subprocess.run([*cmd, "export", "--bundle", "--data", str(run.data), "--config",
                              str(run.config_path), "--out", str(stick)],
                             capture_output=True, text=True, timeout=120)
        if exp.returncode != 0:
            raise RuntimeError(f"antrean export --bundle: {exp.stderr.strip()}")
        imp = subprocess.run([*cmd, "city", "import", "--db", self.pg.url, str(stick)],
                             capture_output=True, text=True, timeout=120)
        if imp.returncode != 0:
            raise RuntimeError(f"antrean city import: {imp.stderr.strip()}")
        return self.out.usb(run.spec.name, imp.stdout)

    def report(self) -> dict[str, Any]:
        h = {"Authorization": f"Bearer {self.officer}"}
        q = {"from": self.dates[0].isoformat(), "to": self.dates[-1].isoformat()}
        with httpx.Client(base_url=f"{self.city.url}/city/v1", headers=h, timeout=60) as c:
            return {"report": c.get("/report", params=q).raise_for_status().json(),
                    "trend": c.get("/trend", params=q).raise_for_status().json(),
                    "posts": c.get("/posts").raise_for_status().json()}

    def links(self) -> dict[str, str]:
        rng = f"from={self.dates[0]}&to={self.dates[-1]}"
        return {"officer": f"{self.city.url}/city#token={self.officer}&{rng}",
                "public": f"{self.city.url}/city/public#{rng}",
                "report": f"{self.city.url}/city/report?{rng}#token={self.officer}"}

    def close(self) -> None:
        self.stop.set()
        self.stack.close()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the demo as Ctrl+C does (a service manager, a test)."""
    def raise_interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def run_city_demo(*, days: int = 3, speed: float = 4000.0, residents: int = 90,
                  port: int = 8471, wait: bool = True) -> int:
    out = Printer()
    logging.getLogger().setLevel(logging.ERROR)  # the report is the output
    with _sigterm_as_interrupt():
        demo = CityDemo(days, speed, residents, port, out)
        try:
            out.intro(len(POSTS), days, speed)
            demo.start()
            demo.run_days()
            got = demo.report()
            out.lines(indicator_lines(got["report"], got["trend"], got["posts"], POSTS))
            out.links(demo.links())
            while wait:
                time.sleep(3600)
        except KeyboardInterrupt:
            out.line("\nBerhenti … / stopping …")
        except (PgClusterError, RuntimeError) as exc:
            out.line(f"antrean city demo: {exc}")
            return 2
        except Exception as exc:  # one line for a person; the details in the log
            log.exception("city demo failed")
            out.line(f"antrean city demo: kesalahan tak terduga / unexpected error: "
                     f"{type(exc).__name__}: {exc}")
            return 2
        finally:
            demo.close()
            out.line("Demo kota selesai: pos, server kota dan klaster PostgreSQL sementara "
                     "sudah dihentikan dan dihapus.")
    return 0
