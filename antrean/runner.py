"""Running a hub: uvicorn serving the API, mDNS advertising it, ordered start and stop.

``serve_hub`` runs in the foreground until SIGTERM/SIGINT (uvicorn handles both) and then
stops the parts in reverse order. :class:`HubThread` runs the same in a background thread
for the headless demo and in-process tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from .clock import Clock
from .config import PostConfig
from .hub import Hub, HubUnavailable
from .hub_beneficiary import purge_loop
from .limits import HubServerConfig, raise_open_files_limit
from .server import create_app
from .tls import format_fingerprint, tls_enabled

__all__ = ["serve_hub", "HubThread", "free_port", "build_server"]

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _advertiser(config: PostConfig, host: str, port: int, txt: dict[str, str]) -> Any:
    try:
        from .discovery import Advertiser
    except ImportError:  # pragma: no cover - discovery is part of the package
        return None
    adv = Advertiser("hub", config.post.id, config.post.name, port,
                     interfaces=config.hub.interfaces or None, address=host, extra=txt)
    return adv


async def _systemd_notify(started: Callable[[], bool]) -> None:
    """READY=1 once uvicorn listens, then WATCHDOG=1 pings from this event loop."""
    from . import sdnotify

    while not started():
        await asyncio.sleep(0.05)
    sdnotify.ready("serving")
    await sdnotify.watchdog_loop()


async def _alert_loop(hub: Hub, every_s: float = 10.0) -> None:
    """Check for surges (a service's oldest wait past the limit) every few seconds."""
    from .lead import check_alerts

    while True:
        await asyncio.sleep(every_s)
        try:
            check_alerts(hub)
        except Exception:
            log.exception("surge check failed")


async def _device_loop(hub: Hub) -> None:
    """Take in revocations made by ``antrean token --revoke`` while the hub runs (a revoked
    kiosk's reserved numbers are released, also those of one revoked while the hub was
    off), and write the devices' last-seen times now and then (see antrean/devices.py)."""
    from .devices import FLUSH_S, REFRESH_S
    from .hub_reserves import release_revoked

    loop = asyncio.get_running_loop()
    flushed = loop.time()
    while True:
        await asyncio.sleep(REFRESH_S)
        try:
            hub.devices.refresh()
            release_revoked(hub)
            if loop.time() - flushed >= FLUSH_S:
                flushed = loop.time()
                seen = hub.devices.take_seen()
                if not await asyncio.to_thread(hub.devices.write_seen, seen):
                    hub.devices.keep_seen(seen)
        except Exception:
            log.exception("device check failed")


async def _day_loop(hub: Hub) -> None:
    """Close the post's day on time: sleep until its end (or a few seconds, to notice a
    clock that jumped), then roll. Requests roll too; this covers a quiet hall."""
    while True:
        await asyncio.sleep(hub.seconds_to_roll())
        try:
            hub.roll()
            hub.probe_storage()  # while writes fail: try one, to say when they work again
        except HubUnavailable:
            pass  # already said, once, in the log and in /health
        except Exception:
            log.exception("closing the day failed")


def _start_advertising(config: PostConfig, host: str, port: int, txt: dict[str, str],
                       box: dict[str, Any]) -> None:
    adv = _advertiser(config, host, port, txt)
    if adv is None:
        return
    try:
        adv.start()
    except Exception:
        log.exception("mDNS advertisement failed; devices need the hub's URL")
        return
    box["adv"] = adv
    log.info("advertising the hub by mDNS as post %s", config.post.id)


def build_server(config: PostConfig, data_dir: str | Path, host: str, port: int, *,
                 clock: Clock | None = None, advertise: bool = True,
                 log_level: str = "warning", tls: str | None = None,
                 notify_systemd: bool = False) -> tuple[uvicorn.Server, Hub]:
    """The hub's server; ``tls`` is on/off/auto (default: the config's ``hub.tls``)."""
    from .uplink import Uplink, settings_from_config

    use_tls = tls_enabled(tls or config.hub.tls, host)
    link = settings_from_config(config.city)  # a [city] url without a token stops here
    hub = Hub(config, data_dir, clock)
    # The key exists even for a plain-HTTP hub: pairing hands its fingerprint to devices,
    # so a hub moved from the demo's loopback to the LAN keeps its paired devices.
    try:
        app = create_app(hub)
    except BaseException:
        hub.close()
        raise
    identity = app.state.identity
    app.state.tls = use_tls
    txt = {"fp": identity.hint, **({"tls": "1"} if use_tls else {})}
    adv_box: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        hub.attach_loop()  # commits are answered here; other threads' calls come here
        # mDNS probing takes a second or two: serve meanwhile, advertise in the background.
        task = asyncio.create_task(asyncio.to_thread(_start_advertising, config, host, port,
                                                     txt, adv_box)) if advertise else None
        alerts = asyncio.create_task(_alert_loop(hub))
        devices = asyncio.create_task(_device_loop(hub))
        days = asyncio.create_task(_day_loop(hub))
        purges = asyncio.create_task(purge_loop(hub))  # keyed NIK hashes past retention
        notifier = (asyncio.create_task(_systemd_notify(lambda: server.started))
                    if notify_systemd else None)
        if link is not None:  # its own thread: the queue never waits for the city
            hub.uplink = Uplink(hub.storage, config, link, last_seq=lambda: hub.last_seq)
            hub.add_listener(hub.uplink.wake)
            hub.uplink.start()
        try:
            yield
        finally:
            if hub.uplink is not None:
                await asyncio.to_thread(hub.uplink.stop)
            alerts.cancel()
            devices.cancel()
            days.cancel()
            purges.cancel()
            if notifier is not None:
                notifier.cancel()
                from .sdnotify import stopping

                stopping()
            if task is not None:
                with contextlib.suppress(Exception):
                    await task
            adv = adv_box.pop("adv", None)
            if adv is not None:
                await asyncio.to_thread(adv.close)
            hub.close()

    app.router.lifespan_context = lifespan
    # The hub's protocols: per-address connection cap, header timeout and size (limits.py)
    cfg = HubServerConfig(app, host=host, port=port, log_level=log_level, lifespan="on",
                          access_log=False, timeout_graceful_shutdown=3,
                          # events are small JSON on a LAN: deflating each one for each
                          # display costs the hub's loop CPU and saves next to nothing
                          ws_per_message_deflate=False,
                          ssl_keyfile=str(identity.key_path) if use_tls else None,
                          ssl_certfile=str(identity.cert_path) if use_tls else None)
    server = uvicorn.Server(cfg)
    return server, hub


def _state(server: uvicorn.Server) -> Any:
    """The app's state (its ``identity``, ``tls``): uvicorn types its app loosely."""
    return server.config.app.state  # type: ignore[union-attr]


def serve_hub(config: PostConfig, data_dir: str | Path, host: str, port: int, *,
              clock: Clock | None = None, advertise: bool = True, tls: str | None = None) -> None:
    nofile = raise_open_files_limit()  # every connection is a file descriptor
    server, hub = build_server(config, data_dir, host, port, clock=clock, advertise=advertise,
                               log_level="info", tls=tls, notify_systemd=True)
    log.info("open-file limit %d", nofile)
    identity = _state(server).identity
    scheme = "https" if _state(server).tls else "http"
    log.info("hub for post %s (%s) on %s://%s:%d, data in %s", config.post.id,
             config.post.name, scheme, host, port, data_dir)
    log.info("kunci hub / hub key: %s (sertifikat untuk browser / certificate for browsers: "
             "SHA-256 %s)", format_fingerprint(identity.fingerprint), identity.cert_sha256)
    _first_pairing_code(hub)
    server.run()


def _first_pairing_code(hub: Hub) -> None:
    """A hub with no device yet shows a one-time pairing code, so the first device can join.

    Later codes come from ``antrean pair`` or the lead's ``POST /pair/codes``.
    """
    from .auth import PAIRABLE_ROLES, create_pairing_code

    if hub.storage.list_devices():
        return
    code = create_pairing_code(hub.storage, hub.now(), (*PAIRABLE_ROLES, "lead"))
    log.warning("belum ada perangkat terpasang — kode pemasangan: %s (berlaku 2 menit; "
                "kode baru: antrean pair --data %s) / no device paired yet — pairing code",
                code, hub.storage.data_dir)


class HubThread:
    """A hub served from a background thread; ``start()`` returns once it answers."""

    def __init__(self, config: PostConfig, data_dir: str | Path, *, host: str = "127.0.0.1",
                 port: int | None = None, clock: Clock | None = None,
                 advertise: bool = False, tls: str | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.server, self.hub = build_server(config, data_dir, self.host, self.port, clock=clock,
                                             advertise=advertise, tls=tls)
        self._thread = threading.Thread(target=self.server.run, name="hub", daemon=True)

    @property
    def fingerprint(self) -> str:
        return str(_state(self.server).identity.fingerprint)

    @property
    def url(self) -> str:
        scheme = "https" if _state(self.server).tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> HubThread:
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(timeout / 0.02)):
            if self.server.started:
                return self
            deadline.wait(0.02)
        raise RuntimeError("hub did not start")

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.should_exit = True
            self._thread.join(timeout=10)
