"""``antrean display``: the hall board's composition root.

Reads the config, builds the parts and wires them; starts them in order (screen, voice,
hub feed, mDNS advertisement once the hub is found) and stops them in reverse.

    antrean display [--config FILE] [--hub URL] [--token T] [--lang id|en] [--size WxH]
                    [--no-voice] [--screenshot FILE [--screen idle|call|busy|surge]]
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from antrean.client import HubClient
from antrean.devicetoken import TokenSource, add_token_options, token_from_args

from .config import ConfigError, DisplayConfig, load_display_config
from .feed import HubFeed
from .sample import SCENES, scene
from .state import BoardState
from .voice import SpeakerStatus, Voice, make_announcer

if TYPE_CHECKING:
    from PySide6.QtQuick import QQuickWindow

    from antrean.discovery import Advertiser
    from hardware.speech import AudioPlayer

__all__ = ["QML_DIR", "DisplayApp", "build_parser", "local_address_towards", "main"]

log = logging.getLogger(__name__)

QML_DIR = Path(__file__).resolve().parent / "qml"
"""Import path of the ``Antrean.Display`` QML module."""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size WxH: {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"size out of range: {text!r}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    """The ``antrean display`` command line."""
    p = argparse.ArgumentParser(prog="antrean display",
                                description="Layar aula: nomor antrean dipanggil dan suara")
    p.add_argument("--config", help="display config TOML (default: built-in defaults)")
    p.add_argument("--hub", help="hub URL, e.g. http://10.0.0.2:8470 (default: find by mDNS)")
    add_token_options(p, "this display's")
    p.add_argument("--lang", choices=["id", "en"], help="screen language (default: id)")
    p.add_argument("--size", type=_size, help="window size WxH instead of full screen")
    p.add_argument("--no-voice", action="store_true", help="show calls without speaking them")
    p.add_argument("--wav-dir", metavar="DIR",
                   help="also keep every spoken call as a WAV in DIR (speaks even with no "
                        "sound device, silently, at the real pace)")
    p.add_argument("--screenshot", metavar="FILE", help="render one frame to a PNG and exit")
    p.add_argument("--screen", choices=SCENES,
                   help="with --screenshot: a built-in sample scene instead of the hub's state")
    return p


def local_address_towards(url: str) -> str | None:
    """This machine's IPv4 address on the route to ``url``'s host (loopback for a loopback
    hub), or None if there is none — then mDNS uses its defaults."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return "127.0.0.1"
    except ValueError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((host, parts.port or 8470))  # UDP: picks a route, sends nothing
            return str(s.getsockname()[0])
    except OSError:
        return None


class DisplayApp:
    """One hall display: board, QML window, voice, hub feed and mDNS advertisement.

    ``player`` replaces the sound device and ``announcer_kw`` goes to the Announcer (tests);
    ``voice=False`` keeps it silent; ``token`` is where its token comes from while it runs
    (default: the config's, as read). Needs a ``QGuiApplication``. :meth:`close` is safe twice.
    """

    def __init__(self, cfg: DisplayConfig, *, size: tuple[int, int] | None = None,
                 voice: bool = True, advertise: bool | None = None,
                 player: AudioPlayer | None = None, announcer_kw: dict[str, Any] | None = None,
                 replay: int = 1000, refresh_s: float = 30.0,
                 token: TokenSource | None = None) -> None:
        from .viewmodels import Board, FeedBridge

        self.cfg, self.size = cfg, size
        self._want_voice, self._player = voice and cfg.voice.enabled, player
        self._announcer_kw = announcer_kw or {}
        self._advertise = cfg.mdns.advertise if advertise is None else advertise
        self.client = HubClient(cfg.hub.url or None, cfg.hub.token or None,
                                post=cfg.hub.post or None,
                                interfaces=cfg.mdns.interfaces or None,
                                fingerprint=cfg.hub.fingerprint or None)
        self.token = token or TokenSource(token=cfg.hub.token, fingerprint=cfg.hub.fingerprint,
                                          token_file=cfg.hub.token_file)
        self.token.apply(self.client)
        self.bridge = FeedBridge()
        self.voice = Voice(None)
        self.speaker = SpeakerStatus()
        self.feed = HubFeed(self.client, on_event=self._on_event,
                            on_snapshot=self._on_snapshot,
                            on_connection=self.bridge.connection.emit,
                            on_found=self._on_found, on_auth=self.bridge.auth.emit,
                            token=self.token, replay=replay, refresh_s=refresh_s)
        self.state = BoardState(history=cfg.screen.history, lang=cfg.screen.lang)
        self.board = Board(self.state, now=self.feed.hub_now, token=self.token)
        self.bridge.connect_to(self.board)
        self.advertiser: Advertiser | None = None
        self._engine: Any = None
        self._window: Any = None
        self._closed = False

    # ----- lifecycle --------------------------------------------------------------------
    def start(self, *, live: bool = True) -> bool:
        """Show the window, then (``live``) start the voice and the hub feed.
        False if the QML did not load."""
        if not self._load_qml():
            return False
        if live:
            if self._want_voice:
                announcer, silence = make_announcer(self.cfg.voice, self._player,
                                                    on_voice=self._voice_changed,
                                                    **self._announcer_kw)
                if silence:
                    self.speaker.set(False, "no_sound", silence)
                self.voice = Voice(announcer, to_local=self.feed.to_local)
            if not self.cfg.hub.token and not self.cfg.hub.token_file:
                log.warning("no display token: the board shows it is out of service until "
                            "paired (antrean join --code CODE --role display --name NAME "
                            "--config FILE), or give --token-file FILE / ANTREAN_TOKEN")
            self.feed.start()
        return True

    def close(self) -> None:
        """Stop everything in reverse order of start; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.feed.close()  # first: its thread is what starts the advertiser
        if self.advertiser is not None:
            self.advertiser.close()
        gc.collect()  # Qt garbage dies here, not on the speech thread (it collects on exit)
        self.voice.close()
        if self._window is not None:
            self._window.close()
        self._window = self._engine = None  # the engine and the window go before the board
        self.client.close()

    # ----- the window -------------------------------------------------------------------
    def _load_qml(self) -> bool:
        import PySide6.QtQuick  # noqa: F401 - so the root is wrapped as a QQuickWindow
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtQml import QQmlApplicationEngine

        engine = QQmlApplicationEngine()
        engine.addImportPath(str(QML_DIR))
        w, h = self.size or (1920, 1080)
        engine.setInitialProperties({"board": self.board, "width": w, "height": h})
        engine.loadFromModule("Antrean.Display", "Main")
        self._engine = engine
        if not engine.rootObjects():
            log.error("the display's QML did not load (see the messages above)")
            return False
        self._window = window = engine.rootObjects()[0]
        if self.size is not None:
            window.resize(*self.size)
            window.show()
        else:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            window.showFullScreen()
        return True

    @property
    def window(self) -> QQuickWindow:
        """The board's window (the QML root)."""
        return self._window

    def grab(self, path: str | Path) -> bool:
        """Save the window as it is now to a PNG."""
        image = self._window.grabWindow()
        return bool(image.save(str(path)))

    def show_scene(self, name: str) -> None:
        """Feed the board a sample scene (no hub)."""
        tz = ZoneInfo("Asia/Jakarta")
        self.board.set_clock(lambda: datetime.now(tz))
        snapshot, events = scene(name, datetime.now(tz))
        self.board.apply_snapshot(snapshot)
        self.board.set_connected(True)
        if "auth" in snapshot:
            self.board.set_auth(snapshot["auth"])
        for event in events:
            self.board.apply_event(event)

    # ----- feed callbacks (background threads) ------------------------------------------
    def _on_event(self, event: dict[str, Any]) -> None:
        self.voice.on_event(event)  # enqueue at once: the GUI thread may be busy painting
        self.bridge.eventArrived.emit(event)

    def _on_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.bridge.snapshot.emit(snapshot)
        self.speaker.flush(self.client)  # the hub answered: tell it what it has not heard

    def _voice_changed(self, up: bool, reason: str) -> None:
        # The speech supervisor's thread: the staff line (via the hub) says so soon.
        self.speaker.voice(up, reason)
        self.feed.poke()

    def _on_found(self, url: str) -> None:
        if self._advertise and self.advertiser is None and not self._closed:
            self._start_advertiser(url)

    def _start_advertiser(self, url: str) -> None:
        from antrean.discovery import Advertiser, device_interfaces

        # The interfaces the hub client browses on too: the process holds one Zeroconf.
        ifaces = device_interfaces(url, self.cfg.mdns.interfaces or None)
        try:
            post = str((self.client.health().get("post") or {}).get("id") or "")
            self.advertiser = Advertiser(
                "display", post, self.cfg.screen.name, 0,
                interfaces=ifaces if isinstance(ifaces, list) else None).start()
        except Exception as exc:  # mDNS is a convenience: the board works without it
            log.warning("cannot advertise this display by mDNS: %s", exc)

    # ----- waiting (screenshots) --------------------------------------------------------
    def settle(self, timeout: float = 10.0, quiet_s: float = 0.5) -> bool:
        """Run the Qt loop until the hub's snapshot and replay have arrived and no event
        came for ``quiet_s`` (or ``timeout``), or the hub refused the display; True if the
        hub was reached."""
        def ready() -> bool:
            return bool(self.board.outOfService) or (bool(self.board.connected)
                                                     and bool(self.state.services))

        return run_until(ready, timeout, quiet_s, lambda: self.state.last_seq)


def run_until(ready: Callable[[], bool], timeout: float, quiet_s: float = 0.0,
              marker: Callable[[], object] = lambda: None) -> bool:
    """Process Qt events until ``ready()`` holds and ``marker()`` has not changed for
    ``quiet_s`` s, or ``timeout`` s pass. Returns ``ready()``."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    last, since = marker(), time.monotonic()
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        now_marker = marker()
        if now_marker != last:
            last, since = now_marker, time.monotonic()
        if ready() and time.monotonic() - since >= quiet_s:
            return True
        time.sleep(0.01)
    return ready()


def _config_from(args: argparse.Namespace) -> DisplayConfig:
    cfg = load_display_config(args.config)
    hub = cfg.hub.model_copy(update={k: v for k, v in
                                     (("url", args.hub), ("token", token_from_args(args)))
                                     if v})
    screen = cfg.screen.model_copy(update={"lang": args.lang} if args.lang else {})
    return cfg.model_copy(update={"hub": hub, "screen": screen})


def _screenshot(display: DisplayApp, path: str, screen: str | None) -> int:
    if screen:
        display.show_scene(screen)
        run_until(lambda: True, 0.2)
    elif not display.settle():
        log.warning("the hub was not reached: the screenshot shows the board without it")
    run_until(lambda: False, 1.8)  # let the call's flash finish and the ticker start
    if not display.grab(path):
        print(f"antrean display: cannot write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0


def main(argv: list[str]) -> int:
    """Run the hall display; returns the process exit code."""
    from antrean.qtcheck import require_safe_pyside

    require_safe_pyside("antrean display")  # before any Qt import: exits 2 if unsafe
    args = build_parser().parse_args(argv)
    if args.screen and not args.screenshot:
        print("antrean display: --screen needs --screenshot", file=sys.stderr)
        return 2
    try:
        cfg = _config_from(args)
    except ConfigError as exc:
        print(f"antrean display: {exc}", file=sys.stderr)
        return 2
    if args.screenshot and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return _run(cfg, args)


def _run(cfg: DisplayConfig, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] if sys.argv else "antrean"])
    size = args.size or ((1920, 1080) if args.screenshot else None)
    player = None
    if args.wav_dir and not args.screenshot:
        from hardware.speech import KeepingPlayer, Player

        real = Player()
        player = KeepingPlayer(args.wav_dir, real if real.kind != "null" else None)
    # The token while it runs: the command line's, or the config's — looked at again when
    # the config changes (antrean join --config pairs a running display).
    token = TokenSource(token_from_args(args) or "", token=cfg.hub.token,
                        fingerprint=cfg.hub.fingerprint, token_file=cfg.hub.token_file,
                        config=args.config)
    display = DisplayApp(cfg, size=size, voice=not (args.no_voice or args.screenshot),
                         advertise=False if args.screenshot else None, player=player,
                         token=token)
    previous: dict[signal.Signals, Any] = {}
    if not args.screenshot:
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Set before the feed starts, and queued rather than app.quit(): a signal that
            # lands before exec() runs would otherwise kill us uncleanly or be dropped.
            previous[sig] = signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
    try:
        if not display.start(live=not args.screen):
            return 1
        if args.screenshot:
            return _screenshot(display, args.screenshot, args.screen)
        wake = QTimer(interval=250)  # lets Python run its signal handlers during exec()
        wake.timeout.connect(lambda: None)
        wake.start()
        from antrean import sdnotify

        pings = sdnotify.start_gui_watchdog(QTimer)  # noqa: F841 - kept alive while we run
        return int(app.exec())
    finally:
        display.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
