"""Start-up and storage faults say what to do, and an existing database is never re-made.

Each start fault runs the real ``antrean hub`` on a real file: 0 bytes, cut short, a
garbage header, damaged pages, a newer schema, a missing folder, no permission, read-only
storage and a full disk (a tiny tmpfs in a mount namespace of the hub's own). Faults at
run time fill a real tmpfs under a running hub, and SQLite's own ``max_page_count``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hubproc import HubProcess, free_port

from antrean.auth import create_device_token
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.dbcheck import FAULTS, StorageFault
from antrean.hub import Hub, HubUnavailable
from antrean.storage import DB_FILENAME, Storage

API = "/api/v1"
ROOT = os.geteuid() == 0
#: Root reads and writes anything; without these two capabilities it obeys file modes.
UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if ROOT else []


def own_mount(script: str) -> list[str]:
    """A prefix that runs ``script`` (mounts) in a mount namespace of the hub's own, then
    execs the hub there: the mounts vanish with it, and nothing needs cleaning up."""
    userns = [] if ROOT else ["--map-root-user"]
    return ["unshare", "--mount", "--propagation", "private", *userns,
            "sh", "-ec", f'{script}\nexec "$@"', "sh"]


def _good_db(data: Path) -> Path:
    """A real post database with a token and a few events in it."""
    st = Storage(data)
    create_device_token(st, "kiosk", "Kios 1", datetime.now(UTC))
    st.close()
    hub = Hub(load_post_config(), data, FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC)))
    for _ in range(40):
        hub.issue("adminduk", None, str(uuid.uuid4()))
    hub.close()
    return data / DB_FILENAME


def _empty(tmp: Path) -> tuple[Path, list[str]]:
    (tmp / "data").mkdir()
    (tmp / "data" / DB_FILENAME).write_bytes(b"")
    return tmp / "data", []


def _truncated(tmp: Path) -> tuple[Path, list[str]]:
    db = _good_db(tmp / "data")
    os.truncate(db, db.stat().st_size // 2)
    return tmp / "data", []


def _garbage(tmp: Path) -> tuple[Path, list[str]]:
    db = _good_db(tmp / "data")
    with db.open("r+b") as f:
        f.write(b"\x00PK\x03\x04 not sqlite at all")
    return tmp / "data", []


def _damaged(tmp: Path) -> tuple[Path, list[str]]:
    db = _good_db(tmp / "data")
    page = int.from_bytes(db.read_bytes()[16:18], "big")
    with db.open("r+b") as f:  # the schema's page, past the 100-byte file header
        f.seek(100)
        f.write(os.urandom(page - 100))
    return tmp / "data", []


def _newer(tmp: Path) -> tuple[Path, list[str]]:
    db = _good_db(tmp / "data")
    c = sqlite3.connect(db)
    with c:
        c.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    c.close()  # the last connection checkpoints the WAL into the file
    return tmp / "data", []


def _missing(tmp: Path) -> tuple[Path, list[str]]:
    return tmp / "usb-stick" / "antrean", []  # the stick is not mounted: no parent either


def _no_permission(tmp: Path) -> tuple[Path, list[str]]:
    (tmp / "data").mkdir(mode=0o000)
    return tmp / "data", UNPRIVILEGED


def _read_only(tmp: Path) -> tuple[Path, list[str]]:
    good = _good_db(tmp / "good")
    (tmp / "data").mkdir()
    data = tmp / "data"
    return data, own_mount(f"mount -t tmpfs -o size=2m tmpfs {data}\ncp {good} {data}/\n"
                           f"mount -o remount,ro {data}")


def _disk_full(tmp: Path) -> tuple[Path, list[str]]:
    (tmp / "data").mkdir()
    data = tmp / "data"
    return data, own_mount(f"mount -t tmpfs -o size=48k tmpfs {data}")


START_FAULTS: dict[str, Callable[[Path], tuple[Path, list[str]]]] = {
    "db_empty": _empty, "db_truncated": _truncated, "not_a_database": _garbage,
    "db_corrupt": _damaged, "db_newer": _newer, "data_missing": _missing,
    "no_permission": _no_permission, "read_only": _read_only, "disk_full": _disk_full,
}


def _hub(data: Path, prefix: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [*prefix, sys.executable, "-m", "antrean", "hub", "--data", str(data), "--host",
           "127.0.0.1", "--port", str(free_port()), "--no-mdns", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


@pytest.mark.parametrize("code", sorted(START_FAULTS))
def test_a_start_fault_is_one_message_and_its_own_exit_status(tmp_path, code):
    data, prefix = START_FAULTS[code](tmp_path)
    db = data / DB_FILENAME
    before = db.read_bytes() if db.exists() and not prefix else None
    res = _hub(data, prefix)
    assert res.returncode == FAULTS[code].exit_status, res.stderr
    assert "Traceback" not in res.stderr
    said = [line for line in res.stderr.splitlines() if line.startswith("antrean hub: ")]
    assert len(said) == 2, res.stderr  # Indonesian, then English
    assert str(data) in said[0] and str(data) in said[1]
    fault = FAULTS[code]
    expected = [StorageFault(code, p) for p in (data, db)]
    assert any(said[0].endswith(e.message.split(" — ", 1)[1]) for e in expected), said[0]
    assert any(said[1].endswith(e.message_en.split(" — ", 1)[1]) for e in expected), said[1]
    if before is not None:
        assert db.read_bytes() == before, "the database file was touched"
    debug = _hub(data, prefix, "--debug")
    assert debug.returncode == fault.exit_status and "Traceback" in debug.stderr


def test_exit_statuses_are_distinct_and_in_the_readme():
    statuses = [f.exit_status for f in FAULTS.values()]
    assert len(set(statuses)) == len(statuses)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for code, f in FAULTS.items():
        assert f"| {f.exit_status} |" in readme and code in readme, code


def test_a_0_byte_database_is_never_made_anew_by_any_tool(tmp_path):
    data, _ = _empty(tmp_path)
    db = data / DB_FILENAME
    for args in (["token", "--data", str(data), "--role", "kiosk", "--name", "k"],
                 ["pair", "--data", str(data)],
                 ["export", "--data", str(data), "--out", str(tmp_path / "x.csv")]):
        res = subprocess.run([sys.executable, "-m", "antrean", *args], capture_output=True,
                             text=True, timeout=60)
        assert res.returncode == FAULTS["db_empty"].exit_status, (args, res.stderr)
        assert "Traceback" not in res.stderr and "0 bytes" in res.stderr
        assert db.stat().st_size == 0
    assert sorted(p.name for p in data.iterdir()) == [DB_FILENAME]


def test_a_first_start_makes_the_database_whole_or_not_at_all(tmp_path):
    hub = HubProcess(tmp_path / "data")
    hub.start()
    hub.stop()
    names = sorted(p.name for p in hub.data_dir.iterdir())
    assert DB_FILENAME in names and not [n for n in names if ".new-" in n], names
    mode = (hub.data_dir / DB_FILENAME).stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()  # as SQLite itself would make it


def test_a_file_system_without_hard_links_still_gets_a_whole_database(tmp_path, monkeypatch):
    """FAT on a USB stick: link() is refused, the finished file is renamed into place."""
    import errno

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted", str(src))

    monkeypatch.setattr(os, "link", no_links)
    st = Storage(tmp_path / "data")
    create_device_token(st, "kiosk", "Kios 1", datetime.now(UTC))
    st.close()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [DB_FILENAME]
    assert Storage(tmp_path / "data").list_devices()[0]["name"] == "Kios 1"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ----- faults while the hub runs ----------------------------------------------------------
def test_health_is_degraded_while_writes_fail_and_ok_once_they_work(tmp_path):
    """SQLite's own limit on the database's size: writes fail as on a full disk."""
    clock = FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC))
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        first, _ = hub.issue("adminduk", None, str(uuid.uuid4()))
        conn = hub.storage.conn
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        conn.commit()
        refused = 0
        for _ in range(200):  # free room in the last pages goes first
            try:
                hub.issue("adminduk", None, str(uuid.uuid4()))
            except HubUnavailable as exc:
                refused += 1
                assert exc.reason == "disk_full" and "penuh" in exc.message
                break
        assert refused == 1
        h = hub.health_json()
        assert (h["status"], h["reason"]) == ("degraded", "disk_full")
        assert "penuh" in h["message"] and "full" in h["message_en"]
        conn.exec_driver_sql("PRAGMA max_page_count = 1073741823")
        conn.commit()
        hub.probe_storage()
        h = hub.health_json()
        assert h["status"] == "ok" and "reason" not in h
        numbers = [t.number for t in sorted(hub.state.tickets.values(), key=lambda t: t.seq)]
        after, _ = hub.issue("adminduk", None, str(uuid.uuid4()))
        assert int(after["number"][1:]) == len(numbers) + 1  # no gap, no repeat
        assert first["number"] == "A001"
    finally:
        hub.close()


def test_a_real_hub_on_a_full_disk_says_so_and_recovers(tmp_path):
    staging, data = tmp_path / "staging", tmp_path / "data"
    tokens = HubProcess(staging).make_tokens()  # the database, made before it moves in
    data.mkdir()
    hub = HubProcess(data, prefix=own_mount(f"mount -t tmpfs -o size=1m tmpfs {data}\n"
                                            f"cp -a {staging}/. {data}/"))
    hub.tokens = tokens
    hub.start()
    try:
        assert hub.proc is not None
        # The hub's tmpfs seen from here. For files only: SQLite resolves this magic link
        # to "/", so a database opened this way is another file outside the hub's mount.
        inside = Path(f"/proc/{hub.proc.pid}/root{data}")
        kiosk = hub.headers("kiosk")
        issued = [httpx.post(f"{hub.url}{API}/tickets", headers=kiosk, json={
            "service": "adminduk", "request_id": str(uuid.uuid4())}).json() for _ in range(3)]
        filler = inside / "filler"
        with filler.open("wb") as f, pytest.raises(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
                os.fsync(f.fileno())
        refusal = None
        for _ in range(200):
            r = httpx.post(f"{hub.url}{API}/tickets", headers=kiosk, json={
                "service": "adminduk", "request_id": str(uuid.uuid4())})
            if r.status_code != 201:
                refusal = r
                break
            issued.append(r.json())
        assert refusal is not None and refusal.status_code == 503, refusal
        body = refusal.json()
        assert body["error"] == "storage_unavailable" and body["reason"] == "disk_full"
        h = httpx.get(f"{hub.url}{API}/health").json()
        assert (h["status"], h["reason"]) == ("degraded", "disk_full")
        doctor = subprocess.run(
            [sys.executable, "-m", "antrean", "doctor", "--role", "counter", "--hub", hub.url,
             "--token", hub.tokens["counter"], "--data", str(tmp_path)],
            capture_output=True, text=True, timeout=60)
        (said,) = [s for s in doctor.stdout.splitlines() if " Hub:" in s]
        assert doctor.returncode == 1 and said.startswith("GAGAL"), doctor.stdout
        assert "hub tidak bisa menyimpan" in said and "penuh" in said
        filler.unlink()
        h = _wait_health(hub, "ok")  # the hub's own probe finds it works again
        assert "reason" not in h
        r = httpx.post(f"{hub.url}{API}/tickets", headers=kiosk, json={
            "service": "adminduk", "request_id": str(uuid.uuid4())})
        assert r.status_code == 201
        assert int(r.json()["number"][1:]) == len(issued) + 1  # nothing lost, nothing twice
    finally:
        hub.stop()
    log = hub.log_path.read_text()
    assert "Traceback" not in log
    assert log.count("database write failed") == 1  # said once, not once per refusal
    assert "database writes work again" in log


def _wait_health(hub: HubProcess, status: str) -> dict:
    import time

    deadline = time.monotonic() + 30
    while True:
        h = httpx.get(f"{hub.url}{API}/health").json()
        if h["status"] == status or time.monotonic() > deadline:
            assert h["status"] == status, h
            return h
        time.sleep(0.2)
