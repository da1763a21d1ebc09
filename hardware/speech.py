"""Spoken calls for the hall display: espeak-ng (via pyttsx3) → chime + sentence → player.

* :class:`Synthesizer` — one pyttsx3 engine on one dedicated thread fed by a queue.
  libespeak-ng has ONE global synthesis callback per process, so a second live engine makes
  the first hang forever; hence at most one open Synthesizer per process (a second one
  raises :class:`SpeechUnavailable` at once — share the first).
* :func:`render_announcement` — chime + sentence (+ English repeat) into one WAV.
* :class:`Player` (aplay / pw-play / nothing) and :class:`FakePlayer`.
* :class:`Announcer` — a worker that speaks calls one at a time, in order, and drops stale
  ones (a display replays old calls after a reconnect).
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import math
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from antrean.announce import call_sentence, recall_sentence, speech_text

__all__ = [
    "SPEECH_SAMPLE_RATE", "Announcement", "Announcer", "AudioPlayer", "FakePlayer", "Player",
    "Record", "SpeechUnavailable", "Synthesizer", "concat_wavs", "make_chime",
    "render_announcement", "wav_duration",
]

logger = logging.getLogger(__name__)

SPEECH_SAMPLE_RATE = 22050
"""Rate of the WAVs pyttsx3's espeak driver writes; the chime is made at the same rate."""

NO_SOUND_MESSAGE = (
    "Tidak ada perangkat suara — pengumuman hanya tampil di layar "
    "(no sound device: announcements are shown on screen only)"
)

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


# --- WAV helpers ---------------------------------------------------------------------

def _read_wav(path: Path) -> tuple[int, int, array]:
    """(rate, channels, 16-bit samples) of any 8/16/24/32-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width == 2:
        samples = array("h", raw)
        if sys.byteorder == "big":
            samples.byteswap()
    elif width == 1:
        samples = array("h", ((b - 128) << 8 for b in raw))
    elif width in (3, 4):
        samples = array("h", (int.from_bytes(raw[i + width - 2:i + width], "little", signed=True)
                              for i in range(0, len(raw), width)))
    else:
        raise ValueError(f"{path}: unsupported sample width {width}")
    return rate, ch, samples


def _convert(samples: array, rate: int, ch: int, to_rate: int, to_ch: int) -> array:
    if ch != to_ch:
        frames = [samples[i:i + ch] for i in range(0, len(samples), ch)]
        mono = [sum(f) // ch for f in frames]
        samples = array("h", (s for s in mono for _ in range(to_ch)))
        ch = to_ch
    if rate == to_rate or not samples:
        return samples
    n_in, n_out = len(samples) // ch, int(len(samples) // ch * to_rate / rate)
    out = array("h")
    for j in range(n_out):  # linear interpolation per channel
        x = j * rate / to_rate
        i = min(int(x), n_in - 1)
        k, frac = min(i + 1, n_in - 1), x - int(x)
        for c in range(ch):
            a, b = samples[i * ch + c], samples[k * ch + c]
            out.append(int(a + (b - a) * frac))
    return out


def _write_wav(path: Path, rate: int, ch: int, samples: array) -> None:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(ch)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def wav_duration(path: str | os.PathLike[str]) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


@lru_cache(maxsize=4)
def _chime_samples(rate: int) -> array:
    # A descending major triad (G5 E5 C5), each note a soft bell: sine + octave, decaying.
    total, notes = 0.9, ((0.0, 784.0), (0.25, 659.3), (0.5, 523.3))
    n = int(total * rate)
    mix = [0.0] * n
    for onset, freq in notes:
        for i in range(int(onset * rate), n):
            t = i / rate - onset
            env = min(1.0, t / 0.01) * math.exp(-t / 0.22)
            phase = 2 * math.pi * freq * t
            mix[i] += env * (math.sin(phase) + 0.25 * math.sin(2 * phase))
    fade = int(0.06 * rate)
    peak = max(abs(v) for v in mix) or 1.0
    scale = 0.5 * 32767 / peak  # peak at half scale: espeak's speech peaks near 0.8
    return array("h", (int(scale * v * min(1.0, (n - i) / fade)) for i, v in enumerate(mix)))


def make_chime(path: str | os.PathLike[str], sample_rate: int = SPEECH_SAMPLE_RATE) -> Path:
    """Write a ~0.9 s three-tone chime (mono, 16-bit) to ``path``; return the path."""
    out = Path(path)
    _write_wav(out, sample_rate, 1, _chime_samples(sample_rate))
    return out


def concat_wavs(parts: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str],
                gap_s: float = 0.2) -> Path:
    """Join WAVs into ``out`` with ``gap_s`` of silence between them.

    The output is 16-bit at the first part's rate and channel count; other parts are
    converted (width, channels) and resampled (linear) as needed.
    """
    if not parts:
        raise ValueError("concat_wavs needs at least one WAV")
    rate, ch, joined = _read_wav(Path(parts[0]))
    gap = array("h", bytes(2 * ch * int(gap_s * rate)))
    for part in parts[1:]:
        r, c, samples = _read_wav(Path(part))
        joined.extend(gap)
        joined.extend(_convert(samples, r, c, rate, ch))
    _write_wav(Path(out), rate, ch, joined)
    return Path(out)


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


# --- players ---------------------------------------------------------------------------

class AudioPlayer(Protocol):
    """What the Announcer needs: play a WAV to its end; ``stop()`` cuts it off (shutdown)."""

    def play(self, path: Path) -> None: ...

    def stop(self) -> None: ...


class Player:
    """Plays a WAV and blocks until done: ``pw-play`` when PipeWire runs, else ``aplay -q``
    when ALSA lists a card, else ``kind == "null"``: one line is logged and :meth:`play`
    does nothing. Detected once, at construction."""

    def __init__(self) -> None:
        self.kind, self._cmd = _detect_player()
        self._proc: subprocess.Popen[bytes] | None = None
        if self.kind == "null":
            logger.warning(NO_SOUND_MESSAGE)

    def play(self, path: Path) -> None:
        """Play ``path`` to the end; raise RuntimeError if the player fails."""
        if not self._cmd:
            return
        self._proc = proc = subprocess.Popen([*self._cmd, str(path)],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.communicate()[1].decode(errors="replace").strip()
        self._proc = None
        if proc.returncode not in (0, -15):  # -15: SIGTERM from stop()
            raise RuntimeError(f"{self.kind} failed ({proc.returncode}): {err}")

    def stop(self) -> None:
        """Cut off the sound playing now (used only on shutdown)."""
        if (proc := self._proc) is not None and proc.poll() is None:
            proc.terminate()


def _detect_player() -> tuple[str, list[str]]:
    runtime = (os.environ.get("PIPEWIRE_RUNTIME_DIR") or os.environ.get("XDG_RUNTIME_DIR")
               or f"/run/user/{os.getuid()}")
    if (pw_play := shutil.which("pw-play")) and Path(runtime, "pipewire-0").exists():
        return "pw-play", [pw_play]
    if aplay := shutil.which("aplay"):
        try:
            cards = subprocess.run([aplay, "-l"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            cards = ""
        if "card " in cards:
            return "aplay", [aplay, "-q"]
    return "null", []


class FakePlayer:
    """A player for tests and machines without sound: records ``(path, duration_s)`` of
    each WAV in :attr:`played` and sleeps for its duration times ``scale``."""

    kind = "fake"

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self.played: list[tuple[Path, float]] = []
        self._stop = threading.Event()

    def play(self, path: Path) -> None:
        duration = wav_duration(path)
        self.played.append((Path(path), duration))
        self._stop.clear()
        self._stop.wait(duration * self.scale)

    def stop(self) -> None:
        self._stop.set()


class KeepingPlayer:
    """Keeps a copy of every WAV it plays in ``folder`` (``0001.wav``, ``0002.wav`` …), then
    plays it on ``inner`` — or, with no sound device, waits its duration so calls keep
    their real pace. The demo and a field check use it to hear what was said afterwards."""

    def __init__(self, folder: str | Path, inner: AudioPlayer | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.inner = inner
        self.kind = f"keep+{getattr(inner, 'kind', 'silent')}"
        self._count = 0
        self._stop = threading.Event()

    def play(self, path: Path) -> None:
        self._count += 1
        shutil.copyfile(path, self.folder / f"{self._count:04d}.wav")
        if self.inner is not None:
            self.inner.play(path)
        else:
            self._stop.clear()
            self._stop.wait(wav_duration(path))

    def stop(self) -> None:
        self._stop.set()
        if self.inner is not None:
            self.inner.stop()


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
        wav = self._tmp / "announcement.wav"
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
