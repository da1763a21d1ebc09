"""Connection limits below the app: what keeps one client on the LAN from stalling the hub.

uvicorn reads requests for us, but on its own it waits for a request's headers forever, lets
one address open connections until the process runs out of file descriptors, and takes
headers of any size. The hub's own protocol classes (subclasses of uvicorn's, given to
:class:`HubServerConfig`) add:

- at most :data:`MAX_CONNECTIONS_PER_CLIENT` open connections per client address (HTTP and
  WebSocket together); one more is answered 429 and closed at once;
- :data:`HEADER_TIMEOUT_S` to send a request's headers, counted from the connection (or from
  the first byte of the next request on a kept-alive one); then 408 and closed;
- :data:`MAX_HEADER_BYTES` of headers; more is 431 and closed.

Idle kept-alive connections close after :data:`KEEP_ALIVE_S` (uvicorn's own timer). Bodies
are limited in the app (antrean/guard.py). At start the hub raises its soft open-file limit
to the hard one (:func:`raise_open_files_limit`): systemd's default soft limit is 1,024.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

__all__ = ["ConnectionLimits", "HubServerConfig", "raise_open_files_limit",
           "MAX_CONNECTIONS_PER_CLIENT", "HEADER_TIMEOUT_S", "MAX_HEADER_BYTES", "KEEP_ALIVE_S"]

log = logging.getLogger(__name__)

#: Open connections one client address may hold. A device needs two or three (its event
#: stream, a request or two); a browser six; the one-machine demo runs every part from
#: 127.0.0.1 and stays far below this.
MAX_CONNECTIONS_PER_CLIENT = 64
#: Seconds a client has to send a request's headers.
HEADER_TIMEOUT_S = 10.0
#: Bytes of request line and headers (a device's are well under 1 KB).
MAX_HEADER_BYTES = 16 * 1024
#: Seconds an idle kept-alive connection stays open.
KEEP_ALIVE_S = 5


def _refusal(status: int, reason: str, code: str, message: str, message_en: str) -> bytes:
    """A whole HTTP response that closes the connection, in the protocol's error shape."""
    body = json.dumps({"error": code, "message": message, "message_en": message_en}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode("ascii") + body


_TOO_MANY = _refusal(429, "Too Many Requests", "too_many_connections",
                     "Terlalu banyak sambungan dari alamat ini.",
                     "Too many connections from this address.")
_TOO_SLOW = _refusal(408, "Request Timeout", "request_timeout",
                     "Permintaan terlalu lambat dikirim.", "The request was sent too slowly.")
_TOO_BIG = _refusal(431, "Request Header Fields Too Large", "headers_too_large",
                    "Kepala permintaan terlalu besar.", "The request headers are too large.")


class ConnectionLimits:
    """Open connections per client address, counted per transport: an HTTP connection that
    becomes a WebSocket keeps its one place."""

    def __init__(self, per_client: int = MAX_CONNECTIONS_PER_CLIENT) -> None:
        self.per_client = per_client
        self._open: dict[str, int] = {}
        self._transports: dict[asyncio.BaseTransport, str] = {}

    def admit(self, transport: asyncio.BaseTransport) -> bool:
        if transport in self._transports:
            return True  # the same connection, upgraded
        peer = transport.get_extra_info("peername")
        host = str(peer[0]) if peer else "?"
        if self._open.get(host, 0) >= self.per_client:
            return False
        self._open[host] = self._open.get(host, 0) + 1
        self._transports[transport] = host
        return True

    def release(self, transport: asyncio.BaseTransport) -> None:
        host = self._transports.pop(transport, None)
        if host is not None:
            left = self._open[host] - 1
            if left:
                self._open[host] = left
            else:
                del self._open[host]

    def open_from(self, host: str) -> int:
        return self._open.get(host, 0)


class HubServerConfig(uvicorn.Config):
    """uvicorn's config with the hub's protocols, timeouts and one :class:`ConnectionLimits`."""

    def __init__(self, app: Any, *, limits: ConnectionLimits | None = None,
                 **kw: Any) -> None:
        self.limits = limits or ConnectionLimits()
        kw.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
        kw.setdefault("ws_ping_interval", 10.0)  # a dead device's stream is dropped in ~20 s
        kw.setdefault("ws_ping_timeout", 10.0)
        kw.setdefault("ws_max_size", 64 * 1024)  # devices send nothing on their stream
        super().__init__(app, http=GuardedHttpProtocol, ws=GuardedWebSocketProtocol, **kw)


def _limits(config: Any) -> ConnectionLimits | None:
    return getattr(config, "limits", None)


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a per-address cap, a header timeout and a header
    size cap."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._refused = False
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._in_headers = True

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        limits = _limits(self.config)
        if limits is not None and not limits.admit(transport):
            self._refused = True
            transport.write(_TOO_MANY)
            transport.close()
            return
        super().connection_made(transport)
        self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        self._stop_header_timer()
        limits = _limits(self.config)
        if limits is not None and self.transport is not None:
            limits.release(self.transport)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self._in_headers and self.parser is not None and not self.transport.is_closing():
            # counted after parsing: a chunk that also holds the body is not all headers
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._close_with(_TOO_BIG)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        self._header_bytes = 0
        if self._header_timer is None:
            self._start_header_timer()

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._stop_header_timer()
        super().on_headers_complete()

    def _start_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._header_timeout)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self._in_headers and not self.transport.is_closing():
            self._close_with(_TOO_SLOW)

    def _close_with(self, response: bytes) -> None:
        # Only between responses: a request whose headers are not complete has no cycle
        # writing to the transport.
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(response)
        self.transport.close()


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol that gives the connection's place back when it ends."""

    def connection_lost(self, exc: Exception | None) -> None:
        limits = _limits(self.config)
        if limits is not None and self.transport is not None:
            limits.release(self.transport)
        super().connection_lost(exc)


def raise_open_files_limit() -> int:
    """Raise this process's soft open-file limit to its hard one; returns the new soft limit.

    Every connection and WebSocket is a file descriptor; systemd's default soft limit
    (1,024) runs out long before the hub's memory does. The units also set LimitNOFILE.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if want <= soft:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ValueError, OSError) as exc:  # e.g. above fs.nr_open
        log.warning("could not raise the open-file limit from %d: %s", soft, exc)
        return soft
    return want
