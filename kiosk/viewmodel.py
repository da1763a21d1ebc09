"""The kiosk's view-model: Python owns the state, QML only shows it and calls the slots.

Screens (``screen``): ``start`` (tiles), ``busy`` (a request is out), ``confirm`` (the number,
~8 s), ``printer-fault`` (the number, the printer failed), ``refused`` (the hub said no),
``hub-down`` (the hub does not answer and the kiosk has no reserve to issue from; with one,
the start screen stays, each tile issuing from its reserve — see kiosk/outbox.py),
``out-of-service`` (the hub answers but refuses this kiosk, or the kiosk the hub's key: no
tiles, a word for residents and the fix for staff), and the steps of the satisfaction rating
(``rate-*``), the full SKM survey (``survey-*``) and the complaint (``complaint-*``), whose
state is in ``rating``, ``survey`` and ``complaint`` (see kiosk.flows). The desks and the hub link report from their own threads
through the listener methods below, which only emit queued signals; all state changes happen
on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from antrean.client import HubError
from antrean.config import PRIORITY_CATEGORIES
from antrean.devicetoken import TokenSource, out_of_service_detail
from antrean.palette import PRIORITY_COLOURS
from antrean.posttime import PostClock

from .complaint import ComplaintFlow
from .config import KioskConfig
from .desk import TicketDesk, TicketRecord, TicketRequest
from .feedback import FeedbackDesk, FeedbackJob
from .flows import Flows
from .hublink import HubLink
from .i18n import STRINGS, clock_text, people_ahead, wait_text
from .models import ServiceListModel, make_tile
from .outbox import OutboxTicket, ReserveState
from .rating import RatingFlow
from .staff import StaffMenu
from .survey import SurveyFlow

__all__ = ["KioskViewModel"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

#: A confirmation cannot be dismissed this soon: the second tap of a double tap lands on it.
DISMISS_GUARD_S = 1.5
IDLE_RESET_S = 45
REFUSED_S = 6


@QmlElement
@QmlUncreatable("KioskViewModel is made by the kiosk")
class KioskViewModel(QObject):
    """Everything the kiosk screen shows; see the module docstring."""

    changed = Signal()
    clockChanged = Signal()
    # Relays from the worker threads (queued: the receiver lives on the GUI thread).
    _onlineSig = Signal(bool)
    _infoSig = Signal(object)
    _servicesSig = Signal(object)
    _authSig = Signal(object)
    _waitingSig = Signal(object)
    _issuedSig = Signal(object, object)
    _refusedSig = Signal(object, object)
    _reprintedSig = Signal(object)
    _printerSig = Signal(bool, str, str)
    _buttonSig = Signal(int)
    _feedbackSig = Signal(str, object, object)
    _reserveSig = Signal(object)

    def __init__(self, cfg: KioskConfig, font_family: str = "DejaVu Sans",
                 parent: QObject | None = None, *, narrow_family: str = "",
                 clock: PostClock | None = None, token: TokenSource | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        # The post's time as the hub tells it (the hub client keeps it): a Pi's own clock
        # may be days off after a cold start, so nothing is shown until the hub answered.
        self._post_clock = clock or PostClock()
        self._font, self._narrow = font_family, narrow_family
        self._lang: str = cfg.kiosk.lang
        self._default_lang: str = cfg.kiosk.lang
        self._token = token
        self._auth: dict[str, Any] | None = None  # the hub's word on this kiosk, when known
        self._post_name = ""
        self._clock = ("", "")
        self._online = False
        self._raw_services: list[dict[str, Any]] = []
        self._early_press: int | None = None  # a button pressed before the services came
        self._services = ServiceListModel(self)
        self._priority = ""
        self._pending: TicketRequest | None = None
        self._pending_waiting = False
        self._shown: tuple[str, Any] | None = None  # (screen, TicketRecord | message)
        self._shown_at = 0.0
        self._printer_ok, self._printer_message = True, ""
        # The kiosk's reserve per service (None: no outbox, so no offline issuing).
        self._reserve: dict[str, ReserveState] | None = None
        self._desk: TicketDesk | None = None
        self._link: HubLink | None = None
        self._flows = Flows(strings=lambda: STRINGS[self._lang], lang=lambda: self._lang,
                            tiles=self._services.tiles, closed=self._flow_closed, parent=self)
        for flow in (self._flows.rating, self._flows.survey, self._flows.complaint):
            flow.changed.connect(self.changed)
        self._staff = StaffMenu(cfg.staff.pin_hash, history=self._history, reprint=self._reprint,
                                strings=lambda: STRINGS[self._lang], status=self._status,
                                parent=self)
        self._shown_timer = QTimer(self, singleShot=True)
        self._shown_timer.timeout.connect(self._end_shown)
        self._idle_timer = QTimer(self, singleShot=True, interval=IDLE_RESET_S * 1000)
        self._idle_timer.timeout.connect(self._idle_reset)
        self._clock_timer = QTimer(self, interval=1000)
        self._clock_timer.timeout.connect(self._tick)
        for sig, slot in ((self._onlineSig, self._on_online), (self._infoSig, self._on_info),
                          (self._servicesSig, self._on_services),
                          (self._authSig, self._on_auth),
                          (self._waitingSig, self._on_waiting), (self._issuedSig, self._on_issued),
                          (self._refusedSig, self._on_refused),
                          (self._reprintedSig, self._on_reprinted),
                          (self._printerSig, self._on_printer), (self._buttonSig, self._on_button),
                          (self._feedbackSig, self._on_feedback),
                          (self._reserveSig, self._on_reserve)):
            sig.connect(slot)
        self._tick()

    def attach(self, desk: TicketDesk | None, link: HubLink | None,
               feedback: FeedbackDesk | None = None) -> None:
        """Give the view-model its desks and hub link (they need it as their listener first)."""
        self._desk, self._link, self._flows.desk = desk, link, feedback
        self._clock_timer.start()

    # ----- properties QML binds to ----------------------------------------------------------
    @Property(str, notify=changed)
    def postName(self) -> str:  # noqa: N802
        return self._post_name

    @Property(str, notify=clockChanged)
    def clockDate(self) -> str:  # noqa: N802
        return self._clock[0]

    @Property(str, notify=clockChanged)
    def clockTime(self) -> str:  # noqa: N802
        return self._clock[1]

    @Property(str, notify=changed)
    def lang(self) -> str:
        return self._lang

    @Property("QVariantMap", notify=changed)
    def words(self) -> dict[str, str]:
        """Every fixed text of the screens in the current language (not ``tr``: QObject has one)."""
        return STRINGS[self._lang]

    @Property(str, constant=True)
    def fontFamily(self) -> str:  # noqa: N802
        return self._font

    @Property("QVariantMap", constant=True)
    def priorityColors(self) -> dict[str, str]:  # noqa: N802
        """One colour per priority category, shared with the counter and the display."""
        return dict(PRIORITY_COLOURS)

    @Property(str, constant=True)
    def narrowFontFamily(self) -> str:  # noqa: N802
        """A narrow face for service names that would not fit ("" if none is installed)."""
        return self._narrow

    @Property(str, notify=changed)
    def screen(self) -> str:
        if self._shown is not None:
            return self._shown[0]
        if self._pending is not None:
            return "hub-down" if self._pending_waiting else "busy"
        if self.out_of_service:
            return "out-of-service"
        flow = self._flows.active()
        if flow is not None:
            if flow.busy:
                return "hub-down" if flow.waiting else "busy"
            if self._online or flow.showing_result:
                return flow.screen
        if not self._services.rowCount() or not (self._online or self._offline):
            return "hub-down"
        return "start"

    @property
    def out_of_service(self) -> bool:
        """The hub answers but refuses this kiosk (no token, an unknown one, another role's),
        or the kiosk refuses the hub's key."""
        return self._online and self._auth is not None and not self._auth["ok"]

    @Property("QVariantMap", notify=changed)
    def outOfService(self) -> dict[str, str]:  # noqa: N802
        """The staff-facing lines of the out-of-service screen (hub, refused, fix, after)."""
        if self._auth is None or self._auth["ok"]:
            return dict.fromkeys(("hub", "refused", "fix", "fix2", "after"), "")
        return out_of_service_detail(self._auth, role="kiosk", post_name=self._post_name,
                                     source=self._token, lang=self._lang)

    @Property(bool, notify=changed)
    def offline(self) -> bool:
        """The hub is away and the kiosk issues from its reserve (the start screen says so)."""
        return self._offline

    @property
    def _offline(self) -> bool:
        return not self._online and bool(self._reserve)

    @Property(RatingFlow, constant=True)
    def rating(self) -> RatingFlow:
        return self._flows.rating

    @Property(SurveyFlow, constant=True)
    def survey(self) -> SurveyFlow:
        return self._flows.survey

    @Property(ComplaintFlow, constant=True)
    def complaint(self) -> ComplaintFlow:
        return self._flows.complaint

    @Property(str, notify=changed)
    def busyText(self) -> str:  # noqa: N802
        return STRINGS[self._lang]["busy" if self._pending is not None else "sending"]

    @Property(bool, notify=changed)
    def hubOnline(self) -> bool:  # noqa: N802
        return self._online

    @Property(bool, notify=changed)
    def printerOk(self) -> bool:  # noqa: N802
        return self._printer_ok

    @Property(ServiceListModel, constant=True)
    def services(self) -> ServiceListModel:
        return self._services

    @Property(StaffMenu, constant=True)
    def staff(self) -> StaffMenu:
        return self._staff

    @Property("QVariantList", notify=changed)
    def priorities(self) -> list[dict[str, str]]:
        return [{"id": p, "label": self._priority_label(p) or p, "icon": p}
                for p in self._cfg.kiosk.priorities]

    @Property(str, notify=changed)
    def priority(self) -> str:
        return self._priority

    @Property(str, notify=changed)
    def priorityBanner(self) -> str:  # noqa: N802
        if not self._priority:
            return ""
        return STRINGS[self._lang]["priorityChosen"].format(
            label=self._priority_label(self._priority))

    @Property("QVariantMap", notify=changed)
    def ticket(self) -> dict[str, Any]:
        if self._shown is None or not isinstance(self._shown[1], TicketRecord):
            return {"number": "", "service": "", "priority": "", "ahead": "", "wait": ""}
        rec: TicketRecord = self._shown[1]
        t = rec.printable
        words = STRINGS[self._lang]
        if t.people_ahead is None:  # issued offline: only the hub knows who is ahead
            ahead, wait = words["offlineAhead"], words["offlineWait"]
        else:
            ahead = people_ahead(t.people_ahead, self._lang)
            wait = wait_text(t.estimated_wait_s, self._lang)
        return {"number": t.number, "service": t.service_name, "priority": t.priority_label or "",
                "ahead": ahead, "wait": wait, "printed": rec.printed, "offline": rec.offline}

    @Property(str, notify=changed)
    def message(self) -> str:
        if self._shown is not None and isinstance(self._shown[1], str):
            return self._shown[1]
        return ""

    @Property(str, notify=changed)
    def pendingText(self) -> str:  # noqa: N802
        if self._pending is None:
            flow = self._flows.active()
            return flow.pending_text() if flow is not None and flow.waiting else ""
        return STRINGS[self._lang]["hubDownPending"].format(service=self._pending.service_name)

    @Property(float, notify=changed)
    def shownSeconds(self) -> float:  # noqa: N802
        return self._shown_timer.interval() / 1000

    # ----- what residents do ---------------------------------------------------------------
    @Slot(str, result=bool)
    def take(self, service_id: str) -> bool:
        """A tile was touched: take a ticket (with the chosen priority, if any)."""
        self._touched()
        if self.screen != "start":
            return False
        return self._take(service_id, self._priority or None, "touch")

    @Slot(str)
    def choosePriority(self, priority: str) -> None:  # noqa: N802
        """Toggle a priority choice; the next tile touched takes a priority ticket."""
        self._touched()
        if priority and priority not in self._cfg.kiosk.priorities:
            return
        self._priority = "" if priority == self._priority else priority
        self.changed.emit()

    @Slot()
    def dismiss(self) -> None:
        """"Done" on a confirmation: back to the start (not within the double-tap guard)."""
        if self._shown is not None and time.monotonic() - self._shown_at >= DISMISS_GUARD_S:
            self._end_shown()

    @Slot()
    def toggleLang(self) -> None:  # noqa: N802
        self._touched()
        self._set_lang("en" if self._lang == "id" else "id")

    @Slot()
    def openRating(self) -> None:  # noqa: N802
        """"Nilai layanan kami" on the start screen."""
        self._touched()
        if self.screen == "start":
            self._flows.rating.open()

    @Slot()
    def openComplaint(self) -> None:  # noqa: N802
        """"Kirim pengaduan" on the start screen."""
        self._touched()
        if self.screen == "start":
            self._flows.complaint.open()

    @Slot(str)
    def keyTyped(self, text: str) -> None:  # noqa: N802
        """A key from a keyboard: a USB barcode scanner types the ticket's QR, then Enter."""
        self._touched()
        self._flows.key(text, at_start=self.screen == "start" and not self._staff.open)

    def button_pressed(self, number: int) -> None:
        """A button of the box was pressed (any thread)."""
        self._buttonSig.emit(number)

    def _take(self, service_id: str, priority: str | None, source: str) -> bool:
        tile = self._services.tile(service_id)
        if tile is None or self._pending is not None or self._desk is None:
            return False
        if self.out_of_service:  # a button box pressed while the hub refuses us: nothing sent
            log.warning("%s: not taking %s: the hub refuses this kiosk", source, service_id)
            return False
        tr = STRINGS[self._lang]
        if not tile["available"]:
            self._show("refused", f"{tile['name']}: {tile['statusText']}", REFUSED_S)
            return False
        req = TicketRequest(service=service_id, priority=priority, service_name=tile["name"],
                            priority_label=self._priority_label(priority) if priority else None,
                            post_name=self._post_name or tr["title"], lang=self._lang,
                            source=source)
        if not self._desk.submit(req):
            return False
        log.info("%s: taking %s%s (request %s)", source, service_id,
                 f" ({priority})" if priority else "", req.request_id)
        self._pending, self._pending_waiting = req, False
        self.changed.emit()
        return True

    def _on_button(self, number: int) -> None:
        rating = self._cfg.buttons.rating_for(number)
        if rating is not None and self._flows.survey.active:
            self._flows.survey.box_press(rating)
            return
        if rating is not None:
            self._flows.rating.box_press(rating, may_open=self.screen == "start"
                                         and not self._staff.open)
            return
        if self._flows.active() is not None:
            return  # a ticket button pressed while someone rates or complains: not theirs
        mapped = self._cfg.buttons.map.get(number)
        tiles = self._services.tiles()
        if not self._raw_services:
            # Just after start the hub's services are not known yet: keep the press (the
            # latest one) and take it when they arrive, rather than drop a resident's ticket.
            log.info("button %d pressed before the services are known: held", number)
            self._early_press = number
            return
        if mapped is not None and mapped.service is not None:
            service, priority = mapped.service, mapped.priority
        elif 1 <= number <= len(tiles):
            service, priority = tiles[number - 1]["serviceId"], None
        else:
            log.warning("button %d is not mapped to a service; ignored", number)
            return
        if self._services.tile(service) is None:
            log.warning("button %d: service %r is not offered here; ignored", number, service)
            return
        self._take(service, priority, "button")

    # ----- results (GUI thread) ----------------------------------------------------------
    def _on_issued(self, request: TicketRequest, record: TicketRecord) -> None:
        self._pending = None
        self._priority = ""
        kind = "confirm" if record.printed else "printer-fault"
        seconds = self._cfg.kiosk.confirm_s if record.printed else self._cfg.kiosk.fault_s
        self._show(kind, record, seconds)
        self._staff.refresh()

    def _on_refused(self, request: TicketRequest, error: HubError) -> None:
        self._pending = None
        if error.status == 401:
            # The token was taken back while we ran (revoked): not the resident's business.
            # Out of service at once; the hub link's look (now) confirms and words it.
            self._on_auth({"ok": False, "reason": "refused", "message": error.message,
                           "message_en": error.message_en, "role": "", "name": "",
                           "hub_url": (self._auth or {}).get("hub_url", "")})
            if self._link is not None:
                self._link.refresh()
            return
        text = error.message_en if self._lang == "en" and error.message_en else error.message
        self._show("refused", text or str(error), REFUSED_S)
        if self._link is not None:
            self._link.refresh()  # a closed service or full quota: the tiles should say so

    def _on_waiting(self, request: TicketRequest) -> None:
        if self._pending is not None and self._pending.request_id == request.request_id:
            self._pending_waiting = True
            self.changed.emit()
        if self._link is not None:
            self._link.refresh()

    def _on_reprinted(self, record: TicketRecord) -> None:
        self._staff.reprinted(record)

    def _on_printer(self, ok: bool, kind: str, message: str) -> None:
        self._printer_ok, self._printer_message = ok, message
        self.changed.emit()
        self._staff.refresh()

    def _on_online(self, online: bool) -> None:
        self._online = online
        if online and self._desk is not None:
            self._desk.hub_back()
        if online:
            self._flows.hub_back()
        self._rebuild_tiles()  # offline, the tiles follow the reserve
        self._staff.refresh()

    def _on_reserve(self, states: dict[str, ReserveState]) -> None:
        self._reserve = states
        self._rebuild_tiles()

    def _on_info(self, health: dict[str, Any]) -> None:
        self._post_name = str(health.get("post", {}).get("name", ""))
        self.changed.emit()
        self._tick()

    def _on_auth(self, verdict: dict[str, Any]) -> None:
        if verdict == self._auth:
            return
        self._auth = verdict
        self.changed.emit()
        self._staff.refresh()

    def _on_services(self, services: list[dict[str, Any]]) -> None:
        self._raw_services = services
        self._rebuild_tiles()
        if self._early_press is not None and services:
            number, self._early_press = self._early_press, None
            self._on_button(number)

    # ----- screen bookkeeping ---------------------------------------------------------------
    def _show(self, kind: str, what: Any, seconds: float) -> None:
        self._shown, self._shown_at = (kind, what), time.monotonic()
        self._shown_timer.start(int(seconds * 1000))
        self.changed.emit()

    def _end_shown(self) -> None:
        self._shown_timer.stop()
        if self._shown is None:
            return
        self._shown = None
        self._priority = ""
        self._set_lang(self._default_lang)  # the next resident most likely reads Indonesian
        self.changed.emit()

    def _touched(self) -> None:
        self._idle_timer.start()

    def _idle_reset(self) -> None:
        # A rating or complaint has its own idle timeout (typing takes a while).
        if self._shown is None and self._pending is None and self._flows.active() is None:
            self._priority = ""
            self._set_lang(self._default_lang)
            self.changed.emit()

    def _set_lang(self, lang: str) -> None:
        if lang != self._lang:
            self._lang = lang
            self._rebuild_tiles()
            self._tick()
            self._flows.refresh()
            self.changed.emit()

    def _rebuild_tiles(self) -> None:
        # Offline the tiles follow the reserve: a service the hub gave no status is used up.
        reserve = self._reserve if self._offline and self._reserve is not None else None
        self._services.set_tiles([
            make_tile(s, self._lang, None if reserve is None
                      else reserve.get(str(s.get("id")), ReserveState(0, "ok")))
            for s in self._raw_services])
        self.changed.emit()

    def _tick(self) -> None:
        text = clock_text(self._post_clock.now(), self._lang)
        if text != self._clock:
            self._clock = text
            self.clockChanged.emit()

    def _priority_label(self, priority: str | None) -> str | None:
        cat = PRIORITY_CATEGORIES.get(priority or "")
        if cat is None:
            return None
        return cat.name_en if self._lang == "en" else cat.name

    # ----- the rating and complaint flows ------------------------------------------------
    def _flow_closed(self) -> None:
        self._set_lang(self._default_lang)  # the next resident most likely reads Indonesian
        self.changed.emit()

    def _on_feedback(self, outcome: str, job: FeedbackJob, payload: Any) -> None:
        self._flows.answer(outcome, job, payload)
        if outcome == "waiting" and self._link is not None:
            self._link.refresh()  # the hub link decides when the screen says "hub down"

    def _history(self) -> list[TicketRecord]:
        return self._desk.history() if self._desk is not None else []

    def _reprint(self, ticket_id: str) -> bool:
        return self._desk.reprint(ticket_id) if self._desk is not None else False

    def _status(self) -> dict[str, Any]:
        printer = self._printer_message or ("OK" if self._printer_ok else "?")
        return {"printer": printer, "hub": self._online}

    # ----- listener methods (worker threads): hand over, nothing else ---------------------
    def hub_online(self, online: bool) -> None:
        self._onlineSig.emit(online)

    def hub_info(self, health: dict[str, Any]) -> None:
        self._infoSig.emit(health)

    def hub_services(self, services: list[dict[str, Any]]) -> None:
        self._servicesSig.emit(services)

    def hub_auth(self, verdict: dict[str, Any]) -> None:
        self._authSig.emit(verdict)

    def hub_waiting(self, request: TicketRequest) -> None:
        self._waitingSig.emit(request)

    def issued(self, request: TicketRequest, record: TicketRecord) -> None:
        self._issuedSig.emit(request, record)

    def refused(self, request: TicketRequest, error: HubError) -> None:
        self._refusedSig.emit(request, error)

    def reprinted(self, record: TicketRecord) -> None:
        self._reprintedSig.emit(record)

    def printer_changed(self, ok: bool, kind: str, message: str) -> None:
        self._printerSig.emit(ok, kind, message)

    def reserve_changed(self, states: dict[str, ReserveState]) -> None:
        self._reserveSig.emit(states)

    def late_refused(self, ticket: OutboxTicket, error: HubError) -> None:
        # The resident has gone with the printed number; the sender has logged it for staff.
        log.debug("offline ticket %s refused by the hub: %s", ticket.number, error)

    def feedback_waiting(self, job: FeedbackJob) -> None:
        self._feedbackSig.emit("waiting", job, None)

    def feedback_done(self, job: FeedbackJob, result: Any) -> None:
        self._feedbackSig.emit("done", job, result)

    def feedback_refused(self, job: FeedbackJob, error: HubError) -> None:
        self._feedbackSig.emit("refused", job, error)

    # ----- for --screenshot -----------------------------------------------------------------
    def show_sample(self, screen: str, record: TicketRecord | None = None) -> None:
        """Put the screen in a given state with sample data (no hub is asked)."""
        if screen in ("confirm", "printer-fault") and record is not None:
            self._show(screen, record, 3600)
        elif screen == "hub-down":
            self._online = False
            self.changed.emit()
        elif screen == "out-of-service":
            self._online = True
            self._on_auth({"ok": False, "reason": "refused", "message": "Token tidak dikenal.",
                           "message_en": "Unknown token.", "role": "", "name": "",
                           "hub_url": "https://10.0.0.2:8470"})
