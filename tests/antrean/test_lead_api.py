"""The post lead's day over the API: complaints, ratings, corrections, public stats, surges."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import httpx

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.hub import Hub
from antrean.lead import check_alerts

API = "/api/v1"


def _serve_one(hub, outcome="served"):
    t = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                   json={"service": "adminduk", "request_id": str(uuid.uuid4())}).json()
    h = hub.headers("counter")
    httpx.post(f"{hub.url}{API}/counters/1/next", headers=h).raise_for_status()
    httpx.post(f"{hub.url}{API}/counters/1/finish", headers=h,
               json={"outcome": outcome}).raise_for_status()
    return t


def test_complaints_are_filed_by_kiosks_and_listed_for_leads(hub_process):
    url = f"{hub_process.url}{API}/complaints"
    r = httpx.post(url, headers=hub_process.headers("kiosk"),
                   json={"category": "waktu", "text": "Terlalu lama menunggu", "number": "A001"})
    assert r.status_code == 201 and r.json()["lapor"]["sms"] == "1708"
    assert httpx.post(url, headers=hub_process.headers("kiosk"),
                      json={"category": "rahasia"}).status_code == 422
    assert httpx.post(url, headers=hub_process.headers("kiosk"),
                      json={"category": "lainnya", "text": "x" * 501}).status_code == 422
    assert httpx.get(url, headers=hub_process.headers("kiosk")).status_code == 403
    listed = httpx.get(url, headers=hub_process.headers("lead")).json()
    assert listed[0]["category"] == "waktu" and listed[0]["text"] == "Terlalu lama menunggu"
    public = httpx.get(f"{hub_process.url}{API}/public/stats").json()
    assert public["complaints"] == {"count": 1}  # no texts in public
    cats = httpx.get(f"{url}/categories").json()
    assert {"id": "waktu", "name": "Waktu tunggu terlalu lama",
            "name_en": "Waiting time too long"} in cats


def test_one_rating_per_served_ticket(hub_process):
    url = f"{hub_process.url}{API}/ratings"
    k = hub_process.headers("kiosk")
    served = _serve_one(hub_process)
    waiting = httpx.post(f"{hub_process.url}{API}/tickets", headers=k,
                         json={"service": "bansos", "request_id": str(uuid.uuid4())}).json()
    r = httpx.post(url, headers=k, json={"number": waiting["number"], "rating": 4})
    assert r.status_code == 409 and r.json()["error"] == "not_served"
    assert httpx.post(url, headers=k, json={"number": served["number"], "rating": 4}).status_code == 201
    again = httpx.post(url, headers=k, json={"number": served["number"], "rating": 1})
    assert again.status_code == 409 and again.json()["error"] == "already_rated"
    assert httpx.post(url, headers=k, json={"number": "Z999", "rating": 3}).status_code == 404
    assert httpx.post(url, headers=k, json={"number": served["number"], "rating": 5}).status_code == 422
    st = httpx.get(f"{hub_process.url}{API}/stats", headers=hub_process.headers("lead")).json()
    assert st["satisfaction"]["count"] == 1 and st["satisfaction"]["counts"]["4"] == 1


def test_a_correction_keeps_the_original_and_the_stats_use_it(hub_process):
    t = _serve_one(hub_process, "no_show")
    lead = hub_process.headers("lead")
    url = f"{hub_process.url}{API}/tickets/{t['id']}/correct"
    assert httpx.post(url, headers=hub_process.headers("counter"),
                      json={"outcome": "served", "reason": "salah tekan"}).status_code == 403
    assert httpx.post(url, headers=lead, json={"outcome": "served"}).status_code == 422
    r = httpx.post(url, headers=lead, json={"outcome": "served", "reason": "Petugas salah tekan"})
    assert r.status_code == 200 and r.json()["state"] == "served"
    assert httpx.post(url, headers=lead, json={"outcome": "served",
                                               "reason": "lagi"}).status_code == 409
    st = httpx.get(f"{hub_process.url}{API}/stats", headers=lead).json()
    assert st["served"] == 1 and st["no_show"] == 0 and st["corrections"]["count"] == 1
    (c,) = httpx.get(f"{hub_process.url}{API}/corrections", headers=lead).json()
    assert (c["from"], c["to"], c["by"]) == ("no_show", "served", "test-lead")
    rows = list(csv.DictReader(io.StringIO(
        httpx.get(f"{hub_process.url}{API}/log?format=csv", headers=lead).text)))
    assert rows[0]["outcome"] == "served" and rows[0]["corrected_from"] == "no_show"


def test_surge_alert_is_raised_once_and_cleared(tmp_path):
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    hub = Hub(load_post_config(), tmp_path, clock)
    seen: list[dict] = []
    hub.add_listener(seen.extend)
    try:
        hub.issue("kesehatan", None, str(uuid.uuid4()))
        assert check_alerts(hub) == []
        clock.advance(minutes=46)  # the example post's limit is 45 minutes
        (alert,) = check_alerts(hub)
        assert alert["type"] == "queue.alert" and alert["data"]["service"] == "kesehatan"
        assert alert["data"]["level"] == "surge" and alert["data"]["oldest_wait_s"] >= 46 * 60
        assert check_alerts(hub) == []  # once per crossing
        assert hub.queue_json()["alerts"][0]["service"] == "kesehatan"
        hub.call_next(1, None, "loket")
        (clear,) = check_alerts(hub)
        assert clear["data"]["level"] == "clear" and hub.queue_json()["alerts"] == []
        assert [e["type"] for e in seen].count("queue.alert") == 2
    finally:
        hub.close()


def test_a_retried_complaint_is_filed_once_and_ratings_show_on_the_ticket(hub_process):
    url = f"{hub_process.url}{API}/complaints"
    body = {"category": "sarana", "text": "Kursi kurang", "request_id": str(uuid.uuid4())}
    first = httpx.post(url, headers=hub_process.headers("kiosk"), json=body).json()
    again = httpx.post(url, headers=hub_process.headers("kiosk"), json=body).json()
    assert again["id"] == first["id"]
    hub_process.stop()  # the ids survive a restart: they are read back from the log
    hub_process.start()
    assert httpx.post(url, headers=hub_process.headers("kiosk"), json=body).json()["id"] == \
        first["id"]
    assert len(httpx.get(url, headers=hub_process.headers("lead")).json()) == 1
    t = _serve_one(hub_process)
    httpx.post(f"{hub_process.url}{API}/ratings", headers=hub_process.headers("kiosk"),
               json={"number": t["number"], "rating": 2}).raise_for_status()
    assert httpx.get(f"{hub_process.url}{API}/tickets/{t['id']}").json()["rating"] == 2
