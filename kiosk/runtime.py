"""The kiosk's parts, built from its config, started in order and stopped in reverse.

:class:`Kiosk` is what ``antrean kiosk`` runs and what the tests and the benchmark drive: the
printer, the hub client, the outbox and its sender (with a data folder: issuing while the hub
is away), the view-model, the desk (issue + print), the feedback desk (ratings and
complaints), the hub link, the button box, the mDNS advertisement and the QML window.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine

from antrean.client import HubClient
from antrean.devicetoken import TokenSource
from hardware.printer import TicketPrinter, make_printer

from .config import KioskConfig, default_name
from .desk import TicketDesk
from .feedback import FeedbackDesk
from .hublink import HubLink, KioskAdvertiser
from .outbox import Outbox
from .sender import OutboxSender
from .viewmodel import KioskViewModel

__all__ = ["Kiosk", "QML_DIR", "pick_font_family", "pick_narrow_family"]

log = logging.getLogger(__name__)

QML_DIR = Path(__file__).resolve().with_name("qml")
QML_MODULE = "AntreanKiosk"

#: Fonts with Indonesian's Latin letters and the ✓ ⚠ ● glyphs the screens use, best first.
FONT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Liberation Sans", "FreeSans")


#: Narrow faces for a long service name on a small panel, best first (one of them ships with
#: each family above).
NARROW_FAMILIES = ("DejaVu Sans Condensed", "Noto Sans Condensed", "Liberation Sans Narrow",
                   "FreeSans Condensed")


def pick_font_family() -> str:
    """The first installed family of :data:`FONT_FAMILIES`, else Qt's default."""
    installed = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in installed:
            return family
    return QGuiApplication.font().family()


def pick_narrow_family() -> str:
    """The first installed family of :data:`NARROW_FAMILIES`, else "" (none: names wrap)."""
    installed = set(QFontDatabase.families())
    return next((f for f in NARROW_FAMILIES if f in installed), "")


class _LinkFanout:
    """Hands the hub link's news to the view-model, starts mDNS once the post is known, and
    keeps in the outbox what a restart with no hub needs (the post, its services, the
    hub's clock)."""

    def __init__(self, vm: KioskViewModel, client: HubClient,
                 advertiser: KioskAdvertiser | None, outbox: Outbox | None,
                 sender: OutboxSender | None) -> None:
        self._vm, self._client, self._adv = vm, client, advertiser
        self._outbox, self._sender = outbox, sender
        self._health: dict[str, Any] = {}

    def hub_online(self, online: bool) -> None:
        self._vm.hub_online(online)
        if online and self._sender is not None:
            self._sender.kick()

    def hub_info(self, health: dict[str, Any]) -> None:
        self._health = health
        self._vm.hub_info(health)
        post = health.get("post", {}).get("id")
        if self._adv is not None and post:
            self._adv.start_for(self._client.url, str(post))

    def hub_services(self, services: list[dict[str, Any]]) -> None:
        self._vm.hub_services(services)
        if self._outbox is not None:
            try:
                self._outbox.remember_hub(self._health, services)
                self._outbox.remember_clock(self._client.clock)
            except Exception:  # a full card must not stop the kiosk watching its hub
                log.exception("could not keep the hub's services in the outbox")

    def hub_auth(self, verdict: dict[str, Any]) -> None:
        self._vm.hub_auth(verdict)


class Kiosk:
    """One kiosk. ``printer`` may be given (tests, bench); otherwise made from the config.
    ``token``: where its token comes from while it runs (default: the config's, as read)."""

    def __init__(self, cfg: KioskConfig, *, printer: TicketPrinter | None = None,
                 token: TokenSource | None = None,
                 advertise: bool | None = None, online_poll_s: float = 15.0,
                 offline_poll_s: float = 1.0, printer_poll_s: float = 10.0,
                 data_dir: str | Path | None = None) -> None:
        """``data_dir``: the kiosk's own folder (its outbox); None: no offline issuing.
        Raises :class:`kiosk.outbox.OutboxError` when the folder cannot be used."""
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication):
            raise RuntimeError("create the QGuiApplication before the Kiosk")
        self.cfg = cfg
        family = pick_font_family()
        app.setFont(QFont(family))  # QML Text uses the application font unless told otherwise
        self.printer = printer or make_printer(cfg.printer.spec, cfg.printer.paper)
        self.client = HubClient(cfg.hub.url or None, cfg.hub.token or None,
                                post=cfg.hub.post or None, timeout=cfg.hub.timeout_s,
                                interfaces=cfg.mdns.interfaces or None,
                                fingerprint=cfg.hub.fingerprint or None)
        self.token = token or TokenSource(token=cfg.hub.token, fingerprint=cfg.hub.fingerprint,
                                          token_file=cfg.hub.token_file)
        self.token.apply(self.client)
        self.vm = KioskViewModel(cfg, font_family=family, narrow_family=pick_narrow_family(),
                                 clock=self.client.clock,
                                 token=self.token)
        self.outbox = Outbox(data_dir) if data_dir is not None else None
        self.sender = (OutboxSender(self.client, self.outbox, self.vm,
                                    on_silent=lambda: self.link.refresh())
                       if self.outbox is not None else None)
        self.desk = TicketDesk(self.client, self.printer, self.vm, history=cfg.staff.history,
                               printer_poll_s=printer_poll_s, outbox=self.outbox,
                               sender=self.sender, online=lambda: self.link.online,
                               online_wait_s=cfg.kiosk.online_wait_s)
        self.feedback = FeedbackDesk(self.client, self.vm)
        advertise = cfg.mdns.advertise if advertise is None else advertise
        self.advertiser = (KioskAdvertiser(cfg.kiosk.name or default_name(),
                                           cfg.mdns.interfaces) if advertise else None)
        self.link = HubLink(self.client, _LinkFanout(self.vm, self.client, self.advertiser,
                                                     self.outbox, self.sender),
                            online_poll_s=online_poll_s, offline_poll_s=offline_poll_s,
                            token=self.token)
        self.vm.attach(self.desk, self.link, self.feedback)
        if self.outbox is not None:
            self._recall(self.outbox)
        self.buttons: Any = None
        if cfg.buttons.port:
            from hardware.buttons import ButtonBox

            self.buttons = ButtonBox(cfg.buttons.port, self.vm.button_pressed,
                                     baud=cfg.buttons.baud)
        self.engine: QQmlApplicationEngine | None = None
        self.window: Any = None
        self._started = self._closed = False

    def _recall(self, outbox: Outbox) -> None:
        """What the kiosk knew before it (re)started — the post, its services, its reserve,
        the hub's clock — so it keeps issuing from its reserve if the hub does not answer.
        The hub's first answer replaces all of it."""
        outbox.prune()
        outbox.seed_clock(self.client.clock)
        services = outbox.meta("services") or []
        if services:
            self.vm.hub_info({"post": {"id": outbox.meta("post", ""),
                                       "name": outbox.meta("post_name", "")},
                              "tz": outbox.meta("tz", "")})
            self.vm.hub_services(services)
        self.vm.reserve_changed(outbox.reserve_states(self.client.clock.now()))
        pending = len(outbox.pending())
        if pending:
            log.info("%d ticket(s) issued while the hub was away wait to be sent", pending)

    def load(self, width: int = 1024, height: int = 600, *, fullscreen: bool = False) -> Any:
        """Load the QML window; returns it, or None if the QML did not load."""
        import PySide6.QtQuick  # noqa: F401 - QQuickWindow (grabWindow, frameSwapped) bindings

        engine = QQmlApplicationEngine()
        engine.addImportPath(str(QML_DIR))
        engine.setInitialProperties({"vm": self.vm, "width": width, "height": height})
        engine.loadFromModule(QML_MODULE, "Main")
        self.engine = engine
        roots = engine.rootObjects()
        if not roots:
            log.error("the kiosk's QML did not load")
            return None
        self.window = roots[0]
        if fullscreen:
            self.window.showFullScreen()
        return self.window

    def start(self) -> Kiosk:
        """Start the worker threads: desk, feedback desk, hub link, button box."""
        self.desk.start()
        if self.sender is not None:
            self.sender.start()
        self.feedback.start()
        self.link.start()
        if self.buttons is not None:
            self.buttons.start()
        self._started = True
        return self

    def close(self) -> None:
        """Stop everything in reverse order; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        # QML first, before the workers: closing the feedback flow frees objects its screens
        # (keypad, rating, survey, complaint) bind to, and live bindings then read undefined.
        # Everything is deleted now and on this (the GUI) thread: left to Python's cyclic GC, a
        # QObject with timers may be freed from whichever thread collects, which Qt does not survive.
        if self.window is not None:
            self.window.close()
        if self.engine is not None:
            self.window = None
            self.engine.deleteLater()
            self.engine = None
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if self.buttons is not None:
            self.buttons.close()
        self.link.close()
        self.feedback.close()
        self.desk.close()
        if self.sender is not None:
            self.sender.close()
        if self.advertiser is not None:
            self.advertiser.close()
        self.vm.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.client.close()
        self.printer.close()
        if self.outbox is not None:
            self.outbox.close()
