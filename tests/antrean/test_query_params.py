"""Every query and path parameter is validated like a body: ASCII digits, ISO dates.

The routes are read from the app itself, so a route added later with a parameter nobody
thought of fails here until its parameter is known and tested.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.hub import Hub
from antrean.params import iso_day, parse_seq
from antrean.server import create_app

API = "/api/v1"

#: Bad values per parameter; every one must be a 4xx JSON error, never a 5xx.
BAD: dict[str, list[str]] = {
    "date": ["0", "1700000000", "20261207", "2026-1-7", "2026-02-30", "２０２６-12-07",
             "2026-W49-1", "1e3", "-1", "2026-12-07T00:00", " 2026-12-07", "0000-01-01"],
    "n": ["0", "100", "3.0", "+3", "-1", " 3", "³", "٣", "1e1", "0x3"],
    "format": ["CSV", "pdf", ""],
    "excel": ["2", "maybe", "²", ""],
    "service_id": ["Adminduk", "a b", "-x", "é", "a" * 40],
    "ticket_id": ["²", "not-a-uuid", "123"],
    "number": ["a001", "A01", "A٠٠١", "A001\n", "AA001"],
    "name": ["../index.html", "dashboard.js.bak"],
    "device_id": ["0", "1.0", "+1", "¹", "١", "99999999999"],
    "programme": ["", "Bansos-2026", "-bansos", "bansos 2026", "bansós", "b" * 41],
}
#: Values that are fine, to be sure the route is reachable at all.
GOOD: dict[str, str] = {"date": "2026-12-07", "n": "3", "format": "json", "excel": "1",
                        "service_id": "adminduk", "ticket_id": str(uuid.uuid4()),
                        "number": "A001", "name": "words.js", "device_id": "999999",
                        "programme": "bansos-2026"}


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    """(method, path, path params, query params) of every route the hub serves."""
    hub = Hub(load_post_config(), tmp_path_factory.mktemp("routes"),
              FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC)))
    try:
        app = create_app(hub)
    finally:
        hub.close()
    out = []
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            out.append((method.upper(), path, [p["name"] for p in params if p["in"] == "path"],
                        [p["name"] for p in params if p["in"] == "query"]))
    # outside the OpenAPI page: the dashboard's files and the event stream (read by hand)
    out.append(("GET", "/dashboard/assets/{name}", ["name"], []))
    out.append(("GET", "/survey/assets/{name}", ["name"], []))
    out.append(("WS", "/api/v1/events", [], ["since", "token"]))
    return out


def test_every_parameter_of_every_route_is_known(routes):
    params = {p for _, _, path, query in routes for p in path + query}
    assert params - {"since", "token"} <= set(BAD), sorted(params - set(BAD))
    assert any(q == ["date"] for _, p, _, q in routes if p.endswith("/stats"))


def _url(path: str, values: dict[str, str]) -> str:
    for k, v in values.items():
        path = path.replace("{" + k + "}", quote(v, safe=""))
    return path


def test_bad_parameters_are_a_clear_4xx_on_every_route(shared_hub, routes):
    lead = shared_hub.headers("lead")
    checked = 0
    with httpx.Client(base_url=shared_hub.url, headers=lead, timeout=10) as c:
        for method, path, path_params, query in routes:
            if method == "WS":
                continue
            for name in path_params + query:
                good = {p: GOOD[p] for p in path_params}
                for bad in BAD[name]:
                    vals = dict(good, **({name: bad} if name in path_params else {}))
                    params = {name: bad} if name in query else {}
                    r = c.request(method, _url(path, vals), params=params,
                                  json={} if method == "POST" else None)
                    assert 400 <= r.status_code < 500, (method, path, name, bad, r.text)
                    body = r.json()
                    assert body["error"] and body["message"] and body["message_en"], body
                    if r.status_code == 422 and name != "name":
                        fields = [d["field"] for d in body["details"]]
                        where = "path" if name in path_params else "query"
                        assert f"{where}.{name}" in fields, (path, name, bad, fields)
                    checked += 1
    assert checked > 150


def test_date_zero_is_not_1970(shared_hub):
    lead = shared_hub.headers("lead")
    for path in ("/log", "/stats", "/public/stats", "/complaints", "/corrections",
                 "/tickets/by-number/A001"):
        r = httpx.get(f"{shared_hub.url}{API}{path}", params={"date": "0"}, headers=lead)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["message"].startswith("Parameter 'date' tidak valid")
        assert "YYYY-MM-DD" in r.json()["message_en"]
    ok = httpx.get(f"{shared_hub.url}{API}/stats", params={"date": "2026-12-07"}, headers=lead)
    assert ok.status_code == 200 and ok.json()["date"] == "2026-12-07"


@pytest.mark.parametrize("since", ["²", "-1", "1.0", "+1", " 1", "١", "9" * 19, "0x10", ""])
def test_a_bad_since_is_a_400_json_before_the_stream_opens(shared_hub, since):
    url = shared_hub.url.replace("http", "ws") + f"{API}/events"
    with pytest.raises(InvalidStatus) as ei:
        connect(f"{url}?{httpx.QueryParams(since=since)}",
                additional_headers=shared_hub.headers("display"), open_timeout=5)
    res = ei.value.response
    assert res.status_code == 400
    body = json.loads(res.body)
    assert body["error"] == "invalid_request" and "since" in body["message"]
    assert body["message_en"]


def test_a_good_since_still_streams(shared_hub):
    url = shared_hub.url.replace("http", "ws") + f"{API}/events?since=0"
    with connect(url, additional_headers=shared_hub.headers("display"), open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"


def test_the_validators_themselves():
    assert iso_day("2024-02-29") == "2024-02-29"
    for bad in ("2023-02-29", "2024-13-01", "2024-1-01", "२०२४-01-01"):
        with pytest.raises(ValueError):
            iso_day(bad)
    assert parse_seq("0") == 0 and parse_seq("9" * 18) == int("9" * 18)
    assert [parse_seq(s) for s in ("²", "", "9" * 19, "-0", "1 ")] == [None] * 5
