"""POST /survey against the real hub: validation, one survey per served ticket, idempotent
retries, the survey role, the SKM block in /stats, and a restart that replays it all."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import httpx

from antrean.client import HubClient
from antrean.skm import ELEMENT_IDS

API = "/api/v1"
GOOD = dict.fromkeys(ELEMENT_IDS, 3)


def _serve(hub, service="adminduk", outcome="served"):
    t = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                   json={"service": service, "request_id": str(uuid.uuid4())}).json()
    h = hub.headers("counter")
    called = httpx.post(f"{hub.url}{API}/counters/1/next", headers=h,
                        json={"services": [service]}).json()
    assert called["id"] == t["id"]
    httpx.post(f"{hub.url}{API}/counters/1/finish", headers=h,
               json={"outcome": outcome}).raise_for_status()
    return t


def _survey(hub, ticket, answers=None, role="kiosk", request_id=None, **extra):
    body = {"ticket": ticket, "answers": GOOD if answers is None else answers,
            "request_id": request_id or str(uuid.uuid4()), **extra}
    return httpx.post(f"{hub.url}{API}/survey", headers=hub.headers(role), json=body)


def _refused(r, status, error=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["message"] and body["message_en"]
    if error:
        assert body["error"] == error
    return body


def test_every_bad_survey_is_refused_with_its_status(shared_hub):
    hub = shared_hub
    served = _serve(hub)
    missing = {k: v for k, v in GOOD.items() if k != "sarana"}
    for answers in ({**GOOD, "waktu": 5}, {**GOOD, "waktu": 0}, {**GOOD, "waktu": "3"},
                    {**GOOD, "waktu": 2.5}, {**GOOD, "waktu": True}, {**GOOD, "waktu": None},
                    missing, {**GOOD, "keamanan": 3}, {}, [3] * 9):
        _refused(_survey(hub, served["number"], answers), 422, "invalid_request")
    body = _refused(_survey(hub, served["number"], missing), 422)
    assert "sarana" in body["message"]
    for profile in ({"usia": "33"}, {"jenis_kelamin": "X"}, {"agama": "x"},
                    {"pendidikan": "s9"}, {"pekerjaan": 1}, "L"):
        _refused(_survey(hub, served["number"], profile=profile), 422)
    for ticket in ("A12", "a012", "A012;", "", "x" * 40, 12, None, "not-a-uuid-at-all-0000000000000000"):
        _refused(_survey(hub, ticket), 422)
    r = httpx.post(f"{hub.url}{API}/survey", headers=hub.headers("kiosk"),
                   json={"ticket": served["number"], "answers": GOOD})
    _refused(r, 422)  # no request_id
    _refused(_survey(hub, served["number"], request_id="nope"), 422)
    r = httpx.post(f"{hub.url}{API}/survey", headers=hub.headers("kiosk"), content=b"{nope")
    _refused(r, 422)
    # who may send one
    r = httpx.post(f"{hub.url}{API}/survey", json={})
    _refused(r, 401, "unauthorized")
    for role in ("counter", "display"):
        _refused(_survey(hub, served["number"], role=role), 403, "forbidden")
    # tickets that cannot be surveyed
    _refused(_survey(hub, "Z999"), 404, "unknown_ticket")
    _refused(_survey(hub, str(uuid.uuid4())), 404, "unknown_ticket")
    waiting = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                         json={"service": "bansos", "request_id": str(uuid.uuid4())}).json()
    _refused(_survey(hub, waiting["number"]), 409, "not_served")
    no_show = _serve(hub, "kesehatan", "no_show")
    _refused(_survey(hub, no_show["number"]), 409, "not_served")
    # nothing above reached the log
    st = httpx.get(f"{hub.url}{API}/stats", headers=hub.headers("lead")).json()
    assert st["skm"] is None and st["skm_sample"]["respondents"] == 0


def test_one_survey_per_ticket_and_a_retry_is_the_same_survey(hub_process):
    hub = hub_process
    served = _serve(hub)
    rid = str(uuid.uuid4())
    profile = {"usia": "30-39", "jenis_kelamin": "P", "pendidikan": "sma", "pekerjaan": "wirausaha"}
    first = _survey(hub, served["number"], request_id=rid, profile=profile)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["ticket"] == {"id": served["id"], "number": served["number"],
                              "service": "adminduk"}
    assert body["answers"] == GOOD and body["profile"] == profile
    again = _survey(hub, served["number"], request_id=rid, profile=profile)
    assert again.status_code == 200 and again.json() == body
    by_id = _survey(hub, served["id"], request_id=rid)  # the same ticket, by its id
    assert by_id.status_code == 200
    _refused(_survey(hub, served["number"], {**GOOD, "waktu": 1}), 409, "already_surveyed")
    _refused(_survey(hub, served["id"]), 409, "already_surveyed")
    other = _serve(hub)
    _refused(_survey(hub, other["number"], request_id=rid), 409, "request_id_reused")
    # by id (a scanned ticket), from the lead
    assert _survey(hub, other["id"], role="lead").status_code == 201
    t = httpx.get(f"{hub.url}{API}/tickets/{other['id']}").json()
    assert t["surveyed"] is True  # a kiosk can tell before asking nine questions
    st = httpx.get(f"{hub.url}{API}/stats", headers=hub.headers("lead")).json()
    assert st["skm"]["respondents"] == 2


def test_a_survey_device_pairs_and_may_only_send_surveys(hub_process):
    hub = hub_process
    served = _serve(hub)
    code = httpx.post(f"{hub.url}{API}/pair/codes", headers=hub.headers("lead"),
                      json={"roles": ["survey"]}).json()["code"]
    with HubClient(hub.url) as phone:  # pairing is SPAKE2 (antrean.pairing), not a plain POST
        h = {"Authorization": f"Bearer {phone.pair(code, 'survey', 'HP relawan 1')}"}
    ok = httpx.post(f"{hub.url}{API}/survey", headers=h, json={
        "ticket": served["number"], "answers": GOOD, "request_id": str(uuid.uuid4())})
    assert ok.status_code == 201
    for method, path, body in (("POST", "/tickets", {"service": "adminduk",
                                                     "request_id": str(uuid.uuid4())}),
                               ("POST", "/counters/1/next", None), ("GET", "/stats", None),
                               ("POST", "/ratings", {"number": served["number"], "rating": 4})):
        _refused(httpx.request(method, f"{hub.url}{API}{path}", headers=h, json=body), 403)
    # `antrean token --role survey` makes one too, also while the hub runs
    out = subprocess.run([sys.executable, "-m", "antrean", "token", "--data", str(hub.data_dir),
                          "--role", "survey", "--name", "HP relawan 2"],
                         capture_output=True, text=True, check=True)
    token = out.stdout.strip().splitlines()[-1]
    other = _serve(hub)
    r = httpx.post(f"{hub.url}{API}/survey", headers={"Authorization": f"Bearer {token}"},
                   json={"ticket": other["number"], "answers": GOOD,
                         "request_id": str(uuid.uuid4())})
    assert r.status_code == 201


def test_stats_give_the_hand_worked_ikm_and_survive_a_restart(hub_process):
    """The four respondents of tests/antrean/test_skm.py: IKM 77.78, mutu B."""
    from test_skm import ANSWERS, HAND_NRR

    hub = hub_process
    lead = hub.headers("lead")
    before = httpx.get(f"{hub.url}{API}/stats", headers=lead).json()
    assert before["skm"] is None
    assert before["skm_sample"] == {"respondents": 0, "served": 0, "minimum": 0}
    tickets = [_serve(hub) for _ in ANSWERS]
    rids = [str(uuid.uuid4()) for _ in ANSWERS]
    for t, a, rid in zip(tickets, ANSWERS, rids, strict=True):
        assert _survey(hub, t["number"], a, request_id=rid).status_code == 201
    _serve(hub)  # a fifth resident served, not surveyed
    expected = {"respondents": 4, "nrr": HAND_NRR, "ikm": 77.78, "mutu": "B"}
    st = httpx.get(f"{hub.url}{API}/stats", headers=lead).json()
    assert st["skm"] == expected
    assert st["skm_sample"] == {"respondents": 4, "served": 5, "minimum": 5}
    assert httpx.get(f"{hub.url}{API}/public/stats").json()["skm"] == expected

    hub.kill()  # kill -9: only what the log holds comes back
    hub.start()
    assert httpx.get(f"{hub.url}{API}/stats", headers=lead).json()["skm"] == expected
    _refused(_survey(hub, tickets[0]["number"]), 409, "already_surveyed")
    assert _survey(hub, tickets[1]["number"], ANSWERS[1], request_id=rids[1]).status_code == 200
    # the events reach the lead's stream (and the city's uplink) like every other change;
    # kiosks and displays are not told residents' answers (antrean/visibility.py)
    from websockets.sync.client import connect

    ws_url = hub.url.replace("http", "ws") + f"{API}/events?since=0&token={hub.tokens['lead']}"
    seen = []
    with connect(ws_url) as ws:
        hello = json.loads(ws.recv(timeout=10))
        while True:
            ev = json.loads(ws.recv(timeout=10))
            if ev["type"] == "survey.submitted":
                seen.append(ev)
            if ev["seq"] >= hello["last_seq"]:
                break
    assert [e["data"]["number"] for e in seen] == [t["number"] for t in tickets]
    assert seen[0]["data"]["answers"] == ANSWERS[0] and seen[0]["ticket"]["surveyed"] is True


def test_a_day_without_surveys_has_no_skm(shared_hub):
    st = httpx.get(f"{shared_hub.url}{API}/stats?date=2020-01-01",
                   headers=shared_hub.headers("lead")).json()
    assert st["skm"] is None and st["skm_sample"]["minimum"] == 0


def test_the_questions_are_public_in_both_languages(shared_hub):
    q = httpx.get(f"{shared_hub.url}{API}/survey/questions").json()
    assert [e["id"] for e in q["elements"]] == list(ELEMENT_IDS)
    first = q["elements"][0]
    assert [a["text"] for a in first["answers"]] == ["Tidak sesuai", "Kurang sesuai", "Sesuai",
                                                     "Sangat sesuai"]
    assert first["answers"][3]["score"] == 4 and first["answers"][0]["text_en"]
    assert {p["id"] for p in q["profile"]["jenis_kelamin"]} == {"L", "P"}
