"""Publishing this device under ``SERVICE_TYPE``: :class:`Advertiser`."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import socket
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from zeroconf import ServiceInfo, Zeroconf

from ._common import (
    API_VERSION,
    ROLES,
    SERVICE_TYPE,
    _advertised_addresses,
    resolve_interfaces,
)
from ._shared import shared_zeroconf

log = logging.getLogger("antrean.discovery")  # one logger for the package

_MAX_INSTANCE_BYTES = 63


async def _registry_update(zc: Zeroconf, info: ServiceInfo) -> None:
    zc.registry.async_update(info)  # the registry lives on zeroconf's loop


def _instance_name(role: str, name: str, post: str) -> str:
    """An mDNS-safe instance name, unique per host and stable across restarts.

    Stable on purpose: a hub that crashes and comes back on a new port re-announces the
    same name, so browsers update the entry in place instead of keeping a stale twin
    (receivers hold PTR records for at least ~19 minutes).
    """
    seed = f"{socket.gethostname()}|{post}|{role}|{name}"
    suffix = hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()[:6]
    base = re.sub(r"[^a-z0-9]+", "-", f"{role}-{name}".lower()).strip("-") or "device"
    # Room for "-<suffix>" and for zeroconf's "-2", "-3" on a name conflict.
    base = base[: _MAX_INSTANCE_BYTES - len(suffix) - 4].rstrip("-")
    return f"{base}-{suffix}"


class Advertiser:
    """Publishes this device under ``SERVICE_TYPE`` until closed.

    ``address`` is the host the device's API is bound to; with ``interfaces=None`` it
    decides where to announce (see :func:`resolve_interfaces`). ``extra`` adds TXT keys.
    """

    def __init__(
        self,
        role: str,
        post: str,
        name: str,
        port: int,
        *,
        counter: int | None = None,
        interfaces: Sequence[str | int] | None = None,
        address: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {sorted(ROLES)}")
        self._port = port
        self._interfaces = resolve_interfaces(address, interfaces)
        self._txt: dict[str, str] = {"role": role, "post": post, "api": API_VERSION, "name": name}
        if counter is not None:
            self._txt["counter"] = str(counter)
        self._txt.update({k: str(v) for k, v in (extra or {}).items()})
        self._name = f"{_instance_name(role, name, post)}.{SERVICE_TYPE}"
        self._handle: shared_zeroconf | None = None
        self._info: ServiceInfo | None = None
        self._lock = threading.Lock()

    @property
    def instance(self) -> str:
        """The mDNS instance name (after any conflict renaming by zeroconf)."""
        return self._name[: -len(SERVICE_TYPE) - 1]

    @property
    def txt(self) -> dict[str, str]:
        """A copy of the TXT keys being announced."""
        return dict(self._txt)

    def _make_info(self) -> ServiceInfo:
        return ServiceInfo(
            SERVICE_TYPE,
            self._name,
            port=self._port,
            properties=dict(self._txt),
            server=f"{self.instance}.local.",
            parsed_addresses=_advertised_addresses(self._interfaces),
        )

    def start(self) -> Self:
        """Probe for a unique name and announce (blocks ~1.5 s while probing)."""
        with self._lock:
            if self._handle is not None:
                return self
            handle = shared_zeroconf(self._interfaces, on_addresses=self._follow_addresses)
            info = self._make_info()
            try:
                handle.zeroconf.register_service(info, allow_name_change=True)
            except BaseException:
                handle.release()
                raise
            self._name = info.name
            self._handle, self._info = handle, info
        log.info("advertising %s on %s port %d", self.instance, info.parsed_addresses(), self._port)
        return self

    def _follow_addresses(self) -> Callable[[], None] | None:
        # The shared Zeroconf's watcher thread: this host's addresses changed. The registry
        # takes the new A records before the sockets move, so whatever zeroconf re-announces
        # through a new socket is already right; then we announce through all of them. The
        # A records carry the cache-flush bit: receivers drop the old address a second later.
        with self._lock:
            if self._handle is None or self._info is None:
                return None
            info = self._make_info()
            if sorted(info.parsed_addresses()) == sorted(self._info.parsed_addresses()):
                return None
            self._info = info
            zc = self._handle.zeroconf
        if zc.loop is not None:
            asyncio.run_coroutine_threadsafe(_registry_update(zc, info), zc.loop).result(5)

        def announce() -> None:
            with self._lock:
                if self._handle is None or self._info is not info:
                    return
                self._handle.zeroconf.update_service(info)
            log.info("re-announced %s at %s", self.instance, info.parsed_addresses())

        return announce

    def update(self, **txt: object) -> None:
        """Change TXT keys (``None`` removes one) and re-announce if anything changed."""
        with self._lock:
            new = dict(self._txt)
            for key, value in txt.items():
                if value is None:
                    new.pop(key, None)
                else:
                    new[key] = str(value)
            if new == self._txt:
                return
            self._txt = new
            if self._handle is None:
                return
            self._info = self._make_info()
            self._handle.zeroconf.update_service(self._info)
        log.info("re-announced %s with %s", self.instance, new)

    def close(self) -> None:
        """Withdraw the service (goodbye packets) and release zeroconf; safe to repeat."""
        with self._lock:
            handle, info = self._handle, self._info
            self._handle = self._info = None
        if handle is None:
            return
        try:
            if info is not None:
                handle.zeroconf.unregister_service(info)
        except Exception:
            log.warning("could not withdraw %s cleanly", self.instance, exc_info=True)
        finally:
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


