"""Imports point one way: ``antrean`` pulls in no Qt, no escpos, no serial, no TTS engine.

Each module is imported in a fresh interpreter (as zeroconf's test_circular_imports does),
so one module's imports cannot hide another's.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import antrean

FORBIDDEN = ("PySide6", "escpos", "serial", "pyttsx3", "kiosk", "counter", "display", "hardware")
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(antrean.__path__, "antrean.")
    if ".migrations" not in m.name and m.name != "antrean.__main__"
)


@pytest.mark.parametrize("module", ["antrean", *MODULES])
def test_module_imports_nothing_forbidden(module):
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & set(" + repr(FORBIDDEN) + ")); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
