"""Shared bits of the benchmarks: a real hub process and percentile maths."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # hubproc: the same real-hub launcher the tests use
# The project itself before tests/: its folders tests/antrean and tests/city are no packages,
# yet would pass for namespace packages "antrean" and "city" ahead of the editable install.
sys.path.insert(0, str(ROOT))

from hubproc import HubProcess  # noqa: E402

__all__ = ["HubProcess", "pct", "qml_centre", "rss_mb", "summary"]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def summary(ms: list[float]) -> str:
    return (f"p50 {statistics.median(ms):.2f} ms  p99 {pct(ms, 99):.2f} ms  "
            f"max {max(ms):.2f} ms  (n={len(ms)})")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def qml_centre(window: Any, name: str) -> Any:
    """The scene point in the middle of the visible QML item called ``name`` (where a
    resident's finger lands on it)."""
    from PySide6.QtCore import QPointF

    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == name and item.isVisible():
            return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        stack.extend(item.childItems())
    raise LookupError(name)
