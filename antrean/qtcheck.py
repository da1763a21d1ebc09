"""Refuse a PySide6 that would crash a long-running screen, before any Qt is imported.

PySide6 6.12 drops a reference to ``None`` on every wrapped call that returns nothing and
to ``True`` on every ``emit()``. On Python 3.12+ those objects are immortal and nothing
happens; on 3.11 the interpreter aborts ("none_dealloc") after some hours — a kiosk left
running for a field day. pyproject.toml keeps 6.12 away from 3.11; this check catches a
hand-installed one. Reads only package metadata: no Qt is imported here.
"""

from __future__ import annotations

import sys
from importlib import metadata

__all__ = ["unsafe_pyside", "require_safe_pyside"]

#: Python versions below this one free None/True when their count reaches zero.
IMMORTAL_SINGLETONS = (3, 12)


def unsafe_pyside(python: tuple[int, int] | None = None,
                  version: str | None = None) -> str | None:
    """Why this interpreter + PySide6 pair is unsafe, or None when it is fine."""
    py = python or sys.version_info[:2]
    if py >= IMMORTAL_SINGLETONS:
        return None
    if version is None:
        try:
            version = metadata.version("PySide6-Essentials")
        except metadata.PackageNotFoundError:
            try:
                version = metadata.version("PySide6")
            except metadata.PackageNotFoundError:
                return None
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if parts >= (6, 12):
        return (f"PySide6 {version} on Python {py[0]}.{py[1]} loses references to None/True "
                "and crashes after hours: install PySide6 < 6.12 (pyproject.toml pins it) or "
                "use Python 3.12+")
    return None


def require_safe_pyside(prog: str) -> None:
    """Exit with a clear message (code 2) when the Qt binding would crash later."""
    why = unsafe_pyside()
    if why:
        print(f"{prog}: {why}", file=sys.stderr)
        raise SystemExit(2)
