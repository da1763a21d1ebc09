"""A small city for the dashboard and report tests: a city.toml with places, coordinates and
costs, and real hubs' logs over several days pushed to a real city server.

Each post runs the hub core on a fixed clock (postsim.run_day: priority tickets, no-shows,
transfers, ratings, complaints, a correction, a surge alert), one day after the other in
one hub database, the way a post's hub lives through a week; its log goes to the city
through ``POST /city/v1/events`` as the uplink sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from postsim import open_post, post_meta, run_day, wire_events

from antrean.hub import Hub

WIB = ZoneInfo("Asia/Jakarta")

#: The test city: Tanjungpinang's kelurahan; one post with no coordinates, one never heard.
CITY_TOML = """
[city]
name = "Kota Tanjungpinang"
name_en = "Tanjungpinang City"
timezone = "Asia/Jakarta"
cost_per_post_day = 1500000
silent_after_min = 30

[[posts]]
id = "pos-dompak"
name = "Pos Kelurahan Dompak"
kelurahan = "Dompak"
kecamatan = "Bukit Bestari"
lat = 0.873
lon = 104.478
cost_per_day = 1200000

[[posts]]
id = "pos-air-raja"
name = "Pos Kelurahan Air Raja"
kelurahan = "Air Raja"
kecamatan = "Tanjungpinang Timur"
lat = 0.957
lon = 104.503

[[posts]]
id = "pos-kampung-bugis"
name = "Pos Kelurahan Kampung Bugis"
kelurahan = "Kampung Bugis"
kecamatan = "Tanjungpinang Kota"

[[posts]]
id = "pos-penyengat"
name = "Pos Pulau Penyengat"
kelurahan = "Penyengat"
kecamatan = "Tanjungpinang Kota"
lat = 0.926
lon = 104.419
"""

#: The posts that report (pos-penyengat is only listed).
REPORTING = ("pos-dompak", "pos-air-raja", "pos-kampung-bugis")


def write_city_toml(folder: Path, text: str = CITY_TOML) -> Path:
    path = folder / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class PostRun:
    hub: Hub
    days: list[str] = field(default_factory=list)


def run_post_days(data: Path, post_id: str, days: list[date], *, seed: int,
                  residents: int = 40, today_start: datetime | None = None,
                  surveys: float = 0.0) -> PostRun:
    """The post's hub through ``days`` (08:00 WIB each; the last one from ``today_start``
    when given), each closed at its end as the hub closes it. The hub stays open."""
    starts = [datetime.combine(day, time(8), WIB) for day in days]
    if today_start is not None:
        starts[-1] = today_start
    hub, clock = open_post(data, post_id, starts[0].astimezone(UTC))
    run = PostRun(hub)
    for i, (day, start) in enumerate(zip(days, starts, strict=True)):
        if i:
            clock.set(start.astimezone(UTC))
            hub.roll()  # the day before closes, as at the post's midnight
        run_day(hub, clock, seed=seed * 100 + i, residents=residents, surveys=surveys)
        run.days.append(day.isoformat())
    return run


def push_all(api: str, token: str, hub: Hub, *, batch: int = 200) -> int:
    """Every event of the hub's log to the city, in batches; returns the city's acked seq."""
    events = wire_events(hub)
    acked = 0
    with httpx.Client(timeout=60) as c:
        for i in range(0, len(events), batch):
            r = c.post(f"{api}/events", headers={"Authorization": f"Bearer {token}"}, json={
                "post": hub.config.post.id, "instance": hub.storage.instance(),
                "meta": post_meta(hub), "events": events[i:i + batch]})
            assert r.status_code == 200, r.text
            acked = r.json()["acked_seq"]
    return acked


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(api: str, path: str, token: str | None = None, **params: Any) -> Any:
    r = httpx.get(f"{api}{path}", params=params, headers=headers(token) if token else None,
                  timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


@dataclass
class SeededCity:
    runs: dict[str, PostRun]
    officer: str
    today: date


def seed_city(api: str, token_for: Any, data: Path, db_url: str, *, days: int = 5,
              now: datetime | None = None) -> SeededCity:
    """The test city's three reporting posts over the last ``days`` days, today included
    (today's from five hours ago, so people are still waiting); all pushed. The post
    in Kampung Bugis was last heard from three hours ago: it is silent.

    ``token_for(post=…)`` / ``token_for(officer=…)`` makes tokens (CityProcess.token).
    """
    import psycopg

    now = (now or datetime.now(UTC)).astimezone(WIB)
    today = now.date()
    start_today = max(now - timedelta(hours=5),
                      datetime.combine(today, time(0, 1), WIB))
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    # (days, seed, residents, the share of residents served who answer the SKM survey)
    plan = {"pos-dompak": (dates, 11, 45, 0.9),
            "pos-air-raja": ([d for i, d in enumerate(dates) if i != 1], 12, 35, 0.3),
            "pos-kampung-bugis": (dates[:-1], 13, 30, 0.0)}
    runs = {}
    for pid, (ds, seed, residents, surveys) in plan.items():
        runs[pid] = run_post_days(data / pid, pid, ds, seed=seed, residents=residents,
                                  today_start=start_today if ds[-1] == today else None,
                                  surveys=surveys)
        push_all(api, token_for(post=pid), runs[pid].hub)
    with psycopg.connect(db_url) as conn:  # as if its last batch came three hours ago
        conn.execute("UPDATE uplinks SET last_heard_at = now() - interval '3 hours' "
                     "WHERE post_id = 'pos-kampung-bugis'")
    return SeededCity(runs, token_for(officer="Bu Ani"), today)
