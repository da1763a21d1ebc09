"""``HubClient``: what the apps use to talk to their post's hub — and to no other.

Found by mDNS (``HubClient.discover``) or given a URL; every protocol call; and an event
stream that reconnects by itself and resumes from the last ``seq`` it saw, so a device
that loses the hub for a while misses nothing. Synchronous (httpx + websockets' sync
client): the Qt apps call it from worker threads.

Trust: a paired device knows its hub's key (``fingerprint``, pinned at pairing). Every
connection, HTTPS and WSS, checks that key inside the TLS handshake, before the token is
sent; a hub found by mDNS with another key (a rogue hub announcing the same post) is
refused, logged, and the next hub of the post is tried. The rules for where the token may
go are in :meth:`HubClient.refusal`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import httpx

from .posttime import PostClock
from .tls import HubTLSContext, PinMismatch, find_pin_mismatch, is_loopback_host, url_host

__all__ = ["HubClient", "HubError", "HubKeyRefused", "HubUnreachable", "EventStream",
           "hub_error"]

log = logging.getLogger(__name__)


class HubError(Exception):
    """The hub answered with an error (4xx/5xx)."""

    def __init__(self, status: int, code: str, message: str, message_en: str = "") -> None:
        super().__init__(f"{status} {code}: {message_en or message}")
        self.status, self.code, self.message, self.message_en = status, code, message, message_en


class HubUnreachable(HubError):
    """No answer from the hub (down, moving, network cut)."""

    def __init__(self, detail: str) -> None:
        super().__init__(0, "unreachable", "Hub tidak dapat dihubungi.",
                         f"The hub cannot be reached: {detail}")


def hub_error(r: httpx.Response) -> HubError:
    """The hub's 4xx/5xx answer as a :class:`HubError`."""
    try:
        body = r.json()
        return HubError(r.status_code, body.get("error", "error"), body.get("message", ""),
                        body.get("message_en", ""))
    except (ValueError, AttributeError):
        return HubError(r.status_code, "error", r.text[:200])


class HubKeyRefused(HubUnreachable):
    """This device will not talk to that hub: not its pinned key, or no key to check."""

    def __init__(self, url: str, detail: str) -> None:
        HubError.__init__(self, 0, "hub_key_refused",
                          "Hub ditolak: kuncinya bukan kunci hub pos ini (lihat antrean doctor).",
                          f"Refused the hub at {url}: {detail}")
        self.url, self.detail = url, detail


_REFUSE_FOR_S = 60.0  # a refused hub address is skipped this long when looking for the hub


class HubClient:
    """A device's link to its hub. ``fingerprint``: the hub key pinned at pairing."""

    def __init__(self, url: str | None = None, token: str | None = None, *,
                 post: str | None = None, timeout: float = 5.0,
                 interfaces: Sequence[str] | None = None, clock: PostClock | None = None,
                 fingerprint: str | None = None) -> None:
        self._url = url.rstrip("/") if url else None
        #: The post's time as this hub tells it (``/health``, ``/queue``): see antrean.posttime.
        self.clock = clock or PostClock()
        self.token = token
        self.post = post
        self.interfaces = list(interfaces) if interfaces else None
        self._fixed = url is not None
        self._lock = threading.Lock()
        self.timeout = timeout
        self.tls = HubTLSContext(fingerprint)  # shared by HTTPS and the event stream's WSS
        self._http = httpx.Client(timeout=timeout, verify=self.tls)
        self._browser: Any = None
        self._refused: dict[str, float] = {}  # url -> monotonic time until which it is skipped
        self._logged: set[tuple[str, str]] = set()
        self.last_refusal: HubKeyRefused | None = None  # for the apps' and doctor's screens

    @property
    def fingerprint(self) -> str | None:
        return self.tls.pin

    # ----- where the hub is ---------------------------------------------------------
    @classmethod
    def discover(cls, token: str | None = None, *, post: str | None = None,
                 timeout: float = 5.0, interfaces: Sequence[str] | None = None) -> HubClient:
        """A client for the hub found by mDNS (raises HubUnreachable if none is found)."""
        c = cls(None, token, post=post, interfaces=interfaces)
        c._locate(timeout)
        return c

    def _locate(self, timeout: float = 3.0) -> str:
        from .discovery import Browser

        with self._lock:  # the app's worker and the event stream may both look at once
            if self._url is not None:
                return self._url
            if self._browser is None:
                self._browser = Browser(post=self.post, roles=["hub"],
                                        interfaces=self.interfaces).start()
            peer = self._browser.wait_for("hub", timeout=timeout, accept=self._candidate)
            if peer is None:
                refused = self.last_refusal
                if refused is not None:
                    raise HubKeyRefused(refused.url, refused.detail)
                raise HubUnreachable("no hub found by mDNS")
            self._url = peer.url
            self.post = self.post or peer.post
            return self._url

    def _candidate(self, peer: Any) -> bool:
        """Whether a hub found by mDNS is worth a handshake (runs under the browser's lock).

        A pinned device only tries hubs announcing TLS and its key's first digits (a hint
        anyone can copy: the handshake decides); refused addresses are skipped a while.
        """
        try:
            url = peer.url
        except ValueError:
            return False
        until = self._refused.get(url)
        if until is not None and until > time.monotonic():
            return False
        pin = self.tls.pin
        if pin is not None and not (peer.tls and len(peer.fp_hint) >= 8
                                    and pin.startswith(peer.fp_hint)):
            return False
        return self.refusal(url, fixed=False) is None

    def refusal(self, url: str, *, fixed: bool | None = None) -> str | None:
        """Why this client must not send its token to ``url`` (None: it may).

        - a pinned device: HTTPS (the handshake checks the key); plain HTTP only to a
          loopback address it was given (the one-machine demo), never one found by mDNS;
        - a device with a token but no pinned key: a URL it was given, or loopback;
        - no token: anywhere (nothing to leak; pairing authenticates the hub itself).
        """
        fixed = self._fixed if fixed is None else fixed
        if not self.token:
            return None
        https = url.startswith("https://")
        loopback = is_loopback_host(url_host(url))
        if self.tls.pin is not None:
            if https or (fixed and loopback):
                return None
            return "plain HTTP to a hub whose key this device has pinned"
        if fixed or loopback:
            return None
        return ("this device has no pinned hub key: pair it (antrean join) or set "
                "[hub] fingerprint")

    def refuse(self, url: str, exc: BaseException) -> HubKeyRefused:
        """Note a hub that failed the key check: log it once, skip it a while."""
        mismatch = find_pin_mismatch(exc)
        detail = str(mismatch) if mismatch is not None else str(exc)
        got = mismatch.got if isinstance(mismatch, PinMismatch) else detail
        if (url, got) not in self._logged:
            self._logged.add((url, got))
            log.warning("refused the hub at %s: %s (antrean doctor shows the pinned key)",
                        url, detail)
        self._refused[url] = time.monotonic() + _REFUSE_FOR_S
        refused = HubKeyRefused(url, detail)
        self.last_refusal = refused
        if not self._fixed:
            self._url = None
        return refused

    @property
    def url(self) -> str:
        if self._url is None:
            return self._locate()
        return self._url

    def close(self) -> None:
        self._http.close()
        with self._lock:
            if self._browser is not None:
                self._browser.close()
                self._browser = None

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- plumbing ---------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _send(self, method: str, path: str, json_body: Any,
              params: dict[str, Any] | None) -> httpx.Response:
        """One request to the hub; a hub refused for its key is skipped and the next hub of
        the post (by mDNS) tried."""
        for _ in range(4):
            url = self.url
            why = self.refusal(url)
            if why is not None:
                raise self.refuse(url, HubKeyRefused(url, why))
            try:
                return self._http.request(method, f"{url}/api/v1{path}", json=json_body,
                                          params=params, headers=self._headers())
            except httpx.HTTPError as exc:
                if find_pin_mismatch(exc) is not None:
                    refused = self.refuse(url, exc)
                    if self._fixed:
                        raise refused from exc
                    continue
                if not self._fixed:
                    self._url = None  # the hub may have moved: look again next time
                raise HubUnreachable(str(exc) or type(exc).__name__) from exc
        raise self.last_refusal or HubUnreachable("no hub with the pinned key")

    def request(self, method: str, path: str, *, json_body: Any = None,
                params: dict[str, Any] | None = None, raw: bool = False) -> Any:
        r = self._send(method, path, json_body, params)
        if r.status_code >= 400:
            raise hub_error(r)
        if r.status_code == 204:
            return None
        if raw:
            return r.content
        return r.json()

    # ----- protocol v1 --------------------------------------------------------------------
    def _timed(self, path: str, key: str) -> dict[str, Any]:
        """GET ``path`` and keep the hub's time at ``answer[key]`` in :attr:`clock`."""
        sent = self.clock.instant()
        answer = self.request("GET", path)
        if isinstance(answer, dict):
            self.clock.observe_answer(answer, key, sent, self.clock.instant())
        return answer  # type: ignore[no-any-return]

    def health(self) -> dict[str, Any]:
        return self._timed("/health", "time")

    def whoami(self) -> dict[str, Any]:
        """``{"role", "name"}`` of this client's token; HubError 401 when the hub refuses it."""
        return self.request("GET", "/whoami")  # type: ignore[no-any-return]

    def services(self) -> list[dict[str, Any]]:
        return self.request("GET", "/services")  # type: ignore[no-any-return]

    def queue(self) -> dict[str, Any]:
        return self._timed("/queue", "at")

    def issue(self, service: str, priority: str | None = None,
              request_id: str | None = None, *, reserved_number: str | None = None,
              issued_at: datetime | None = None) -> dict[str, Any]:
        """Issue a ticket. Retrying with the same ``request_id`` never makes a second one.

        ``reserved_number`` (and ``issued_at``, aware): a ticket this kiosk issued from its
        reserve, maybe while the hub was away (see :meth:`reserves`).
        """
        body: dict[str, Any] = {"service": service, "priority": priority,
                                "request_id": request_id or str(uuid.uuid4())}
        if reserved_number is not None:
            body["reserved_number"] = reserved_number
        if issued_at is not None:
            body["issued_at"] = issued_at.isoformat()
        return self.request("POST", "/tickets", json_body=body)  # type: ignore[no-any-return]

    def reserves(self) -> dict[str, Any]:
        """Top this kiosk's reserve of numbers up and list them (``POST /reserves``); the
        answer's time keeps :attr:`clock`, like ``/health``'s."""
        sent = self.clock.instant()
        answer = self.request("POST", "/reserves")
        if isinstance(answer, dict):
            self.clock.observe_answer(answer, "at", sent, self.clock.instant())
        return answer  # type: ignore[no-any-return]

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        return self.request("GET", f"/tickets/{ticket_id}")  # type: ignore[no-any-return]

    def cancel(self, ticket_id: str) -> dict[str, Any]:
        return self.request("POST", f"/tickets/{ticket_id}/cancel")  # type: ignore[no-any-return]

    def call_next(self, counter: int, services: Sequence[str] | None = None
                  ) -> dict[str, Any] | None:
        body = {"services": list(services)} if services else None
        return self.request("POST", f"/counters/{counter}/next",  # type: ignore[no-any-return]
                            json_body=body)

    def recall(self, counter: int) -> dict[str, Any]:
        return self.request("POST", f"/counters/{counter}/recall")  # type: ignore[no-any-return]

    def finish(self, counter: int, outcome: str = "served") -> dict[str, Any]:
        return self.request("POST", f"/counters/{counter}/finish",  # type: ignore[no-any-return]
                            json_body={"outcome": outcome})

    def transfer(self, counter: int, service: str) -> dict[str, Any]:
        return self.request("POST", f"/counters/{counter}/transfer",  # type: ignore[no-any-return]
                            json_body={"service": service})

    def pause(self, counter: int) -> dict[str, Any]:
        return self.request("POST", f"/counters/{counter}/pause")  # type: ignore[no-any-return]

    def resume(self, counter: int) -> dict[str, Any]:
        return self.request("POST", f"/counters/{counter}/resume")  # type: ignore[no-any-return]

    def check_beneficiary(self, programme: str, nik: str) -> dict[str, Any]:
        """Whether this NIK was given the programme already (the hub keeps only its hash)."""
        return self.request("POST", "/beneficiaries/check",  # type: ignore[no-any-return]
                            json_body={"programme": programme, "nik": nik})

    def record_beneficiary(self, programme: str, nik: str, ticket: str,
                           outcome: str) -> dict[str, Any]:
        """The clerk's decision: ``given`` or ``refused`` (already received)."""
        return self.request("POST", "/beneficiaries",  # type: ignore[no-any-return]
                            json_body={"programme": programme, "nik": nik, "ticket": ticket,
                                       "outcome": outcome})

    def device_status(self, component: str, ok: bool, status: str,
                      message: str = "") -> dict[str, Any]:
        return self.request("POST", "/devices/status",  # type: ignore[no-any-return]
                            json_body={"component": component, "ok": ok, "status": status,
                                       "message": message})

    def pair(self, code: str, role: str, name: str) -> str:
        """Pair this device with its one-time code (SPAKE2: see :mod:`antrean.pairing`).

        Afterwards the client holds the new token and the hub's pinned key (``fingerprint``,
        to keep with the token); returns the token. A hub found by mDNS that does not know
        the code (or shows another key than the one it vouches for) is skipped for the next
        hub of the post.
        """
        from .pairing import pair_client

        token, fingerprint, url = pair_client(self, code, role, name)
        self.token, self.tls.pin = token, fingerprint
        self._url = url
        return token

    def pair_candidate(self, tried: Sequence[str]) -> str | None:
        """The next hub to try pairing with: the given URL once, or a hub of the post found
        by mDNS that was not tried yet."""
        if self._fixed:
            return None if tried else self._url
        from .discovery import Browser

        with self._lock:
            if self._browser is None:
                self._browser = Browser(post=self.post, roles=["hub"],
                                        interfaces=self.interfaces).start()
            browser = self._browser
        peer = browser.wait_for("hub", timeout=1.0 if tried else 5.0,
                                accept=lambda p: bool(p.addresses) and p.url not in tried)
        return None if peer is None else str(peer.url)

    def stats(self, date: str | None = None) -> dict[str, Any]:
        return self.request("GET", "/stats",  # type: ignore[no-any-return]
                            params={"date": date} if date else None)

    def log(self, date: str | None = None, fmt: str = "json") -> Any:
        params: dict[str, Any] = {"format": fmt}
        if date:
            params["date"] = date
        return self.request("GET", "/log", params=params, raw=fmt != "json")

    def events(self, on_event: Callable[[dict[str, Any]], None], *, since: int = 0,
               on_connection: Callable[[bool], None] | None = None) -> EventStream:
        """Start a background event stream (see :class:`EventStream`)."""
        return EventStream(self, on_event, since=since, on_connection=on_connection).start()


class EventStream:
    """Events from the hub, in ``seq`` order, across disconnects and hub restarts.

    ``on_event`` gets each event dict once; ``on_connection(True/False)`` reports the link.
    After a drop it reconnects (0.2 s, doubling to 5 s) with ``since=<last seq>``.
    """

    def __init__(self, client: HubClient, on_event: Callable[[dict[str, Any]], None], *,
                 since: int = 0, on_connection: Callable[[bool], None] | None = None) -> None:
        self.client = client
        self.on_event = on_event
        self.on_connection = on_connection
        self.last_seq = since
        self.connected = False
        self.auth_failed = False  # the hub refused our token (not the same as unreachable)
        self._stop = threading.Event()
        self._ws: Any = None
        self._thread = threading.Thread(target=self._run, name="hub-events", daemon=True)

    def start(self) -> EventStream:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                ws.close()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def _set_connected(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            if self.on_connection is not None:
                try:
                    self.on_connection(up)
                except Exception:
                    log.exception("on_connection callback failed")

    def _run(self) -> None:
        from websockets.exceptions import InvalidStatus, WebSocketException
        from websockets.sync.client import connect

        delay = 0.2
        while not self._stop.is_set():
            hub_url = ""
            try:
                hub_url = self.client.url
                why = self.client.refusal(hub_url)
                if why is not None:
                    raise HubKeyRefused(hub_url, why)
                base = hub_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
                url = f"{base}/api/v1/events?since={self.last_seq}"
                headers = {"Authorization": f"Bearer {self.client.token}"} \
                    if self.client.token else None
                with connect(url, additional_headers=headers, open_timeout=3,
                             close_timeout=1, max_size=2**22,
                             ssl=self.client.tls if base.startswith("wss://") else None) as ws:
                    self._ws = ws
                    self.auth_failed = False
                    self._set_connected(True)
                    delay = 0.2
                    for raw in ws:
                        if self._stop.is_set():
                            break
                        self._handle(raw)
            except InvalidStatus as exc:
                if exc.response.status_code in (401, 403):
                    if not self.auth_failed:
                        log.error("the hub refused this device's token: pair it again "
                                  "(antrean token / antrean pair)")
                    self.auth_failed = True
                    delay = 2.5  # retry slowly: the token may be registered meanwhile
                else:
                    log.debug("event stream refused: %s", exc)
            except HubKeyRefused as exc:
                self.client.refuse(exc.url, exc)
            except (OSError, WebSocketException, HubError, TimeoutError) as exc:
                if find_pin_mismatch(exc) is not None:
                    self.client.refuse(hub_url, exc)
                else:
                    log.debug("event stream dropped: %s", exc)
                if not self.client._fixed:
                    self.client._url = None
            except Exception:
                log.exception("event stream failed")
            finally:
                self._ws = None
            self._set_connected(False)
            if self._stop.wait(delay):
                break
            delay = min(5.0, delay * 2)

    def _handle(self, raw: str | bytes) -> None:
        msg = json.loads(raw)
        if msg.get("type") == "hello":
            if msg.get("last_seq", 0) < self.last_seq:
                self.last_seq = 0  # the hub's log is not the one we knew: take it from the start
            return
        seq = msg.get("seq")
        if not isinstance(seq, int) or seq <= self.last_seq:
            return
        self.last_seq = seq
        try:
            self.on_event(msg)
        except Exception:
            log.exception("event handler failed for %s", msg.get("type"))
