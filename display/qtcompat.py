"""A work-around for the Qt binding in use: :func:`guard_singletons`, called once by every
:class:`display.viewmodels.Board`.

PySide6 6.12.0 (abi3 wheel) hands Python ``None`` from every void method
(``QTimer.stop()``, ``beginResetModel()``, ``processEvents()`` …) and ``True`` from
``SignalInstance.emit()`` without owning a reference to them, so each such call takes one
reference away. On Python ≥ 3.12 these objects are immortal and nothing happens; on
Python 3.11 — our Pis — their counts fall with every call until the interpreter aborts
("Fatal Python error: none_dealloc: deallocating None"), hours or days into a post's day.

The guard probes the binding once and, if it loses references, adds 2**40 to the counts of
``None``, ``True`` and ``False``: they are never freed anyway, and at a thousand lost
references a second that lasts over thirty years. On a fixed binding it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading

__all__ = ["binding_loses_references", "guard_singletons"]

log = logging.getLogger(__name__)

_PROBES = 64
_TOP_UP = 1 << 40
_lock = threading.Lock()
_guarded: bool | None = None  # None: not probed yet


def binding_loses_references() -> bool:
    """Probe: do void calls or ``emit()`` take references from None/True? (Each probe
    call's loss is given back.)"""
    from PySide6.QtCore import QObject, QTimer, Signal

    class _Probe(QObject):
        ping = Signal()

    probe, timer = _Probe(), QTimer()
    lost = 0
    for obj, call in ((None, timer.stop), (True, probe.ping.emit)):
        before = sys.getrefcount(obj)
        for _ in range(_PROBES):
            call()
        missing = before - sys.getrefcount(obj)
        if missing > 0:
            _add_references(obj, missing)
        lost = max(lost, missing)
    return lost >= _PROBES // 2  # other threads may move the counts a little


def guard_singletons() -> bool:
    """Make the binding's lost references harmless (see the module); once per process.
    True if the guard was needed."""
    global _guarded
    if sys.version_info >= (3, 12):
        return False  # immortal None/True/False
    with _lock:
        if _guarded is not None:
            return _guarded
        _guarded = binding_loses_references()
        if not _guarded:
            return False
        for obj in (None, True, False):
            _add_references(obj, _TOP_UP)
    log.info("Qt binding loses references to None/True (PySide6 6.12 on Python 3.11): "
             "guarded")
    return True


def _add_references(obj: object, n: int) -> None:
    # CPython ≤ 3.11: ob_refcnt is the first field of every object, at id(obj). Done under
    # the GIL, like any increment.
    refcnt = ctypes.c_ssize_t.from_address(id(obj))
    refcnt.value += n
