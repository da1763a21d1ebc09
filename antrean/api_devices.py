"""The lead's routes over the post's devices: list them, revoke one, free a counter number.

See antrean/devices.py for what revocation does while the hub runs.
"""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_devices_router (a closure) when it reads the route signatures.

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from .auth import Device
from .guard import GuardedRoute
from .hub import Hub
from .hub_reserves import release_revoked
from .params import CounterNo, DeviceIdPath
from .queue import QueueError

__all__ = ["build_devices_router"]


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def device_json(hub: Hub, d: dict[str, Any]) -> dict[str, Any]:
    return {**d, "created_at": hub.local(d["created_at"]),
            "last_seen_at": hub.local(d["last_seen_at"]), "revoked_at": hub.local(d["revoked_at"])}


def build_devices_router(require: Any) -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)
    lead = Depends(require("lead"))

    @r.get("/devices")
    async def list_devices(request: Request, _dev: Annotated[Device, lead]) -> list[dict[str, Any]]:
        """Every device of the post: role, name, created, last seen, revoked, the counter
        number it holds, open event streams."""
        hub = _hub(request)
        return [device_json(hub, d) for d in hub.devices.listing()]

    @r.post("/devices/{device_id}/revoke")
    async def revoke(device_id: DeviceIdPath, request: Request,
                     dev: Annotated[Device, lead]) -> dict[str, Any]:
        """Refuse this device's token from now on (idempotent); its event streams close,
        the counter number it held is free again and a kiosk's reserved numbers are
        released."""
        hub = _hub(request)
        if device_id == dev.id:
            raise QueueError(409, "own_device",
                             "Token yang sedang dipakai tidak bisa dicabut dari sini; pakai "
                             "antrean token --revoke di hub.",
                             "The token in use cannot revoke itself here; use antrean token "
                             "--revoke on the hub.")
        found = hub.devices.revoke(device_id)
        if found is None:
            raise QueueError(404, "unknown_device", "Perangkat tidak ditemukan.",
                             "No such device.")
        release_revoked(hub)  # a revoked kiosk's reserved numbers are given up at once
        return device_json(hub, found)

    @r.post("/counters/{n}/release")
    async def release(n: CounterNo, request: Request,
                      _dev: Annotated[Device, lead]) -> dict[str, Any]:
        """Free counter number ``n`` so another counter device can take it."""
        held_by = _hub(request).devices.release_counter(n)
        return {"counter": n, "released_from": held_by}

    return r
