"""Spoken calls for the hall display: espeak-ng (via pyttsx3) → chime + sentence → player.

* :class:`Synthesizer` (in :mod:`hardware.synthesizer`) — text → WAV in the speech worker
  process (:mod:`hardware.speech_worker`), restarted when it dies: a voice fault never
  takes the display down.
* :func:`render_announcement` — chime + sentence (+ English repeat) into one WAV.
* :class:`Player` (aplay / pw-play / nothing), :class:`FakePlayer`, :class:`KeepingPlayer`
  (in :mod:`hardware.players`); WAV helpers and the chime in :mod:`hardware.wav`.
* :class:`Announcer` — a worker that speaks calls one at a time, in order, and drops stale
  ones (a display replays old calls after a reconnect).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from antrean.announce import call_sentence, recall_sentence, speech_text

from .players import NO_SOUND_MESSAGE, AudioPlayer, FakePlayer, KeepingPlayer, Player
from .synthesizer import SpeechUnavailable, StateHook, Synthesizer
from .wav import SPEECH_SAMPLE_RATE, concat_wavs, make_chime, wav_duration

__all__ = [
    "NO_SOUND_MESSAGE", "SPEECH_SAMPLE_RATE", "Announcement", "Announcer", "AudioPlayer",
    "FakePlayer", "KeepingPlayer", "Player", "Record", "SpeechUnavailable", "Synthesizer",
    "concat_wavs", "make_chime", "render_announcement", "wav_duration",
]

logger = logging.getLogger(__name__)


def render_announcement(number: str, counter: int, path: str | os.PathLike[str],
                        lang: str = "id", english_repeat: bool = False,
                        synth: Synthesizer | None = None, *, recall: bool = False) -> str:
    """Write chime + spoken call (+ an English repeat) into ONE WAV at ``path``.

    Returns the display sentence (see :mod:`antrean.announce`); with ``english_repeat``
    the English sentence follows on a second line. Without ``synth`` a Synthesizer is
    opened and closed for this one call. Raises ValueError for a bad number or counter,
    :class:`SpeechUnavailable` when speech cannot be produced.
    """
    langs = [lang] + (["en"] if english_repeat and lang != "en" else [])
    shown = [(recall_sentence if recall else call_sentence)(number, counter, lg) for lg in langs]
    own = synth is None
    engine = synth or Synthesizer(languages=langs)
    try:
        with tempfile.TemporaryDirectory(prefix="antrean-speech-") as tmp:
            spoken = [engine.synthesize(speech_text(number, counter, lg, recall=recall),
                                        Path(tmp) / f"say-{lg}.wav", lg) for lg in langs]
            with wave.open(str(spoken[0]), "rb") as w:
                rate = w.getframerate()
            concat_wavs([make_chime(Path(tmp) / "chime.wav", rate), *spoken], path)
    finally:
        if own:
            engine.close()
    return "\n".join(shown)


# --- the announcer ---------------------------------------------------------------------

@dataclass(frozen=True)
class Announcement:
    """One call to speak; ``at`` is when it was made (wall clock, naive local or aware)."""

    number: str
    counter: int
    recall: bool = False
    at: datetime | None = None


@dataclass
class Record:
    """An announcement's outcome: ``status`` is "spoken", "stale" (too old, dropped),
    "silent" (the voice is out) or "failed"; ``start``/``end`` are ``time.monotonic()``."""

    item: Announcement
    status: str
    sentence: str = ""
    start: float | None = None
    end: float | None = None


Hook = Callable[[Announcement, float], None]


class Announcer:
    """Speaks calls one at a time, in order, never overlapping, on one worker thread.

    :meth:`announce` only enqueues. A call whose ``at`` is more than ``max_age_s`` old
    when its turn comes is dropped (a display replays old calls after a reconnect).
    Without ``synth`` the Announcer opens its own Synthesizer (``rate``, ``volume``,
    ``driver``, ``backoff``) that keeps trying: while the voice is out a call is only
    shown (status "silent") — the screen must keep working — and ``on_voice(up, reason)``
    hears when the voice goes out or comes back. Outcomes go to :attr:`history`;
    ``on_start``/``on_done`` are called around playback with ``time.monotonic()``. ``now``
    replaces the wall clock in tests.
    """

    def __init__(self, player: AudioPlayer, *, lang: str = "id", english_repeat: bool = False,
                 rate: int = 150, volume: float = 1.0, max_age_s: float = 120.0,
                 synth: Synthesizer | None = None, driver: str = "espeak",
                 backoff: tuple[float, float] = (0.5, 30.0),
                 on_start: Hook | None = None, on_done: Hook | None = None,
                 on_voice: StateHook | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        call_sentence("A1", 1, lang)  # an unknown language fails here, not in the worker
        self.lang, self.english_repeat, self.max_age_s = lang, english_repeat, max_age_s
        self.on_start, self.on_done, self._now = on_start, on_done, now
        self.history: deque[Record] = deque(maxlen=1000)
        self._own_synth = synth is None
        self.synth = synth or Synthesizer(
            rate=rate, volume=volume, driver=driver, backoff=backoff, keep_trying=True,
            languages=[lang, "en"] if english_repeat else [lang], on_state=on_voice)
        self._player = player
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending, self._closed, self._faults = 0, False, set[str]()
        self._tmp = Path(tempfile.mkdtemp(prefix="antrean-announce-"))
        self._thread = threading.Thread(target=self._run, name="antrean-announcer", daemon=True)
        self._thread.start()

    def announce(self, number: str, counter: int, recall: bool = False,
                 at: datetime | None = None) -> None:
        """Queue a call and return at once; a bad number or counter raises ValueError."""
        call_sentence(number, counter, self.lang)
        if self._closed:
            logger.debug("announcer closed; %s not announced", number)
            return
        with self._idle:
            self._pending += 1
        self._queue.put(Announcement(number, counter, recall, at))

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued call is handled; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Drop calls not yet started, give the one playing ``timeout`` s to finish (then
        cut it off), stop the worker and an own Synthesizer. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(queue.Empty):
            while self._queue.get_nowait():
                self._finished()
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._player.stop()
            self._thread.join(timeout)
        if self._own_synth:
            self.synth.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self._handle(item)
            except Exception as exc:
                self._fault("synth", "announcing %s failed: %s", item.number, exc)
                self.history.append(Record(item, "failed"))
            finally:
                self._finished()

    def _handle(self, item: Announcement) -> None:
        sentence = (recall_sentence if item.recall else call_sentence)(
            item.number, item.counter, self.lang)
        if item.at is not None:
            now = self._now() if self._now else datetime.now(item.at.tzinfo)
            if (age := (now - item.at).total_seconds()) > self.max_age_s:
                logger.info("not announcing %s (counter %d): called %.0f s ago",
                            item.number, item.counter, age)
                self.history.append(Record(item, "stale", sentence))
                return
        # named after the call: a KeepingPlayer keeps it under this name (0003-A012-loket3)
        wav = self._tmp / f"{item.number}-loket{item.counter}{'-ulang' if item.recall else ''}.wav"
        try:
            render_announcement(item.number, item.counter, wav, self.lang, self.english_repeat,
                                self.synth, recall=item.recall)
        except SpeechUnavailable as exc:  # the voice is out: the Synthesizer has said so
            logger.debug("%s shown, not spoken: %s", item.number, exc)
            self.history.append(Record(item, "silent", sentence))
            return
        record = Record(item, "failed", sentence, start=time.monotonic())
        self._hook(self.on_start, item, record.start)
        try:
            self._player.play(wav)
            record.status = "spoken"
            self._faults.clear()
        except Exception as exc:
            self._fault("play", "playing %s failed: %s", item.number, exc)
        finally:
            wav.unlink(missing_ok=True)
        record.end = time.monotonic()
        self.history.append(record)
        self._hook(self.on_done, item, record.end)

    def _hook(self, hook: Hook | None, item: Announcement, t: float | None) -> None:
        if hook is not None and t is not None:
            try:
                hook(item, t)
            except Exception:
                logger.exception("announcer hook failed")  # a listener never hurts the sender

    def _fault(self, kind: str, msg: str, *args: object) -> None:
        # A fault that repeats (a dead sound device) is logged once, then at DEBUG.
        logger.log(logging.DEBUG if kind in self._faults else logging.WARNING, msg, *args)
        self._faults.add(kind)

    def _finished(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()
