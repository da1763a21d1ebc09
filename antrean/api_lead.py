"""Routes for the post lead's day (issue 6): stats, complaints, ratings, corrections."""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_lead_router (a closure) when it reads the route signatures.

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from .auth import Device
from .daylog import LiveDay
from .guard import GuardedRoute
from .hub import Hub
from .hub_reserves import reserve_stats
from .lead import COMPLAINT_CATEGORIES, complaints, corrections, day_extras, stage_complaint
from .params import DayQuery as Day
from .stats import day_stats, stats_from_rows
from .survey import day_answers, skm_stats

__all__ = ["build_lead_router"]



class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComplaintBody(_Body):
    category: Literal["waktu", "petugas", "prosedur", "biaya", "sarana", "lainnya"]
    text: Annotated[str, Field(max_length=500)] = ""
    number: Annotated[str, Field(pattern=r"^[A-Z][0-9]{3,5}$")] | None = None
    request_id: UUID | None = None  # a retry with the same id files nothing new


class RatingBody(_Body):
    number: Annotated[str, Field(pattern=r"^[A-Z][0-9]{3,5}$")]
    rating: Annotated[int, Field(ge=1, le=4)]


class CorrectionBody(_Body):
    outcome: Literal["served", "no_show"]
    reason: Annotated[str, Field(min_length=3, max_length=300)]


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def _day(hub: Hub, d: str | None) -> str:
    return d or hub.calendar.day_of(hub.now())


def full_stats(hub: Hub, day: str, live: LiveDay | None = None) -> dict[str, Any]:
    """The day's indicators: the ticket log's figures plus complaints and corrections.

    Today's come from the rows the hub keeps up to date (``live``); other days from the log.
    """
    base = (stats_from_rows(live.rows(), hub.config, day) if live is not None and live.day == day
            else day_stats(hub.storage, hub.config, day))
    return {**base, **day_extras(hub, day), **skm_stats(day_answers(hub, day), base["served"]),
            **reserve_stats(hub.storage, day, closed=hub.calendar.is_closed(day, hub.now()))}


def live_day(hub: Hub) -> LiveDay:
    """Today's live rows, built on first use (on the event loop, so no event slips between
    the read of the log and the subscription) and rebuilt when the post's day turns."""
    today = hub.state.day_of(hub.now())
    live = hub.live_day
    if live is None or live.day != today:
        if live is None:
            def follow(wire: list[dict[str, Any]]) -> None:
                if hub.live_day is not None:
                    for w in wire:
                        hub.live_day.apply(w)

            hub.add_listener(follow)
        live = hub.live_day = LiveDay(hub.storage, today)
    return live


def build_lead_router(require: Any) -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)
    lead = Depends(require("lead"))

    @r.get("/stats")
    async def stats(request: Request, _dev: Annotated[Device, lead],
                    date_: Day = None) -> dict[str, Any]:
        hub = _hub(request)
        return await run_in_threadpool(full_stats, hub, _day(hub, date_), live_day(hub))

    @r.get("/public/stats")
    async def public_stats(request: Request, date_: Day = None) -> dict[str, Any]:
        """Aggregates only (no ticket, device or complaint text): fit to publish."""
        hub = _hub(request)
        st = await run_in_threadpool(full_stats, hub, _day(hub, date_), live_day(hub))
        st["complaints"] = {"count": st["complaints"]["count"]}
        st.pop("counters", None)  # per-counter figures are the lead's (they name clerks' desks)
        return st

    @r.get("/complaints/categories")
    async def complaint_categories() -> list[dict[str, str]]:
        return [{"id": k, "name": v[0], "name_en": v[1]} for k, v in COMPLAINT_CATEGORIES.items()]

    @r.post("/complaints", status_code=201)
    async def new_complaint(body: ComplaintBody, request: Request,
                            dev: Annotated[Device, Depends(require("kiosk", "lead"))],
                            ) -> dict[str, Any]:
        hub = _hub(request)
        ev = await hub.settle(stage_complaint(hub, body.category, body.text, body.number,
                                              dev.name, str(body.request_id)
                                              if body.request_id else None))
        return {"id": ev["seq"], "at": ev["at"], "category": body.category,
                "lapor": {"web": "lapor.go.id", "sms": "1708"}}

    @r.get("/complaints")
    async def list_complaints(request: Request, _dev: Annotated[Device, lead],
                              date_: Day = None) -> list[dict[str, Any]]:
        hub = _hub(request)
        return complaints(hub, _day(hub, date_))

    @r.get("/corrections")
    async def list_corrections(request: Request, _dev: Annotated[Device, lead],
                               date_: Day = None) -> list[dict[str, Any]]:
        hub = _hub(request)
        return corrections(hub, _day(hub, date_))

    @r.post("/tickets/{ticket_id}/correct")
    async def correct(ticket_id: UUID, body: CorrectionBody, request: Request,
                      dev: Annotated[Device, lead]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_correct(str(ticket_id), body.outcome, body.reason,
                                                  dev.name))

    @r.post("/ratings", status_code=201)
    async def rate(body: RatingBody, request: Request,
                   dev: Annotated[Device, Depends(require("kiosk", "lead"))]) -> dict[str, Any]:
        hub = _hub(request)
        return await hub.settle(hub.stage_rate(body.number, body.rating, dev.name))

    @r.get("/tickets/by-number/{number}")
    async def by_number(number: Annotated[str, Path(pattern=r"^[A-Z][0-9]{3,5}$")],
                        request: Request,
                        _dev: Annotated[Device, Depends(require("lead", "counter", "kiosk",
                                                                "survey"))],
                        date_: Day = None) -> dict[str, Any]:
        """A ticket by its (guessable) number: devices only, never the public. The kiosk
        and the survey phone need it for a ticket typed in by its number."""
        from .server import ApiError

        hub = _hub(request)
        tid = hub.view.by_number.get((_day(hub, date_), number))  # as committed
        t = hub.ticket(tid) if tid else None
        if t is None:
            raise ApiError(404, "unknown_ticket", "Nomor antrean tidak ditemukan.",
                           "Ticket not found.")
        return t

    return r
