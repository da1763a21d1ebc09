"""The city stores posts' events exactly once and shows each post the figures the post
itself shows: real hubs' logs (the hub core on a fixed clock), a real city server process,
a real PostgreSQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from postsim import DAY, open_post, own_stats, post_meta, run_day, wire_events
from race import second_waits_for_first

from antrean.daylog import day_rows
from antrean.export import write_csv
from antrean.stats import wait_summary

COMPARED = ("issued", "served", "no_show", "cancelled", "open", "wait", "wait_priority",
            "wait_regular", "services", "satisfaction", "complaints", "corrections")


def push(city: Any, token: str, hub: Any, events: list[dict[str, Any]], *, batch: int = 100,
         instance: str | None = None, post: str | None = None) -> list[httpx.Response]:
    out = []
    with httpx.Client(timeout=30) as c:
        for i in range(0, len(events), batch):
            out.append(c.post(f"{city.api}/events", headers=_h(token), json={
                "post": post or hub.config.post.id, "instance": instance or hub.storage.instance(),
                "meta": post_meta(hub), "events": events[i:i + batch]}))
    return out


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _count(db: str, sql: str, *args: Any) -> int:
    with psycopg.connect(db) as conn:
        return int(conn.execute(sql, args).fetchone()[0])  # type: ignore[index]


@pytest.fixture
def two_posts(tmp_path: Path):
    hubs = []
    for i, pid in enumerate(("pos-sukajadi", "pos-tiban")):
        hub, clock = open_post(tmp_path / pid, pid)
        run_day(hub, clock, seed=i + 1, residents=50 + 10 * i)
        hubs.append(hub)
    yield hubs
    for h in hubs:
        h.close()


def test_city_figures_equal_each_posts_own_stats(city, two_posts):
    """Two posts uplinking at once; the city's figures for each post are the post's own
    /stats, and the city's totals are those of all the posts' tickets together."""
    tokens = {h.config.post.id: city.token(post=h.config.post.id) for h in two_posts}
    officer = city.token(officer="Bu Ani")
    results: dict[str, list[httpx.Response]] = {}
    threads = [threading.Thread(target=lambda h=h: results.__setitem__(
        h.config.post.id, push(city, tokens[h.config.post.id], h, wire_events(h), batch=20)))
        for h in two_posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for h in two_posts:
        assert all(r.status_code == 200 for r in results[h.config.post.id])
        assert results[h.config.post.id][-1].json()["acked_seq"] == h.last_seq
    st = httpx.get(f"{city.api}/stats", params={"date": DAY}, headers=_h(officer)).json()
    by_post = {p["post"]: p for p in st["posts"]}
    assert set(by_post) == {"pos-sukajadi", "pos-tiban"}
    for h in two_posts:
        mine, theirs = own_stats(h), by_post[h.config.post.id]
        for key in COMPARED:
            assert theirs[key] == mine[key], key
        assert theirs["wait_p90_s"] == mine["wait"]["p90_s"]
        assert theirs["name"] == h.config.post.name
    rows = [r for h in two_posts for r in day_rows(h.storage, DAY)]
    city_wait = wait_summary([float(r.wait_s) for r in rows if r.wait_s is not None])
    assert st["city"]["wait"] == city_wait
    assert st["city"]["issued"] == len(rows) == sum(own_stats(h)["issued"] for h in two_posts)
    assert st["city"]["served"] == sum(own_stats(h)["served"] for h in two_posts)
    one = httpx.get(f"{city.api}/stats", params={"date": DAY, "post": "pos-tiban"},
                    headers=_h(officer)).json()
    assert [p["post"] for p in one["posts"]] == ["pos-tiban"]
    assert one["city"]["wait"] == own_stats(two_posts[1])["wait"]


def test_a_batch_sent_twice_stores_nothing_twice(city, city_db, two_posts):
    hub = two_posts[0]
    token, officer = city.token(post=hub.config.post.id), city.token(officer="x")
    events = wire_events(hub)
    first = push(city, token, hub, events[:50], batch=50)[0].json()
    again = push(city, token, hub, events[:50], batch=50)[0].json()
    assert first == {"acked_seq": events[49]["seq"], "added": 50, "skipped": 0}
    assert again == {"acked_seq": events[49]["seq"], "added": 0, "skipped": 50}
    overlap = push(city, token, hub, events[25:], batch=len(events))[0].json()
    assert overlap["added"] == len(events) - 50 and overlap["skipped"] == 25
    assert _count(city_db, "SELECT count(*) FROM events") == len(events)
    st = httpx.get(f"{city.api}/stats", params={"date": DAY}, headers=_h(officer)).json()
    for key in COMPARED:
        assert st["posts"][0][key] == own_stats(hub)[key], key


def test_tokens_are_bound_to_their_post_and_role(city, city_db, two_posts):
    a, b = two_posts
    token_a, officer = city.token(post=a.config.post.id), city.token(officer="x")
    events = wire_events(b)[:10]
    r = push(city, token_a, b, events)[0]  # a's token, b's events
    assert r.status_code == 403 and r.json()["error"] == "wrong_post"
    assert "pos-sukajadi" in r.json()["message"]
    r = push(city, officer, b, events)[0]
    assert r.status_code == 403
    r = push(city, "no-such-token", b, events)[0]
    assert r.status_code == 401 and r.json()["message"]
    assert httpx.get(f"{city.api}/stats", headers=_h(token_a)).status_code == 403
    assert httpx.get(f"{city.api}/stats").status_code == 401
    assert _count(city_db, "SELECT count(*) FROM events") == 0


def test_a_batch_after_a_gap_is_refused_with_where_to_resume(city, city_db, two_posts):
    hub = two_posts[0]
    token = city.token(post=hub.config.post.id)
    events = wire_events(hub)
    push(city, token, hub, events[:10], batch=10)
    with httpx.Client() as c:
        r = c.post(f"{city.api}/events", headers=_h(token), json={
            "post": hub.config.post.id, "instance": hub.storage.instance(),
            "after": events[19]["seq"], "events": events[20:30]})
    assert r.status_code == 409
    assert r.json()["error"] == "gap" and r.json()["acked_seq"] == events[9]["seq"]
    assert _count(city_db, "SELECT count(*) FROM events") == 10


@pytest.mark.parametrize("spoil", ["seq_backwards", "bad_ticket_id", "ticket_id_object",
                                   "no_issue_facts",
                                   "naive_time", "unknown_field", "rating_99", "month_13"])
def test_a_bad_batch_is_refused_whole(city, city_db, two_posts, spoil):
    hub = two_posts[0]
    token = city.token(post=hub.config.post.id)
    events = [dict(e) for e in wire_events(hub)[:20]]
    body: dict[str, Any] = {"post": hub.config.post.id, "instance": hub.storage.instance()}
    if spoil == "seq_backwards":
        events[5]["seq"] = 1
    elif spoil == "bad_ticket_id":
        i = next(i for i, e in enumerate(events) if i > 3 and e["ticket"])
        events[i] = {**events[i], "ticket": {**events[i]["ticket"], "id": "x'); DROP TABLE"}}
    elif spoil == "ticket_id_object":  # after the same ticket's valid id: never hashed
        i = next(i for i, e in enumerate(events) if i > 3 and e["ticket"])
        events[i] = {**events[i], "ticket": {**events[i]["ticket"], "id": {"id": 1}}}
    elif spoil == "no_issue_facts":
        events[0] = {**events[0], "ticket": {"id": events[0]["ticket"]["id"]}}
    elif spoil == "naive_time":
        events[3]["at"] = "2026-11-23T08:00:00"
    elif spoil == "month_13":
        events[3]["at"] = "2026-13-23T08:00:00+07:00"
    elif spoil == "rating_99":
        i = next(i for i, e in enumerate(events) if e["ticket"])
        events[i] = {**events[i], "type": "ticket.rated", "data": {"rating": 99}}
    else:
        body["extra"] = 1
    r = httpx.post(f"{city.api}/events", headers=_h(token), json={**body, "events": events})
    assert r.status_code == 422, r.text
    assert r.json()["message"] and r.json()["message_en"]
    assert _count(city_db, "SELECT count(*) FROM events") == 0


def test_a_reimaged_hub_is_a_new_instance_and_both_logs_count(city, city_db, tmp_path):
    """The same post, a fresh database (seq from 1 again): stored beside the old log, not
    taken for it, and the day's figures hold both."""
    old, clock = open_post(tmp_path / "old", "pos-a")
    run_day(old, clock, seed=3, residents=30)
    token, officer = city.token(post="pos-a"), city.token(officer="x")
    push(city, token, old, wire_events(old))
    new, clock2 = open_post(tmp_path / "new", "pos-a", start=clock.now())
    run_day(new, clock2, seed=4, residents=20)
    assert new.storage.instance() != old.storage.instance()
    assert wire_events(new)[0]["seq"] == 1
    res = push(city, token, new, wire_events(new))
    assert all(r.status_code == 200 for r in res)
    assert res[-1].json()["acked_seq"] == new.last_seq
    n = len(wire_events(old)) + len(wire_events(new))
    assert _count(city_db, "SELECT count(*) FROM events") == n
    st = httpx.get(f"{city.api}/stats", params={"date": DAY}, headers=_h(officer)).json()
    assert st["posts"][0]["issued"] == own_stats(old)["issued"] + own_stats(new)["issued"]
    posts = httpx.get(f"{city.api}/posts", headers=_h(officer)).json()
    assert posts[0]["instances"] == 2 and posts[0]["instance"] == new.storage.instance()
    assert posts[0]["last_seq"] == new.last_seq
    old.close()
    new.close()


def test_the_log_export_is_the_posts_own_file(city, two_posts, tmp_path):
    hub = two_posts[1]
    push(city, city.token(post=hub.config.post.id), hub, wire_events(hub))
    officer = city.token(officer="x")
    r = httpx.get(f"{city.api}/log", headers=_h(officer),
                  params={"date": DAY, "post": hub.config.post.id, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    write_csv(day_rows(hub.storage, DAY), hub.tz, tmp_path / "own.csv")
    assert r.content == (tmp_path / "own.csv").read_bytes()
    x = httpx.get(f"{city.api}/log", headers=_h(officer),
                  params={"date": DAY, "post": hub.config.post.id, "format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    r = httpx.get(f"{city.api}/log", headers=_h(officer), params={"date": DAY, "post": "pos-x"})
    assert r.status_code == 404 and r.json()["error"] == "unknown_post"


def test_public_views_hold_aggregates_only(city, two_posts):
    for h in two_posts:
        push(city, city.token(post=h.config.post.id), h, wire_events(h))
    st = httpx.get(f"{city.api}/public/stats", params={"date": DAY}).json()
    assert st["city"]["issued"] > 0
    for p in st["posts"]:
        assert set(p["complaints"]) == {"count"}
    posts = httpx.get(f"{city.api}/public/posts").json()
    assert posts and all("instance" not in p and "last_seq" not in p for p in posts)
    trend = httpx.get(f"{city.api}/public/trend", params={"from": DAY, "to": DAY}).json()
    assert [d["date"] for d in trend["days"]] == [DAY]
    assert httpx.get(f"{city.api}/public/log", params={"date": DAY, "post": "pos-tiban"}
                     ).status_code == 404


def test_the_trend_has_a_day_per_day_with_data(city, tmp_path):
    token, officer = city.token(post="pos-a"), city.token(officer="x")
    hub, clock = open_post(tmp_path / "a", "pos-a")
    days = []
    for i in range(3):
        run_day(hub, clock, seed=10 + i, residents=20)
        days.append(clock.now().astimezone(hub.tz).date().isoformat())
        clock.advance(hours=24)
    push(city, token, hub, wire_events(hub))
    tr = httpx.get(f"{city.api}/trend", headers=_h(officer),
                   params={"from": "2026-11-20", "to": "2026-11-30"}).json()
    assert [d["date"] for d in tr["days"]] == days
    for d in tr["days"]:
        own = own_stats(hub, d["date"])
        assert d["served"] == own["served"] and d["wait"] == own["wait"]
        assert d["wait_priority"] == own["wait_priority"]
    bad = httpx.get(f"{city.api}/trend", headers=_h(officer),
                    params={"from": "2026-11-30", "to": "2026-11-20"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_range"
    long = httpx.get(f"{city.api}/trend", headers=_h(officer),
                     params={"from": "2024-01-01", "to": "2026-11-20"})
    assert long.status_code == 422


def test_odd_characters_a_post_logged_are_stored_not_refused(city, city_db, two_posts):
    """Tabs, newlines, backslashes and NUL in free text (a kiosk's name, a complaint) go
    into the log and the ticket rows; NUL, which PostgreSQL text cannot hold, is dropped."""
    hub = two_posts[0]
    events = [dict(e) for e in wire_events(hub)[:30]]
    odd = "Kios\t1\\2\n\u0000é"
    i = next(i for i, e in enumerate(events) if e["type"] == "ticket.issued")
    events[i]["data"] = {"kiosk": odd}
    events.append({"seq": events[-1]["seq"] + 1, "type": "complaint.filed",
                   "at": events[-1]["at"], "ticket": None, "counter": None,
                   "data": {"category": "lainnya", "text": odd}})
    r = httpx.post(f"{city.api}/events", headers=_h(city.token(post=hub.config.post.id)),
                   json={"post": hub.config.post.id, "instance": hub.storage.instance(),
                         "events": events})
    assert r.status_code == 200, r.text
    with psycopg.connect(city_db) as conn:
        kiosk = conn.execute("SELECT kiosk FROM tickets WHERE id = %s",
                             (events[i]["ticket"]["id"],)).fetchone()[0]
        text = conn.execute("SELECT data::text FROM events WHERE type = 'complaint.filed' "
                            "ORDER BY seq DESC LIMIT 1"
                            ).fetchone()[0]
    assert kiosk == "Kios\t1\\2\né"
    assert json.loads(text)["text"] == odd


def test_the_same_new_ticket_from_two_hub_databases_at_once_is_one_ticket(city_db, two_posts):
    """Two hub databases of one post (a restored copy uplinking beside the original) send
    the same tickets at the same moment (the second without the post's description, which
    would wait on the post's row). The second batch's COPY of "new" tickets meets the
    first's uncommitted rows, waits, clashes once the first commits, and stores its tickets
    by the upsert path instead: both logs kept whole, each ticket once."""
    from city.db import migrate
    from city.ingest import ingest
    from city.wire import parse_body

    hub = two_posts[0]
    events = wire_events(hub)
    migrate(city_db)

    def body(instance: str) -> Any:
        return parse_body(json.dumps({"post": hub.config.post.id, "instance": instance,
                                      "meta": post_meta(hub), "events": events}).encode())

    first, second = (body("00000000-0000-4000-8000-00000000000a"),
                     body("00000000-0000-4000-8000-00000000000b"))
    with psycopg.connect(city_db) as a, psycopg.connect(city_db) as b:
        ingest(a, first.post, str(first.instance), [], meta=first.meta)  # the post is known
        a.commit()
        res_a = ingest(a, first.post, str(first.instance), first.events, meta=first.meta)

        def other() -> Any:
            res = ingest(b, second.post, str(second.instance), second.events)
            b.commit()
            return res

        res_b = second_waits_for_first(a, other)
    tickets = {e["ticket"]["id"] for e in events if e["ticket"]}
    assert res_a.tickets == len(tickets) and res_b.tickets == 0  # none new the 2nd time
    assert _count(city_db, "SELECT count(*) FROM tickets") == len(tickets)
    assert _count(city_db, "SELECT count(*) FROM events") == 2 * len(events)
    rows = {r.ticket_id: r for r in day_rows(hub.storage, DAY)}
    with psycopg.connect(city_db) as conn:
        for tid, outcome, called in conn.execute(
                "SELECT id::text, outcome, called_at FROM tickets"):
            assert outcome == rows[tid].outcome and called == rows[tid].called_at
