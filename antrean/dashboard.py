"""The post lead's dashboard: one static page served by the hub at ``/dashboard``.

The page (``dashboard_assets/``: plain HTML, CSS and JS, no build step, nothing from the
internet) reads the public protocol v1 endpoints, and the lead-only ones when a lead token
was entered. This module only serves the files: ``GET /dashboard`` and
``GET /dashboard/assets/{name}`` for the names in :data:`ASSETS` — an allow-list, so no
request can reach any other file.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["router", "ASSETS"]

#: Every file the page may load, with its content type. Nothing else is served.
ASSETS: dict[str, str] = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "words.js": "text/javascript; charset=utf-8",
    "dom.js": "text/javascript; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "skm.js": "text/javascript; charset=utf-8",
    "bansos.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_INDEX = "index.html"

#: Same-origin only: the page talks to this hub and nowhere else, and user-supplied text
#: (complaints, names) can never run as script even if it slipped past the DOM escaping.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # small files, fetched on a LAN: always revalidate so an updated hub shows its new page
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["dashboard"])


def _read(name: str) -> bytes:
    return resources.files("antrean").joinpath("dashboard_assets", name).read_bytes()


@router.get("/dashboard", include_in_schema=False)
async def dashboard_page() -> Response:
    """The dashboard page (public view; the lead view opens after a lead token is entered)."""
    return Response(_read(_INDEX), media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/dashboard/assets/{name}", include_in_schema=False)
async def dashboard_asset(name: str) -> Response:
    """One of the page's own files; any name outside :data:`ASSETS` is a 404."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise StarletteHTTPException(status_code=404)
    return Response(_read(name), media_type=media_type, headers=_HEADERS)
