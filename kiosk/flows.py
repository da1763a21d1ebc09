"""The rating, the survey and the complaint, together: which one is open, scanned codes, the
hub's answers.

The view-model holds one :class:`Flows` and shows ``rating``, ``survey`` and ``complaint`` to
QML. Kept apart from the view-model so that the ticket screens and these stay small modules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from .complaint import ComplaintFlow
from .feedback import FeedbackDesk, FeedbackJob
from .flowbase import Flow
from .models import Tile
from .rating import RatingFlow
from .survey import SurveyFlow

__all__ = ["Flows", "SCAN_GAP_S"]

log = logging.getLogger(__name__)

#: A scanner types a whole ticket id well within this; a longer pause starts a new code.
SCAN_GAP_S = 1.0


class Flows:
    """Both flows, the scanner's key buffer, and the feedback desk's answers routed home."""

    def __init__(self, *, strings: Callable[[], dict[str, str]], lang: Callable[[], str],
                 tiles: Callable[[], list[Tile]], closed: Callable[[], None],
                 parent: QObject) -> None:
        self.desk: FeedbackDesk | None = None
        self._tiles = tiles
        self._closed = closed
        kw: dict[str, Any] = {"submit": self._submit, "strings": strings, "lang": lang,
                              "closed": self._flow_closed, "letters": self.letters,
                              "parent": parent}
        self.rating = RatingFlow(service_name=self.service_name, survey=self.start_survey, **kw)
        self.survey = SurveyFlow(service_name=self.service_name, **kw)
        self.complaint = ComplaintFlow(**kw)
        self._scan, self._scan_at = "", 0.0

    def active(self) -> Flow | None:
        """The open flow, if any."""
        for flow in (self.rating, self.survey, self.complaint):
            if flow.active:
                return flow
        return None

    def start_survey(self, ticket: dict[str, Any]) -> None:
        """From the rating's thanks: the full survey for the ticket just rated."""
        self.survey.open_for(ticket)
        self.rating.close()  # (the survey is open: the kiosk is not told "all closed")

    def _flow_closed(self) -> None:
        if self.active() is None:
            self._closed()

    def letters(self) -> list[str]:
        """The post's service letters for the number pads, in the tiles' order (the pad
        colours each letter like its tile)."""
        return list(dict.fromkeys(str(t["letter"]) for t in self._tiles() if t["letter"]))

    def service_name(self, service_id: str) -> str:
        """A service's name as its tile shows it (in the current language)."""
        return next((str(t["name"]) for t in self._tiles() if t["serviceId"] == service_id), "")

    def refresh(self) -> None:
        """The language changed."""
        self.rating.refresh()
        self.survey.refresh()
        self.complaint.refresh()

    def hub_back(self) -> None:
        if self.desk is not None:
            self.desk.hub_back()

    def _submit(self, job: FeedbackJob) -> bool:
        return self.desk is not None and self.desk.submit(job)

    # ----- a barcode scanner (a keyboard) -------------------------------------------------
    def key(self, text: str, at_start: bool) -> None:
        """One key; Enter ends a code. ``at_start``: the start screen is showing."""
        now = time.monotonic()
        if now - self._scan_at > SCAN_GAP_S:
            self._scan = ""
        self._scan_at = now
        if text in ("\r", "\n"):
            code, self._scan = self._scan.strip(), ""
            if code:
                self._scanned(code, at_start)
        elif len(text) == 1 and text.isprintable():
            self._scan = (self._scan + text)[-64:]

    def _scanned(self, code: str, at_start: bool) -> None:
        if self.complaint.active:
            used = self.complaint.scanned(code)
        elif self.rating.active or at_start:
            # Scanning a ticket at the start screen is the quickest way to rate it.
            used = self.rating.scanned(code)
        else:
            used = False
        log.log(logging.INFO if used else logging.DEBUG, "scanned code %s",
                "used" if used else "ignored")

    # ----- the desk's answers, on the GUI thread --------------------------------------------
    def answer(self, outcome: str, job: FeedbackJob, payload: Any) -> None:
        flow = {"rating": self.rating, "survey": self.survey}.get(job.owner, self.complaint)
        if outcome == "waiting":
            flow.waiting_for_hub(job)
        elif outcome == "done":
            flow.done(job, payload)
        else:
            flow.refused(job, payload)
