"""``RowsModel``: a list of plain dicts as a Qt list model, updated in place.

The desk renders lists (service queues, other counters, buttons, alerts) as plain data
every second; handing QML a new array each time would make every ``Repeater`` destroy and
rebuild its delegates. This model keeps its rows and tells QML only which rows and roles
changed, so delegates stay put and only their texts change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

__all__ = ["RowsModel"]

_FIRST_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_ROOT = QModelIndex()


class RowsModel(QAbstractListModel):
    """Rows with a fixed set of keys; each key is a role of the same name."""

    def __init__(self, keys: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys = list(keys)
        self._rows: list[dict[str, Any]] = []

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 - Qt's name
        return {_FIRST_ROLE + i: QByteArray(k.encode()) for i, k in enumerate(self._keys)}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key_no = role - _FIRST_ROLE
        if not 0 <= key_no < len(self._keys):
            return None
        return self._rows[index.row()].get(self._keys[key_no])

    def rows(self) -> list[dict[str, Any]]:
        """A copy of the rows (tests)."""
        return [dict(r) for r in self._rows]

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace the rows; same length: only changed roles are signalled."""
        rows = [{k: r.get(k) for k in self._keys} for r in rows]
        if len(rows) != len(self._rows):
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        for i, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old == new:
                continue
            self._rows[i] = new
            roles = [_FIRST_ROLE + n for n, k in enumerate(self._keys) if old[k] != new[k]]
            idx = self.index(i, 0)
            self.dataChanged.emit(idx, idx, roles)
