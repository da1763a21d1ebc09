"""Imports point one way: the city builds on the post's code; a post never loads the city."""

from __future__ import annotations

import subprocess
import sys


def _loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()}


def test_the_city_loads_no_qt_and_no_hardware():
    mods = _loaded("import city.server, city.ingest, city.cli, city.figures, city.demo")
    assert "antrean" in mods and "psycopg" in mods
    assert not mods & {"PySide6", "escpos", "serial", "usb", "hardware", "kiosk"}


def test_a_hub_never_loads_the_city():
    mods = _loaded("import antrean.cli, antrean.hub, antrean.server, antrean.runner")
    assert not mods & {"city", "psycopg", "psycopg_pool"}
