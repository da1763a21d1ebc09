"""What the rating and complaint screens share: a flow of steps, and the number pad's entry.

Each flow (kiosk.rating, kiosk.complaint) is a few steps on the kiosk's screen; at most one
is open at a time (kiosk.flows). The hub calls go through :class:`kiosk.feedback.FeedbackDesk`
(a worker thread); its answers come back on the GUI thread to :meth:`Flow.done`,
:meth:`Flow.refused` and :meth:`Flow.waiting_for_hub`. Left alone, a flow closes by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from antrean.client import HubError

from .feedback import FeedbackJob, normalize_number

__all__ = ["Flow", "NumberEntry"]

log = logging.getLogger(__name__)

MAX_DIGITS = 5


class NumberEntry:
    """A ticket number typed on the keypad: a letter key and digit keys, in any order."""

    def __init__(self) -> None:
        self.letter, self.digits = "", ""

    def press(self, key: str) -> bool:
        if len(key) != 1:
            return False
        if key.isascii() and key.isalpha():
            self.letter = key.upper()  # a second letter corrects the first
        elif key.isascii() and key.isdigit() and len(self.digits) < MAX_DIGITS:
            self.digits += key
        else:
            return False
        return True

    def backspace(self) -> None:
        if self.digits:
            self.digits = self.digits[:-1]
        else:
            self.letter = ""

    def clear(self) -> None:
        self.letter, self.digits = "", ""

    @property
    def text(self) -> str:
        return self.letter + self.digits

    def number(self) -> str | None:
        return normalize_number(self.text)


class Flow:
    """What both flows share: the step, one job at a time, a message, an idle timeout.

    A mixin for a ``QObject`` that declares ``changed`` and the ``step`` and ``message``
    properties itself: PySide6 cannot tie a subclass's property to a signal declared in a
    Python base class, so each flow class has its own.
    """

    OWNER = ""
    SCREENS: dict[str, str] = {}
    changed: Any  # the concrete class's Signal

    def _init_flow(self, owner: QObject, *, submit: Callable[[FeedbackJob], bool],
                   strings: Callable[[], dict[str, str]], lang: Callable[[], str],
                   closed: Callable[[], None], idle_s: float) -> None:
        self._submit_job, self._strings, self._lang, self._closed = submit, strings, lang, closed
        self._step = ""
        self._message = ""
        self._job: FeedbackJob | None = None
        self._waiting = False
        self._idle = QTimer(owner, singleShot=True, interval=int(idle_s * 1000))
        self._idle.timeout.connect(self._on_idle)
        self._shown = QTimer(owner, singleShot=True)
        self._shown.timeout.connect(self.close)

    @property
    def active(self) -> bool:
        return bool(self._step)

    @property
    def busy(self) -> bool:
        """A job is out (the screen blocks touches until it is answered)."""
        return self._job is not None

    @property
    def waiting(self) -> bool:
        """The job's hub does not answer; it is kept and retried."""
        return self._job is not None and self._waiting

    @property
    def screen(self) -> str:
        return self.SCREENS.get(self._step, "")

    @property
    def showing_result(self) -> bool:
        """The thanks or the receipt is up (worth showing even if the hub just went away)."""
        return self._step in ("thanks", "sent")

    def pending_text(self) -> str:
        return ""

    def _cancel(self) -> None:
        """Back to the start screen (not while a job is out: its answer is awaited)."""
        if self._job is None:
            self.close()

    def close(self) -> None:
        self._shown.stop()
        self._idle.stop()
        was_open, self._step, self._message = bool(self._step), "", ""
        self._reset()
        self.changed.emit()
        if was_open:
            self._closed()

    def refresh(self) -> None:
        """The language changed."""
        self.changed.emit()

    def _reset(self) -> None:
        """Forget what the resident entered."""

    def _go(self, step: str, message: str = "") -> None:
        self._step, self._message = step, message
        self._touched()
        self.changed.emit()

    def _touched(self) -> None:
        if self._step:
            self._idle.start()

    def _on_idle(self) -> None:
        if self._job is None:
            log.debug("%s left alone: closed", self.OWNER)
            self.close()
        else:
            self._idle.start()

    def _show_for(self, step: str, seconds: float) -> None:
        self._go(step)
        self._idle.stop()
        self._shown.start(int(seconds * 1000))

    def _submit(self, kind: str, **data: Any) -> bool:
        if self._job is not None:
            return False
        job = FeedbackJob(kind, self.OWNER, data)
        if not self._submit_job(job):
            return False
        self._job, self._waiting = job, False
        self.changed.emit()
        return True

    # ----- answers, on the GUI thread --------------------------------------------------
    def _ours(self, job: FeedbackJob) -> bool:
        return self._job is not None and job.job_id == self._job.job_id

    def waiting_for_hub(self, job: FeedbackJob) -> None:
        if self._ours(job):
            self._waiting = True
            self.changed.emit()

    def done(self, job: FeedbackJob, result: Any) -> None:
        if self._ours(job):
            self._job = None
            self._on_done(job, result)
            self.changed.emit()

    def refused(self, job: FeedbackJob, error: HubError) -> None:
        if self._ours(job):
            self._job = None
            self._on_refused(job, error)
            self.changed.emit()

    def _on_done(self, job: FeedbackJob, result: Any) -> None:
        raise NotImplementedError

    def _on_refused(self, job: FeedbackJob, error: HubError) -> None:
        raise NotImplementedError

    def _hub_text(self, error: HubError) -> str:
        en = self._lang() == "en"
        return (error.message_en if en and error.message_en else error.message) or str(error)
