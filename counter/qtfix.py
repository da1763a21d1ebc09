"""``emit``: emit a Qt signal without slowly killing the interpreter.

PySide6 6.12.0 on Python 3.11 hands back the ``bool`` that ``SignalInstance.emit()``
returns without a reference of its own, so every emit takes one reference from ``True``.
``True`` is not immortal before Python 3.12: after a few thousand emits its count reaches
zero and the process aborts ("Fatal Python error: bool_dealloc"). A counter that renders
once a second would die within hours. ``emit`` gives the reference back, but only if a
probe at import shows the bug, so a fixed PySide6 needs no change here.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["EMIT_DROPS_A_REFERENCE", "emit"]

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference(tries: int = 16) -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(tries):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost >= tries:
        for _ in range(lost):  # give back what the probe itself took
            _incref(True)
        return True
    return False


#: True when this PySide6 has the bug described above.
EMIT_DROPS_A_REFERENCE = _emit_drops_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, giving back the reference PySide6 6.12.0 drops."""
    result = signal.emit(*args)
    if EMIT_DROPS_A_REFERENCE and isinstance(result, bool):
        _incref(result)
