"""The API's browsable docs at ``/api/v1/docs``, served whole by the hub: a post has no
internet, so nothing may come from a CDN (FastAPI's default page loads Swagger UI from one).

The Swagger UI 5 files come from the ``swagger-ui-bundle-v2`` package (installed with the hub);
only the three the page needs are served, by an allow-list, under ``/api/v1/docs/assets/``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["DOCS_URL", "OPENAPI_URL", "ASSETS", "router"]

DOCS_URL = "/api/v1/docs"
OPENAPI_URL = "/api/v1/openapi.json"
#: The files the page loads, with their types; nothing else is served.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_HEADERS = {
    # Swagger UI's start-up script is inline in FastAPI's page; everything else is ours.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'self'"),
    "X-Content-Type-Options": "nosniff",
}

router = APIRouter(include_in_schema=False)


def _asset_dir() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)


@router.get(DOCS_URL)
async def docs_page() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=OPENAPI_URL, title="Antrean hub — API v1",
        swagger_js_url=f"{DOCS_URL}/assets/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_URL}/assets/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_URL}/assets/favicon-32x32.png")
    page.headers.update(_HEADERS)
    return page


@router.get(DOCS_URL + "/assets/{name}")
async def docs_asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise StarletteHTTPException(status_code=404)
    return FileResponse(_asset_dir() / name, media_type=media_type,
                        headers={**_HEADERS, "Cache-Control": "max-age=86400"})
