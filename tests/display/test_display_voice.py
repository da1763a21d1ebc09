"""Call events → announcements: only calls, with the hub's time moved onto ours."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from display.config import VoiceSection
from display.voice import Voice, make_announcer
from hardware.speech import Announcer, FakePlayer

WIB = timezone(timedelta(hours=7))
AT = datetime(2026, 11, 22, 9, 0, tzinfo=WIB)


class RecordingAnnouncer:
    def __init__(self):
        self.calls = []
        self.closed = False

    def announce(self, number, counter, recall=False, at=None):
        if number == "bad":
            raise ValueError("bad ticket number")
        self.calls.append((number, counter, recall, at))

    def close(self):
        self.closed = True


def event(kind, number="A012", counter=3):
    return {"seq": 1, "type": kind, "at": AT.isoformat(), "counter": counter,
            "ticket": {"number": number, "counter": counter}}


def test_calls_and_recalls_are_announced_with_their_time_on_our_clock():
    announcer = RecordingAnnouncer()
    # This display's clock is 10 minutes behind the hub's: hub time − 10 min is "our" time.
    voice = Voice(announcer, to_local=lambda t: t - timedelta(minutes=10))
    voice.on_event(event("ticket.called"))
    voice.on_event(event("ticket.recalled"))
    voice.on_event(event("ticket.issued"))
    voice.on_event(event("ticket.finished"))
    assert announcer.calls == [("A012", 3, False, AT - timedelta(minutes=10)),
                               ("A012", 3, True, AT - timedelta(minutes=10))]
    voice.close()
    assert announcer.closed


def test_a_bad_number_is_logged_not_raised(caplog):
    voice = Voice(RecordingAnnouncer())
    with caplog.at_level(logging.WARNING):
        voice.on_event(event("ticket.called", number="bad"))
    assert "cannot announce bad" in caplog.text


def test_no_announcer_means_silence():
    voice = Voice(None)
    voice.on_event(event("ticket.called"))
    voice.close()


def test_voice_off_in_config_builds_nothing(caplog):
    with caplog.at_level(logging.INFO):
        announcer, reason = make_announcer(VoiceSection(enabled=False))
    assert announcer is None and reason == ""
    assert "voice is off" in caplog.text


def test_no_sound_device_is_one_clear_line_and_no_announcer(caplog, monkeypatch):
    import hardware.players

    # As on a Pi with no card (and this test machine): the real Player finds nothing.
    monkeypatch.setattr(hardware.players, "_detect_player", lambda: ("null", []))
    with caplog.at_level(logging.WARNING):
        announcer, reason = make_announcer(VoiceSection())
    assert announcer is None and reason == "no sound device"
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "no sound device" in lines[0].getMessage()


def test_config_reaches_the_announcer():
    announcer, _ = make_announcer(VoiceSection(english_repeat=True, max_age_s=30),
                                  FakePlayer(scale=0))
    try:
        assert isinstance(announcer, Announcer)
        assert announcer.english_repeat and announcer.max_age_s == 30
    finally:
        announcer.close()


def test_speaker_changes_reach_the_hub_in_order_within_its_limits(hub_process):
    from antrean.client import HubClient
    from display.voice import MESSAGE_MAX, SpeakerStatus

    status = SpeakerStatus()
    why = "the speech worker stopped (exit 1): Error processing file '" + "/x" * 150 + \
          "/phontab': No such file or directory."
    status.voice(False, why)
    status.voice(True, "")
    with HubClient(hub_process.url, hub_process.tokens["display"]) as client:
        status.flush(client)
        status.flush(client)  # nothing left: nothing sent twice
        seen = [e["data"] for e in _events(hub_process) if e["type"] == "device.status"]
    assert [(d["component"], d["ok"], d["status"]) for d in seen] == [
        ("speaker", False, "voice_out"), ("speaker", True, "ok")]
    assert len(seen[0]["message"]) <= MESSAGE_MAX
    assert seen[0]["message"].startswith("Suara mati — panggilan hanya tampil di layar")
    assert seen[0]["message"].endswith("No such file or directory.)")


def _events(hub):
    import json

    from websockets.sync.client import connect

    url = hub.url.replace("http://", "ws://") + "/api/v1/events?since=0"
    found = []
    with connect(url, additional_headers=hub.headers("lead")) as ws:
        while True:
            try:
                found.append(json.loads(ws.recv(timeout=0.5)))
            except TimeoutError:
                return [e for e in found if e.get("type") != "hello"]
