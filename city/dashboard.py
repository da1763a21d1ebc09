"""The city dashboard and its printable period report: static pages served by the city server.

``/city`` (officer sign-in, the public figures until then), ``/city/public`` (the same page
with no sign-in: aggregates only), ``/city/report`` and ``/city/public/report`` (the
"Laporan keluaran" to print). Plain HTML, CSS and JS (``dashboard_assets/``), nothing from
the internet, so the page works inside the city's own network. The post's dashboard files
it builds on (DOM helpers, the satisfaction faces, the base style, the icon) are served from
the ``antrean`` package itself, not copied. Only the names in :data:`ASSETS` are served.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from antrean.dashboard import _HEADERS

__all__ = ["router", "ASSETS"]

_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"

#: name → (package, folder, content type): every file the pages may load.
ASSETS: dict[str, tuple[str, str, str]] = {
    "city.js": ("city", "dashboard_assets", _JS),
    "api.js": ("city", "dashboard_assets", _JS),
    "words.js": ("city", "dashboard_assets", _JS),
    "trend.js": ("city", "dashboard_assets", _JS),
    "placemap.js": ("city", "dashboard_assets", _JS),
    "beneficiary.js": ("city", "dashboard_assets", _JS),
    "report.js": ("city", "dashboard_assets", _JS),
    "city.css": ("city", "dashboard_assets", _CSS),
    "report.css": ("city", "dashboard_assets", _CSS),
    # the post dashboard's own files, reused as they are
    "dom.js": ("antrean", "dashboard_assets", _JS),
    "charts.js": ("antrean", "dashboard_assets", _JS),
    "dashboard.css": ("antrean", "dashboard_assets", _CSS),
    "icon.svg": ("antrean", "dashboard_assets", "image/svg+xml"),
}

router = APIRouter(tags=["dashboard"])


def _file(package: str, folder: str, name: str) -> bytes:
    return resources.files(package).joinpath(folder, name).read_bytes()


def _page(name: str) -> Response:
    return Response(_file("city", "dashboard_assets", name),
                    media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/city", status_code=307)


@router.get("/city", include_in_schema=False)
@router.get("/city/public", include_in_schema=False)
async def dashboard_page() -> Response:
    """The dashboard; the page reads its path to know whether sign-in is offered."""
    return _page("index.html")


@router.get("/city/report", include_in_schema=False)
@router.get("/city/public/report", include_in_schema=False)
async def report_page() -> Response:
    """The printable period report ("Laporan keluaran")."""
    return _page("report.html")


@router.get("/city/assets/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    """One of the pages' files; any name outside :data:`ASSETS` is a 404."""
    found = ASSETS.get(name)
    if found is None:
        raise StarletteHTTPException(status_code=404)
    package, folder, media_type = found
    return Response(_file(package, folder, name), media_type=media_type, headers=_HEADERS)
