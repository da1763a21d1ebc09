"""Revoking a device while the hub runs, listing devices with last seen (issue 11 item 2).

A real hub process; ``antrean token`` run as its own process against the same database,
as a technician would on the hub's machine.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

API = "/api/v1"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``antrean`` as its own process, as on the hub's machine."""
    return subprocess.run([sys.executable, "-m", "antrean", *args], capture_output=True,
                          text=True, timeout=60, check=check)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``antrean`` in this process (the same code, without a new interpreter's start-up)."""
    from antrean.cli import main

    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def new_token(hub, role: str, name: str) -> str:
    out = run("token", "--data", str(hub.data_dir), "--role", role, "--name", name)
    return out.stdout.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue(hub, token: str) -> httpx.Response:
    return httpx.post(f"{hub.url}{API}/tickets", headers=bearer(token),
                      json={"service": "adminduk", "request_id": str(uuid.uuid4())})


def until(predicate, timeout: float = 15.0):
    """Poll until ``predicate()`` is truthy (the hub takes in a CLI revocation within its
    refresh period); returns the last value, falsy if it never came."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(0.1)
        value = predicate()
    return value


def stream(hub, token: str):
    return connect(hub.url.replace("http", "ws") + f"{API}/events?since=0",
                   additional_headers=bearer(token), open_timeout=5)


def open_stream(stack: contextlib.ExitStack, hub, token: str):
    ws = stack.enter_context(stream(hub, token))
    assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    return ws


def close_code(ws) -> int | None:
    """Read until the hub closes the stream; its close code."""
    try:
        while True:
            ws.recv(timeout=15)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


def test_cli_revokes_a_kiosk_while_the_hub_runs_and_closes_its_stream(hub_process):
    token = new_token(hub_process, "kiosk", "Kios Pintu")
    assert issue(hub_process, token).status_code == 201
    with contextlib.ExitStack() as stack:
        ws = open_stream(stack, hub_process, token)
        out = run("token", "--data", str(hub_process.data_dir), "--revoke", "Kios Pintu")
        assert "Kios Pintu" in out.stderr
        assert until(lambda: issue(hub_process, token).status_code == 401)
        assert close_code(ws) == 1008
    with pytest.raises(InvalidStatus), stream(hub_process, token):
        pass
    # the other kiosk is untouched
    assert issue(hub_process, hub_process.tokens["kiosk"]).status_code == 201
    again = run("token", "--data", str(hub_process.data_dir), "--revoke", "Kios Pintu")
    assert again.returncode == 0 and "already revoked" in again.stderr


def test_cli_lists_devices_and_refuses_an_ambiguous_name(hub_process, capsys):
    data = str(hub_process.data_dir)
    for _ in range(2):
        assert cli(capsys, "token", "--data", data, "--role", "counter", "--name",
                   "Loket Kembar")[0] == 0
    code, out, _ = cli(capsys, "token", "--data", data, "--list")
    listed = out.splitlines()
    assert code == 0 and listed[0].split("\t") == ["id", "role", "name", "created", "last_seen",
                                                   "revoked", "counter"]
    twins = [line.split("\t") for line in listed[1:] if "Loket Kembar" in line]
    assert len(twins) == 2 and all(t[1] == "counter" and t[5] == "-" for t in twins)
    code, _, err = cli(capsys, "token", "--data", data, "--revoke", "Loket Kembar")
    assert code == 2 and twins[0][0] in err and twins[1][0] in err
    assert cli(capsys, "token", "--data", data, "--revoke", twins[0][0])[0] == 0
    out = cli(capsys, "token", "--data", data, "--list")[1]
    row = next(line.split("\t") for line in out.splitlines() if line.startswith(twins[0][0]))
    assert row[5] != "-"
    assert cli(capsys, "token", "--data", data, "--revoke", "Tidak Ada")[0] == 1
    assert cli(capsys, "token", "--data", data, "--list", "--role", "kiosk")[0] == 2
    assert cli(capsys, "token", "--data", data, "--role", "kiosk")[0] == 2


def test_lead_lists_devices_with_last_seen_and_revokes_at_once(hub_process):
    url, lead = hub_process.url, hub_process.headers("lead")
    token = new_token(hub_process, "display", "Layar Aula")
    with contextlib.ExitStack() as stack:
        ws = open_stream(stack, hub_process, token)
        devices = httpx.get(f"{url}{API}/devices", headers=lead).json()
        shown = {d["name"]: d for d in devices}
        assert {"test-kiosk", "test-counter", "test-display", "test-lead", "Layar Aula"} <= set(shown)
        layar = shown["Layar Aula"]
        assert layar["role"] == "display" and layar["revoked_at"] is None
        assert layar["last_seen_at"] is not None and layar["streams"] == 1
        assert layar["created_at"].endswith("+07:00")
        assert shown["test-counter"]["last_seen_at"] is None  # never used yet
        for role in ("kiosk", "counter", "display"):
            assert httpx.get(f"{url}{API}/devices",
                             headers=hub_process.headers(role)).status_code == 403
        assert httpx.get(f"{url}{API}/devices").status_code == 401

        r = httpx.post(f"{url}{API}/devices/{layar['id']}/revoke", headers=lead)
        assert r.status_code == 200 and r.json()["revoked_at"] is not None
        assert close_code(ws) == 1008  # the lead's route takes effect at once
    with pytest.raises(InvalidStatus), stream(hub_process, token):
        pass
    again = httpx.post(f"{url}{API}/devices/{layar['id']}/revoke", headers=lead)
    assert again.status_code == 200  # idempotent
    me = shown["test-lead"]["id"]
    own = httpx.post(f"{url}{API}/devices/{me}/revoke", headers=lead)
    assert own.status_code == 409 and own.json()["error"] == "own_device"
    gone = httpx.post(f"{url}{API}/devices/99999/revoke", headers=lead)
    assert gone.status_code == 404 and gone.json()["error"] == "unknown_device"


def test_last_seen_is_written_when_the_hub_stops(hub_process, capsys):
    assert issue(hub_process, hub_process.tokens["kiosk"]).status_code == 201
    hub_process.stop()
    listed = cli(capsys, "token", "--data", str(hub_process.data_dir), "--list")[1]
    kiosk = next(line.split("\t") for line in listed.splitlines() if "test-kiosk" in line)
    assert kiosk[4] != "-"  # flushed at shutdown
    display = next(line.split("\t") for line in listed.splitlines() if "test-display" in line)
    assert display[4] == "-"


def test_one_device_holds_a_few_event_streams_at_most(hub_process):
    from antrean.devices import MAX_STREAMS_PER_DEVICE

    token = hub_process.tokens["display"]
    with contextlib.ExitStack() as stack:
        streams = [open_stream(stack, hub_process, token) for _ in range(MAX_STREAMS_PER_DEVICE)]
        with stream(hub_process, token) as extra:
            assert close_code(extra) == 1008
        with contextlib.ExitStack() as other:  # another device: fine
            open_stream(other, hub_process, hub_process.tokens["kiosk"])
        streams[-1].close()
        assert until(lambda: _stream_opens(hub_process, token))


def _stream_opens(hub, token: str) -> bool:
    with stream(hub, token) as ws:
        try:
            return bool(json.loads(ws.recv(timeout=5))["type"] == "hello")
        except ConnectionClosed:
            return False
