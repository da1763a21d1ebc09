"""``HubClient``: what the apps use to talk to their post's hub.

Found by mDNS (``HubClient.discover``) or given a URL; every protocol call; and an event
stream that reconnects by itself and resumes from the last ``seq`` it saw, so a device
that loses the hub for a while misses nothing. Synchronous (httpx + websockets' sync
client): the Qt apps call it from worker threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from .posttime import PostClock

__all__ = ["HubClient", "HubError", "HubUnreachable", "EventStream"]

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


class HubClient:
    def __init__(self, url: str | None = None, token: str | None = None, *,
                 post: str | None = None, timeout: float = 5.0,
                 interfaces: Sequence[str] | None = None, clock: PostClock | None = None
                 ) -> None:
        self._url = url.rstrip("/") if url else None
        #: The post's time as this hub tells it (``/health``, ``/queue``): see antrean.posttime.
        self.clock = clock or PostClock()
        self.token = token
        self.post = post
        self.interfaces = list(interfaces) if interfaces else None
        self._fixed = url is not None
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=timeout)
        self._browser: Any = None

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
            peer = self._browser.wait_for("hub", timeout=timeout)
            if peer is None:
                raise HubUnreachable("no hub found by mDNS")
            self._url = peer.url
            self.post = self.post or peer.post
            return self._url

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

    def request(self, method: str, path: str, *, json_body: Any = None,
                params: dict[str, Any] | None = None, raw: bool = False) -> Any:
        try:
            r = self._http.request(method, f"{self.url}/api/v1{path}", json=json_body,
                                   params=params, headers=self._headers())
        except httpx.HTTPError as exc:
            if not self._fixed:
                self._url = None  # the hub may have moved: look again next time
            raise HubUnreachable(str(exc) or type(exc).__name__) from exc
        if r.status_code >= 400:
            try:
                body = r.json()
                raise HubError(r.status_code, body.get("error", "error"), body.get("message", ""),
                               body.get("message_en", ""))
            except (ValueError, AttributeError):
                raise HubError(r.status_code, "error", r.text[:200]) from None
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

    def services(self) -> list[dict[str, Any]]:
        return self.request("GET", "/services")  # type: ignore[no-any-return]

    def queue(self) -> dict[str, Any]:
        return self._timed("/queue", "at")

    def issue(self, service: str, priority: str | None = None,
              request_id: str | None = None) -> dict[str, Any]:
        """Issue a ticket. Retrying with the same ``request_id`` never makes a second one."""
        body = {"service": service, "priority": priority,
                "request_id": request_id or str(uuid.uuid4())}
        return self.request("POST", "/tickets", json_body=body)  # type: ignore[no-any-return]

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

    def device_status(self, component: str, ok: bool, status: str,
                      message: str = "") -> dict[str, Any]:
        return self.request("POST", "/devices/status",  # type: ignore[no-any-return]
                            json_body={"component": component, "ok": ok, "status": status,
                                       "message": message})

    def pair(self, code: str, role: str, name: str) -> str:
        """Trade a pairing code for a token; the client keeps and returns it."""
        res = self.request("POST", "/pair", json_body={"code": code, "role": role, "name": name})
        self.token = res["token"]
        return self.token

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
            try:
                base = self.client.url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
                url = f"{base}/api/v1/events?since={self.last_seq}"
                headers = {"Authorization": f"Bearer {self.client.token}"} \
                    if self.client.token else None
                with connect(url, additional_headers=headers, open_timeout=3,
                             close_timeout=1, max_size=2**22) as ws:
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
            except (OSError, WebSocketException, HubError, TimeoutError) as exc:
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
