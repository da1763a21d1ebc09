"""The view-model QML shows: ``CounterViewModel`` wires the desk to the hub and the LAN.

It owns a :class:`~counter.desk.Desk` (the state), a :class:`~counter.hublink.HubLink`
(the hub, on a worker thread) and a :class:`~counter.lan.LanLink` (mDNS). QML reads one
property, ``view`` (plain data rebuilt from the desk), and calls slots: ``press``,
``chooseTransfer``, ``chooseNumber``, ``toggleLang``, ``key``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement

from antrean.devicetoken import TokenSource
from antrean.discovery import device_interfaces

from .claim import holder_of, used_numbers, winner_over
from .desk import Desk
from .hublink import HubLink
from .keys import action_for_key, digit_for_key, is_cancel_key, is_confirm_key
from .lan import LanLink
from .nikpanel import NikPanel
from .rows import RowsModel
from .texts import text

__all__ = ["CounterViewModel", "Options"]

QML_IMPORT_NAME = "AntreanCounter"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

REFRESH_UP_MS = 3000  # /queue poll while connected: also how soon a dead hub is noticed
REFRESH_DOWN_MS = 1500  # probe while the hub is down
RECONNECT_MS = 2000  # retry the first contact


#: The lists QML shows through list models, and their roles.
_MODEL_KEYS = {
    "actions": ("action", "label", "key", "allowed"),
    "queue": ("letter", "name", "waiting", "priority", "oldest", "open"),
    "others": ("number", "counterState", "stateText", "ticket", "onLan", "lanText"),
    "alerts": ("line",),
    "transfer": ("service", "key", "letter", "name"),
    "free": ("number",),
}
_LISTS = frozenset({"actions", "queue", "others", "alerts"})


class Options:
    """What the app decided from config and command line (plain values)."""

    def __init__(self, *, url: str | None, token: str | TokenSource, post: str | None = None,
                 number: int | None = None, name: str = "counter",
                 services: list[str] | None = None, lang: str = "id", next_guard_s: float = 2.0,
                 mdns: bool = True, interfaces: list[str] | None = None,
                 claim_wait_s: float = 2.5, state_file: Path | None = None,
                 fingerprint: str | None = None) -> None:
        # A TokenSource looks at the config and the token file again while the counter runs.
        self.token = token if isinstance(token, TokenSource) else TokenSource(token)
        self.url, self.post, self.number, self.name = url, post, number, name
        self.fingerprint = fingerprint  # the hub key pinned at pairing
        self.services, self.lang, self.next_guard_s = services or None, lang, next_guard_s
        self.mdns, self.interfaces, self.claim_wait_s = mdns, interfaces, claim_wait_s
        self.state_file = state_file


@QmlElement
class CounterViewModel(QObject):
    """One counter's screen state; Python owns it, QML only shows ``view``."""

    viewChanged = Signal()

    def __init__(self, options: Options | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.opts = options or Options(url=None, token="", mdns=False)
        o = self.opts
        self.desk = Desk(lang=o.lang, services=o.services, next_guard_s=o.next_guard_s,
                         token=o.token)
        self._models = {name: RowsModel(keys, self) for name, keys in _MODEL_KEYS.items()}
        self._view: dict[str, Any] = {}
        self._since_ms: int | None = None
        self._post_id: str | None = o.post
        self._wanted = self._initial_number()
        self._hub: HubLink | None = None
        self._lan: LanLink | None = None
        self._refreshing = self._refresh_again = False
        self._timers: list[QTimer] = []
        self._render_timer = self._timer(0, self._render, single=True)
        self._tick = self._timer(1000, self._changed)
        self._poll = self._timer(REFRESH_UP_MS, self._refresh)
        self._debounce = self._timer(150, self._refresh, single=True)
        self._reconnect = self._timer(RECONNECT_MS, self._connect, single=True)
        self._claim_timer = self._timer(int(o.claim_wait_s * 1000), self._decide, single=True)
        self._nik = NikPanel(self)
        self._render()

    def _timer(self, ms: int, fn: Any, *, single: bool = False) -> QTimer:
        t = QTimer(self)
        t.setInterval(ms)
        t.setSingleShot(single)
        t.timeout.connect(fn)
        self._timers.append(t)
        return t

    # ----- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Contact the hub (and later the LAN); returns at once."""
        self._hub = HubLink(self.opts.url, self.opts.token, post=self.opts.post,
                            interfaces=self.opts.interfaces, clock=self.desk.clock,
                            fingerprint=self.opts.fingerprint, parent=self)
        self._hub.hello.connect(self._on_hello)
        self._hub.auth.connect(self._on_auth)
        self._hub.queue_loaded.connect(self._on_queue)
        self._hub.done.connect(self._on_done)
        self._hub.failed.connect(self._on_failed)
        self._hub.hub_event.connect(self._on_event)
        self._hub.stream_up.connect(self._on_stream)
        self._tick.start()
        self._connect()

    def close(self) -> None:
        """Stop timers, the LAN advertisement and the hub link, in reverse; safe twice."""
        for t in self._timers:
            t.stop()
        if self._lan is not None:
            self._lan.close()
        if self._hub is not None:
            self._hub.close()

    # ----- the view --------------------------------------------------------------------
    def _get_view(self) -> dict[str, Any]:
        return self._view

    #: Everything shown but the lists, as plain data; changes only when something does.
    view = Property("QVariantMap", _get_view, notify=viewChanged)  # type: ignore[arg-type]

    def _model(name: str) -> Any:  # type: ignore[misc]  # noqa: N805 - a class attribute
        return Property(QObject, lambda self: self._models[name], constant=True)

    actionsModel = _model("actions")  # noqa: N815 - QML names
    queueModel = _model("queue")  # noqa: N815
    othersModel = _model("others")  # noqa: N815
    alertsModel = _model("alerts")  # noqa: N815
    transferModel = _model("transfer")  # noqa: N815
    freeNumbersModel = _model("free")  # noqa: N815
    del _model
    nik = Property(QObject, lambda self: self._nik, constant=True)  # the NIK panel's slots

    def changed(self) -> None:
        """Something shown changed: render soon (the NIK panel calls this)."""
        self._changed()

    def send_nik(self, action: str, body: dict[str, Any]) -> None:
        """A NIK panel request (its body holds the NIK: not logged)."""
        assert self._hub is not None
        self.desk.busy = action
        self._hub.act(action, {"counter": self.desk.number, **body})

    def _changed(self) -> None:
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render(self) -> dict[str, Any]:
        self.desk.follow_nik()
        full = self.desk.view(time.monotonic())
        view = {k: v for k, v in full.items() if k not in _LISTS}
        view["transfer"] = {k: v for k, v in full["transfer"].items() if k != "choices"}
        view["chooser"] = {k: v for k, v in full["chooser"].items() if k != "free"}
        m = self._models
        m["actions"].set_rows(full["actions"])
        m["queue"].set_rows(full["queue"])
        m["others"].set_rows(full["others"])
        m["alerts"].set_rows([{"line": a} for a in full["alerts"]])
        m["transfer"].set_rows(full["transfer"]["choices"])
        m["free"].set_rows([{"number": n} for n in full["chooser"]["free"]])
        if view != self._view:
            self._view = view
            self.viewChanged.emit()
        return full

    def render_now(self) -> dict[str, Any]:
        """Bring the screen up to date at once (tests, screenshots); the whole view."""
        return self._render()

    # ----- the clerk -----------------------------------------------------------------------
    @Slot(str)
    def press(self, action: str) -> None:
        """A button or key asks for ``action`` (next, recall, no_show, finish, transfer, pause)."""
        d, now = self.desk, time.monotonic()
        refusal = d.refusal(action, now)
        if refusal is not None:
            log.info("refused %s: %s", action, refusal[0])
            d.say(*refusal, now)
        elif action == "transfer":
            d.transfer_open = not d.transfer_open
        else:
            if action == "pause" and d.counter_state == "paused":
                action = "resume"
            self._send(action, {})
        self._changed()

    @Slot(str)
    def chooseTransfer(self, service: str) -> None:  # noqa: N802 - a QML name
        """Transfer the current ticket to ``service`` (from the picker)."""
        d, now = self.desk, time.monotonic()
        refusal = d.refusal("transfer", now)
        if refusal is not None:
            d.say(*refusal, now)
        elif service:
            self._send("transfer", {"service": service})
        d.transfer_open = False
        self._changed()

    @Slot()
    def cancelTransfer(self) -> None:  # noqa: N802
        """Close the transfer picker without choosing."""
        self.desk.transfer_open = False
        self._changed()

    def _send(self, action: str, args: dict[str, Any]) -> None:
        assert self._hub is not None and self.desk.number is not None
        self.desk.busy = action
        args = {"counter": self.desk.number, **args}
        if action == "next":
            args["services"] = self.desk.services
        log.info("sending %s for counter %d", action, self.desk.number)
        self._hub.act(action, args)

    @Slot()
    def toggleLang(self) -> None:  # noqa: N802
        """Switch between Indonesian and English."""
        self.desk.lang = "en" if self.desk.lang == "id" else "id"
        self._changed()

    @Slot(int, result=bool)
    def key(self, key: int) -> bool:
        """A key press from the window; True if it meant something here."""
        d = self.desk
        if d.phase == "choose":
            return self._chooser_key(key)
        if d.nik.open:
            return self._nik.key(key)
        if d.transfer_open:
            if is_cancel_key(key):
                d.transfer_open = False
            elif (digit := digit_for_key(key)) is not None and (sid := d.transfer_choice(digit)):
                self.chooseTransfer(sid)
            self._changed()
            return True
        action = action_for_key(key)
        if action is None:
            return False
        self.press(action)
        return True

    def _chooser_key(self, key: int) -> bool:
        from PySide6.QtCore import Qt

        d = self.desk
        digit = digit_for_key(key)
        if digit is not None and len(d.typed) < 2:
            d.typed = (d.typed + str(digit)).lstrip("0")
        elif int(key) == int(Qt.Key.Key_Backspace):
            d.typed = d.typed[:-1]
        elif int(key) == int(Qt.Key.Key_Escape):
            d.typed = ""
        elif is_confirm_key(key) and d.typed:
            self.chooseNumber(int(d.typed))
        else:
            return False
        self._changed()
        return True

    @Slot(int)
    def chooseNumber(self, number: int) -> None:  # noqa: N802
        """The clerk picks this counter's number in the chooser."""
        d = self.desk
        d.typed = ""
        if d.phase != "choose" or not 1 <= number <= 99:
            return
        holder = holder_of(number, d.peers, d.me)
        if holder is not None:
            d.chooser_message = text(d.lang, "choose_in_use", number=number, name=holder.name)
        else:
            self._claim(number, save=True)
        self._changed()

    # ----- the counter number ------------------------------------------------------------
    def _initial_number(self) -> int | None:
        if self.opts.number:
            return self.opts.number
        f = self.opts.state_file
        if f is not None and f.exists():
            try:
                saved = json.loads(f.read_text(encoding="utf-8"))
                return int(saved["number"])
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("ignoring unreadable %s", f)
        return None

    def _start_claim(self, hub_url: str) -> None:
        d, o = self.desk, self.opts
        if not o.mdns:
            if self._wanted:
                self._claim(self._wanted, save=False)
            else:
                d.phase = "choose"
            return
        # The interfaces the hub link browses on too: one Zeroconf serves the process.
        ifaces = device_interfaces(hub_url, o.interfaces)
        d.lan = True
        self._lan = LanLink(self)
        self._lan.peers_changed.connect(self._on_peers)
        self._lan.advertised.connect(self._on_advertised)
        self._lan.start(post=self._post_id or "", name=o.name,
                        interfaces=ifaces if isinstance(ifaces, list) else None,
                        address=None, advertise=True, hub_key=o.fingerprint)
        d.phase = "checking"
        self._claim_timer.start()

    def _decide(self) -> None:
        """After listening to the LAN for a while: take the wanted number or ask."""
        d, n = self.desk, self._wanted
        holder = holder_of(n, d.peers, d.me) if n else None
        if n and holder is None:
            self._claim(n, save=False)
        else:
            d.phase = "choose"
            if n and holder is not None:
                d.chooser_message = text(d.lang, "choose_in_use", number=n, name=holder.name)
                log.warning("counter %d is in use by %s (%s); not taking it", n, holder.name,
                            holder.instance)
        self._changed()

    def _claim(self, number: int, *, save: bool) -> None:
        d = self.desk
        d.number, d.phase, d.chooser_message = number, "ready", ""
        self._since_ms = int(d.hub_now(time.time()) * 1000)
        if self._lan is not None:
            self._lan.announce(number, self._since_ms)
        if save:
            self._save_number(number)
        log.info("claimed counter %d", number)
        if d.queue is not None:
            d.apply_queue(d.queue)
        self._refresh()

    def _save_number(self, number: int) -> None:
        f = self.opts.state_file
        if f is None:
            return
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps({"number": number, "post": self._post_id}), encoding="utf-8")
        except OSError:
            log.warning("could not keep the counter number in %s", f, exc_info=True)

    def _on_advertised(self, instance: str) -> None:
        self.desk.me = instance

    def _on_peers(self, peers: list[Any]) -> None:
        d = self.desk
        before = sorted(used_numbers(d.peers, d.me))
        d.peers = list(peers)
        after = sorted(used_numbers(d.peers, d.me))
        if after != before:
            log.info("other counters on the LAN: %s", after)
        if d.phase == "ready" and d.number and d.me and self._since_ms is not None:
            other = winner_over(d.number, self._since_ms, d.peers, d.me)
            if other is not None:
                log.warning("counter %d was taken first by %s; giving it up", d.number,
                            other.name)
                d.chooser_message = text(d.lang, "choose_in_use", number=d.number,
                                         name=other.name)
                d.number, d.phase, d.ticket = None, "choose", None
                if self._lan is not None:
                    self._lan.announce(None, None)
        self._changed()

    # ----- the hub -----------------------------------------------------------------------
    def _connect(self) -> None:
        if self._hub is not None:
            self._hub.connect_hub()

    def _refresh(self) -> None:
        if self._hub is None:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._hub.refresh()

    def _refresh_done(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self._refresh()

    def _set_up(self, up: bool) -> None:
        d = self.desk
        was = d.hub_up
        if d.set_hub_up(up, time.monotonic()):
            log.log(logging.INFO if up else logging.WARNING, "hub %s",
                    "connected" if up else "NOT connected")
            self._poll.setInterval(REFRESH_UP_MS if up else REFRESH_DOWN_MS)
            if up and was is False and d.phase != "connecting":
                self._connect()  # the hub may have restarted: read services again
        if not self._poll.isActive():
            self._poll.start()

    def _on_auth(self, verdict: dict[str, Any]) -> None:
        """The hub's word on this counter. Refused: the screen says so, nothing is sent, and
        the hub is asked again every couple of seconds (a pairing done meanwhile is read)."""
        d = self.desk
        if verdict != d.auth:
            if not verdict["ok"]:
                log.error("the hub at %s refuses this counter (%s): %s", verdict["hub_url"],
                          verdict["reason"], verdict["message_en"])
            elif d.auth is not None:
                log.info("the hub accepts this counter now")
        d.auth = verdict
        self._set_up(True)  # it answered (if all is well, its hello follows)
        if d.refused:
            d.busy = None
            self._reconnect.start()
        self._changed()

    def _on_hello(self, hello: dict[str, Any]) -> None:
        d = self.desk
        health = hello["health"]
        first = self._post_id is None or not d.catalog
        self._post_id = self._post_id or health.get("post", {}).get("id")
        d.post_name = health.get("post", {}).get("name", "")
        d.apply_services(hello["services"])
        d.apply_queue(hello["queue"])
        self._set_up(True)
        if first and d.phase == "connecting":
            self._start_claim(hello["url"])
        self._changed()

    def _on_queue(self, q: dict[str, Any]) -> None:
        self._refresh_done()
        self.desk.apply_queue(q)
        self._set_up(True)
        self._changed()

    def _on_done(self, action: str, result: Any) -> None:
        d, now = self.desk, time.monotonic()
        if action.startswith("nik_"):
            d.busy = None
            if notice := self._nik.done(action, result):
                d.say(notice, "ok", now)
            self._changed()
            return
        d.say(d.apply_result(action, result, now), "ok", now)
        self._set_up(True)
        self._debounce.start()
        self._changed()

    def _on_failed(self, action: str, err: dict[str, Any]) -> None:
        d, now = self.desk, time.monotonic()
        if action in ("connect", "refresh"):
            if action == "refresh":
                self._refresh_done()
            if err["unreachable"]:
                self._set_up(False)
            if action == "connect" and d.phase == "connecting":
                self._reconnect.start()
        else:
            d.busy = None
            if action.startswith("nik_"):
                self._nik.failed(err)
            label = d.action_label("pause" if action == "resume" else action)
            if err["status"] == 401:  # the token was taken back (revoked) while we ran
                self._connect()  # the hub's word on it comes back as _on_auth
            if err["unreachable"]:
                self._set_up(False)
                d.say(text(d.lang, "refused_down", action=label), "error", now)
            else:
                msg = err["message_en"] if d.lang == "en" and err["message_en"] else err["message"]
                d.say(text(d.lang, "failed", action=label, message=msg), "error", now)
            log.warning("%s failed: %s %s", action, err["code"], err["message_en"])
            self._debounce.start()
        self._changed()

    def _on_event(self, ev: dict[str, Any]) -> None:
        if self.desk.apply_event(ev):
            self._debounce.start()
        self._changed()

    def _on_stream(self, up: bool) -> None:
        if up:
            self._set_up(True)
        self._refresh()  # a dropped stream: find out at once whether the hub is gone
