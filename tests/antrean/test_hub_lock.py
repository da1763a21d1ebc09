"""One hub per data folder, with real processes: a second ``antrean hub`` on the same
``--data`` is refused naming the folder and the first hub's PID, while ``antrean export``
still reads the folder; the lock goes with the hub, however it stops."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid

import httpx
from hubproc import HubProcess, free_port

from antrean.datalock import EXIT_DATA_IN_USE, DataFolderInUse, DataLock


def _second_hub(data) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "antrean", "hub", "--data", str(data), "--host", "127.0.0.1",
         "--port", str(free_port()), "--no-mdns"],
        capture_output=True, text=True, timeout=60)


def test_a_second_hub_on_the_same_folder_exits_naming_it_and_the_first_hubs_pid(hub_process):
    r = httpx.post(f"{hub_process.url}/api/v1/tickets", headers=hub_process.headers("kiosk"),
                   json={"service": "adminduk", "priority": None, "request_id": str(uuid.uuid4())})
    assert r.status_code == 201 and r.json()["number"] == "A001"
    second = _second_hub(hub_process.data_dir)
    assert second.returncode == EXIT_DATA_IN_USE
    err = second.stderr
    assert str(hub_process.data_dir.resolve()) in err
    assert f"PID {hub_process.proc.pid}" in err
    assert "sedang dipakai hub lain" in err and "in use by another hub" in err
    assert "Traceback" not in err
    # the first hub was not disturbed: it numbers on from its own A001
    r = httpx.post(f"{hub_process.url}/api/v1/tickets", headers=hub_process.headers("kiosk"),
                   json={"service": "adminduk", "priority": None, "request_id": str(uuid.uuid4())})
    assert r.status_code == 201 and r.json()["number"] == "A002"


def test_export_reads_the_folder_while_the_hub_runs(hub_process, tmp_path):
    r = httpx.post(f"{hub_process.url}/api/v1/tickets", headers=hub_process.headers("kiosk"),
                   json={"service": "kesehatan", "priority": "elderly",
                         "request_id": str(uuid.uuid4())})
    assert r.status_code == 201
    day = r.json()["issued_at"][:10]
    out = tmp_path / "hari.csv"
    res = subprocess.run([sys.executable, "-m", "antrean", "export", "--data",
                          str(hub_process.data_dir), "--date", day, "--format", "csv",
                          "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(x["number"], x["priority"]) for x in rows] == [("B001", "elderly")]
    assert httpx.get(f"{hub_process.url}/api/v1/health").status_code == 200


def test_the_lock_goes_with_the_hub_even_on_kill_9(tmp_path):
    hub = HubProcess(tmp_path / "hub")
    hub.make_tokens()
    hub.start()
    try:
        hub.kill()  # SIGKILL: no chance to release anything; the kernel drops the flock
        hub.start()  # same folder, same port: starts
        assert _second_hub(hub.data_dir).returncode == EXIT_DATA_IN_USE
        hub.kill(15)
        hub.start()
    finally:
        hub.stop()


def test_lock_in_process_is_released_by_close_and_names_the_holder(tmp_path):
    first = DataLock(tmp_path).acquire()
    try:
        try:
            DataLock(tmp_path).acquire()
        except DataFolderInUse as exc:
            assert exc.pid == os.getpid() and exc.folder == tmp_path.resolve()
        else:
            raise AssertionError("a second lock on the folder was granted")
    finally:
        first.release()
        first.release()  # safe twice
    DataLock(tmp_path).acquire().release()  # free again
