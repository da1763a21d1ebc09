"""``antrean kiosk --screenshot FILE [--screen …]``: render one kiosk screen to a PNG and exit.

With a hub (``--hub`` or ``[hub] url``) the tiles show its real services and counts; with none,
the packaged example post with sample counts. Nothing is issued, printed, rated, filed or
advertised: the confirmation, printer-fault, rating and complaint screens show sample data.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .config import KioskConfig

__all__ = ["render_screenshot", "sample_services", "staged"]

log = logging.getLogger(__name__)

SETTLE_S = 0.35  # long enough for the Canvas pictograms and text layout to be painted


def _want_offscreen() -> bool:
    """No display to show on: render offscreen (a headless build machine, a CI runner)."""
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def sample_services() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """/health and /services as the example post would answer on a busy morning."""
    from antrean.config import load_post_config

    post = load_post_config()
    waiting = [7, 3, 12, 0, 1, 4, 2, 5]
    services = []
    for i, s in enumerate(post.services):
        services.append({"id": s.id, "letter": s.letter, "name": s.name, "name_en": s.name_en,
                         "description": s.description, "description_en": s.description_en,
                         "open": i != len(post.services) - 1 or len(post.services) < 3,
                         "waiting": waiting[i % len(waiting)], "quota": s.quota, "issued": 0})
    now = datetime.now(post.tz).isoformat()
    return {"post": {"id": post.post.id, "name": post.post.name}, "time": now,
            "tz": post.post.timezone}, services


def _hub_data(cfg: KioskConfig, client: Any
              ) -> tuple[dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None]:
    """/health, /services and the hub's word on the kiosk, as the kiosk asks them."""
    from antrean.client import HubError
    from antrean.devicetoken import probe

    try:
        health, verdict = probe(client, "kiosk")
        return health, (client.services() if health is not None else []), verdict
    except HubError as exc:
        log.warning("hub not answering (%s): rendering what the kiosk shows then", exc)
        return None, [], None


def _sample_record(services: list[dict[str, Any]], post_name: str, lang: str,
                   fault: bool, issued_at: datetime | None = None, offline: bool = False) -> Any:
    from hardware.printer import PrintableTicket

    from .desk import TicketRecord
    from .models import make_tile

    tiles = [make_tile(s, lang) for s in services] or [
        {"serviceId": "adminduk", "letter": "A", "name": "Administrasi Kependudukan"}]
    tile = next((t for t in tiles if t.get("available", True)), tiles[0])
    printable = PrintableTicket(
        ticket_id="00000000-0000-4000-8000-000000000012", number=f"{tile['letter']}012",
        service_name=str(tile["name"]), post_name=post_name,
        issued_at=issued_at or datetime.now().astimezone(),
        people_ahead=None if offline else 3, estimated_wait_s=None if offline else 1440,
        priority_label=("Lansia" if lang == "id" else "Elderly") if fault else None, lang=lang)
    return TicketRecord({"id": printable.ticket_id}, printable, printed=not fault,
                        fault_kind="offline" if fault else None,
                        fault_message="Printer tidak tersambung" if fault else None,
                        offline=offline)


def _sample_reserve(services: list[dict[str, Any]]) -> dict[str, Any]:
    """A kiosk's reserve while the hub is away: most services with numbers left, the first
    used up, the closed ones closed."""
    from .outbox import ReserveState

    return {str(s["id"]): ReserveState(0 if i == 0 else 3, "ok" if s.get("open", True)
                                       else "closed")
            for i, s in enumerate(services)}


#: The hub's complaint categories (``GET /complaints/categories``), for a screenshot without one.
SAMPLE_CATEGORIES = [
    {"id": "waktu", "name": "Waktu tunggu terlalu lama", "name_en": "Waiting time too long"},
    {"id": "petugas", "name": "Sikap petugas", "name_en": "Staff behaviour"},
    {"id": "prosedur", "name": "Persyaratan / prosedur", "name_en": "Requirements / procedure"},
    {"id": "biaya", "name": "Biaya / pungutan", "name_en": "Cost / illegal fees"},
    {"id": "sarana", "name": "Sarana dan prasarana", "name_en": "Facilities"},
    {"id": "lainnya", "name": "Lainnya", "name_en": "Other"},
]


def _categories(cfg: KioskConfig, client: Any) -> list[dict[str, str]]:
    from antrean.client import HubError

    if cfg.hub.url:
        try:
            return list(client.request("GET", "/complaints/categories"))
        except HubError as exc:
            log.warning("no complaint categories from the hub (%s): samples", exc)
    return SAMPLE_CATEGORIES


def _sample_feedback(vm: Any, screen: str, services: list[dict[str, Any]],
                     categories: list[dict[str, str]]) -> None:
    """The rating and complaint screens, with a sample ticket of the post's second service."""
    from .i18n import STRINGS

    service = services[min(1, len(services) - 1)] if services else {"id": "", "letter": "B"}
    number = f"{service.get('letter', 'B')}012"
    ticket = {"id": "00000000-0000-4000-8000-000000000012", "number": number,
              "service": service["id"]}
    step = screen.split("-", 1)[1]
    if screen.startswith("survey-"):
        from antrean.skm import ELEMENT_IDS

        # The seventh question (perilaku), one answered before; a gap for "missing".
        answers = dict.fromkeys(ELEMENT_IDS[:8], 3) if step == "missing" else {"perilaku": 3}
        vm.survey.show_sample("question" if step == "question" else step, ticket=ticket,
                              index=6 if step == "question" else 2, answers=answers)
    elif screen.startswith("rate-"):
        message = STRINGS[vm.lang]["rateNotServed"] if step == "refused" else ""
        vm.rating.show_sample("entry" if step == "refused" else step, entry=number[0] + "12",
                              ticket=ticket, rating=4, message=message)
    else:
        text = ("Antrean terlalu lama, loket 2 kosong sejak jam 10 padahal banyak lansia "
                "menunggu") if step != "category" else ""
        vm.complaint.show_sample(step, categories=categories, category="waktu", text=text,
                                 number=number if step != "category" else "",
                                 entry=number[0] + "12")


def _settle(app: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


@contextlib.contextmanager
def staged(cfg: KioskConfig, screen: str, size: tuple[int, int],
           token: Any = None) -> Iterator[Any]:
    """A kiosk showing ``screen`` at ``size``, its window laid out and painted; closed after.

    What ``--screenshot`` saves, and what the legibility tests walk. Yields the
    :class:`~kiosk.runtime.Kiosk` (its ``window`` None if the QML did not load).
    """
    from PySide6.QtGui import QGuiApplication

    from hardware.printer import FakePrinter

    from .runtime import Kiosk

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    kiosk = Kiosk(cfg, printer=FakePrinter(cfg.printer.paper), advertise=False, token=token)
    try:
        verdict: dict[str, Any] | None = None
        if cfg.hub.url:
            health, services, verdict = _hub_data(cfg, kiosk.client)  # the client keeps its time
        else:
            health, services = sample_services()
            now = kiosk.client.clock.instant()
            kiosk.client.clock.observe_answer(health, "time", now, now)
        vm = kiosk.vm
        if health is not None or verdict is not None:
            if health is not None:
                vm.hub_info(health)
                vm.hub_services(services)
            if verdict is not None:
                vm.hub_auth(verdict)  # a hub that refuses the kiosk: the out-of-service screen
            vm.hub_online(True)
        app.processEvents()  # deliver the queued hand-overs
        post_name = (health or {}).get("post", {}).get("name", "")
        if screen in ("confirm", "printer-fault", "confirm-offline"):
            vm.show_sample(screen.removesuffix("-offline"), _sample_record(
                services, post_name, cfg.kiosk.lang, screen == "printer-fault",
                kiosk.client.clock.now(), offline=screen == "confirm-offline"))
        elif screen == "offline":
            vm.reserve_changed(_sample_reserve(services))
            vm.hub_online(False)
            app.processEvents()
        elif screen in ("hub-down", "out-of-service"):
            vm.show_sample(screen)
        elif screen.startswith(("rate-", "complaint-", "survey-")):
            _sample_feedback(vm, screen, services, _categories(cfg, kiosk.client))
        if kiosk.load(*size) is not None:
            _settle(app, SETTLE_S)
        yield kiosk
    finally:
        kiosk.close()


def render_screenshot(cfg: KioskConfig, path: str, screen: str, size: tuple[int, int],
                      token: Any = None) -> int:
    """Render ``screen`` at ``size`` to ``path``; 0 on success, 1 if QML or saving failed."""
    if _want_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with staged(cfg, screen, size, token) as kiosk:
        if kiosk.window is None:
            return 1
        image = kiosk.window.grabWindow()
        if image.isNull() or not image.save(path):
            print(f"antrean kiosk: could not write {path}", file=sys.stderr)
            return 1
        # The screen it shows, which may not be the one asked for: a hub that refuses the
        # kiosk makes it the out-of-service screen, as the kiosk would show it.
        print(f"{path}\t{kiosk.vm.screen}\t{size[0]}x{size[1]}")
        return 0
