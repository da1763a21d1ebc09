"""The kiosk's configuration: one TOML file, validated once, passed in.

``/etc/antrean/kiosk.toml`` (or ``--config FILE``); every key has a default, so a kiosk with
no file runs with a fake printer and finds its hub by mDNS. An unknown or wrong key stops the
program with a message naming ``section.key``, like the hub's config. Command-line options
override the file (see :func:`apply_overrides`).

The staff PIN is stored as a salted scrypt hash (``antrean kiosk --hash-pin`` prints one);
there is no default PIN: with none configured the staff menu says how to set one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from antrean.config import PRIORITY_CATEGORIES, load_toml_model, parse_toml_model, validate_model

__all__ = [
    "ButtonMapping",
    "ConfigError",
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_DATA_DIR",
    "KioskConfig",
    "apply_overrides",
    "hash_pin",
    "load_kiosk_config",
    "parse_kiosk_config",
    "verify_pin",
]

DEFAULT_CONFIG_PATH = Path("/etc/antrean/kiosk.toml")
DEFAULT_DATA_DIR = "/var/lib/antrean"


class ConfigError(Exception):
    """The kiosk configuration cannot be used; the message names the key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(_Model):
    name: Annotated[str, Field(max_length=60)] = ""  # empty: the host name
    lang: Literal["id", "en"] = "id"
    #: Priority choices shown, in order (ids of antrean.config.PRIORITY_CATEGORIES).
    priorities: list[str] = ["elderly", "disabled"]
    confirm_s: Annotated[float, Field(ge=2, le=60)] = 8
    fault_s: Annotated[float, Field(ge=5, le=300)] = 30
    #: The kiosk's own folder: its outbox and reserve of numbers for issuing while the hub
    #: is away (kiosk/outbox.py). ``antrean kiosk --data DIR`` overrides it.
    data: Annotated[str, Field(min_length=1, max_length=4096)] = DEFAULT_DATA_DIR
    #: How long a ticket from the reserve waits for the hub's answer (people ahead, the
    #: wait) before it prints without it.
    online_wait_s: Annotated[float, Field(ge=0, le=10)] = 1.0

    @field_validator("priorities")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in PRIORITY_CATEGORIES:
                raise ValueError(f"unknown priority {p!r}; known: {sorted(PRIORITY_CATEGORIES)}")
        return v


class HubSection(_Model):
    url: str = ""  # empty: find the post's hub by mDNS
    token: str = ""
    # Or a file holding it (first line), read again when it changes.
    token_file: str = ""
    fingerprint: str = ""  # the hub key pinned at pairing (antrean join / --pair)
    post: str = ""  # post id to look for by mDNS (empty: the only hub on the LAN)
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 5

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, v: str) -> str:
        from antrean.tls import valid_fingerprint

        return valid_fingerprint(v) if v.strip() else ""


class PrinterSection(_Model):
    spec: str = "fake"  # fake[:DIR], file:PATH, serial:PORT[:BAUD], usb:VID:PID, network:HOST
    paper: Literal[58, 80] = 80

    @field_validator("spec")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        # The kind only: the rest is checked by hardware.printer.make_printer at start-up
        # (this module stays free of escpos).
        kind, _, rest = v.strip().partition(":")
        if kind not in ("fake", "file", "serial", "usb", "network") or (kind != "fake"
                                                                          and not rest):
            raise ValueError("expected fake[:DIR], file:PATH, serial:PORT[:BAUD], usb:VID:PID "
                             "or network:HOST[:PORT]")
        return v.strip()


class ButtonMapping(_Model):
    """What one button of the box does: take a ticket of ``service`` (with an optional
    ``priority``), or give ``rating`` (4 Sangat puas … 1 Tidak puas) to the ticket on screen."""

    service: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    priority: str | None = None
    rating: Annotated[int, Field(ge=1, le=4)] | None = None

    @field_validator("priority")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v is not None and v not in PRIORITY_CATEGORIES:
            raise ValueError(f"unknown priority {v!r}; known: {sorted(PRIORITY_CATEGORIES)}")
        return v

    @model_validator(mode="after")
    def _one_job(self) -> ButtonMapping:
        if (self.service is None) == (self.rating is None):
            raise ValueError("give either service (and priority) or rating, not both")
        if self.rating is not None and self.priority is not None:
            raise ValueError("priority goes with service, not with rating")
        return self


#: ``[buttons] mode = "rating"``: button n of an unmapped box gives rating RATING_BUTTONS[n].
RATING_BUTTONS = {1: 4, 2: 3, 3: 2, 4: 1}


class ButtonsSection(_Model):
    port: str = ""  # empty: no button box
    baud: Annotated[int, Field(ge=300, le=4_000_000)] = 9600
    #: What unmapped buttons do. "tickets": button n takes a regular ticket of the n-th
    #: service. "rating": buttons 1-4 are the faces, Sangat puas (1) to Tidak puas (4).
    mode: Literal["tickets", "rating"] = "tickets"
    #: Button number -> mapping; overrides the mode for that button.
    map: dict[Annotated[int, Field(ge=1, le=99)], ButtonMapping] = {}

    def rating_for(self, button: int) -> int | None:
        """The rating button ``button`` gives, or None when it takes tickets (or nothing)."""
        mapped = self.map.get(button)
        if mapped is not None:
            return mapped.rating
        return RATING_BUTTONS.get(button) if self.mode == "rating" else None


class StaffSection(_Model):
    pin_hash: str = ""
    history: Annotated[int, Field(ge=1, le=50)] = 10

    @field_validator("pin_hash")
    @classmethod
    def _well_formed(cls, v: str) -> str:
        if v and _parse_hash(v) is None:
            raise ValueError("not a PIN hash; make one with `antrean kiosk --hash-pin`")
        return v


class MdnsSection(_Model):
    advertise: bool = True
    interfaces: list[str] = []  # empty: all (lo alone for a hub on lo)


class KioskConfig(_Model):
    """The whole kiosk configuration (every section optional)."""

    kiosk: KioskSection = KioskSection()
    hub: HubSection = HubSection()
    printer: PrinterSection = PrinterSection()
    buttons: ButtonsSection = ButtonsSection()
    staff: StaffSection = StaffSection()
    mdns: MdnsSection = MdnsSection()


def parse_kiosk_config(text: str, source: str = "<config>") -> KioskConfig:
    """Validate TOML text; raises :class:`ConfigError` naming the offending key."""
    return parse_toml_model(KioskConfig, text, source, error=ConfigError)


def load_kiosk_config(path: str | Path | None = None) -> KioskConfig:
    """Read ``path``; with ``None``, ``/etc/antrean/kiosk.toml`` if it exists, else defaults."""
    if path is None:
        if not DEFAULT_CONFIG_PATH.exists():
            return KioskConfig()
        path = DEFAULT_CONFIG_PATH
    return load_toml_model(KioskConfig, path, error=ConfigError)


def apply_overrides(cfg: KioskConfig, **options: Any) -> KioskConfig:
    """A copy of ``cfg`` with command-line values (``section_key=value``; None = not given).

    The result is validated again, so a bad ``--paper`` is refused like a bad file key.
    """
    data = cfg.model_dump()
    for name, value in options.items():
        if value is None:
            continue
        section, key = name.split("_", 1)
        data[section][key] = value
    return validate_model(KioskConfig, data, "command line", error=ConfigError)


# ---------------------------------------------------------------- the staff PIN

# scrypt at n=2**14: ~50 ms on a Pi 4, fine for one staff login; the lockout after a few
# wrong tries is what really protects a short PIN.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` for a PIN of 4 to 12 digits."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("a staff PIN is 4 to 12 digits")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 16) or len(digest) < 16:
        return None
    return n, r, p, salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches the stored hash (constant-time compare)."""
    parsed = _parse_hash(stored)
    if parsed is None or not pin:
        return False
    n, r, p, salt, digest = parsed
    got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest),
                         maxmem=128 * r * n * p + 2**20)
    return hmac.compare_digest(got, digest)


def default_name() -> str:
    """The kiosk's device name when config gives none: the host name."""
    return os.uname().nodename or "kiosk"
