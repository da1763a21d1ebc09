"""Protocol v1 over HTTP + WebSocket (FastAPI). See DESIGN.md "Protocol v1".

Every error is JSON ``{"error": code, "message": Indonesian text, "message_en": …}`` with a
4xx status; validation is done by pydantic models that refuse unknown fields.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketDisconnect

from . import __version__
from .api_beneficiary import build_beneficiary_router
from .api_devices import build_devices_router
from .api_lead import build_lead_router
from .api_pair import build_pair_router, pairing_error_response
from .api_reserves import build_reserves_router
from .api_survey import build_survey_router
from .auth import PAIRABLE_ROLES, Device, PairingError, create_pairing_code
from .guard import MAX_BODY_BYTES, GuardedRoute, RequestGuard
from .hub import Hub, HubUnavailable
from .openapi_doc import (
    CREATED_OR_REPEATED,
    ERROR_RESPONSES,
    LOG_FORMATS,
    NO_CONTENT,
    allowed_methods,
)
from .params import PARAM_HINTS, CounterNo, DayQuery, ServiceIdPath, parse_seq
from .queue import QueueError
from .visibility import event_for, queue_for

__all__ = ["create_app", "ApiError", "install_error_handlers"]

log = logging.getLogger(__name__)

ServiceId = Annotated[str, Field(min_length=1, max_length=32)]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message, self.message_en = status, code, message, message_en


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueBody(_Body):
    service: ServiceId
    priority: Annotated[str, Field(max_length=32)] | None = None
    request_id: UUID
    # A kiosk's ticket from its own reserve, maybe issued while the hub was away
    # (antrean/reserves.py): the number it printed and when (with the post's UTC offset).
    reserved_number: Annotated[str, Field(pattern=r"^[A-Z][0-9]{3,6}$")] | None = None
    issued_at: AwareDatetime | None = None


class NextBody(_Body):
    services: Annotated[list[ServiceId], Field(max_length=26)] | None = None


class FinishBody(_Body):
    outcome: Literal["served", "no_show"]


class TransferBody(_Body):
    service: ServiceId


class PairCodeBody(_Body):
    roles: list[Literal["kiosk", "counter", "display", "survey", "lead"]] | None = None


class DeviceStatusBody(_Body):
    component: Annotated[str, Field(min_length=1, max_length=32)]  # "printer", "buttons", …
    ok: StrictBool  # not 0/1 or "yes": a device says true or false
    status: Annotated[str, Field(min_length=1, max_length=32)]  # "ok", "paper_out", "offline", …
    message: Annotated[str, Field(max_length=200)] = ""


def _error(status: int, code: str, message: str, message_en: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, "message_en": message_en, **extra},
                        status_code=status)


def _bearer(request: Request | WebSocket) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


async def authorize(request: Request, roles: tuple[str, ...]) -> Device:
    """The request's device if its token is one of ``roles`` (any role for ``()``)."""
    hub: Hub = request.app.state.hub
    token = _bearer(request)
    if token is None:
        raise ApiError(401, "unauthorized", "Perangkat belum dipasangkan: token tidak ada.",
                       "Missing bearer token.")
    dev = hub.device_for(token)
    if dev is None:
        raise ApiError(401, "unauthorized", "Token tidak dikenal.", "Unknown token.")
    if roles and dev.role not in roles:
        raise ApiError(403, "forbidden",
                       f"Perangkat '{dev.role}' tidak boleh melakukan ini.",
                       f"A {dev.role} device may not do this.")
    return dev


def require(*roles: str) -> Callable[..., Awaitable[Device]]:
    """A dependency that admits a device token of one of ``roles``.

    The request guard (antrean/guard.py) finds ``roles`` on it and checks the token before
    the body is read; the device it found is in the request's state.
    """

    async def dep(request: Request) -> Device:
        checked = getattr(request.state, "device", None)
        if isinstance(checked, Device) and (not roles or checked.role in roles):
            return checked
        return await authorize(request, roles)

    dep.roles = roles  # type: ignore[attr-defined]
    return dep


def holds_counter() -> Callable[..., Awaitable[Device]]:
    """A dependency for ``/counters/{n}/…``: a lead acts on any counter; a counter device on
    the number it holds, taken at its first action (409 ``counter_taken`` if another device
    holds it; a lead frees it with ``POST /counters/{n}/release``)."""
    base = require("counter", "lead")

    # A default, not Annotated[...]: with postponed annotations FastAPI could not see
    # ``base``, a local of this closure.
    async def dep(n: CounterNo, request: Request, dev: Device = Depends(base)) -> Device:
        _hub(request).claim_counter(dev, n)
        return dev

    return dep


def _role(request: Request) -> str | None:
    """The role of the request's token on a public route (None without a valid one)."""
    token = _bearer(request)
    dev = _hub(request).device_for(token) if token else None
    return dev.role if dev else None


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


async def roll_day(conn: HTTPConnection) -> None:
    """Before every request (and event stream): close the post day if it has ended (the
    timer may not have run yet), so no answer ever shows yesterday's queue as live."""
    hub: Hub = conn.app.state.hub
    hub.roll()


def build_router() -> APIRouter:  # noqa: C901 - one route table reads best in one place
    r = APIRouter(route_class=GuardedRoute)

    @r.get("/health")
    async def health(request: Request) -> dict[str, Any]:
        return _hub(request).health_json()

    @r.get("/whoami")
    async def whoami(dev: Annotated[Device, Depends(require())]) -> dict[str, Any]:
        """Who this token is: the cheap authenticated call a device makes when it reaches
        the hub (and while refused), to say on its screen that it is not paired before anyone
        touches it."""
        return {"role": dev.role, "name": dev.name}

    @r.get("/services")
    async def services(request: Request) -> list[dict[str, Any]]:
        return _hub(request).services_json()

    @r.get("/queue")
    async def queue(request: Request) -> dict[str, Any]:
        """Waiting per service, each counter's state (device names for leads only)."""
        return queue_for(_role(request), _hub(request).queue_json())

    @r.post("/tickets", status_code=201, responses=CREATED_OR_REPEATED)
    async def issue(body: IssueBody, request: Request,
              dev: Annotated[Device, Depends(require("kiosk", "lead"))]) -> JSONResponse:
        hub = _hub(request)  # answered once the ticket is on disk (see antrean/hub.py)
        ticket, created = await hub.settle(hub.stage_issue(
            body.service, body.priority, str(body.request_id), dev.name, dev.id,
            body.reserved_number, body.issued_at))
        return JSONResponse(ticket, status_code=201 if created else 200)

    @r.get("/tickets/{ticket_id}")
    async def get_ticket(ticket_id: UUID, request: Request) -> dict[str, Any]:
        t = _hub(request).ticket(str(ticket_id))
        if t is None:
            raise ApiError(404, "unknown_ticket", "Nomor antrean tidak ditemukan.",
                           "Ticket not found.")
        return t

    @r.post("/tickets/{ticket_id}/cancel")
    async def cancel(ticket_id: UUID, request: Request,
               dev: Annotated[Device, Depends(require("kiosk", "counter", "lead"))],
               ) -> dict[str, Any]:
        """Cancel a waiting ticket; a kiosk only one it issued itself."""
        hub = _hub(request)
        return await hub.settle(hub.stage_cancel(str(ticket_id), dev.name,
                                                 dev.id if dev.role == "kiosk" else None))

    @r.post("/counters/{n}/next", response_model=None, responses=NO_CONTENT)
    async def call_next(n: CounterNo, request: Request,
                  dev: Annotated[Device, Depends(holds_counter())],
                  body: NextBody | None = None) -> Response | dict[str, Any]:
        hub = _hub(request)
        ticket, _counter = await hub.settle(
            hub.stage_call_next(n, body.services if body else None, dev.name))
        if ticket is None:
            return Response(status_code=204)
        return ticket

    @r.post("/counters/{n}/recall")
    async def recall(n: CounterNo, request: Request,
               _dev: Annotated[Device, Depends(holds_counter())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_recall(n))

    @r.post("/counters/{n}/finish")
    async def finish(n: CounterNo, body: FinishBody, request: Request,
               _dev: Annotated[Device, Depends(holds_counter())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_finish(n, body.outcome))

    @r.post("/counters/{n}/transfer")
    async def transfer(n: CounterNo, body: TransferBody, request: Request,
                 _dev: Annotated[Device, Depends(holds_counter())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_transfer(n, body.service))

    @r.post("/counters/{n}/pause")
    async def pause(n: CounterNo, request: Request,
              dev: Annotated[Device, Depends(holds_counter())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_pause(n, dev.name))

    @r.post("/counters/{n}/resume")
    async def resume(n: CounterNo, request: Request,
               dev: Annotated[Device, Depends(holds_counter())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_resume(n, dev.name))

    @r.post("/services/{service_id}/open")
    async def open_service(service_id: ServiceIdPath, request: Request,
                     _dev: Annotated[Device, Depends(require("lead"))]) -> list[dict[str, Any]]:
        hub = _hub(request)
        return await hub.settle(hub.stage_service_open(service_id, True))

    @r.post("/services/{service_id}/close")
    async def close_service(service_id: ServiceIdPath, request: Request,
                      _dev: Annotated[Device, Depends(require("lead"))]) -> list[dict[str, Any]]:
        hub = _hub(request)
        return await hub.settle(hub.stage_service_open(service_id, False))

    @r.post("/devices/status")
    async def device_status(body: DeviceStatusBody, request: Request,
                      dev: Annotated[Device, Depends(require())]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_device_status(dev, body.model_dump()))

    @r.post("/pair/codes", status_code=201)
    async def new_pair_code(request: Request, _dev: Annotated[Device, Depends(require("lead"))],
                      body: PairCodeBody | None = None) -> dict[str, Any]:
        hub = _hub(request)
        roles = tuple(body.roles) if body and body.roles else PAIRABLE_ROLES
        code = create_pairing_code(hub.storage, hub.now(), roles)
        return {"code": code, "roles": list(roles), "expires_in_s": 120}

    @r.get("/log", response_model=None, responses=LOG_FORMATS)
    async def day_log(request: Request, _dev: Annotated[Device, Depends(require("lead"))],
                date_: DayQuery = None,
                format: Literal["csv", "xlsx", "json"] = "json",
                excel: bool = False) -> Response | list[Any]:
        from .export import log_response

        if excel and format != "csv":
            raise ApiError(422, "invalid_request", "excel=1 hanya untuk format=csv.",
                           "excel=1 applies to format=csv only.")
        hub = _hub(request)
        day = date_ or hub.calendar.day_of(hub.now())
        return await run_in_threadpool(log_response, hub.storage, hub.config, day, format,
                                       excel=excel)

    @r.websocket("/events")
    async def events(ws: WebSocket) -> None:
        await _event_stream(ws)

    return r


async def _event_stream(ws: WebSocket) -> None:
    """Replay events after ``since`` from the log, then stream live ones, in seq order."""
    hub: Hub = ws.app.state.hub
    token = _bearer(ws) or ws.query_params.get("token")
    dev = hub.device_for(token) if token else None
    if dev is None:
        await ws.close(code=4401, reason="unauthorized")
        return
    since = parse_seq(ws.query_params.get("since", "0"))
    if since is None:
        await _deny(ws, _error(400, "invalid_request", *_param_problem("query", "since")))
        return
    await ws.accept()
    queue = hub.subscribe()  # subscribe before replay: nothing falls between the two
    if not hub.devices.open_stream(dev, queue):
        hub.unsubscribe(queue)
        await ws.close(code=1008, reason="too many event streams for this device")
        return
    watcher = asyncio.create_task(_watch_client(ws, queue))
    try:
        await ws.send_json({"type": "hello", "last_seq": hub.last_seq, "post": hub.config.post.id,
                            "api": 1, "version": __version__})
        if since > hub.last_seq:
            since = 0  # the client knew another database: resend everything we have
        sent = since
        while True:
            # off the loop: a stream catching up never holds up the hall's other requests
            batch = await run_in_threadpool(hub.storage.wire_events_since, sent, hub.tz, 500)
            if not batch:
                break
            for ev in batch:
                if (seen := event_for(dev.role, ev)) is not None:
                    await ws.send_json(seen)
            sent = batch[-1]["seq"]
        while True:
            live = await queue.get()
            if live is None:  # the client left, its token was revoked, or the hub is stopping
                revoked = hub.devices.is_revoked(dev.id)
                with contextlib.suppress(Exception):
                    await ws.close(code=1008 if revoked else 1012,
                                   reason="token revoked" if revoked else "hub restarting")
                return
            if live["seq"] <= sent:
                continue
            if (seen := event_for(dev.role, live)) is not None:
                await ws.send_json(seen)
            sent = live["seq"]
    except (WebSocketDisconnect, RuntimeError, ConnectionError):
        pass
    finally:
        watcher.cancel()
        hub.unsubscribe(queue)
        hub.devices.close_stream(dev, queue)


async def _deny(ws: WebSocket, response: JSONResponse) -> None:
    """Refuse a WebSocket before it opens with an HTTP error and its JSON body."""
    try:
        await ws.send_denial_response(response)
    except RuntimeError:  # a server without the denial extension: a close code instead
        await ws.close(code=4000 + response.status_code, reason="invalid request")


def _param_problem(where: str, name: str) -> tuple[str, str]:
    """The Indonesian and English message for a bad query or path parameter."""
    hint = PARAM_HINTS.get(name)
    if hint is None:
        return (f"Parameter '{name}' tidak valid.", f"Invalid parameter '{name}'.")
    return (f"Parameter '{name}' tidak valid: {hint[0]}.",
            f"Invalid {where} parameter '{name}': {hint[1]}.")


async def _watch_client(ws: WebSocket, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
    """Wake the sender when the client goes away (or the server shuts its connections):
    a stream that only sends would otherwise wait for the next event to notice."""
    try:
        while (await ws.receive())["type"] != "websocket.disconnect":
            pass
    except Exception:  # noqa: S110 - any failure here means the connection is gone
        pass
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(None)


def install_error_handlers(app: FastAPI,
                           internal: tuple[str, str] = ("Kesalahan di hub.", "Internal hub error."),
                           ) -> None:
    """Every error as JSON ``{"error", "message" (Indonesian), "message_en"}``: ApiError,
    invalid requests (422 naming the field), unknown paths and methods. The hub and the
    city answer alike."""

    @app.exception_handler(ApiError)
    async def _api_error(_r: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.message_en)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            details.append({"field": loc, "problem": err.get("msg", "invalid")})
        first = details[0] if details else {"field": "body", "problem": "invalid"}
        where, _, name = first["field"].partition(".")
        if where in ("query", "path") and name:
            msg, msg_en = _param_problem(where, name)
            return _error(422, "invalid_request", msg, msg_en, details=details)
        return _error(422, "invalid_request",
                      f"Permintaan tidak valid: {first['field']} — {first['problem']}",
                      f"Invalid request: {first['field']}: {first['problem']}", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: ("not_found", "Alamat tidak ditemukan.", "Not found."),
                 405: ("method_not_allowed", "Metode tidak diizinkan.", "Method not allowed."),
                 408: ("request_timeout", "Isi permintaan terlalu lambat dikirim.",
                       "The request body was sent too slowly."),
                 413: ("body_too_large",
                       f"Isi permintaan terlalu besar (paling banyak {MAX_BODY_BYTES // 1024} KB).",
                       f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KB).")}
        if exc.status_code == 400:  # FastAPI: a body that is not even UTF-8 text
            return _error(422, "invalid_request", "Isi permintaan bukan JSON yang sah.",
                          "The request body is not valid JSON.")
        code, msg, msg_en = codes.get(exc.status_code, ("http_error", str(exc.detail),
                                                        str(exc.detail)))
        response = _error(exc.status_code, code, msg, msg_en)
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only its first route's
            allowed = allowed_methods(app.openapi(), _r.url.path)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.exception_handler(Exception)
    async def _crash(_r: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        log.exception("unhandled error")
        return _error(500, "internal", *internal)


def create_app(hub: Hub) -> FastAPI:
    """The hub's app. Its key (made at the first start) is ``app.state.identity``; raises
    :class:`antrean.tls.HubKeyError` when it can be neither read nor made."""
    from . import apidocs
    from .tls import ensure_identity

    # The docs page is the hub's own (apidocs.py): FastAPI's loads Swagger UI from a CDN.
    app = FastAPI(title="Antrean hub", version=__version__, docs_url=None,
                  openapi_url=apidocs.OPENAPI_URL, redoc_url=None)
    app.include_router(apidocs.router)
    app.add_middleware(RequestGuard)  # body size and time limits (antrean/guard.py)
    app.state.authorize = authorize  # GuardedRoute checks tokens with it before the body
    app.state.hub = hub
    app.state.identity = ensure_identity(hub.storage.data_dir)
    app.state.tls = False  # the runner says when it serves HTTPS
    # Every API route first closes the post's day if it has ended (see roll_day).
    rolled = [Depends(roll_day)]
    app.include_router(build_router(), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_pair_router(), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_lead_router(require), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_survey_router(require), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_devices_router(require), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_reserves_router(require), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    app.include_router(build_beneficiary_router(require), prefix="/api/v1", dependencies=rolled,
                       responses=ERROR_RESPONSES)
    try:
        from .dashboard import router as dashboard_router
    except ImportError:  # pragma: no cover - the dashboard ships with the package
        log.warning("dashboard not available")
    else:
        app.include_router(dashboard_router)
    from .survey_page import router as survey_page_router

    app.include_router(survey_page_router)  # the volunteer's page (/survey)

    @app.exception_handler(PairingError)
    async def _pairing_error(_r: Request, exc: PairingError) -> JSONResponse:
        return pairing_error_response(exc)

    @app.exception_handler(QueueError)
    async def _queue_error(_r: Request, exc: QueueError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.message_en)

    @app.exception_handler(HubUnavailable)
    async def _unavailable(_r: Request, exc: HubUnavailable) -> JSONResponse:
        return _error(503, "storage_unavailable", exc.message, exc.message_en,
                      reason=exc.reason)

    @app.exception_handler(SQLAlchemyError)
    async def _storage(_r: Request, exc: SQLAlchemyError) -> JSONResponse:
        """A read the database refused (a damaged page, a failing card): said, not a 500."""
        refusal = hub.storage_health.failed(exc, hub.now())
        return _error(503, "storage_unavailable", refusal.message, refusal.message_en,
                      reason=refusal.reason)

    install_error_handlers(app)
    return app
