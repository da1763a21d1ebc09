"""The USB path: ``antrean export --bundle`` at the post, ``antrean city import`` at the
city — the real commands, a real hub database, a real PostgreSQL."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest
from postsim import DAY, open_post, own_stats, run_day

from antrean.config import example_config_path
from antrean.storage import Storage
from antrean.uplink import ACKED_KEY
from city.config import CityConfig
from city.figures import day_stats


def antrean(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", *args], capture_output=True,
                          text=True, timeout=120)


def post_toml(path: Path, post_id: str) -> Path:
    path.write_text(example_config_path().read_text().replace(
        'id = "pos-contoh"', f'id = "{post_id}"', 1).replace(
        'name = "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"', f'name = "Pos {post_id}"', 1))
    return path


@pytest.fixture
def post(tmp_path):
    hub, clock = open_post(tmp_path / "hub", "pos-a")
    run_day(hub, clock, seed=5, residents=40)
    yield hub, clock, post_toml(tmp_path / "hub.toml", "pos-a")
    hub.close()


def export(hub, cfg: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return antrean("export", "--bundle", "--data", str(hub.storage.data_dir), "--config",
                   str(cfg), "--out", str(out), *extra)


def count(db: str, sql: str) -> int:
    with psycopg.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]


def test_a_bundle_imported_twice_adds_nothing_the_second_time(post, city_db, tmp_path):
    hub, _clock, cfg = post
    res = export(hub, cfg, tmp_path / "usb" / "pos-a.bundle", "--all")
    assert res.returncode == 0, res.stderr
    assert f"{hub.last_seq} peristiwa" in res.stdout
    first = antrean("city", "import", "--db", city_db, str(tmp_path / "usb" / "pos-a.bundle"))
    assert first.returncode == 0, first.stderr
    assert f"{hub.last_seq} peristiwa baru ditambahkan, 0 sudah ada" in first.stdout
    assert f"{hub.last_seq} new events added" in first.stdout
    again = antrean("city", "import", "--db", city_db, str(tmp_path / "usb" / "pos-a.bundle"))
    assert again.returncode == 0, again.stderr
    assert f"0 peristiwa baru ditambahkan, {hub.last_seq} sudah ada" in again.stdout
    assert count(city_db, "SELECT count(*) FROM events") == hub.last_seq
    with psycopg.connect(city_db) as conn:
        st = day_stats(conn, CityConfig(), date.fromisoformat(DAY))
        acked, via = conn.execute("SELECT acked_seq, last_via FROM uplinks").fetchone()
    mine = own_stats(hub)
    for key in ("issued", "served", "no_show", "wait", "wait_priority", "services",
                "satisfaction", "complaints", "corrections"):
        assert st["posts"][0][key] == mine[key], key
    assert (acked, via) == (hub.last_seq, "bundle")  # the uplink would resume after it


def test_a_bundle_holds_what_the_city_has_not_acknowledged(post, city_db, tmp_path):
    hub, clock, cfg = post
    assert export(hub, cfg, tmp_path / "one.bundle", "--all").returncode == 0
    assert antrean("city", "import", "--db", city_db, str(tmp_path / "one.bundle")).returncode == 0
    acked = hub.last_seq
    hub.storage.set_meta(ACKED_KEY, str(acked))  # as the uplink keeps it
    clock.advance(hours=1)
    run_day(hub, clock, seed=6, residents=10)
    res = export(hub, cfg, tmp_path / "two.bundle")
    assert res.returncode == 0 and f"seq {acked + 1}–{hub.last_seq}" in res.stdout
    with gzip.open(tmp_path / "two.bundle") as f:
        lines = f.read().splitlines()
    assert json.loads(lines[0])["after"] == acked
    assert json.loads(lines[1])["seq"] == acked + 1
    got = antrean("city", "import", "--db", city_db, str(tmp_path / "two.bundle"))
    assert got.returncode == 0
    assert f"{hub.last_seq - acked} peristiwa baru ditambahkan, 0 sudah ada" in got.stdout
    assert count(city_db, "SELECT count(*) FROM events") == hub.last_seq
    hub.storage.set_meta(ACKED_KEY, str(hub.last_seq))
    nothing = export(hub, cfg, tmp_path / "three.bundle")
    assert nothing.returncode == 0 and "tidak ada peristiwa baru" in nothing.stdout


def test_a_bundle_that_starts_after_what_the_city_holds_is_refused(post, city_db, tmp_path):
    hub, _clock, cfg = post
    hub.storage.set_meta(ACKED_KEY, "10")  # acknowledged by a city this one is not
    assert export(hub, cfg, tmp_path / "part.bundle").returncode == 0
    res = antrean("city", "import", "--db", city_db, str(tmp_path / "part.bundle"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "--all" in res.stderr and "seq 10" in res.stderr
    assert count(city_db, "SELECT count(*) FROM events") == 0


def _spoil(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) * 2 // 3])
        return
    lines = gzip.decompress(raw).splitlines(keepends=True)
    if how == "no_trailer":
        lines = lines[:-1]
    elif how == "edited":
        i = next(i for i, ln in enumerate(lines) if b'"outcome":"no_show"' in ln)
        lines[i] = lines[i].replace(b'"outcome":"no_show"', b'"outcome":"served"')
    elif how == "dropped":
        del lines[5]
    path.write_bytes(gzip.compress(b"".join(lines)))


@pytest.mark.parametrize("how, said", [("truncated", "terpotong"), ("no_trailer", "terpotong"),
                                       ("edited", "checksum"), ("dropped", "checksum")])
def test_a_truncated_or_edited_bundle_is_refused_whole(post, city_db, tmp_path, how, said):
    hub, _clock, cfg = post
    f = tmp_path / "pos-a.bundle"
    assert export(hub, cfg, f, "--all").returncode == 0
    _spoil(f, how)
    res = antrean("city", "import", "--db", city_db, str(f))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert said in res.stderr and "tidak ada yang dimuat" in res.stderr
    assert "nothing loaded" in res.stderr
    with psycopg.connect(city_db) as conn:
        tables = conn.execute("SELECT to_regclass('events')").fetchone()[0]
        assert tables is None or conn.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_a_bundle_with_the_wrong_post_config_is_not_written(post, tmp_path):
    hub, _clock, _cfg = post
    res = export(hub, post_toml(tmp_path / "other.toml", "pos-b"), tmp_path / "x.bundle")
    assert res.returncode == 2 and "pos-a" in res.stderr and "--config" in res.stderr
    assert not (tmp_path / "x.bundle").exists()


def test_export_bundle_options_that_do_not_go_together(post, tmp_path):
    hub, _clock, cfg = post
    for extra in (["--all-days"], ["--date", DAY], ["--format", "csv"]):
        res = export(hub, cfg, tmp_path / "x.bundle", *extra)
        assert res.returncode == 2 and "--bundle" in res.stderr
    res = antrean("export", "--all", "--data", str(hub.storage.data_dir), "--out",
                  str(tmp_path / "x.csv"))
    assert res.returncode == 2 and "--bundle" in res.stderr


def test_a_missing_bundle_file_is_said_so(city_db, tmp_path):
    res = antrean("city", "import", "--db", city_db, str(tmp_path / "none.bundle"))
    assert res.returncode == 2 and "tidak ada" in res.stderr and "Traceback" not in res.stderr


def test_storage_knows_its_post(tmp_path):
    hub, clock = open_post(tmp_path / "h", "pos-z")
    run_day(hub, clock, residents=3)
    st = Storage(tmp_path / "h")
    try:
        assert st.post_ids() == ["pos-z"]
    finally:
        st.close()
        hub.close()
