"""A post's day simulated through the real hub core (in process, on a fixed clock), to
give the city real wire events and the post's own figures to compare with."""

from __future__ import annotations

import contextlib
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from antrean.api_lead import full_stats
from antrean.clock import FixedClock
from antrean.config import PostConfig, load_post_config
from antrean.hub import Hub
from antrean.lead import check_alerts, file_complaint
from antrean.queue import QueueError
from antrean.skm import ELEMENT_IDS
from antrean.survey import submit_survey

DAY = "2026-11-23"


def post_config(post_id: str, name: str | None = None) -> PostConfig:
    base = load_post_config()
    return base.model_copy(update={"post": base.post.model_copy(
        update={"id": post_id, "name": name or f"Pos {post_id}"})})


def open_post(data: Path, post_id: str, start: datetime | None = None) -> tuple[Hub, FixedClock]:
    clock = FixedClock(start or datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 08:00 WIB
    return Hub(post_config(post_id), data, clock), clock


def survey_answers(rng: random.Random, mood: int = 0) -> dict[str, int]:
    """One resident's nine scores; ``mood`` shifts them (posts that differ)."""
    weights = ((1, 2, 6, 4), (3, 4, 3, 1))[mood % 2]
    return {e: rng.choices((1, 2, 3, 4), weights)[0] for e in ELEMENT_IDS}


def run_day(hub: Hub, clock: FixedClock, *, seed: int = 1, residents: int = 60,
            surveys: float = 0.0) -> None:
    """A varied day: priority tickets, recalls, no-shows, transfers, a cancel, ratings,
    a correction, complaints and a surge alert; with ``surveys``, that share of the
    residents served answers the SKM survey (its own random stream: the day is the same)."""
    rng = random.Random(seed)
    srng = random.Random(seed * 7919)
    services = ["adminduk", "kesehatan", "bansos"]
    for i in range(residents):
        clock.advance(seconds=rng.randint(20, 200))
        hub.issue(rng.choice(services), "elderly" if rng.random() < 0.2 else None,
                  str(uuid.uuid4()), "Kios 1")
        if i == residents // 2:
            clock.advance(minutes=hub.config.hub.surge_wait_min + 1)
            check_alerts(hub)
        if i % 3 == 2:
            for n in (1, 2):
                t, _ = hub.call_next(n, None, f"Loket {n}")
                if t is None:
                    continue
                clock.advance(seconds=rng.randint(60, 400))
                r = rng.random()
                if r < 0.1:
                    hub.recall(n)
                    hub.finish(n, "no_show")
                elif r < 0.15:
                    hub.transfer(n, "bansos" if t["service"] != "bansos" else "adminduk")
                else:
                    hub.finish(n, "served")
                    with contextlib.suppress(QueueError):
                        hub.rate(t["number"], rng.randint(1, 4), "Kios 1")
                    if surveys and srng.random() < surveys:
                        submit_survey(hub, t["id"], survey_answers(srng, seed), {},
                                      str(uuid.uuid4()), "Kios 1")
        if i % 17 == 5:
            file_complaint(hub, rng.choice(["waktu", "petugas", "sarana"]), "antre lama",
                           None, "Kios 1", str(uuid.uuid4()))
    check_alerts(hub)
    waiting = [t for t in hub.state.tickets.values() if t.state.value == "waiting"]
    if waiting:
        hub.cancel(waiting[0].id, "Kios 1")
    served = next(t for t in hub.state.tickets.values() if t.state.value == "served")
    hub.correct(served.id, "no_show", "Salah tekan", "Ketua")


def wire_events(hub: Hub, after: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        batch = hub.storage.wire_events_since(after, hub.tz, limit=1000)
        if not batch:
            return out
        out += batch
        after = batch[-1]["seq"]


def post_meta(hub: Hub) -> dict[str, Any]:
    c = hub.config
    return {"name": c.post.name, "name_en": c.post.name_en, "timezone": c.post.timezone,
            "services": [{"id": s.id, "letter": s.letter, "name": s.name, "name_en": s.name_en}
                         for s in c.services]}


def own_stats(hub: Hub, day: str = DAY) -> dict[str, Any]:
    """What the post's own ``GET /api/v1/stats?date=day`` answers."""
    return full_stats(hub, day)
