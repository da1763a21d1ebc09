"""Every hall-display scene at the screens halls have, read from 10 m away.

1920×1080 and 1366×768: no text elided, cut or drawn over another (tests/legibility.py). At
1920×1080 the earlier calls and the waiting counts are twice their old size (numbers were
53 px, counters 44 px, the waiting list 24-31 px), the surge note is a band across the
board; 1366×768 keeps the same proportions.
"""

from __future__ import annotations

import pytest
from displaykit import display_config
from legibility import named, problems

from display.app import run_until
from display.sample import SCENES

SIZES = [(1920, 1080), (1366, 768)]


def shown(make_display, scene: str, size: tuple[int, int], lang: str = "id"):
    app = make_display(display_config(screen={"lang": lang}), live=False, size=size)
    app.show_scene(scene)
    run_until(lambda: False, 0.4)
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_scene_whole_at_every_size(make_display, size) -> None:
    found = {}
    for scene in SCENES:
        for lang in ("id", "en"):
            app = shown(make_display, scene, size, lang)
            found[f"{scene} ({lang})"] = problems(app.window)
            app.close()
    assert {s: p for s, p in found.items() if p} == {}


def sizes(app) -> dict[str, float]:
    """The smallest pixel size of each kind of text the tests hold."""
    w = app.window
    found = {kind: min(t.pixel_size for t in named(w, kind))
             for kind in ("recentNumber", "recentCounter", "waitingName")}
    found["waitingCount"] = min(t.pixel_size for t in named(w, "waitingCount")
                                if t.text.isdigit())
    found["closed"] = min(t.pixel_size for t in named(w, "waitingCount") if t.text == "Tutup")
    return found


def test_last_calls_and_waiting_counts_read_from_the_back_of_the_hall(make_display) -> None:
    big = shown(make_display, "busy", (1920, 1080))
    seen = sizes(big)
    assert seen["recentNumber"] >= 2 * 53 and seen["recentCounter"] >= 2 * 44
    assert seen["waitingName"] >= 2 * 24 and seen["waitingCount"] >= 2 * 31
    assert seen["closed"] >= 2 * 24  # "Tutup" as large as the names
    assert len(named(big.window, "recentNumber")) >= 3  # the last calls, newest first
    small = shown(make_display, "busy", (1366, 768))
    for kind, px in sizes(small).items():  # the same board, scaled
        assert px == pytest.approx(seen[kind] * 768 / 1080, rel=0.08), kind


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_surge_note_is_a_band_across_the_board(make_display, size) -> None:
    app = shown(make_display, "surge", size)
    (note,) = named(app.window, "surgeText")
    band = app.window.findChild(type(app.window.contentItem()), "surgeNote")
    assert note.text == "Layanan Kesehatan sedang ramai — mohon bersabar"
    assert band.width() >= 0.95 * size[0]
    assert note.pixel_size >= 0.038 * size[1]  # as large as the waiting names
    assert problems(app.window) == []
