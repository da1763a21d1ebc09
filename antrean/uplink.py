"""The hub's uplink to the city: store and forward (DESIGN.md "The city (v1)").

A thread of its own reads the hub's log (SQLite, WAL: readers never block the hub's writes)
and posts it to ``POST {url}/city/v1/events`` in seq order, in batches, resuming after the
last seq the city acknowledged (asked once at start: ``GET /city/v1/uplink``). The hub's
request path never waits for it: each commit only sets an event that wakes the thread, so
an event reaches the city within moments while the link is up. When the city does not
answer, the thread waits with a growing, jittered backoff (capped at ``[city] retry_max_s``)
and catches up by itself later, however long the post was offline.

``instance`` is the hub database's own UUID (migration 0002). If the city already holds
more of this instance than the database has (a database restored from a backup), the
database takes a new instance and sends its whole log under it: the city keeps tickets by
their ids, so nothing counts twice, and nothing new is silently skipped.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import __version__
from .bundle import post_meta
from .config import CityLink, ConfigError, PostConfig
from .downlink import BadDownlink, Downlink
from .storage import Storage

if TYPE_CHECKING:  # imported where used: a hub without a city never loads httpx
    import httpx

__all__ = ["Uplink", "UplinkSettings", "settings_from_config", "ACKED_KEY"]

log = logging.getLogger(__name__)

#: meta key of the last seq the city acknowledged (kept for bundles and the doctor).
ACKED_KEY = "city_acked_seq"
#: With nothing to send, look again this often anyway (a missed wake-up costs no more).
IDLE_S = 30.0
#: Write the acknowledged seq to the database at most this often (it costs an fsync).
PERSIST_S = 10.0


@dataclass(frozen=True)
class UplinkSettings:
    url: str  # the city server's base URL, without /city/v1
    token: str
    verify: bool | str = True  # a CA bundle path, or the system's CAs
    batch: int = 500
    retry_max_s: float = 30.0

    @property
    def api(self) -> str:
        return self.url.rstrip("/") + "/city/v1"


def settings_from_config(link: CityLink) -> UplinkSettings | None:
    """The uplink a post config asks for; ``None`` when ``[city] url`` is empty."""
    if not link.url:
        return None
    token = link.token
    if not token and link.token_file:
        from .devicetoken import read_token_file

        try:
            token = read_token_file(link.token_file)
        except Exception as exc:  # argparse's error type carries the message
            raise ConfigError(f"city.token_file: {exc}") from exc
    if not token:
        raise ConfigError("city.token: the city's token for this post is needed with city.url "
                          "(antrean city token --post POST_ID on the city server)")
    return UplinkSettings(link.url, token, link.ca or True, link.batch, link.retry_max_s)


class _Retry(Exception):
    """This attempt failed; wait and try again (``long``: a mistake a person must fix)."""

    def __init__(self, message: str, message_en: str, *, long: bool = False) -> None:
        super().__init__(message_en)
        self.message, self.message_en, self.long = message, message_en, long


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Uplink:
    """One hub database's link to the city; ``start()``/``stop()`` (safe twice), ``wake()``
    from any thread, ``status()`` for ``/health`` and the doctor."""

    def __init__(self, storage: Storage, config: PostConfig, settings: UplinkSettings, *,
                 last_seq: Callable[[], int] | None = None) -> None:
        self.storage, self.config, self.settings = storage, config, settings
        # The hub passes its in-memory last seq: status() then reads no database.
        self._hub_last_seq = last_seq or storage.last_seq
        self._instance = storage.instance()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._acked: int | None = None  # the city's word; None until asked
        stored = storage.meta_value(ACKED_KEY)
        self._known_acked = int(stored) if stored and stored.isdigit() else 0
        self._persisted, self._persisted_at = self._known_acked, 0.0
        self._state = "starting"
        self._last_ok_at: str | None = None
        self._last_error: dict[str, str] | None = None
        self._sent = 0
        # the other posts' keyed NIK hashes and the programmes' keys (antrean/downlink.py)
        self._downlink = (Downlink(storage, config, every_s=config.city.downlink_s)
                          if config.programmes() else None)
        self._down_ok = True  # the downlink's last turn worked (its failure is said once)

    # ----- lifecycle ----------------------------------------------------------------------
    def start(self) -> Uplink:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="city-uplink", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        self._persist(force=True)

    def wake(self, *_: Any) -> None:
        """New events were committed (a hub listener: cheap, never blocks)."""
        self._wake.set()

    def status(self) -> dict[str, Any]:
        last = self._hub_last_seq()
        with self._lock:
            acked = self._acked if self._acked is not None else self._known_acked
            return {"url": self.settings.url, "instance": self._instance,
                    "state": self._state, "acked_seq": acked, "last_seq": last,
                    "backlog": max(0, last - acked), "last_ok_at": self._last_ok_at,
                    "last_error": self._last_error, "sent": self._sent,
                    "downlink": dict(self._downlink.last) if self._downlink else None}

    # ----- the loop -----------------------------------------------------------------------
    def _run(self) -> None:
        import httpx

        backoff = 1.0
        with httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0), verify=self.settings.verify,
                          headers={"Authorization": f"Bearer {self.settings.token}",
                                   "User-Agent": f"antrean-hub/{__version__}"}) as client:
            while not self._stop.is_set():
                self._wake.clear()  # before reading: a commit after the read wakes us again
                try:
                    busy = self._cycle(client)
                    backoff = 1.0
                except _Retry as r:
                    self._failed(r)
                    wait = self.settings.retry_max_s if r.long else backoff
                    backoff = min(backoff * 2, self.settings.retry_max_s)
                    self._stop.wait(wait * random.uniform(0.8, 1.2))
                    continue
                except Exception as exc:  # a bug here must never stop the hub
                    log.exception("city uplink failed")
                    self._failed(_Retry(f"kesalahan: {exc}", f"error: {exc}"))
                    self._stop.wait(self.settings.retry_max_s)
                    continue
                if not busy:
                    self._wake.wait(IDLE_S)

    def _cycle(self, client: httpx.Client) -> bool:
        """Send one batch; True if there may be more to send at once."""
        if self._downlink is not None and self._downlink.due():
            self._down(client)
        if self._acked is None:
            self._acked = self._ask(client)
        if self._acked > self.storage.last_seq():
            self._new_instance()
            return True
        events = self.storage.wire_events_since(self._acked, self.config.tz,
                                                limit=self.settings.batch)
        if not events:
            self._ok()
            return False
        body = {"post": self.config.post.id, "instance": self._instance,
                "after": self._acked, "meta": post_meta(self.config), "events": events}
        r = self._call(client, "POST", "/events", json=body)
        if r.status_code == 409 and isinstance(self._json(r).get("acked_seq"), int):
            self._acked = int(self._json(r)["acked_seq"])  # the city holds less: resend
            return True
        self._check(r)
        acked = self._json(r).get("acked_seq")
        if not isinstance(acked, int):
            raise _Retry("jawaban kota tidak dikenal", "unexpected answer from the city")
        with self._lock:
            self._sent += max(0, acked - self._acked)
            self._acked = acked
        self._ok()
        self._persist()
        return len(events) == self.settings.batch

    def _down(self, client: httpx.Client) -> None:
        """The downlink's turn. Its failure never holds the log back: it is said, and tried
        again at its next turn (a city without it answers 404)."""

        def get(path: str, params: dict[str, Any]) -> dict[str, Any]:
            r = self._call(client, "GET", path, params=params)
            self._check(r)
            return self._json(r)

        assert self._downlink is not None  # noqa: S101
        try:
            self._downlink.run(get)
        except (_Retry, BadDownlink) as exc:
            self._downlink.postpone()
            log.log(logging.WARNING if self._down_ok else logging.DEBUG, "city downlink: %s",
                    getattr(exc, "message_en", str(exc)))
            self._down_ok = False
        else:
            self._down_ok = True

    def _ask(self, client: httpx.Client) -> int:
        r = self._call(client, "GET", "/uplink", params={
            "post": self.config.post.id, "instance": self._instance})
        self._check(r)
        acked = self._json(r).get("acked_seq")
        if not isinstance(acked, int):
            raise _Retry("jawaban kota tidak dikenal", "unexpected answer from the city")
        return acked

    def _call(self, client: httpx.Client, method: str, path: str, **kw: Any) -> httpx.Response:
        import httpx

        try:
            return client.request(method, self.settings.api + path, **kw)
        except httpx.TimeoutException as exc:
            raise _Retry("server kota tidak menjawab tepat waktu",
                         "the city server did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise _Retry("server kota tidak terjangkau (jaringan atau server mati)",
                         f"cannot reach the city server ({exc})") from exc

    @staticmethod
    def _json(r: httpx.Response) -> dict[str, Any]:
        try:
            body = r.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _check(self, r: httpx.Response) -> None:
        if r.status_code == 200:
            return
        said = self._json(r)
        msg, msg_en = said.get("message", ""), said.get("message_en", "")
        if r.status_code in (401, 403):
            raise _Retry(f"kota menolak token pos ini: {msg}",
                         f"the city refused this post's token: {msg_en}", long=True)
        if r.status_code in (413, 422):
            raise _Retry(f"kota menolak kiriman: {msg}", f"the city refused the batch: {msg_en}",
                         long=True)
        raise _Retry(f"server kota menjawab {r.status_code} {msg}".strip(),
                     f"the city server answered {r.status_code} {msg_en}".strip())

    # ----- bookkeeping --------------------------------------------------------------------
    def _ok(self) -> None:
        with self._lock:
            self._state, self._last_ok_at, self._last_error = "ok", _now(), None

    def _failed(self, r: _Retry) -> None:
        with self._lock:
            first = self._state != "retrying"
            self._state = "retrying"
            self._last_error = {"at": _now(), "message": r.message, "message_en": r.message_en}
        # Logged once at WARNING when the link goes down, then at DEBUG while it stays down.
        log.log(logging.WARNING if first else logging.DEBUG, "city uplink: %s", r.message_en)

    def _persist(self, force: bool = False) -> None:
        acked = self._acked
        if acked is None or acked == self._persisted:
            return
        if not force and time.monotonic() - self._persisted_at < PERSIST_S:
            return
        try:
            self.storage.set_meta(ACKED_KEY, str(acked))
        except Exception as exc:  # a busy or full disk: the city keeps the real number
            log.debug("could not keep the city's acknowledged seq: %s", exc)
            return
        self._persisted, self._persisted_at = acked, time.monotonic()
        with self._lock:
            self._known_acked = acked

    def _new_instance(self) -> None:
        new = str(uuid.uuid4())
        log.warning("the city holds seq %s of instance %s but this database ends at seq %s "
                    "(restored from a backup?): sending the log again as instance %s",
                    self._acked, self._instance, self.storage.last_seq(), new)
        self.storage.set_meta("instance", new)
        self.storage.set_meta(ACKED_KEY, "0")
        with self._lock:
            self._instance = new
            self._acked, self._known_acked, self._persisted = None, 0, 0
