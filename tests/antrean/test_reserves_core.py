"""Reserves in the hub's core, in-process on a fixed clock: replay, failed writes, the day's
end, and the database's own guard against handing a number out twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from antrean.auth import Device
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.daylog import day_rows
from antrean.hub import Hub, HubUnavailable
from antrean.hub_reserves import reserve_stats, top_up
from antrean.queue import QueueError
from antrean.storage import _Tx

KIOSK = Device(7, "kiosk", "kios-depan")
OTHER = Device(8, "kiosk", "kios-samping")
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08.00 WIB


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def hub(tmp_path, clock):
    h = Hub(load_post_config(), tmp_path, clock)
    yield h
    h.close()


def held(hub: Hub, device: Device, service: str = "adminduk") -> list[str]:
    return next(s["numbers"] for s in top_up(hub, device)["services"] if s["id"] == service)


def late(hub: Hub, number: str, at: datetime, device: Device = KIOSK,
         service: str = "adminduk") -> dict:
    t, created = hub.issue(service, None, str(uuid.uuid4()), device.name, device.id,
                           reserved_number=number, issued_at=at)
    assert created
    return t


def test_replaying_the_log_gives_the_same_reserves(hub: Hub) -> None:
    assert held(hub, KIOSK) == ["A001", "A002", "A003", "A004", "A005"]
    late(hub, "A001", START)
    assert held(hub, OTHER) == ["A006", "A007", "A008", "A009", "A010"]
    before = {d: hub.state.reserves.held(hub.day, "adminduk", d.id) for d in (KIOSK, OTHER)}
    hub.reload()
    assert {d: hub.state.reserves.held(hub.day, "adminduk", d.id)
            for d in (KIOSK, OTHER)} == before
    assert hub.issue("adminduk", None, str(uuid.uuid4()))[0]["number"] == "A011"


def test_a_failed_grant_or_late_ticket_changes_nothing(hub: Hub, monkeypatch) -> None:
    held(hub, KIOSK)

    def broken(self, *a, **k):
        raise OSError("disk I/O error")

    monkeypatch.setattr(_Tx, "append", broken)
    with pytest.raises(HubUnavailable):
        top_up(hub, OTHER)
    with pytest.raises(HubUnavailable):
        late(hub, "A001", START)
    assert hub.state.reserves.held(hub.day, "adminduk", OTHER.id) == []
    assert hub.state.reserves.held(hub.day, "adminduk", KIOSK.id) == [1, 2, 3, 4, 5]
    assert not hub.state.tickets
    monkeypatch.undo()
    assert late(hub, "A001", START)["number"] == "A001"
    assert held(hub, OTHER) == ["A006", "A007", "A008", "A009", "A010"]


def test_the_database_refuses_a_number_twice_even_if_memory_were_wrong(hub: Hub) -> None:
    held(hub, KIOSK)
    hub.state.last_seq[(hub.day, "adminduk")] = 0  # …but forgets the grant moved the sequence
    with pytest.raises(HubUnavailable):
        top_up(hub, OTHER)  # would grant A001-A005 again: the index refuses, memory reloads
    assert held(hub, OTHER) == ["A006", "A007", "A008", "A009", "A010"]


def test_a_late_ticket_is_placed_by_its_time_and_overdue_counts_from_it(hub: Hub,
                                                                        clock: FixedClock
                                                                        ) -> None:
    numbers = held(hub, KIOSK)
    clock.advance(minutes=30)
    regular, _ = hub.issue("adminduk", None, str(uuid.uuid4()))
    prio, _ = hub.issue("adminduk", "elderly", str(uuid.uuid4()))
    # printed offline 65 minutes before now: overdue, so it goes before the priority ticket
    t = late(hub, numbers[0], clock.now() - timedelta(minutes=65))
    assert t["position"] == 0
    assert hub.ticket(prio["id"])["position"] == 1
    assert hub.ticket(regular["id"])["position"] == 2
    called, _ = hub.call_next(1, None, "loket 1")
    assert called is not None and called["number"] == numbers[0]
    # the next regular ticket issued at the hub still gets the fast path right
    clock.advance(seconds=1)
    newest, _ = hub.issue("adminduk", None, str(uuid.uuid4()))
    assert newest["position"] == 2


def test_unused_numbers_are_gaps_at_the_days_end_never_rows(hub: Hub, clock: FixedClock,
                                                             tmp_path) -> None:
    numbers = held(hub, KIOSK)
    late(hub, numbers[0], clock.now())
    hub.issue("adminduk", None, str(uuid.uuid4()))
    day = hub.day
    clock.set(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # 00.00 WIB: the next day
    hub.roll()
    assert [r.number for r in day_rows(hub.storage, day)] == ["A001", "A006"]
    st = reserve_stats(hub.storage, day, closed=True)["reserves"]
    assert st["unused"][:4] == ["A002", "A003", "A004", "A005"]
    assert st["granted"] == 25 and st["used"] == 1 and st["unused_are_gaps"] is True
    # A new day: the old reserve is gone; the kiosk is granted the new day's first numbers.
    assert held(hub, KIOSK) == ["A001", "A002", "A003", "A004", "A005"]
    with pytest.raises(QueueError) as refused:
        late(hub, "A003", datetime(2026, 11, 23, 16, 59, tzinfo=UTC))
    assert refused.value.code == "issued_before_day"


def test_quota_counts_what_kiosks_hold(tmp_path, clock: FixedClock) -> None:
    from antrean.config import PostConfig

    data = load_post_config().model_dump()
    for svc in data["services"]:
        if svc["id"] == "kesehatan":
            svc["quota"] = 3
    h = Hub(PostConfig.model_validate(data), tmp_path, clock)
    try:
        assert held(h, KIOSK, "kesehatan") == ["B001", "B002", "B003"]
        with pytest.raises(QueueError) as refused:
            h.issue("kesehatan", None, str(uuid.uuid4()))
        assert refused.value.code == "quota_reached"
        statuses = {s["id"]: s["status"] for s in top_up(h, OTHER)["services"]}
        assert statuses["kesehatan"] == "quota_reached"
    finally:
        h.close()


def test_the_xlsx_lists_unused_reserved_numbers_not_as_tickets(hub: Hub, tmp_path) -> None:
    from openpyxl import load_workbook

    from antrean.export import export_day

    numbers = held(hub, KIOSK)
    late(hub, numbers[1], START)
    out = tmp_path / "hari.xlsx"
    assert export_day(hub.storage, hub.config, hub.day, "xlsx", out) == 1
    wb = load_workbook(out)
    assert [r[0] for r in wb["Log"].iter_rows(min_row=2, values_only=True)] == ["A002"]
    indicators = dict(wb["Indikator"].iter_rows(values_only=True))
    unused = indicators["Nomor cadangan tidak terpakai / Unused reserved numbers"]
    assert unused.startswith("A001, A003, A004, A005, B001")
