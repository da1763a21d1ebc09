"""The NIK panel's hands: keys and touches reach :class:`counter.beneficiary.NikFlow`, and
its requests go to the hub through the view-model's link.

Apart from the flow (plain data, no Qt) so the desk and the staged scenes load without Qt:
``antrean counter`` checks the Qt binding before PySide6 is imported.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot

from .beneficiary import NikFlow
from .keys import digit_for_key, is_confirm_key
from .texts import text

__all__ = ["NikPanel", "nik_key"]

K = Qt.Key
_ERASE_KEYS = frozenset(int(k) for k in (K.Key_Backspace, K.Key_Period, K.Key_Comma,
                                         K.Key_Delete))
_CLOSE_KEYS = frozenset(int(k) for k in (K.Key_Escape, K.Key_Slash))


def nik_key(flow: NikFlow, key: int) -> tuple[str, str] | None:
    """A keypad key while the panel is open: what to send, if anything
    (``("check", "")`` or ``("record", outcome)``). Digits type in the NIK; once the hub
    answered, 1 = diberikan, 2 = ditolak; "." erases; "/" or Esc closes."""
    k, digit = int(key), digit_for_key(key)
    if k in _CLOSE_KEYS:
        flow.close()
    elif flow.phase == "result":
        if digit in (1, 2):
            return ("record", "given" if digit == 1 else "refused")
        if k in _ERASE_KEYS:
            flow.erase()
    elif flow.phase == "enter":
        if digit is not None:
            flow.type_digit(str(digit))
        elif k in _ERASE_KEYS:
            flow.erase()
        elif is_confirm_key(key):
            return ("check", "")
    return None


class NikPanel(QObject):
    """What QML calls on the NIK panel (``vm.nik``): touches and keys reach the flow; the
    requests go to the hub through the view-model's link (actions ``nik_check`` and
    ``nik_record``), whose answers come back to :meth:`done` and :meth:`failed`."""

    def __init__(self, vm: Any) -> None:
        super().__init__(vm)
        # A proxy, not the view-model itself: a strong reference back would make the two a
        # cycle, freed by Python's cycle collector on whatever thread runs it (a link's
        # worker), and Qt then stops the view-model's timers from that thread and crashes.
        self._vm = weakref.proxy(vm)

    @property
    def flow(self) -> NikFlow:
        return self._vm.desk.nik  # type: ignore[no-any-return]

    @Slot(str)
    def digit(self, d: str) -> None:
        self.flow.type_digit(d)
        self._vm.changed()

    @Slot()
    def erase(self) -> None:
        self.flow.erase()
        self._vm.changed()

    @Slot()
    def retype(self) -> None:
        self.flow.retype()
        self._vm.changed()

    @Slot()
    def close(self) -> None:
        self.flow.close()
        self._vm.changed()

    @Slot()
    def check(self) -> None:
        body = self.flow.submit()
        if body is not None:
            self._vm.send_nik("nik_check", body)
        self._vm.changed()

    @Slot(str)
    def decide(self, outcome: str) -> None:
        body = self.flow.decide(outcome)
        if body is not None:
            self._vm.send_nik("nik_record", body)
        self._vm.changed()

    def key(self, key: int) -> bool:
        """A key while the panel is open (every key is the panel's then)."""
        asked = nik_key(self.flow, key)
        if asked is not None:
            self.check() if asked[0] == "check" else self.decide(asked[1])
        self._vm.changed()
        return True

    def done(self, action: str, result: Any) -> str:
        """The hub's answer; returns the notice for the clerk ("" for none)."""
        if action == "nik_check":
            self.flow.checked(result)
            return ""
        outcome = (result or {}).get("outcome", "")
        number = self.flow.recorded()
        lang = self._vm.desk.lang
        return text(lang, "nik_done_given" if outcome == "given" else "nik_done_refused",
                    number=number)

    def failed(self, err: dict[str, Any]) -> None:
        self.flow.failed(str(err.get("code", "")), (err["message"], err["message_en"]))
