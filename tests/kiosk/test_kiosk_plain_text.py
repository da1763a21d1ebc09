"""The kiosk shows what the hub says as plain text: markup in a name is read, never run."""

from __future__ import annotations

from pathlib import Path

from kiosk_helpers import kiosk_config
from qmlcheck import MARKUP, not_plain, text_blocks_missing_plain, text_items

QML = Path(__file__).resolve().parents[2] / "kiosk" / "qml"


def test_every_text_of_the_kiosk_is_plain_text():
    assert text_blocks_missing_plain(QML) == []


def test_a_service_named_with_markup_reads_literally_on_its_tile(markup_hub, make_kiosk):
    k = make_kiosk(kiosk_config(markup_hub))
    tile = k.item("tile-adminduk")
    k.wait(lambda: MARKUP in str(tile.property("name")))
    items = text_items(k.window)
    assert len(items) > 10
    assert any(MARKUP in str(i.property("text")) for i in items)
    assert not_plain(items) == []
