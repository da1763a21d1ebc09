"""The post's clock (DESIGN "The post's clock"): chrony on every Pi, the hall Pi serving it.

The hall Pi serves NTP on the post's LAN (``antrean/data/chrony-hub.conf``, copied to
``/etc/chrony/conf.d/`` by ``antrean setup hall|hub``). Every other Pi follows it: ``antrean
setup kiosk|counter|display`` finds the hub by mDNS and writes its address as chrony's
preferred source (``/etc/chrony/sources.d/antrean-hub.sources``), with a drop-in that lets
chrony step a device's clock whenever it is more than a second off (a device's own clock is
never the post's: the apps show the hub's time, see antrean/posttime.py). ``antrean doctor``
checks that the source still is the hub's address. Debian's chrony reads both folders
(``confdir`` and ``sourcedir`` in its chrony.conf).

Pure: paths relative to a system root and the files' text; nothing here runs a command.
"""

from __future__ import annotations

import ipaddress
from importlib import resources
from pathlib import Path

__all__ = ["DEVICE_DROPIN", "HUB_DROPIN", "SOURCES", "configured_hub", "files_for",
           "hub_dropin_text"]

HUB_DROPIN = "etc/chrony/conf.d/antrean-hub.conf"
SOURCES = "etc/chrony/sources.d/antrean-hub.sources"
DEVICE_DROPIN = "etc/chrony/conf.d/antrean-device.conf"

HUB_ROLES = ("hall", "hub")

_DEVICE_CONF = """\
# Antrean (written by `antrean setup`): this Pi takes its time from the post's hub
# (sources.d/antrean-hub.sources). Step the clock whenever it is more than a second off,
# not only at start: a Pi with no RTC wakes with the wrong time, and the hub may come up
# later than this Pi.
makestep 1 -1
"""


def hub_dropin_text() -> str:
    """The hub's chrony drop-in as packaged."""
    return (resources.files("antrean") / "data" / "chrony-hub.conf").read_text(encoding="utf-8")


def sources_text(address: str) -> str:
    """chrony's source line for the hub at ``address`` (an IP address, nothing else)."""
    ipaddress.ip_address(address)  # a name or anything odd never reaches chrony's config
    return ("# Antrean (written by `antrean setup`): the post's hub, found by mDNS. Run the\n"
            "# setup again if the hub's address changes (antrean doctor says so).\n"
            f"server {address} iburst prefer minpoll 4 maxpoll 6\n")


def files_for(role: str, hub_address: str | None) -> dict[str, str]:
    """The chrony files a Pi of ``role`` needs (relative to the system root). A device whose
    hub was not found gets none (its setup says so)."""
    if role in HUB_ROLES:
        return {HUB_DROPIN: hub_dropin_text()}
    if hub_address is None:
        return {}
    return {SOURCES: sources_text(hub_address), DEVICE_DROPIN: _DEVICE_CONF}


def configured_hub(root: str | Path = "/") -> str | None:
    """The hub address chrony was pointed at on this Pi, or None."""
    try:
        text = (Path(root) / SOURCES).read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "server":
            return parts[1]
    return None
