"""Pairing a device the way staff do it, for the out-of-service tests: ``antrean join``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx


def device_config(path: Path, hub: Any, token: str = "", extra: str = "") -> Path:
    """A device config at ``path``: ``hub``'s URL and ``token`` in ``[hub]``, mDNS off."""
    path.write_text(f'[hub]\nurl = "{hub.url}"\ntoken = "{token}"\n{extra}\n'
                    '[mdns]\nadvertise = false\n', encoding="utf-8")
    return path


def join(hub: Any, role: str, name: str, config: Path) -> None:
    """``antrean join --config``: a one-time code from the hub, then the device pairs and its
    config gets the token and the hub key (as staff do on the device)."""
    code = httpx.post(f"{hub.url}/api/v1/pair/codes", headers=hub.headers("lead"),
                      json={"roles": [role]}).json()["code"]
    subprocess.run([sys.executable, "-m", "antrean", "join", "--code", code, "--role", role,
                    "--name", name, "--hub", hub.url, "--config", str(config)],
                   check=True, capture_output=True, text=True, timeout=60)
