"""Duplicate recipients across posts through a real city on PostgreSQL (issue 16): the
programme's key comes down from the city, a recipient given at one post is found at
another, a post cut off checks against the last downlink, and two posts that both gave
while cut off are listed for officers only."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from test_uplink import wait_for

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "antrean"))
from dashboard_browser import CHROMIUM, SCREENS, Node, chromium, parse  # noqa: E402
from hubproc import HubProcess, bansos_config  # noqa: E402

NIK_X = "3171011508850001"  # made up, valid structure
NIK_Y = "3273024702900003"  # Bandung, a woman born 07-02-1990
CHECK = "/api/v1/beneficiaries/check"


def _hub(tmp: Path, post: str, city: Any, token: str) -> HubProcess:
    cfg = bansos_config(tmp / f"{post}.toml", post_id=post)
    tok = tmp / f"{post}.token"
    tok.write_text(token + "\n")
    cfg.write_text(cfg.read_text() + f'\n[city]\nurl = "{city.url}"\ntoken_file = "{tok}"\n'
                   "retry_max_s = 1.0\ndownlink_s = 0.5\n")
    hub = HubProcess(tmp / post, config=cfg)
    hub.make_tokens()
    return hub.start()


def _check(hub: HubProcess, nik: str) -> dict[str, Any]:
    r = httpx.post(hub.url + CHECK, headers=hub.counter_headers(1),
                   json={"programme": "bansos-2026", "nik": nik})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _give(hub: HubProcess, nik: str, n: int = 1) -> None:
    t = httpx.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                   json={"service": "bansos", "request_id": str(uuid.uuid4())}).json()
    called = httpx.post(f"{hub.url}/api/v1/counters/{n}/next", headers=hub.counter_headers(n),
                        json={"services": ["bansos"]})
    assert called.json()["id"] == t["id"]
    r = httpx.post(f"{hub.url}/api/v1/beneficiaries", headers=hub.counter_headers(n),
                   json={"programme": "bansos-2026", "nik": nik, "ticket": t["id"],
                         "outcome": "given"})
    assert r.status_code == 201, r.text


def _key_ready(hub: HubProcess) -> bool:
    r = httpx.post(hub.url + CHECK, headers=hub.counter_headers(1),
                   json={"programme": "bansos-2026", "nik": NIK_Y})
    return r.status_code == 200


def _city_stats(city: Any, officer: str) -> dict[str, int]:
    got = httpx.get(f"{city.api}/beneficiaries/stats",
                    headers={"Authorization": f"Bearer {officer}"}).json()["programmes"]
    return {p["programme"]: p["given"] for p in got} if got else {}


def test_two_posts_share_the_check_through_the_city(city, tmp_path, city_db):
    officer = city.token(officer="Bu Ani")
    a = _hub(tmp_path, "pos-a", city, city.token(post="pos-a"))
    b = _hub(tmp_path, "pos-b", city, city.token(post="pos-b"))
    try:
        wait_for("both posts have the city's key", lambda: _key_ready(a) and _key_ready(b), 60)
        keys = {(h.data_dir / "beneficiary-keys" / "bansos-2026.key").read_text() for h in (a, b)}
        assert len(keys) == 1  # one programme key, from the city

        _give(a, NIK_X)
        wait_for("pos-a's record reached the city",
                 lambda: _city_stats(city, officer).get("bansos-2026") == 1)
        found = wait_for("pos-b heard of it", lambda: _check(b, NIK_X).get("recorded")
                         and _check(b, NIK_X))
        assert found["post_id"] == "pos-a" and found["counter"] == 1
        assert found["source"] == "city"
        assert found["post"] == "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"
        assert _check(b, NIK_Y) == {"recorded": False}

        # cut off: the city is gone; pos-b still knows (after a restart too), and both
        # posts give to the same new resident, each unaware of the other
        city.stop()
        b.stop()
        b.start()
        assert _check(b, NIK_X)["recorded"] is True
        _give(a, NIK_Y)
        _give(b, NIK_Y, n=2)
        city.start()
        flagged = wait_for("the double gift is seen at the city", lambda: _flagged(city, officer))
        (one,) = flagged
        assert one["posts"] == 2 and len(one["hash"]) == 12
        assert sorted(g["post"] for g in one["given"]) == ["pos-a", "pos-b"]
        assert {g["counter"] for g in one["given"]} == {1, 2}
    finally:
        a.stop()
        b.stop()

    # who was flagged is for officers only; the public sees counts
    url = f"{city.api}/beneficiaries/flagged"
    assert httpx.get(url, params={"programme": "bansos-2026"}).status_code == 401
    post_token = city.token(post="pos-c")
    assert httpx.get(url, params={"programme": "bansos-2026"},
                     headers={"Authorization": f"Bearer {post_token}"}).status_code == 403
    public = httpx.get(f"{city.api}/public/beneficiaries/stats").json()
    assert public == {"programmes": [{"programme": "bansos-2026", "given": 3, "refused": 0}]}

    _dashboard_shows_it(city, officer, one["hash"], tmp_path)

    # the NIK reached the city in no form but the keyed hash
    with psycopg.connect(city_db) as conn:
        for nik in (NIK_X, NIK_Y):
            assert conn.execute("SELECT count(*) FROM events WHERE data::text LIKE %s",
                                (f"%{nik}%",)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM beneficiary_records").fetchone() == (3,)

    # pos-b purges the programme (past its period and retention): the city follows
    end = date.today() + timedelta(days=30 + 90 + 1)
    done = subprocess.run([sys.executable, "-m", "antrean", "purge", "--data", str(b.data_dir),
                           "--config", str(b.config), "--date", str(end)],
                          capture_output=True, text=True, timeout=120, check=False)
    # its own hash and those the city sent (how many of pos-a's came down by then varies)
    assert done.returncode == 0 and " hash dihapus" in done.stdout, done.stderr
    with sqlite3.connect(b.data_dir / "antrean.db") as db:
        assert db.execute("SELECT count(*) FROM beneficiaries").fetchone() == (0,)
    b.start()  # its uplink sends the purge
    try:
        wait_for("the city purged pos-b's hashes", lambda: _rows_of(city_db, "pos-b") == 0)
    finally:
        b.stop()
    assert _rows_of(city_db, "pos-a") == 2
    with psycopg.connect(city_db) as conn:
        left = conn.execute(
            "SELECT count(*) FROM events e JOIN uplinks u ON u.id = e.uplink_id "
            "WHERE u.post_id = 'pos-b' AND e.type = 'beneficiary.recorded' "
            "AND e.data->>'hash' IS NOT NULL").fetchone()
    assert left == (0,)


def _rows_of(db: str, post: str) -> int:
    with psycopg.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM beneficiary_records WHERE post_id = %s",
                                (post,)).fetchone()[0])  # type: ignore[index]


def _dashboard_shows_it(city: Any, officer: str, short_hash: str, tmp: Path) -> None:
    """The city dashboard: officers see who to follow up; the public page counts only."""
    if CHROMIUM is None:  # CI installs it (scripts/setup.sh); a bare machine may not
        return
    page = parse(chromium(f"{city.url}/city#token={officer}", size=(1366, 2400),
                          screenshot=SCREENS / "city-bansos-officer.png"))
    def rows(table: str) -> list[list[str]]:
        return [[c.text for c in r.children if isinstance(c, Node) and c.tag in ("th", "td")]
                for r in page.by_id(table).find_all("tr")][1:]

    assert rows("bansos-table") == [["bansos-2026", "3", "0", "1"]]
    (flag,) = rows("flagged-table")
    assert flag[1] == short_hash
    assert flag[2] == "2" and "Pos Pelayanan" in flag[3] and "loket 1" in flag[3]
    public = chromium(f"{city.url}/city/public", size=(1366, 2400),
                      screenshot=SCREENS / "city-bansos-public.png")
    assert short_hash not in public
    assert "Bantuan sosial: penerima" in public


def _flagged(city: Any, officer: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{city.api}/beneficiaries/flagged", params={"programme": "bansos-2026"},
                  headers={"Authorization": f"Bearer {officer}"})
    return r.json()["flagged"] if r.status_code == 200 else []  # type: ignore[no-any-return]


def test_a_post_with_a_city_refuses_the_check_until_the_key_comes(tmp_path, city):
    token = city.token(post="pos-k")
    city.stop()  # the post has never reached its city
    hub = _hub(tmp_path, "pos-k", city, token)
    try:
        r = httpx.post(hub.url + CHECK, headers=hub.counter_headers(1),
                       json={"programme": "bansos-2026", "nik": NIK_X})
        assert r.status_code == 503 and r.json()["error"] == "programme_key_missing"
        assert "kota" in r.json()["message"]
        assert not (hub.data_dir / "beneficiary-keys").exists()  # no key of its own made
        city.start()
        wait_for("the key came down", lambda: _key_ready(hub), 60)
    finally:
        hub.stop()
