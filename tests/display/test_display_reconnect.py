"""The hub goes away and comes back: the board says so, never crashes, and resumes."""

from __future__ import annotations

from displaykit import display_config
from PySide6.QtCore import QObject

from antrean.client import HubClient


def test_hub_killed_the_screen_says_so_and_resumes_when_it_is_back(
        hub_process, make_display, qtbot):
    app = make_display(display_config(hub_process.url, hub_process.tokens["display"]),
                       voice=False)
    qtbot.waitUntil(lambda: app.board.connected, timeout=10000)
    window = app.window
    banner = window.findChild(QObject, "statusBanner")
    kiosk = HubClient(hub_process.url, hub_process.tokens["kiosk"])
    counter = HubClient(hub_process.url, hub_process.tokens["counter"])
    with kiosk, counter:
        kiosk.issue("kesehatan")
        counter.call_next(2)
        qtbot.waitUntil(lambda: app.board.number == "B001", timeout=5000)
        hub_process.kill()
        qtbot.waitUntil(lambda: app.board.statusText ==
                        "Koneksi ke hub terputus — menyambung ulang…", timeout=10000)
        assert banner.property("visible")
        assert app.board.number == "B001"  # what it knew stays on the screen
        qtbot.wait(600)  # a few failed reconnects: still no crash
        hub_process.start()
        qtbot.waitUntil(lambda: app.board.connected, timeout=15000)
        assert not banner.property("visible")
        kiosk.issue("kesehatan")
        counter.call_next(2)
        qtbot.waitUntil(lambda: app.board.number == "B002", timeout=5000)
    assert [r["number"] for r in app.board.calls.rows()] == ["B001"]  # no replayed twin


def test_without_a_hub_url_the_display_finds_its_hub_by_mdns(tmp_path, make_display, qtbot):
    from hubproc import HubProcess

    from antrean.config import example_config_path

    # A post id of its own: another hub (a desktop demo run beside the tests) may be
    # announced on lo too, as the example post.
    post = tmp_path / "post.toml"
    post.write_text(example_config_path().read_text(encoding="utf-8")
                    .replace('id = "pos-contoh"', 'id = "pos-uji-mdns"', 1), encoding="utf-8")
    hub = HubProcess(tmp_path / "hub", config=post, mdns=True)  # on 127.0.0.1: lo only
    hub.make_tokens()
    hub.start()
    try:
        cfg = display_config("", hub.tokens["display"],
                             hub={"url": "", "token": hub.tokens["display"],
                                  "post": "pos-uji-mdns"},
                             mdns={"advertise": False, "interfaces": ["127.0.0.1"]})
        app = make_display(cfg, voice=False)
        qtbot.waitUntil(lambda: app.board.connected, timeout=15000)
        assert app.client.url == hub.url
        assert app.board.postName == "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"
        app.close()
    finally:
        hub.kill()  # SIGKILL: SIGTERM waits out the hub's 3 s graceful shutdown
        hub.stop()
