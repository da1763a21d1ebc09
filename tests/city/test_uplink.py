"""The hub's uplink against a real city: real hub processes, a real city process, a real
PostgreSQL. Every event a hub logged reaches the city once, in order, whatever happens to
the city or the link meanwhile."""

from __future__ import annotations

import shutil
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from cityproc import CityProcess

from antrean.config import example_config_path
from antrean.runner import free_port

sys.path.insert(0, str(Path(__file__).parent.parent))
from hubproc import HubProcess  # noqa: E402


def wait_for(what: str, pred: Callable[[], Any], timeout: float = 90.0) -> Any:
    """Poll until ``pred()`` is truthy (a bounded wait, not a speed check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def hub_config(path: Path, post_id: str, city_url: str, token: str, **city: Any) -> Path:
    text = example_config_path().read_text().replace('id = "pos-contoh"', f'id = "{post_id}"', 1)
    tok = path.with_suffix(".token")
    tok.write_text(token + "\n")
    extra = "".join(f"{k} = {v!r}\n" for k, v in city.items())
    path.write_text(text + f'\n[city]\nurl = "{city_url}"\ntoken_file = "{tok}"\n'
                    f"retry_max_s = 1.0\n{extra}")
    return path


def start_hub(tmp: Path, post_id: str, city_url: str, token: str, **city: Any) -> HubProcess:
    cfg = hub_config(tmp / f"{post_id}.toml", post_id, city_url, token, **city)
    hub = HubProcess(tmp / post_id, config=cfg)
    hub.make_tokens()
    return hub.start()


def drive(hub: HubProcess, tickets: int, *, serve: bool = True) -> None:
    """Residents take tickets; two counters call and finish them."""
    with httpx.Client(timeout=30) as c:
        for i in range(tickets):
            r = c.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"), json={
                "service": ("adminduk", "kesehatan", "bansos")[i % 3],
                "priority": "elderly" if i % 5 == 0 else None, "request_id": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
            if serve and i % 2 == 1:
                for n in (1, 2):
                    r = c.post(f"{hub.url}/api/v1/counters/{n}/next", headers=hub.headers("counter"))
                    if r.status_code == 200:
                        c.post(f"{hub.url}/api/v1/counters/{n}/finish", headers=hub.headers("counter"),
                               json={"outcome": "served" if i % 7 else "no_show"})


def hub_log(hub: HubProcess) -> list[tuple[int, str, str]]:
    with sqlite3.connect(hub.data_dir / "antrean.db") as db:
        return [(s, t, at) for s, t, at in db.execute("SELECT seq, type, at FROM events ORDER BY seq")]


def hub_instance(hub: HubProcess) -> str:
    with sqlite3.connect(hub.data_dir / "antrean.db") as db:
        return str(db.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()[0])


def city_log(db: str, post: str, instance: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT e.seq, e.type, e.at FROM events e JOIN uplinks u ON u.id = e.uplink_id "
            "WHERE u.post_id = %s AND u.instance = %s ORDER BY e.seq", (post, instance)).fetchall()
    return [(s, t, at.astimezone().isoformat()) for s, t, at in rows]


def same_log(hub: HubProcess, db: str, post: str) -> bool:
    """The city holds exactly the hub's log: every seq once, same type and time."""
    mine = [(s, t, _iso(at)) for s, t, at in hub_log(hub)]
    theirs = [(s, t, _iso(at)) for s, t, at in city_log(db, post, hub_instance(hub))]
    return bool(mine) and mine == theirs


def _iso(at: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(at).timestamp().__repr__()


def health_city(hub: HubProcess) -> dict[str, Any]:
    return httpx.get(f"{hub.url}/api/v1/health").json()["city"]


@pytest.fixture
def hubs() -> Any:
    started: list[HubProcess] = []
    yield started
    for h in started:
        h.stop()


def test_two_posts_uplink_at_once_every_event_once(city, city_db, tmp_path, hubs):
    for pid in ("pos-sukajadi", "pos-tiban"):
        hubs.append(start_hub(tmp_path, pid, city.url, city.token(post=pid)))
    threads = [threading.Thread(target=drive, args=(h, 60)) for h in hubs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for h, pid in zip(hubs, ("pos-sukajadi", "pos-tiban"), strict=True):
        wait_for(f"{pid} caught up", lambda h=h, pid=pid: same_log(h, city_db, pid))
        st = health_city(h)
        assert st["state"] == "ok" and st["backlog"] == 0 and st["last_error"] is None
        assert st["acked_seq"] == st["last_seq"] == len(hub_log(h))
    officer = {"Authorization": f"Bearer {city.token(officer='x')}"}
    own = {pid: httpx.get(f"{h.url}/api/v1/stats", headers=h.headers("lead")).json()
           for h, pid in zip(hubs, ("pos-sukajadi", "pos-tiban"), strict=True)}

    def city_today() -> dict[str, Any] | None:
        """Today's figures at the city may be a few seconds old (LIVE_STALE_S): wait."""
        got = {p["post"]: p for p in httpx.get(f"{city.api}/stats", headers=officer).json()["posts"]}
        return got if all(got.get(pid, {}).get("issued") == own[pid]["issued"]
                          and got[pid]["served"] == own[pid]["served"] for pid in own) else None

    by_post = wait_for("today's figures at the city", city_today, timeout=30)
    for pid, mine in own.items():
        for key in ("issued", "served", "no_show", "open", "wait", "wait_priority",
                    "wait_regular", "services", "satisfaction"):
            assert by_post[pid][key] == mine[key], key


def test_the_city_killed_mid_batch_loses_nothing_and_stores_nothing_twice(
        city_db, tmp_path, hubs):
    port = free_port()
    city = CityProcess(city_db, tmp_path, port=port)
    token = city.token(post="pos-a")
    hub = start_hub(tmp_path, "pos-a", f"http://127.0.0.1:{port}", token, batch=20)
    hubs.append(hub)
    drive(hub, 400)  # a backlog while the city is not there yet
    backlog = len(hub_log(hub))
    with psycopg.connect(city_db, autocommit=True) as watch:
        def acked() -> int:
            row = watch.execute("SELECT max(acked_seq) FROM uplinks").fetchone()
            return int(row[0] or 0) if row else 0

        city.start()
        deadline = time.monotonic() + 60
        while acked() == 0 and time.monotonic() < deadline:  # kill it as soon as it begins
            time.sleep(0.005)
        city.kill()  # kill -9, most likely in the middle of a batch
        killed_at = acked()
    try:
        assert killed_at < backlog  # it had not finished
        drive(hub, 20)  # the post goes on meanwhile
        city.start()
        wait_for("the catch-up to end", lambda: same_log(hub, city_db, "pos-a"))
    finally:
        city.stop()
    with psycopg.connect(city_db) as conn:
        n, distinct = conn.execute("SELECT count(*), count(DISTINCT seq) FROM events").fetchone()
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert n == distinct == len(hub_log(hub))
    with sqlite3.connect(hub.data_dir / "antrean.db") as db:
        assert tickets == db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 420


def test_a_post_offline_for_a_day_catches_up_by_itself(city_db, tmp_path, hubs):
    port = free_port()
    city = CityProcess(city_db, tmp_path, port=port)
    hub = start_hub(tmp_path, "pos-a", f"http://127.0.0.1:{port}", city.token(post="pos-a"))
    hubs.append(hub)
    drive(hub, 300)  # the day's residents, with no city to reach
    st = wait_for("the link to report the outage",
                  lambda: (s := health_city(hub))["state"] == "retrying" and s)
    assert st["backlog"] == len(hub_log(hub)) and st["acked_seq"] == 0
    assert "tidak terjangkau" in st["last_error"]["message"]
    city.start()
    try:
        wait_for("the catch-up", lambda: same_log(hub, city_db, "pos-a"))
        wait_for("the link to be ok", lambda: health_city(hub)["state"] == "ok")
        assert health_city(hub)["backlog"] == 0
    finally:
        city.stop()


def test_a_token_of_another_post_is_refused_and_said_so(city, city_db, tmp_path, hubs):
    wrong = city.token(post="pos-lain")
    hub = start_hub(tmp_path, "pos-a", city.url, wrong)
    hubs.append(hub)
    drive(hub, 3, serve=False)
    st = wait_for("the refusal", lambda: (s := health_city(hub))["last_error"] and s)
    assert st["state"] == "retrying" and "token" in st["last_error"]["message"]
    assert "pos-lain" in st["last_error"]["message"]
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_a_database_restored_from_a_backup_is_sent_again_as_a_new_instance(
        city, city_db, tmp_path, hubs):
    """The city holds seq 1..N of this instance but the restored database ends before N: it
    takes a new instance and sends its whole log; no ticket counts twice."""
    token = city.token(post="pos-a")
    hub = start_hub(tmp_path, "pos-a", city.url, token)
    drive(hub, 10, serve=False)
    hub.stop()
    backup = tmp_path / "backup"
    shutil.copytree(hub.data_dir, backup)
    hub.start()
    drive(hub, 10, serve=False)
    wait_for("the first log", lambda: same_log(hub, city_db, "pos-a"))
    old_instance = hub_instance(hub)
    hub.stop()
    shutil.rmtree(hub.data_dir)
    shutil.copytree(backup, hub.data_dir)  # the restore: 10 tickets, the old instance
    hub.start()
    hubs.append(hub)
    drive(hub, 5, serve=False)
    wait_for("a new instance", lambda: hub_instance(hub) != old_instance)
    wait_for("the resend", lambda: same_log(hub, city_db, "pos-a"))
    officer = {"Authorization": f"Bearer {city.token(officer='x')}"}
    posts = httpx.get(f"{city.api}/posts", headers=officer).json()
    assert posts[0]["instances"] == 2 and posts[0]["instance"] == hub_instance(hub)
    assert posts[0]["today"]["issued"] == 25  # 10 shared + 10 lost with the disk + 5 new


def test_the_doctor_shows_the_city_link(city, tmp_path, hubs, capsys):
    from hardware.doctor import main as doctor

    port = free_port()
    hub = start_hub(tmp_path, "pos-a", f"http://127.0.0.1:{port}", city.token(post="pos-a"))
    hubs.append(hub)
    drive(hub, 2, serve=False)
    wait_for("the outage", lambda: health_city(hub)["state"] == "retrying")
    args = ["--role", "hub", "--hub", hub.url, "--config", str(tmp_path / "pos-a.toml"),
            "--data", str(hub.data_dir)]
    assert doctor(args) == 0  # a warning: the post does not depend on the city
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "Tautan ke server kota" in ln)
    assert line.startswith("PERINGATAN") and "2 peristiwa belum terkirim" in line
    assert "antrean export --bundle" in line
    hub.stop()
    hub_config(tmp_path / "pos-a.toml", "pos-a", city.url, city.token(post="pos-a"))
    hub.start()
    wait_for("the link", lambda: health_city(hub)["backlog"] == 0)
    assert doctor([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "Link to the city server" in ln)
    assert line.startswith("OK") and "sent up to seq 2, 0 waiting" in line


def test_the_lead_dashboard_says_how_the_city_link_is(city, tmp_path, hubs):
    sys.path.insert(0, str(Path(__file__).parent.parent / "antrean"))
    from dashboard_browser import CHROMIUM, SCREENS, chromium, parse

    assert CHROMIUM, "chromium is installed by scripts/setup.sh"
    hub = start_hub(tmp_path, "pos-a", f"http://127.0.0.1:{free_port()}", "t0ken-x")
    hubs.append(hub)
    drive(hub, 4, serve=False)
    wait_for("the outage", lambda: health_city(hub)["state"] == "retrying")
    url = f"{hub.url}/dashboard#token={hub.tokens['lead']}"
    doc = parse(chromium(url, size=(1366, 1500), screenshot=SCREENS / "dashboard-city-down.png"))
    line = doc.by_id("city-link")
    assert not line.hidden and "Server kota belum terjangkau: 4 peristiwa menunggu" in line.text
    assert "warn" in line.attrs.get("class", "")
    public = parse(chromium(f"{hub.url}/dashboard"))
    assert public.by_id("lead-view").hidden  # the line sits in the lead's part only


@pytest.mark.parametrize("args, said", [
    (["--city-url", "http://127.0.0.1:9"], "city.token"),
    (["--city-url", "ftp://kota"], "url"),
    (["--city-url", "http://127.0.0.1:9", "--city-token-file", "/nonexistent/city.token"],
     "city.token_file"),
])
def test_a_city_link_that_cannot_work_stops_the_hub_saying_why(tmp_path, args, said):
    import subprocess

    res = subprocess.run([sys.executable, "-m", "antrean", "hub", "--data", str(tmp_path / "d"),
                          "--host", "127.0.0.1", "--port", str(free_port()), "--no-mdns", *args],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2, res.stderr
    assert said in res.stderr and "Traceback" not in res.stderr
