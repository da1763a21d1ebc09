"""What the rest of the package shares: names, the :class:`Peer`, the interface choice."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ifaddr  # a dependency of zeroconf; zeroconf asks callers to use it directly
from zeroconf import InterfaceChoice

log = logging.getLogger("antrean.discovery")  # one logger for the package

SERVICE_TYPE = "_antrean._tcp.local."
ROLES = frozenset({"hub", "kiosk", "counter", "display"})
API_VERSION = "1"

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


def device_interfaces(hub_url: str, configured: Sequence[str | int] | None) -> Interfaces:
    """The interfaces a device (kiosk, counter, display) advertises and browses on.

    The configured list, else loopback alone for a hub on loopback (a post on one machine
    stays off the LAN), else every interface — the same set a device that looks for its
    hub browses on, so both share the process's one Zeroconf (and it follows new leases).
    """
    if configured:
        return list(configured)
    host = urlsplit(hub_url).hostname or ""
    if host == "localhost":
        return [_LOOPBACK]
    try:
        if ipaddress.ip_address(host).is_loopback:
            return [_LOOPBACK]
    except ValueError:
        pass
    return InterfaceChoice.All


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


