"""Running the city server: migrate, open the pool, serve with uvicorn until SIGTERM."""

from __future__ import annotations

import gc
import logging

import uvicorn

from .config import CityConfig
from .db import migrate, open_pool, redact
from .server import create_app

__all__ = ["build_server", "serve_city"]

log = logging.getLogger(__name__)


def build_server(url: str, config: CityConfig, host: str, port: int, *,
                 log_level: str = "warning") -> uvicorn.Server:
    """Migrations applied, pool open (both raise :class:`city.db.CityDbError`), server built."""
    rev = migrate(url)
    pool = open_pool(url)
    log.info("city database %s at revision %s", redact(url), rev)
    app = create_app(pool, config)
    cfg = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on",
                         access_log=False, timeout_graceful_shutdown=5)
    return uvicorn.Server(cfg)


def serve_city(url: str, config: CityConfig, host: str, port: int) -> None:
    server = build_server(url, config, host, port, log_level="info")
    _tune_gc()
    log.info("city %r on http://%s:%d%s", config.city.name, host, port, "/city/v1/health")
    server.run()


def _tune_gc() -> None:
    """An uplink batch is ~10,000 short-lived containers (events, tickets, rows), freed by
    reference counting, not by the cycle collector; with the default threshold (700) the
    collector ran every few dozen events and re-scanned the young objects each time: ~15%
    of ingest's CPU. Objects alive at start (modules, schemas) are frozen out of its scans."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
