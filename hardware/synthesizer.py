"""Text → WAV with espeak-ng, in the speech worker process, restarted when it dies.

:class:`Synthesizer` starts ``python -m hardware.speech_worker`` (see that module for why a
process and for its line protocol) and hands it one sentence at a time. A supervisor
thread reads the worker's answers; when the worker dies — libespeak-ng's ``exit()`` on a
missing data folder, a ``kill -9``, a crash — it says so (``on_state(False, reason)``, one
WARNING) and starts another, at once after a worker that had run a while, else after a
back-off that doubles up to ``backoff[1]`` seconds; ``on_state(True, "")`` when one is up.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["SpeechUnavailable", "StateHook", "Synthesizer"]

logger = logging.getLogger("hardware.speech")  # one logger name for everything spoken

StateHook = Callable[[bool, str], None]

HEALTHY_S = 10.0
"""A worker that ran this long before dying is restarted at once (the back-off resets)."""


class SpeechUnavailable(Exception):
    """Speech cannot be produced now: espeak-ng, pyttsx3 or the voice is missing, or the
    speech worker is down."""


class _WorkerDied(Exception):
    pass


class _Worker:
    """One worker process: its pipes, its answers (``None`` at its end), its last words."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                     errors="replace", bufsize=1)
        self.answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.last_words: deque[str] = deque(maxlen=5)
        self._drain = threading.Thread(target=self._read_stderr, args=(self.proc.stderr,),
                                       name="antrean-speech-stderr", daemon=True)
        self._drain.start()

    def _read_stderr(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:  # libespeak-ng says why it exit()s here
            if line := line.strip():
                self.last_words.append(line)
                logger.debug("speech worker %d: %s", self.proc.pid, line)

    def send(self, request: dict[str, Any]) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (OSError, ValueError) as exc:  # a broken pipe: it is dying
            raise _WorkerDied from exc

    def readline(self) -> dict[str, Any] | None:
        """The worker's next answer; None at its end."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            return None
        try:
            answer = json.loads(line)
        except ValueError:
            return {"error": f"not the protocol: {line.strip()[:200]!r}"}
        return answer if isinstance(answer, dict) else {"error": "not the protocol"}

    def end(self) -> str:
        """Wait for the process and its stderr; why it ended, in words."""
        code = self.proc.wait()
        self._drain.join(timeout=2)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        how = f"signal {-code}" if code < 0 else f"exit {code}"
        said = f": {self.last_words[-1]}" if self.last_words else ""
        return f"the speech worker stopped ({how}){said}"

    def stop(self, timeout: float = 2.0) -> None:
        """End of input (the worker stops after its sentence), then a kill if it must."""
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()


class Synthesizer:
    """Text → WAV through the speech worker; safe to call from many threads.

    ``rate`` is in words per minute, ``volume`` in 0..1; both apply to the next sentence.
    Voices for ``languages`` are checked by each worker at its start. Without
    ``keep_trying`` a first start that fails raises :class:`SpeechUnavailable` (a one-off
    ``antrean announce``); with it the constructor returns at once and the supervisor keeps
    trying (the hall display). ``on_state(up, reason)`` is called on the supervisor thread
    when the voice goes out or comes back.
    """

    def __init__(self, *, rate: int = 150, volume: float = 1.0,
                 languages: Sequence[str] = ("id",), driver: str = "espeak",
                 timeout_s: float = 10.0, keep_trying: bool = False,
                 backoff: tuple[float, float] = (0.5, 30.0),
                 on_state: StateHook | None = None) -> None:
        if not 80 <= rate <= 450 or not 0.0 <= volume <= 1.0:
            raise ValueError(f"speech rate {rate} (80..450 words/min) or volume {volume} (0..1)")
        self.rate, self.volume = rate, volume
        self._cmd = [sys.executable, "-m", "hardware.speech_worker",
                     "--languages", ",".join(dict.fromkeys(languages)), "--driver", driver]
        self._timeout, self._backoff, self._on_state = timeout_s, backoff, on_state
        self._cond = threading.Condition()
        self._state = "starting"  # starting → up → down → starting …; closed
        self._reason = ""
        self._up_before = False  # the last worker had been up: its successor is awaited
        self._reported: bool | None = None
        self._worker: _Worker | None = None
        self._asking = threading.Lock()  # one sentence at a time: the worker is sequential
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._supervise, name="antrean-speech",
                                        daemon=True)
        self._thread.start()
        if not keep_trying:
            with self._cond:
                self._cond.wait_for(lambda: self._state != "starting", timeout_s * 2)
                state, reason = self._state, self._reason
            if state != "up":
                self.close()
                raise SpeechUnavailable(reason or "the speech worker did not start")

    # ----- callers ----------------------------------------------------------------------
    @property
    def up(self) -> bool:
        """True while a worker is ready for sentences."""
        return self._state == "up"

    @property
    def reason(self) -> str:
        """Why the voice is out ("" while it is up)."""
        return self._reason

    @property
    def pid(self) -> int | None:
        """The worker process's id while one runs (tests kill it)."""
        worker = self._worker
        return worker.proc.pid if worker is not None else None

    def wait_up(self, timeout: float | None = None) -> bool:
        """Block until a worker is up (or ``timeout`` s pass, or closed)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._state in ("up", "closed"), timeout) \
                and self._state == "up"

    def synthesize(self, text: str, path: str | os.PathLike[str], lang: str = "id") -> Path:
        """Write ``text`` spoken in ``lang`` to the WAV ``path``; block until written.

        Raises :class:`SpeechUnavailable` at once while the voice is out; a sentence whose
        worker dies under it is tried once more on the worker that replaces it.
        """
        target = Path(path).resolve()
        deadline = time.monotonic() + self._timeout
        dead: _Worker | None = None
        with self._asking:
            for _attempt in range(2):
                worker = self._ready_worker(deadline, dead)
                try:
                    return self._ask(worker, text, target, lang, deadline)
                except _WorkerDied:
                    dead = worker
        raise SpeechUnavailable(self._reason or "the speech worker stopped")

    def close(self) -> None:
        """Stop the worker and the supervisor; safe to call twice."""
        with self._cond:
            if self._state == "closed":
                return
            self._state, self._reason = "closed", "the synthesizer is closed"
            worker = self._worker
            self._cond.notify_all()
        if worker is not None:
            worker.stop()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ready_worker(self, deadline: float, dead: _Worker | None) -> _Worker:
        # A worker that died after it had been up is replaced at once: wait for its
        # successor (not for the dead one the supervisor has not buried yet).
        def settled() -> bool:
            if self._state == "up":
                return self._worker is not dead
            return self._state == "closed" or (self._state == "down" and not self._up_before)

        with self._cond:
            self._cond.wait_for(settled, max(0.0, deadline - time.monotonic()))
            if self._state != "up" or self._worker is None or self._worker is dead:
                raise SpeechUnavailable(self._reason or "the speech worker is starting")
            return self._worker

    def _ask(self, worker: _Worker, text: str, path: Path, lang: str, deadline: float) -> Path:
        rid = next(self._ids)
        worker.send({"id": rid, "text": text, "path": str(path), "lang": lang,
                     "rate": int(self.rate), "volume": float(self.volume)})
        while True:
            try:
                answer = worker.answers.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                worker.kill()  # a hung engine: its successor gets the next sentence
                raise SpeechUnavailable(
                    f"espeak-ng took over {self._timeout:g} s for one sentence") from None
            if answer is None:
                worker.answers.put(None)  # the end stays visible to whoever asks next
                raise _WorkerDied
            if answer.get("id") != rid:
                continue  # an answer to a sentence that timed out
            if answer.get("ok"):
                return path
            raise SpeechUnavailable(str(answer.get("error") or "espeak-ng failed"))

    # ----- the supervisor thread ---------------------------------------------------------
    def _supervise(self) -> None:
        delay = self._backoff[0]  # before the next start after a failure; doubles each time
        while True:
            with self._cond:
                if self._state == "closed":
                    return
                self._state = "starting"
                try:
                    worker = self._worker = _Worker(self._cmd)
                except OSError as exc:
                    worker, failed = None, f"cannot start the speech worker: {exc}"
            healthy = was_up = False
            if worker is not None:
                started = time.monotonic()
                was_up, failed = self._run(worker)
                healthy = was_up and time.monotonic() - started >= HEALTHY_S
            if not self._went_down(failed, was_up):
                return
            if healthy:  # a worker that served a while died: its successor starts at once
                delay = self._backoff[0]
                continue
            with self._cond:
                if self._cond.wait_for(lambda: self._state == "closed", delay):
                    return
            delay = min(delay * 2, self._backoff[1])

    def _run(self, worker: _Worker) -> tuple[bool, str]:
        """Serve one worker until it ends: (whether it came up, why it ended)."""
        guard = threading.Timer(self._timeout * 2, worker.kill)  # a start that hangs
        guard.daemon = True
        guard.start()
        hello = worker.readline()
        guard.cancel()
        ready = bool(hello and hello.get("ready"))
        if ready:
            with self._cond:
                if self._state == "starting":
                    self._state, self._reason = "up", ""
                self._cond.notify_all()
            self._report(True, "")
            while (answer := worker.readline()) is not None:
                worker.answers.put(answer)
        worker.answers.put(None)
        worker.stop(timeout=1.0)
        ended = worker.end()
        error = str(hello.get("error") or "") if hello and not ready else ""
        return ready, error or ended

    def _went_down(self, reason: str, was_up: bool) -> bool:
        """Record the outage; False when it was us closing."""
        with self._cond:
            self._worker = None
            if self._state == "closed":
                return False
            self._state, self._reason, self._up_before = "down", reason, was_up
            self._cond.notify_all()
        self._report(False, reason)
        return True

    def _report(self, up: bool, reason: str) -> None:
        if up == self._reported:
            return  # a worker that keeps failing to start is one outage, not many
        first = self._reported is None
        self._reported = up
        if up:
            if not first:
                logger.info("speech worker back: calls are spoken again")
        else:
            logger.warning("speech unavailable: %s — calls are only shown until the speech "
                           "worker is back", reason)
        if self._on_state is not None and not (up and first):
            try:
                self._on_state(up, reason)
            except Exception:
                logger.exception("speech state hook failed")  # a listener never hurts us
