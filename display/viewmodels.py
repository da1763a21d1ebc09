"""Qt view-models of the hall board. Python owns the state; QML only shows it.

:class:`Board` wraps a :class:`display.state.BoardState` and exposes what QML binds to;
:class:`CallListModel` and :class:`WaitingListModel` are its two lists. Hub events and
snapshots arrive on background threads through :class:`FeedBridge`, whose signals are
connected *queued* to the board, so the board is only ever touched on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from antrean.config import PRIORITY_CATEGORIES
from antrean.devicetoken import TokenSource, out_of_service_detail
from antrean.palette import priority_colour

from .state import BoardState, Call
from .texts import clock_text, date_text, labels, zone_name

__all__ = ["FRESH_S", "Board", "CallListModel", "FeedBridge", "WaitingListModel"]

QML_IMPORT_NAME = "Antrean.Display.Models"
QML_IMPORT_MAJOR_VERSION = 1

FRESH_S = 12.0
"""How long a new call is highlighted; calls older than this when they arrive (a replay
after a reconnect or a restart) are shown without a flash."""

TICKER_SEPARATOR = "     •     "

_Index = QModelIndex | QPersistentModelIndex


class _RowModel(QAbstractListModel):
    """A read-only list of dict rows with fixed role names; replaced whole on change."""

    ROLES: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key = self.ROLES[role - Qt.ItemDataRole.UserRole - 1] \
            if role > Qt.ItemDataRole.UserRole else None
        return self._rows[index.row()].get(key) if key else None

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802
        base = Qt.ItemDataRole.UserRole + 1
        return {base + i: QByteArray(name.encode()) for i, name in enumerate(self.ROLES)}

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace the rows (a no-op when nothing changed)."""
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        """A copy of the rows, for tests and screenshots."""
        return [dict(r) for r in self._rows]


@QmlElement
@QmlUncreatable("made by the display app")
class CallListModel(_RowModel):
    """The earlier calls, newest first: number, counter, service, recall."""

    ROLES = ("number", "counter", "service", "recall")


@QmlElement
@QmlUncreatable("made by the display app")
class WaitingListModel(_RowModel):
    """One row per service: letter, name, waiting, open."""

    ROLES = ("letter", "name", "waiting", "open")


@QmlElement
@QmlUncreatable("made by the display app")
class FeedBridge(QObject):
    """Carries feed callbacks from background threads to the GUI thread (queued)."""

    eventArrived = Signal(object)  # not "event": that would hide QObject.event()
    snapshot = Signal(object)
    connection = Signal(bool)
    auth = Signal(object)

    def connect_to(self, board: Board) -> None:
        """Wire the signals to ``board`` with queued connections."""
        queued = Qt.ConnectionType.QueuedConnection
        self.eventArrived.connect(board.apply_event, queued)
        self.snapshot.connect(board.apply_snapshot, queued)
        self.connection.connect(board.set_connected, queued)
        self.auth.connect(board.set_auth, queued)


@QmlElement
@QmlUncreatable("made by the display app")
class Board(QObject):
    """Everything the hall screen shows. ``now`` is the post's clock (the hub's)."""

    postChanged = Signal()
    clockChanged = Signal()
    callChanged = Signal()
    freshChanged = Signal()
    tickerChanged = Signal()
    connectionChanged = Signal()
    authChanged = Signal()
    namesChanged = Signal()
    surgeChanged = Signal()
    flash = Signal()

    def __init__(self, state: BoardState, now: Callable[[], datetime | None] | None = None,
                 parent: QObject | None = None, *, token: TokenSource | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._token = token
        self._auth: dict[str, Any] | None = None  # the hub's word on this display, when known
        self._now = now or (lambda: datetime.now().astimezone())
        self._labels = labels(state.lang)
        self._calls, self._waiting = CallListModel(self), WaitingListModel(self)
        self._names: dict[str, list[str]] = {"names": [], "words": []}
        self._clock = self._date = self._zone = self._ticker = self._surge = ""
        self._connected, self._ever_connected, self._fresh = False, False, False
        self._serial = 0
        self._fresh_timer = QTimer(self, singleShot=True)
        self._fresh_timer.timeout.connect(self._end_fresh)
        self._tick_timer = QTimer(self, interval=1000)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()
        self.tick()
        self._refresh_lists()

    # ----- inputs (GUI thread) ----------------------------------------------------------
    @Slot(object)
    def apply_event(self, event: dict[str, Any]) -> None:
        """Fold one hub event into the board."""
        before = self.state.alerts
        call = self.state.apply_event(event)
        if call is not None:
            self._on_call(call)
        elif self.state.alerts != before:
            self._refresh_ticker()
        self._refresh_surge()

    @Slot(object)
    def apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Take a hub snapshot: post name, services, waiting counts and busy services."""
        self.tick()  # the hub's clock is known now: the right day before any event
        name = self.state.post_name
        self.state.apply_snapshot(snapshot.get("health"), snapshot.get("services"),
                                  snapshot.get("queue"))
        if self.state.post_name != name:
            self.postChanged.emit()
        self._refresh_lists()
        self.callChanged.emit()  # the current call's service name may now be known

    @Slot(bool)
    def set_connected(self, up: bool) -> None:
        """The hub's event stream came up (True) or was lost (False)."""
        self._ever_connected = self._ever_connected or up
        if up != self._connected:
            self._connected = up
            self.connectionChanged.emit()

    @Slot(object)
    def set_auth(self, verdict: dict[str, Any]) -> None:
        """The hub's word on this display (refused: the out-of-service screen)."""
        if verdict != self._auth:
            self._auth = verdict
            self.authChanged.emit()
            self.connectionChanged.emit()  # the status line gives way to the screen

    def _priority_label(self) -> str:
        """The current call's priority category ("Lansia"), "" for none."""
        c = self._current()
        cat = PRIORITY_CATEGORIES.get(c.priority or "") if c is not None else None
        if c is None or not c.priority:
            return ""
        if cat is None:
            return str(c.priority)
        return cat.name_en if self.state.lang == "en" else cat.name

    def _refused(self) -> bool:
        return self._auth is not None and not self._auth.get("ok", False)

    def _oos(self) -> dict[str, str]:
        lines = {"title": self._labels["outOfService"], "forStaff": self._labels["forStaff"]}
        if not self._refused() or self._auth is None:
            return {**lines, **dict.fromkeys(("hub", "refused", "fix", "fix2", "after"), "")}
        return {**lines, **out_of_service_detail(self._auth, role="display",
                                                 post_name=self.state.post_name,
                                                 source=self._token, lang=self.state.lang)}

    def set_clock(self, now: Callable[[], datetime | None]) -> None:
        """Use another clock (the sample scenes) and show its time at once."""
        self._now = now
        self.tick()

    @Slot()
    def tick(self) -> None:
        """Advance the clock (every second) and roll over to a new day. Until the hub has
        told the post's time, the clock reads "—" and there is no date: never this
        machine's own guess."""
        now = self._now()
        clock = clock_text(now)
        date, zone = (date_text(now, self.state.lang), zone_name(now)) if now else ("", "")
        if (clock, date, zone) != (self._clock, self._date, self._zone):
            self._clock, self._date, self._zone = clock, date, zone
            self.clockChanged.emit()
        if now is not None and self.state.set_today(now):
            self._refresh_lists()
            self.callChanged.emit()

    def _on_call(self, call: Call) -> None:
        self._refresh_lists()
        now = self._now()
        age = (now - call.at).total_seconds() if call.at is not None and now else 0.0
        if age < FRESH_S:
            self._serial += 1
            self._fresh = True
            self._fresh_timer.start(int(max(1.0, FRESH_S - max(age, 0.0)) * 1000))
            self.freshChanged.emit()
            self.flash.emit()
        self.callChanged.emit()

    def _end_fresh(self) -> None:
        self._fresh = False
        self.freshChanged.emit()

    def _refresh_lists(self) -> None:
        label = self.state.service_label
        self._calls.set_rows([{"number": c.number, "counter": c.counter,
                               "service": label(c.service), "recall": c.recall}
                              for c in self.state.recent])
        rows = self.state.waiting_rows()
        self._waiting.set_rows(rows)
        names = {"names": [r["name"] for r in rows],
                 "words": sorted({w for r in rows for w in str(r["name"]).split()})}
        if names != self._names:
            self._names = names
            self.namesChanged.emit()
        self._refresh_ticker()
        self._refresh_surge()

    def _refresh_ticker(self) -> None:
        text = TICKER_SEPARATOR.join(self.state.ticker())
        if text != self._ticker:
            self._ticker = text
            self.tickerChanged.emit()

    def _refresh_surge(self) -> None:
        note = self.state.surge_note()
        if note != self._surge:
            self._surge = note
            self.surgeChanged.emit()

    # ----- outputs (QML) ----------------------------------------------------------------
    def _current(self) -> Call | None:
        return self.state.current

    t = Property("QVariantMap", lambda self: self._labels, constant=True)
    lang = Property(str, lambda self: self.state.lang, constant=True)
    history = Property(int, lambda self: self.state.history, constant=True)
    calls = Property(QObject, lambda self: self._calls, constant=True)
    waiting = Property(QObject, lambda self: self._waiting, constant=True)
    postName = Property(str, lambda self: self.state.post_name, notify=postChanged)
    clockText = Property(str, lambda self: self._clock, notify=clockChanged)
    dateText = Property(str, lambda self: self._date, notify=clockChanged)
    zoneText = Property(str, lambda self: self._zone, notify=clockChanged)
    hasCall = Property(bool, lambda self: self._current() is not None, notify=callChanged)
    number = Property(str, lambda self: c.number if (c := self._current()) else "",
                      notify=callChanged)
    counter = Property(int, lambda self: c.counter if (c := self._current()) else 0,
                       notify=callChanged)
    serviceName = Property(str, lambda self: self.state.service_label(c.service)
                           if (c := self._current()) else "", notify=callChanged)
    priorityLabel = Property(str, lambda self: self._priority_label(), notify=callChanged)
    priorityColor = Property(str, lambda self: priority_colour(c.priority)
                             if (c := self._current()) else "", notify=callChanged)
    waitingNames = Property("QVariantMap", lambda self: self._names, notify=namesChanged)
    isRecall = Property(bool, lambda self: bool((c := self._current()) and c.recall),
                        notify=callChanged)
    callSerial = Property(int, lambda self: self._serial, notify=callChanged)
    fresh = Property(bool, lambda self: self._fresh, notify=freshChanged)
    ticker = Property(str, lambda self: self._ticker, notify=tickerChanged)
    hasAlerts = Property(bool, lambda self: bool(self.state.alerts), notify=tickerChanged)
    surgeNote = Property(str, lambda self: self._surge, notify=surgeChanged)
    connected = Property(bool, lambda self: self._connected, notify=connectionChanged)
    outOfService = Property(bool, lambda self: self._refused(), notify=authChanged)
    oos = Property("QVariantMap", lambda self: self._oos(), notify=authChanged)
    statusText = Property(str, lambda self: "" if self._connected or self._refused() else
                          self._labels["lost" if self._ever_connected else "searching"],
                          notify=connectionChanged)

