"""Finding the hub and the other devices of a post by mDNS (``_antrean._tcp.local.``).

Every device runs an :class:`Advertiser` that publishes its role, post id, API version,
name and (for counters) counter number as TXT keys. Devices run a :class:`Browser` that
keeps a live table of the peers of their post; :func:`find_hub` is the one-shot form.

Threads: python-zeroconf runs its own event loop thread. A ``ServiceBrowser`` delivers
its events on a dedicated thread of its own, so resolving a service there with the
blocking ``ServiceInfo.request`` is allowed (it would raise on the loop thread) and our
``on_change`` callbacks run on that thread too, never on the loop.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import ifaddr  # a dependency of zeroconf; zeroconf asks callers to use it directly
from zeroconf import InterfaceChoice, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

__all__ = [
    "ROLES",
    "SERVICE_TYPE",
    "Advertiser",
    "Browser",
    "Peer",
    "find_hub",
    "resolve_interfaces",
]

log = logging.getLogger(__name__)

SERVICE_TYPE = "_antrean._tcp.local."
ROLES = frozenset({"hub", "kiosk", "counter", "display"})
API_VERSION = "1"

_RESOLVE_TIMEOUT_MS = 3000
_MAX_INSTANCE_BYTES = 63
_LOOPBACK = "127.0.0.1"

Interfaces = list[str | int] | InterfaceChoice
ChangeCallback = Callable[[list["Peer"]], None]


@dataclass(frozen=True)
class Peer:
    """One device seen on the network, as resolved from its mDNS records."""

    role: str
    post: str
    name: str
    instance: str
    addresses: tuple[str, ...]
    port: int
    counter: int | None = None
    api: str = API_VERSION
    properties: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def tls(self) -> bool:
        """The peer announces HTTPS (``tls=1``): a hub with its own key."""
        return self.properties.get("tls") == "1"

    @property
    def fp_hint(self) -> str:
        """The first hex digits of the hub key's fingerprint it announces (``fp=``): a hint
        only — anyone can announce it; the TLS handshake checks the real key."""
        return self.properties.get("fp", "")

    @property
    def url(self) -> str:
        """Base URL (https when the peer announces TLS) on the first (preferred) address,
        IPv6 bracketed."""
        if not self.addresses:
            raise ValueError(f"peer {self.instance!r} has no address")
        host = self.addresses[0]
        if ":" in host:
            host = "[" + host.replace("%", "%25") + "]"
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def resolve_interfaces(host: str | None, configured: Sequence[str | int] | None) -> Interfaces:
    """Choose the interfaces to run mDNS on.

    A configured list wins. Otherwise a service bound to a loopback address is only
    reachable there, so it is announced on ``["127.0.0.1"]`` alone (zeroconf cannot use
    ``::1``); one bound to a single LAN address is announced on that address; a wildcard
    or unknown host means every interface.
    """
    if configured is not None:
        return list(configured)
    if not host or host in ("0.0.0.0", "::"):
        return InterfaceChoice.All
    if host == "localhost":
        return [_LOOPBACK]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return InterfaceChoice.All
    if ip.is_loopback:
        return [_LOOPBACK]
    return [str(ip)]


def _local_ipv4() -> list[ipaddress.IPv4Interface]:
    """This host's IPv4 interface addresses (with their networks)."""
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                found.append(ipaddress.IPv4Interface(f"{ip.ip}/{ip.network_prefix}"))
    return found


def _advertised_addresses(interfaces: Interfaces) -> list[str]:
    """The addresses to put in A/AAAA records for the chosen interfaces."""
    if isinstance(interfaces, list):
        chosen = [i for i in interfaces if isinstance(i, str)]
        if chosen:
            return chosen
    lan = [str(i.ip) for i in _local_ipv4() if not i.ip.is_loopback]
    return lan or [_LOOPBACK]


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
        self._zc: Zeroconf | None = None
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
            if self._zc is not None:
                return self
            zc = Zeroconf(interfaces=self._interfaces)
            info = self._make_info()
            try:
                zc.register_service(info, allow_name_change=True)
            except BaseException:
                zc.close()
                raise
            self._name = info.name
            self._zc, self._info = zc, info
        log.info("advertising %s on %s port %d", self.instance, info.parsed_addresses(), self._port)
        return self

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
            if self._zc is None:
                return
            self._info = self._make_info()
            self._zc.update_service(self._info)
        log.info("re-announced %s with %s", self.instance, new)

    def close(self) -> None:
        """Withdraw the service (goodbye packets) and close zeroconf; safe to repeat."""
        with self._lock:
            zc, info = self._zc, self._info
            self._zc = self._info = None
        if zc is None:
            return
        try:
            if info is not None:
                zc.unregister_service(info)
        except Exception:
            log.warning("could not withdraw %s cleanly", self.instance, exc_info=True)
        finally:
            zc.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _order_addresses(
    addresses: Iterable[str], local: Sequence[ipaddress.IPv4Interface]
) -> tuple[str, ...]:
    """Addresses on one of our own subnets first: those are the ones we can reach."""

    def reachable(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip in iface.network for iface in local)

    return tuple(sorted(addresses, key=lambda a: not reachable(a)))


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
        self._zc: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self._closing = False

    def on_change(self, callback: ChangeCallback) -> None:
        """Call ``callback(peers)`` from a background thread whenever the table changes."""
        with self._cond:
            self._callbacks.append(callback)

    def start(self) -> Self:
        """Open zeroconf and start browsing; returns at once."""
        with self._cond:
            if self._zc is not None or self._closing:
                return self
            self._local = _local_ipv4()
            self._zc = Zeroconf(interfaces=self._interfaces)
            try:
                self._browser = ServiceBrowser(
                    self._zc, SERVICE_TYPE, handlers=[self._on_state_change]
                )
            except BaseException:
                self._zc.close()
                self._zc = None
                raise
        return self

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
        """Stop browsing and close zeroconf; safe to repeat."""
        with self._cond:
            self._closing = True
            zc, browser = self._zc, self._browser
            self._zc = self._browser = None
            self._cond.notify_all()
        # Outside the lock: cancel() joins the browser thread, which may be resolving.
        if browser is not None:
            browser.cancel()
        if zc is not None:
            zc.close()

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
        except Exception:
            log.exception("error handling %s %s", state_change.name, name)

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
) -> Peer | None:
    """Browse until the hub (of ``post`` if given) answers or ``timeout`` s pass."""
    with Browser(post=post, roles=["hub"], interfaces=interfaces) as browser:
        return browser.wait_for("hub", timeout)
