"""A guard against a PySide6 reference-count bug that would crash a counter within hours.

PySide6 6.12.0 on Python 3.11 hands back what some calls return without a reference of
its own: every wrapped method that returns nothing (``QTimer.start``, ``setInterval``,
``processEvents``, ``beginResetModel``, …) takes one reference from ``None``, and
``SignalInstance.emit()`` one from ``True``. Neither is immortal before Python 3.12: a
counter renders every second, so after some thousands of calls Python frees ``None`` or
``True`` and aborts ("Fatal Python error: none_dealloc" / "bool_dealloc").

:func:`guard_refcounts` measures the leak on throwaway objects and, only if it is there,
gives ``None``, ``True`` and ``False`` so many references that no counter can use them up.
The same guard exists in ``kiosk/qtfix.py`` (found there at the same time); one shared
copy would be better once there is a Qt-side module both apps may import.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["guard_refcounts", "leaks_references"]

log = logging.getLogger(__name__)

_PIN = 1 << 40  # references added: a trillion calls
_guarded = False


class _Probe(QObject):
    fired = Signal()


def leaks_references(tries: int = 8) -> bool:
    """True if this PySide6 drops references to ``None`` (void methods) or ``True`` (emit)."""
    probe, timer = _Probe(), QTimer()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(tries):
        probe.fired.emit()
        timer.stop()
    leaked = (none_before - sys.getrefcount(None) >= tries
              or true_before - sys.getrefcount(True) >= tries)
    del probe, timer
    return leaked


def guard_refcounts() -> bool:
    """Pin ``None``/``True``/``False`` if this PySide6 leaks their references (idempotent)."""
    global _guarded
    if _guarded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _guarded
    if not leaks_references():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (release builds).
        ctypes.c_ssize_t.from_address(id(obj)).value += _PIN
    _guarded = True
    log.info("this PySide6 drops references to None/True: pinned them (see counter.qtfix)")
    return True
