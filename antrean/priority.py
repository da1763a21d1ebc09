"""The priority rule: which waiting ticket a counter calls next. Pure code.

Among the waiting tickets a counter may serve:

1. any ticket that has waited longer than ``max_wait`` goes first (oldest first);
2. else a priority ticket goes before regular ones — but after ``priority_burst``
   consecutive priority calls (hub-wide) while regular tickets wait, the oldest
   regular one goes next;
3. within a class, first come, first served.

"Consecutive priority calls while regular tickets wait" is tracked as a *streak*: a
priority ticket called while a regular ticket the same counter could have called was
waiting adds one; calling a regular ticket resets it to zero; a priority ticket called
when no regular ticket was eligible resets it too (nobody was passed over).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["Policy", "Choice", "Candidate", "choose_next", "next_streak", "rank_key"]


class Candidate(Protocol):
    @property
    def issued_at(self) -> datetime: ...
    @property
    def arrival(self) -> int: ...
    @property
    def is_priority(self) -> bool: ...


@dataclass(frozen=True)
class Policy:
    priority_burst: int = 3
    max_wait: timedelta = timedelta(minutes=60)


@dataclass(frozen=True)
class Choice:
    ticket: Candidate
    reason: str  # "overdue" | "priority" | "burst" | "regular"
    regular_waiting: bool  # was an eligible regular ticket waiting (passed over or not)?


def _age_key(t: Candidate) -> tuple[datetime, int]:
    return (t.issued_at, t.arrival)


def rank_key(t: Candidate, now: datetime, policy: Policy) -> tuple[int, int, datetime, int]:
    """Sort key for "who is ahead of whom", ignoring the burst limit (for positions)."""
    overdue = now - t.issued_at > policy.max_wait
    # Overdue tickets go oldest first regardless of class (rule 1): class only ranks the rest.
    return (0 if overdue else 1, 0 if overdue or t.is_priority else 1, t.issued_at, t.arrival)


def choose_next(
    waiting: Iterable[Candidate], now: datetime, policy: Policy, streak: int
) -> Choice | None:
    """The ticket to call next among ``waiting`` (those this counter may serve)."""
    oldest_overdue = oldest_prio = oldest_reg = None
    for t in waiting:
        if now - t.issued_at > policy.max_wait and (
            oldest_overdue is None or _age_key(t) < _age_key(oldest_overdue)
        ):
            oldest_overdue = t
        if t.is_priority:
            if oldest_prio is None or _age_key(t) < _age_key(oldest_prio):
                oldest_prio = t
        elif oldest_reg is None or _age_key(t) < _age_key(oldest_reg):
            oldest_reg = t
    regular_waiting = oldest_reg is not None
    if oldest_overdue is not None:
        return Choice(oldest_overdue, "overdue", regular_waiting)
    if oldest_prio is not None and oldest_reg is not None and streak >= policy.priority_burst:
        return Choice(oldest_reg, "burst", True)
    if oldest_prio is not None:
        return Choice(oldest_prio, "priority", regular_waiting)
    if oldest_reg is not None:
        return Choice(oldest_reg, "regular", False)
    return None


def next_streak(streak: int, choice: Choice) -> int:
    """The hub-wide streak after ``choice`` was called."""
    if choice.ticket.is_priority and choice.regular_waiting:
        return streak + 1
    return 0
