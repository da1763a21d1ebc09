"""Routes of the SKM survey (DESIGN "Satisfaction survey"): ``POST /survey`` and the questions.

The body models are built from :mod:`antrean.skm`'s element and profile tables, so the
API, the kiosk and the volunteer's page ask exactly the nine questions the IKM counts.
"""

# No "from __future__ import annotations": FastAPI must see the Depends() built in
# build_survey_router (a closure) when it reads the route signatures.

import re
import uuid
from typing import Annotated, Any, Literal, cast
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, create_model, field_validator

from . import skm
from .auth import Device
from .guard import GuardedRoute
from .hub import Hub
from .openapi_doc import CREATED_OR_REPEATED
from .survey import stage_survey

__all__ = ["build_survey_router", "SurveyBody", "questions_json"]

_NUMBER = re.compile(r"^[A-Z][0-9]{3,5}$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


Score = Annotated[StrictInt, Field(ge=1, le=4)]

#: The nine scores, every one required (a missing element is a 422).
SurveyAnswers: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SurveyAnswers", __base__=_Body, **{e: (Score, ...) for e in skm.ELEMENT_IDS})

#: The optional respondent profile; each field one of the annex's choices.
SurveyProfile: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SurveyProfile", __base__=_Body,
    **{k: (Literal[tuple(v[0] for v in vals)] | None, None)  # type: ignore[misc]
       for k, vals in skm.PROFILE.items()})


class SurveyBody(_Body):
    ticket: Annotated[str, Field(min_length=4, max_length=36,
                                 description="ticket number (A012) or ticket id (UUID)")]
    answers: SurveyAnswers  # type: ignore[valid-type]
    profile: SurveyProfile | None = None  # type: ignore[valid-type]
    request_id: UUID

    @field_validator("ticket")
    @classmethod
    def _number_or_id(cls, v: str) -> str:
        if _NUMBER.match(v):
            return v
        try:
            return str(uuid.UUID(v))
        except ValueError:
            raise ValueError("a ticket number like A012 or a ticket id (UUID)") from None


def questions_json() -> dict[str, Any]:
    """The questionnaire in both languages, for the volunteer's page (and anyone)."""
    return {
        "elements": [{"id": e.id, "code": e.code, "name": e.name, "name_en": e.name_en,
                      "question": e.question, "question_en": e.question_en,
                      "answers": [{"score": i + 1, "text": a, "text_en": a_en}
                                  for i, (a, a_en) in enumerate(zip(e.answers, e.answers_en,
                                                                    strict=True))]}
                     for e in skm.ELEMENTS],
        "profile": {k: [{"id": v, "text": t, "text_en": t_en} for v, t, t_en in vals]
                    for k, vals in skm.PROFILE.items()},
    }


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def build_survey_router(require: Any) -> APIRouter:
    r = APIRouter(route_class=GuardedRoute)  # the token before the body (guard.py)

    @r.get("/survey/questions")
    async def survey_questions() -> dict[str, Any]:
        return questions_json()

    @r.post("/survey", status_code=201, responses=CREATED_OR_REPEATED)
    async def survey(body: SurveyBody, request: Request,
                     dev: Annotated[Device, Depends(require("kiosk", "lead", "survey"))],
                     ) -> JSONResponse:
        # (the two models are built at import time: mypy cannot see their methods)
        answers: BaseModel = body.answers
        profile: dict[str, str] = (cast(BaseModel, body.profile).model_dump(exclude_none=True)
                                   if body.profile else {})
        hub = _hub(request)
        result, created = await hub.settle(stage_survey(
            hub, body.ticket, answers.model_dump(), profile, str(body.request_id), dev.name))
        return JSONResponse(result, status_code=201 if created else 200)
    return r
