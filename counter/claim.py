"""Which counter numbers are free on the LAN, and who keeps a number two devices claim.

Pure functions over the peers seen by mDNS (``antrean.discovery.Peer``): no I/O, no Qt.
A counter announces ``counter=<n>`` and ``since=<ms>`` (hub time when it took the number)
in its TXT record. If two counters ever announce one number (both started within the
same few seconds), the earlier ``since`` keeps it — ties go to the smaller instance name
— and the other goes back to the number picker. Hub time, not the device's own clock, so
a Pi that booted with a wrong clock does not win by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from .config import MAX_COUNTER

__all__ = ["claim_key", "free_numbers", "holder_of", "used_numbers", "winner_over"]


class _PeerLike(Protocol):
    role: str
    instance: str
    name: str
    counter: int | None
    properties: dict[str, str]


def claim_key(peer: _PeerLike) -> tuple[int, str]:
    """Ordering of claims: the smaller key keeps a disputed number."""
    since = peer.properties.get("since", "")
    return (int(since) if since.isdigit() else 0, peer.instance)


def used_numbers(peers: Iterable[_PeerLike], me: str | None) -> dict[int, _PeerLike]:
    """Numbers announced by counters other than ``me`` (an instance name)."""
    used: dict[int, _PeerLike] = {}
    for p in peers:
        if p.role != "counter" or p.instance == me or p.counter is None:
            continue
        if p.counter not in used or claim_key(p) < claim_key(used[p.counter]):
            used[p.counter] = p
    return used


def holder_of(number: int, peers: Iterable[_PeerLike], me: str | None) -> _PeerLike | None:
    """The other counter that announces ``number``, if any."""
    return used_numbers(peers, me).get(number)


def free_numbers(peers: Iterable[_PeerLike], me: str | None, *, at_least: int = 12) -> list[int]:
    """Free numbers to offer: 1 up to a few past the highest used (at least ``at_least``)."""
    used = used_numbers(peers, me)
    top = min(MAX_COUNTER, max([at_least, *(n + 4 for n in used)]))
    return [n for n in range(1, top + 1) if n not in used]


def winner_over(number: int, since_ms: int, peers: Iterable[_PeerLike], me: str
                ) -> _PeerLike | None:
    """Another counter that announced ``number`` before us (so we must give it up)."""
    other = holder_of(number, peers, me)
    if other is not None and claim_key(other) < (since_ms, me):
        return other
    return None
