"""Speech with real espeak-ng WAVs (no mocked engine) and the announcer's ordering rules."""

from __future__ import annotations

import glob
import math
import os
import signal
import threading
import time
import wave
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hardware.speech import (
    Announcer,
    FakePlayer,
    KeepingPlayer,
    Player,
    SpeechUnavailable,
    Synthesizer,
    concat_wavs,
    make_chime,
    render_announcement,
    wav_duration,
)

AUDIBLE = 0.02  # RMS as a fraction of full scale; espeak speech is ~0.09, silence 0


def rms(path: Path, start_s: float = 0.0, end_s: float | None = None) -> float:
    """RMS of a 16-bit WAV (all channels) between two times, as a fraction of full scale."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        rate, ch = w.getframerate(), w.getnchannels()
        samples = array("h", w.readframes(w.getnframes()))
    part = samples[int(start_s * rate) * ch:None if end_s is None else int(end_s * rate) * ch]
    return math.sqrt(sum(s * s for s in part) / max(1, len(part))) / 32768


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every test must stop the threads it starts (the engine and the announcer worker)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while (leaked := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def synth() -> Iterator[Synthesizer]:
    """The one espeak-ng engine a process may have, with both voices checked."""
    with Synthesizer(languages=("id", "en")) as s:
        yield s


def test_render_announcement_is_audible_and_of_plausible_length(tmp_path: Path,
                                                                 synth: Synthesizer) -> None:
    out = tmp_path / "call.wav"
    sentence = render_announcement("A012", 3, out, synth=synth)
    assert sentence == "Nomor antrean A dua belas, silakan menuju loket tiga."
    assert 2.0 < wav_duration(out) < 9.0
    assert rms(out) > AUDIBLE
    assert rms(out, 0.0, 0.85) > AUDIBLE  # the chime
    assert rms(out, 1.2) > AUDIBLE  # the sentence after the gap


def test_english_repeat_and_recall_make_one_longer_wav(tmp_path: Path,
                                                       synth: Synthesizer) -> None:
    plain, both = tmp_path / "plain.wav", tmp_path / "both.wav"
    render_announcement("C305", 12, plain, synth=synth)
    text = render_announcement("C305", 12, both, english_repeat=True, synth=synth, recall=True)
    assert text.splitlines() == [
        "Panggilan ulang, nomor antrean C tiga ratus lima, silakan menuju loket dua belas.",
        "Repeat call, queue number C three hundred and five, please proceed to counter twelve.",
    ]
    assert wav_duration(both) > wav_duration(plain) + 2.5
    assert rms(both, wav_duration(both) - 3) > AUDIBLE  # the English part is spoken


def test_render_without_synth_opens_and_closes_its_own(tmp_path: Path) -> None:
    render_announcement("B120", 1, tmp_path / "a.wav", lang="en")
    with Synthesizer() as s:  # the engine slot was released
        assert s.synthesize("satu", tmp_path / "b.wav").stat().st_size > 1000


def test_chime_is_about_one_second_and_not_silent(tmp_path: Path) -> None:
    chime = make_chime(tmp_path / "chime.wav")
    assert 0.8 <= wav_duration(chime) <= 1.1
    assert rms(chime) > AUDIBLE
    with wave.open(str(chime), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
    assert rms(chime, 0.89) < 0.01  # faded out, no click at the end


def test_concat_converts_rate_width_and_channels(tmp_path: Path) -> None:
    first = make_chime(tmp_path / "a.wav", 22050)
    other = tmp_path / "b.wav"
    with wave.open(str(other), "wb") as w:  # 8-bit stereo at 8 kHz, a 440 Hz tone, 0.5 s
        w.setnchannels(2)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(int(128 + 100 * math.sin(2 * math.pi * 440 * i / 8000))
                            for i in range(4000) for _ in range(2)))
    out = concat_wavs([first, other], tmp_path / "out.wav", gap_s=0.2)
    with wave.open(str(out), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
    assert wav_duration(out) == pytest.approx(0.9 + 0.2 + 0.5, abs=0.01)
    assert rms(out, 1.15) > 0.3  # the tone survived the conversion


def test_synthesizer_from_three_threads_gives_three_wavs(tmp_path: Path,
                                                        synth: Synthesizer) -> None:
    texts = {n: f"Nomor antrean A {w}, silakan menuju loket satu."
             for n, w in enumerate(["satu", "dua puluh tiga", "seratus sebelas"])}
    results: dict[int, Path] = {}
    barrier = threading.Barrier(3)
    worker = synth.pid

    def work(n: int) -> None:
        barrier.wait()
        results[n] = synth.synthesize(texts[n], tmp_path / f"{n}.wav")

    workers = [threading.Thread(target=work, args=(n,)) for n in texts]
    for t in workers:
        t.start()
    for t in workers:
        t.join(10)
    assert sorted(results) == [0, 1, 2]
    assert all(rms(p) > AUDIBLE and 1.0 < wav_duration(p) < 6.0 for p in results.values())
    assert wav_duration(results[0]) < wav_duration(results[2])  # each got its own text
    assert synth.pid == worker  # one worker process spoke all three


def test_every_sentence_gets_its_wav_across_many_engines(tmp_path: Path) -> None:
    """pyttsx3 used to drop a sentence now and then (no WAV, about 1 in 150) when engines
    shared a process. 100 in a row, over 10 worker processes, must all succeed."""
    for engine in range(10):
        with Synthesizer(languages=("id", "en")) as s:
            for n in range(10):  # switching voices makes espeak busiest
                lang = ("id", "en")[n % 2]
                path = s.synthesize(f"A {engine}{n}", tmp_path / f"{engine}-{n}.wav", lang)
                assert path.stat().st_size > 10_000


def test_a_missing_voice_or_engine_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(SpeechUnavailable, match="no voice for language 'zz'"):
        Synthesizer(languages=("zz",))
    with pytest.raises(SpeechUnavailable, match="cannot start espeak-ng"):
        Synthesizer(driver="no_such_driver")
    with Synthesizer() as s, Synthesizer() as other:  # engines in processes of their own
        with pytest.raises(SpeechUnavailable, match="'zz'"):
            s.synthesize("satu", tmp_path / "x.wav", lang="zz")
        assert s.synthesize("satu", tmp_path / "a.wav").exists()  # still works after errors
        assert rms(other.synthesize("dua", tmp_path / "b.wav")) > AUDIBLE
        assert s.pid != other.pid
    s.close()  # twice is fine
    with pytest.raises(SpeechUnavailable, match="closed"):
        s.synthesize("tiga", tmp_path / "c.wav")


def test_a_missing_data_folder_is_an_error_not_an_exit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libespeak-ng calls exit() without its data folder: the worker dies, not we."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(tmp_path / "empty"))
    with pytest.raises(SpeechUnavailable, match="phontab"):  # espeak-ng's own words
        Synthesizer()


def espeak_data() -> Path:
    """This machine's espeak-ng data folder (its place depends on the architecture)."""
    found = [Path(p) for p in glob.glob("/usr/lib/*/espeak-ng-data")
             + ["/usr/share/espeak-ng-data"] if Path(p, "phontab").exists()]
    assert found, "espeak-ng-data is not installed"
    return found[0]


def test_the_voice_comes_back_once_its_data_folder_is_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "espeak"
    folder.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(folder))
    states: list[tuple[bool, str]] = []
    with Synthesizer(keep_trying=True, backoff=(0.1, 0.5),
                     on_state=lambda up, why: states.append((up, why))) as s:
        assert not s.wait_up(1.0)
        with pytest.raises(SpeechUnavailable, match="phontab"):
            s.synthesize("satu", tmp_path / "x.wav")  # at once: the voice is out
        (folder / "espeak-ng-data").symlink_to(espeak_data())  # apt install espeak-ng-data
        assert s.wait_up(10.0)
        assert rms(s.synthesize("Nomor antrean A satu", tmp_path / "a.wav")) > AUDIBLE
    assert [up for up, _ in states] == [False, True]
    assert "phontab" in states[0][1]


def test_a_killed_worker_is_replaced_and_its_sentence_spoken(tmp_path: Path) -> None:
    states: list[tuple[bool, str]] = []
    with Synthesizer(keep_trying=True, backoff=(0.1, 0.5),
                     on_state=lambda up, why: states.append((up, why))) as s:
        assert s.wait_up(10.0)
        first = s.pid
        assert first is not None
        s.synthesize("satu", tmp_path / "a.wav")
        os.kill(first, signal.SIGKILL)
        # The next sentence waits for the new worker rather than being lost.
        assert rms(s.synthesize("Nomor antrean A dua", tmp_path / "b.wav")) > AUDIBLE
        assert s.pid not in (None, first)
    assert states == [(False, "the speech worker stopped (signal 9)"), (True, "")]


def test_announcer_plays_calls_in_order_without_overlap(synth: Synthesizer) -> None:
    player = FakePlayer(scale=0.05)  # a ~4 s call plays for ~0.2 s
    starts: list[str] = []
    with Announcer(player, synth=synth,
                   on_start=lambda item, t: starts.append(item.number)) as announcer:
        numbers = ["A001", "A002", "B120", "A003", "C305"]
        for n in numbers:
            announcer.announce(n, 2, at=datetime.now())
            time.sleep(0.1)
        assert announcer.wait_idle(8)
    spoken = list(announcer.history)
    assert [r.item.number for r in spoken] == numbers == starts
    assert all(r.status == "spoken" for r in spoken)
    assert len(player.played) == 5 and all(2 < d < 9 for _, d in player.played)
    for before, after in zip(spoken, spoken[1:], strict=False):
        assert before.end is not None and after.start is not None
        assert after.start >= before.end


def test_kept_wavs_are_named_by_ticket_number_and_counter(synth: Synthesizer,
                                                          tmp_path: Path) -> None:
    kept = tmp_path / "voice"
    with Announcer(KeepingPlayer(kept, FakePlayer(scale=0)), synth=synth) as announcer:
        announcer.announce("A012", 3)
        announcer.announce("B105", 1)
        announcer.announce("A012", 3, recall=True)
        assert announcer.wait_idle(15)
    assert sorted(p.name for p in kept.iterdir()) == [
        "0001-A012-loket3.wav", "0002-B105-loket1.wav", "0003-A012-loket3-ulang.wav"]
    assert rms(kept / "0002-B105-loket1.wav") > 0.02  # the whole call, not an empty file


def test_announcer_drops_calls_that_are_too_old(synth: Synthesizer) -> None:
    player = FakePlayer(scale=0)
    with Announcer(player, synth=synth) as announcer:
        announcer.announce("A001", 1, at=datetime.now() - timedelta(minutes=5))
        announcer.announce("A002", 1, at=datetime.now(UTC) - timedelta(minutes=5))
        announcer.announce("A003", 1, at=datetime.now(UTC) - timedelta(seconds=30))
        announcer.announce("A004", 1, recall=True, at=datetime.now())
        announcer.announce("A005", 1)
        assert announcer.wait_idle(8)
    assert [(r.item.number, r.status) for r in announcer.history] == [
        ("A001", "stale"), ("A002", "stale"), ("A003", "spoken"), ("A004", "spoken"),
        ("A005", "spoken")]
    assert len(player.played) == 3
    assert announcer.history[3].sentence.startswith("Panggilan ulang, nomor antrean A empat")


def test_announcer_without_speech_keeps_running(caplog: pytest.LogCaptureFixture) -> None:
    player = FakePlayer(scale=0)
    with Announcer(player, driver="no_such_driver") as announcer:
        announcer.announce("A001", 1)
        announcer.announce("A002", 2)
        assert announcer.wait_idle(5)
    assert [r.status for r in announcer.history] == ["silent", "silent"]
    assert player.played == []
    assert sum("speech unavailable" in r.message for r in caplog.records) == 1


class BrokenPlayer(FakePlayer):
    def play(self, path: Path) -> None:
        super().play(path)
        if len(self.played) == 1:
            raise RuntimeError("device busy")


def test_a_failed_playback_does_not_stop_the_worker(synth: Synthesizer) -> None:
    with Announcer(BrokenPlayer(scale=0), synth=synth, english_repeat=True) as announcer:
        announcer.announce("A001", 1)
        announcer.announce("A002", 1)
        with pytest.raises(ValueError):
            announcer.announce("bad", 1)
        assert announcer.wait_idle(8)
    assert [r.status for r in announcer.history] == ["failed", "spoken"]


def test_close_cuts_off_a_long_call_within_the_timeout(synth: Synthesizer) -> None:
    announcer = Announcer(FakePlayer(scale=10), synth=synth)
    for n in range(1, 4):
        announcer.announce(f"A{n}", 1)
    time.sleep(0.3)  # the first one is playing now (for ~40 s)
    started = time.monotonic()
    announcer.close(timeout=0.5)
    assert time.monotonic() - started < 1.5
    announcer.close()
    assert [r.item.number for r in announcer.history] == ["A1"]


def test_player_without_a_sound_device_says_so_once(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no aplay, no pw-play
    player = Player()
    assert player.kind == "null"
    player.play(make_chime(tmp_path / "c.wav"))
    player.stop()
    assert [r.message for r in caplog.records if "Tidak ada perangkat suara" in r.message] \
        == [r.message for r in caplog.records]
    assert len(caplog.records) == 1
