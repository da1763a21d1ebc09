"""The speech worker: pyttsx3 + libespeak-ng in a process of their own.

    python -m hardware.speech_worker --languages id,en [--driver espeak]

Why a process: libespeak-ng calls ``exit()`` when its data folder is missing, keeps one
synthesis callback per process (a second engine silences the first) and pyttsx3's espeak
driver prints a line per WAV. Here none of that can reach the hall display: this process
is the one engine, and when it dies the display's :class:`hardware.synthesizer.Synthesizer`
says the voice is out and starts another.

Protocol, one JSON object per line. The worker answers its start with ``{"ready": true}``
(or ``{"ready": false, "error": …}`` and exits 3), then for each request
``{"id", "text", "path", "lang", "rate", "volume"}`` writes the WAV and answers
``{"id", "ok": true}`` or ``{"id", "ok": false, "error": …}``. It stops at the end of its
input. Its stdout carries the protocol only: anything else printed goes to /dev/null.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Engine", "main", "pick_voice"]

WRITE_ATTEMPTS = 3


class EngineError(Exception):
    """espeak-ng (through pyttsx3) cannot speak: missing engine, voice or audio."""


def pick_voice(voices: Iterable[Any], lang: str) -> str:
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
        raise EngineError(f"espeak-ng has no voice for language {lang!r}; "
                          "install espeak-ng-data")
    return min(ranked)[1]


class Engine:
    """The process's one pyttsx3 engine; voices for ``languages`` are checked at start
    (pyttsx3 itself silently ignores an unknown voice)."""

    def __init__(self, languages: Sequence[str], driver: str = "espeak") -> None:
        self._espeak = driver == "espeak"
        try:
            import pyttsx3.engine

            self._engine = pyttsx3.engine.Engine(driver)  # not pyttsx3.init(): no cache
            self._voices = self._engine.getProperty("voices")
            self._wait_until_idle()
            self._engine.runAndWait()  # an empty run leaves the engine idle
        except Exception as exc:
            raise EngineError(f"cannot start espeak-ng through pyttsx3 (driver {driver!r}): "
                              f"{exc}; install libespeak-ng1 and espeak-ng-data") from exc
        self._picked = {lang: pick_voice(self._voices, lang) for lang in languages}

    def speak(self, text: str, path: Path, lang: str, rate: int, volume: float) -> None:
        """Write ``text`` spoken in ``lang`` to the WAV ``path``."""
        voice = self._picked.get(lang) or pick_voice(self._voices, lang)
        self._picked[lang] = voice
        self._engine.setProperty("voice", voice)
        self._engine.setProperty("rate", int(rate))
        self._engine.setProperty("volume", float(volume))
        if self._engine.getProperty("voice") != voice:
            raise EngineError(f"espeak-ng refused the voice {voice!r}")
        # One utterance per run (more would overwrite each other). A run that leaves no
        # audio is tried again, a safety net: waiting for espeak to be idle suffices.
        for _attempt in range(WRITE_ATTEMPTS):
            self._wait_until_idle()
            path.unlink(missing_ok=True)
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            if path.exists() and path.stat().st_size > 44:
                return
            time.sleep(0.01)
        raise EngineError(f"espeak-ng wrote no audio for {text!r}")


    def _wait_until_idle(self, timeout_s: float = 2.0) -> None:
        # espeak-ng applies settings and ends sentences on a thread of its own; while it
        # still reports itself busy, pyttsx3's runAndWait() cancels the sentence it starts:
        # an empty WAV after ~160 ms, then a retry. Measured here with one engine in this
        # process and no wait: 5 sentences in 105, each +160 ms (bench/announce.py p99).
        if not self._espeak:
            return
        from pyttsx3.drivers import _espeak  # pyttsx3's binding of espeak_IsPlaying()

        deadline = time.monotonic() + timeout_s
        while _espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.001)


def _serve(engine: Engine, requests: TextIO, out: TextIO) -> None:
    for line in requests:
        req: Any = None
        try:
            req = json.loads(line)
            engine.speak(str(req["text"]), Path(req["path"]), str(req.get("lang", "id")),
                         int(req.get("rate", 150)), float(req.get("volume", 1.0)))
            answer: dict[str, Any] = {"id": req.get("id"), "ok": True}
        except Exception as exc:  # one bad sentence is answered, the worker goes on
            answer = {"id": req.get("id") if isinstance(req, dict) else None, "ok": False,
                      "error": str(exc) or type(exc).__name__}
        out.write(json.dumps(answer) + "\n")
        out.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m hardware.speech_worker")
    p.add_argument("--languages", default="id", help="comma separated, checked at start")
    p.add_argument("--driver", default="espeak")
    args = p.parse_args(argv)
    # The protocol gets its own copy of stdout; fd 1 itself goes to /dev/null, so no print
    # (pyttsx3's "Audio saved to …", a library's chatter) can break a line of it.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    try:
        engine = Engine([x for x in args.languages.split(",") if x], args.driver)
    except EngineError as exc:
        out.write(json.dumps({"ready": False, "error": str(exc)}) + "\n")
        return 3
    out.write(json.dumps({"ready": True}) + "\n")
    _serve(engine, sys.stdin, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
