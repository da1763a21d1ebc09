"""Spoken calls for the board: hub call events → :class:`hardware.speech.Announcer`.

The announcer does the hard parts (one worker, in order, never overlapping, stale calls
dropped). This module only decides whether there is a voice at all, and hands it each
call with the time it was made *on this machine's clock* — so a display whose clock is
wrong still speaks fresh calls and stays silent on replayed old ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .config import VoiceSection
from .state import Call

if TYPE_CHECKING:
    from hardware.speech import Announcer, AudioPlayer

__all__ = ["Voice", "make_announcer"]

log = logging.getLogger(__name__)


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
