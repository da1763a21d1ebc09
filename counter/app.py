"""``antrean counter``: the composition root of the counter terminal.

Reads the config once, applies the command line over it, builds the view-model, loads
the QML module ``AntreanCounter`` and runs. Stops in reverse order (mDNS goodbye, event
stream, worker threads) on window close, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from antrean.devicetoken import add_token_options, token_from_args

from .config import ConfigError, CounterConfig, load_counter_config, parse_size
from .demo import SCENES

__all__ = ["main", "build_parser", "QML_DIR"]

log = logging.getLogger(__name__)

QML_DIR = Path(__file__).resolve().parent / "qml"
SCREENSHOT_TIMEOUT_S = 10.0


def _counter_no(s: str) -> int:
    n = int(s)
    if not 1 <= n <= 99:
        raise argparse.ArgumentTypeError("a counter number is 1..99")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="antrean counter",
                                description="Loket: panggil, panggil ulang, tidak hadir, "
                                            "selesai, alihkan (counter terminal)")
    p.add_argument("--config", help="counter config TOML (default: none, all defaults)")
    p.add_argument("--hub", help="hub URL, e.g. http://192.168.1.10:8470 (default: mDNS)")
    add_token_options(p, "this counter's")
    p.add_argument("--counter", type=_counter_no, help="counter number 1..99")
    p.add_argument("--services", help="service ids this counter calls, comma separated")
    p.add_argument("--name", help="device name on the LAN (default: the host name)")
    p.add_argument("--lang", choices=["id", "en"], help="start language (default id)")
    p.add_argument("--size", help="window size WxH, e.g. 1024x600")
    p.add_argument("--fullscreen", action="store_true", default=None,
                   help="full screen (the default without --size)")
    p.add_argument("--no-mdns", action="store_true",
                   help="do not advertise nor check the counter number on the LAN")
    p.add_argument("--screenshot", metavar="FILE", help="save the screen as PNG and exit")
    p.add_argument("--screen", choices=SCENES,
                   help="with --screenshot: a staged scene (no hub) instead of the live screen")
    return p


def _config(args: argparse.Namespace) -> CounterConfig:
    cfg = load_counter_config(args.config)
    services = [s.strip() for s in args.services.split(",") if s.strip()] \
        if args.services is not None else None
    return cfg.with_overrides(
        hub={"url": args.hub, "token": token_from_args(args)},
        counter={"number": args.counter, "services": services, "lang": args.lang,
                 "name": args.name},
        screen={"size": args.size, "fullscreen": args.fullscreen},
        mdns={"advertise": False if args.no_mdns or args.screenshot else None},
    )


def _options(cfg: CounterConfig, args: argparse.Namespace | None = None) -> Any:
    from .viewmodel import Options

    # The token while it runs: the command line's, or the config's — looked at again when
    # the config changes (antrean join --config pairs a running counter).
    token = cfg.token_source(token_from_args(args) or "" if args is not None else "",
                             args.config if args is not None else None)
    return Options(
        url=cfg.hub.url or None, token=token, post=cfg.hub.post or None,
        number=cfg.counter.number or None, name=cfg.counter.name or socket.gethostname(),
        services=list(cfg.counter.services) or None, lang=cfg.counter.lang,
        next_guard_s=cfg.counter.next_guard_s, mdns=cfg.mdns.advertise,
        interfaces=list(cfg.mdns.interfaces) or None, claim_wait_s=cfg.mdns.claim_wait_s,
        state_file=cfg.state_dir() / "counter.json", fingerprint=cfg.hub.fingerprint or None,
    )


def load_window(vm: Any, engine: Any, size: tuple[int, int] | None = None) -> Any:
    """Load ``AntreanCounter/Main.qml`` for ``vm``; the window, or None if nothing loaded."""
    engine.addImportPath(str(QML_DIR))
    engine.setInitialProperties({"vm": vm})
    engine.loadFromModule("AntreanCounter", "Main")
    roots = engine.rootObjects()
    if not roots:
        return None
    win = roots[0]
    if size:
        win.setWidth(size[0])
        win.setHeight(size[1])
    return win


def grab(win: Any, path: str | Path) -> bool:
    """Save the window as a PNG."""
    import PySide6.QtQuick  # noqa: F401 - grabWindow needs QtQuick loaded

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return bool(win.grabWindow().save(str(path)))


def _screenshot_when_ready(app: Any, vm: Any, win: Any, path: str, staged: bool) -> None:
    from PySide6.QtCore import QTimer

    started = time.monotonic()

    def ready() -> bool:
        d = vm.desk
        return staged or d.hub_up is False or d.refused or (
            d.hub_up and d.phase != "connecting" and d.queue is not None)

    def poll() -> None:
        if ready() or time.monotonic() - started > SCREENSHOT_TIMEOUT_S:
            vm.render_now()
            QTimer.singleShot(400, finish)  # let QML lay out the last view
        else:
            QTimer.singleShot(100, poll)

    def finish() -> None:
        ok = grab(win, path)
        print(f"screenshot {'saved' if ok else 'FAILED'}: {path}", flush=True)
        app.exit(0 if ok else 1)

    QTimer.singleShot(0, poll)


def main(argv: list[str] | None = None) -> int:
    """Run the counter terminal; returns the exit status."""
    from antrean.qtcheck import require_safe_pyside

    require_safe_pyside("antrean counter")  # before any Qt import: exits 2 if unsafe
    args = build_parser().parse_args(argv)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        cfg = _config(args)
        opts = _options(cfg, args)
    except ConfigError as exc:
        print(f"antrean counter: {exc}", file=sys.stderr)
        return 2
    if args.screen and not args.screenshot:
        print("antrean counter: --screen needs --screenshot FILE", file=sys.stderr)
        return 2
    if not opts.token() and not args.screen:
        # Not fatal: the screen says so and how to fix it, and the counter comes back by
        # itself once paired (antrean join --config rewrites the config it watches).
        log.warning("no token: pair this counter (antrean join --code CODE --role counter "
                    "--name NAME --config FILE), or give --token-file FILE / ANTREAN_TOKEN")
    if args.screenshot and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return _run(cfg, opts, args)


def _run(cfg: CounterConfig, opts: Any, args: argparse.Namespace) -> int:
    import PySide6.QtQuick  # noqa: F401 - the root object must come back as a QQuickWindow
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine

    from .demo import stage
    from .viewmodel import CounterViewModel

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    vm = CounterViewModel(opts)
    engine = QQmlApplicationEngine()
    previous: dict[signal.Signals, Any] = {}
    try:
        win = load_window(vm, engine, parse_size(cfg.screen.size))
        if win is None:
            print("antrean counter: the QML screen did not load", file=sys.stderr)
            return 1
        if cfg.screen.fullscreen and not args.screenshot:
            win.showFullScreen()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Queued: a SIGTERM before exec() starts must still end the loop once it runs.
            previous[signum] = signal.signal(signum, lambda *_: QTimer.singleShot(0, app.quit))
        wake = QTimer()  # lets Python run its signal handlers while Qt waits
        wake.start(250)
        wake.timeout.connect(lambda: None)
        if args.screen:
            stage(vm.desk, args.screen)
            vm.render_now()
        else:
            vm.start()
        if args.screenshot:
            _screenshot_when_ready(app, vm, win, args.screenshot, bool(args.screen))
        else:
            from antrean import sdnotify

            pings = sdnotify.start_gui_watchdog(QTimer)  # noqa: F841 - kept while running
        return int(app.exec())
    finally:
        vm.close()
        win = None
        del engine  # the window goes before the view-model it binds to
        for signum, handler in previous.items():
            signal.signal(signum, handler)
