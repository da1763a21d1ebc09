"""The post's time on a device: unknown until the hub says it, then carried on the
monotonic clock (a wrong or stepping wall clock does not move it), written the Indonesian way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from antrean.client import HubClient
from antrean.posttime import UNKNOWN, PostClock, time_text, zone_abbreviation


class Machine:
    """This device's two clocks, moved by hand: monotonic and wall (epoch seconds)."""

    def __init__(self, wall: float) -> None:
        self.mono, self.wall = 1000.0, wall

    def clock(self) -> PostClock:
        return PostClock(monotonic=lambda: self.mono, wall=lambda: self.wall)


POST_NOON = datetime(2026, 3, 2, 5, 7, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_unknown_until_the_hub_answered() -> None:
    clock = Machine(wall=0).clock()
    assert not clock.known and clock.now() is None
    assert clock.text() == UNKNOWN == "—"
    assert clock.offset() == timedelta(0)


def test_the_hubs_time_goes_on_with_the_monotonic_clock_not_the_wall_clock() -> None:
    # The Pi booted thinking it is 22.07 the evening before (no clock battery, no network).
    wrong_wall = (POST_NOON - timedelta(hours=7)).timestamp()
    m = Machine(wall=wrong_wall)
    clock = m.clock()
    clock.observe_answer({"time": POST_NOON.isoformat(), "tz": "Asia/Jakarta"}, "time",
                         m.mono - 0.2, m.mono + 0.2)  # the midpoint of the request
    assert clock.text() == "05.07 WIB"
    assert clock.offset() == timedelta(hours=7)
    m.mono += 125
    m.wall += 125 + 4 * 3600  # NTP reaches the Pi and steps its wall clock: the post's time stays
    assert clock.now() == POST_NOON + timedelta(seconds=125)
    assert clock.text() == "05.09 WIB"
    assert clock.offset() == timedelta(hours=3)  # what this machine must add to its own now
    hub_stamp = POST_NOON + timedelta(seconds=100)
    assert clock.to_local(hub_stamp).timestamp() == pytest.approx(m.wall - 25)


def test_the_zone_is_the_posts_by_name_or_by_offset() -> None:
    m = Machine(wall=0)
    clock = m.clock()
    at = datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=8)))
    clock.observe_answer({"at": at.isoformat()}, "at", m.mono, m.mono)  # no "tz": by offset
    assert clock.text() == "14.05 WITA"
    clock.observe_answer({"at": at.isoformat(), "tz": "Asia/Makassar"}, "at", m.mono, m.mono)
    assert isinstance(clock.zone, ZoneInfo) and clock.text() == "14.05 WITA"
    assert clock.text(zone=False) == "14.05"  # where the zone is said once nearby


@pytest.mark.parametrize("tz, expected", [
    ("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"),
    ("Asia/Jayapura", "WIT"), ("Europe/Paris", "CET"), ("Asia/Kolkata", "IST"),
])
def test_zone_abbreviations(tz: str, expected: str) -> None:
    assert zone_abbreviation(datetime(2026, 1, 5, 12, tzinfo=ZoneInfo(tz))) == expected


def test_a_bare_offset_outside_indonesia_and_a_naive_time() -> None:
    assert zone_abbreviation(datetime(2026, 1, 5, tzinfo=timezone(timedelta(hours=-3)))) == "UTC-3"
    assert time_text(datetime(2026, 1, 5, 9, 3)) == "09.03"
    assert time_text(None) == "—"


def test_answers_without_a_usable_time_change_nothing() -> None:
    m = Machine(wall=0)
    clock = m.clock()
    for answer in ({}, {"time": 5}, {"time": "yesterday"}, {"time": "2026-03-02T05:07:00"},
                   {"time": "2026-03-02T05:07:00+07:00", "tz": "Mars/Olympus"}):
        clock.observe_answer(answer, "time", m.mono, m.mono)
    assert clock.text() == "05.07 WIB"  # only the last one had a time (and an offset)
    clock.forget()
    assert clock.now() is None


def test_the_client_keeps_the_time_of_a_real_hub(shared_hub) -> None:
    """/health says the post's time and zone; the client's clock keeps them."""
    with HubClient(shared_hub.url) as client:
        assert client.clock.now() is None
        health = client.health()
        assert health["tz"] == "Asia/Jakarta"
        now = client.clock.now()
        assert now is not None and client.clock.text().endswith(" WIB")
        assert abs((now - datetime.now(UTC)).total_seconds()) < 60
