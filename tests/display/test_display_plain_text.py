"""The board shows what the hub says as plain text: markup in a name is read, never run."""

from __future__ import annotations

from pathlib import Path

import httpx
from displaykit import display_config
from qmlcheck import MARKUP, not_plain, text_blocks_missing_plain, text_items

QML = Path(__file__).resolve().parents[2] / "display" / "qml"


def test_every_text_of_the_board_is_plain_text():
    assert text_blocks_missing_plain(QML) == []


def test_markup_in_names_and_alerts_shows_literally(markup_hub, make_display, qtbot, tmp_path):
    hub = markup_hub
    app = make_display(display_config(hub.url, hub.tokens["display"]), voice=False,
                       size=(1920, 1080))
    httpx.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
               json={"service": "adminduk", "request_id": "6f1c2d0e-1111-4222-8333-444455556666"})
    httpx.post(f"{hub.url}/api/v1/counters/3/next", headers=hub.counter_headers(3))
    httpx.post(f"{hub.url}/api/v1/devices/status", headers=hub.headers("kiosk"),
               json={"component": "printer", "ok": False, "status": "paper_out",
                     "message": "<b>Kertas</b> habis"})
    window = app.window
    qtbot.waitUntil(lambda: app.board.number == "A001" and "<b>Kertas</b>" in app.board.ticker,
                    timeout=10000)
    qtbot.wait(100)
    items = text_items(window)
    assert len(items) > 20
    shown = [i for i in items if MARKUP in str(i.property("text"))]
    assert shown, "the service's or post's name is not on the board"
    assert not_plain(items) == []
    assert app.grab(tmp_path / "markup.png")
