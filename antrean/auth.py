"""Device tokens and one-time pairing codes. Only hashes of tokens and codes are stored.

A token is 32 random bytes (URL-safe text): high entropy, so a plain SHA-256 is enough to
make a stolen database useless for impersonation. A pairing code is six digits and lives two
minutes; it is never sent over the network: device and hub prove to each other that they
know it by SPAKE2 (:mod:`antrean.pairing`), which also limits guesses per client address.
"""

from __future__ import annotations

import hashlib
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
    "code_password",
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
    """Pairing refused; ``status`` is the HTTP status the hub answers with."""

    def __init__(self, code: str, message: str, message_en: str, status: int = 403, *,
                 retry_after: float | None = None) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en
        self.status = status
        self.retry_after = retry_after


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


def code_password(code: str) -> bytes:
    """The SPAKE2 password for a code: its stored hash, which is all the hub keeps."""
    return _hash_code(code).encode("ascii")
