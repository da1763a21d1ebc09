"""Spoken calls for the board: hub call events → :class:`hardware.speech.Announcer`.

The announcer does the hard parts (one worker, in order, never overlapping, stale calls
dropped). This module only decides whether there is a voice at all, and hands it each
call with the time it was made *on this machine's clock* — so a display whose clock is
wrong still speaks fresh calls and stays silent on replayed old ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from antrean.client import HubClient, HubError, HubUnreachable

from .config import VoiceSection
from .state import Call

if TYPE_CHECKING:
    from hardware.speech import Announcer, AudioPlayer

__all__ = ["SpeakerStatus", "Voice", "make_announcer"]

log = logging.getLogger(__name__)

VOICE_OUT = "Suara mati — panggilan hanya tampil di layar (voice out: {reason})"
VOICE_BACK = "Suara kembali (voice back)"
MESSAGE_MAX = 200  # the hub's limit for a device.status message


def _middle_cut(text: str, room: int) -> str:
    """``text`` within ``room`` characters, its middle dropped: the start says what failed,
    the end (espeak-ng's own words) why."""
    if len(text) <= room:
        return text
    half = (room - 1) // 2
    return f"{text[:half]}…{text[len(text) - (room - 1 - half):]}"


def make_announcer(cfg: VoiceSection, player: AudioPlayer | None = None,
                   **extra: Any) -> tuple[Announcer | None, str]:
    """An Announcer for ``cfg``, or ``(None, reason)`` when the display must stay silent.

    ``player`` defaults to the machine's sound device; with none there is no point in
    synthesizing, so no announcer is made (the player has already logged why).
    ``extra`` goes to the Announcer (``synth``, ``on_start``, ``now`` … for tests).
    """
    if not cfg.enabled:
        log.info("voice is off in the config: calls are only shown")
        return None, ""
    try:
        from hardware.speech import Announcer, Player
    except ImportError as exc:  # pyttsx3 or the module itself missing on this image
        log.warning("speech unavailable, calls are only shown: %s", exc)
        return None, f"speech unavailable: {exc}"
    if player is None:
        real = Player()
        if real.kind == "null":
            return None, "no sound device"
        player = real
    announcer = Announcer(player, lang="id", english_repeat=cfg.english_repeat,
                          rate=cfg.rate, volume=cfg.volume, max_age_s=cfg.max_age_s, **extra)
    return announcer, ""


class Voice:
    """Speaks each ``ticket.called`` / ``ticket.recalled`` event through ``announcer``.

    ``to_local`` maps a hub timestamp onto this machine's clock (see
    :meth:`display.feed.HubFeed.to_local`). :meth:`on_event` only enqueues: it is safe to
    call from the event-stream thread and returns at once.
    """

    def __init__(self, announcer: Announcer | None,
                 to_local: Callable[[datetime], datetime] | None = None) -> None:
        self.announcer = announcer
        self._to_local = to_local or (lambda t: t)

    def on_event(self, event: Mapping[str, Any]) -> None:
        """Queue the announcement an event asks for (nothing for other events)."""
        if self.announcer is None:
            return
        call = Call.from_event(event)
        if call is None:
            return
        at = self._to_local(call.at) if call.at is not None else None
        try:
            self.announcer.announce(call.number, call.counter, recall=call.recall, at=at)
        except ValueError as exc:
            log.warning("cannot announce %s at counter %s: %s", call.number, call.counter, exc)

    def close(self) -> None:
        """Stop the announcer (a call being spoken gets a moment to finish)."""
        if self.announcer is not None:
            self.announcer.close()


class SpeakerStatus:
    """The speaker's changes until the hub has heard them, as ``device.status`` events.

    :meth:`set` / :meth:`voice` may be called from any thread (the speech supervisor's);
    :meth:`flush` runs on the feed's snapshot thread after each answer from the hub, so a
    change made while the hub was away is told once it answers again. Changes are told in
    order, a short outage too (the post's log keeps it); the board shows the hub's
    ``device.status`` events on its staff line, this display's own included.
    """

    KEEP = 8  # a worker failing for hours is one outage: only the last changes matter

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._unsent: list[tuple[bool, str, str]] = []

    def set(self, ok: bool, status: str, message: str) -> None:
        with self._lock:
            self._unsent = [*self._unsent, (ok, status, message)][-self.KEEP:]

    def voice(self, up: bool, reason: str) -> None:
        """The speech worker came up (``up``) or went out (``reason``)."""
        if up:
            self.set(True, "ok", VOICE_BACK)
        else:
            room = MESSAGE_MAX - len(VOICE_OUT.format(reason=""))
            self.set(False, "voice_out", VOICE_OUT.format(reason=_middle_cut(reason, room)))

    def flush(self, client: HubClient) -> None:
        """Tell the hub what it has not heard yet, in order; stop when it does not answer."""
        while True:
            with self._lock:
                if not self._unsent:
                    return
                first = self._unsent[0]
            try:
                client.device_status("speaker", *first)
            except HubUnreachable as exc:
                log.debug("speaker status not sent yet: %s", exc)
                return
            except HubError as exc:  # refused: sending it again would not help
                if exc.status < 500:
                    log.warning("the hub refused the speaker status %s: %s", first[1], exc)
                else:
                    log.debug("speaker status not sent yet: %s", exc)
                    return
            with self._lock:
                if self._unsent and self._unsent[0] == first:
                    self._unsent.pop(0)
