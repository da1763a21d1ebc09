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

:func:`choose_next` and :func:`rank_key` state the rule over any iterable of candidates
(a scan: O(n)). The hub answers the same questions from :class:`WaitingLine` — one per
service, each class kept sorted by age — in O(log n): :func:`choose_from_lines` and
:meth:`WaitingLine.position`. Tests hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sortedcontainers import SortedList

__all__ = ["Policy", "Choice", "Candidate", "choose_next", "next_streak", "rank_key",
           "WaitingLine", "choose_from_lines"]


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


T = TypeVar("T", bound=Candidate)


class WaitingLine(Generic[T]):
    """The waiting tickets of one service: each class sorted by age, plus an id index.

    Entries are ``(issued_at, arrival, n, ticket)``: ``n`` counts insertions into this line,
    so tickets of equal age keep their insertion order (the order a scan would meet them,
    which :func:`choose_next` breaks ties by) and a ticket itself is never compared. A
    ticket's ``issued_at``, ``arrival`` and class must not change while it is in the line.
    Iterating the line yields ticket ids in insertion order, like the dict it replaces.
    """

    __slots__ = ("priority", "regular", "_entries", "_added")

    def __init__(self) -> None:
        self.priority: Any = SortedList()  # SortedList[tuple[datetime, int, int, T]]
        self.regular: Any = SortedList()
        self._entries: dict[str, tuple[datetime, int, int, T]] = {}
        self._added = 0

    def add(self, ticket_id: str, t: T) -> None:
        self.discard(ticket_id)
        self._added += 1
        entry = (t.issued_at, t.arrival, self._added, t)
        self._entries[ticket_id] = entry
        (self.priority if t.is_priority else self.regular).add(entry)

    def discard(self, ticket_id: str) -> None:
        entry = self._entries.pop(ticket_id, None)
        if entry is not None:
            (self.priority if entry[3].is_priority else self.regular).remove(entry)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def oldest(self) -> T | None:
        """The ticket that has waited longest, of either class."""
        heads = [c[0] for c in (self.priority, self.regular) if c]
        return min(heads)[3] if heads else None

    def position(self, t: T, now: datetime, policy: Policy) -> int:
        """How many tickets of this line rank ahead of ``t`` (one of them) by
        :func:`rank_key`: counted by bisection, never by a scan."""
        age = (t.issued_at, t.arrival)  # a 2-tuple sorts before every entry of that age:
        # bisect_left(age) counts exactly the strictly older entries
        if now - t.issued_at > policy.max_wait:
            # overdue: exactly the older tickets are ahead (they are all overdue too)
            return int(self.priority.bisect_left(age) + self.regular.bisect_left(age))
        if t.is_priority:
            # every overdue ticket, then the older priority ones (the overdue ones among them
            # are older, so counted once): the overdue regulars are those issued before now
            # less max_wait — a 1-tuple sorts before every entry of that very time
            return int(self.priority.bisect_left(age)
                       + self.regular.bisect_left((now - policy.max_wait,)))
        # regular and fresh: every priority ticket, then the older regular ones
        return int(len(self.priority) + self.regular.bisect_left(age))


def choose_from_lines(
    lines: Sequence[WaitingLine[T]], now: datetime, policy: Policy, streak: int
) -> Choice | None:
    """:func:`choose_next` over the union of ``lines`` (in their order), in O(k log n).

    Only the head of each class of each line can be chosen: the oldest ticket overall is
    overdue if any is (rule 1), else the oldest priority or the oldest regular (rules 2, 3).
    Ties between lines go to the earlier line, as a scan in that order would.
    """
    oldest_prio = _oldest(line.priority for line in lines)
    oldest_reg = _oldest(line.regular for line in lines)
    regular_waiting = oldest_reg is not None
    heads = [h for h in (oldest_prio, oldest_reg) if h is not None]
    if heads:
        first = min(heads, key=lambda h: (h[0], h[1], h[2]))  # line order: see _oldest
        if now - first[3].issued_at > policy.max_wait:
            return Choice(first[3], "overdue", regular_waiting)
    if oldest_prio is not None and oldest_reg is not None and streak >= policy.priority_burst:
        return Choice(oldest_reg[3], "burst", True)
    if oldest_prio is not None:
        return Choice(oldest_prio[3], "priority", regular_waiting)
    if oldest_reg is not None:
        return Choice(oldest_reg[3], "regular", False)
    return None


def _oldest(classes: Iterable[Any]) -> tuple[datetime, int, tuple[int, int], Candidate] | None:
    """The oldest head among sorted classes, as ``(issued_at, arrival, (line, n), ticket)``:
    an equal age goes to the earlier line, then to the earlier insertion."""
    best = None
    for i, c in enumerate(classes):
        if c:
            at, arrival, n, t = c[0]
            if best is None or (at, arrival) < (best[0], best[1]):
                best = (at, arrival, (i, n), t)
    return best
