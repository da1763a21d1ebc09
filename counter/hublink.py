"""The hub, off the GUI thread: one worker thread owns the ``HubClient``.

Requests run one at a time on the worker (so answers come back in the order asked);
answers and the event stream's callbacks reach the GUI thread as queued Qt signals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from antrean.client import EventStream, HubClient, HubError, HubUnreachable
from antrean.devicetoken import TokenSource, check_token, probe
from antrean.posttime import PostClock

__all__ = ["HubLink", "error_info"]

log = logging.getLogger(__name__)

#: Events re-read from the log at start, to rebuild the day's open alerts (paper out…).
LOOKBACK_EVENTS = 300


def error_info(exc: Exception) -> dict[str, Any]:
    """A failure as plain data for the GUI thread."""
    if isinstance(exc, HubError):
        return {"status": exc.status, "code": exc.code, "message": exc.message,
                "message_en": exc.message_en, "unreachable": isinstance(exc, HubUnreachable)}
    return {"status": 0, "code": "error", "message": str(exc), "message_en": str(exc),
            "unreachable": True}


class _Worker(QObject):
    hello = Signal(object)  # {"health", "services", "queue", "url"}
    auth = Signal(object)  # the hub's word on this counter (TokenVerdict dict + "hub_url")
    queue_loaded = Signal(object)
    done = Signal(str, object)  # action, result
    failed = Signal(str, object)  # action ("connect", "refresh" or an action), error_info
    hub_event = Signal(object)
    stream_up = Signal(bool)

    def __init__(self, url: str | None, token: str | TokenSource, post: str | None,
                 interfaces: Sequence[str] | None, clock: PostClock | None,
                 fingerprint: str | None = None) -> None:
        super().__init__()
        # Looked at again before each contact: a counter paired while it runs comes back.
        self._token = token if isinstance(token, TokenSource) else TokenSource(token)
        self._args = (url, post, interfaces)
        self._fingerprint = fingerprint
        self._clock = clock
        self.client: HubClient | None = None
        self.stream: EventStream | None = None

    @Slot()
    def connect_hub(self) -> None:
        url, post, interfaces = self._args
        try:
            if self.client is None:
                self.client = HubClient(url, self._token() or None, post=post, timeout=4.0,
                                        interfaces=interfaces, clock=self._clock,
                                        fingerprint=self._fingerprint)
            self._token.apply(self.client)
            health, verdict = probe(self.client, "counter")
            self.auth.emit(verdict)
            if health is None or not verdict["ok"]:
                return  # nothing to do with a hub that refuses us: looked at again soon
            services = self.client.services()
            queue = self.client.queue()
        except Exception as exc:  # noqa: BLE001 - any failure is "not connected", shown
            self.failed.emit("connect", error_info(exc))
            return
        self.hello.emit({"health": health, "services": services, "queue": queue,
                         "url": self.client.url})
        since = max(0, int(queue.get("last_seq", 0)) - LOOKBACK_EVENTS)
        if self.stream is not None and not self.stream.connected:
            # The hub is back but the stream may sit in its back-off (up to 5 s):
            # start it again now, resuming where it stopped.
            since = self.stream.last_seq
            self.stream.close()
            self.stream = None
        if self.stream is None:
            self.stream = self.client.events(self.hub_event.emit, since=since,
                                             on_connection=self.stream_up.emit)

    @Slot()
    def refresh(self) -> None:
        if self.client is None:
            self.connect_hub()
            return
        try:
            self._token.apply(self.client)
            self.queue_loaded.emit(self.client.queue())
            if self.stream is not None and self.stream.auth_failed:
                # /queue is public: only the event stream notices a token taken back.
                verdict = check_token(self.client, "counter")
                self.auth.emit({**verdict.as_dict(), "hub_url": self.client.url})
        except Exception as exc:  # noqa: BLE001
            self.failed.emit("refresh", error_info(exc))

    @Slot(str, object)
    def act(self, action: str, args: dict[str, Any]) -> None:
        c = self.client
        try:
            if c is None:
                raise HubUnreachable("not connected yet")
            n = int(args["counter"])
            calls = {
                "next": lambda: c.call_next(n, args.get("services")),
                "recall": lambda: c.recall(n),
                "finish": lambda: c.finish(n, "served"),
                "no_show": lambda: c.finish(n, "no_show"),
                "transfer": lambda: c.transfer(n, args["service"]),
                "pause": lambda: c.pause(n),
                "resume": lambda: c.resume(n),
                # the NIK step (counter/beneficiary.py): the NIK is in args, never logged
                "nik_check": lambda: c.check_beneficiary(args["programme"], args["nik"]),
                "nik_record": lambda: c.record_beneficiary(args["programme"], args["nik"],
                                                           args["ticket"], args["outcome"]),
            }
            result = calls[action]()
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(action, error_info(exc))
            return
        self.done.emit(action, result)

    def close(self) -> None:
        """Called from the GUI thread once the worker thread has stopped."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        if self.client is not None:
            self.client.close()
            self.client = None


class HubLink(QObject):
    """The GUI thread's handle on the worker. Signals mirror the worker's."""

    hello = Signal(object)
    auth = Signal(object)
    queue_loaded = Signal(object)
    done = Signal(str, object)
    failed = Signal(str, object)
    hub_event = Signal(object)
    stream_up = Signal(bool)

    _connect = Signal()
    _refresh = Signal()
    _act = Signal(str, object)

    def __init__(self, url: str | None, token: str | TokenSource, *, post: str | None = None,
                 interfaces: Sequence[str] | None = None, clock: PostClock | None = None,
                 fingerprint: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("counter-hub")
        self._worker = _Worker(url, token, post, interfaces, clock, fingerprint)
        self._worker.moveToThread(self._thread)
        self._connect.connect(self._worker.connect_hub)
        self._refresh.connect(self._worker.refresh)
        self._act.connect(self._worker.act)
        for name in ("hello", "auth", "queue_loaded", "done", "failed", "hub_event",
                     "stream_up"):
            getattr(self._worker, name).connect(getattr(self, name))
        self._thread.start()
        self._closed = False

    def connect_hub(self) -> None:
        """Read health, services and the queue, then start the event stream (once)."""
        self._connect.emit()

    def refresh(self) -> None:
        """Read ``/queue`` again."""
        self._refresh.emit()

    def act(self, action: str, args: dict[str, Any]) -> None:
        """Send one clerk action; ``done`` or ``failed`` follows."""
        self._act.emit(action, args)

    def close(self) -> None:
        """Stop the worker thread, then the stream and the client; safe twice."""
        if self._closed:
            return
        self._closed = True
        self._thread.quit()
        self._thread.wait()
        self._worker.close()
