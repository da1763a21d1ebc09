"""Every counter scene at a 7" panel (800×480) and 1280×800, in both languages: no text
elided, cut or drawn over another (tests/legibility.py) — the oldest wait and the key legend
wrap rather than end in "…", the English labels do not run into each other — and nothing
below 14 px."""

from __future__ import annotations

import pytest
from legibility import problems, texts

from counter.app import load_window
from counter.demo import SCENES, stage
from counter.viewmodel import CounterViewModel, Options

SIZES = [(800, 480), (1280, 800)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_scene_whole(qtbot, size, lang) -> None:
    import shiboken6
    from PySide6.QtQml import QQmlApplicationEngine

    found, small = {}, {}
    for scene in SCENES:
        vm = CounterViewModel(Options(url=None, token="", mdns=False, lang=lang))
        engine = QQmlApplicationEngine()
        try:
            win = load_window(vm, engine, size)
            win.show()
            stage(vm.desk, scene)
            vm.render_now()
            qtbot.wait(300)
            found[scene] = problems(win)
            small[scene] = [str(t) for t in texts(win) if t.pixel_size < 14]
        finally:
            shiboken6.delete(engine)
            vm.close()
    assert {s: p for s, p in found.items() if p} == {}
    assert {s: p for s, p in small.items() if p} == {}
