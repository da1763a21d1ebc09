""""Pengaduan": a short, anonymous complaint — a category, optional text and ticket number.

Steps: ``category`` (big buttons; the national channel SP4N-LAPOR! under them) → ``text``
(an on-screen keyboard; ``number`` is the pad for the optional ticket number, which a scanned
ticket also fills) → ``sent`` (the hub's receipt, with SP4N-LAPOR! again) → the start screen.
No name and no NIK are asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from antrean.client import HubError

from .feedback import FeedbackJob, normalize_number, parse_ticket_id
from .flowbase import Flow, NumberEntry

__all__ = ["ComplaintFlow"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

COMPLAINT_IDLE_S = 120
SENT_S = 15
MAX_TEXT = 500  # the hub's limit


@QmlElement
@QmlUncreatable("ComplaintFlow is made by the kiosk")
class ComplaintFlow(QObject, Flow):
    """"Pengaduan": a category, an optional short text and ticket number; anonymous."""

    OWNER = "complaint"
    SCREENS = {"category": "complaint-category", "text": "complaint-text",
               "number": "complaint-number", "sent": "complaint-sent"}
    changed = Signal()

    @Property(str, notify=changed)
    def step(self) -> str:
        return self._step

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Slot()
    def cancel(self) -> None:
        self._cancel()


    def __init__(self, *, letters: Callable[[], list[str]], **kw: Any) -> None:
        super().__init__(kw.pop("parent", None))
        self._init_flow(self, idle_s=COMPLAINT_IDLE_S, **kw)
        self._letters = letters
        self._categories: list[dict[str, str]] = []
        self._category = ""
        self._text = ""
        self._number = ""
        self._entry = NumberEntry()
        self._lapor: dict[str, str] = {}

    # ----- properties ------------------------------------------------------------------
    @Property("QVariantList", notify=changed)
    def categories(self) -> list[dict[str, str]]:
        return self._named()

    @Property(str, notify=changed)
    def category(self) -> str:
        return self._category

    @Property(str, notify=changed)
    def categoryName(self) -> str:  # noqa: N802 - QML property name
        return next((c["name"] for c in self._named() if c["id"] == self._category), "")

    @Property(str, notify=changed)
    def text(self) -> str:
        return self._text

    @Property(str, notify=changed)
    def countText(self) -> str:  # noqa: N802
        return f"{len(self._text)}/{MAX_TEXT}"

    @Property(str, notify=changed)
    def number(self) -> str:
        return self._number

    @Property(str, notify=changed)
    def entry(self) -> str:
        return self._entry.text

    @Property("QVariantList", notify=changed)
    def letters(self) -> list[str]:
        return self._letters()

    @Property(str, notify=changed)
    def laporWeb(self) -> str:  # noqa: N802
        return self._lapor.get("web", "lapor.go.id")

    @Property(str, notify=changed)
    def laporSms(self) -> str:  # noqa: N802
        return self._lapor.get("sms", "1708")

    def _named(self) -> list[dict[str, str]]:
        """The categories with their names in the current language."""
        en = self._lang() == "en"
        return [{"id": c["id"], "name": (en and c.get("name_en")) or c["name"]}
                for c in self._categories]

    def pending_text(self) -> str:
        return self._strings()["complaintPending" if self._job and self._job.kind == "complain"
                               else "sending"]

    # ----- what the resident does --------------------------------------------------------
    @Slot()
    def open(self) -> None:
        self._reset()
        self._go("category")
        if not self._categories:
            self._submit("categories")

    @Slot(str)
    def choose(self, category: str) -> None:
        if self._step == "category" and any(c["id"] == category for c in self._categories):
            self._category = category
            self._go("text")

    @Slot(str)
    def type(self, key: str) -> None:
        """One key of the on-screen keyboard (a character, or a space)."""
        if self._step != "text" or len(key) != 1 or not key.isprintable():
            return
        if len(self._text) < MAX_TEXT:
            # The keys show capitals; a sentence starts with one, the rest is lower case.
            start = not self._text.strip() or self._text.rstrip(" ")[-1:] in ".?!"
            self._text += key.upper() if start else key.lower()
        self._go("text")

    @Slot()
    def backspace(self) -> None:
        if self._step == "text":
            self._text = self._text[:-1]
            self._go("text")
        elif self._step == "number":
            self._entry.backspace()
            self._go("number")

    @Slot()
    def editNumber(self) -> None:  # noqa: N802
        if self._step == "text":
            self._entry.clear()
            for ch in self._number:
                self._entry.press(ch)
            self._go("number")

    @Slot(str)
    def press(self, key: str) -> None:
        """A key of the number pad."""
        if self._step == "number" and self._entry.press(key):
            self._go("number")

    @Slot()
    def numberDone(self) -> None:  # noqa: N802
        """"OK" on the number pad: keep the number (an empty pad means none)."""
        if self._step != "number":
            return
        if self._entry.text and self._entry.number() is None:
            self._go("number", self._strings()["rateBadNumber"])
            return
        self._number = self._entry.number() or ""
        self._go("text")

    @Slot()
    def clearNumber(self) -> None:  # noqa: N802
        if self._step in ("text", "number"):
            self._number = ""
            self._entry.clear()
            self._go("text")

    @Slot()
    def back(self) -> None:
        if self._job is not None:
            return
        if self._step == "number":
            self._go("text")
        elif self._step == "text":
            self._go("category")

    @Slot()
    def send(self) -> None:
        if self._step == "text" and self._category:
            self._submit("complain", category=self._category, text=self._text.strip(),
                         number=self._number or None)

    def scanned(self, code: str) -> bool:
        """A ticket scanned while complaining: its number goes in the number field."""
        if self._step not in ("text", "number") or self._job is not None:
            return False
        number = normalize_number(code)
        if number is not None:
            self._number = number
            self._go("text")
            return True
        if parse_ticket_id(code) is None:
            return False
        return self._submit("lookup", entry=code, served=False)

    def show_sample(self, step: str, *, categories: list[dict[str, str]], category: str = "",
                    text: str = "", number: str = "", entry: str = "") -> None:
        """Put the flow in a given state with sample data (for --screenshot; no hub asked)."""
        self._reset()
        self._categories = [dict(c) for c in categories]
        self._category, self._text, self._number = category, text, number
        for ch in entry:
            self._entry.press(ch)
        self._go(step)
        self._idle.stop()

    # ----- answers ------------------------------------------------------------------------
    def _on_done(self, job: FeedbackJob, result: Any) -> None:
        if job.kind == "categories":
            self._categories = [dict(c) for c in result]
        elif job.kind == "lookup":
            self._number = str(result["number"])
            self._go("text")
        elif job.kind == "complain":
            self._lapor = dict(result.get("lapor") or {})
            log.info("complaint %s sent (%s)", result.get("id"), job.data["category"])
            self._show_for("sent", SENT_S)

    def _on_refused(self, job: FeedbackJob, error: HubError) -> None:
        tr = self._strings()
        if job.kind == "categories":
            return  # tried again when the complaint screen opens
        if job.kind == "lookup":
            self._go(self._step or "text", tr["rateNotToday"] if error.code in (
                "unknown_ticket", "not_today") else self._hub_text(error))
            return
        self._go("text", tr["complaintMaybe"] if error.code == "maybe_sent"
                 else self._hub_text(error))

    def _reset(self) -> None:
        self._category, self._text, self._number = "", "", ""
        self._entry.clear()
        self._lapor = {}
