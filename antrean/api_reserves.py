"""The kiosk's reserve of numbers for offline issuing: ``POST /reserves`` (antrean/reserves.py)."""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_reserves_router (a closure) when it reads the route signatures.

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from .auth import Device
from .guard import GuardedRoute
from .hub import Hub
from .hub_reserves import stage_top_up

__all__ = ["build_reserves_router"]


def build_reserves_router(require: Any) -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)

    @r.post("/reserves")
    async def reserves(request: Request,
                       dev: Annotated[Device, Depends(require("kiosk"))]) -> dict[str, Any]:
        """Top this kiosk's reserve up to ``[hub] reserve_size`` per open service (as the
        quota allows) and list the numbers it holds: ``{"at", "tz", "day", "post", "size",
        "services": [{"id", "letter", "status": ok|closed|quota_reached|day_closed,
        "numbers": [...]}]}``."""
        hub: Hub = request.app.state.hub
        return await hub.settle(stage_top_up(hub, dev))  # once the grant is on disk

    return r
