"""The service tiles as a Qt list model (one row per service of the post, in the hub's order)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from .i18n import STRINGS, waiting_text
from .outbox import OK, QUOTA, ReserveState

__all__ = ["ServiceListModel", "Tile"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

_ROLES = ["serviceId", "letter", "name", "description", "waiting", "waitingText", "available",
          "statusText"]


class Tile(dict[str, Any]):
    """One tile's values, keyed by role name."""


def make_tile(service: dict[str, Any], lang: str, reserve: ReserveState | None = None) -> Tile:
    """A tile from one ``/services`` entry, in ``lang``.

    ``reserve``: the hub is away and this is the service's reserve (kiosk/outbox.py): the
    tile is available while numbers are left, and says why not (closed, quota, used up);
    how many wait is not known then.
    """
    en = lang == "en"
    words = STRINGS[lang]
    quota, issued = service.get("quota"), int(service.get("issued") or 0)
    full = quota is not None and issued >= int(quota)
    is_open = bool(service.get("open", True))
    status = "" if is_open and not full else words["closed" if not is_open else "quotaFull"]
    available = is_open and not full
    waiting = int(service.get("waiting") or 0)
    waiting_line = waiting_text(waiting, lang)
    if reserve is not None:
        available = reserve.status == OK and reserve.left > 0
        status = ("" if available else words["quotaFull"] if reserve.status == QUOTA
                  else words["reserveOut"] if reserve.status == OK else words["closed"])
        waiting_line = ""
    return Tile(
        serviceId=str(service["id"]), letter=str(service.get("letter", "")),
        name=str((en and service.get("name_en")) or service.get("name", service["id"])),
        description=str((en and service.get("description_en")) or service.get("description", "")),
        waiting=waiting, waitingText=waiting_line, available=available, statusText=status)


Row = QModelIndex | QPersistentModelIndex


@QmlElement
@QmlUncreatable("ServiceListModel is made by the kiosk")
class ServiceListModel(QAbstractListModel):
    """The tiles; updated in place so a tile being pressed is not destroyed under the finger.

    ``texts`` gives QML every tile's name words, names and descriptions, which it measures
    with its own font to find the widest, so every tile can use one font size: tiles whose
    names shrink each to its own fit look ragged and make short names shout.
    """

    textsChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._tiles: list[Tile] = []
        self._texts: dict[str, list[str]] = {"nameWords": [], "names": [], "descriptions": []}

    @Property("QVariantMap", notify=textsChanged)
    def texts(self) -> dict[str, list[str]]:
        return self._texts

    def _measure(self) -> None:
        names = [str(t["name"]) for t in self._tiles]
        texts = {"nameWords": sorted({w for n in names for w in n.split()}),
                 "names": names,
                 "descriptions": [str(t["description"]) for t in self._tiles]}
        if texts != self._texts:
            self._texts = texts
            self.textsChanged.emit()

    def rowCount(self, parent: Row = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._tiles)

    def roleNames(self) -> dict[int, QByteArray]:
        return {Qt.ItemDataRole.UserRole + i: QByteArray(n.encode()) for i, n in enumerate(_ROLES)}

    def data(self, index: Row, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tiles):
            return None
        i = role - Qt.ItemDataRole.UserRole
        if 0 <= i < len(_ROLES):
            return self._tiles[index.row()][_ROLES[i]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._tiles[index.row()]["name"]
        return None

    def tiles(self) -> list[Tile]:
        """A copy of the current tiles."""
        return list(self._tiles)

    def tile(self, service_id: str) -> Tile | None:
        return next((t for t in self._tiles if t["serviceId"] == service_id), None)

    def set_tiles(self, tiles: list[Tile]) -> None:
        """Replace the tiles: changed rows in place when the services are the same ones."""
        if [t["serviceId"] for t in tiles] != [t["serviceId"] for t in self._tiles]:
            self.beginResetModel()
            self._tiles = list(tiles)
            self.endResetModel()
            self._measure()
            return
        for row, (old, new) in enumerate(zip(self._tiles, tiles, strict=True)):
            if old != new:
                self._tiles[row] = new
                changed = [Qt.ItemDataRole.UserRole + i for i, n in enumerate(_ROLES)
                           if old[n] != new[n]]
                self.dataChanged.emit(self.index(row), self.index(row), changed)
        self._measure()
