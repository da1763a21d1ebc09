"""Spoken calls: synthesis time per sentence, and event received -> audio starts.

    .venv/bin/python bench/announce.py [N]

1. Synthesis: espeak-ng (pyttsx3 in the speech worker process) for A001, A012, B120, C305
   at counters 1-12 — the sentence alone, and the whole announcement WAV (chime +
   sentence). Also: a worker's start (spawn -> ready), and a ``kill -9`` of the worker ->
   the next sentence written by its successor.
2. Latency, on the display's real path against a real hub process: a counter calls, the
   display's event stream receives ``ticket.called`` ("event received"), the Voice hands it
   to the Announcer, which renders the WAV and starts the player ("audio starts": the
   player's ``play()`` is entered). Calls are spaced so none waits behind another.
   The loudspeaker is a FakePlayer (this machine has no sound card); the cost of starting
   ``aplay`` is measured on its own against ALSA's null device.

Target (issue 5): event received -> audio starts p99 <= 300 ms.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import HubProcess, pct, summary

from antrean.announce import speech_text
from antrean.client import HubClient
from display.config import VoiceSection
from display.feed import HubFeed
from display.voice import Voice, make_announcer
from hardware.speech import FakePlayer, Synthesizer, render_announcement, wav_duration
from hardware.synthesizer import HEALTHY_S

NUMBERS = ("A001", "A012", "B120", "C305")


def bench_synthesis(tmp: Path) -> None:
    sentence_ms, full_ms, seconds = [], [], []
    with Synthesizer() as synth:
        synth.synthesize("Nomor antrean A satu.", tmp / "warm.wav")  # first-use costs
        for number in NUMBERS:
            for counter in range(1, 13):
                t = time.perf_counter()
                synth.synthesize(speech_text(number, counter), tmp / "s.wav")
                sentence_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                render_announcement(number, counter, tmp / "a.wav", synth=synth)
                full_ms.append((time.perf_counter() - t) * 1000)
                seconds.append(wav_duration(tmp / "a.wav"))
    print(f"synthesis, sentence only:         {summary(sentence_ms)}")
    print(f"synthesis, chime + sentence WAV:  {summary(full_ms)}")
    print(f"announcement length: {min(seconds):.2f}-{max(seconds):.2f} s "
          f"(median {statistics.median(seconds):.2f} s)")


def bench_worker(tmp: Path, runs: int = 3) -> None:
    """A worker's start, and kill -9 -> the next sentence written, for a worker that had
    served HEALTHY_S (replaced at once) and for one that had not (after the back-off)."""
    starts: list[float] = []
    recoveries: dict[bool, list[float]] = {True: [], False: []}
    for run in range(2 * runs):
        served = run % 2 == 0
        t = time.perf_counter()
        with Synthesizer(keep_trying=True) as synth:
            synth.wait_up(30)
            starts.append((time.perf_counter() - t) * 1000)
            synth.synthesize("satu", tmp / "w.wav")
            if served:
                time.sleep(HEALTHY_S)
            pid = synth.pid
            assert pid is not None
            t = time.perf_counter()
            os.kill(pid, signal.SIGKILL)
            synth.synthesize("Nomor antrean A satu", tmp / "w.wav")
            recoveries[served].append((time.perf_counter() - t) * 1000)
    print(f"speech worker start (spawn -> ready):      {summary(starts)}")
    print(f"kill -9 -> next sentence, worker had served {HEALTHY_S:g} s: "
          f"{summary(recoveries[True])}")
    print(f"kill -9 -> next sentence, a young worker (0.5 s back-off): "
          f"{summary(recoveries[False])}")


def bench_aplay(tmp: Path) -> None:
    aplay = shutil.which("aplay")
    if not aplay:
        print("aplay start: aplay not installed")
        return
    from hardware.speech import make_chime

    wav = make_chime(tmp / "chime.wav")
    runs = []
    for _ in range(20):
        t = time.perf_counter()
        proc = subprocess.Popen([aplay, "-q", "-D", "null", str(wav)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.wait()
        runs.append((time.perf_counter() - t) * 1000)
    print(f"aplay start + null-device play (0.9 s chime, not real time): {summary(runs)}")


def bench_latency(tmp: Path, n: int, warmup: int = 5) -> None:
    hub = HubProcess(tmp / "hub")
    hub.make_tokens()
    hub.start()
    received: dict[str, float] = {}
    started: dict[str, float] = {}
    posted: dict[str, float] = {}
    done = threading.Event()

    def on_start(item, t):  # the Announcer's hook: play() is about to be entered
        started[item.number] = t
        done.set()

    announcer, _ = make_announcer(VoiceSection(), FakePlayer(scale=0.01), on_start=on_start)
    kiosk = HubClient(hub.url, hub.tokens["kiosk"])
    counter = HubClient(hub.url, hub.tokens["counter"])
    display = HubClient(hub.url, hub.tokens["display"])
    feed = None
    try:
        voice = Voice(announcer)

        def on_event(event):
            if event.get("type") == "ticket.called":
                received[event["ticket"]["number"]] = time.monotonic()
            voice.on_event(event)

        connected = threading.Event()
        feed = HubFeed(display, on_event=on_event, on_snapshot=lambda s: None,
                       on_connection=lambda up: connected.set() if up else None).start()
        connected.wait(10)
        for _ in range(n + warmup):
            kiosk.issue("adminduk")
        for _ in range(n + warmup):
            done.clear()
            t = time.monotonic()
            number = counter.call_next(1)["number"]
            posted[number] = t
            done.wait(10)
            announcer.wait_idle(10)
            time.sleep(0.05)
    finally:
        if feed is not None:
            feed.close()
        announcer.close()
        for c in (kiosk, counter, display):
            c.close()
        hub.stop()
    order = sorted(started, key=started.get)[warmup:]
    lat = [(started[k] - received[k]) * 1000 for k in order]
    total = [(started[k] - posted[k]) * 1000 for k in order]
    print(f"event received -> audio starts:   {summary(lat)}"
          f"   {'OK' if pct(lat, 99) <= 300 else 'OVER'} (target p99 <= 300 ms)")
    print(f"counter call -> audio starts:     {summary(total)}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory(prefix="bench-announce-") as tmp:
        bench_synthesis(Path(tmp))
        bench_worker(Path(tmp))
        bench_aplay(Path(tmp))
        bench_latency(Path(tmp), n)


if __name__ == "__main__":
    main()
