"""A counter runs for days: rendering must not eat the interpreter's reference to True.

PySide6 6.12.0 on Python 3.11 drops a reference to the bool ``emit()`` returns; without
``counter.qtfix.emit`` the process aborts after a few thousand renders (hours of uptime).
"""

from __future__ import annotations

import sys

from counter.demo import stage
from counter.qtfix import emit
from counter.viewmodel import CounterViewModel


def test_ten_thousand_emits_and_renders_leave_true_alone(qtbot):
    vm = CounterViewModel()
    stage(vm.desk, "called")
    seen = []
    vm.viewChanged.connect(lambda: seen.append(1))
    before = sys.getrefcount(True)
    for i in range(5000):
        emit(vm.viewChanged)
        vm.desk.lang = "en" if i % 2 else "id"  # every render changes the view and lists
        vm.render_now()
    assert len(seen) == 10000
    assert abs(sys.getrefcount(True) - before) < 100
    vm.close()
