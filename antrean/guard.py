"""The hub's request guard: the token before the body, and bodies kept small.

FastAPI reads and parses a route's JSON body before its dependencies run, so a route's
token check alone comes too late: anyone could make the hub read, hold and parse 50 MB, or
learn from a 422 what a route expects. Two parts run first:

- :class:`RequestGuard` (ASGI middleware): a body announced larger than the limit
  (``Content-Length``) is refused 413 before a byte of it is read; a body is read under a
  deadline (:data:`BODY_TIMEOUT_S`, then 408) and cut off while it streams (chunked) at
  :data:`MAX_BODY_BYTES` (413); a response sent before the body was read through says
  ``connection: close``, so uvicorn drops the rest of it instead of reading it.
- :class:`GuardedRoute` (the hub's routers' route class): a route whose dependencies ask
  for a device token (``require(...)`` in antrean/server.py marks its dependency with the
  roles) checks the token before FastAPI reads the body: 401/403, never a 422 to a
  stranger. The device found goes to the route in the request's state.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestGuard", "GuardedRoute", "MAX_BODY_BYTES", "BODY_TIMEOUT_S", "roles_of"]

#: The largest request body the hub takes: its biggest (a complaint, a survey) is ~2 KB.
MAX_BODY_BYTES = 64 * 1024
#: Seconds a client has to send a request's body.
BODY_TIMEOUT_S = 30.0

#: ``app.state.authorize(request, roles)``: the device, or raises a 401/403 refusal.
Authorize = Callable[[Request, tuple[str, ...]], Awaitable[Any]]


def _roles_in(dependant: Any) -> tuple[str, ...] | None:
    for dep in getattr(dependant, "dependencies", ()):
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return tuple(roles)
        found = _roles_in(dep)
        if found is not None:
            return found
    return None


def roles_of(route: APIRoute) -> tuple[str, ...] | None:
    """The roles a route admits (``()``: any device), or None if it needs no token."""
    return _roles_in(route.dependant)


class GuardedRoute(APIRoute):
    """An API route that checks its device token before its body is read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        roles = roles_of(self)
        if roles is None:
            return handler

        async def guarded(request: Request) -> Response:
            authorize: Authorize = request.app.state.authorize
            request.state.device = await authorize(request, roles)
            return await handler(request)

        return guarded


def _refusal(status: int, code: str, message: str, message_en: str) -> tuple[Message, Message]:
    body = json.dumps({"error": code, "message": message, "message_en": message_en}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body})


class RequestGuard:
    def __init__(self, app: ASGIApp, *, max_body: int | None = None,
                 body_timeout_s: float | None = None) -> None:
        self.app = app
        self._max_body = max_body
        self._body_timeout_s = body_timeout_s

    @property
    def max_body(self) -> int:
        return self._max_body if self._max_body is not None else MAX_BODY_BYTES

    @property
    def body_timeout_s(self) -> float:
        return self._body_timeout_s if self._body_timeout_s is not None else BODY_TIMEOUT_S

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length == -1:
            await _send_all(send, _refusal(400, "bad_content_length",
                                           "Panjang isi permintaan tidak valid.",
                                           "Invalid Content-Length."))
            return
        if length is not None and length > self.max_body:
            await _send_all(send, _refusal(413, *_too_large(self.max_body)))
            return
        await self._call(scope, receive, send)

    async def _call(self, scope: Scope, receive: Receive, send: Send) -> None:
        done = not _has_body(scope)
        size = 0
        deadline = asyncio.get_running_loop().time() + self.body_timeout_s

        async def guarded_receive() -> Message:
            nonlocal done, size
            if done:
                return await receive()
            left = deadline - asyncio.get_running_loop().time()
            try:
                async with asyncio.timeout(max(left, 0.0)):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "request body too slow") from None
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_body:  # a chunked body: no Content-Length to go by
                    raise HTTPException(413, "request body too large")
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not done:
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, guarded_receive, closing_send)


def _too_large(limit: int) -> tuple[str, str, str]:
    return ("body_too_large",
            f"Isi permintaan terlalu besar (paling banyak {limit // 1024} KB).",
            f"The request body is too large (at most {limit // 1024} KB).")


def _content_length(scope: Scope) -> int | None:
    """The announced body length; None if none, -1 if not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


def _has_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return value not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


async def _send_all(send: Send, messages: tuple[Message, Message]) -> None:
    for m in messages:
        await send(m)
