"""Ratings and complaints on their own: the worker's retry rules against a stub hub, the flows
without QML, the number pad, the scanner's keys, the rating box's config."""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QCoreApplication

from antrean.client import HubError, HubUnreachable
from kiosk.config import ConfigError, KioskConfig, parse_kiosk_config
from kiosk.feedback import FeedbackDesk, FeedbackJob, normalize_number, parse_ticket_id
from kiosk.flowbase import NumberEntry
from kiosk.viewmodel import KioskViewModel

SERVICES = [
    {"id": "adminduk", "letter": "A", "name": "Administrasi Kependudukan", "open": True},
    {"id": "kesehatan", "letter": "B", "name": "Kesehatan", "name_en": "Health", "open": True},
]
TODAY_ID = "11111111-1111-4111-8111-111111111111"


def unreachable(cause: Exception) -> HubUnreachable:
    """HubUnreachable as HubClient.request raises it (the httpx error as its cause)."""
    try:
        raise HubUnreachable(str(cause)) from cause
    except HubUnreachable as exc:
        return exc


class StubHub:
    """Answers ``request`` from a script per (method, path); records every call."""

    def __init__(self, **script: list[Any]) -> None:
        self.script = script
        self.calls: list[tuple[str, str, Any]] = []
        self.gate = threading.Event()
        self.gate.set()

    def request(self, method: str, path: str, *, json_body: Any = None, **_: Any) -> Any:
        self.gate.wait(5)
        self.calls.append((method, path, json_body))
        key = path.strip("/").split("/")[0] if method == "POST" else path
        steps = self.script.get(key) or self.script[path.rsplit("/", 1)[0]]
        step = steps.pop(0) if len(steps) > 1 else steps[0]
        if isinstance(step, Exception):
            raise step
        return step

    def ticket(self, ticket_id: str) -> Any:
        return self.request("GET", f"/tickets/{ticket_id}")


class Told:
    def __init__(self) -> None:
        self.q: queue.Queue[tuple[str, Any]] = queue.Queue()

    def next(self) -> tuple[str, Any]:
        return self.q.get(timeout=5)

    def feedback_waiting(self, job: FeedbackJob) -> None:
        self.q.put(("waiting", job.kind))

    def feedback_done(self, job: FeedbackJob, result: Any) -> None:
        self.q.put(("done", result))

    def feedback_refused(self, job: FeedbackJob, error: HubError) -> None:
        self.q.put(("refused", error.code))


@pytest.fixture
def desk() -> Iterator[Any]:
    made: list[FeedbackDesk] = []

    def make(hub: StubHub) -> tuple[FeedbackDesk, Told]:
        told = Told()
        d = FeedbackDesk(hub, told, retry_max_s=0.05).start()  # type: ignore[arg-type]
        made.append(d)
        return d, told

    yield make
    for d in made:
        d.close()


def rate(number: str = "A012", rating: int = 4) -> FeedbackJob:
    return FeedbackJob("rate", "rating", {"number": number, "rating": rating})


def test_numbers_and_ticket_ids() -> None:
    assert normalize_number("A12") == "A012" == normalize_number(" a 0012 ")
    assert normalize_number("B12345") == "B12345"
    for bad in ("12", "A", "A0", "AB12", "A123456", "Ä12", ""):
        assert normalize_number(bad) is None
    assert parse_ticket_id(TODAY_ID.upper()) == TODAY_ID
    assert parse_ticket_id("A012") is None and parse_ticket_id("x" * 36) is None
    pad = NumberEntry()
    for key in "12b3⌫A":
        pad.press(key)
    assert pad.text == "A123" and pad.number() == "A123"  # a second letter corrects the first
    pad.backspace()
    pad.backspace()
    assert pad.text == "A1"
    for key in "234567":
        pad.press(key)
    assert pad.text == "A12345"  # five digits at most


def test_a_rating_is_retried_while_the_hub_is_away_and_a_late_duplicate_is_success(desk) -> None:
    hub = StubHub(ratings=[unreachable(httpx.ReadTimeout("slow")),
                           HubError(409, "already_rated", "sudah")])
    d, told = desk(hub)
    assert d.submit(rate())
    assert told.next() == ("waiting", "rate")
    assert told.next() == ("done", {"number": "A012", "rating": 4})
    assert len(hub.calls) == 2 and not d.busy


def test_a_refusal_is_told_once_not_retried(desk) -> None:
    hub = StubHub(ratings=[HubError(409, "not_served", "belum")])
    d, told = desk(hub)
    d.submit(rate())
    assert told.next() == ("refused", "not_served")
    assert len(hub.calls) == 1


def test_one_job_at_a_time(desk) -> None:
    hub = StubHub(ratings=[{"number": "A012", "rating": 4}])
    hub.gate.clear()
    d, told = desk(hub)
    assert d.submit(rate())
    assert not d.submit(rate()) and d.busy  # a double tap
    hub.gate.set()
    assert told.next()[0] == "done"
    assert len(hub.calls) == 1


def test_a_complaint_is_resent_only_when_nothing_reached_the_hub(desk) -> None:
    answer = {"id": 7, "lapor": {"web": "lapor.go.id", "sms": "1708"}}
    hub = StubHub(complaints=[unreachable(httpx.ConnectError("refused")),
                              HubError(503, "storage_unavailable", "x"), answer])
    d, told = desk(hub)
    d.submit(FeedbackJob("complain", "complaint", {"category": "waktu", "text": "lama"}))
    assert told.next() == ("waiting", "complain")
    assert told.next() == ("done", answer)
    assert len(hub.calls) == 3

    maybe = StubHub(complaints=[unreachable(httpx.ReadTimeout("lost the answer")), answer])
    d2, told2 = desk(maybe)
    d2.submit(FeedbackJob("complain", "complaint", {"category": "waktu"}))
    assert told2.next() == ("refused", "maybe_sent")  # not sent twice; the resident is told
    assert len(maybe.calls) == 1


def test_a_scanned_ticket_must_be_todays_and_served(desk) -> None:
    served = {"id": TODAY_ID, "number": "A012", "service": "adminduk", "state": "served"}
    hub = StubHub(**{"/tickets": [served], "/tickets/by-number": [served]})
    d, told = desk(hub)
    d.submit(FeedbackJob("lookup", "rating", {"entry": TODAY_ID}))
    assert told.next() == ("done", {"id": TODAY_ID, "number": "A012", "service": "adminduk",
                                    "surveyed": False})

    old_id = str(uuid.uuid4())  # yesterday's A012: today's A012 is someone else's
    old = StubHub(**{"/tickets": [dict(served, id=old_id)], "/tickets/by-number": [served]})
    d2, told2 = desk(old)
    d2.submit(FeedbackJob("lookup", "rating", {"entry": old_id}))
    assert told2.next() == ("refused", "not_today")

    waiting = StubHub(**{"/tickets/by-number": [dict(served, state="waiting")]})
    d3, told3 = desk(waiting)
    d3.submit(FeedbackJob("lookup", "rating", {"entry": "a12"}))
    assert told3.next() == ("refused", "not_served")
    assert waiting.calls[0][1] == "/tickets/by-number/A012"
    d3.submit(FeedbackJob("lookup", "complaint", {"entry": "A12", "served": False}))
    assert told3.next()[0] == "done"  # a complaint may name a waiting ticket


# ----------------------------------------------------------------- the flows, no QML


class Desk:
    """A FeedbackDesk that keeps the jobs for the test to answer."""

    def __init__(self) -> None:
        self.jobs: list[FeedbackJob] = []

    def submit(self, job: FeedbackJob) -> bool:
        self.jobs.append(job)
        return True

    def hub_back(self) -> None:
        pass


@pytest.fixture
def vm(qtbot) -> Iterator[tuple[KioskViewModel, Desk]]:
    cfg = KioskConfig.model_validate({"buttons": {"mode": "rating"}})
    model = KioskViewModel(cfg)
    desk = Desk()
    model.attach(None, None, desk)  # type: ignore[arg-type]
    model.hub_info({"post": {"id": "p", "name": "Pos Uji"}})
    model.hub_services(SERVICES)
    model.hub_online(True)
    qtbot.waitUntil(lambda: model.screen == "start")
    yield model, desk
    model.deleteLater()


def answer(qtbot: Any, model: KioskViewModel, outcome: str, job: FeedbackJob,
           payload: Any) -> None:
    """The desk's answer, from another thread as in the kiosk."""
    thread = threading.Thread(target=getattr(model, f"feedback_{outcome}"),
                              args=(job, payload) if outcome != "waiting" else (job,))
    thread.start()
    thread.join()
    QCoreApplication.processEvents()  # deliver the queued hand-over


def test_rating_steps_and_refusals(vm, qtbot) -> None:
    model, desk = vm
    assert model.rating.letters == ["A", "B"]
    model.openRating()
    assert model.screen == "rate-entry"
    model.rating.next()
    assert model.rating.message == "Ketik huruf layanan lalu angkanya, misalnya A12."
    for key in "B7":
        model.rating.press(key)
    model.rating.next()
    model.rating.next()  # a second tap while the first is out
    assert [j.kind for j in desk.jobs] == ["lookup"] and model.screen == "busy"
    answer(qtbot, model, "refused", desk.jobs[0], HubError(404, "unknown_ticket", "x"))
    assert model.screen == "rate-entry"
    assert model.rating.message == \
        "Nomor B007 tidak ditemukan hari ini. Periksa nomor pada tiket Anda."
    model.rating.next()
    answer(qtbot, model, "done", desk.jobs[1], {"id": TODAY_ID, "number": "B007",
                                                "service": "kesehatan"})
    assert model.screen == "rate-faces" and model.rating.ticketText == "Nomor B007  ·  Kesehatan"
    model.toggleLang()
    assert model.rating.ticketText == "Number B007  ·  Health"
    assert model.rating.faces[0] == {"rating": 4, "label": "Very satisfied"}
    model.rating.rate(3)
    model.rating.rate(1)
    assert [j.kind for j in desk.jobs] == ["lookup", "lookup", "rate"]
    answer(qtbot, model, "waiting", desk.jobs[2], None)
    assert model.screen == "hub-down" and "B007" in model.pendingText
    answer(qtbot, model, "done", desk.jobs[2], {"number": "B007", "rating": 3})
    assert model.screen == "rate-thanks" and model.rating.chosenLabel == "Satisfied"
    model.rating.cancel()
    assert model.screen == "start" and model.lang == "id"


def test_rating_box_and_scanner_keys(vm, qtbot) -> None:
    model, desk = vm
    model.button_pressed(5)  # not a face in rating mode: nothing
    qtbot.wait(50)
    assert model.screen == "start" and not desk.jobs
    model.button_pressed(1)
    qtbot.waitUntil(lambda: model.screen == "rate-entry")
    assert "tombol wajah" in model.rating.message and not desk.jobs
    for ch in TODAY_ID + "\r":
        model.keyTyped(ch)
    assert desk.jobs[-1].data == {"entry": TODAY_ID}
    answer(qtbot, model, "done", desk.jobs[-1], {"id": TODAY_ID, "number": "A001",
                                                 "service": "adminduk"})
    model.button_pressed(4)  # button 4: Tidak puas
    qtbot.waitUntil(lambda: desk.jobs[-1].kind == "rate")
    assert desk.jobs[-1].data == {"number": "A001", "rating": 1}


def test_complaint_steps(vm, qtbot) -> None:
    model, desk = vm
    model.openComplaint()
    assert desk.jobs[0].kind == "categories" and model.screen == "busy"
    answer(qtbot, model, "done", desk.jobs[0], [{"id": "biaya", "name": "Biaya / pungutan",
                                                 "name_en": "Cost / illegal fees"}])
    assert model.screen == "complaint-category"
    model.complaint.choose("nope")
    model.complaint.choose("biaya")
    assert model.screen == "complaint-text" and model.complaint.categoryName == "Biaya / pungutan"
    for key in "DIMINTA UANG. KATANYA WAJIB":
        model.complaint.type(key)
    assert model.complaint.text == "Diminta uang. Katanya wajib"
    model.complaint.editNumber()
    for key in "A5":
        model.complaint.press(key)
    model.complaint.numberDone()
    assert model.complaint.number == "A005" and model.screen == "complaint-text"
    model.complaint.send()
    job = desk.jobs[-1]
    assert job.data == {"category": "biaya", "text": "Diminta uang. Katanya wajib",
                        "number": "A005"}
    answer(qtbot, model, "refused", job, HubError(0, "maybe_sent", "x"))
    assert model.screen == "complaint-text" and "SP4N-LAPOR!" in model.complaint.message
    model.complaint.send()
    answer(qtbot, model, "done", desk.jobs[-1], {"id": 3, "lapor": {"web": "lapor.go.id",
                                                                    "sms": "1708"}})
    assert model.screen == "complaint-sent"
    assert (model.complaint.laporWeb, model.complaint.laporSms) == ("lapor.go.id", "1708")
    model.complaint.cancel()
    model.openComplaint()  # the categories are kept: no second fetch
    assert model.screen == "complaint-category" and len(desk.jobs) == 3
    assert model.complaint.text == "" and model.complaint.number == ""


def test_a_flow_left_alone_goes_back_to_the_start(vm, qtbot, monkeypatch) -> None:
    model, _ = vm
    model.openRating()
    model.rating.press("A")
    model.rating._idle.setInterval(50)
    qtbot.waitUntil(lambda: model.screen == "start", timeout=2000)
    model.openRating()
    assert model.rating.entry == ""  # the next resident starts afresh


# ----------------------------------------------------------------- the rating box's config


def test_rating_buttons_in_the_config() -> None:
    cfg = parse_kiosk_config("""
        [buttons]
        port = "/dev/ttyACM0"
        mode = "rating"
        [buttons.map]
        5 = { service = "adminduk" }
        6 = { rating = 4 }
    """)
    b = cfg.buttons
    assert [b.rating_for(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [4, 3, 2, 1, None, 4, None]
    assert KioskConfig().buttons.rating_for(1) is None  # tickets mode: faces only if mapped


@pytest.mark.parametrize("text, named", [
    ("[buttons.map]\n2 = { rating = 5 }", "buttons.map.2.rating"),
    ("[buttons.map]\n2 = { rating = 4, service = 'a' }", "buttons.map.2: Value error, give either"),
    ("[buttons.map]\n2 = { rating = 4, priority = 'elderly' }", "buttons.map.2: Value error"),
    ("[buttons.map]\n2 = { }", "buttons.map.2: Value error, give either"),
    ("[buttons]\nmode = 'faces'", "buttons.mode"),
])
def test_a_wrong_rating_button_is_refused_by_name(text: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_kiosk_config(text, "kiosk.toml")
    assert named in str(err.value)


def test_a_long_complaint_keeps_its_language(vm, qtbot) -> None:
    model, desk = vm
    model.toggleLang()
    model.openComplaint()
    answer(qtbot, model, "done", desk.jobs[0], [{"id": "lainnya", "name": "Lainnya"}])
    model._idle_timer.setInterval(30)  # the start screen's idle reset, 45 s in the field
    model._idle_timer.start()
    qtbot.wait(100)
    assert model.lang == "en" and model.complaint.step == "category"
    model.complaint.cancel()
    assert model.lang == "id"  # closing the flow is what resets it


def test_no_rating_opens_under_the_staff_menu(vm, qtbot) -> None:
    model, desk = vm
    model.staff.show()
    for ch in TODAY_ID + "\r":
        model.keyTyped(ch)
    model.button_pressed(1)
    qtbot.wait(50)
    assert model.screen == "start" and not model.rating.step and not desk.jobs
