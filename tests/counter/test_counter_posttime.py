"""The counter's clock is the post's (the hub's), "14.05 WITA" in the post's zone; "—" until
known."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hubproc import free_port
from PySide6.QtQuick import QQuickItem


def post_minutes(tz: str) -> set[str]:
    now = datetime.now(UTC).astimezone(ZoneInfo(tz))
    return {f"{t.hour:02d}.{t.minute:02d}" for t in (now, datetime.fromtimestamp(
        now.timestamp() + 20, ZoneInfo(tz)))}


def test_no_time_until_the_hub_answers(qtbot, make_vm, window) -> None:
    nobody = SimpleNamespace(url=f"http://127.0.0.1:{free_port()}", tokens={"counter": "t"})
    vm = make_vm(nobody, ready=False)
    win = window(vm, (800, 480))
    qtbot.waitUntil(lambda: vm.desk.hub_up is False, timeout=10000)
    assert vm.render_now()["clock"] == "—"
    qtbot.waitUntil(lambda: win.findChild(QQuickItem, "clock").property("text") == "● —",
                    timeout=2000)


def test_the_posts_time_in_its_zone(wita_hub, make_vm) -> None:
    vm = make_vm(wita_hub, number=7)
    assert vm.render_now()["clock"] in {f"{m} WITA" for m in post_minutes("Asia/Makassar")}
