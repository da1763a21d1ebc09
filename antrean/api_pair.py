"""Pairing routes: a device trades its one-time code for a token by SPAKE2 (see pairing.py).

``/pair/start`` takes the device's SPAKE2 message, ``/pair/finish`` its key confirmation;
the code never crosses the network. ``POST /pair`` (the code itself) is left only for the
volunteer's phone browser, which cannot run SPAKE2: ``survey`` role only, over HTTPS only
(or from this machine), under the same per-address backoff (``pairing.plain_pair``).
"""

# No "from __future__ import annotations": FastAPI reads the route signatures at runtime.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .auth import PairingError
from .guard import GuardedRoute
from .hub import Hub
from .pairing import HubPairing, plain_pair
from .tls import is_loopback_host

__all__ = ["build_pair_router", "pairing_error_response"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PairStartBody(_Body):
    role: Literal["kiosk", "counter", "display", "survey", "lead"]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    msg: Annotated[str, Field(min_length=4, max_length=200, description="SPAKE2 message (A side), "
                                                                         "URL-safe base64")]


class PairFinishBody(_Body):
    session: Annotated[str, Field(min_length=1, max_length=64)]
    confirm: Annotated[str | None, Field(max_length=100, description="HMAC key confirmation, "
                                                                     "URL-safe base64; null: the "
                                                                     "device could not open any "
                                                                     "offer")] = None


class PlainPairBody(_Body):
    code: Annotated[str, Field(min_length=1, max_length=16)]
    role: Literal["kiosk", "counter", "display", "survey", "lead"]
    name: Annotated[str, Field(min_length=1, max_length=60)]


def pairing_error_response(exc: PairingError) -> JSONResponse:
    headers = ({"Retry-After": str(max(1, round(exc.retry_after)))}
               if exc.retry_after is not None else None)
    return JSONResponse({"error": exc.code, "message": exc.message, "message_en": exc.message_en},
                        status_code=exc.status, headers=headers)


def _pairing(request: Request) -> HubPairing:
    state = request.app.state
    pairing: HubPairing | None = getattr(state, "pairing", None)
    if pairing is None:
        hub: Hub = state.hub
        pairing = HubPairing(hub.storage, state.identity.fingerprint,
                             {"id": hub.config.post.id, "name": hub.config.post.name},
                             now=hub.now)
        state.pairing = pairing
    return pairing


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def build_pair_router() -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)

    @r.post("/pair/start", responses={403: {}, 422: {}, 429: {}})
    async def pair_start(body: PairStartBody, request: Request) -> dict[str, Any]:
        pairing = _pairing(request)
        # SPAKE2 is pure-Python elliptic-curve work (~20 ms a code): off the event loop.
        return await run_in_threadpool(pairing.start, _address(request), body.role, body.name,
                                       body.msg)

    @r.post("/pair/finish", status_code=201, responses={403: {}, 422: {}})
    async def pair_finish(body: PairFinishBody, request: Request) -> dict[str, Any]:
        pairing = _pairing(request)
        dev = await run_in_threadpool(pairing.finish, _address(request), body.session,
                                      body.confirm, request.url.scheme == "https")
        return {"role": dev.role, "name": dev.name, "post": pairing.post}

    @r.post("/pair", status_code=201, responses={403: {}, 422: {}, 429: {}})
    async def pair_browser(body: PlainPairBody, request: Request) -> dict[str, Any]:
        """A phone's browser pairs as a ``survey`` device (see the module's docstring)."""
        pairing = _pairing(request)
        address = _address(request)
        secure = request.url.scheme == "https" or is_loopback_host(address)
        token, dev = await run_in_threadpool(plain_pair, pairing, address, body.code, body.role,
                                             body.name, secure=secure)
        return {"token": token, "role": dev.role, "name": dev.name, "post": pairing.post}

    return r
