"""Query and path parameters, validated as strictly as the bodies are.

Numbers are ASCII digits only and dates are ``YYYY-MM-DD`` only: pydantic's lax parsing
would read ``date=0`` as 1970-01-01 (a Unix time), a counter ``3.0`` or ``+3`` as 3, and
``str.isdigit()`` takes ``²`` for a digit (``int()`` then fails: a 500). A bad parameter is a
422 with the hub's usual JSON error (see ``server.create_app``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

__all__ = ["CounterNo", "DayQuery", "DeviceIdPath", "ServiceIdPath", "PARAM_HINTS", "iso_day",
           "parse_seq", "MAX_SEQ_DIGITS"]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")
MAX_SEQ_DIGITS = 18  # an event seq always fits a 64-bit integer


def iso_day(v: str) -> str:
    """``YYYY-MM-DD`` (ASCII) naming a real calendar day, else ValueError."""
    if not isinstance(v, str) or not _DAY.fullmatch(v):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise ValueError("is not a calendar date") from None


def _ascii_int(v: Any) -> Any:
    """Only ASCII digits become a number (no sign, space, decimal point or other script)."""
    if isinstance(v, str) and not (_DIGITS.fullmatch(v) and len(v) <= MAX_SEQ_DIGITS):
        raise ValueError("must be a whole number written in the digits 0-9")
    return v


def parse_seq(raw: str) -> int | None:
    """An event ``seq`` from a query string: ASCII digits, at most 18 of them; else None."""
    return int(raw) if _DIGITS.fullmatch(raw) and len(raw) <= MAX_SEQ_DIGITS else None


# WithJsonSchema: what the OpenAPI says of them (the validators above are code it cannot
# see); the fuzz run in CI generates from it (tests/antrean/test_fuzz_api.py).
DayQuery = Annotated[str | None, AfterValidator(lambda v: None if v is None else iso_day(v)),
                     WithJsonSchema({"type": "string", "format": "date",
                                     "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
                     Query(alias="date", description="post-local day, YYYY-MM-DD (default today)")]
CounterNo = Annotated[int, BeforeValidator(_ascii_int),
                      WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 99}),
                      Path(ge=1, le=99, description="counter (loket) number")]
DeviceIdPath = Annotated[int, BeforeValidator(_ascii_int),
                         WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 2**31}),
                         Path(ge=1, le=2**31, description="a device id (GET /devices)")]
ServiceIdPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
                                    description="a service id of the post's config")]

#: What each parameter must look like, for the error message (Indonesian, English).
PARAM_HINTS: dict[str, tuple[str, str]] = {
    "date": ("tanggal harus berformat YYYY-MM-DD, misalnya 2026-12-07",
             "date must be YYYY-MM-DD, e.g. 2026-12-07"),
    "n": ("nomor loket harus angka 1 sampai 99 (hanya digit 0-9)",
          "the counter number must be 1 to 99 (digits 0-9 only)"),
    "since": ("since harus bilangan bulat tidak negatif (hanya digit 0-9)",
              "since must be a non-negative whole number (digits 0-9 only)"),
    "format": ("format harus csv, xlsx atau json", "format must be csv, xlsx or json"),
    "excel": ("excel harus 1 atau 0", "excel must be 1 or 0"),
    "service_id": ("kode layanan tidak dikenal bentuknya", "not a service id"),
    "ticket_id": ("id nomor antrean harus UUID", "the ticket id must be a UUID"),
    "number": ("nomor antrean seperti A012", "a ticket number like A012"),
    "device_id": ("id perangkat harus angka (hanya digit 0-9)",
                  "the device id must be a number (digits 0-9 only)"),
}
