"""Protocol v1 against a real hub process on a free loopback port."""

from __future__ import annotations

import json
import random
import threading
import uuid

import httpx
import pytest

API = "/api/v1"


def issue(hub, service="adminduk", priority=None, request_id=None, client=None):
    c = client or httpx
    body = {"service": service, "priority": priority, "request_id": request_id or str(uuid.uuid4())}
    return c.post(f"{hub.url}{API}/tickets", json=body, headers=hub.headers("kiosk"))


def test_health_services_queue(hub_process):
    h = httpx.get(f"{hub_process.url}{API}/health").json()
    assert h["status"] == "ok" and h["api"] == 1 and h["post"]["id"] == "pos-contoh"
    services = httpx.get(f"{hub_process.url}{API}/services").json()
    assert [s["letter"] for s in services] == ["A", "B", "C", "D", "E"]
    assert {"id", "letter", "name", "open", "waiting"} <= set(services[0])
    q = httpx.get(f"{hub_process.url}{API}/queue").json()
    assert {"services", "counters"} <= set(q)


def test_four_concurrent_kiosks_never_share_a_number(hub_process):
    results: list[dict] = []
    lock = threading.Lock()

    def kiosk(k: int) -> None:
        with httpx.Client(timeout=10) as c:
            for i in range(40):
                r = issue(hub_process, ["adminduk", "kesehatan"][(i + k) % 2], client=c)
                assert r.status_code == 201, r.text
                with lock:
                    results.append(r.json())

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [t["number"] for t in results]
    assert len(numbers) == 160 and len(set(numbers)) == 160
    for letter in "AB":
        seqs = sorted(int(n[1:]) for n in numbers if n[0] == letter)
        assert seqs == list(range(1, 81))


def test_repeated_request_id_returns_the_same_ticket(hub_process):
    rid = str(uuid.uuid4())
    first = issue(hub_process, request_id=rid)
    again = issue(hub_process, request_id=rid)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    # the same request racing from several kiosks at once is still one ticket
    rid2 = str(uuid.uuid4())
    codes: list[int] = []
    ids: set[str] = set()

    def send() -> None:
        r = issue(hub_process, request_id=rid2)
        codes.append(r.status_code)
        ids.add(r.json()["id"])

    ts = [threading.Thread(target=send) for _ in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(codes) == [200] * 5 + [201] and len(ids) == 1
    waiting = httpx.get(f"{hub_process.url}{API}/queue").json()["services"][0]["waiting"]
    assert waiting == 2


def test_call_next_follows_priority_rule_and_burst_limit(hub_process):
    issued = {}
    for name in ["R1", "R2", "R3", "R4"]:
        issued[issue(hub_process).json()["id"]] = name
    for name in ["P1", "P2", "P3", "P4", "P5"]:
        issued[issue(hub_process, priority="elderly").json()["id"]] = name
    order = []
    while True:
        r = httpx.post(f"{hub_process.url}{API}/counters/1/next", headers=hub_process.headers("counter"))
        if r.status_code == 204:
            break
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "called" and r.json()["counter"] == 1
        order.append(issued[r.json()["id"]])
    # burst 3: three priority calls while regulars wait, then the oldest regular
    assert order == ["P1", "P2", "P3", "R1", "P4", "P5", "R2", "R3", "R4"]


def test_counter_actions_reach_the_hub(hub_process):
    h = hub_process.headers("counter")
    a = issue(hub_process).json()
    b = issue(hub_process).json()
    url = f"{hub_process.url}{API}/counters/3"
    assert httpx.post(f"{url}/next", headers=h).json()["id"] == a["id"]
    rec = httpx.post(f"{url}/recall", headers=h).json()
    assert rec["recalls"] == 1 and rec["state"] == "called"
    tr = httpx.post(f"{url}/transfer", headers=h, json={"service": "kesehatan"}).json()
    assert tr["state"] == "waiting" and tr["service"] == "kesehatan" and tr["number"] == a["number"]
    assert httpx.post(f"{url}/next", headers=h).json()["id"] in (a["id"], b["id"])
    fin = httpx.post(f"{url}/finish", headers=h, json={"outcome": "no_show"}).json()
    assert fin["state"] == "no_show"
    r = httpx.post(f"{url}/finish", headers=h, json={"outcome": "served"})
    assert r.status_code == 409 and r.json()["error"] == "no_current_ticket"
    assert httpx.post(f"{url}/pause", headers=h).json()["state"] == "paused"
    assert httpx.post(f"{url}/resume", headers=h).json()["state"] == "idle"
    t = httpx.get(f"{hub_process.url}{API}/tickets/{a['id']}").json()
    assert t["number"] == a["number"]


MUTATING = [
    ("POST", "/tickets", {"service": "adminduk", "request_id": str(uuid.uuid4())}, "kiosk"),
    ("POST", "/counters/1/next", None, "counter"),
    ("POST", "/counters/1/recall", None, "counter"),
    ("POST", "/counters/1/finish", {"outcome": "served"}, "counter"),
    ("POST", "/counters/1/transfer", {"service": "kesehatan"}, "counter"),
    ("POST", "/counters/1/pause", None, "counter"),
    ("POST", "/counters/1/resume", None, "counter"),
    ("POST", f"/tickets/{uuid.uuid4()}/cancel", None, "kiosk"),
    ("POST", "/services/adminduk/close", None, "lead"),
    ("POST", "/services/adminduk/open", None, "lead"),
    ("POST", "/pair/codes", None, "lead"),
    ("GET", "/log", None, "lead"),
    ("GET", "/stats", None, "lead"),
]


@pytest.mark.parametrize(("method", "path", "body", "role"), MUTATING)
def test_every_mutating_path_needs_the_right_token(shared_hub, method, path, body, role):
    hub_process = shared_hub
    url = f"{hub_process.url}{API}{path}"
    r = httpx.request(method, url, json=body)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = httpx.request(method, url, json=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    wrong = "display" if role != "display" else "kiosk"
    r = httpx.request(method, url, json=body, headers=hub_process.headers(wrong))
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    r = httpx.request(method, url, json=body, headers=hub_process.headers(role))
    assert r.status_code < 500


BAD = [
    ("/tickets", b"not json"),
    ("/tickets", b"[]"),
    ("/tickets", b"{}"),
    ("/tickets", b'{"service": 5, "request_id": "x"}'),
    ("/tickets", b'{"service": "adminduk", "request_id": "not-a-uuid"}'),
    ("/tickets", b'{"service": "nope", "request_id": "6f1c2d0e-1111-4222-8333-444455556666"}'),
    ("/tickets", b'{"service": "adminduk", "priority": "vip", "request_id": "6f1c2d0e-1111-4222-8333-444455556667"}'),
    ("/tickets", b'{"service": "adminduk", "request_id": "6f1c2d0e-1111-4222-8333-444455556668", "extra": 1}'),
    ("/tickets", json.dumps({"service": "x" * 100000, "request_id": str(uuid.uuid4())}).encode()),
    ("/tickets", b'{"service": "\\u0000", "request_id": "6f1c2d0e-1111-4222-8333-444455556669"}'),
    ("/tickets", b"\xff\xfe\x00garbage"),
    ("/tickets", b"[" * 5000),
    ("/counters/0/next", b""),
    ("/counters/100/next", b""),
    ("/counters/abc/next", b""),
    ("/counters/-1/next", b""),
    ("/counters/1/next", b'{"services": "adminduk"}'),
    ("/counters/1/next", b'{"services": ["nope"]}'),
    ("/counters/1/finish", b'{"outcome": "maybe"}'),
    ("/counters/1/finish", b""),
    ("/counters/1/transfer", b'{"service": null}'),
    ("/counters/1/transfer", b'{"service": "nope"}'),
    ("/tickets/not-a-uuid/cancel", b""),
    ("/pair/start", b'{"msg": "QUJDRA==", "role": "root", "name": "x"}'),
    ("/pair/start", b'{"msg": "not base64!", "role": "kiosk", "name": "k"}'),
    ("/pair/start", b'{"msg": "QUJDRA==", "role": "kiosk", "name": "k"}'),
    ("/pair/start", b'{"code": "123456", "role": "kiosk", "name": "k"}'),
    ("/pair/finish", b'{"session": "nope", "confirm": "QUJDRA=="}'),
    ("/pair/finish", b'{"session": "nope"}'),
    ("/pair", b'{"code": "123456", "role": "kiosk", "name": "k"}'),
]


@pytest.mark.parametrize(("path", "payload"), BAD)
def test_bad_input_gets_a_clear_4xx(shared_hub, path, payload):
    hub_process = shared_hub
    role = "kiosk" if path.startswith("/tickets") else "counter"
    r = httpx.post(f"{hub_process.url}{API}{path}", content=payload,
                   headers={**hub_process.headers(role), "content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    body = r.json()
    assert body["error"] and body["message"]


def test_random_garbage_never_makes_a_5xx(hub_process):
    rng = random.Random(4)
    paths = ["/tickets", "/counters/1/next", "/counters/2/finish", "/counters/1/transfer",
             "/pair/start", "/pair/finish", "/devices/status", "/counters/1/recall"]
    with httpx.Client() as c:
        for _ in range(150):
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
            if rng.random() < 0.5:
                payload = json.dumps({rng.choice(["service", "outcome", "request_id", "code",
                                                  "services", "ok"]):
                                      rng.choice([None, 1, -1, "", "adminduk", [], {}, 1e308])}
                                     ).encode()
            r = c.post(f"{hub_process.url}{API}{rng.choice(paths)}", content=payload,
                       headers={**hub_process.headers(rng.choice(["kiosk", "counter"])),
                                "content-type": "application/json"})
            assert r.status_code < 500, (payload, r.text)
    assert httpx.get(f"{hub_process.url}{API}/health").status_code == 200


def test_bad_queries_and_paths(hub_process):
    lead = hub_process.headers("lead")
    assert httpx.get(f"{hub_process.url}{API}/stats?date=2026-13-45", headers=lead).status_code == 422
    assert httpx.get(f"{hub_process.url}{API}/log?format=pdf", headers=lead).status_code == 422
    assert httpx.get(f"{hub_process.url}{API}/tickets/{uuid.uuid4()}").status_code == 404
    assert httpx.get(f"{hub_process.url}{API}/nothing").json()["error"] == "not_found"
    assert httpx.delete(f"{hub_process.url}{API}/tickets").status_code == 405


def test_closed_service_and_device_status(hub_process):
    lead = hub_process.headers("lead")
    httpx.post(f"{hub_process.url}{API}/services/bansos/close", headers=lead).raise_for_status()
    r = issue(hub_process, service="bansos")
    assert r.status_code == 409 and r.json()["error"] == "service_closed"
    s = {x["id"]: x for x in httpx.get(f"{hub_process.url}{API}/services").json()}
    assert s["bansos"]["open"] is False
    r = httpx.post(f"{hub_process.url}{API}/devices/status", headers=hub_process.headers("kiosk"),
                   json={"component": "printer", "ok": False, "status": "paper_out",
                         "message": "Kertas habis"})
    assert r.status_code == 200 and r.json()["type"] == "device.status"
    assert r.json()["data"]["device"] == "test-kiosk"

