"""The pure priority rule (antrean.priority) with a fixed ``now``.

DESIGN "Priority": overdue first (oldest first), then priority before regular with a
hub-wide burst limit, FCFS within a class. The streak semantics follow the module
docstring of ``antrean.priority``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antrean.priority import (
    Choice,
    Policy,
    WaitingLine,
    choose_from_lines,
    choose_next,
    next_streak,
    rank_key,
)

NOW = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)  # 10:00 WIB
POLICY = Policy(priority_burst=3, max_wait=timedelta(minutes=60))


@dataclass(frozen=True)
class C:
    """A minimal Candidate."""

    name: str
    issued_at: datetime
    arrival: int
    is_priority: bool


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


_arrival = 0


def reg(name: str, minutes_ago: float, arrival: int | None = None) -> C:
    global _arrival
    _arrival += 1
    return C(name, ago(minutes_ago), _arrival if arrival is None else arrival, False)


def prio(name: str, minutes_ago: float, arrival: int | None = None) -> C:
    global _arrival
    _arrival += 1
    return C(name, ago(minutes_ago), _arrival if arrival is None else arrival, True)


def pick(waiting: list[C], streak: int = 0, policy: Policy = POLICY) -> Choice:
    choice = choose_next(waiting, NOW, policy, streak)
    assert choice is not None
    return choice


# ----- nothing waiting -------------------------------------------------------------------
def test_nothing_waiting_is_none() -> None:
    assert choose_next([], NOW, POLICY, 0) is None
    assert choose_next(iter(()), NOW, POLICY, 99) is None


# ----- overdue first -----------------------------------------------------------------------
def test_overdue_regular_goes_before_fresh_priority() -> None:
    r = reg("r", 61)
    p = prio("p", 1)
    c = pick([p, r])
    assert c.ticket is r
    assert c.reason == "overdue"
    assert c.regular_waiting is True


def test_overdue_oldest_first_regardless_of_class() -> None:
    old_reg = reg("old_reg", 90)
    young_prio = prio("young_prio", 70)
    fresh = prio("fresh", 5)
    for order in ([old_reg, young_prio, fresh], [fresh, young_prio, old_reg]):
        c = pick(order)
        assert c.ticket is old_reg and c.reason == "overdue"
    old_prio = prio("old_prio", 95)
    c = pick([old_reg, young_prio, old_prio, fresh])
    assert c.ticket is old_prio and c.reason == "overdue"


def test_exactly_max_wait_is_not_overdue() -> None:
    r = reg("r", 60)  # waited exactly max_wait: not *longer* than it
    p = prio("p", 1)
    c = pick([r, p])
    assert c.ticket is p and c.reason == "priority"
    r2 = C("r2", NOW - timedelta(minutes=60, microseconds=1), 999, False)
    assert pick([r2, p]).ticket is r2


def test_overdue_beats_the_burst_limit() -> None:
    # The streak says "a regular is due", but an overdue priority ticket still goes first.
    old_p = prio("old_p", 61)
    r = reg("r", 30)
    c = pick([r, old_p], streak=POLICY.priority_burst)
    assert c.ticket is old_p and c.reason == "overdue"


def test_overdue_ties_broken_by_arrival() -> None:
    t = ago(80)
    a = C("a", t, 10, True)
    b = C("b", t, 3, False)
    assert pick([a, b]).ticket is b
    assert pick([b, a]).ticket is b


# ----- priority before regular ---------------------------------------------------------------
def test_priority_before_regular_even_if_younger() -> None:
    r = reg("r", 50)
    p = prio("p", 1)
    c = pick([r, p])
    assert c.ticket is p
    assert c.reason == "priority"
    assert c.regular_waiting is True


def test_priority_alone_reports_no_regular_waiting() -> None:
    p1, p2 = prio("p1", 10), prio("p2", 5)
    c = pick([p2, p1])
    assert c.ticket is p1 and c.reason == "priority" and c.regular_waiting is False


def test_regular_alone() -> None:
    r1, r2 = reg("r1", 10), reg("r2", 5)
    c = pick([r2, r1])
    assert c.ticket is r1 and c.reason == "regular" and c.regular_waiting is False


# ----- burst -------------------------------------------------------------------------------
def test_below_burst_priority_still_first() -> None:
    r, p = reg("r", 40), prio("p", 1)
    assert pick([r, p], streak=POLICY.priority_burst - 1).ticket is p


@pytest.mark.parametrize("streak", [3, 4, 10])
def test_at_burst_oldest_regular_goes_next(streak: int) -> None:
    r_old, r_new = reg("r_old", 40), reg("r_new", 20)
    p = prio("p", 50)  # even an older priority ticket waits this once
    c = pick([p, r_new, r_old], streak=streak)
    assert c.ticket is r_old
    assert c.reason == "burst"
    assert c.regular_waiting is True


def test_at_burst_without_regulars_priority_goes() -> None:
    p = prio("p", 5)
    c = pick([p], streak=POLICY.priority_burst)
    assert c.ticket is p and c.reason == "priority" and c.regular_waiting is False


def test_burst_of_one() -> None:
    policy = Policy(priority_burst=1, max_wait=timedelta(minutes=60))
    r, p = reg("r", 10), prio("p", 5)
    assert pick([r, p], streak=0, policy=policy).ticket is p
    assert pick([r, p], streak=1, policy=policy).ticket is r


def test_alternation_with_burst_three() -> None:
    """P P P R P P P R … while both classes keep waiting."""
    prios = [prio(f"p{i}", 50 - i) for i in range(8)]
    regs = [reg(f"r{i}", 55 - i) for i in range(3)]
    waiting = prios + regs
    streak = 0
    calls = []
    while waiting:
        c = pick(waiting, streak)
        streak = next_streak(streak, c)
        waiting.remove(c.ticket)  # type: ignore[arg-type]
        calls.append(c.ticket.name)  # type: ignore[attr-defined]
    assert calls == ["p0", "p1", "p2", "r0", "p3", "p4", "p5", "r1", "p6", "p7", "r2"]


# ----- FCFS within a class ---------------------------------------------------------------------
def test_fcfs_within_regular_and_priority() -> None:
    rs = [reg(f"r{i}", 50 - i) for i in range(5)]
    ps = [prio(f"p{i}", 50 - i) for i in range(5)]
    shuffled = rs + ps
    random.Random(7).shuffle(shuffled)
    assert pick(shuffled).ticket is ps[0]
    assert pick([t for t in shuffled if not t.is_priority]).ticket is rs[0]


def test_equal_times_broken_by_arrival() -> None:
    t = ago(10)
    a = [C(f"r{i}", t, arrival, False) for i, arrival in enumerate([5, 2, 9, 3])]
    assert pick(a).ticket.arrival == 2  # type: ignore[attr-defined]
    assert pick(list(reversed(a))).ticket.arrival == 2  # type: ignore[attr-defined]
    b = [C(f"p{i}", t, arrival, True) for i, arrival in enumerate([8, 4, 6])]
    assert pick(b).ticket.arrival == 4  # type: ignore[attr-defined]
    # Burst: the regular with the smallest arrival, too.
    assert pick(a + b, streak=3).ticket.arrival == 2  # type: ignore[attr-defined]


def test_earlier_time_beats_smaller_arrival() -> None:
    # arrival is only the tie-breaker: a smaller arrival never jumps an older ticket.
    older = C("older", ago(10), 50, False)
    newer = C("newer", ago(9), 1, False)
    assert pick([newer, older]).ticket is older


# ----- next_streak ------------------------------------------------------------------------
def test_streak_grows_on_priority_passing_a_regular() -> None:
    p = prio("p", 5)
    assert next_streak(0, Choice(p, "priority", True)) == 1
    assert next_streak(2, Choice(p, "priority", True)) == 3


def test_streak_resets_on_regular() -> None:
    r = reg("r", 5)
    assert next_streak(2, Choice(r, "regular", False)) == 0
    assert next_streak(3, Choice(r, "burst", True)) == 0
    assert next_streak(2, Choice(r, "overdue", True)) == 0


def test_streak_resets_on_priority_with_no_regular_eligible() -> None:
    p = prio("p", 5)
    assert next_streak(2, Choice(p, "priority", False)) == 0
    assert next_streak(5, Choice(p, "overdue", False)) == 0


def test_overdue_priority_passing_a_regular_counts() -> None:
    # Docstring: "a priority ticket called while a regular ticket … was waiting adds one".
    p = prio("p", 90)
    assert next_streak(1, Choice(p, "overdue", True)) == 2


def test_choose_then_next_streak_end_to_end() -> None:
    r, p = reg("r", 10), prio("p", 5)
    c = pick([r, p], streak=0)
    assert next_streak(0, c) == 1
    c = pick([p], streak=1)  # no regular eligible at this counter: nobody was passed over
    assert next_streak(1, c) == 0


# ----- rank_key -------------------------------------------------------------------------
def test_rank_key_order() -> None:
    """Regression: rank_key used to put an overdue priority ticket ahead of an older overdue
    regular one, disagreeing with choose_next (overdue: oldest first, regardless of class)."""
    overdue_reg = reg("overdue_reg", 70)
    overdue_prio = prio("overdue_prio", 65)
    p_old, p_new = prio("p_old", 30), prio("p_new", 10)
    r_old, r_new = reg("r_old", 40), reg("r_new", 5)
    items = [r_new, p_new, overdue_prio, r_old, overdue_reg, p_old]
    ranked = sorted(items, key=lambda t: rank_key(t, NOW, POLICY))
    assert [t.name for t in ranked] == [
        "overdue_reg", "overdue_prio", "p_old", "p_new", "r_old", "r_new",
    ]


def test_rank_key_arrival_tiebreak() -> None:
    t = ago(3)
    a, b = C("a", t, 2, False), C("b", t, 1, False)
    assert rank_key(b, NOW, POLICY) < rank_key(a, NOW, POLICY)


# ----- properties -------------------------------------------------------------------------
_candidates = st.lists(
    st.tuples(st.integers(0, 180), st.booleans()), min_size=0, max_size=12
).map(lambda xs: [C(f"t{i}", ago(m), i, p) for i, (m, p) in enumerate(xs)])


@settings(max_examples=300, deadline=None)
@given(waiting=_candidates, streak=st.integers(0, 6), burst=st.integers(1, 4),
       max_wait=st.integers(1, 120), seed=st.integers(0, 2**16))
def test_choice_matches_rank_key_and_burst(
    waiting: list[C], streak: int, burst: int, max_wait: int, seed: int
) -> None:
    policy = Policy(priority_burst=burst, max_wait=timedelta(minutes=max_wait))
    shuffled = list(waiting)
    random.Random(seed).shuffle(shuffled)
    c = choose_next(shuffled, NOW, policy, streak)
    if not waiting:
        assert c is None
        return
    assert c is not None
    def key(t: C) -> tuple[int, int, datetime, int]:
        return rank_key(t, NOW, policy)

    best = min(waiting, key=key)
    regs = [t for t in waiting if not t.is_priority]
    overdue = [t for t in waiting if NOW - t.issued_at > policy.max_wait]
    if c.ticket.is_priority:  # the only case where next_streak reads it
        assert c.regular_waiting == bool(regs)
    if overdue:
        assert c.ticket is best and c.reason == "overdue"
    elif streak >= burst and regs and len(regs) < len(waiting):
        assert c.ticket is min(regs, key=key) and c.reason == "burst"
    else:
        assert c.ticket is best
        assert c.reason == ("priority" if best.is_priority else "regular")
    # The streak never passes the burst limit through non-overdue calls.
    new = next_streak(streak, c)
    if c.reason != "overdue" and streak <= burst:
        assert new <= burst


# ----- the fast path (WaitingLine, choose_from_lines) against the scan --------------------
# Tickets spread over up to three lines (services), added and removed in a random order;
# ages are drawn from a few values so equal ages (and equal arrivals) happen often.
_line_ops = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from([0, 30, 59, 60, 61, 90]), st.booleans(),
              st.integers(0, 3), st.booleans()),
    min_size=0, max_size=30,
)


def _build_lines(ops: list[tuple[int, int, bool, int, bool]]
                 ) -> tuple[list[WaitingLine[C]], list[dict[str, C]]]:
    """The lines and, beside them, plain dicts in insertion order (what the scan reads)."""
    lines: list[WaitingLine[C]] = [WaitingLine() for _ in range(3)]
    plain: list[dict[str, C]] = [{} for _ in range(3)]
    for i, (line, minutes, is_prio, arrival, remove) in enumerate(ops):
        if remove and plain[line]:
            victim = next(iter(plain[line])) if i % 2 else list(plain[line])[-1]
            del plain[line][victim]
            lines[line].discard(victim)
            continue
        t = C(f"t{i}", ago(minutes), arrival, is_prio)
        plain[line][t.name] = t
        lines[line].add(t.name, t)
    return lines, plain


@settings(max_examples=500, deadline=None)
@given(ops=_line_ops, order=st.permutations([0, 1, 2]), k=st.integers(1, 3),
       streak=st.integers(0, 5), burst=st.integers(1, 4), max_wait=st.sampled_from([30, 60]))
def test_fast_path_chooses_exactly_what_choose_next_chooses(
    ops: list[tuple[int, int, bool, int, bool]], order: list[int], k: int, streak: int,
    burst: int, max_wait: int,
) -> None:
    policy = Policy(priority_burst=burst, max_wait=timedelta(minutes=max_wait))
    lines, plain = _build_lines(ops)
    chosen = order[:k]  # the services a counter serves, in its own order
    scan = choose_next([t for i in chosen for t in plain[i].values()], NOW, policy, streak)
    fast = choose_from_lines([lines[i] for i in chosen], NOW, policy, streak)
    if scan is None:
        assert fast is None
        return
    assert fast is not None
    assert fast.ticket is scan.ticket
    assert (fast.reason, fast.regular_waiting) == (scan.reason, scan.regular_waiting)


@settings(max_examples=500, deadline=None)
@given(ops=_line_ops, max_wait=st.sampled_from([30, 60]))
def test_line_positions_are_the_rank_key_counts(
    ops: list[tuple[int, int, bool, int, bool]], max_wait: int
) -> None:
    policy = Policy(max_wait=timedelta(minutes=max_wait))
    lines, plain = _build_lines(ops)
    for line, tickets in zip(lines, plain, strict=True):
        assert list(line) == list(tickets) and len(line) == len(tickets)
        for t in tickets.values():
            mine = rank_key(t, NOW, policy)
            ahead = sum(1 for o in tickets.values() if o is not t and rank_key(o, NOW, policy) < mine)
            assert line.position(t, NOW, policy) == ahead, t
        # the oldest: the first of the scan's order among the smallest (issued_at, arrival)
        oldest = min(tickets.values(), key=lambda t: (t.issued_at, t.arrival), default=None)
        assert line.oldest() is oldest
