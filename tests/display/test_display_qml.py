"""The real QML board, offscreen, at the sizes a post uses: it loads warning-free (a QML
warning fails the run), the number is huge, and nothing is cut off."""

from __future__ import annotations

import pytest
from displaykit import display_config
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QImage

SIZES = [(1920, 1080), (1280, 720), (1080, 1920)]


def text_item(window, name):
    item = window.findChild(QObject, name)
    assert item is not None, f"no QML item named {name!r}"
    return item


def assert_fits(item):
    """A Text item's laid-out text lies inside its box (Text.Fit shrank it if needed)."""
    w, h = item.property("width"), item.property("height")
    cw, ch = item.property("contentWidth"), item.property("contentHeight")
    assert cw <= w + 1 and ch <= h + 1, f"{item.objectName()}: {cw}x{ch} in {w}x{h}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_busy_board_is_legible_at_every_size(make_display, qtbot, tmp_path, size):
    app = make_display(display_config(), live=False, size=size)
    app.show_scene("busy")
    window = app.window
    qtbot.waitExposed(window)
    number = text_item(window, "number")
    qtbot.waitUntil(lambda: number.property("width") > 0, timeout=2000)
    qtbot.wait(50)  # let Text.Fit settle on the final size
    assert number.property("text") == "A012"
    # Huge: the number's glyphs are at least a fifth of the screen's shorter side.
    assert number.property("contentHeight") >= 0.2 * min(size)
    for name in ("number", "counter", "postName"):
        assert_fits(text_item(window, name))
    assert text_item(window, "counter").property("text") == "→ Loket 3"
    assert not text_item(window, "statusBanner").property("visible")
    out = tmp_path / f"busy-{size[0]}x{size[1]}.png"
    assert app.grab(out)
    image = QImage(str(out))
    assert (image.width(), image.height()) == size
    # The ticker's tag is red: there is a device alert (the printer is out of paper).
    assert QColor(image.pixel(5, size[1] - 5)).name() == "#c62828"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_surge_note_is_a_band_above_the_waiting_counts_at_every_size(make_display, qtbot, size):
    app = make_display(display_config(), live=False, size=size)
    app.show_scene("busy")
    window = app.window
    qtbot.waitExposed(window)
    note, box = text_item(window, "surgeNote"), text_item(window, "waitingBox")
    assert not note.property("visible")
    qtbot.waitUntil(lambda: text_item(window, "waitingRows").property("count") == 5,
                    timeout=2000)
    qtbot.wait(50)
    full = box.property("rowHeight")
    app.show_scene("surge")
    qtbot.waitUntil(lambda: note.property("visible"), timeout=2000)
    qtbot.wait(50)
    text = text_item(window, "surgeText")
    assert text.property("text") == "Layanan Kesehatan sedang ramai — mohon bersabar"
    assert_fits(text)
    # Read from the hall: a band across the board, its words as tall as the service names';
    # the waiting counts keep their size (the earlier calls give up a row) and stay below it.
    line = text.property("contentHeight") / text.property("lineCount")
    assert line >= 0.04 * min(size)
    assert note.property("width") >= 0.95 * size[0] - 1
    assert box.property("rowHeight") == full
    assert note.property("y") + note.property("height") <= box.property("y")


def test_a_fresh_call_lights_the_panel(make_display, qtbot, tmp_path):
    app = make_display(display_config(), live=False, size=(1280, 720))
    app.show_scene("call")
    assert app.board.fresh
    qtbot.wait(50)
    out = tmp_path / "call.png"
    assert app.grab(out)
    # A point of the now-calling panel, left of the number: amber while fresh (lightened
    # while the flash pulses run).
    c = QColor(QImage(str(out)).pixel(40, 360))
    assert c.red() > 240 and c.green() > 180 and c.blue() < 0.75 * c.green(), c.name()


def test_long_numbers_names_and_english_still_fit(make_display, qtbot):
    cfg = display_config(screen={"lang": "en"})
    app = make_display(cfg, live=False, size=(1280, 720))
    app.show_scene("idle")
    app.board.apply_snapshot({"health": {"post": {"name": "Pos Pelayanan Terpadu Jemput Bola "
                                                  "Kecamatan Long Apari, Kabupaten Mahakam Ulu"}},
                              "services": None})
    app.board.apply_event({"seq": 1, "type": "ticket.called", "counter": 12,
                           "ticket": {"id": "x", "number": "A1000", "service": "adminduk"}})
    window = app.window
    qtbot.waitUntil(lambda: text_item(window, "number").property("text") == "A1000",
                    timeout=2000)
    qtbot.wait(50)
    for name in ("number", "counter", "postName"):
        assert_fits(text_item(window, name))
    assert text_item(window, "counter").property("text") == "→ Counter 12"


def test_idle_board_when_the_hub_is_not_found(make_display, qtbot):
    app = make_display(display_config(), live=False, size=(1280, 720))
    banner = text_item(app.window, "statusBanner")
    assert banner.property("visible")
    assert app.board.statusText == "Mencari hub pos pelayanan…"
