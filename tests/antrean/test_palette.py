"""One colour per priority category, readable as white words on it and as words on white,
and the same on the kiosk, the counter and the hall display."""

from __future__ import annotations

from antrean.config import PRIORITY_CATEGORIES
from antrean.palette import PRIORITY_COLOURS, priority_colour


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_every_category_has_one_distinct_colour_white_reads_on() -> None:
    assert set(PRIORITY_COLOURS) == set(PRIORITY_CATEGORIES)
    assert len(set(PRIORITY_COLOURS.values())) == len(PRIORITY_COLOURS)
    for colour in PRIORITY_COLOURS.values():
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour  # WCAG AA, normal text
    assert priority_colour(None) == "" and priority_colour("veteran").startswith("#")


def test_the_three_apps_use_it(qapp) -> None:
    from counter.desk import Desk
    from display.state import BoardState
    from display.viewmodels import Board
    from kiosk.config import KioskConfig
    from kiosk.viewmodel import KioskViewModel

    kiosk = KioskViewModel(KioskConfig())
    assert kiosk.priorityColors == PRIORITY_COLOURS
    desk = Desk(number=1, phase="ready")
    desk.ticket = {"number": "A001", "service": "x", "priority": "disabled",
                   "issued_at": None, "called_at": None}
    assert desk.view(0.0)["ticket"]["priorityColor"] == PRIORITY_COLOURS["disabled"]
    board = Board(BoardState())
    board.apply_event({"seq": 1, "type": "ticket.called", "counter": 2,
                       "ticket": {"id": "t", "number": "A001", "service": "x",
                                  "priority": "pregnant"}})
    assert (board.priorityLabel, board.priorityColor) == \
        ("Ibu hamil", PRIORITY_COLOURS["pregnant"])
    kiosk.deleteLater()
