"""This counter on the LAN: its mDNS advertisement and the other counters of its post.

The advertisement starts without a number (so the counter is visible while the clerk
picks one) and gains ``counter=<n>`` and ``since=<ms>`` once a number is taken. Zeroconf
calls block (probing takes ~1.5 s), so they run on a worker thread; the browser's
callbacks reach the GUI thread as a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from antrean.discovery import Advertiser, Browser
from antrean.tls import FP_HINT_CHARS

__all__ = ["LanLink"]

log = logging.getLogger(__name__)

#: A counter has no API of its own; port 0 in its SRV record says so.
NO_PORT = 0


class _Worker(QObject):
    peers_changed = Signal(object)  # list[Peer]
    advertised = Signal(str)  # our instance name

    def __init__(self) -> None:
        super().__init__()
        self._hub = ""  # the first digits of the pinned hub key, "" when not pinned
        self.browser: Browser | None = None
        self.advertiser: Advertiser | None = None

    @Slot(object)
    def start(self, p: dict[str, Any]) -> None:
        self._hub = p.get("hub") or ""
        try:
            self.browser = Browser(post=p["post"], roles=["counter"],
                                   interfaces=p["interfaces"])
            self.browser.on_change(lambda peers: self.peers_changed.emit(self._ours(peers)))
            self.browser.start()
            if p["advertise"]:
                self.advertiser = Advertiser("counter", p["post"], p["name"], NO_PORT,
                                             interfaces=p["interfaces"], address=p["address"],
                                             extra={"hub": self._hub} if self._hub else None)
                self.advertiser.start()
                self.advertised.emit(self.advertiser.instance)
        except Exception:  # noqa: BLE001 - without mDNS the counter still works
            log.exception("mDNS could not start; other counters will not be seen")
        if self.browser is not None:
            self.peers_changed.emit(self._ours(self.browser.peers()))

    def _ours(self, peers: list[Any]) -> list[Any]:
        """A counter paired with a hub (a pinned key) counts only the counters that announce
        the same hub key (``hub=``): an advert for the post from anywhere else cannot take
        its number away."""
        if not self._hub:
            return peers
        return [p for p in peers if p.properties.get("hub") == self._hub]

    @Slot(object)
    def update(self, txt: dict[str, Any]) -> None:
        if self.advertiser is not None:
            try:
                self.advertiser.update(**txt)
            except Exception:  # noqa: BLE001
                log.exception("could not re-announce %s", txt)

    def close(self) -> None:
        for part in (self.advertiser, self.browser):
            if part is not None:
                part.close()
        self.advertiser = self.browser = None


class LanLink(QObject):
    """GUI-thread handle: ``start`` once, ``announce`` a number, ``close`` at the end."""

    peers_changed = Signal(object)
    advertised = Signal(str)

    _start = Signal(object)
    _update = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("counter-mdns")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._start.connect(self._worker.start)
        self._update.connect(self._worker.update)
        self._worker.peers_changed.connect(self.peers_changed)
        self._worker.advertised.connect(self.advertised)
        self._thread.start()
        self.started = False
        self._closed = False

    def start(self, *, post: str, name: str, interfaces: Sequence[str | int] | None,
              address: str | None, advertise: bool, hub_key: str | None = None) -> None:
        """Browse for the post's counters and (if ``advertise``) announce this one;
        ``hub_key``: the pinned hub key (peers paired with another hub are not counted)."""
        if self.started:
            return
        self.started = True
        self._start.emit({"post": post, "name": name, "advertise": advertise,
                          "interfaces": list(interfaces) if interfaces is not None else None,
                          "address": address,
                          "hub": hub_key[:FP_HINT_CHARS] if hub_key else ""})

    def announce(self, number: int | None, since_ms: int | None) -> None:
        """Announce (or with ``None``, withdraw) this counter's number."""
        self._update.emit({"counter": number, "since": since_ms})

    def close(self) -> None:
        """Withdraw the advertisement (goodbye packets) and stop browsing; safe twice."""
        if self._closed:
            return
        self._closed = True
        self._thread.quit()
        self._thread.wait()
        self._worker.close()
