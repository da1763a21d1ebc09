"""The volunteer's SKM survey page: one static page served by the hub at ``/survey``.

A volunteer's phone, paired as a ``survey`` device, enters a served resident's answers
(``survey_assets/``: plain HTML, CSS and one classic script — no modules, no build step,
nothing from the internet — so a cheap Android phone's browser runs it). This module only
serves the files: ``GET /survey`` and ``GET /survey/assets/{name}`` for the names in
:data:`ASSETS`, an allow-list; the page's headers are the dashboard's (same origin only).
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .dashboard import _HEADERS as HEADERS  # one security policy for the hub's pages

__all__ = ["router", "ASSETS"]

#: Every file the page may load from here, with its content type (the icon is the
#: dashboard's). Nothing else is served.
ASSETS: dict[str, str] = {
    "survey.js": "text/javascript; charset=utf-8",
    "survey.css": "text/css; charset=utf-8",
}

router = APIRouter(tags=["survey page"])


def _read(name: str) -> bytes:
    return resources.files("antrean").joinpath("survey_assets", name).read_bytes()


@router.get("/survey", include_in_schema=False)
async def survey_page() -> Response:
    """The page; it pairs the phone itself when it has no token yet."""
    return Response(_read("index.html"), media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/survey/assets/{name}", include_in_schema=False)
async def survey_asset(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise StarletteHTTPException(status_code=404)
    return Response(_read(name), media_type=media_type, headers=HEADERS)
