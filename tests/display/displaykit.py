"""Helpers for the display tests (imported by name: tests/display is on sys.path)."""

from __future__ import annotations

import math
import time
import wave
from array import array
from pathlib import Path
from typing import Any

from display.config import DisplayConfig
from hardware.speech import FakePlayer

__all__ = ["CheckingPlayer", "display_config", "wav_rms"]


def wav_rms(path: Path) -> float:
    """RMS of a 16-bit WAV as a fraction of full scale (speech ≈ 0.09, silence 0)."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        samples = array("h", w.readframes(w.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples))) / 32768


class CheckingPlayer(FakePlayer):
    """A FakePlayer that measures each WAV *when it is played*.

    Why: the Announcer renders every call into the same temporary file, so a WAV can only
    be judged at the moment it is handed to the player. ``checked`` holds
    ``(rms, duration_s, start, end)`` per play, with ``time.monotonic()`` bounds.
    """

    def __init__(self, scale: float = 0.05) -> None:
        super().__init__(scale)
        self.checked: list[tuple[float, float, float, float]] = []

    def play(self, path: Path) -> None:
        rms = wav_rms(path)
        start = time.monotonic()
        super().play(path)
        self.checked.append((rms, self.played[-1][1], start, time.monotonic()))


def display_config(url: str = "", token: str = "", advertise: bool = False,
                   **sections: dict[str, Any]) -> DisplayConfig:
    """A display config for tests: the given hub, no mDNS advertising unless asked."""
    data: dict[str, Any] = {"hub": {"url": url, "token": token},
                            "mdns": {"advertise": advertise}}
    data.update(sections)
    return DisplayConfig.model_validate(data)
