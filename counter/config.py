"""The counter terminal's configuration: one typed schema, read once, passed in.

A TOML file (``/etc/antrean/counter.toml``) is validated into frozen pydantic models; an
unknown or wrong key stops the program with a message naming ``section.key``. Every key
has a default, so no file at all (plus a token) is a working counter that finds its hub by
mDNS and asks the clerk for a free counter number.

Example::

    [hub]
    url = ""                # empty: find the hub by mDNS
    token = ""              # from `antrean token --role counter`
    token_file = ""         # or a file holding the token (first line)
    post = ""               # only this post's hub (mDNS); empty: any

    [counter]
    number = 0              # 0: chosen at first start among the numbers no peer uses
    name = ""               # device name on the LAN; empty: the host name
    services = []           # service ids this counter calls; empty: every service
    lang = "id"             # "id" or "en" (the screen has a toggle)
    next_guard_s = 2.0      # "next" again this soon after a call is taken as a double press
    state_dir = ""          # where the chosen number is kept; empty: $STATE_DIRECTORY or
                            # ~/.local/state/antrean

    [screen]
    size = "1280x800"       # window size when not full screen
    fullscreen = false

    [mdns]
    advertise = true        # announce this counter and check its number against peers
    interfaces = []         # empty: all (lo alone for a hub on lo)
    claim_wait_s = 2.5      # how long to listen for peers before taking a number
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from antrean.config import load_toml_model, validate_model
from antrean.devicetoken import TokenSource

__all__ = ["ConfigError", "CounterConfig", "CounterSection", "HubSection", "MdnsSection",
           "ScreenSection", "load_counter_config", "parse_counter_config", "parse_size"]

MAX_COUNTER = 99  # the hub's protocol admits counters 1..99


class ConfigError(Exception):
    """The counter config cannot be used; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x800"`` → ``(1280, 800)``; raises ValueError on anything else."""
    m = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not m:
        raise ValueError(f"not a size WIDTHxHEIGHT: {text!r}")
    return int(m.group(1)), int(m.group(2))


class HubSection(_Section):
    """Where the hub is and how this counter proves who it is."""

    url: str = ""
    token: str = ""
    token_file: str = ""
    fingerprint: str = ""  # the hub key pinned at pairing (antrean join)
    post: str = ""

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, v: str) -> str:
        from antrean.tls import valid_fingerprint

        return valid_fingerprint(v) if v.strip() else ""

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if v and not re.match(r"^https?://", v):
            raise ValueError("must start with http:// (e.g. http://192.168.1.10:8470)")
        return v.rstrip("/")


class CounterSection(_Section):
    """Which counter this is and what it serves."""

    number: Annotated[int, Field(ge=0, le=MAX_COUNTER)] = 0
    name: Annotated[str, Field(max_length=60)] = ""
    services: list[Annotated[str, Field(min_length=1, max_length=32)]] = []
    lang: Literal["id", "en"] = "id"
    next_guard_s: Annotated[float, Field(ge=0, le=30)] = 2.0
    state_dir: str = ""


class ScreenSection(_Section):
    """The window."""

    size: str = "1280x800"
    fullscreen: bool = False

    @field_validator("size")
    @classmethod
    def _size(cls, v: str) -> str:
        parse_size(v)
        return v


class MdnsSection(_Section):
    """This counter's own mDNS advertisement and its view of the peers."""

    advertise: bool = True
    interfaces: list[str] = []
    claim_wait_s: Annotated[float, Field(ge=0, le=30)] = 2.5


class CounterConfig(_Section):
    """The whole counter config."""

    hub: HubSection = HubSection()
    counter: CounterSection = CounterSection()
    screen: ScreenSection = ScreenSection()
    mdns: MdnsSection = MdnsSection()

    def token_source(self, given: str = "", path: str | None = None) -> TokenSource:
        """The token while the counter runs: ``given`` (the command line's), else ``hub.token``,
        else the first line of ``hub.token_file`` — the config at ``path`` and the token file
        looked at again when they change, and a missing file shown on screen, not fatal."""
        return TokenSource(given, token=self.hub.token, fingerprint=self.hub.fingerprint,
                           token_file=self.hub.token_file, config=path)

    def token(self) -> str:
        """The token as it reads now (see :meth:`token_source`)."""
        return self.token_source()()

    def state_dir(self) -> Path:
        """Where the chosen counter number is kept between starts."""
        if self.counter.state_dir:
            return Path(self.counter.state_dir).expanduser()
        if os.environ.get("STATE_DIRECTORY"):  # systemd StateDirectory=
            return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
        base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
        return Path(base) / "antrean"

    def with_overrides(self, **changes: dict[str, Any]) -> CounterConfig:
        """A copy with some keys of some sections replaced (validated again)."""
        data = self.model_dump()
        for section, values in changes.items():
            data[section].update({k: v for k, v in values.items() if v is not None})
        return parse_counter_config(data, "command line")


def parse_counter_config(data: dict[str, Any], source: str = "config") -> CounterConfig:
    """Validate a dict (parsed TOML); raises ConfigError naming ``section.key``."""
    return validate_model(CounterConfig, data, source, error=ConfigError)


def load_counter_config(path: str | Path | None) -> CounterConfig:
    """Read and validate a TOML file; ``None`` gives the defaults."""
    if path is None:
        return CounterConfig()
    return load_toml_model(CounterConfig, path, error=ConfigError)
