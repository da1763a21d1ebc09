"""One Zeroconf per process and interface set, reference counted; it follows this host's
addresses."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import ifaddr  # a dependency of zeroconf; zeroconf asks callers to use it directly
from zeroconf import Zeroconf

from ._common import Interfaces

log = logging.getLogger("antrean.discovery")  # one logger for the package

ADDRESS_POLL_S = 3.0
"""How often a shared Zeroconf on every interface looks for a changed address (ifaddr)."""

AddressListener = Callable[[], Callable[[], None] | None]


def _interfaces_key(interfaces: Interfaces) -> tuple[str, ...]:
    if isinstance(interfaces, list):
        return tuple(sorted({str(i) for i in interfaces}))
    return (f"choice:{interfaces.name}",)


def _address_snapshot() -> frozenset[tuple[str, str]]:
    """(adapter, address) of every IPv4/IPv6 address this host has now."""
    return frozenset((adapter.name, str(ip.ip)) for adapter in ifaddr.get_adapters()
                     for ip in adapter.ips)


class _Shared:
    """One Zeroconf and the users holding it; on every interface it watches the addresses."""

    def __init__(self, key: tuple[str, ...], interfaces: Interfaces) -> None:
        self.key, self.interfaces = key, interfaces
        self.zc = Zeroconf(interfaces=interfaces)
        self.users = 0
        self.listeners: list[AddressListener] = []
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if not isinstance(interfaces, list):  # a fixed address list has nothing to follow
            self._watcher = threading.Thread(target=self._watch, name="antrean-mdns-addresses",
                                             daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        seen = _address_snapshot()
        while not self._stop.wait(ADDRESS_POLL_S):
            try:
                now = _address_snapshot()
                if now == seen:
                    continue
                log.info("this host's addresses changed: %s",
                         sorted(a for _, a in now - seen) or "some were removed")
                seen = now
                with _SHARED_LOCK:
                    listeners = list(self.listeners)
                # Each user first takes its new records (no packet yet), then the sockets
                # follow the addresses, then the users announce through the new ones.
                then = [after for listener in listeners if (after := listener()) is not None]
                self.zc.update_interfaces()
                for after in then:
                    after()
            except Exception:  # the watch must outlive one bad round (an interface going)
                log.exception("following this host's addresses failed; retrying")

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=ADDRESS_POLL_S + 5)
        self.zc.close()


_SHARED_LOCK = threading.Lock()
_SHARED: dict[tuple[str, ...], _Shared] = {}


class shared_zeroconf:  # noqa: N801 - used like a function: ``with shared_zeroconf(...)``
    """A handle on this process's Zeroconf for ``interfaces``, opened by the first handle
    and closed when the last one is released (reference counted, thread safe).

    Only a Zeroconf on every interface follows this host's addresses. When they change,
    ``on_addresses()`` is called on the watcher thread *before* the sockets move; it may
    return a function, called once they have moved (to announce through them).
    """

    def __init__(self, interfaces: Interfaces,
                 on_addresses: AddressListener | None = None) -> None:
        key = _interfaces_key(interfaces)
        with _SHARED_LOCK:
            shared = _SHARED.get(key)
            if shared is None:
                shared = _SHARED[key] = _Shared(key, interfaces)
            shared.users += 1
            if on_addresses is not None:
                shared.listeners.append(on_addresses)
        self._shared, self._listener = shared, on_addresses
        self._released = False

    @property
    def zeroconf(self) -> Zeroconf:
        return self._shared.zc

    def release(self) -> None:
        """Give the handle back; the last one closes the Zeroconf. Safe to call twice."""
        with _SHARED_LOCK:
            if self._released:
                return
            self._released = True
            shared = self._shared
            if self._listener is not None:
                shared.listeners.remove(self._listener)
            shared.users -= 1
            last = shared.users == 0
            if last:
                del _SHARED[shared.key]
        if last:
            shared.close()

    def __enter__(self) -> Zeroconf:
        return self.zeroconf

    def __exit__(self, *exc: object) -> None:
        self.release()


