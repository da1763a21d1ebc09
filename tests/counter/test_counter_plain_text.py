"""The counter shows what the hub says as plain text: markup in a name is read, never run."""

from __future__ import annotations

from pathlib import Path

from counter_helpers import issue
from qmlcheck import MARKUP, not_plain, text_blocks_missing_plain, text_items

QML = Path(__file__).resolve().parents[2] / "counter" / "qml"


def test_every_text_of_the_counter_is_plain_text():
    assert text_blocks_missing_plain(QML) == []


def test_a_service_named_with_markup_reads_literally(markup_hub, make_vm, window, qtbot):
    issue(markup_hub, "adminduk")
    vm = make_vm(markup_hub, number=2)
    win = window(vm)
    vm.press("next")
    qtbot.waitUntil(lambda: vm.desk.ticket is not None, timeout=5000)
    qtbot.wait(200)
    items = text_items(win)
    assert len(items) > 10
    assert any(MARKUP in str(i.property("text")) for i in items)
    assert not_plain(items) == []
