""""Isi survei lengkap": the nine SKM questions, an optional profile, then one POST.

Opened from the rating's thanks screen for the ticket just rated. Steps: ``question`` (one of
the nine, with the regulation's four answers as faces; an answer moves on by itself) →
``missing`` (only if a question was skipped: the survey counts with all nine) → ``profile``
(four optional questions, each skippable, "Kirim sekarang" sends at once) → ``done`` (thanks,
or why the hub refused). Nothing reaches the hub until the end: a resident who walks away
leaves nothing half-sent, and the flow closes itself when left alone. The answers go in one
``POST /survey`` with a request id, so the desk's retries can never count it twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from antrean import skm
from antrean.client import HubError

from .feedback import FeedbackJob
from .flowbase import Flow

__all__ = ["SurveyFlow"]

QML_IMPORT_NAME = "AntreanKiosk.Backend"
QML_IMPORT_MAJOR_VERSION = 1

log = logging.getLogger(__name__)

SURVEY_IDLE_S = 45
DONE_S = 6
PROFILE_FIELDS = tuple(skm.PROFILE)


@QmlElement
@QmlUncreatable("SurveyFlow is made by the kiosk")
class SurveyFlow(QObject, Flow):
    """The nine questions one a screen, the optional profile, one POST; see the module."""

    OWNER = "survey"
    SCREENS = {"question": "survey-question", "missing": "survey-missing",
               "profile": "survey-profile", "done": "survey-done"}
    changed = Signal()

    @Property(str, notify=changed)
    def step(self) -> str:
        return self._step

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Slot()
    def cancel(self) -> None:
        """"Batal": close, nothing sent."""
        self._cancel()

    def __init__(self, *, service_name: Callable[[str], str], **kw: Any) -> None:
        super().__init__(kw.pop("parent", None))
        kw.pop("letters", None)
        self._init_flow(self, idle_s=SURVEY_IDLE_S, **kw)
        self._service_name = service_name
        self._reset()

    # ----- what QML shows ------------------------------------------------------------------
    def _en(self) -> bool:
        return self._lang() == "en"

    @Property(str, notify=changed)
    def ticketText(self) -> str:  # noqa: N802
        """"Nomor B012 · Kesehatan" under the title."""
        if not self._ticket:
            return ""
        text = self._strings()["rateFor"].format(number=self._ticket["number"])
        service = self._service_name(str(self._ticket.get("service") or ""))
        return f"{text}  ·  {service}" if service else text

    @Property(str, notify=changed)
    def progress(self) -> str:
        tr = self._strings()
        if self._step == "profile":
            return tr["surveyProfileOf"].format(n=self._index + 1, of=len(PROFILE_FIELDS))
        return tr["surveyQuestionOf"].format(n=self._index + 1, of=len(skm.ELEMENTS))

    @Property(float, notify=changed)
    def fraction(self) -> float:
        """How far along (for the progress bar): the nine questions, then the profile."""
        total = len(skm.ELEMENTS) + len(PROFILE_FIELDS)
        done = self._index + (len(skm.ELEMENTS) if self._step == "profile" else 0)
        return 1.0 if self._step in ("missing", "done") else done / total

    @Property(str, notify=changed)
    def title(self) -> str:
        """The element's name (a question) or the profile's question."""
        tr = self._strings()
        if self._step == "profile":
            return tr["surveyProfile_" + PROFILE_FIELDS[self._index]]
        e = skm.ELEMENTS[self._index]
        return e.name_en if self._en() else e.name

    @Property(str, notify=changed)
    def question(self) -> str:
        if self._step == "profile":
            return self._strings()["surveyProfileHint"]
        e = skm.ELEMENTS[self._index]
        return e.question_en if self._en() else e.question

    @Property("QVariantList", notify=changed)
    def choices(self) -> list[dict[str, Any]]:
        """The answers of this screen. A question's four, best first as the rating's faces
        (``score`` 4 … 1, ``chosen`` if picked before); a profile question's few."""
        if self._step == "profile":
            field = PROFILE_FIELDS[self._index]
            return [{"value": v, "label": en if self._en() else label, "score": 0,
                     "chosen": self._profile.get(field) == v}
                    for v, label, en in skm.PROFILE[field]]
        e = skm.ELEMENTS[self._index]
        words = e.answers_en if self._en() else e.answers
        return [{"value": str(s), "label": words[s - 1], "score": s,
                 "chosen": self._answers.get(e.id) == s} for s in (4, 3, 2, 1)]

    @Property(bool, notify=changed)
    def canBack(self) -> bool:  # noqa: N802
        return self._step in ("missing", "profile") or (self._step == "question"
                                                        and self._index > 0)

    @Property(str, notify=changed)
    def missingText(self) -> str:  # noqa: N802
        names = [e.name_en if self._en() else e.name for e in skm.ELEMENTS
                 if e.id not in self._answers]
        return self._strings()["surveyMissing"].format(n=len(names), names=", ".join(names))

    @Property(str, notify=changed)
    def doneTitle(self) -> str:  # noqa: N802
        return self._strings()["sorry" if self._message else "thanks"]

    @Property(str, notify=changed)
    def doneText(self) -> str:  # noqa: N802
        if self._message:
            return self._message
        return self._strings()["surveyThanksSub"].format(
            number=self._ticket["number"] if self._ticket else "")

    def pending_text(self) -> str:
        return self._strings()["surveyPending"]

    # ----- what the resident does -------------------------------------------------------
    def open_for(self, ticket: dict[str, Any]) -> None:
        """Start the survey for ``ticket`` (``id``, ``number``, ``service``: just rated)."""
        self._reset()
        self._ticket = dict(ticket)
        self._go("question")

    @Slot(str)
    def choose(self, value: str) -> None:
        """One answer: a score on a question, a value on a profile screen; then onwards."""
        if self._job is not None:
            return
        if self._step == "question" and value in ("1", "2", "3", "4"):
            self._answers[skm.ELEMENTS[self._index].id] = int(value)
            self._forward()
        elif self._step == "profile":
            field = PROFILE_FIELDS[self._index]
            if value in {v for v, _l, _e in skm.PROFILE[field]}:
                self._profile[field] = value
                self._forward()

    def box_press(self, rating: int) -> None:
        """A face button of a rating box answers the question on screen (4 best … 1)."""
        if self._step == "question":
            self.choose(str(rating))

    @Slot()
    def skip(self) -> None:
        """"Lewati": leave this one unanswered (a question is asked again at the end)."""
        if self._job is None and self._step == "question" and self._revisit:
            self._revisit = False  # still not answered: back to the list of missing ones
            self._go("missing")
        elif self._job is None and self._step in ("question", "profile"):
            if self._step == "profile":
                self._profile.pop(PROFILE_FIELDS[self._index], None)
            self._forward()

    @Slot()
    def back(self) -> None:
        if self._job is not None:
            return
        if self._step in ("question", "profile") and self._index > 0:
            self._index -= 1
        elif self._step in ("profile", "missing"):
            self._step, self._index = "question", len(skm.ELEMENTS) - 1
        self._go(self._step)

    @Slot()
    def answerMissing(self) -> None:  # noqa: N802
        """"Jawab sekarang": to the first question not answered yet."""
        first = self._first_missing()
        if self._step == "missing" and first is not None:
            self._index, self._revisit = first, True
            self._go("question")

    @Slot()
    def sendNow(self) -> None:  # noqa: N802
        """"Kirim sekarang" on a profile screen: the rest of the profile stays empty."""
        if self._step == "profile":
            self._send()

    # ----- moving on ---------------------------------------------------------------------
    def _first_missing(self) -> int | None:
        return next((i for i, e in enumerate(skm.ELEMENTS) if e.id not in self._answers), None)

    def _forward(self) -> None:
        if self._step == "question":
            missing = self._first_missing()
            if missing is None:  # all nine answered (also after going back to one)
                self._index, self._revisit = 0, False
                self._go("profile")
            elif self._revisit:  # answering the skipped ones: the next skipped one
                self._index = missing
                self._go("question")
            elif self._index + 1 < len(skm.ELEMENTS):
                self._index += 1
                self._go("question")
            else:
                self._go("missing")
            return
        if self._index + 1 < len(PROFILE_FIELDS):
            self._index += 1
            self._go("profile")
        else:
            self._send()

    def _send(self) -> None:
        if self._ticket is None or self._first_missing() is not None:
            return
        self._submit("survey", ticket=self._ticket["id"], answers=dict(self._answers),
                     profile=dict(self._profile), request_id=self._request_id)

    # ----- answers -------------------------------------------------------------------------
    def _on_done(self, job: FeedbackJob, result: Any) -> None:
        log.info("survey sent for %s", self._ticket["number"] if self._ticket else "?")
        self._show_for("done", DONE_S)

    def _on_refused(self, job: FeedbackJob, error: HubError) -> None:
        tr = self._strings()
        number = self._ticket["number"] if self._ticket else ""
        text = {"already_surveyed": tr["surveyAlready"].format(number=number),
                "not_served": tr["rateNotServed"]}.get(error.code) or self._hub_text(error)
        self._go("done", text)
        self._idle.stop()
        self._shown.start(DONE_S * 1000)

    def _reset(self) -> None:
        self._ticket: dict[str, Any] | None = None
        self._answers: dict[str, int] = {}
        self._profile: dict[str, str] = {}
        self._index = 0
        self._revisit = False  # answering the questions skipped, from "missing"
        self._request_id = str(uuid.uuid4())  # one per survey: a retry is the same survey

    def show_sample(self, step: str, *, ticket: dict[str, Any], index: int = 0,
                    answers: dict[str, int] | None = None, message: str = "") -> None:
        """Put the flow in a given state with sample data (for --screenshot; no hub asked)."""
        self._reset()
        self._ticket, self._index = dict(ticket), index
        self._answers = dict(answers or {})
        self._go(step, message)
        self._idle.stop()
