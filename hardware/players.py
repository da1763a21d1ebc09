"""Players for the spoken calls: the sound card (pw-play / aplay), nothing, a fake, a keeper.

Each plays one WAV to its end and blocks, so the Announcer never overlaps two calls.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Protocol

from .wav import wav_duration

__all__ = ["AudioPlayer", "FakePlayer", "KeepingPlayer", "NO_SOUND_MESSAGE", "Player"]

logger = logging.getLogger("hardware.speech")  # one logger name for everything spoken

NO_SOUND_MESSAGE = (
    "Tidak ada perangkat suara — pengumuman hanya tampil di layar "
    "(no sound device: announcements are shown on screen only)"
)

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
    """Keeps a copy of every WAV it plays in ``folder``, numbered in order and named after
    the WAV it was given (``0001-A012-loket3.wav``, ``0002-A012-loket3-ulang.wav`` …), then
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
        part = self.folder / f".{self._count:04d}.part"
        shutil.copyfile(path, part)  # then renamed: a watcher never reads half a WAV
        part.replace(self.folder / f"{self._count:04d}-{Path(path).stem}.wav")
        if self.inner is not None:
            self.inner.play(path)
        else:
            self._stop.clear()
            self._stop.wait(wav_duration(path))

    def stop(self) -> None:
        self._stop.set()
        if self.inner is not None:
            self.inner.stop()
