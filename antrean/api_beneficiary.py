"""Duplicate recipients over the API (DESIGN "Duplicate recipients"): ``/beneficiaries``.

- ``POST /beneficiaries/check`` (counter, lead) ``{"programme", "nik"}`` → 200
  ``{"recorded": false}`` or ``{"recorded": true, "day", "post", "counter", …}``
- ``POST /beneficiaries`` (counter, lead) ``{"programme", "nik", "ticket", "outcome"}`` → 201
  (200 when the same outcome was already recorded for the ticket)
- ``GET /beneficiaries/stats`` (anyone): counts only, given and refused per programme
- ``GET /beneficiaries/flagged?programme=P`` (lead): hashes given more than once
"""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_beneficiary_router (a closure) when it reads the route signatures.

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from . import hub_beneficiary
from .auth import Device
from .guard import GuardedRoute
from .hub import Hub
from .openapi_doc import CREATED_OR_REPEATED

__all__ = ["build_beneficiary_router"]

Programme = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
# Only the length is bounded here: the structure is checked by antrean/beneficiary.py, whose
# messages never repeat the NIK (pydantic's would quote the input back).
Nik = Annotated[str, Field(min_length=1, max_length=32)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckBody(_Body):
    programme: Programme
    nik: Nik


class RecordBody(_Body):
    programme: Programme
    nik: Nik
    ticket: UUID
    outcome: Literal["given", "refused"]


def build_beneficiary_router(require: Any) -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)

    def hub_of(request: Request) -> Hub:
        return request.app.state.hub  # type: ignore[no-any-return]

    @r.post("/beneficiaries/check")
    async def check(body: CheckBody, request: Request,
                    _dev: Annotated[Device, Depends(require("counter", "lead"))]
                    ) -> dict[str, Any]:
        """Whether this NIK was given the programme already (here, or at another post as
        the city last said). 422 for a NIK that is not 16 digits of valid structure."""
        return hub_beneficiary.check(hub_of(request), body.programme, body.nik)

    @r.post("/beneficiaries", status_code=201, responses=CREATED_OR_REPEATED)
    async def record(body: RecordBody, request: Request,
                     _dev: Annotated[Device, Depends(require("counter", "lead"))]
                     ) -> JSONResponse:
        """The clerk's decision for the resident holding ``ticket``: an event carrying the
        keyed hash, never the NIK."""
        hub = hub_of(request)
        answer, created = await hub.settle(hub_beneficiary.stage_record(
            hub, body.programme, body.nik, str(body.ticket), body.outcome))
        return JSONResponse(answer, status_code=201 if created else 200)

    @r.get("/beneficiaries/stats")
    async def stats(request: Request) -> dict[str, Any]:
        """Counts only, for any screen: given and refused per programme, today and in all."""
        return hub_beneficiary.stats(hub_of(request))

    @r.get("/beneficiaries/flagged")
    async def flagged(request: Request,
                      _dev: Annotated[Device, Depends(require("lead"))],
                      programme: Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")],
                      ) -> dict[str, Any]:
        """For a lead: each recipient (by shortened hash) given the programme twice."""
        return hub_beneficiary.flagged_json(hub_of(request), programme)

    return r
