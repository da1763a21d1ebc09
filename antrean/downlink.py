"""The city's downlink to a hub: each programme's key and the other posts' keyed NIK hashes.

Run by the uplink's thread (antrean/uplink.py) at its first cycle and then every
:data:`DOWNLINK_S`, before it sends events: ``GET {city}/city/v1/beneficiaries?programme=P
&after=CURSOR`` answers the programme's HMAC key and the "given" hashes the other posts
recorded since the cursor, in pages. Each page is kept with its cursor in one transaction
(``meta`` ``beneficiary_cursor:P``), so a link cut mid-way resumes where it stopped, like
the uplink. The hub's check then reads these rows beside its own: a post cut off from the
city checks against what it last received.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from . import beneficiary_store as store
from .beneficiary import ProgrammeKeys
from .config import PostConfig
from .storage import Storage

__all__ = ["Downlink", "DOWNLINK_S", "cursor_key", "BadDownlink"]

log = logging.getLogger(__name__)

#: How often a hub asks the city for the other posts' hashes (and at its first cycle).
DOWNLINK_S = 30.0
_HASH = re.compile(r"^[0-9a-f]{64}$")
_POST = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class BadDownlink(ValueError):
    """The city's answer is not what a downlink page looks like (nothing is kept)."""


def cursor_key(programme: str) -> str:
    return f"beneficiary_cursor:{programme}"


def _rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's rows, checked: a wrong one refuses the page whole."""
    posts = body.get("posts")
    hashes = body.get("hashes")
    if not isinstance(posts, dict) or not isinstance(hashes, list):
        raise BadDownlink("posts or hashes missing")
    rows = []
    for item in hashes:
        if not (isinstance(item, list) and len(item) == 4):
            raise BadDownlink("a row is not [hash, day, post, counter]")
        digest, day, post, counter = item
        if not (isinstance(digest, str) and _HASH.match(digest) and isinstance(post, str)
                and _POST.match(post) and (counter is None or isinstance(counter, int))):
            raise BadDownlink("a row's hash, post or counter is not valid")
        try:
            date.fromisoformat(str(day))
        except ValueError as exc:
            raise BadDownlink("a row's day is not a date") from exc
        rows.append({"hash": digest, "day": day, "post": post, "counter": counter,
                     "post_name": str(posts.get(post) or post)[:120]})
    return rows


class Downlink:
    """One hub's downlink; :meth:`run` when :meth:`due` (the uplink's thread only)."""

    def __init__(self, storage: Storage, config: PostConfig, *, every_s: float = DOWNLINK_S
                 ) -> None:
        self.storage, self.config = storage, config
        self.programmes = sorted(config.programmes())
        self.keys = ProgrammeKeys(storage.data_dir, city=True)
        self.every_s = every_s
        self._next = 0.0  # monotonic: due at once
        self.last: dict[str, dict[str, Any]] = {}  # programme → {"cursor", "rows", "at"}

    def due(self) -> bool:
        return bool(self.programmes) and time.monotonic() >= self._next

    def postpone(self) -> None:
        """A failed run: try again at the next turn, not at once."""
        self._next = time.monotonic() + self.every_s

    def run(self, get: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
        """Fetch every programme's new pages with ``get(path, params)`` (which raises when
        the city cannot be asked); the next run is due ``every_s`` after a whole one."""
        from .hub_beneficiary import purge_day

        today = datetime.now(UTC).astimezone(self.config.tz).date()
        for programme in self.programmes:
            if today < purge_day(self.config, programme):  # a purged one is not fetched again
                self._programme(get, programme)
        self._next = time.monotonic() + self.every_s

    def _programme(self, get: Callable[[str, dict[str, Any]], dict[str, Any]],
                   programme: str) -> None:
        stored = self.storage.meta_value(cursor_key(programme))
        cursor = int(stored) if stored and stored.isdigit() else 0
        added = 0
        while True:
            body = get("/beneficiaries", {"programme": programme, "after": cursor})
            key, new_cursor = body.get("key"), body.get("cursor")
            if not (isinstance(key, str) and re.fullmatch(r"[0-9a-f]{64}", key)
                    and isinstance(new_cursor, int) and new_cursor >= cursor):
                raise BadDownlink("key or cursor missing")
            rows = _rows(body)
            if self.keys.set_from_city(programme, bytes.fromhex(key)):
                log.info("programme %s: key received from the city", programme)
            with self.storage.engine.begin() as c:
                added += store.add_city_rows(c, programme, rows)
                c.exec_driver_sql("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT "
                                  "(key) DO UPDATE SET value = excluded.value",
                                  (cursor_key(programme), str(new_cursor)))
            cursor = new_cursor
            if not body.get("more") or not rows:
                break
        self.last[programme] = {"cursor": cursor, "added": added,
                                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if added:
            log.info("programme %s: %d hashes of other posts received", programme, added)
