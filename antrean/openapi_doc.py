"""What the hub's OpenAPI says besides the routes' own models: every status a route can
answer with, the error body, and ``Allow`` on a 405.

The fuzz run in CI (tests/antrean/test_fuzz_api.py, schemathesis) holds the hub to its
OpenAPI: an answer whose status or body the document does not list is a failure. So the
statuses every API route may give (the request guard's 408/413, the connection limits'
429/431, a token's 401/403, the storage's 503, a parameter's 422) are listed on every
route, with the one error body all of them carry.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

__all__ = ["ErrorBody", "ERROR_RESPONSES", "NO_CONTENT", "CREATED_OR_REPEATED", "LOG_FORMATS",
           "allowed_methods"]


class ErrorBody(BaseModel):
    """Every refusal: a code, Indonesian text, English text (422s add ``details``)."""

    error: str
    message: str
    message_en: str
    details: list[dict[str, Any]] | None = None


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: Statuses any API route may answer with.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _err("A Content-Length that is not a number"),
    401: _err("No bearer token, or one the hub does not know (or revoked)"),
    403: _err("The token's role may not do this"),
    404: _err("No such ticket, service, device or path"),
    408: _err("Headers or body sent too slowly; the connection closes"),
    409: _err("The state of the queue, counter or ticket does not allow it"),
    413: _err("The body is over 64 KB"),
    422: _err("A parameter or the body does not validate"),
    429: _err("Too many connections from this address, or pairing guesses"),
    431: _err("The headers are over 16 KB"),
    503: _err("The hub's storage refused a write; nothing was changed"),
}

NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "Nobody is waiting"}}
#: GET /log answers in the format asked for.
LOG_FORMATS: dict[int | str, dict[str, Any]] = {200: {
    "description": "The day's wait-time log: JSON rows, CSV (UTF-8) or XLSX",
    "content": {
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            {"schema": {"type": "string", "format": "binary"}},
    }}}
CREATED_OR_REPEATED: dict[int | str, dict[str, Any]] = {
    200: {"description": "The same request_id again: what it made the first time"}}


@lru_cache(maxsize=1)
def _path_patterns(paths: tuple[tuple[str, tuple[str, ...]], ...]
                   ) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    out = []
    for template, methods in paths:
        rx = re.escape(template)
        rx = re.sub(r"\\\{[^}]+\\\}", "[^/]+", rx)
        out.append((re.compile(rx + "$"), methods))
    return out


def allowed_methods(openapi: dict[str, Any], path: str) -> list[str]:
    """Every method the document lists for the route ``path`` is on (for ``Allow``)."""
    paths = tuple((p, tuple(m.upper() for m in ops))
                  for p, ops in openapi.get("paths", {}).items())
    methods: list[str] = []
    for rx, ms in _path_patterns(paths):
        if rx.match(path):
            methods += [m for m in ms if m not in methods]
    return methods
