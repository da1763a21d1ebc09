"""Seeing the other devices: :class:`Browser` (a live table) and :func:`find_hub`."""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Self

from zeroconf import ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from ._common import (
    SERVICE_TYPE,
    ChangeCallback,
    Peer,
    _local_ipv4,
    _order_addresses,
    resolve_interfaces,
)
from ._shared import shared_zeroconf

log = logging.getLogger("antrean.discovery")  # one logger for the package

_RESOLVE_TIMEOUT_MS = 3000
_SETTLE_S = 1.5  # a flushed record expires 1 s after the record that flushed it


def _peer_from_info(info: ServiceInfo, local: Sequence[ipaddress.IPv4Interface]) -> Peer | None:
    props = {k: v or "" for k, v in info.decoded_properties.items()}
    role, post = props.get("role"), props.get("post")
    if not role or not post or info.port is None:
        return None
    instance = info.name[: -len(info.type) - 1]
    counter_txt = props.get("counter", "")
    return Peer(
        role=role,
        post=post,
        name=props.get("name") or instance,
        instance=instance,
        addresses=_order_addresses(info.parsed_scoped_addresses(), local),
        port=info.port,
        counter=int(counter_txt) if counter_txt.isdigit() else None,
        api=props.get("api", ""),
        properties=props,
    )


class Browser:
    """A live table of the Antrean devices on the network, optionally of one post/roles."""

    def __init__(
        self,
        *,
        post: str | None = None,
        roles: Iterable[str] | None = None,
        interfaces: Sequence[str | int] | None = None,
    ) -> None:
        self._post = post
        self._roles = frozenset(roles) if roles is not None else None
        self._interfaces = resolve_interfaces(None, interfaces)
        self._peers: dict[str, Peer] = {}
        self._seen: dict[str, float] = {}
        self._callbacks: list[ChangeCallback] = []
        self._cond = threading.Condition()
        self._local: list[ipaddress.IPv4Interface] = []
        self._handle: shared_zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self._timers: dict[str, threading.Timer] = {}
        self._closing = False

    def on_change(self, callback: ChangeCallback) -> None:
        """Call ``callback(peers)`` from a background thread whenever the table changes."""
        with self._cond:
            self._callbacks.append(callback)

    def start(self) -> Self:
        """Start browsing on the process's shared zeroconf; returns at once."""
        with self._cond:
            if self._handle is not None or self._closing:
                return self
            self._local = _local_ipv4()
            self._handle = shared_zeroconf(self._interfaces, on_addresses=self._refresh_local)
            try:
                self._browser = ServiceBrowser(
                    self._handle.zeroconf, SERVICE_TYPE, handlers=[self._on_state_change]
                )
            except BaseException:
                self._handle.release()
                self._handle = None
                raise
        return self

    def _refresh_local(self) -> Callable[[], None] | None:
        # Our own subnets decide which of a peer's addresses comes first.
        local = _local_ipv4()
        with self._cond:
            self._local = local
        return None

    def peers(self, role: str | None = None) -> list[Peer]:
        """The current peers (of ``role`` if given), ordered by role, counter, name."""
        with self._cond:
            found = [p for p in self._peers.values() if role is None or p.role == role]
        return sorted(found, key=lambda p: (p.role, p.counter or 0, p.name, p.instance))

    def wait_for(self, role: str | None = "hub", timeout: float = 5.0,
                 accept: Callable[[Peer], bool] | None = None) -> Peer | None:
        """Block until a peer of ``role`` (that ``accept`` takes, if given) is known; the
        most recently announced wins."""

        def newest() -> Peer | None:
            keys = [k for k, p in self._peers.items() if (role is None or p.role == role)
                    and (accept is None or accept(p))]
            return self._peers[max(keys, key=self._seen.__getitem__)] if keys else None

        with self._cond:
            self._cond.wait_for(lambda: newest() is not None or self._closing, timeout)
            return newest()

    def close(self) -> None:
        """Stop browsing and release zeroconf; a closed browser knows no peers. Safe to
        repeat."""
        with self._cond:
            self._closing = True
            handle, browser = self._handle, self._browser
            self._handle = self._browser = None
            self._peers.clear()
            self._seen.clear()
            timers, self._timers = list(self._timers.values()), {}
            self._cond.notify_all()
        for timer in timers:
            timer.cancel()
        # Outside the lock: cancel() joins the browser thread, which may be resolving.
        if browser is not None:
            browser.cancel()
        if handle is not None:
            handle.release()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Runs on the ServiceBrowser thread. Never raises: zeroconf would log and carry on,
    # but one bad peer must not stop us from seeing the others.
    def _on_state_change(
        self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        try:
            if state_change is ServiceStateChange.Removed:
                self._set(name, None)
            elif not self._closing:
                self._resolve(zeroconf, service_type, name)
                if state_change is ServiceStateChange.Updated:
                    self._resolve_later(zeroconf, service_type, name)
        except Exception:
            log.exception("error handling %s %s", state_change.name, name)

    def _resolve_later(self, zc: Zeroconf, service_type: str, name: str) -> None:
        # A peer that moved address sends its new A record with the cache-flush bit: the old
        # one expires a second later, and zeroconf reports no event for that. Look again
        # then, so the old address stops being offered.
        def again() -> None:
            with self._cond:
                if self._timers.get(name) is not timer:
                    return
                del self._timers[name]
            if not self._closing:
                try:
                    self._resolve(zc, service_type, name)
                except Exception:
                    log.exception("error resolving %s again", name)

        timer = threading.Timer(_SETTLE_S, again)
        timer.daemon = True
        with self._cond:
            if self._closing:
                return
            previous, self._timers[name] = self._timers.get(name), timer
        if previous is not None:
            previous.cancel()
        timer.start()

    def _resolve(self, zc: Zeroconf, service_type: str, name: str) -> None:
        info = ServiceInfo(service_type, name)
        if not info.request(zc, _RESOLVE_TIMEOUT_MS):
            log.debug("no answer resolving %s", name)
            return
        peer = _peer_from_info(info, self._local)
        # A peer that stops matching (its TXT changed) is dropped like a removed one.
        self._set(name, peer if peer is not None and self._wanted(peer) else None)

    def _wanted(self, peer: Peer) -> bool:
        return (self._post is None or peer.post == self._post) and (
            self._roles is None or peer.role in self._roles
        )

    def _set(self, key: str, peer: Peer | None) -> None:
        with self._cond:
            if self._closing:
                return  # a resolve that finished after close() tells no one
            old = self._peers.get(key)
            if peer is None:
                if old is None:
                    return
                del self._peers[key]
                self._seen.pop(key, None)
            else:
                self._seen[key] = time.monotonic()
                if old == peer:
                    return
                self._peers[key] = peer
            self._cond.notify_all()
            callbacks = list(self._callbacks)
        log.info("%s %s", "lost" if peer is None else "found", peer or old)
        self._notify(callbacks)

    def _notify(self, callbacks: list[ChangeCallback]) -> None:
        snapshot = self.peers()
        for callback in callbacks:
            try:
                callback(snapshot)
            except Exception:
                log.exception("on_change callback %r failed", callback)


def find_hub(
    post: str | None = None,
    timeout: float = 5.0,
    interfaces: Sequence[str | int] | None = None,
    accept: Callable[[Peer], bool] | None = None,
) -> Peer | None:
    """Browse until the hub (of ``post`` if given; that ``accept`` takes) answers or
    ``timeout`` s pass."""
    with Browser(post=post, roles=["hub"], interfaces=interfaces) as browser:
        return browser.wait_for("hub", timeout, accept=accept)
