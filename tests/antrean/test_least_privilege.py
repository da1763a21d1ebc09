"""Least privilege (issue 11 item 3): each device acts on what is its own, each role reads
only what it needs, public routes give aggregates only. A real hub process throughout."""

from __future__ import annotations

import contextlib
import json
import uuid

import httpx
from websockets.sync.client import connect

from antrean.model import EventType
from antrean.visibility import HALL_DATA, LEAD_ONLY

API = "/api/v1"
COMPLAINT = "Petugas loket dua membentak saya"


def post(hub, path: str, headers: dict[str, str], body=None) -> httpx.Response:
    return httpx.post(f"{hub.url}{API}{path}", headers=headers, json=body)


def token_headers(hub, role: str, name: str) -> dict[str, str]:
    from antrean.auth import create_device_token
    from antrean.clock import utcnow
    from antrean.storage import Storage

    st = Storage(hub.data_dir)
    try:
        return {"Authorization": f"Bearer {create_device_token(st, role, name, utcnow())}"}
    finally:
        st.close()


def issue(hub, headers=None, service="adminduk") -> dict:
    r = post(hub, "/tickets", headers or hub.headers("kiosk"),
             {"service": service, "request_id": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def refused(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["message"] and body["message_en"]
    return body


def test_a_counter_device_acts_only_on_the_number_it_holds(hub_process):
    hub = hub_process
    a = token_headers(hub, "counter", "Loket Ani")
    b = token_headers(hub, "counter", "Loket Budi")
    for _ in range(3):
        issue(hub)
    assert post(hub, "/counters/3/next", a).status_code == 200  # first action: 3 is A's now
    taken = refused(post(hub, "/counters/3/pause", b), 409, "counter_taken")
    assert "3" in taken["message"]
    for action, body in (("next", None), ("recall", None), ("finish", {"outcome": "served"}),
                         ("transfer", {"service": "kesehatan"}), ("resume", None)):
        refused(post(hub, f"/counters/3/{action}", b, body), 409, "counter_taken")
    assert post(hub, "/counters/4/next", b).status_code == 200
    # A cannot walk away from a resident it is serving ...
    refused(post(hub, "/counters/5/next", a), 409, "counter_busy")
    assert post(hub, "/counters/3/finish", a, {"outcome": "served"}).status_code == 200
    # ... but once done it may take another free number, and 3 is free again
    assert post(hub, "/counters/5/pause", a).status_code == 200
    lead = hub.headers("lead")
    assert post(hub, "/counters/4/recall", lead).status_code == 200  # a lead acts on any
    devices = {d["name"]: d for d in httpx.get(f"{hub.url}{API}/devices", headers=lead).json()}
    assert (devices["Loket Ani"]["counter"], devices["Loket Budi"]["counter"]) == (5, 4)
    # a lead frees a number; the device that held it takes it again at its next action
    rel = post(hub, "/counters/5/release", lead)
    assert rel.status_code == 200 and rel.json()["released_from"] == devices["Loket Ani"]["id"]
    assert post(hub, "/counters/5/resume", b).status_code == 409  # B still serves at 4
    # claims are in the database: they outlive a restart
    hub.kill()
    hub.start()
    refused(post(hub, "/counters/4/next", a), 409, "counter_taken")
    # revoking B frees its number
    assert post(hub, f"/devices/{devices['Loket Budi']['id']}/revoke", lead).status_code == 200
    assert post(hub, "/counters/4/finish", a, {"outcome": "served"}).status_code == 200


def test_a_kiosk_cancels_only_its_own_tickets(hub_process):
    hub = hub_process
    other = token_headers(hub, "kiosk", "Kios Belakang")
    mine, theirs = issue(hub), issue(hub, other)
    refused(post(hub, f"/tickets/{theirs['id']}/cancel", hub.headers("kiosk")), 403,
            "not_your_ticket")
    assert post(hub, f"/tickets/{mine['id']}/cancel", hub.headers("kiosk")).status_code == 200
    # staff cancel any waiting ticket
    assert post(hub, f"/tickets/{theirs['id']}/cancel", hub.headers("counter")).status_code == 200


def test_a_device_reports_only_on_its_own_parts(hub_process):
    hub = hub_process

    def status(role: str, component: str) -> httpx.Response:
        return post(hub, "/devices/status", hub.headers(role),
                    {"component": component, "ok": False, "status": "fault"})

    ok = status("kiosk", "printer")
    assert ok.status_code == 200
    assert ok.json()["data"]["device"] == "test-kiosk" and ok.json()["data"]["device_id"] >= 1
    assert status("display", "speaker").status_code == 200
    for role, component in (("kiosk", "speaker"), ("counter", "printer"),
                            ("display", "printer"), ("display", "buttons")):
        refused(status(role, component), 403, "component_not_allowed")
    assert status("lead", "printer").status_code == 200


def _replay(hub, headers: dict[str, str]) -> list[dict]:
    """Everything the hub's stream sends this token up to the log's end."""
    with connect(hub.url.replace("http", "ws") + f"{API}/events?since=0",
                 additional_headers=headers, open_timeout=5) as ws:
        hello = json.loads(ws.recv(timeout=5))
        out: list[dict] = []
        with contextlib.suppress(TimeoutError):
            while not out or out[-1]["seq"] < hello["last_seq"]:
                out.append(json.loads(ws.recv(timeout=3)))
        return out


def _busy_day(hub) -> dict:
    """One of every kind of event, with device names and request ids in them."""
    kiosk, loket, lead = hub.headers("kiosk"), hub.counter_headers(1), hub.headers("lead")
    served = issue(hub)
    issue(hub)
    cancelled = issue(hub)
    assert post(hub, "/counters/1/next", loket).status_code == 200
    assert post(hub, "/counters/1/finish", loket, {"outcome": "served"}).status_code == 200
    assert post(hub, "/counters/1/next", loket).status_code == 200
    assert post(hub, "/counters/1/transfer", loket, {"service": "kesehatan"}).status_code == 200
    assert post(hub, f"/tickets/{cancelled['id']}/cancel", kiosk).status_code == 200
    assert post(hub, "/ratings", kiosk, {"number": served["number"], "rating": 2}).status_code == 201
    assert post(hub, "/complaints", kiosk, {"category": "petugas", "text": COMPLAINT,
                                            "number": served["number"],
                                            "request_id": str(uuid.uuid4())}).status_code == 201
    assert post(hub, f"/tickets/{served['id']}/correct", lead,
                {"outcome": "no_show", "reason": "Salah tekan oleh Budi"}).status_code == 200
    assert post(hub, "/devices/status", kiosk, {"component": "printer", "ok": False,
                                                "status": "paper_out"}).status_code == 200
    assert post(hub, "/counters/1/pause", loket).status_code == 200
    assert post(hub, "/services/bansos/close", lead).status_code == 200
    return served


def test_each_role_reads_only_what_it_needs_from_the_event_stream(hub_process):
    hub = hub_process
    names = ("test-kiosk", "test-loket-1", "test-lead")
    since = httpx.get(f"{hub.url}{API}/queue").json()["last_seq"]
    with connect(hub.url.replace("http", "ws") + f"{API}/events?since={since}",
                 additional_headers=hub.headers("display")) as live:
        json.loads(live.recv(timeout=5))  # hello
        _busy_day(hub)
        lead = _replay(hub, hub.headers("lead"))
        got_live = []
        with contextlib.suppress(TimeoutError):
            while not got_live or got_live[-1]["seq"] < lead[-1]["seq"]:
                got_live.append(json.loads(live.recv(timeout=3)))
    lead_text = json.dumps(lead, ensure_ascii=False)
    assert COMPLAINT in lead_text and "request_id" in lead_text and "test-kiosk" in lead_text
    for role in ("display", "kiosk"):
        seen = _replay(hub, hub.headers(role))
        for stream in (seen, got_live) if role == "display" else (seen,):
            text = json.dumps(stream, ensure_ascii=False)
            assert COMPLAINT not in text and "request_id" not in text and "Budi" not in text
            assert not any(n in text for n in names), role
            assert "complaint.filed" not in {e["type"] for e in stream}
        kinds = {e["type"] for e in seen}
        # ... and still everything the hall shows: calls, counts, alerts, services
        assert {"ticket.issued", "ticket.called", "ticket.finished", "ticket.transferred",
                "ticket.cancelled", "counter.changed", "device.status",
                "service.changed"} <= kinds, role
        status = next(e for e in seen if e["type"] == "device.status")
        assert status["data"] == {"device_id": status["data"]["device_id"], "role": "kiosk",
                                  "component": "printer", "ok": False, "status": "paper_out",
                                  "message": ""}
        assert [e["seq"] for e in seen] == sorted(e["seq"] for e in seen)
    staff = json.dumps(_replay(hub, hub.headers("counter")), ensure_ascii=False)
    assert "test-kiosk" in staff  # a clerk is told which kiosk's printer is out
    assert COMPLAINT not in staff and "request_id" not in staff and "Budi" not in staff


def test_public_routes_carry_aggregates_only(hub_process):
    hub = hub_process
    served = _busy_day(hub)
    q = httpx.get(f"{hub.url}{API}/queue").json()
    assert q["counters"] and all("device" not in c for c in q["counters"])
    for role in ("kiosk", "display", "counter"):
        q = httpx.get(f"{hub.url}{API}/queue", headers=hub.headers(role)).json()
        assert all("device" not in c for c in q["counters"]), role
    q = httpx.get(f"{hub.url}{API}/queue", headers=hub.headers("lead")).json()
    assert q["counters"][0]["device"] == "test-loket-1"
    public = httpx.get(f"{hub.url}{API}/public/stats").json()
    assert "counters" not in public and public["complaints"] == {"count": 1}
    assert COMPLAINT not in json.dumps(public, ensure_ascii=False)
    assert httpx.get(f"{hub.url}{API}/stats", headers=hub.headers("lead")).json()["counters"]
    by_number = f"{hub.url}{API}/tickets/by-number/{served['number']}"
    refused(httpx.get(by_number), 401, "unauthorized")
    refused(httpx.get(by_number, headers=hub.headers("display")), 403, "forbidden")
    for role in ("kiosk", "counter", "survey", "lead"):
        assert httpx.get(by_number, headers=hub.headers(role)).json()["id"] == served["id"]
    # by its UUID (what the ticket's QR code carries) a ticket stays public
    assert httpx.get(f"{hub.url}{API}/tickets/{served['id']}").json()["number"] == served["number"]


def test_every_event_type_is_decided_for_the_hall():
    """A new event type must be named for the hall (with its fields) or kept for leads."""
    assert set(HALL_DATA) | LEAD_ONLY == {t.value for t in EventType}
    assert not set(HALL_DATA) & LEAD_ONLY
