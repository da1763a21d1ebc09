""""Nilai layanan kami": the ticket's number (typed or scanned), four faces, thanks.

Steps: ``entry`` (the number pad; a scanned ticket id or a typed number is looked up at once)
→ ``faces`` (only for a ticket served today) → ``thanks`` (~4 s) → the start screen. A refusal
(not served yet, already rated, unknown number) brings the resident back to ``entry`` with
the reason in their language. A rating box's face buttons rate the ticket on screen only.
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

__all__ = ["RatingFlow"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

RATING_IDLE_S = 60
THANKS_S = 4
#: The thanks stay longer while they offer the full survey: time to read and touch it.
THANKS_OFFER_S = 12


@QmlElement
@QmlUncreatable("RatingFlow is made by the kiosk")
class RatingFlow(QObject, Flow):
    """"Nilai layanan kami": the ticket's number, then four faces, then thanks."""

    OWNER = "rating"
    SCREENS = {"entry": "rate-entry", "faces": "rate-faces", "thanks": "rate-thanks"}
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


    def __init__(self, *, letters: Callable[[], list[str]],
                 service_name: Callable[[str], str],
                 survey: Callable[[dict[str, Any]], None] | None = None, **kw: Any) -> None:
        super().__init__(kw.pop("parent", None))
        self._init_flow(self, idle_s=RATING_IDLE_S, **kw)
        self._letters, self._service_name = letters, service_name
        self._start_survey = survey
        self._entry = NumberEntry()
        self._ticket: dict[str, Any] | None = None  # the lookup's answer
        self._rating = 0  # the face chosen (sent, or being sent)

    # ----- properties ------------------------------------------------------------------
    @Property(str, notify=changed)
    def entry(self) -> str:
        return self._entry.text

    @Property(bool, notify=changed)
    def entryComplete(self) -> bool:  # noqa: N802 - QML property name
        return self._entry.number() is not None

    @Property("QVariantList", notify=changed)
    def letters(self) -> list[str]:
        return self._letters()

    @Property(str, notify=changed)
    def number(self) -> str:
        return str(self._ticket["number"]) if self._ticket else ""

    @Property(str, notify=changed)
    def ticketText(self) -> str:  # noqa: N802
        """"Nomor A012 · Kesehatan" above the faces."""
        if not self._ticket:
            return ""
        text = self._strings()["rateFor"].format(number=self._ticket["number"])
        service = self._service_name(str(self._ticket.get("service") or ""))
        return f"{text}  ·  {service}" if service else text

    @Property("QVariantList", notify=changed)
    def faces(self) -> list[dict[str, Any]]:
        """The four choices, best first (left to right on the screen)."""
        tr = self._strings()
        return [{"rating": r, "label": tr[f"rating{r}"]} for r in (4, 3, 2, 1)]

    @Property(int, notify=changed)
    def chosen(self) -> int:
        return self._rating

    @Property(str, notify=changed)
    def chosenLabel(self) -> str:  # noqa: N802
        return self._strings()[f"rating{self._rating}"] if self._rating else ""

    @Property(str, notify=changed)
    def thanksText(self) -> str:  # noqa: N802
        return self._strings()["rateThanksSub"].format(number=self.number)

    @Property(bool, notify=changed)
    def surveyOffered(self) -> bool:  # noqa: N802
        """The thanks offer the full SKM survey (not for a ticket that answered it already)."""
        return (self._start_survey is not None and self._ticket is not None
                and not self._ticket.get("surveyed"))

    @Slot()
    def openSurvey(self) -> None:  # noqa: N802
        """"Isi survei lengkap": the nine questions for the ticket just rated."""
        if self._step == "thanks" and self._start_survey is not None and self.surveyOffered:
            assert self._ticket is not None
            self._start_survey(dict(self._ticket))

    def pending_text(self) -> str:
        tr = self._strings()
        if self._job is not None and self._job.kind == "rate":
            return tr["ratePending"].format(number=self._job.data["number"])
        return tr["lookupPending"]

    # ----- what the resident does --------------------------------------------------------
    @Slot()
    def open(self) -> None:
        self._reset()
        self._go("entry")

    @Slot(str)
    def press(self, key: str) -> None:
        """A key of the number pad: a service letter or a digit."""
        if self._step == "entry" and self._job is None and self._entry.press(key):
            self._go("entry")

    @Slot()
    def backspace(self) -> None:
        if self._step == "entry" and self._job is None:
            self._entry.backspace()
            self._go("entry")

    @Slot()
    def next(self) -> None:
        """"Lanjut": look the typed number up (served today, not rated yet?)."""
        if self._step != "entry" or self._job is not None:
            return
        if self._entry.number() is None:
            self._go("entry", self._strings()["rateBadNumber"])
            return
        self._submit("lookup", entry=self._entry.text)

    @Slot(int)
    def rate(self, rating: int) -> None:
        """A face: send the rating (once: further taps wait for the answer)."""
        if self._step != "faces" or self._ticket is None or rating not in (1, 2, 3, 4):
            return
        if self._submit("rate", number=self._ticket["number"], rating=rating):
            self._rating = rating

    # ----- from the kiosk ---------------------------------------------------------------
    def scanned(self, code: str) -> bool:
        """A ticket scanned (its id) or a number typed on a keyboard, then Enter."""
        if self._job is not None or self._step == "thanks":
            return False
        if parse_ticket_id(code) is None and normalize_number(code) is None:
            return False
        if not self._step:
            self._reset()
        self._go("entry")
        number = normalize_number(code)
        if number is not None:  # show what was read
            self._entry.clear()
            for ch in number:
                self._entry.press(ch)
        return self._submit("lookup", entry=code)

    def box_press(self, rating: int, may_open: bool) -> None:
        """A face button of a rating box: rates the ticket on screen, never a guessed one."""
        if self._step == "faces":
            self.rate(rating)
        elif self._step == "entry" and self._job is None:
            self._go("entry", self._strings()["rateButtonFirst"])
        elif not self._step and may_open:
            self.open()
            self._go("entry", self._strings()["rateButtonFirst"])

    def show_sample(self, step: str, *, entry: str = "", ticket: dict[str, Any] | None = None,
                    rating: int = 0, message: str = "") -> None:
        """Put the flow in a given state with sample data (for --screenshot; no hub asked)."""
        self._reset()
        for ch in entry:
            self._entry.press(ch)
        self._ticket, self._rating = ticket, rating
        self._go(step, message)
        self._idle.stop()

    # ----- answers ------------------------------------------------------------------------
    def _on_done(self, job: FeedbackJob, result: Any) -> None:
        if job.kind == "lookup":
            self._ticket = dict(result)
            self._go("faces")
        elif job.kind == "rate":
            log.info("rating %s for %s", job.data["rating"], job.data["number"])
            self._show_for("thanks", THANKS_OFFER_S if self.surveyOffered else THANKS_S)

    def _on_refused(self, job: FeedbackJob, error: HubError) -> None:
        tr = self._strings()
        number = job.data.get("number") or normalize_number(job.data.get("entry", "")) or ""
        text = {"not_served": tr["rateNotServed"],
                "already_rated": tr["rateAlready"].format(number=number),
                "unknown_ticket": tr["rateUnknown"].format(number=number) if number
                else tr["rateNotToday"],
                "not_today": tr["rateNotToday"],
                "bad_number": tr["rateBadNumber"]}.get(error.code) or self._hub_text(error)
        self._ticket, self._rating = None, 0
        self._go("entry", text)

    def _reset(self) -> None:
        self._entry.clear()
        self._ticket, self._rating = None, 0
