"""Reserved numbers and late tickets (DESIGN "Offline issuing at the kiosk"), against a real
hub process: what a kiosk is granted, what the hub accepts from it later, and what it refuses.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubproc import HubProcess

API = "/api/v1"


def extra_kiosk(hub: HubProcess, name: str) -> dict[str, str]:
    """A second kiosk's auth header (a token made as ``antrean token`` does, hub running)."""
    from antrean.auth import create_device_token
    from antrean.storage import Storage

    st = Storage(hub.data_dir)
    try:
        token = create_device_token(st, "kiosk", name, datetime.now(UTC))
    finally:
        st.close()
    return {"Authorization": f"Bearer {token}"}


def reserves(hub: HubProcess, headers: dict[str, str]) -> dict[str, list[str]]:
    r = httpx.post(f"{hub.url}{API}/reserves", headers=headers)
    assert r.status_code == 200, r.text
    return {s["id"]: s["numbers"] for s in r.json()["services"]}


def statuses(hub: HubProcess, headers: dict[str, str]) -> dict[str, str]:
    r = httpx.post(f"{hub.url}{API}/reserves", headers=headers)
    return {s["id"]: s["status"] for s in r.json()["services"]}


def late(hub: HubProcess, headers: dict[str, str], number: str, *, service: str = "adminduk",
         at: datetime | None | str = "now", request_id: str | None = None,
         priority: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"service": service, "priority": priority,
                            "request_id": request_id or str(uuid.uuid4()),
                            "reserved_number": number}
    if at == "now":
        at = datetime.now(UTC)
    if at is not None:
        assert isinstance(at, datetime)
        body["issued_at"] = at.isoformat()
    return httpx.post(f"{hub.url}{API}/tickets", json=body, headers=headers)


def plain(hub: HubProcess, role: str = "kiosk", service: str = "adminduk") -> httpx.Response:
    return httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers(role),
                      json={"service": service, "request_id": str(uuid.uuid4())})


def stats(hub: HubProcess) -> dict[str, Any]:
    r = httpx.get(f"{hub.url}{API}/stats", headers=hub.headers("lead"))
    r.raise_for_status()
    return dict(r.json())


def test_reserves_are_granted_skipped_by_others_and_topped_up(hub_process: HubProcess) -> None:
    hub = hub_process
    k1, k2 = hub.headers("kiosk"), extra_kiosk(hub, "kios-2")
    assert reserves(hub, k1)["adminduk"] == ["A001", "A002", "A003", "A004", "A005"]
    assert reserves(hub, k2)["adminduk"] == ["A006", "A007", "A008", "A009", "A010"]
    assert reserves(hub, k1)["kesehatan"] == ["B001", "B002", "B003", "B004", "B005"]
    # Asking again grants nothing new: the reserve is full.
    assert reserves(hub, k1)["adminduk"] == ["A001", "A002", "A003", "A004", "A005"]
    # Every other issuer skips the reserved numbers.
    assert plain(hub, "lead").json()["number"] == "A011"
    # The kiosk issues from its reserve; the hub tops it up past everything issued.
    r = late(hub, k1, "A001")
    assert r.status_code == 201, r.text
    assert reserves(hub, k1)["adminduk"] == ["A002", "A003", "A004", "A005", "A012"]
    events = [e["type"] for e in _events(hub)]
    assert events.count("reserve.granted") == 2 * 5 + 1  # 5 services x 2 kiosks, 1 top-up


def test_one_kiosk_sees_strictly_sequential_numbers(hub_process: HubProcess) -> None:
    hub, k = hub_process, hub_process.headers("kiosk")
    got = []
    for _ in range(12):
        number = reserves(hub, k)["kesehatan"][0]
        r = late(hub, k, number, service="kesehatan")
        assert r.status_code == 201, r.text
        got.append(r.json()["number"])
    assert got == [f"B{i:03d}" for i in range(1, 13)]


def test_a_late_ticket_keeps_its_time_its_id_and_its_fair_place(hub_process: HubProcess
                                                                 ) -> None:
    hub, k = hub_process, hub_process.headers("kiosk")
    held = reserves(hub, k)["bansos"]
    first = plain(hub, "lead", "bansos").json()  # issued now at the hub, waiting
    rid = str(uuid.uuid4())
    at = datetime.now(UTC) - timedelta(minutes=5)  # printed offline five minutes ago
    r = late(hub, k, held[0], service="bansos", at=at, request_id=rid)
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["number"] == held[0] and t["id"] == rid
    assert datetime.fromisoformat(t["issued_at"]) == at.replace(microsecond=at.microsecond)
    assert t["position"] == 0  # it waited longer than the ticket issued at the hub
    again = late(hub, k, held[0], service="bansos", at=at, request_id=rid)
    assert again.status_code == 200 and again.json()["id"] == rid
    # A counter calls the one that waited longest first, and its wait counts from then.
    called = httpx.post(f"{hub.url}{API}/counters/1/next", headers=hub.headers("counter"),
                        json={"services": ["bansos"]}).json()
    assert called["number"] == held[0]
    httpx.post(f"{hub.url}{API}/counters/1/finish", headers=hub.headers("counter"),
               json={"outcome": "served"}).raise_for_status()
    rows = {row["number"]: row for row in _log(hub)}
    assert rows[held[0]]["wait_s"] >= 300 and rows[first["number"]]["called_at"] is None
    assert {row["number"] for row in _log(hub)} == {held[0], first["number"]}


@pytest.mark.parametrize(("case", "status", "code"), [
    ("other_kiosk", 409, "not_reserved"),
    ("used", 409, "reserved_number_used"),
    ("letter", 422, "reserved_number_mismatch"),
    ("future", 422, "issued_at_future"),
    ("yesterday", 409, "issued_before_day"),
    ("time_alone", 422, "issued_at_without_reserved_number"),
    ("naive_time", 422, "invalid_request"),
    ("lead", 409, "not_reserved"),
    ("never_granted", 409, "not_reserved"),
])
def test_late_tickets_are_refused_with_a_clear_code(shared_hub: HubProcess, case: str,
                                                    status: int, code: str) -> None:
    hub, k = shared_hub, shared_hub.headers("kiosk")
    mine = reserves(hub, k)["literasi"]
    other = reserves(hub, extra_kiosk(hub, f"kios-{case}"))["literasi"]
    body: dict[str, Any] = {"service": "literasi", "request_id": str(uuid.uuid4()),
                            "reserved_number": mine[0],
                            "issued_at": datetime.now(UTC).isoformat()}
    headers = k
    if case == "other_kiosk":
        body["reserved_number"] = other[0]
    elif case == "used":
        assert late(hub, k, mine[0], service="literasi").status_code == 201
    elif case == "letter":
        body["reserved_number"] = "A" + mine[0][1:]
    elif case == "future":
        body["issued_at"] = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    elif case == "yesterday":
        body["issued_at"] = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    elif case == "time_alone":
        del body["reserved_number"]
    elif case == "naive_time":
        body["issued_at"] = datetime.now().replace(tzinfo=None).isoformat()
    elif case == "lead":
        headers = hub.headers("lead")
    elif case == "never_granted":
        body["reserved_number"] = "D900"
    r = httpx.post(f"{hub.url}{API}/tickets", json=body, headers=headers)
    assert (r.status_code, r.json()["error"]) == (status, code), r.text
    assert r.json()["message"] and r.json()["message_en"]


def test_closed_service_and_reached_quota_grant_no_reserve(tmp_path: Path) -> None:
    from hubproc import write_post_config

    cfg = write_post_config(tmp_path / "post.toml")
    text = cfg.read_text().replace('id = "kesehatan"\n', 'id = "kesehatan"\nquota = 7\n', 1)
    cfg.write_text(text)
    hub = HubProcess(tmp_path / "hub", config=cfg)
    hub.make_tokens()
    hub.start()
    try:
        k1, k2, k3 = hub.headers("kiosk"), extra_kiosk(hub, "kios-2"), extra_kiosk(hub, "kios-3")
        assert reserves(hub, k1)["kesehatan"] == [f"B00{i}" for i in range(1, 6)]
        assert reserves(hub, k2)["kesehatan"] == ["B006", "B007"]  # the quota allows two more
        assert statuses(hub, k3)["kesehatan"] == "quota_reached"
        r = plain(hub, "lead", "kesehatan")  # every number of the quota is promised
        assert (r.status_code, r.json()["error"]) == (409, "quota_reached")
        # A promised number is honoured even though the quota is reached.
        assert late(hub, k2, "B007", service="kesehatan").status_code == 201
        # A closed service grants nothing; what a kiosk holds stays its own.
        httpx.post(f"{hub.url}{API}/services/bansos/close",
                   headers=hub.headers("lead")).raise_for_status()
        k4 = extra_kiosk(hub, "kios-4")
        assert statuses(hub, k4)["bansos"] == "closed" and reserves(hub, k4)["bansos"] == []
        assert statuses(hub, k1)["bansos"] == "closed"
        held = reserves(hub, k1)["bansos"]
        assert held == [f"C00{i}" for i in range(1, 6)]
        # …and a ticket printed from it before the kiosk heard of the closing is taken.
        assert late(hub, k1, held[0], service="bansos").status_code == 201
    finally:
        hub.stop()


def test_reserves_survive_kill_9_and_revocation_releases_them(hub_process: HubProcess) -> None:
    hub, k1 = hub_process, hub_process.headers("kiosk")
    k2 = extra_kiosk(hub, "kios-lepas")
    held1 = reserves(hub, k1)["adminduk"]
    held2 = reserves(hub, k2)["adminduk"]
    assert late(hub, k1, held1[0]).status_code == 201
    hub.kill()
    hub.start()
    # The same numbers after the restart: nothing new is granted, nothing handed out twice.
    assert reserves(hub, k1)["adminduk"] == [*held1[1:], "A011"]
    assert reserves(hub, k2)["adminduk"] == held2
    assert plain(hub, "lead").json()["number"] == "A012"
    # Revoking kiosk 2 releases its numbers: gaps, never handed to anyone else.
    device = next(d for d in httpx.get(f"{hub.url}{API}/devices",
                                       headers=hub.headers("lead")).json()
                  if d["name"] == "kios-lepas")
    httpx.post(f"{hub.url}{API}/devices/{device['id']}/revoke",
               headers=hub.headers("lead")).raise_for_status()
    released = [e for e in _events(hub) if e["type"] == "reserve.released"]
    assert [n for e in released for n in e["data"]["numbers"]
            if e["data"]["service"] == "adminduk"] == held2
    assert plain(hub, "lead").json()["number"] == "A013"
    st = stats(hub)["reserves"]
    assert st["released"] == 5 * 5  # every service's five
    assert set(held2) <= set(st["unused"]) and held1[0] not in st["unused"]
    assert st["unused_are_gaps"] is False
    # Unused numbers are never rows of the day's log.
    logged = {row["number"] for row in _log(hub)}
    assert logged == {held1[0], "A012", "A013"}


def _log(hub: HubProcess) -> list[dict[str, Any]]:
    r = httpx.get(f"{hub.url}{API}/log", params={"format": "json"}, headers=hub.headers("lead"))
    r.raise_for_status()
    return list(r.json())


def _events(hub: HubProcess) -> list[dict[str, Any]]:
    import json

    from websockets.sync.client import connect

    out = []
    with connect(f"{hub.url.replace('http', 'ws', 1)}{API}/events?since=0",
                 additional_headers=hub.headers("lead")) as ws:
        hello = json.loads(ws.recv(timeout=5))
        while True:
            try:
                msg = json.loads(ws.recv(timeout=0.3))
            except TimeoutError:
                break
            out.append(msg)
            if msg["seq"] >= hello["last_seq"]:
                break
    return out
