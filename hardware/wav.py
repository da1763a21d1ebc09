"""WAV helpers for the spoken calls: read, convert, join, measure, and the chime.

Plain ``wave`` + ``array`` (no numpy): mono or stereo, 8/16/24/32-bit in, 16-bit out.
"""

from __future__ import annotations

import math
import os
import sys
import wave
from array import array
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["SPEECH_SAMPLE_RATE", "concat_wavs", "make_chime", "wav_duration"]

SPEECH_SAMPLE_RATE = 22050
"""Rate of the WAVs pyttsx3's espeak driver writes; the chime is made at the same rate."""

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
