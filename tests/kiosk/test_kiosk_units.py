"""The desk and the view-model on their own: stub hub client, fake printer, no QML."""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from antrean.client import HubError, HubUnreachable
from antrean.posttime import PostClock
from hardware.printer import FakePrinter, PrintableTicket
from kiosk.config import KioskConfig
from kiosk.desk import TicketDesk, TicketRecord, TicketRequest
from kiosk.i18n import clock_text, people_ahead, wait_text
from kiosk.models import make_tile
from kiosk.viewmodel import KioskViewModel

SERVICES = [
    {"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan", "name_en": "Civil",
     "description": "KTP-el", "open": True, "waiting": 2, "quota": None, "issued": 5},
    {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "name_en": "Health",
     "description": "", "open": True, "waiting": 0, "quota": 10, "issued": 10},
    {"id": "bansos", "letter": "C", "name": "Bantuan Sosial", "open": False, "waiting": 1},
]


def hub_ticket(number: str = "A001", service: str = "adminduk") -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "number": number, "service": service, "priority": None,
            "issued_at": "2026-03-02T08:15:00+07:00", "position": 2, "estimated_wait_s": 960}


class StubClient:
    """Answers ``issue`` from a script of tickets and exceptions; records every call."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.issued: list[tuple[str, str | None, str]] = []
        self.statuses: list[tuple[bool, str]] = []
        self.status_fails = 0
        self.gate = threading.Event()
        self.gate.set()

    def issue(self, service: str, priority: str | None, request_id: str) -> dict[str, Any]:
        self.gate.wait(5)
        self.issued.append((service, priority, request_id))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return dict(step)

    def device_status(self, component: str, ok: bool, status: str, message: str = "") -> Any:
        if self.status_fails:
            self.status_fails -= 1
            raise HubUnreachable("down")
        self.statuses.append((ok, status))
        return {}

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        raise HubUnreachable("not in this test")


class Recorder:
    """A DeskListener that queues what it is told."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def next(self, timeout: float = 5) -> tuple[str, Any]:
        return self.events.get(timeout=timeout)

    def hub_waiting(self, request: TicketRequest) -> None:
        self.events.put(("waiting", request))

    def issued(self, request: TicketRequest, record: TicketRecord) -> None:
        self.events.put(("issued", record))

    def refused(self, request: TicketRequest, error: HubError) -> None:
        self.events.put(("refused", error))

    def reprinted(self, record: TicketRecord) -> None:
        self.events.put(("reprinted", record))

    def printer_changed(self, ok: bool, kind: str, message: str) -> None:
        self.events.put(("printer", (ok, kind)))


def request(service: str = "adminduk", priority: str | None = None) -> TicketRequest:
    return TicketRequest(service, priority, "Administrasi Kependudukan", None, "Pos Uji")


@pytest.fixture
def desk_parts() -> Iterator[Any]:
    desks: list[TicketDesk] = []

    def make(client: StubClient, printer: Any = None, **kw: Any) -> tuple[TicketDesk, Recorder]:
        rec = Recorder()
        desk = TicketDesk(client, printer or FakePrinter(), rec, retry_max_s=0.2,  # type: ignore[arg-type]
                          **kw).start()
        desks.append(desk)
        return desk, rec

    yield make
    for d in desks:
        d.close()


def test_retries_keep_the_request_id_until_the_hub_answers(desk_parts) -> None:
    client = StubClient(HubUnreachable("refused"), HubError(503, "storage_unavailable", "x"),
                        hub_ticket())
    printer = FakePrinter()
    desk, rec = desk_parts(client, printer)
    assert desk.submit(request())
    assert rec.next()[0] == "waiting"
    kind, record = rec.next()
    assert kind == "issued" and record.printed and record.number == "A001"
    assert len(client.issued) == 3 and len({rid for *_, rid in client.issued}) == 1
    assert len(printer.printed) == 1 and not desk.busy
    assert desk.history()[0].number == "A001"


def test_a_refusal_is_told_once_and_not_retried(desk_parts) -> None:
    client = StubClient(HubError(409, "quota_reached", "Kuota harian layanan ini sudah habis."))
    printer = FakePrinter()
    desk, rec = desk_parts(client, printer)
    desk.submit(request())
    kind, err = rec.next()
    assert kind == "refused" and err.code == "quota_reached"
    assert len(client.issued) == 1 and not printer.printed
    assert desk.submit(request())  # free for the next resident


def test_one_request_in_flight(desk_parts) -> None:
    client = StubClient(hub_ticket("A001"), hub_ticket("A002"))
    client.gate.clear()
    desk, rec = desk_parts(client)
    assert desk.submit(request())
    assert not desk.submit(request()) and desk.busy  # a double tap: refused at once
    client.gate.set()
    assert rec.next()[1].number == "A001"
    assert desk.submit(request())
    assert rec.next()[1].number == "A002"
    assert len(client.issued) == 2


def test_printer_faults_are_told_to_the_hub_once_and_its_return_too(desk_parts) -> None:
    client = StubClient(hub_ticket("A001"), hub_ticket("A002"))
    client.status_fails = 1  # the first report finds the hub away: it is sent later
    printer = FakePrinter(fail_with="offline")
    desk, rec = desk_parts(client, printer, printer_poll_s=0.1)
    assert rec.next() == ("printer", (False, "offline"))  # seen by the start-up check
    desk.submit(request())
    kind, record = rec.next()
    assert kind == "issued" and not record.printed and record.fault_kind == "offline"
    desk.submit(request())
    assert rec.next()[0] == "issued"
    printer.fail_with = None  # the idle poll sees it come back
    assert rec.next() == ("printer", (True, "ok"))
    assert client.statuses == [(False, "offline"), (True, "ok")]


def test_a_printer_bug_costs_paper_not_the_ticket(desk_parts) -> None:
    class Broken(FakePrinter):
        def print_ticket(self, ticket: PrintableTicket) -> None:
            raise RuntimeError("connector bug")

    desk, rec = desk_parts(StubClient(hub_ticket()), Broken())
    desk.submit(request())
    assert rec.next() == ("printer", (False, "error"))
    kind, record = rec.next()
    assert kind == "issued" and not record.printed and record.fault_kind == "error"


# ----------------------------------------------------------------- the view-model


class FakeDesk:
    def __init__(self) -> None:
        self.submitted: list[TicketRequest] = []

    def submit(self, req: TicketRequest) -> bool:
        self.submitted.append(req)
        return True

    def hub_back(self) -> None:
        pass

    def history(self) -> list[TicketRecord]:
        return []


@pytest.fixture
def vm(qtbot) -> Iterator[tuple[KioskViewModel, FakeDesk]]:
    cfg = KioskConfig.model_validate({"buttons": {"map": {7: {"service": "adminduk",
                                                              "priority": "elderly"}}}})
    model = KioskViewModel(cfg)
    desk = FakeDesk()
    model.attach(desk, None)  # type: ignore[arg-type]
    model.hub_info({"post": {"id": "p", "name": "Pos Uji"}})
    model.hub_services(SERVICES)
    model.hub_online(True)
    yield model, desk
    model.deleteLater()


def record(number: str = "A001", printed: bool = True) -> TicketRecord:
    t = PrintableTicket(str(uuid.uuid4()), number, "Administrasi Kependudukan", "Pos Uji",
                        datetime.now(UTC), 0, 30, None)
    return TicketRecord({}, t, printed, None if printed else "offline")


def test_tiles_say_closed_and_quota_full() -> None:
    tiles = {t["serviceId"]: t for t in (make_tile(s, "id") for s in SERVICES)}
    assert tiles["adminduk"]["available"] and tiles["adminduk"]["waitingText"] == \
        "2 orang menunggu"
    assert not tiles["kesehatan"]["available"]
    assert tiles["kesehatan"]["statusText"] == "Kuota hari ini habis"
    assert tiles["bansos"]["statusText"] == "Tutup"
    assert make_tile(SERVICES[1], "en")["name"] == "Health"
    assert make_tile(SERVICES[2], "en")["name"] == "Bantuan Sosial"  # no English name: keep


def test_take_then_confirm_then_back(vm, monkeypatch) -> None:
    model, desk = vm
    assert model.screen == "start"
    assert model.take("adminduk")
    assert model.screen == "busy" and not model.take("adminduk")
    assert len(desk.submitted) == 1
    model.issued(desk.submitted[0], record())
    assert model.screen == "confirm"
    assert model.ticket["ahead"] == "Anda berikutnya"
    assert model.ticket["wait"] == "Perkiraan waktu tunggu: kurang dari 1 menit"
    model.dismiss()
    assert model.screen == "confirm"  # within the double-tap guard
    monkeypatch.setattr("kiosk.viewmodel.DISMISS_GUARD_S", 0)
    model.dismiss()
    assert model.screen == "start"


def test_unavailable_tiles_cannot_be_taken(vm) -> None:
    model, desk = vm
    assert not model.take("kesehatan") and not model.take("bansos") and not model.take("nope")
    assert not desk.submitted


def test_hub_waiting_shows_hub_down_with_the_pending_service(vm) -> None:
    model, desk = vm
    model.take("adminduk")
    model.hub_waiting(desk.submitted[0])
    assert model.screen == "hub-down"
    assert "Administrasi Kependudukan" in model.pendingText
    model.issued(desk.submitted[0], record(printed=False))
    assert model.screen == "printer-fault"


def test_refusal_is_shown_in_the_residents_language(vm) -> None:
    model, desk = vm
    model.toggleLang()
    model.take("adminduk")
    model.refused(desk.submitted[0], HubError(409, "service_closed", "Layanan ini sedang tutup.",
                                              "This service is closed."))
    assert model.screen == "refused" and model.message == "This service is closed."


def test_hub_away_and_back(vm) -> None:
    model, _ = vm
    model.hub_online(False)
    assert model.screen == "hub-down"
    model.hub_online(True)
    assert model.screen == "start"


def test_buttons_default_and_mapped_and_unknown(vm) -> None:
    model, desk = vm
    model.button_pressed(9)  # no ninth service, not mapped: ignored
    model.button_pressed(2)  # the second service is full: told, not taken
    assert model.screen == "refused" and not desk.submitted
    model._end_shown()
    model.button_pressed(7)  # mapped: adminduk, elderly
    assert [(r.service, r.priority, r.source) for r in desk.submitted] == \
        [("adminduk", "elderly", "button")]
    assert desk.submitted[0].priority_label == "Lansia"


def test_the_clock_shows_nothing_until_the_hub_told_the_posts_time(qtbot) -> None:
    clock = PostClock()
    model = KioskViewModel(KioskConfig(), clock=clock)
    assert (model.clockDate, model.clockTime) == ("", "—")  # not this Pi's own guess
    hub_now = (datetime.now(UTC) + timedelta(days=3)).astimezone(ZoneInfo("Asia/Makassar"))
    answer = {"post": {"id": "p", "name": "Pos Uji"}, "time": hub_now.isoformat(),
              "tz": "Asia/Makassar"}
    clock.observe_answer(answer, "time", clock.instant(), clock.instant())  # as the client does
    model.hub_info(answer)
    assert model.clockTime == clock_text(clock.now(), "id")[1]
    assert model.clockTime.endswith(" WITA") and "." in model.clockTime
    assert model.clockDate == clock_text(hub_now, "id")[0]
    model.deleteLater()


def test_words_and_numbers() -> None:
    at = datetime(2026, 3, 2, 8, 5, tzinfo=timezone(timedelta(hours=7)))
    assert clock_text(at, "id") == ("Senin, 2 Maret 2026", "08.05 WIB")
    assert clock_text(at, "en") == ("Monday, 2 March 2026", "08.05 WIB")
    assert clock_text(None, "id") == ("", "—")
    assert wait_text(3900, "id") == "Perkiraan waktu tunggu: ± 1 jam 5 menit"
    assert wait_text(None, "id") == ""
    assert people_ahead(1, "en") == "1 person ahead of you"


def test_a_button_pressed_before_the_services_arrive_is_taken_when_they_do(qtbot) -> None:
    model = KioskViewModel(KioskConfig())
    desk = FakeDesk()
    model.attach(desk, None)  # type: ignore[arg-type]
    model.hub_info({"post": {"id": "p", "name": "Pos Uji"}})
    model.hub_online(True)
    model.button_pressed(1)  # the kiosk has just started: no services yet
    assert not desk.submitted
    model.hub_services(SERVICES)
    assert [(r.service, r.source) for r in desk.submitted] == [(SERVICES[0]["id"], "button")]
    model.deleteLater()
