"""A guard against a PySide6 reference-count bug that would crash a long-running kiosk.

PySide6 6.12.0 (abi3 wheels) on Python 3.11: wrapped methods that return nothing
(``QTimer.start``, ``QObject.deleteLater``, ``processEvents``, ``beginResetModel``, …)
return ``None`` without taking a reference to it, and ``SignalInstance.emit()`` does the
same with ``True``. Each call takes one reference away. ``None`` starts with some 25 000,
``True`` with a few thousand; the kiosk makes about ten such calls per ticket and more per
clock tick, so within a few thousand tickets Python frees ``None`` or ``True`` and dies
("none_dealloc: deallocating None"). Python 3.12+ made both immortal, which is why the
bindings get away with it there.

:func:`guard_bool_refcounts` measures the leak on throwaway objects and, only if it is there,
gives ``None``, ``True`` and ``False`` so many references that no kiosk can use them up.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["guard_bool_refcounts", "leaks_references"]

log = logging.getLogger(__name__)

_PIN = 1 << 40  # references added: a trillion calls
_guarded = False


class _Probe(QObject):
    fired = Signal()


def leaks_references() -> bool:
    """True if this PySide6 drops references to None (void methods) or True (emit)."""
    probe, timer = _Probe(), QTimer()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
        timer.stop()
    leaked = sys.getrefcount(None) < none_before or sys.getrefcount(True) < true_before
    del probe, timer
    return leaked


def guard_bool_refcounts() -> bool:
    """Pin None/True/False if this PySide6 leaks their references; True once pinned."""
    global _guarded
    if _guarded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _guarded
    if not leaks_references():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (non-debug build).
        ctypes.c_ssize_t.from_address(id(obj)).value += _PIN
    _guarded = True
    log.debug("this PySide6 drops references to None/True: pinned them (see kiosk.qtfix)")
    return True
