"""The voice cannot take the display down: a missing voice folder and a killed speech worker.

libespeak-ng calls ``exit()`` without its data folder; it now does so in the speech worker
process. The board keeps showing calls, the staff line says the voice is out (the display's
``device.status`` to the hub, which every board shows), and calls are spoken again once a
worker is back. Real hub, real QML offscreen, real espeak-ng WAVs; the data folder is made
absent the way a Pi without espeak-ng-data has it (``ESPEAK_DATA_PATH``).
"""

from __future__ import annotations

import glob
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from displaykit import CheckingPlayer, display_config

from antrean.client import HubClient

AUDIBLE = 0.02
FAST = {"backoff": (0.2, 1.0)}  # the test waits seconds, not the field's half minute


def espeak_data() -> Path:
    found = [Path(p) for p in glob.glob("/usr/lib/*/espeak-ng-data")
             + ["/usr/share/espeak-ng-data"] if Path(p, "phontab").exists()]
    assert found, "espeak-ng-data is not installed"
    return found[0]


@pytest.fixture
def voice_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An espeak-ng data path with no data yet: ``install`` it by linking the real one."""
    folder = tmp_path / "espeak"
    folder.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(folder))
    return folder


def install(folder: Path) -> None:
    (folder / "espeak-ng-data").symlink_to(espeak_data())


def call_one(hub: Any, counter: int, service: str) -> str:
    with HubClient(hub.url, hub.tokens["kiosk"]) as kiosk, \
            HubClient(hub.url, hub.counter_token(counter)) as clerk:
        kiosk.issue(service)
        return str(clerk.call_next(counter, [service])["number"])


def start(hub: Any, make_display: Any, qtbot: Any, player: CheckingPlayer) -> Any:
    app = make_display(display_config(hub.url, hub.tokens["display"]), player=player,
                       announcer_kw=FAST)
    qtbot.waitUntil(lambda: app.board.connected and app.board.waiting.rowCount() > 0,
                    timeout=10000)
    return app


def speaker_events(app: Any) -> list[dict[str, Any]]:
    """Every ``device.status`` of a speaker the display has received from the hub."""
    seen: list[dict[str, Any]] = []
    app.bridge.eventArrived.connect(
        lambda e: seen.append(e["data"]) if e.get("type") == "device.status"
        and (e.get("data") or {}).get("component") == "speaker" else None)
    return seen


def test_a_missing_voice_folder_the_board_shows_calls_says_so_and_speaks_once_installed(
        shared_hub, make_display, qtbot, voice_folder):
    player = CheckingPlayer()
    app = start(shared_hub, make_display, qtbot, player)
    qtbot.waitUntil(lambda: "Suara mati" in app.board.ticker, timeout=15000)
    assert "phontab" in app.board.ticker  # espeak-ng's own words, for the technician
    assert app.board.hasAlerts

    number = call_one(shared_hub, 4, "kesehatan")
    qtbot.waitUntil(lambda: app.board.number == number, timeout=5000)  # shown all the same
    announcer = app.voice.announcer
    assert announcer.wait_idle(20)
    assert [r.status for r in announcer.history if r.item.number == number] == ["silent"]
    assert player.checked == []

    install(voice_folder)  # the technician installs espeak-ng-data
    qtbot.waitUntil(lambda: "Suara mati" not in app.board.ticker, timeout=15000)
    number = call_one(shared_hub, 4, "kesehatan")
    qtbot.waitUntil(lambda: app.board.number == number, timeout=5000)
    assert announcer.wait_idle(20)
    assert [r.status for r in announcer.history if r.item.number == number] == ["spoken"]
    (rms, duration, _, _), = player.checked
    assert rms > AUDIBLE and 2.0 < duration < 9.0


def test_a_killed_worker_is_told_to_the_hub_and_the_next_call_is_spoken(
        shared_hub, make_display, qtbot, voice_folder):
    install(voice_folder)
    player = CheckingPlayer()
    app = start(shared_hub, make_display, qtbot, player)
    events = speaker_events(app)
    announcer = app.voice.announcer
    assert announcer.synth.wait_up(15) and announcer.wait_idle(20)
    first = announcer.synth.pid

    os.kill(first, signal.SIGKILL)

    def told() -> list[dict[str, Any]]:  # the outage, then the return (replays aside)
        outs = [i for i, e in enumerate(events) if "signal 9" in e.get("message", "")]
        return events[outs[-1]:outs[-1] + 2] if outs else []

    qtbot.waitUntil(lambda: [e["ok"] for e in told()] == [False, True], timeout=15000)
    out, back = told()
    assert out["status"] == "voice_out"
    assert out["message"].startswith("Suara mati — panggilan hanya tampil di layar")
    assert back["status"] == "ok" and announcer.synth.pid not in (None, first)

    player.checked.clear()
    number = call_one(shared_hub, 4, "bansos")  # one counter: a clerk device holds one
    qtbot.waitUntil(lambda: app.board.number == number, timeout=5000)
    assert announcer.wait_idle(20)
    assert [r.status for r in announcer.history if r.item.number == number] == ["spoken"]
    assert len(player.checked) == 1 and player.checked[0][0] > AUDIBLE
    assert "Suara mati" not in app.board.ticker
