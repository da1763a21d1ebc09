"""The city server: FastAPI on the city's PostgreSQL (DESIGN.md "The city (v1)").

Posts push their logs (``POST /city/v1/events``, a post token); city officers read the
figures (``/posts``, ``/stats``, ``/trend``, ``/log``, an officer token); anyone reads the
aggregates under ``/city/v1/public``. Errors are JSON ``{"error", "message" (Indonesian),
"message_en"}`` as on the hub; a database that is down answers 503, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from psycopg_pool import PoolTimeout

from antrean import __version__
from antrean.export import rows_response
from antrean.server import ApiError, install_error_handlers

from .auth import Principal, TokenCache
from .beneficiary import build_router as build_beneficiary_router
from .config import CityConfig
from .dashboard import router as dashboard_router
from .db import CityDbError
from .figures import LIVE_STALE_S, day_stats, load_posts, refresh_stale, trend_json
from .ingest import Gap, acked_seq, ingest
from .posts import log_rows, post_config, posts_overview
from .report import ReportCache
from .report_xlsx import report_xlsx
from .wire import BadBatch, parse_body

__all__ = ["create_app", "API"]

log = logging.getLogger(__name__)

API = "/city/v1"
#: Largest uplink body accepted (500 events are ~250 kB; 5,000 with long texts fit).
MAX_BODY = 16 * 1024 * 1024
#: Longest trend one request may ask for.
MAX_RANGE_DAYS = 400

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PostId = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() or None if auth[:7].lower() == "bearer " else None


def _principal(request: Request, role: str) -> Principal:
    token = _bearer(request)
    if token is None:
        raise ApiError(401, "unauthorized", "Token tidak ada.", "Missing bearer token.")
    found = request.app.state.tokens.lookup(token)
    if found is None:
        raise ApiError(401, "unauthorized", "Token tidak dikenal.", "Unknown token.")
    if found.role != role:
        who = {"post": "token pos", "officer": "token petugas kota"}[role]
        raise ApiError(403, "forbidden", f"Ini memerlukan {who}.", f"This needs a {role} token.")
    return found  # type: ignore[no-any-return]


def officer(request: Request) -> Principal:
    return _principal(request, "officer")


def post_token(request: Request) -> Principal:
    return _principal(request, "post")


def _today(request: Request) -> date:
    cfg: CityConfig = request.app.state.config
    return request.app.state.now().astimezone(cfg.tz).date()


def _range(request: Request, frm: date | None, to: date | None) -> tuple[date, date]:
    to = to or _today(request)
    frm = frm or to - timedelta(days=29)
    if frm > to:
        raise ApiError(422, "invalid_range", "Tanggal 'from' harus sebelum 'to'.",
                       "'from' must not be after 'to'.")
    if (to - frm).days >= MAX_RANGE_DAYS:
        raise ApiError(422, "range_too_long",
                       f"Rentang paling panjang {MAX_RANGE_DAYS} hari.",
                       f"The range may be at most {MAX_RANGE_DAYS} days.")
    return frm, to


def _db(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(conn, *args)`` on a pooled connection, committed when it returns."""
    with request.app.state.pool.connection() as conn:
        return fn(conn, *args)


def _public(stats: dict[str, Any]) -> dict[str, Any]:
    """Aggregates fit to publish: complaint counts without their categories' breakdown."""
    for entry in [*stats.get("posts", []), stats.get("city", {}), *stats.get("days", [])]:
        if isinstance(entry.get("complaints"), dict):
            entry["complaints"] = {"count": entry["complaints"]["count"]}
    return stats


def _uplink_router() -> APIRouter:
    r = APIRouter()

    @r.get("/uplink")
    def uplink_state(request: Request, post: PostId, instance: Annotated[str, Query(
            pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")],
            who: Annotated[Principal, Depends(post_token)]) -> dict[str, Any]:
        """Where a hub database's uplink resumes: the last seq the city stored."""
        _same_post(who, post)
        return {"post": post, "instance": instance,
                "acked_seq": _db(request, acked_seq, post, instance)}

    @r.post("/events")
    async def push_events(request: Request, who: Annotated[Principal, Depends(post_token)]
                          ) -> dict[str, Any]:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            raise ApiError(413, "too_large", "Kiriman terlalu besar.", "Batch too large.")
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise ApiError(413, "too_large", "Kiriman terlalu besar.", "Batch too large.")
        body = await run_in_threadpool(parse_body, raw)
        _same_post(who, body.post)

        def store(conn: psycopg.Connection[Any]) -> Any:
            return ingest(conn, body.post, str(body.instance), body.events, meta=body.meta,
                          after=body.after)

        res = await run_in_threadpool(_db, request, store)
        return {"acked_seq": res.acked_seq, "added": res.added, "skipped": res.skipped}

    return r


def _same_post(who: Principal, post: str) -> None:
    if who.post_id != post:
        raise ApiError(403, "wrong_post",
                       f"Token ini milik pos '{who.post_id}', bukan '{post}'.",
                       f"This token belongs to post '{who.post_id}', not '{post}'.")


def _read_router(public: bool) -> APIRouter:
    r = APIRouter()
    guard = [] if public else [Depends(officer)]

    @r.get("/posts", dependencies=guard)
    def posts(request: Request) -> list[dict[str, Any]]:
        st = request.app.state
        return _db(request, lambda c: posts_overview(  # type: ignore[no-any-return]
            c, st.config, st.now(), public=public))

    @r.get("/stats", dependencies=guard)
    def stats(request: Request, date_: Annotated[date | None, Query(alias="date")] = None,
              post: PostId | None = None) -> dict[str, Any]:
        day = date_ or _today(request)
        live = LIVE_STALE_S if day == _today(request) else 0.0  # past days: always exact
        out = _db(request, lambda c: day_stats(c, request.app.state.config, day, post,
                                               max_age_s=live))
        return _public(out) if public else out  # type: ignore[no-any-return]

    @r.get("/trend", dependencies=guard)
    def trend_(request: Request, frm: Annotated[date | None, Query(alias="from")] = None,
               to: date | None = None, post: PostId | None = None) -> Response:
        a, b = _range(request, frm, to)
        body = _db(request, lambda c: trend_json(c, request.app.state.config, a, b, post,
                                                 public=public, today=_today(request)))
        return Response(body, media_type="application/json")

    @r.get("/report", dependencies=guard, response_model=None)
    def report(request: Request, frm: Annotated[date | None, Query(alias="from")] = None,
               to: date | None = None, post: PostId | None = None,
               format: Literal["json", "xlsx"] = "json",
               waits: Literal["full", "avg"] = "full") -> Any:
        """The period's figures ("Laporan keluaran"), as JSON or an XLSX download;
        ``waits=avg``: waits without their median and p90 (the dashboard's, far cheaper)."""
        a, b = _range(request, frm, to)
        st = request.app.state
        exact = waits == "full" or format == "xlsx"
        out = _db(request, lambda c: st.reports.report(c, st.config, a, b, post, public=public,
                                                       percentiles=exact, now=st.now()))
        if format == "json":  # plain json: FastAPI's encoder takes ~10x as long on 50 posts
            return Response(json.dumps(out, ensure_ascii=False, separators=(",", ":")),
                            media_type="application/json")
        body = report_xlsx(out)
        name = f"laporan-keluaran-{post + '-' if post else ''}{a}-{b}.xlsx"
        return Response(body, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    if not public:
        @r.get("/log", dependencies=guard, response_model=None)
        def day_log(request: Request, post: PostId,
                    date_: Annotated[date | None, Query(alias="date")] = None,
                    format: Literal["csv", "xlsx", "json"] = "json") -> Any:
            day = date_ or _today(request)

            def read(conn: psycopg.Connection[Any]) -> Any:
                info = load_posts(conn, request.app.state.config).get(post)
                if info is None:
                    raise ApiError(404, "unknown_post", "Pos tidak dikenal.", "Unknown post.")
                rows = log_rows(conn, post, day)
                return rows_response(rows, post_config(info, rows), day.isoformat(), format)

            return _db(request, read)

    return r


def _install_db_errors(app: FastAPI) -> None:
    def unavailable() -> JSONResponse:
        return JSONResponse({"error": "city_db_unavailable",
                             "message": "Basis data kota sedang tidak dapat dipakai; tidak ada "
                                        "yang berubah. Coba lagi.",
                             "message_en": "The city database is unavailable; nothing was "
                                           "changed. Try again."}, status_code=503)

    @app.exception_handler(psycopg.OperationalError)
    async def _op(_r: Request, exc: Exception) -> JSONResponse:
        log.warning("city database unavailable: %s", exc)
        return unavailable()

    @app.exception_handler(PoolTimeout)
    async def _pool(_r: Request, exc: Exception) -> JSONResponse:
        log.warning("no database connection in time: %s", exc)
        return unavailable()

    @app.exception_handler(CityDbError)
    async def _city_db(_r: Request, exc: Exception) -> JSONResponse:
        return unavailable()

    @app.exception_handler(BadBatch)
    async def _bad(_r: Request, exc: BadBatch) -> JSONResponse:
        return JSONResponse({"error": "invalid_batch", "message": exc.message,
                             "message_en": exc.message_en}, status_code=422)

    @app.exception_handler(Gap)
    async def _gap(_r: Request, exc: Gap) -> JSONResponse:
        return JSONResponse({"error": "gap", "acked_seq": exc.acked_seq,
                             "message": f"Kota menyimpan sampai seq {exc.acked_seq}; kirim "
                                        "lanjutannya dari situ.",
                             "message_en": f"The city holds up to seq {exc.acked_seq}; send "
                                           "from there."}, status_code=409)


def _refresher(app: FastAPI, stop: threading.Event, every_s: float = 2.0) -> None:
    """Keep the cached day summaries fresh, so a trend seldom recomputes while asked."""
    while not stop.wait(every_s):
        try:
            with app.state.pool.connection() as conn:
                while refresh_stale(conn, app.state.config, limit=50) and not stop.is_set():
                    pass
        except Exception as exc:  # the database may be down: try again later
            log.debug("summary refresh skipped: %s", exc)


def create_app(pool: Any, config: CityConfig, *,
               now: Callable[[], datetime] | None = None, refresh: bool = True) -> FastAPI:
    """The city app on an open psycopg pool (closed by the app's shutdown)."""
    stop = threading.Event()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = threading.Thread(target=_refresher, args=(app, stop), name="summaries",
                                  daemon=True)
        if refresh:
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker.is_alive():
                worker.join(timeout=5)
            pool.close()

    app = FastAPI(title="Antrean city", version=__version__, docs_url=f"{API}/docs",
                  openapi_url=f"{API}/openapi.json", redoc_url=None, lifespan=lifespan)
    app.state.pool = pool
    app.state.config = config
    app.state.tokens = TokenCache(pool)
    app.state.reports = ReportCache()
    app.state.now = now or (lambda: datetime.now(UTC))

    @app.get(f"{API}/health")
    def health(request: Request) -> dict[str, Any]:
        try:
            _db(request, lambda c: c.execute("SELECT 1").fetchone())
            db = "ok"
        except (psycopg.Error, PoolTimeout):
            db = "unavailable"
        return {"status": "ok" if db == "ok" else "degraded", "api": 1, "version": __version__,
                "db": db, "city": {"name": config.city.name, "name_en": config.city.name_en,
                                  "silent_after_min": config.city.silent_after_min},
                "time": request.app.state.now().astimezone(config.tz).isoformat()}

    app.include_router(_uplink_router(), prefix=API)
    app.include_router(build_beneficiary_router(post_token, officer), prefix=API)
    app.include_router(_read_router(public=False), prefix=API)
    app.include_router(_read_router(public=True), prefix=f"{API}/public")
    app.include_router(dashboard_router)
    install_error_handlers(app, ("Kesalahan di server kota.", "Internal city server error."))
    _install_db_errors(app)
    return app
