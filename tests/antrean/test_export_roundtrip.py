"""A varied day exported to CSV and XLSX, read back with independent readers, and the
stats checked against what recomputing from the rows gives."""

from __future__ import annotations

import contextlib
import csv
import math
import random
import statistics
import uuid
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.daylog import COLUMNS
from antrean.export import export_day
from antrean.hub import Hub
from antrean.queue import QueueError
from antrean.stats import day_stats

DAY = "2026-11-23"


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("post")
    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 08:00 WIB
    hub = Hub(load_post_config(), tmp, clock)
    rng = random.Random(3)
    services = ["adminduk", "kesehatan", "bansos"]
    for i in range(60):
        clock.advance(seconds=rng.randint(20, 200))
        hub.issue(rng.choice(services), "elderly" if rng.random() < 0.2 else None,
                  str(uuid.uuid4()), "Kios 1")
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
                    with contextlib.suppress(QueueError):  # a transferred ticket is not served
                        hub.rate(t["number"], rng.randint(1, 4), "Kios 1")
    waiting = [t for t in hub.state.tickets.values() if t.state.value == "waiting"]
    hub.cancel(waiting[0].id, "Kios 1")
    served = next(t for t in hub.state.tickets.values() if t.state.value == "served")
    hub.correct(served.id, "no_show", "Salah tekan", "Ketua")
    csv_path, xlsx_path = tmp / "d.csv", tmp / "d.xlsx"
    export_day(hub.storage, hub.config, DAY, "csv", csv_path)
    export_day(hub.storage, hub.config, DAY, "xlsx", xlsx_path)
    stats = day_stats(hub.storage, hub.config, DAY)
    hub.close()
    return csv_path, xlsx_path, stats


def _p90(v):
    s = sorted(v)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def _check(rows: list[dict], stats: dict) -> None:
    assert len(rows) == stats["issued"] == 60
    outcomes = [r["outcome"] for r in rows]
    assert outcomes.count("served") == stats["served"]
    assert outcomes.count("no_show") == stats["no_show"]
    assert outcomes.count("cancelled") == stats["cancelled"] == 1
    for key, pick in (("wait", lambda r: True), ("wait_priority", lambda r: r["priority"]),
                      ("wait_regular", lambda r: not r["priority"])):
        waits = [float(r["wait_s"]) for r in rows if r["wait_s"] not in ("", None) and pick(r)]
        assert stats[key]["count"] == len(waits)
        assert stats[key]["avg_s"] == pytest.approx(round(statistics.fmean(waits), 1))
        assert stats[key]["median_s"] == statistics.median(waits)
        assert stats[key]["p90_s"] == _p90(waits)
    for s in stats["services"]:
        mine = [r for r in rows if r["service"] == s["id"]]
        assert s["issued"] == len(mine)
        assert s["served"] == sum(r["outcome"] == "served" for r in mine)
    ratings = [int(r["rating"]) for r in rows if r["rating"] not in ("", None)]
    assert stats["satisfaction"]["count"] == len(ratings)
    assert [r for r in rows if r["corrected_from"]][0]["outcome"] == "no_show"


def test_csv_reads_back_and_matches_the_stats(day):
    csv_path, _, stats = day
    with csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert rows[0]["issued_at"].startswith(DAY) and rows[0]["issued_at"].endswith("+07:00")
    assert any(int(r["recalls"] or 0) > 0 for r in rows)
    assert any(int(r["transfers"] or 0) > 0 for r in rows)
    _check(rows, stats)


def test_xlsx_reads_back_with_real_types_and_matches_the_stats(day):
    _, xlsx_path, stats = day
    wb = load_workbook(xlsx_path)
    ws = wb["Log"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS
    rows = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        rows.append({k: ("" if v is None else v) for k, v in zip(COLUMNS, values, strict=True)})
    first = rows[0]
    assert isinstance(first["issued_at"], datetime)
    assert first["issued_at"].hour >= 8  # post-local time (WIB), not UTC
    assert all(isinstance(r["wait_s"], int) for r in rows if r["wait_s"] != "")
    _check(rows, stats)
    ind = {r[0]: r[1] for r in wb["Indikator"].iter_rows(values_only=True)}
    assert ind["Warga terlayani / Served"] == stats["served"]
    assert ws.column_dimensions["D"].width >= 18


def test_live_rows_from_events_equal_the_rows_replayed_from_the_log(tmp_path):
    from antrean.api_lead import live_day
    from antrean.stats import stats_from_rows

    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        hub.issue("adminduk", None, str(uuid.uuid4()), "Kios 1")  # before the live view
        live = live_day(hub)
        for i in range(12):
            clock.advance(seconds=50)
            hub.issue(["adminduk", "kesehatan"][i % 2], "disabled" if i % 4 == 0 else None,
                      str(uuid.uuid4()), "Kios 1")
        clock.advance(minutes=3)
        a, _ = hub.call_next(1, None, "Loket 1")
        hub.recall(1)
        hub.finish(1, "served")
        hub.rate(a["number"], 3, "Kios 1")
        b, _ = hub.call_next(2, None, "Loket 2")
        hub.transfer(2, "bansos")
        hub.call_next(2, ["bansos"], "Loket 2")
        clock.advance(minutes=4)
        hub.finish(2, "no_show")
        hub.correct(a["id"], "no_show", "salah tekan", "Ketua")
        waiting = next(t for t in hub.state.tickets.values() if t.state.value == "waiting")
        hub.cancel(waiting.id, "Kios 1")
        from_log = day_stats(hub.storage, hub.config, DAY)
        from_live = stats_from_rows(live.rows(), hub.config, DAY)
        assert from_live == from_log
        assert from_log["issued"] == 13 and from_log["cancelled"] == 1
    finally:
        hub.close()
