"""The SKM survey's IKM at the city: each post's IKM is the post's own (the same
antrean.skm code, from the totals the city keeps), the city's IKM is that of all its
respondents, and a survey counts once however its event arrives. Real hubs (a hub process
with its uplink; the hub core on a fixed clock), a real city process, a real PostgreSQL."""

from __future__ import annotations

import copy
import io
import random
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from openpyxl import load_workbook
from postsim import DAY, open_post, own_stats, run_day, survey_answers, wire_events
from race import second_waits_for_first
from test_bundle import antrean, export, post_toml
from test_city_ingest import push
from test_uplink import drive, hubs, same_log, start_hub, wait_for  # noqa: F401 (fixture)

from antrean import skm
from antrean.survey import stored_surveys
from city.config import CityConfig
from city.db import _alembic_config, migrate
from city.figures import day_stats
from city.ingest import ingest
from city.wire import events_from

KEYS = ("respondents", "nrr", "ikm", "mutu")


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _answers(hub: Any, day: str = DAY) -> list[dict[str, int]]:
    return [s["answers"] for s in stored_surveys(hub.storage, day)]


def _city_stats(city: Any, officer: str, day: str = DAY) -> dict[str, Any]:
    r = httpx.get(f"{city.api}/stats", params={"date": day}, headers=_h(officer))
    assert r.status_code == 200, r.text
    return r.json()


def _mean_of_posts(blocks: list[dict[str, Any]]) -> float:
    return skm.round_half_up(sum(b["ikm"] for b in blocks) / len(blocks), 2)


@pytest.fixture
def surveyed(tmp_path: Path):
    """Two posts' days with surveys: one post many and content, one few and less so
    (their IKM differ, and so do their respondent counts)."""
    hubs_ = []
    for i, (pid, share) in enumerate((("pos-sukajadi", 0.9), ("pos-tiban", 0.35))):
        hub, clock = open_post(tmp_path / pid, pid)
        run_day(hub, clock, seed=i + 2, residents=60, surveys=share)
        hubs_.append(hub)
    yield hubs_
    for h in hubs_:
        h.close()


def test_a_hubs_surveys_reach_the_city_and_its_ikm_is_the_hubs_own(city, city_db, tmp_path,
                                                                   hubs):  # noqa: F811
    """A hub process with its uplink; residents answer the survey on the hub's own API;
    the city's skm for that post and day is the hub's own ``/stats`` skm."""
    hub = start_hub(tmp_path, "pos-sukajadi", city.url, city.token(post="pos-sukajadi"))
    hubs.append(hub)
    drive(hub, 40)
    rng = random.Random(5)
    with httpx.Client(timeout=30) as c:
        served = [t for t in c.get(f"{hub.url}/api/v1/log", headers=hub.headers("lead")).json()
                  if t["outcome"] == "served"]
        assert len(served) >= 8
        for t in served[::2]:
            r = c.post(f"{hub.url}/api/v1/survey", headers=hub.headers("survey"), json={
                "ticket": t["number"], "answers": survey_answers(rng), "profile": {},
                "request_id": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
        own = c.get(f"{hub.url}/api/v1/stats", headers=hub.headers("lead")).json()
    wait_for("the log at the city", lambda: same_log(hub, city_db, "pos-sukajadi"))
    officer = city.token(officer="Bu Ani")

    def city_skm() -> dict[str, Any] | None:  # today's figures may be a few seconds old
        posts = _city_stats(city, officer, own["date"])["posts"]
        got = posts[0]["skm"] if posts else None
        return got if got and got["respondents"] == own["skm"]["respondents"] else None

    got = wait_for("the IKM at the city", city_skm, timeout=30)
    assert own["skm"]["respondents"] == len(served[::2])
    assert {k: got[k] for k in KEYS} == own["skm"]
    assert (got["kinerja"], got["kinerja_en"]) == (skm.kinerja(own["skm"]["ikm"]),
                                                   skm.kinerja(own["skm"]["ikm"], "en"))


def test_each_posts_ikm_is_its_own_and_the_citys_is_of_all_respondents(city, surveyed):
    tokens = {h.config.post.id: city.token(post=h.config.post.id) for h in surveyed}
    for h in surveyed:
        assert all(r.status_code == 200 for r in push(city, tokens[h.config.post.id], h,
                                                       wire_events(h), batch=37))
    officer = city.token(officer="Bu Ani")
    st = _city_stats(city, officer)
    by_post = {p["post"]: p for p in st["posts"]}
    for h in surveyed:
        mine, theirs = own_stats(h), by_post[h.config.post.id]
        assert mine["skm"] is not None
        assert {k: theirs["skm"][k] for k in KEYS} == mine["skm"]
        assert theirs["skm_sample"] == mine["skm_sample"]
    everyone = [a for h in surveyed for a in _answers(h)]
    city_skm = st["city"]["skm"]
    assert {k: city_skm[k] for k in KEYS} == skm.summary(everyone)
    posts_ikm = [by_post[h.config.post.id]["skm"] for h in surveyed]
    assert city_skm["ikm"] != _mean_of_posts(posts_ikm)  # all respondents, not a mean
    assert city_skm["kinerja"] == skm.kinerja(city_skm["ikm"])
    # the same on the public view, and in the day's trend
    pub = httpx.get(f"{city.api}/public/stats", params={"date": DAY}).json()
    assert pub["city"]["skm"] == city_skm
    trend = httpx.get(f"{city.api}/trend", params={"from": DAY, "to": DAY},
                      headers=_h(officer)).json()
    assert trend["days"][0]["skm"] == city_skm


def test_a_survey_counts_once_however_often_it_comes(city, city_db, surveyed):
    """A batch sent twice, and the whole log again from a restored hub database (a new
    instance): each resident's survey counts once."""
    hub = surveyed[0]
    token = city.token(post=hub.config.post.id)
    events = wire_events(hub)
    for _ in range(2):
        assert all(r.status_code == 200 for r in push(city, token, hub, events, batch=50))
    restored = push(city, token, hub, events, batch=500, instance=str(uuid.uuid4()))
    assert all(r.status_code == 200 for r in restored)
    answers = _answers(hub)
    with psycopg.connect(city_db) as conn:
        n, sums = conn.execute("SELECT n, sums FROM skm_rollups").fetchone()  # type: ignore[misc]
        assert conn.execute("SELECT count(*) FROM skm_answers").fetchone() == (len(answers),)
    assert (n, dict(zip(skm.ELEMENT_IDS, sums, strict=True))) == skm.totals(answers)
    st = _city_stats(city, city.token(officer="x"))
    assert {k: st["city"]["skm"][k] for k in KEYS} == own_stats(hub)["skm"]


@pytest.mark.parametrize("spoil, said", [
    (lambda d: d["answers"].pop("sarana"), "missing element(s): sarana"),
    (lambda d: d["answers"].__setitem__("waktu", 5), "waktu: score must be an integer 1-4"),
    (lambda d: d["answers"].__setitem__("biaya", "4"), "biaya: score must be an integer 1-4"),
    (lambda d: d["answers"].__setitem__("ramah", 4), "unknown element(s): ramah"),
    (lambda d: d.pop("answers"), "answers must be an object"),
])
def test_a_bad_survey_refuses_the_batch_whole(city, city_db, surveyed, spoil, said):
    hub = surveyed[0]
    events = copy.deepcopy(wire_events(hub))
    bad = next(e for e in events if e["type"] == "survey.submitted")
    spoil(bad["data"])
    r = push(city, city.token(post=hub.config.post.id), hub, events, batch=5000)[0]
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "invalid_batch"
    assert f"seq {bad['seq']}" in body["message"] and "survei SKM" in body["message"]
    assert said in body["message_en"]
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM skm_rollups").fetchone() == (0,)


def test_a_survey_without_its_ticket_refuses_the_batch(city, city_db, surveyed):
    hub = surveyed[0]
    events = wire_events(hub)
    next(e for e in events if e["type"] == "survey.submitted")["ticket"] = None
    r = push(city, city.token(post=hub.config.post.id), hub, events, batch=5000)[0]
    assert r.status_code == 422, r.text
    assert "survei tanpa tiket" in r.json()["message"]
    assert "a survey without its ticket" in r.json()["message_en"]
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_a_bundle_carries_the_surveys(city_db, tmp_path, surveyed):
    hub = surveyed[1]
    cfg = post_toml(tmp_path / "hub.toml", hub.config.post.id)
    out = tmp_path / "usb" / "post.bundle"
    assert export(hub, cfg, out, "--all").returncode == 0
    for _ in range(2):  # imported twice: counted once
        res = antrean("city", "import", "--db", city_db, str(out))
        assert res.returncode == 0, res.stderr
    with psycopg.connect(city_db) as conn:
        st = day_stats(conn, CityConfig(), date.fromisoformat(DAY))
    assert {k: st["posts"][0]["skm"][k] for k in KEYS} == own_stats(hub)["skm"]
    assert st["city"]["skm"]["respondents"] == len(_answers(hub))


def test_the_period_report_has_the_ikm_per_post_and_of_all_respondents(city, surveyed,
                                                                      tmp_path):
    """Two days of two posts: the report's IKM is of every respondent of the period, per
    post and for the city, with the regulation's minimum sample; the XLSX holds it."""
    tokens = {h.config.post.id: city.token(post=h.config.post.id) for h in surveyed}
    for h in surveyed:
        push(city, tokens[h.config.post.id], h, wire_events(h))
    second = []
    for i, h in enumerate(surveyed):  # the next day, at each post
        pid = h.config.post.id
        nh, clock = open_post(tmp_path / f"{pid}-2", pid,
                              start=datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
        run_day(nh, clock, seed=10 + i, residents=30, surveys=0.5)
        push(city, tokens[pid], nh, wire_events(nh))
        second.append(nh)
    try:
        officer = city.token(officer="Bu Ani")
        q = {"from": DAY, "to": "2026-11-24"}
        rep = httpx.get(f"{city.api}/report", params=q, headers=_h(officer)).json()
        by_post = {p["post"]: p for p in rep["posts"]}
        everyone: list[dict[str, int]] = []
        for h, nh in zip(surveyed, second, strict=True):
            mine = _answers(h) + _answers(nh, "2026-11-24")
            everyone += mine
            p = by_post[h.config.post.id]
            assert {k: p["skm"][k] for k in KEYS} == skm.summary(mine)
            assert p["skm_sample"] == {"respondents": len(mine), "served": p["served"],
                                       "minimum": skm.min_sample(p["served"])}
        c = rep["city"]
        assert {k: c["skm"][k] for k in KEYS} == skm.summary(everyone)
        assert c["skm_sample"]["minimum"] == skm.min_sample(c["served"])
        pub = httpx.get(f"{city.api}/public/report", params=q).json()
        assert pub["city"]["skm"] == c["skm"]
        x = httpx.get(f"{city.api}/report", params={**q, "format": "xlsx"}, headers=_h(officer))
        wb = load_workbook(io.BytesIO(x.content))
        summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True) if r}
        assert summary["IKM (25–100) / SKM index (25–100)"] == c["skm"]["ikm"]
        assert summary["Mutu pelayanan / Service quality"] == c["skm"]["mutu"]
        assert summary["Responden SKM / SKM respondents"] == len(everyone)
        sample = c["skm_sample"]
        noted = any(str(k).startswith("Catatan: responden SKM di bawah sampel minimum")
                    for k in summary)
        assert noted == (0 < sample["respondents"] < sample["minimum"]), sample
        rows = list(wb["Per pos"].iter_rows(values_only=True))
        col = rows[0].index("IKM (25–100)")
        assert [r[col] for r in rows[1:]] == [p["skm"]["ikm"] for p in rep["posts"]] + [
            c["skm"]["ikm"]]
    finally:
        for nh in second:
            nh.close()


def test_surveys_already_in_the_log_are_counted_by_the_migration(city_db, surveyed):
    """Surveys that reached the city before it read them (they are in the raw log) are
    carried into the totals when the city is upgraded: undo this revision, redo it."""
    hub = surveyed[0]
    migrate(city_db)
    with psycopg.connect(city_db) as conn:
        ingest(conn, hub.config.post.id, hub.storage.instance(), events_from(wire_events(hub)))
        before = conn.execute("SELECT post_id, day, n, sums FROM skm_rollups").fetchall()
    assert before
    from alembic import command

    cfg = _alembic_config()
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(city_db.replace("postgresql://", "postgresql+psycopg://", 1),
                           poolclass=NullPool)
    try:
        with engine.begin() as sa_conn:
            cfg.attributes["connection"] = sa_conn
            command.downgrade(cfg, "c0004")
    finally:
        engine.dispose()
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT to_regclass('skm_rollups')").fetchone() == (None,)
        conn.execute("UPDATE summaries SET computed_version = version, "
                     "summary = '{}'::jsonb")  # figures computed before the upgrade
        conn.execute("INSERT INTO summaries (scope, day, version, computed_version, summary) "
                     "VALUES ('', '2026-11-20', 3, 3, '{\"served\": 0}')")  # a day, no survey
    migrate(city_db)
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT post_id, day, n, sums FROM skm_rollups").fetchall() == before
        assert conn.execute("SELECT count(*) FROM summaries "
                            "WHERE computed_version >= version").fetchone() == (0,)
        st = day_stats(conn, CityConfig(), date.fromisoformat(DAY))
    assert {k: st["posts"][0]["skm"][k] for k in KEYS} == own_stats(hub)["skm"]


def test_the_same_surveys_from_two_hub_databases_at_once_count_once(city_db, surveyed):
    """A restored copy of a hub database uplinks beside the original: the same surveys in
    two transactions at the same moment. The second waits on the first's rows and, once
    it commits, adds nothing to the totals."""
    hub = surveyed[0]
    events = events_from(wire_events(hub))
    migrate(city_db)
    post = hub.config.post.id
    with psycopg.connect(city_db) as a, psycopg.connect(city_db) as b:
        ingest(a, post, "00000000-0000-4000-8000-00000000000a", events)

        def other() -> None:
            ingest(b, post, "00000000-0000-4000-8000-00000000000b", events)
            b.commit()

        second_waits_for_first(a, other)
    answers = _answers(hub)
    with psycopg.connect(city_db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (2 * len(events),)
        n, sums = conn.execute("SELECT n, sums FROM skm_rollups").fetchone()  # type: ignore[misc]
    assert (n, dict(zip(skm.ELEMENT_IDS, sums, strict=True))) == skm.totals(answers)
