"""The PIN-protected staff menu: the last tickets of this kiosk, reprint, printer and hub state.

There is no default PIN. With none configured the menu only says how to set one. After
``max_tries`` wrong PINs it locks for ``lock_s`` seconds; it locks itself again when closed
or left alone for ``idle_s``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from .config import verify_pin
from .desk import TicketRecord

__all__ = ["StaffMenu"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

MAX_PIN = 12


@QmlElement
@QmlUncreatable("StaffMenu is made by the kiosk")
class StaffMenu(QObject):
    """State of the staff menu; QML shows it and calls the slots."""

    changed = Signal()

    def __init__(self, pin_hash: str, *, history: Callable[[], list[TicketRecord]],
                 reprint: Callable[[str], bool], strings: Callable[[], dict[str, str]],
                 status: Callable[[], dict[str, Any]], max_tries: int = 5, lock_s: float = 60,
                 idle_s: float = 90, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pin_hash = pin_hash
        self._history, self._reprint, self._strings, self._status = (
            history, reprint, strings, status)
        self._max_tries, self._lock_s = max_tries, lock_s
        self._open = self._unlocked = False
        self._entry = ""
        self._message = ""
        self._tries = 0
        self._locked_until = 0.0
        self._idle = QTimer(self, singleShot=True, interval=int(idle_s * 1000))
        self._idle.timeout.connect(self.hide)

    # ----- properties --------------------------------------------------------------------
    @Property(bool, notify=changed)
    def open(self) -> bool:
        return self._open

    @Property(bool, notify=changed)
    def unlocked(self) -> bool:
        return self._unlocked

    @Property(bool, constant=True)
    def pinConfigured(self) -> bool:  # noqa: N802 - QML property name
        return bool(self._pin_hash)

    @Property(int, notify=changed)
    def pinLength(self) -> int:  # noqa: N802
        return len(self._entry)

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Property("QVariantList", notify=changed)
    def recent(self) -> list[dict[str, Any]]:
        tr = self._strings()
        rows = []
        for r in self._history():
            t = r.printable
            rows.append({
                "ticketId": r.ticket_id, "number": r.number, "service": t.service_name,
                "time": t.issued_at.strftime("%H.%M"), "printed": r.printed,
                "state": tr["printed"] if r.printed else
                f"{tr['notPrinted']} ({r.fault_message or r.fault_kind or '?'})",
            })
        return rows

    @Property(str, notify=changed)
    def statusText(self) -> str:  # noqa: N802
        tr, st = self._strings(), self._status()
        hub = tr["hubOk"] if st.get("hub") else tr["hubNotOk"]
        return f"{tr['printer']}: {st.get('printer', '?')}   ·   {tr['hub']}: {hub}"

    # ----- slots ----------------------------------------------------------------------
    @Slot()
    def show(self) -> None:
        """Open the menu, locked."""
        self._open, self._unlocked, self._entry, self._message = True, False, "", ""
        self._idle.start()
        self.changed.emit()

    @Slot()
    def hide(self) -> None:
        """Close and lock."""
        self._open, self._unlocked, self._entry, self._message = False, False, "", ""
        self._idle.stop()
        self.changed.emit()

    @Slot(str)
    def digit(self, d: str) -> None:
        """One key of the PIN pad."""
        self._idle.start()
        if d.isdigit() and len(d) == 1 and len(self._entry) < MAX_PIN and not self._unlocked:
            self._entry += d
            self._message = ""
            self.changed.emit()

    @Slot()
    def clear(self) -> None:
        self._idle.start()
        self._entry = ""
        self.changed.emit()

    @Slot(result=bool)
    def submit(self) -> bool:
        """Check the PIN typed so far; True if the menu is now unlocked."""
        self._idle.start()
        tr = self._strings()
        entry, self._entry = self._entry, ""
        now = time.monotonic()
        if not self._pin_hash:
            self._message = ""  # the menu already says how to set a PIN
        elif now < self._locked_until:
            self._message = tr["locked"].format(s=int(self._locked_until - now) + 1)
        elif verify_pin(entry, self._pin_hash):
            self._unlocked, self._tries, self._message = True, 0, ""
            log.info("staff menu unlocked")
        else:
            self._tries += 1
            self._message = tr["wrongPin"]
            if self._tries >= self._max_tries:
                self._tries = 0
                self._locked_until = now + self._lock_s
                self._message = tr["locked"].format(s=int(self._lock_s))
                log.warning("staff menu locked after %d wrong PINs", self._max_tries)
        self.changed.emit()
        return self._unlocked

    @Slot(str, result=bool)
    def reprint(self, ticket_id: str) -> bool:
        """Reprint one of the recent tickets (only when unlocked)."""
        self._idle.start()
        if not self._unlocked:
            return False
        return self._reprint(ticket_id)

    # ----- from the kiosk ---------------------------------------------------------------
    def refresh(self) -> None:
        """The history or the device state changed."""
        self.changed.emit()

    def reprinted(self, record: TicketRecord) -> None:
        """Tell the staff how a reprint went."""
        tr = self._strings()
        self._message = (tr["reprintOk"].format(number=record.number) if record.printed else
                         tr["reprintFail"].format(number=record.number,
                                                  message=record.fault_message or "?"))
        self.changed.emit()
