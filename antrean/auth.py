"""Device tokens and LAN pairing. Only hashes of tokens and codes are stored.

A token is 32 random bytes (URL-safe text): high entropy, so a plain SHA-256 is enough to
make a stolen database useless for impersonation. A pairing code is six digits, lives two
minutes and survives five wrong tries in all (every wrong try spends one try of every
active code, so guessing across codes does not help).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .storage import Storage

__all__ = [
    "ROLES",
    "Device",
    "PairingError",
    "new_token",
    "hash_token",
    "create_device_token",
    "create_pairing_code",
    "pair_device",
    "PAIRING_TTL",
    "PAIRING_TRIES",
]

#: ``survey``: a volunteer's phone that may only submit SKM surveys (antrean.survey).
ROLES = ("kiosk", "counter", "display", "survey", "lead")
PAIRABLE_ROLES = ("kiosk", "counter", "display", "survey")
PAIRING_TTL = timedelta(minutes=2)
PAIRING_TRIES = 5


@dataclass(frozen=True)
class Device:
    id: int
    role: str
    name: str


class PairingError(Exception):
    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en


def new_token() -> str:
    """32 random bytes, URL-safe; never starting with "-", which a command line
    (``--token T``) would take for an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _hash_code(code: str) -> str:
    return hashlib.sha256(b"antrean-pairing:" + code.encode("ascii")).hexdigest()


def validate_device(role: str, name: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    if not name or len(name) > 60 or not name.isprintable():
        raise ValueError("device name must be 1-60 printable characters")


def create_device_token(storage: Storage, role: str, name: str, now: datetime) -> str:
    """Register a device and return its new token (shown once, stored only as a hash)."""
    validate_device(role, name)
    token = new_token()
    storage.add_device(role, name, hash_token(token), now)
    return token


def create_pairing_code(storage: Storage, now: datetime,
                        roles: tuple[str, ...] = PAIRABLE_ROLES) -> str:
    for r in roles:
        validate_device(r, "x")
    code = f"{secrets.randbelow(1_000_000):06d}"
    storage.add_pairing_code(_hash_code(code), roles, now, now + PAIRING_TTL, PAIRING_TRIES)
    return code


def pair_device(storage: Storage, code: str, role: str, name: str, now: datetime) -> str:
    """Trade a valid one-time code for a device token."""
    try:
        validate_device(role, name)
    except ValueError as exc:
        raise PairingError("invalid_device", "Peran atau nama perangkat tidak valid.",
                           str(exc)) from exc
    active = storage.active_pairing_codes(now)
    if not active:
        raise PairingError("no_pairing_code",
                           "Tidak ada kode pemasangan yang aktif. Minta kode baru di hub.",
                           "No active pairing code. Ask the hub for a new one.")
    wanted = _hash_code(code) if code.isdigit() and len(code) == 6 else ""
    for row in active:
        if wanted and hmac.compare_digest(row["code_hash"], wanted):
            if role not in row["roles"].split(","):
                raise PairingError("role_not_allowed",
                                   "Kode ini tidak berlaku untuk peran tersebut.",
                                   "This code does not allow that role.")
            if not storage.use_pairing_code(row["id"], now):
                break
            return create_device_token(storage, role, name, now)
    storage.spend_pairing_try([r["id"] for r in active])
    raise PairingError("wrong_code", "Kode pemasangan salah.", "Wrong pairing code.")
