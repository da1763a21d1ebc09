"""Watching the hub: is it there, what is the post, which services, how many wait.

One background thread polls ``/health``, ``/whoami`` and ``/services`` — every second while
the hub is away or refuses this kiosk, every ``online_poll_s`` while all is well — and the
hub's event stream makes it poll at once whenever a ticket or service changes or the stream
drops or comes back. "Online" means the last poll was answered: one source of truth, so the
screen never says the hub is up while tickets cannot be issued. Whether the hub takes the
kiosk's token (and the kiosk the hub's key) is told apart (``hub_auth``): a kiosk it refuses
says so on its screen before a resident touches it, and comes back by itself once paired
(the token and key are looked at again before every poll: :class:`TokenSource`).

No Qt here; :class:`LinkListener` methods run on the link's thread (or the event stream's)
and must only hand the news over.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence
from typing import Any, Protocol

from antrean.client import EventStream, HubClient, HubError
from antrean.devicetoken import TokenSource, probe
from antrean.discovery import Advertiser, Interfaces, device_interfaces

__all__ = ["HubLink", "KioskAdvertiser", "LinkListener", "kiosk_interfaces"]

log = logging.getLogger(__name__)

#: Events after which the waiting counts or the services' state may have changed.
REFRESH_EVENTS = frozenset({"ticket.issued", "ticket.called", "ticket.finished",
                            "ticket.transferred", "ticket.cancelled", "ticket.corrected",
                            "service.changed", "counter.changed"})


class LinkListener(Protocol):
    def hub_online(self, online: bool) -> None:
        """The hub started or stopped answering."""

    def hub_info(self, health: dict[str, Any]) -> None:
        """``/health`` as last answered (post id and name, the hub's clock)."""

    def hub_services(self, services: list[dict[str, Any]]) -> None:
        """``/services`` as last answered."""

    def hub_auth(self, verdict: dict[str, Any]) -> None:
        """The hub's word on the kiosk (:class:`antrean.devicetoken.TokenVerdict` as a dict,
        with ``hub_url``), at every poll that reached it."""


def kiosk_interfaces(hub_url: str, configured: Sequence[str] | None) -> Interfaces:
    """The interfaces to advertise the kiosk on: those its hub link browses on too, so the
    process holds one Zeroconf (see :func:`antrean.discovery.device_interfaces`)."""
    return device_interfaces(hub_url, configured)


class HubLink:
    """Keeps the listener told about the hub; see the module docstring."""

    def __init__(self, client: HubClient, listener: LinkListener, *, online_poll_s: float = 15.0,
                 offline_poll_s: float = 1.0, token: TokenSource | None = None) -> None:
        self._client = client
        self._token = token
        self._listener = listener
        self._online_poll_s = online_poll_s
        self._offline_poll_s = offline_poll_s
        self._stop = threading.Event()
        self._kick = threading.Event()
        self._online: bool | None = None
        self._authorized = False
        self._verdict: dict[str, Any] | None = None
        self._stream: EventStream | None = None
        self.health: dict[str, Any] | None = None
        self._thread = threading.Thread(target=self._run, name="kiosk-hub-link", daemon=True)

    @property
    def online(self) -> bool:
        return bool(self._online)

    def start(self) -> HubLink:
        self._thread.start()
        return self

    def refresh(self) -> None:
        """Poll the hub now (after an event, or when a request found it silent)."""
        self._kick.set()

    def close(self) -> None:
        """Stop polling and the event stream; safe to call twice."""
        self._stop.set()
        self._kick.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=15)
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._poll()
            # A refused kiosk looks again as often as one whose hub is away: a pairing done
            # meanwhile (antrean join --config) takes effect within a second.
            wait = self._online_poll_s if self._online and self._authorized \
                else self._offline_poll_s
            if self._kick.wait(wait) and self._online and not self._stop.is_set():
                # A burst of events (a counter calling three numbers) becomes one poll.
                self._stop.wait(0.05)
            self._kick.clear()

    def _poll(self) -> None:
        try:
            if self._token is not None:
                self._token.apply(self._client)
            health, verdict = probe(self._client, "kiosk")
            if health is None:  # the hub's key is not the one paired: nothing more to ask
                self._set_auth(verdict)
                self._set_online(True)
                return
            services = self._client.services()
            if self._stream is None and verdict["ok"]:
                since = int(self._client.queue().get("last_seq", 0))
                self._stream = self._client.events(self._on_event, since=since,
                                                   on_connection=self._on_connection)
        except HubError as exc:
            if self._online is not False:
                log.warning("hub not answering: %s", exc)
            self._set_online(False)
            return
        except Exception:  # a malformed answer must not end the watch
            log.exception("hub poll failed")
            self._set_online(False)
            return
        if health != self.health:
            self.health = health
            self._listener.hub_info(health)
        self._listener.hub_services(services)
        self._set_auth(verdict)
        self._set_online(True)

    def _set_auth(self, verdict: dict[str, Any]) -> None:
        self._authorized = bool(verdict["ok"])
        if verdict != self._verdict:
            if not verdict["ok"]:
                log.error("the hub at %s refuses this kiosk (%s): %s", verdict["hub_url"],
                          verdict["reason"], verdict["message_en"])
            elif self._verdict is not None:
                log.info("the hub accepts this kiosk now")
            self._verdict = verdict
        # Told every time, not only on a change: the view-model may have taken a refusal
        # from a ticket request meanwhile, and this is the hub's word on it.
        self._listener.hub_auth(verdict)

    def _set_online(self, online: bool) -> None:
        if online == self._online:
            return
        self._online = online
        if online:
            log.info("hub answers at %s", self._client.url)
        self._listener.hub_online(online)

    # Event stream thread.
    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") in REFRESH_EVENTS:
            self._kick.set()

    def _on_connection(self, up: bool) -> None:
        log.debug("event stream %s", "up" if up else "down")
        self._kick.set()


class KioskAdvertiser:
    """Advertises the kiosk by mDNS once its hub is known, on the interfaces reaching it.

    zeroconf probes for ~1.5 s before announcing, so that runs on a thread of its own: the
    first tiles must not wait for it.
    """

    def __init__(self, name: str, configured: Sequence[str] | None) -> None:
        self._name = name
        self._configured = list(configured) if configured else None
        self._adv: Advertiser | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def start_for(self, hub_url: str, post: str) -> None:
        """Start advertising in the background; only the first call does anything."""
        with self._lock:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(target=self._advertise, args=(hub_url, post),
                                            name="kiosk-mdns", daemon=True)
            self._thread.start()

    def _advertise(self, hub_url: str, post: str) -> None:
        interfaces = kiosk_interfaces(hub_url, self._configured)
        # A kiosk serves no API: port 0 says "nothing to connect to", while role, post and
        # name still show the lead's tools which kiosks are on.
        adv = Advertiser("kiosk", post, self._name, 0,
                         interfaces=interfaces if isinstance(interfaces, list) else None)
        try:
            adv.start()
        except Exception:
            log.exception("could not advertise the kiosk by mDNS")
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._adv = adv
        if closed:
            adv.close()

    def close(self) -> None:
        """Withdraw the advertisement; safe to call twice."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        with self._lock:
            adv, self._adv = self._adv, None
        if adv is not None:
            with contextlib.suppress(Exception):
                adv.close()
