"""The NIK step of serving a programme's resident (DESIGN "Duplicate recipients").

When this counter calls a ticket of a service with ``beneficiary_check``, a panel asks for
the resident's NIK on the keypad. Its structure is checked here first (the same rules as
the hub's, antrean/beneficiary.py) so a mistyped digit is said at once; then the hub
answers "belum tercatat" or "sudah menerima pada … di … (loket n)", and the clerk records
"diberikan" or "ditolak: sudah menerima". The decision stays the clerk's: both stay open.

The typed NIK lives only in this object while the panel is open and in the request that
carries it; it is dropped once the outcome is recorded, the panel closed or the ticket gone,
and it is never logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from antrean.beneficiary import check_nik

from .texts import long_date, text

__all__ = ["NikFlow"]


@dataclass
class NikFlow:
    """The panel's state: ``closed`` → ``enter`` → ``checking`` → ``result`` →
    ``recording`` → ``closed`` (per ticket; a closed panel stays closed for its ticket)."""

    phase: str = "closed"
    ticket_id: str | None = None
    number: str = ""
    service: str = ""
    programme: str = ""
    typed: str = ""
    problem: tuple[str, str] | None = None  # (Indonesian, English): why the NIK is refused
    answer: dict[str, Any] | None = None  # the hub's check answer
    done: set[str] = field(default_factory=set)  # tickets recorded or closed by the clerk

    @property
    def open(self) -> bool:
        return self.phase != "closed"

    def follow(self, ticket: dict[str, Any] | None, catalog: dict[str, dict[str, Any]],
               service_name: str) -> None:
        """The counter's called ticket changed (or not): open for a programme's resident,
        close when the ticket is gone."""
        tid = ticket.get("id") if ticket else None
        if tid == self.ticket_id:
            return
        self._forget()
        svc = catalog.get((ticket or {}).get("service") or "", {})
        if tid is None or tid in self.done or not svc.get("beneficiary_check"):
            self.ticket_id = tid
            return
        self.phase, self.ticket_id = "enter", tid
        self.number, self.service = str(ticket.get("number", "")), service_name  # type: ignore[union-attr]
        self.programme = str(svc.get("programme") or "")

    def _forget(self) -> None:
        """Drop everything about the resident (the NIK first)."""
        self.phase, self.typed, self.problem, self.answer = "closed", "", None, None
        self.ticket_id, self.number, self.service, self.programme = None, "", "", ""

    def close(self) -> None:
        """The clerk closes the panel: this ticket is served without a record."""
        if self.ticket_id:
            self.done.add(self.ticket_id)
        tid = self.ticket_id
        self._forget()
        self.ticket_id = tid

    # ----- typing -----------------------------------------------------------------------
    def type_digit(self, digit: str) -> None:
        if self.phase == "enter" and len(self.typed) < 16 and digit.isdigit():
            self.typed += digit
            self.problem = None

    def erase(self) -> None:
        if self.phase == "result":
            self.phase, self.answer = "enter", None
        if self.phase == "enter":
            self.typed, self.problem = self.typed[:-1], None

    def retype(self) -> None:
        if self.phase in ("enter", "result"):
            self.phase, self.typed, self.problem, self.answer = "enter", "", None, None

    def submit(self) -> dict[str, Any] | None:
        """Enter: the check request to send, or None (and the reason on screen)."""
        if self.phase != "enter":
            return None
        problem = check_nik(self.typed)
        if problem is not None:
            self.problem = (problem.message, problem.message_en)
            return None
        self.phase = "checking"
        return {"programme": self.programme, "nik": self.typed}

    def decide(self, outcome: str) -> dict[str, Any] | None:
        """The clerk's decision after the answer: the record request to send."""
        if self.phase != "result" or outcome not in ("given", "refused"):
            return None
        self.phase = "recording"
        return {"programme": self.programme, "nik": self.typed, "ticket": self.ticket_id,
                "outcome": outcome}

    # ----- answers ------------------------------------------------------------------------
    def checked(self, answer: dict[str, Any] | None) -> None:
        if self.phase == "checking":
            self.phase, self.answer = "result", answer or {"recorded": False}

    def recorded(self) -> str:
        """The record was stored: the resident is forgotten. Returns the ticket's number."""
        number = self.number
        self.close()
        return number

    def failed(self, code: str, message: tuple[str, str]) -> None:
        """The hub refused or was away: back to where the clerk can try again."""
        if self.phase == "checking":
            self.phase = "enter"
            if code.startswith("nik_"):
                self.problem = message
        elif self.phase == "recording":
            self.phase = "result"

    # ----- the view -----------------------------------------------------------------------
    def view(self, lang: str) -> dict[str, Any]:
        groups = " ".join(self.typed[i:i + 4] for i in range(0, len(self.typed), 4))
        problem = (self.problem[1] if lang == "en" else self.problem[0]) if self.problem else ""
        return {
            "open": self.open, "phase": self.phase, "typed": groups,
            "title": text(lang, "nik_title", service=self.service, number=self.number),
            "help": text(lang, "nik_help"),
            "count": text(lang, "nik_count", n=len(self.typed)),
            "complete": len(self.typed) == 16, "problem": problem,
            "result": self._result_text(lang),
            "recorded": bool(self.answer and self.answer.get("recorded")),
            "keys": text(lang, "nik_keys_result" if self.phase in ("result", "recording")
                         else "nik_keys"),
            "check": text(lang, "nik_checking" if self.phase == "checking" else "nik_check"),
            "erase": text(lang, "nik_erase"), "skip": text(lang, "nik_skip"),
            "given": text(lang, "nik_given"), "refused": text(lang, "nik_refused"),
            "retype": text(lang, "nik_retype"), "decide": text(lang, "nik_decide"),
            "busy": self.phase in ("checking", "recording"),
        }

    def _result_text(self, lang: str) -> str:
        a = self.answer
        if a is None:
            return ""
        if not a.get("recorded"):
            return text(lang, "nik_not_recorded", programme=self.programme)
        day = long_date(str(a.get("day", "")), lang)
        if a.get("counter") is None:
            return text(lang, "nik_recorded_nocounter", day=day, post=a.get("post", ""))
        return text(lang, "nik_recorded", day=day, post=a.get("post", ""), counter=a["counter"])

