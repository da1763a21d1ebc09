"""The kiosk's outbox and its sender, on a real SQLite file: what is committed, what survives
a restart, the clock it stamps with, and what the sender does with each kind of answer."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from antrean.client import HubError, HubUnreachable
from antrean.posttime import PostClock
from kiosk.outbox import Outbox, OutboxError, ReserveState
from kiosk.sender import OutboxSender

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=WIB)


def answer(numbers: dict[str, list[str]], *, day: str = "2026-11-23",
           statuses: dict[str, str] | None = None) -> dict[str, Any]:
    """A ``POST /reserves`` answer as the hub gives it."""
    return {"at": NOW.isoformat(), "tz": "Asia/Jakarta", "post": {"id": "pos-uji", "name": "Uji"},
            "day": {"date": day, "closes_at": f"{day}T23:59:59+07:00", "closed": False},
            "size": 5, "services": [{"id": sid, "letter": ns[0][0] if ns else "X",
                                     "status": (statuses or {}).get(sid, "ok"), "numbers": ns}
                                    for sid, ns in numbers.items()]}


@pytest.fixture
def box(tmp_path: Path) -> Outbox:
    b = Outbox(tmp_path)
    b.replace_reserve(answer({"adminduk": ["A003", "A004", "A005"], "bansos": []}), "pos-uji")
    yield b
    b.close()


def test_numbers_leave_the_reserve_lowest_first_and_survive_a_restart(box: Outbox,
                                                                       tmp_path: Path) -> None:
    first = box.take("adminduk", None, str(uuid.uuid4()), NOW)
    second = box.take("adminduk", "elderly", str(uuid.uuid4()), NOW + timedelta(seconds=5))
    assert (first.number, second.number) == ("A003", "A004")
    assert box.reserve_states(NOW)["adminduk"] == ReserveState(1, "ok")
    box.close()
    again = Outbox(tmp_path)  # a restart: the same reserve and outbox
    try:
        assert [(t.number, t.priority) for t in again.pending()] == [("A003", None),
                                                                     ("A004", "elderly")]
        assert again.pending()[1].issued_at == NOW + timedelta(seconds=5)
        assert again.take("adminduk", None, str(uuid.uuid4()), NOW).number == "A005"
        assert again.take("adminduk", None, str(uuid.uuid4()), NOW) is None  # used up
        assert again.take("bansos", None, str(uuid.uuid4()), NOW) is None  # none granted
    finally:
        again.close()


def test_a_new_reserve_never_gives_back_a_number_already_printed(box: Outbox) -> None:
    taken = box.take("adminduk", None, str(uuid.uuid4()), NOW)
    # The hub's answer was made before it saw that ticket: it still lists A003.
    box.replace_reserve(answer({"adminduk": ["A003", "A004", "A005", "A006", "A007"]}),
                        "pos-uji")
    assert box.take("adminduk", None, str(uuid.uuid4()), NOW).number == "A004"
    assert taken.number == "A003" and box.reserve_states(NOW)["adminduk"].left == 3


def test_the_reserve_is_for_its_day_and_until_the_day_closes(box: Outbox) -> None:
    tomorrow = NOW + timedelta(days=1)
    assert box.take("adminduk", None, str(uuid.uuid4()), tomorrow) is None
    assert box.reserve_states(tomorrow)["adminduk"] == ReserveState(0, "day_closed")
    box.replace_reserve(answer({"kesehatan": ["B001"]}, statuses={"kesehatan": "ok"}),
                        "pos-uji")
    states = box.reserve_states(NOW)
    assert set(states) == {"kesehatan"}


def test_closed_and_quota_statuses_issue_nothing(box: Outbox) -> None:
    box.replace_reserve(answer({"adminduk": ["A010"], "bansos": []},
                               statuses={"adminduk": "closed", "bansos": "quota_reached"}),
                        "pos-uji")
    assert box.take("adminduk", None, str(uuid.uuid4()), NOW) is None
    assert box.reserve_states(NOW) == {"adminduk": ReserveState(1, "closed"),
                                       "bansos": ReserveState(0, "quota_reached")}


def test_the_stamp_is_the_hubs_clock_and_never_runs_backwards(box: Outbox) -> None:
    mono = [100.0]
    clock = PostClock(monotonic=lambda: mono[0])
    assert box.stamp(clock) is None  # the post's time was never heard: no guess
    clock.observe(NOW, 100.0, 100.0)
    assert box.stamp(clock) == NOW
    box.take("adminduk", None, str(uuid.uuid4()), NOW + timedelta(minutes=2))
    # The hub's next answer puts its clock a minute earlier (it was corrected): stamps hold.
    clock.observe(NOW + timedelta(minutes=1), 100.0, 100.0)
    assert box.stamp(clock) == NOW + timedelta(minutes=2)


def test_a_restart_with_no_hub_takes_the_kept_offset(tmp_path: Path) -> None:
    wall = [NOW.timestamp() - 3600.0]  # this Pi's clock is an hour slow
    box = Outbox(tmp_path, wall=lambda: wall[0])
    try:
        box.replace_reserve(answer({"adminduk": ["A001"]}), "pos-uji")
        heard = PostClock(monotonic=lambda: 5.0, wall=lambda: wall[0])
        heard.observe(NOW, 5.0, 5.0)
        box.remember_clock(heard)
        assert box.meta("clock_offset_s") == pytest.approx(3600.0)
        wall[0] += 600  # ten minutes later the kiosk restarts, the hub away
        fresh = PostClock(monotonic=lambda: 7.0, wall=lambda: wall[0])
        box.seed_clock(fresh)
        assert fresh.now() == NOW + timedelta(minutes=10)
        assert fresh.now().tzinfo is not None and fresh.text().endswith("WIB")
    finally:
        box.close()


def test_an_unusable_folder_is_said_plainly(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutboxError, match="file"):
        Outbox(tmp_path / "file" / "sub")


class HubStub:
    """The hub as the sender sees it: answers, refuses or is away, request by request."""

    def __init__(self, script: list[Any]) -> None:
        self.script, self.calls = script, []
        self.clock = PostClock()
        self.lock = threading.Lock()

    def issue(self, service: str, priority: str | None, request_id: str, *,
              reserved_number: str | None = None, issued_at: datetime | None = None
              ) -> dict[str, Any]:
        with self.lock:
            self.calls.append((reserved_number, issued_at is not None))
            outcome = self.script.pop(0) if self.script else "ok"
        if isinstance(outcome, HubError):
            raise outcome
        return {"id": request_id, "number": reserved_number, "position": 0}

    def reserves(self) -> dict[str, Any]:
        m = self.clock.instant()
        self.clock.observe(NOW, m, m)  # as HubClient.reserves keeps the hub's time
        return answer({"adminduk": ["A010", "A011"]})


class Told:
    def __init__(self) -> None:
        self.refused: list[tuple[str, str]] = []
        self.states: list[dict[str, ReserveState]] = []

    def reserve_changed(self, states: dict[str, ReserveState]) -> None:
        self.states.append(states)

    def late_refused(self, ticket: Any, error: HubError) -> None:
        self.refused.append((ticket.number, error.code))


def test_the_sender_sends_in_order_and_handles_each_answer(box: Outbox) -> None:
    for i in range(3):
        box.take("adminduk", None, str(uuid.uuid4()), NOW + timedelta(seconds=i))
    hub = HubStub([HubUnreachable("cut"),  # A003: the link is down: stop, retry later
                   HubError(422, "issued_at_future", "x", "x"),  # A003 again: no time, then ok
                   "ok",
                   HubError(409, "not_reserved", "x", "x"),  # A004: refused for good
                   "ok"])  # A005
    told = Told()
    sender = OutboxSender(hub, box, told, retry_max_s=0.05).start()  # type: ignore[arg-type]
    try:
        deadline = datetime.now() + timedelta(seconds=10)
        while box.pending() and datetime.now() < deadline:
            sender.kick()
            threading.Event().wait(0.05)
        assert not box.pending()
    finally:
        sender.close()
    assert hub.calls == [("A003", True), ("A003", True), ("A003", False), ("A004", True),
                         ("A005", True)]
    assert [t.state for t in box.tickets()] == ["sent", "refused", "sent"]
    assert told.refused == [("A004", "not_reserved")]
    assert told.states and told.states[-1]["adminduk"].left == 2  # topped up after sending


@pytest.mark.parametrize(("state", "available", "says"), [
    (ReserveState(3, "ok"), True, ""),
    (ReserveState(0, "ok"), False, "Nomor cadangan habis — mohon tunggu petugas"),
    (ReserveState(2, "closed"), False, "Tutup"),
    (ReserveState(0, "quota_reached"), False, "Kuota hari ini habis"),
    (ReserveState(0, "day_closed"), False, "Tutup"),
])
def test_offline_a_tile_follows_its_reserve(state: ReserveState, available: bool,
                                            says: str) -> None:
    from kiosk.models import make_tile

    service = {"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan",
               "open": True, "waiting": 7, "quota": None, "issued": 0}
    tile = make_tile(service, "id", state)
    assert (tile["available"], tile["statusText"]) == (available, says)
    assert tile["waitingText"] == ""  # how many wait is the hub's to say
    assert make_tile(service, "id")["waitingText"] == "7 orang menunggu"
