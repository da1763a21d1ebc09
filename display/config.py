"""The hall display's configuration: one typed schema, read once, passed in.

A TOML file (``/etc/antrean/display.toml``) is validated into frozen pydantic models; an
unknown or wrong key stops the program with a message naming ``section.key``. Every key
has a default, so no file at all is a working display that finds its hub by mDNS.

Example::

    [hub]
    url = ""              # empty: find the hub by mDNS
    token = "…"           # from `antrean token --role display` or pairing
    post = ""             # only this post's hub (mDNS), empty: any

    [screen]
    name = "Layar Aula"   # how this display is advertised and reports faults
    lang = "id"           # "id" or "en"
    history = 5           # earlier calls listed beside the current one (1..8)

    [voice]
    enabled = true
    english_repeat = false
    volume = 1.0          # 0..1
    rate = 150            # words per minute
    max_age_s = 120       # calls older than this (e.g. replayed after a reconnect) are not spoken

    [mdns]
    advertise = true
    interfaces = []       # empty: all (lo alone for a hub on lo)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from antrean.config import load_toml_model, parse_toml_model

__all__ = ["ConfigError", "DisplayConfig", "HubSection", "MdnsSection", "ScreenSection",
           "VoiceSection", "load_display_config", "parse_display_config"]


class ConfigError(Exception):
    """The display config cannot be used; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubSection(_Section):
    """Where the hub is and how this display proves who it is."""

    url: str = ""
    token: str = ""
    token_file: str = ""  # or a file holding it (first line), read again when it changes
    fingerprint: str = ""  # the hub key pinned at pairing (antrean join)
    post: str = ""

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, v: str) -> str:
        from antrean.tls import valid_fingerprint

        return valid_fingerprint(v) if v.strip() else ""


class ScreenSection(_Section):
    """What the screen shows and in which language."""

    name: Annotated[str, Field(min_length=1, max_length=60)] = "Layar Aula"
    lang: Literal["id", "en"] = "id"
    history: Annotated[int, Field(ge=1, le=8)] = 5


class VoiceSection(_Section):
    """Spoken calls (chime + sentence in Bahasa Indonesia)."""

    enabled: bool = True
    english_repeat: bool = False
    volume: Annotated[float, Field(ge=0.0, le=1.0)] = 1.0
    rate: Annotated[int, Field(ge=80, le=450)] = 150
    max_age_s: Annotated[float, Field(gt=0, le=3600)] = 120.0


class MdnsSection(_Section):
    """This display's own mDNS advertisement (role ``display``)."""

    advertise: bool = True
    interfaces: list[str] = []


class DisplayConfig(_Section):
    """The whole display config; every section optional."""

    hub: HubSection = HubSection()
    screen: ScreenSection = ScreenSection()
    voice: VoiceSection = VoiceSection()
    mdns: MdnsSection = MdnsSection()


def parse_display_config(text: str, source: str = "<config>") -> DisplayConfig:
    """Validate TOML text; raise :class:`ConfigError` naming ``section.key`` on a bad key."""
    return parse_toml_model(DisplayConfig, text, source, error=ConfigError)


def load_display_config(path: str | Path | None) -> DisplayConfig:
    """Read and validate a display config; ``None`` gives the defaults."""
    if path is None:
        return DisplayConfig()
    return load_toml_model(DisplayConfig, path, error=ConfigError)
