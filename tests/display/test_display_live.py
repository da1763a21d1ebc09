"""The display against a real hub process on loopback, with real espeak-ng WAVs.

One hub serves the whole module (``shared_hub``), so tests read ticket numbers from the
hub's answers rather than assume them. Only the loudspeaker is fake (CheckingPlayer:
measures each WAV as it is "played", at 1/20 of real time).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from displaykit import CheckingPlayer, display_config
from PySide6.QtGui import QImage

from antrean.announce import call_sentence
from antrean.client import HubClient
from antrean.discovery import Browser
from display.app import local_address_towards

AUDIBLE = 0.02  # RMS, fraction of full scale: espeak speech ≈ 0.09, silence 0
SERVICES = ("adminduk", "kesehatan", "bansos", "literasi", "pengaduan")


def start_display(hub, make_display, qtbot, player=None, **cfg):
    app = make_display(display_config(hub.url, hub.tokens["display"], **cfg.pop("config", {})),
                       player=player, **cfg)
    qtbot.waitUntil(lambda: app.board.connected and app.board.waiting.rowCount() > 0,
                    timeout=10000)
    return app


def clients(hub):
    return HubClient(hub.url, hub.tokens["kiosk"]), hub.counters()


def test_a_counter_call_is_shown_and_spoken_once(shared_hub, make_display, qtbot):
    player = CheckingPlayer()
    app = start_display(shared_hub, make_display, qtbot, player)
    kiosk, counter = clients(shared_hub)
    with kiosk, counter:
        kiosk.issue("adminduk")
        ticket = counter.call_next(3, ["adminduk"])
    qtbot.waitUntil(lambda: app.board.number == ticket["number"], timeout=5000)
    assert (app.board.counter, app.board.serviceName) == (3, "Administrasi Kependudukan")
    assert app.board.fresh and app.board.hasCall
    announcer = app.voice.announcer
    assert announcer.wait_idle(20)
    assert len(player.checked) == 1
    rms, duration, _, _ = player.checked[0]
    assert rms > AUDIBLE and 2.0 < duration < 9.0
    (record,) = announcer.history
    assert record.status == "spoken"
    assert record.sentence == call_sentence(ticket["number"], 3)
    assert record.sentence.startswith("Nomor antrean A ")
    assert not re.search(r"\d", record.sentence)


def test_five_calls_within_a_second_are_spoken_in_order_never_overlapping(
        shared_hub, make_display, qtbot):
    player = CheckingPlayer()
    app = start_display(shared_hub, make_display, qtbot, player)
    # The display replays the last calls when it starts, and speaks those under two
    # minutes old (the previous test's): let it finish, then count from here.
    assert app.voice.announcer.wait_idle(20)
    app.voice.announcer.history.clear()
    player.checked.clear()
    kiosk, counter = clients(shared_hub)
    with kiosk, counter:
        for service in SERVICES:
            kiosk.issue(service)
        t0 = time.monotonic()
        called = [(counter.call_next(n, [s])["number"], n) for n, s in enumerate(SERVICES, 1)]
        assert time.monotonic() - t0 < 1.0
    qtbot.waitUntil(lambda: app.board.number == called[-1][0], timeout=5000)
    shown = [r["number"] for r in app.board.calls.rows()]
    assert shown[:4] == [number for number, _ in reversed(called[:-1])]
    assert app.voice.announcer.wait_idle(60)
    # A replayed call of the previous test may still arrive after the clear above (the
    # replay is asynchronous): judge the five calls made here, and overlap across all.
    spoken = [(r.item.number, r.item.counter, r.status) for r in app.voice.announcer.history
              if (r.item.number, r.item.counter) in called]
    assert spoken == [(number, n, "spoken") for number, n in called]
    assert len(player.checked) >= 5
    for (rms, duration, _start, end), nxt in zip(player.checked, player.checked[1:] + [None],
                                                 strict=True):
        assert rms > AUDIBLE and 2.0 < duration < 9.0
        assert nxt is None or nxt[2] >= end  # the next starts only after this one ended


def test_replayed_old_calls_are_shown_but_not_spoken(shared_hub, make_display, qtbot):
    kiosk, counter = clients(shared_hub)
    with kiosk, counter:
        kiosk.issue("bansos")
        old = counter.call_next(7, ["bansos"])
        time.sleep(1.2)  # older than max_age_s below by the time the display replays it
        player = CheckingPlayer()
        app = start_display(shared_hub, make_display, qtbot, player,
                            config={"voice": {"max_age_s": 1.0}})
        qtbot.waitUntil(lambda: app.board.number == old["number"], timeout=5000)
        assert len(app.board.calls.rows()) == 5  # earlier calls are listed too
        announcer = app.voice.announcer
        assert announcer.wait_idle(20)
        assert announcer.history and {r.status for r in announcer.history} == {"stale"}
        assert old["number"] in [r.item.number for r in announcer.history]
        assert player.checked == []
        kiosk.issue("bansos")
        fresh = counter.call_next(7, ["bansos"])  # a live call after the replay is spoken
        qtbot.waitUntil(lambda: app.board.number == fresh["number"], timeout=5000)
        assert announcer.wait_idle(20)
    assert (announcer.history[-1].item.number, announcer.history[-1].status) == \
        (fresh["number"], "spoken")
    assert len(player.checked) == 1


def test_no_sound_device_one_log_line_the_hub_hears_of_it_and_the_screen_works(
        shared_hub, make_display, qtbot, monkeypatch, caplog):
    import hardware.players

    monkeypatch.setattr(hardware.players, "_detect_player", lambda: ("null", []))
    app = start_display(shared_hub, make_display, qtbot)
    assert app.voice.announcer is None
    qtbot.waitUntil(lambda: "Pengeras suara (layar): no sound device"
                    in app.board.ticker, timeout=5000)
    assert app.board.hasAlerts
    assert [r.getMessage() for r in caplog.records if "sound device" in r.getMessage()] \
        == [hardware.speech.NO_SOUND_MESSAGE]
    with shared_hub.counters() as counter:
        HubClient(shared_hub.url, shared_hub.tokens["kiosk"]).issue("literasi")
        ticket = counter.call_next(8, ["literasi"])
    qtbot.waitUntil(lambda: app.board.number == ticket["number"], timeout=5000)


def test_the_display_advertises_itself_on_the_loopback_only(shared_hub, make_display, qtbot):
    assert local_address_towards(shared_hub.url) == "127.0.0.1"
    app = start_display(shared_hub, make_display, qtbot, voice=False,
                        config={"advertise": True, "screen": {"name": "Layar Uji"}})
    qtbot.waitUntil(lambda: app.advertiser is not None, timeout=10000)
    # Ours by name: another display (a desktop demo run beside the tests) may be on lo too.
    with Browser(roles=["display"], interfaces=["127.0.0.1"]) as browser:
        deadline = time.monotonic() + 8
        while not (peer := next((p for p in browser.peers("display") if p.name == "Layar Uji"),
                                None)) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert peer is not None
    assert (peer.name, peer.post, peer.addresses) == ("Layar Uji", "pos-contoh", ("127.0.0.1",))


def test_the_command_screenshots_the_live_board(shared_hub, tmp_path):
    out = tmp_path / "live.png"
    done = subprocess.run(
        [sys.executable, "-m", "antrean", "display", "--hub", shared_hub.url, "--token",
         shared_hub.tokens["display"], "--screenshot", str(out), "--size", "1280x720"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)


def test_the_command_runs_until_sigterm_and_stops_cleanly(shared_hub, tmp_path):
    env = dict(__import__("os").environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "antrean", "display", "--hub", shared_hub.url, "--token",
         shared_hub.tokens["display"], "--size", "640x360", "--no-voice"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 20
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "hub found" in line or not line:
                break
        assert any("hub found" in line for line in lines), "".join(lines)
        proc.terminate()
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
