"""Finding the hub and the other devices of a post by mDNS (``_antrean._tcp.local.``).

Every device runs an :class:`Advertiser` that publishes its role, post id, API version,
name and (for counters) counter number as TXT keys. Devices run a :class:`Browser` that
keeps a live table of the peers of their post; :func:`find_hub` is the one-shot form.

One Zeroconf per process and interface set (:func:`shared_zeroconf`), as python-zeroconf
advises: a counter's hub browser, peer browser and advertisement share one socket set and
one cache instead of three. That shared instance also follows this host's addresses: a
travel router that hands out a new lease is noticed within seconds (``_shared.ADDRESS_POLL_S``), the
sockets are moved to the new address and every advertisement is re-announced with it.

Threads: python-zeroconf runs its own event loop thread. A ``ServiceBrowser`` delivers
its events on a dedicated thread of its own, so resolving a service there with the
blocking ``ServiceInfo.request`` is allowed (it would raise on the loop thread) and our
``on_change`` callbacks run on that thread too, never on the loop.
"""

from ._advertiser import Advertiser
from ._browser import Browser, find_hub
from ._common import (
    API_VERSION,
    ROLES,
    SERVICE_TYPE,
    Interfaces,
    Peer,
    device_interfaces,
    resolve_interfaces,
)
from ._shared import shared_zeroconf

__all__ = [
    "API_VERSION",
    "ROLES",
    "SERVICE_TYPE",
    "Advertiser",
    "Browser",
    "Interfaces",
    "Peer",
    "device_interfaces",
    "find_hub",
    "resolve_interfaces",
    "shared_zeroconf",
]
