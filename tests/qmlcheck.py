"""Checks that the apps' QML shows data as plain text (issue 11 item 5).

A QML ``Text`` renders markup by default (``Text.AutoText``): a service, post or device
named ``<b>X</b><img src=…>`` would take effect on the hall display. Every ``Text`` of the
three apps sets ``textFormat: Text.PlainText``; these helpers check it in the source and on
the live item tree of a loaded window.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MARKUP = '<b>X</b><img src="file:///nonexistent.png"> & <i>Y</i>'

_OPEN = re.compile(r"^\s*Text\s*\{")


def text_blocks_missing_plain(root: Path) -> list[str]:
    """``file:line`` of each ``Text { … }`` in the QML under ``root`` whose own block does not
    set ``textFormat: Text.PlainText``."""
    missing = []
    for f in sorted(root.rglob("*.qml")):
        lines = f.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if not _OPEN.match(line):
                continue
            depth, j, plain = 1, i + 1, False
            while j < len(lines) and depth > 0:
                if depth == 1 and re.match(r"\s*textFormat\s*:\s*Text\.PlainText\b", lines[j]):
                    plain = True
                depth += lines[j].count("{") - lines[j].count("}")
                j += 1
            if not plain:
                missing.append(f"{f.relative_to(root)}:{i + 1}")
    return missing


def text_items(window: Any) -> list[Any]:
    """Every ``Text`` item in a window's live item tree (delegates of repeaters and list
    views included)."""
    found: list[Any] = []

    def walk(item: Any) -> None:
        if item.metaObject().className() == "QQuickText":
            found.append(item)
        for child in item.childItems():
            walk(child)

    walk(window.contentItem())
    return found


def text_format(item: Any) -> Any:
    """A Text item's ``textFormat``, read by QML itself (PySide has no converter for the
    enum): 0 is ``Text.PlainText``."""
    from PySide6.QtQml import QQmlEngine, QQmlExpression

    value, undefined = QQmlExpression(QQmlEngine.contextForObject(item), item,
                                      "textFormat").evaluate()
    assert not undefined
    return value


def not_plain(items: list[Any]) -> list[str]:
    """The items among ``items`` that would render markup: their text, for the message."""
    return [repr(i.property("text"))[:60] for i in items if text_format(i) != 0]
