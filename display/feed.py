"""Keeps a display fed from its hub, off the GUI thread. No Qt here.

:class:`HubFeed` runs one *snapshot* thread — ``/health`` (post name, the hub's clock),
``/whoami`` (does the hub take this display's token? if not, ``on_auth`` says so and nothing
more is asked until it does; the token and hub key are looked at again each time, so a
display paired while it runs comes back), ``/services`` (waiting counts, standards) and ``/queue`` (the surge alerts that stand, and
the last seq) on connect, after call events, and every ``refresh_s`` — and, once the hub has
answered, the client's resuming event stream starting ``replay`` events back, so a display
that starts mid-day shows the last calls at once.
Callbacks run on those background threads; the Qt side hands them to the GUI thread.

The hub's clock is the post's clock: a Pi with no network may boot with a wrong one. The
client keeps the hub's time (:class:`antrean.posttime.PostClock`, from every ``/health`` and
``/queue``), and the board's clock and the voice's "is this call too old to speak" both use it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from antrean.client import EventStream, HubClient, HubError
from antrean.devicetoken import TokenSource, probe

__all__ = ["HubFeed", "Snapshot"]

log = logging.getLogger(__name__)

Snapshot = dict[str, Any]
"""``{"health": {...}, "services": [...], "queue": {...}, "skew_s": float}`` as handed to
``on_snapshot``."""

# Events after which the waiting counts have changed: fetch /services again (debounced).
_COUNT_EVENTS = frozenset({"ticket.issued", "ticket.called", "ticket.finished",
                           "ticket.transferred", "ticket.cancelled", "counter.changed"})


class HubFeed:
    """Snapshots and events from one hub, delivered to callbacks on background threads.

    ``on_event(event)`` gets each event once, in ``seq`` order; ``on_snapshot(snapshot)``
    each fresh snapshot; ``on_connection(up)`` the event stream's link state (False also
    while the hub has never answered); ``on_found(url)`` once, after the hub first answers;
    ``on_auth(verdict)`` the hub's word on the display at each look (a
    :class:`~antrean.devicetoken.TokenVerdict` dict with ``hub_url``).
    """

    def __init__(self, client: HubClient, *, on_event: Callable[[dict[str, Any]], None],
                 on_snapshot: Callable[[Snapshot], None],
                 on_connection: Callable[[bool], None],
                 on_found: Callable[[str], None] | None = None,
                 on_auth: Callable[[dict[str, Any]], None] | None = None,
                 token: TokenSource | None = None,
                 replay: int = 1000, refresh_s: float = 30.0, debounce_s: float = 0.2) -> None:
        self.client = client
        self._on_event, self._on_snapshot = on_event, on_snapshot
        self._on_connection, self._on_found = on_connection, on_found
        self._on_auth, self._token = on_auth, token
        self._refused: str | None = None  # why the hub refuses us, as last logged
        self.replay, self.refresh_s, self.debounce_s = replay, refresh_s, debounce_s
        self.stream: EventStream | None = None
        self._skew_warned = False
        self._wake, self._stop = threading.Event(), threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="display-snapshots", daemon=True)

    # ----- lifecycle --------------------------------------------------------------------
    def start(self) -> HubFeed:
        """Start the snapshot thread (the event stream follows once the hub answers)."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop both threads; safe to call twice."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        with self._lock:
            stream, self.stream = self.stream, None
        if stream is not None:
            stream.close()

    def poke(self) -> None:
        """Ask for a fresh snapshot soon (coalesced with others within ``debounce_s``)."""
        self._wake.set()

    # ----- the hub's clock --------------------------------------------------------------
    @property
    def skew(self) -> timedelta:
        """Hub time minus local time, as last measured (zero before the first answer)."""
        return self.client.clock.offset()

    def hub_now(self) -> datetime | None:
        """Now by the hub's clock in the post's zone; None until the hub has answered."""
        return self.client.clock.now()

    def to_local(self, hub_time: datetime) -> datetime:
        """A hub timestamp moved onto this machine's clock (for age checks)."""
        return self.client.clock.to_local(hub_time)

    # ----- threads ----------------------------------------------------------------------
    def _run(self) -> None:
        delay = 0.0
        while not self._stop.wait(delay):
            self._wake.clear()
            ok = self._refresh()
            if self._stop.is_set():
                break
            woken = self._wake.wait(self.refresh_s if ok else 2.0)
            if woken and self.debounce_s:
                self._stop.wait(self.debounce_s)  # let a burst of events settle first
            delay = 0.0

    def _refresh(self) -> bool:
        try:
            if self._token is not None:
                self._token.apply(self.client)
            health, verdict = probe(self.client, "display")  # the client keeps the hub's time
            self._note_auth(verdict)
            if health is None or not verdict["ok"]:
                if self.stream is None:
                    self._safe(self._on_connection, False)
                return False  # asked again in 2 s: a pairing done meanwhile is read
            services = self.client.services()
            queue = self.client.queue()
        except HubError as exc:
            log.debug("hub snapshot failed: %s", exc)
            if self.stream is None:
                self._safe(self._on_connection, False)
            return False
        skew = self.skew
        if abs(skew) > timedelta(minutes=2) and not self._skew_warned:
            self._skew_warned = True
            log.warning("this display's clock is %+.0f s off the hub's; using the hub's",
                        -skew.total_seconds())
        self._safe(self._on_snapshot, {"health": health, "services": services,
                                       "queue": queue, "skew_s": skew.total_seconds()})
        if self.stream is None:
            self._start_stream(max(0, int(queue.get("last_seq") or 0) - self.replay))
        return True

    def _note_auth(self, verdict: dict[str, Any]) -> None:
        why = None if verdict["ok"] else str(verdict["message_en"])
        if why != self._refused:
            if why is None:
                log.info("the hub accepts this display now")
            else:
                log.error("the hub at %s refuses this display (%s): %s", verdict["hub_url"],
                          verdict["reason"], why)
            self._refused = why
        if self._on_auth is not None:
            self._safe(self._on_auth, verdict)

    def _start_stream(self, since: int) -> None:
        with self._lock:
            if self._stop.is_set() or self.stream is not None:
                return
            log.info("hub found at %s; events from seq %d", self.client.url, since + 1)
            self.stream = self.client.events(self._event, since=since,
                                             on_connection=self._connection)
        if self._on_found is not None:
            self._safe(self._on_found, self.client.url)

    def _event(self, event: dict[str, Any]) -> None:
        self._on_event(event)  # the stream logs and survives a failing handler
        if event.get("type") in _COUNT_EVENTS:
            self._wake.set()

    def _connection(self, up: bool) -> None:
        if up:
            self._wake.set()
        self._safe(self._on_connection, up)

    @staticmethod
    def _safe(callback: Callable[[Any], None], arg: Any) -> None:
        try:
            callback(arg)
        except Exception:
            log.exception("display feed callback failed")

