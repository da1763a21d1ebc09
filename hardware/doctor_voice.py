"""The voice checks of ``antrean doctor``: the Indonesian espeak-ng voice and the sound device.

espeak-ng is opened in a child process (``python -m hardware.doctor_voice``): libespeak-ng
calls exit() when its data folder is missing, and allows one engine per process.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .doctor_checks import FAIL, OK, WARN, Result, Settings, T, result, unit_active

__all__ = ["check_voice", "check_sound"]


def check_voice(s: Settings) -> Result:
    title = ("Suara bahasa Indonesia", "Indonesian voice")
    install = ("pasang paket espeak-ng-data (sudo apt install espeak-ng-data libespeak-ng1)",
               "install espeak-ng-data (sudo apt install espeak-ng-data libespeak-ng1)")
    wav = Path(tempfile.gettempdir()) / "antrean-doctor-voice.wav" if s.test_voice else None
    ok, text = _probe_voice(s.voice_lang, wav)
    if not ok:
        return result("voice", FAIL, title, (f"tidak ada suara '{s.voice_lang}': {text}",
                                         f"no '{s.voice_lang}' voice: {text}"), install)
    if wav is None:
        return result("voice", OK, title, (f"suara espeak-ng '{s.voice_lang}' tersedia",
                                       f"espeak-ng voice '{s.voice_lang}' present"))
    return _play(title, wav, text)


def _probe_voice(lang: str, wav: Path | None, timeout: float = 60.0) -> tuple[bool, str]:
    """Open espeak-ng with ``lang`` (and render a test call into ``wav``) in a child process.

    A child, because libespeak-ng calls exit() when its data folder is missing and allows one
    engine per process. Returns (ok, the sentence or the error).
    """
    cmd = [sys.executable, "-m", "hardware.doctor_voice", lang, str(wav or "")]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return False, f"espeak-ng tidak selesai dalam {timeout:g} s / did not finish"
    if p.returncode == 0:
        return True, p.stdout.strip()
    lines = (p.stderr.strip() or p.stdout.strip() or f"exit {p.returncode}").splitlines()
    return False, lines[-1]


def _voice_child(lang: str, wav: str) -> int:
    from hardware.speech import SpeechUnavailable, Synthesizer, render_announcement

    try:
        with Synthesizer(languages=(lang,)) as synth:
            if wav:
                print(render_announcement("A001", 1, wav, lang=lang, synth=synth))
    except SpeechUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _play(title: T, wav: Path, sentence: str) -> Result:
    from hardware.speech import Player

    player = Player()
    if player.kind == "null":
        return result("voice", WARN, title,
                  (f"kalimat uji dibuat ({wav}) tetapi tidak ada perangkat suara: \"{sentence}\"",
                   f"test sentence made ({wav}) but there is no sound device: \"{sentence}\""),
                  ("colokkan speaker/HDMI; periksa `aplay -l`", "plug in speakers/HDMI; check `aplay -l`"))
    try:
        player.play(wav)
    except Exception as exc:
        busy = unit_active("antrean-display.service")
        return result("voice", FAIL, title, (f"memutar {wav} gagal: {exc}", f"playing {wav} failed: {exc}"),
                  ("hentikan layar dulu: sudo systemctl stop antrean-display" if busy else
                   "periksa `aplay -l` dan volume (alsamixer)",
                   "stop the display first: sudo systemctl stop antrean-display" if busy else
                   "check `aplay -l` and the volume (alsamixer)"))
    return result("voice", OK, title, (f"kalimat uji diputar lewat {player.kind}: \"{sentence}\"",
                                   f"test sentence played through {player.kind}: \"{sentence}\""))


def check_sound() -> Result:
    title = ("Perangkat suara", "Sound device")
    try:
        from hardware.speech import Player

        kind = Player().kind
    except Exception as exc:
        kind, error = "null", str(exc)
    else:
        error = ""
    if kind == "null":
        return result("sound", WARN, title,
                  (f"tidak ada perangkat suara: panggilan hanya tampil di layar {error}".strip(),
                   f"no sound device: calls are only shown on screen {error}".strip()),
                  ("colokkan speaker/HDMI; periksa `aplay -l`", "plug in speakers/HDMI; check `aplay -l`"))
    return result("sound", OK, title, (f"diputar lewat {kind}", f"played through {kind}"))


if __name__ == "__main__":  # the child process of _probe_voice
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m hardware.doctor_voice LANG WAV|''")
    raise SystemExit(_voice_child(sys.argv[1], sys.argv[2]))
