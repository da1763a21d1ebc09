"""The hub's side of device trust: tokens checked without a database read per request,
revocation that takes effect while the hub runs, last seen, open event streams per device,
and the one counter number each counter device holds.

Tokens are checked against an in-memory cache (one SQLite read the first time a token is
seen). Revocation must still take effect at once, also when ``antrean token --revoke``
writes the database from another process: :meth:`DeviceRegistry.refresh` re-reads the
revoked ids every :data:`REFRESH_S` (one read of a table of a few dozen rows) and closes
what a revoked device still has open; the lead's revoke route applies at once. Last seen is
kept in memory and written every :data:`FLUSH_S`, not per request (a kiosk polls).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .auth import Device, hash_token
from .queue import QueueError
from .storage import Storage

__all__ = ["DeviceRegistry", "REFRESH_S", "FLUSH_S", "MAX_STREAMS_PER_DEVICE"]

log = logging.getLogger(__name__)

#: How often the hub re-reads which tokens were revoked (by the CLI, while it runs).
REFRESH_S = 1.0
#: How often last-seen times go to the database.
FLUSH_S = 60.0
#: Event streams one device may hold open at once (a device needs one; a restart that
#: overlaps its old connection, two).
MAX_STREAMS_PER_DEVICE = 4

StreamQueue = asyncio.Queue[dict[str, Any] | None]


class DeviceRegistry:
    def __init__(self, storage: Storage, now: Callable[[], datetime]) -> None:
        self._storage = storage
        self._now = now
        self._by_hash: dict[str, Device] = {}
        self._revoked: set[int] = storage.revoked_device_ids()
        self._seen: dict[int, datetime] = {}
        self._dirty: set[int] = set()
        self._streams: dict[int, set[StreamQueue]] = {}
        self._claims: dict[int, int] = storage.counter_claims()  # counter -> device id

    # ----- tokens ---------------------------------------------------------------------
    def authenticate(self, token: str) -> Device | None:
        """The device a token belongs to (None if unknown or revoked); marks it seen."""
        h = hash_token(token)
        dev = self._by_hash.get(h)
        if dev is None:
            row = self._storage.device_by_hash(h)
            if row is None:
                return None
            dev = self._by_hash[h] = Device(row["id"], row["role"], row["name"])
        if dev.id in self._revoked:
            return None
        self._seen[dev.id] = self._now()
        self._dirty.add(dev.id)
        return dev

    def is_revoked(self, device_id: int) -> bool:
        return device_id in self._revoked

    def refresh(self) -> set[int]:
        """Take in revocations written by another process; returns the newly revoked ids."""
        revoked = self._storage.revoked_device_ids()
        new = revoked - self._revoked
        self._revoked = revoked
        if new:
            self._forget(new)
        return new

    def revoke(self, device_id: int) -> dict[str, Any] | None:
        """Revoke a device now (idempotent); None if no such device."""
        if not any(r["id"] == device_id for r in self._storage.find_devices(str(device_id))):
            return None
        self._storage.revoke_device(device_id, self._now())
        self._revoked.add(device_id)
        self._forget({device_id})
        return next(d for d in self.listing() if d["id"] == device_id)

    def _forget(self, ids: set[int]) -> None:
        """Drop revoked devices' cache entries and claims; close their event streams."""
        self._by_hash = {h: d for h, d in self._by_hash.items() if d.id not in ids}
        self._claims = {n: d for n, d in self._claims.items() if d not in ids}
        for did in ids:
            log.warning("device %d revoked: its token is refused from now on", did)
            for q in self._streams.get(did, ()):
                with contextlib.suppress(asyncio.QueueFull):
                    q.put_nowait(None)

    # ----- last seen and listing ----------------------------------------------------------
    def flush(self) -> None:
        """Write last-seen times (devices with an open stream are seen now)."""
        seen = self.take_seen()
        if not self.write_seen(seen):
            self.keep_seen(seen)

    def take_seen(self) -> dict[int, datetime]:
        """The last-seen times to write (on the hub's loop: they change there)."""
        now = self._now()
        for did, queues in self._streams.items():
            if queues:
                self._seen[did] = now
                self._dirty.add(did)
        dirty = {d: self._seen[d] for d in self._dirty if d in self._seen}
        self._dirty.clear()
        return dirty

    def write_seen(self, seen: dict[int, datetime]) -> bool:
        """Write them (any thread: the hub's timer writes from a worker thread, so a slow
        card's fsync never holds up its loop); False if the disk refused."""
        try:
            self._storage.set_last_seen(seen)
        except Exception:  # a full or locked disk: kept for the next flush
            log.exception("could not write devices' last-seen times")
            return False
        return True

    def keep_seen(self, seen: dict[int, datetime]) -> None:
        """Times a failed write did not take: written with the next flush."""
        self._dirty.update(seen)

    def listing(self) -> list[dict[str, Any]]:
        """Every device with role, name, created, last seen (memory first), revoked,
        the counter it holds and how many event streams it has open."""
        out = []
        for row in self._storage.list_devices():
            did = int(row["id"])
            seen = self._seen.get(did)
            out.append({
                "id": did, "role": row["role"], "name": row["name"],
                "created_at": _parse(row["created_at"]),
                "last_seen_at": seen or _parse(row.get("last_seen_at")),
                "revoked_at": _parse(row.get("revoked_at")),
                "counter": row.get("counter"),
                "streams": len(self._streams.get(did, ())),
            })
        return out

    # ----- event streams ------------------------------------------------------------------
    def open_stream(self, dev: Device, queue: StreamQueue) -> bool:
        """Count one open stream of ``dev``; False if it already has its share."""
        mine = self._streams.setdefault(dev.id, set())
        if len(mine) >= MAX_STREAMS_PER_DEVICE:
            return False
        mine.add(queue)
        return True

    def close_stream(self, dev: Device, queue: StreamQueue) -> None:
        mine = self._streams.get(dev.id)
        if mine is not None:
            mine.discard(queue)
            if not mine:
                del self._streams[dev.id]

    # ----- counter numbers ------------------------------------------------------------------
    def holder(self, counter: int) -> int | None:
        return self._claims.get(counter)

    def claim_counter(self, dev: Device, counter: int, busy: Callable[[int], bool]) -> None:
        """Let ``dev`` act on ``counter``: a lead acts on any; a counter device on the number
        it holds, taking a free one at its first action (and letting go of its old one,
        unless a resident is still being served there)."""
        if dev.role != "counter":
            return
        holder = self._claims.get(counter)
        if holder == dev.id:
            return
        if holder is not None:
            raise QueueError(409, "counter_taken",
                             f"Loket {counter} sedang dipakai perangkat lain. Pilih nomor loket "
                             "lain, atau minta ketua pos melepasnya.",
                             f"Counter {counter} is held by another device. Choose another "
                             "number, or ask the post lead to release it.")
        old = next((n for n, d in self._claims.items() if d == dev.id), None)
        if old is not None and busy(old):
            raise QueueError(409, "counter_busy",
                             f"Selesaikan dulu nomor antrean yang dilayani di loket {old}.",
                             f"Finish the ticket being served at counter {old} first.")
        if not self._storage.claim_counter(counter, dev.id, self._now()):
            self._claims = self._storage.counter_claims()  # another process got there first
            raise QueueError(409, "counter_taken", f"Loket {counter} sedang dipakai perangkat "
                             "lain.", f"Counter {counter} is held by another device.")
        if old is not None:
            self._claims.pop(old, None)
        self._claims[counter] = dev.id
        log.info("counter %d is now held by device %d (%s)", counter, dev.id, dev.name)

    def release_counter(self, counter: int) -> int | None:
        """Free a counter number (a lead's act); returns the device that held it."""
        self._claims.pop(counter, None)
        return self._storage.release_counter(counter)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
