"""Every kiosk screen at the panels kiosks have, read as a resident at arm's length would.

7" landscape (800×480), 1024×600 and a portrait totem (1080×1920): no text elided, cut by
its box, a clipping parent or the window, or drawn over another (tests/legibility.py), in
Indonesian and (the start screen) English. At 800×480: service names at least 20 px, waiting
counts and descriptions at least 14 px, a closed service crossed by a red band in 20 px
capitals; the complaint box shows whole lines only.
"""

from __future__ import annotations

import pytest
from legibility import named, problems

from kiosk.app import SCREENS
from kiosk.config import KioskConfig
from kiosk.screenshot import staged

SIZES = [(800, 480), (1024, 600), (1080, 1920)]


def config(lang: str = "id") -> KioskConfig:
    return KioskConfig.model_validate({"kiosk": {"lang": lang}, "mdns": {"advertise": False}})


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_whole_at_every_size(qapp, size) -> None:
    found = {}
    for screen in SCREENS:
        with staged(config(), screen, size) as kiosk:
            assert kiosk.window is not None  # ("rate-refused" is the entry step with a message)
            found[screen] = problems(kiosk.window)
    for lang_screen in ("start", "out-of-service", "complaint-text"):
        with staged(config("en"), lang_screen, size) as kiosk:
            found[f"{lang_screen} (en)"] = problems(kiosk.window)
    assert {s: p for s, p in found.items() if p} == {}


def test_the_start_screen_at_800x480_is_read_at_arms_length(qapp) -> None:
    with staged(config(), "start", (800, 480)) as kiosk:
        services = {t["serviceId"]: t for t in kiosk.vm.services.tiles()}
        names = {t.name.split("-", 1)[1]: t for t in named(kiosk.window, "tileName-")}
        assert set(names) == set(services)
        assert min(t.pixel_size for t in names.values()) >= 20
        for sid, tile in services.items():
            counts = named(kiosk.window, f"tileWaiting-{sid}") \
                + named(kiosk.window, f"tileWaitingLabel-{sid}")
            desc = named(kiosk.window, f"tileDesc-{sid}")
            if tile["available"]:
                assert len(counts) == 2 and min(t.pixel_size for t in counts) >= 14, sid
                assert [t.text for t in desc] == [tile["description"]], sid  # shown, whole
                assert desc[0].pixel_size >= 14
            else:  # closed: no count, but a band that says so, large
                assert counts == [] and desc == []
                (status,) = named(kiosk.window, f"tileStatus-{sid}")
                assert status.text == "Tutup" and status.pixel_size >= 20


def test_the_complaint_box_shows_whole_lines(qapp) -> None:
    for size in SIZES:
        with staged(config(), "complaint-text", size) as kiosk:
            from kiosk_helpers import _find

            box = _find(kiosk.window.contentItem(), "complaintTextWindow")
            text = _find(kiosk.window.contentItem(), "complaintText")
            line = box.property("lineHeight")
            assert text.property("contentHeight") / text.property("lineCount") == \
                pytest.approx(line, abs=0.1)  # the window's line is the text's
            assert box.height() == pytest.approx(round(box.height() / line) * line, abs=0.5)
            hidden = text.property("contentHeight") - box.height()
            assert hidden >= 0  # longer than the box (800×480): its first lines scrolled up
            assert hidden == pytest.approx(round(hidden / line) * line, abs=0.5), size
