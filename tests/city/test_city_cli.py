"""``antrean city`` as an operator meets it: tokens, and clear words (Indonesian first,
English after, never a traceback) when the database is down, misnamed or from the future."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
from cityproc import CityProcess

from antrean.runner import free_port
from city.db import migrate
from city.pgcluster import FAST, PgCluster


def antrean_city(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", "city", *args], capture_output=True,
                          text=True, timeout=timeout)


def _refused(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode == 2, res
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("antrean city")]
    assert len(lines) >= 2, res.stderr  # Indonesian, then English
    for w in words:
        assert w.lower() in res.stderr.lower(), (w, res.stderr)


def test_a_post_token_is_printed_last_and_only_its_hash_is_kept(city_db, tmp_path):
    res = antrean_city("token", "--db", city_db, "--post", "pos-sukajadi", "--name", "Hub Sukajadi")
    assert res.returncode == 0, res.stderr
    token = res.stdout.strip().splitlines()[-1]
    assert len(token) >= 40 and not token.startswith("-")
    with psycopg.connect(city_db) as conn:
        rows = conn.execute("SELECT role, post_id, name, token_hash FROM tokens").fetchall()
    assert rows == [("post", "pos-sukajadi", "Hub Sukajadi",
                     hashlib.sha256(token.encode()).hexdigest())]
    city = CityProcess(city_db, tmp_path).start()
    try:
        r = httpx.get(f"{city.api}/uplink", headers={"Authorization": f"Bearer {token}"},
                      params={"post": "pos-sukajadi",
                              "instance": "5a1d7c51-0c5e-4b6e-9d44-7b0c1f5a2e11"})
        assert r.status_code == 200 and r.json()["acked_seq"] == 0
    finally:
        city.stop()


def test_an_officer_token_reads_the_city(city):
    res = antrean_city("token", "--db", city.db_url, "--officer", "Bu Ani")
    assert res.returncode == 0, res.stderr
    token = res.stdout.strip().splitlines()[-1]
    r = httpx.get(f"{city.api}/stats", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["posts"] == []


@pytest.mark.parametrize("args", [["--post", "Pos Besar!", "--name", "x"],
                                  ["--post", "pos-a"], ["--officer", ""]])
def test_a_bad_token_request_is_refused(city_db, args):
    res = antrean_city("token", "--db", city_db, *args)
    _refused(res)
    assert res.stdout == ""


def test_a_database_that_is_down_is_said_so(tmp_path):
    url = f"postgresql://antrean@127.0.0.1:{free_port()}/antrean_city"
    _refused(antrean_city("--db", url, "--port", str(free_port())), "PostgreSQL berjalan",
             "Is PostgreSQL running")
    _refused(antrean_city("token", "--db", url, "--officer", "x"), "tidak dapat dihubungi")
    head = b'{"format":"antrean-bundle","version":1}\n'  # a whole bundle of no events
    bundle = tmp_path / "empty.bundle"
    bundle.write_bytes(gzip.compress(head + b'{"trailer":{"count":0,"sha256":"'
                                     + hashlib.sha256(head).hexdigest().encode() + b'"}}\n'))
    _refused(antrean_city("import", "--db", url, str(bundle)), "tidak dapat dihubungi")


@pytest.mark.parametrize("url, words", [
    ("mysql://root@localhost/antrean", ["postgresql://"]),
    ("bukan alamat", ["postgresql://"]),
    ("postgresql://antrean@127.0.0.1:{port}/tidak_ada", ["tidak ada", "does not exist"]),
    ("postgresql://antrean@no-such-host.invalid:5432/x", ["host"]),
])
def test_a_wrong_url_is_said_so(pg, url, words):
    _refused(antrean_city("--db", url.format(port=pg.port), "--port", str(free_port())), *words)


def test_no_url_at_all_is_said_so():
    _refused(antrean_city("--port", str(free_port())), "--db")


def test_a_database_from_a_newer_version_is_left_untouched(city_db):
    migrate(city_db)
    with psycopg.connect(city_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'c9999'")
        conn.execute("INSERT INTO posts (id) VALUES ('pos-a')")
    _refused(antrean_city("--db", city_db, "--port", str(free_port())), "lebih baru", "newer",
             "c9999")
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("c9999",)
        assert conn.execute("SELECT id FROM posts").fetchall() == [("pos-a",)]


@pytest.fixture
def own_cluster():
    """A cluster this test may stop and start (the session's one stays up for the others)."""
    c = PgCluster(settings=FAST).start()  # its own folder: pytest's are closed to nobody
    try:
        yield c
    finally:
        c.drop()


def test_the_database_going_down_while_serving_is_a_clear_503(own_cluster, tmp_path):
    city = CityProcess(own_cluster.url, tmp_path).start()
    officer = city.token(officer="x")
    post = city.token(post="pos-a")
    h = {"Authorization": f"Bearer {officer}"}
    try:
        assert httpx.get(f"{city.api}/stats", headers=h).status_code == 200
        own_cluster.stop("immediate")
        r = httpx.get(f"{city.api}/stats", headers=h, timeout=30)
        assert r.status_code == 503 and r.json()["error"] == "city_db_unavailable"
        assert "Basis data kota" in r.json()["message"]
        body = {"post": "pos-a", "instance": "5a1d7c51-0c5e-4b6e-9d44-7b0c1f5a2e11", "events": []}
        r = httpx.post(f"{city.api}/events", json=body, timeout=30,
                       headers={"Authorization": f"Bearer {post}"})
        assert r.status_code == 503  # the post's token was known: its batch waits for the DB
        health = httpx.get(f"{city.api}/health", timeout=30).json()
        assert health["status"] == "degraded" and health["db"] == "unavailable"
        own_cluster.start(create_db=False)
        for _ in range(50):  # the pool reconnects by itself
            r = httpx.get(f"{city.api}/stats", headers=h, timeout=30)
            if r.status_code == 200:
                break
        assert r.status_code == 200
        assert "Traceback" not in Path(city.log_path).read_text()
    finally:
        city.stop()
