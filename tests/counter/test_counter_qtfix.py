"""A counter runs for days: Qt calls must not use up the interpreter's None and True.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every void method and to
``True`` on every ``emit()``; unguarded, this test makes more such calls than ``None`` and
``True`` have references, and the process aborts ("none_dealloc" / "bool_dealloc").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer

from counter.demo import stage
from counter.viewmodel import CounterViewModel


def test_more_qt_calls_than_none_and_true_have_references(qtbot):
    vm = CounterViewModel()  # installs the guard (counter.qtfix) if this PySide6 needs it
    stage(vm.desk, "called")
    calls = max(sys.getrefcount(None), sys.getrefcount(True)) + 1000
    calls = min(calls, 200_000)  # a pinned (guarded) count needs no proof beyond this
    timer = QTimer()
    for i in range(calls):
        timer.stop()
        vm.viewChanged.emit()
        if i % 50 == 0:
            vm.desk.lang = "en" if i % 100 else "id"  # the view and lists really change
            vm.render_now()
    assert sys.getrefcount(None) > 1000 and sys.getrefcount(True) > 1000
    vm.close()
