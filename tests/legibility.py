"""Is every word on a QML screen whole? A walk over a window's items, for the legibility tests.

For every Text a person can see (visible, not transparent, not under an opaque layer drawn
over it) it finds what a person at the kiosk or in the hall would call cut: elided or
line-limited text (Qt's ``truncated``), text wider or taller than its box, text running out
of the window or out of a clipping parent, and two texts drawn over each other. It also
reports each text's pixel size, so a test can hold the sizes readable at a distance.

A text that scrolls on purpose (the display's ticker, the complaint box showing its last
lines) says so with a QML property ``scrolling: true`` and is left to its own test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtQml import QQmlEngine, QQmlExpression
from PySide6.QtQuick import QQuickItem

__all__ = ["TextSeen", "problems", "texts"]

_LEFT, _RIGHT, _HCENTER, _JUSTIFY = 1, 2, 4, 8
_TOP, _BOTTOM, _VCENTER = 32, 64, 128
_NO_WRAP, _FIXED_SIZE = 0, 0
SLACK = 1.0  # px: rounding in Qt's text layout


@dataclass
class TextSeen:
    """One Text a person sees: its item, words, box and content rect (scene), pixel size."""

    item: QQuickItem
    name: str
    text: str
    box: QRectF
    rect: QRectF
    pixel_size: float
    clips: list[QRectF]

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'} {self.text[:40]!r} ({self.pixel_size:.0f} px)"


def _enum(item: QQuickItem, name: str, default: int) -> int:
    """An enum property as an int (PySide6 cannot convert QQuickText's enums itself)."""
    context = QQmlEngine.contextForObject(item)
    if context is None:
        return default
    value, undefined = QQmlExpression(context, item, name).evaluate()
    return default if undefined or value is None else int(value)


def _scene_rect(item: QQuickItem, x: float, y: float, w: float, h: float) -> QRectF:
    a = item.mapToScene(QPointF(x, y))
    b = item.mapToScene(QPointF(x + w, y + h))
    return QRectF(a, b).normalized()


def _content_rect(item: QQuickItem) -> QRectF:
    w, h = item.width(), item.height()
    cw, ch = float(item.property("contentWidth")), float(item.property("contentHeight"))
    ha = _enum(item, "effectiveHorizontalAlignment", _LEFT)
    va = _enum(item, "verticalAlignment", _TOP)
    x = w - cw if ha == _RIGHT else (w - cw) / 2 if ha == _HCENTER else 0.0
    y = h - ch if va == _BOTTOM else (h - ch) / 2 if va == _VCENTER else 0.0
    return _scene_rect(item, x, y, cw, ch)


def _pixel_size(item: QQuickItem) -> float:
    font = item.property("font")
    size = float(font.pixelSize()) if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72
    if _enum(item, "fontSizeMode", _FIXED_SIZE) != _FIXED_SIZE:
        # A fitted text is drawn smaller than asked when it must: scale by what it took.
        natural = float(item.property("implicitHeight") or 0)
        if natural > 0 and int(item.property("lineCount") or 1) == 1:
            size *= min(1.0, float(item.property("contentHeight")) / natural)
    return size


def _opaque_cover(item: QQuickItem) -> QRectF | None:
    color = item.property("color")
    if isinstance(color, QColor) and color.alphaF() >= 0.5 and item.opacity() >= 0.5:
        return _scene_rect(item, 0, 0, item.width(), item.height())
    return None


def _painted_after(item: QQuickItem) -> list[QQuickItem]:
    parent = item.parentItem()
    if parent is None:
        return []
    siblings = parent.childItems()
    index = next(i for i, s in enumerate(siblings) if s is item or s == item)
    return [s for i, s in enumerate(siblings)
            if s.isVisible() and (s.z() > item.z() or (s.z() == item.z() and i > index))]


def _covered(item: QQuickItem, rect: QRectF) -> bool:
    """Whether an opaque layer drawn later (a screen over the start screen) hides ``rect``."""
    node: QQuickItem | None = item
    while node is not None:
        for later in _painted_after(node):
            for layer in [later, *later.childItems()]:
                if not layer.isVisible():
                    continue
                cover = _opaque_cover(layer)
                if cover is not None and cover.adjusted(-SLACK, -SLACK, SLACK, SLACK) \
                        .contains(rect):
                    return True
        node = node.parentItem()
    return False


def texts(window: Any) -> list[TextSeen]:
    """Every Text of ``window`` a person can see, in paint order."""
    seen: list[TextSeen] = []

    def walk(item: QQuickItem, clips: list[QRectF]) -> None:
        if not item.isVisible() or item.opacity() <= 0.01:
            return
        if item.clip():
            clips = [*clips, _scene_rect(item, 0, 0, item.width(), item.height())]
        if item.inherits("QQuickText") and str(item.property("text") or "").strip() \
                and not item.property("scrolling"):
            rect = _content_rect(item)
            if not _covered(item, rect):
                seen.append(TextSeen(item, item.objectName(), str(item.property("text")),
                                     _scene_rect(item, 0, 0, item.width(), item.height()),
                                     rect, _pixel_size(item), clips))
        for child in item.childItems():
            walk(child, clips)

    walk(window.contentItem(), [])
    return seen


def problems(window: Any) -> list[str]:
    """What a person would call cut or garbled on ``window`` now ("" list: all whole)."""
    bounds = QRectF(0, 0, window.width(), window.height()).adjusted(-SLACK, -SLACK, SLACK, SLACK)
    found: list[str] = []
    shown = texts(window)
    for t in shown:
        item = t.item
        if item.property("truncated"):
            found.append(f"{t}: elided or cut to {item.property('lineCount')} line(s)")
        if t.rect.width() > t.box.width() + SLACK and item.width() > 0:
            found.append(f"{t}: {t.rect.width():.0f} px of text in a {t.box.width():.0f} px box")
        if t.rect.height() > t.box.height() + SLACK and item.height() > 0:
            found.append(f"{t}: {t.rect.height():.0f} px tall in a {t.box.height():.0f} px box")
        if _enum(item, "wrapMode", _NO_WRAP) == _NO_WRAP \
                and _enum(item, "fontSizeMode", _FIXED_SIZE) == _FIXED_SIZE \
                and float(item.property("implicitWidth")) > item.width() + SLACK:
            found.append(f"{t}: needs {float(item.property('implicitWidth')):.0f} px, "
                         f"has {item.width():.0f}")
        if not bounds.contains(t.rect):
            found.append(f"{t}: runs out of the window ({_fmt(t.rect)})")
        for clip in t.clips:
            if not clip.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(t.rect):
                found.append(f"{t}: cut by a clipping parent ({_fmt(clip)})")
                break
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            overlap = a.rect.intersected(b.rect)
            if overlap.width() > 2 * SLACK and overlap.height() > 2 * SLACK \
                    and not _related(a.item, b.item):
                found.append(f"{a} and {b} are drawn over each other")
    return found


def _related(a: QQuickItem, b: QQuickItem) -> bool:
    node = b.parentItem()
    while node is not None:
        if node is a or node == a:
            return True
        node = node.parentItem()
    node = a.parentItem()
    while node is not None:
        if node is b or node == b:
            return True
        node = node.parentItem()
    return False


def _fmt(r: QRectF) -> str:
    return f"{r.x():.0f},{r.y():.0f} {r.width():.0f}×{r.height():.0f}"


def named(window: Any, prefix: str) -> list[TextSeen]:
    """The seen texts whose objectName starts with ``prefix``."""
    return [t for t in texts(window) if t.name.startswith(prefix)]
