"""Spoken calls for the hall display: espeak-ng (via pyttsx3) → chime + sentence → player.

* :class:`Synthesizer` — one pyttsx3 engine on one dedicated thread fed by a queue.
  libespeak-ng has ONE global synthesis callback per process, so a second live engine makes
  the first hang forever; hence at most one open Synthesizer per process (a second one
  raises :class:`SpeechUnavailable` at once — share the first).
* :func:`render_announcement` — chime + sentence (+ English repeat) into one WAV.
* :class:`Player` (aplay / pw-play / nothing), :class:`FakePlayer`, :class:`KeepingPlayer`
  (in :mod:`hardware.players`); WAV helpers and the chime in :mod:`hardware.wav`.
* :class:`Announcer` — a worker that speaks calls one at a time, in order, and drops stale
  ones (a display replays old calls after a reconnect).
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
import wave
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from antrean.announce import call_sentence, recall_sentence, speech_text

from .players import NO_SOUND_MESSAGE, AudioPlayer, FakePlayer, KeepingPlayer, Player
from .wav import SPEECH_SAMPLE_RATE, concat_wavs, make_chime, wav_duration

__all__ = [
    "NO_SOUND_MESSAGE", "SPEECH_SAMPLE_RATE", "Announcement", "Announcer", "AudioPlayer",
    "FakePlayer", "KeepingPlayer", "Player", "Record", "SpeechUnavailable", "Synthesizer",
    "concat_wavs", "make_chime", "render_announcement", "wav_duration",
]

logger = logging.getLogger(__name__)


_ENGINE_SLOT = threading.Lock()  # held by the one open Synthesizer's engine thread


class SpeechUnavailable(Exception):
    """Speech cannot be produced: espeak-ng, pyttsx3 or the wanted voice is missing."""


@dataclass
class _Job:
    text: str
    path: Path
    lang: str
    future: Future[Path]


class Synthesizer:
    """Text → WAV with espeak-ng, on one engine thread; safe to call from many threads.

    ``rate`` is in words per minute, ``volume`` in 0..1; both apply to the next sentence.
    Voices for ``languages`` are checked at start; a missing one raises
    :class:`SpeechUnavailable` (pyttsx3 itself silently ignores an unknown voice).
    """

    def __init__(self, *, rate: int = 150, volume: float = 1.0,
                 languages: Sequence[str] = ("id",), driver: str = "espeak",
                 timeout_s: float = 10.0) -> None:
        if not 80 <= rate <= 450 or not 0.0 <= volume <= 1.0:
            raise ValueError(f"speech rate {rate} (80..450 words/min) or volume {volume} (0..1)")
        self.rate, self.volume = rate, volume
        self._languages, self._driver, self._timeout = tuple(languages), driver, timeout_s
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._voices: dict[str, str] = {}
        self._closed = False
        self._ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name="antrean-tts", daemon=True)
        self._thread.start()
        try:
            self._ready.result(timeout=timeout_s)
        except BaseException:
            self.close()
            raise

    def synthesize(self, text: str, path: str | os.PathLike[str], lang: str = "id") -> Path:
        """Write ``text`` spoken in ``lang`` to the WAV ``path``; block until written."""
        if self._closed:
            raise SpeechUnavailable("the synthesizer is closed")
        job = _Job(text, Path(path), lang, Future())
        self._jobs.put(job)
        try:
            return job.future.result(timeout=self._timeout)
        except TimeoutError:
            raise SpeechUnavailable(
                f"espeak-ng took over {self._timeout} s for one sentence") from None

    def close(self) -> None:
        """Stop the engine thread and release the engine; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout=5)

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        if not _ENGINE_SLOT.acquire(blocking=False):
            self._ready.set_exception(SpeechUnavailable(
                "another Synthesizer is open in this process; espeak-ng allows one engine "
                "per process — share it"))
            return
        # A collected pyttsx3 driver unhooks espeak's process-wide callback, also a newer
        # engine's: so the engine must be gone before the slot is released, and no
        # exception handed out may keep it alive through its traceback (_detached).
        try:
            engine = self._open_engine()
        except Exception as exc:
            self._ready.set_exception(_detached(exc))
        else:
            self._ready.set_result(None)
            while (job := self._jobs.get()) is not None:
                if job.future.set_running_or_notify_cancel():
                    try:
                        job.future.set_result(self._speak(engine, job))
                    except Exception as exc:
                        job.future.set_exception(_detached(exc))
            del engine
        gc.collect()
        _ENGINE_SLOT.release()
        with contextlib.suppress(queue.Empty):
            while (job := self._jobs.get_nowait()) is not None:
                job.future.set_exception(SpeechUnavailable("the synthesizer is closed"))

    def _open_engine(self) -> Any:
        try:
            import pyttsx3.engine

            engine = pyttsx3.engine.Engine(self._driver)  # not pyttsx3.init(): no shared cache
            voices = engine.getProperty("voices")
            self._wait_until_espeak_idle()
            engine.runAndWait()  # an empty run leaves the engine idle: settings apply at once
        except Exception as exc:
            raise SpeechUnavailable(
                f"cannot start espeak-ng through pyttsx3 (driver {self._driver!r}): {exc}; "
                "install libespeak-ng1 and espeak-ng-data") from exc
        for lang in self._languages:
            self._voices[lang] = _pick_voice(voices, lang)
        self._all_voices = voices
        return engine

    def _speak(self, engine: Any, job: _Job) -> Path:
        voice = self._voices.get(job.lang) or _pick_voice(self._all_voices, job.lang)
        self._voices[job.lang] = voice
        engine.setProperty("voice", voice)
        engine.setProperty("rate", int(self.rate))
        engine.setProperty("volume", float(self.volume))
        for _attempt in range(3):  # a retry is a safety net; waiting for idle suffices
            self._wait_until_espeak_idle()
            job.path.unlink(missing_ok=True)
            engine.save_to_file(job.text, str(job.path))
            with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved"
                engine.runAndWait()  # ONE utterance per run: more would overwrite each other
            if engine.getProperty("voice") != voice:
                raise SpeechUnavailable(f"espeak-ng refused the voice {voice!r}")
            if job.path.exists() and job.path.stat().st_size > 44:
                return job.path
        raise SpeechUnavailable(f"espeak-ng wrote no audio for {job.text!r}")

    def _wait_until_espeak_idle(self, timeout_s: float = 2.0) -> None:
        # espeak-ng runs sentences and settings on its own thread; while it reports itself
        # busy, pyttsx3's runAndWait() cancels the sentence it starts (no WAV, ~1 in 150).
        if self._driver != "espeak":
            return
        from pyttsx3.drivers import _espeak

        deadline = time.monotonic() + timeout_s
        while _espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.001)


def _detached(exc: Exception) -> Exception:
    """A copy of ``exc`` without its traceback (whose frames may hold the engine)."""
    try:
        return type(exc)(*exc.args)
    except Exception:
        return SpeechUnavailable(str(exc))


def _pick_voice(voices: Iterable[Any], lang: str) -> str:
    """The espeak-ng voice id for ``lang``: "poz/id" for "id", "gmw/en" for "en"."""
    ranked = []
    for v in voices:
        vid, langs = str(v.id).lower(), [str(x).lower() for x in (v.languages or [])]
        if vid.startswith("mb/"):
            continue  # MBROLA voices need extra packages and speak at another rate
        if vid == lang or vid.endswith("/" + lang):
            ranked.append((0, vid))
        elif lang in langs:
            ranked.append((1, vid))
        elif any(x.startswith(lang + "-") for x in langs):
            ranked.append((2, vid))
    if not ranked:
        raise SpeechUnavailable(f"espeak-ng has no voice for language {lang!r}; "
                                "install espeak-ng-data")
    return min(ranked)[1]


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
    "silent" (no speech engine) or "failed"; ``start``/``end`` are ``time.monotonic()``."""

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
    ``driver``); if speech is unavailable it logs once and goes on silently — the screen
    must keep working. Outcomes go to :attr:`history`; ``on_start``/``on_done`` are called
    around playback with ``time.monotonic()``. ``now`` replaces the wall clock in tests.
    """

    def __init__(self, player: AudioPlayer, *, lang: str = "id", english_repeat: bool = False,
                 rate: int = 150, volume: float = 1.0, max_age_s: float = 120.0,
                 synth: Synthesizer | None = None, driver: str = "espeak",
                 on_start: Hook | None = None, on_done: Hook | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        call_sentence("A1", 1, lang)  # an unknown language fails here, not in the worker
        self.lang, self.english_repeat, self.max_age_s = lang, english_repeat, max_age_s
        self.on_start, self.on_done, self._now = on_start, on_done, now
        self.history: deque[Record] = deque(maxlen=1000)
        self._player, self._synth, self._own_synth = player, synth, synth is None
        self._synth_kw: dict[str, Any] = {"rate": rate, "volume": volume, "driver": driver,
                                          "languages": {lang, "en"} if english_repeat else {lang}}
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
        if self._own_synth and self._synth is not None:
            self._synth.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        if self._own_synth:
            try:
                self._synth = Synthesizer(**self._synth_kw)
            except Exception as exc:
                logger.warning("speech unavailable, calls are only shown: %s", exc)
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
        if self._synth is None:
            self.history.append(Record(item, "silent", sentence))
            return
        # named after the call: a KeepingPlayer keeps it under this name (0003-A012-loket3)
        wav = self._tmp / f"{item.number}-loket{item.counter}{'-ulang' if item.recall else ''}.wav"
        render_announcement(item.number, item.counter, wav, self.lang, self.english_repeat,
                            self._synth, recall=item.recall)
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
