"""The guard against the binding's lost references to None/True (see display.qtcompat)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer

from display.qtcompat import binding_loses_references, guard_singletons


def test_after_the_guard_void_calls_cannot_bring_none_near_zero(qapp):
    guarded = guard_singletons()
    assert guard_singletons() == guarded  # once per process
    if sys.version_info < (3, 12):
        assert guarded == binding_loses_references()
    timer = QTimer()
    for _ in range(10_000):
        timer.stop()
    if guarded:
        assert sys.getrefcount(None) > 1 << 39 and sys.getrefcount(True) > 1 << 39
