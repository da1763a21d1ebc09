"""``antrean kiosk``: read the config, build the kiosk, run it (or render one screen and exit).

    antrean kiosk [--config FILE] [--hub URL] [--token T] [--printer SPEC] [--paper 58|80]
                  [--buttons PORT] [--lang id|en] [--size WxH] [--data DIR]
                  [--screenshot FILE [--screen NAME]]      NAME: see SCREENS
    antrean kiosk --pair CODE --name NAME [--hub URL]     trade a pairing code for a token
    antrean kiosk --hash-pin                              make a staff PIN hash for the config

Without ``--hub`` (or ``[hub] url``) the kiosk finds its post's hub by mDNS. ``--data DIR``
(``[kiosk] data``, default /var/lib/antrean) holds its outbox: the numbers reserved to it and
the tickets it printed while the hub was away.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
from typing import Any

from antrean.devicetoken import add_token_options, token_from_args
from antrean.qtcheck import require_safe_pyside

from .config import (
    DEFAULT_CONFIG_PATH,
    DEFAULT_DATA_DIR,
    ConfigError,
    KioskConfig,
    apply_overrides,
    hash_pin,
    load_kiosk_config,
)
from .outbox import OutboxError

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)

SCREENS = ("start", "confirm", "printer-fault", "hub-down", "out-of-service", "offline",
           "confirm-offline", "rate-entry", "rate-refused", "rate-faces", "rate-thanks",
           "survey-question", "survey-missing", "survey-profile", "survey-done",
           "complaint-category", "complaint-text", "complaint-number", "complaint-sent")


def _size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    if not (sep and w.isdigit() and h.isdigit() and 200 <= int(w) <= 8000
            and 200 <= int(h) <= 8000):
        raise argparse.ArgumentTypeError(f"not a screen size WxH (e.g. 1024x600): {text!r}")
    return int(w), int(h)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="antrean kiosk",
                                description="Kiosk: ambil nomor antrean / take a queue number")
    p.add_argument("--config", help="kiosk TOML (default /etc/antrean/kiosk.toml if present)")
    p.add_argument("--hub", help="hub URL, e.g. http://192.168.1.10:8470 (default: mDNS)")
    add_token_options(p, "this kiosk's")
    p.add_argument("--printer", help="fake[:DIR] | file:PATH | serial:PORT[:BAUD] | "
                                     "usb:VID:PID | network:HOST[:PORT]")
    p.add_argument("--paper", type=int, choices=[58, 80], help="paper width in mm")
    p.add_argument("--buttons", help="serial port of the button box")
    p.add_argument("--data", metavar="DIR",
                   help="the kiosk's own folder: its reserve of numbers and the tickets issued "
                        "while the hub is away (default [kiosk] data, /var/lib/antrean)")
    p.add_argument("--lang", choices=["id", "en"], help="start language (default id)")
    p.add_argument("--size", type=_size, help="window size WxH (default: full screen)")
    p.add_argument("--screenshot", metavar="FILE", help="render one screen to a PNG and exit")
    p.add_argument("--screen", choices=SCREENS, default="start", help="screen for --screenshot")
    p.add_argument("--pair", metavar="CODE", help="pair with the hub using its one-time code")
    p.add_argument("--name", help="this kiosk's name (with --pair; also its mDNS name)")
    p.add_argument("--hash-pin", action="store_true", help="print a staff PIN hash for the config")
    return p


def _config(args: argparse.Namespace) -> KioskConfig:
    cfg = load_kiosk_config(args.config)
    return apply_overrides(cfg, hub_url=args.hub, hub_token=token_from_args(args),
                           printer_spec=args.printer, printer_paper=args.paper,
                           buttons_port=args.buttons, kiosk_lang=args.lang, kiosk_name=args.name,
                           kiosk_data=args.data)


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk; returns the process exit code."""
    require_safe_pyside("antrean kiosk")  # before any Qt is imported
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.hash_pin:
        return _hash_pin()
    try:
        cfg = _config(args)
    except ConfigError as exc:
        print(f"antrean kiosk: {exc}", file=sys.stderr)
        return 2
    if args.pair:
        return _pair(cfg, args.pair, args.name)
    token = _token_source(cfg, args)
    if args.screenshot:
        from .screenshot import render_screenshot

        return render_screenshot(cfg, args.screenshot, args.screen, args.size or (1024, 600),
                                 token)
    return _run(cfg, args.size, token, explicit_data=args.data is not None
                or cfg.kiosk.data != DEFAULT_DATA_DIR)


def _token_source(cfg: KioskConfig, args: argparse.Namespace) -> Any:
    """The kiosk's token while it runs: the command line's, or its config's — looked at
    again when the config changes (``antrean join --config`` pairs a running kiosk)."""
    from antrean.devicetoken import TokenSource

    return TokenSource(token_from_args(args) or "", token=cfg.hub.token,
                       fingerprint=cfg.hub.fingerprint, token_file=cfg.hub.token_file,
                       config=args.config or DEFAULT_CONFIG_PATH)


def _data_dir(cfg: KioskConfig, explicit: bool) -> str | None:
    """The kiosk's data folder, if it can be used. The appliance's default that cannot (a
    laptop with no /var/lib/antrean) only turns offline issuing off, with a warning; a
    folder given on purpose that cannot is an error."""
    import os
    from pathlib import Path

    path = Path(cfg.kiosk.data)
    probe = path if path.exists() else path.parent
    if os.access(probe, os.W_OK | os.X_OK):
        return str(path)
    if explicit:
        raise ValueError(f"--data {path}: the folder cannot be written (run as its owner, or "
                         "give another folder)")
    log.warning("offline issuing is off: %s cannot be written (give the kiosk --data DIR)", path)
    return None


def _run(cfg: KioskConfig, size: tuple[int, int] | None, token: Any = None, *,
         explicit_data: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from antrean import sdnotify

    from .runtime import Kiosk

    if not cfg.hub.token and not cfg.hub.token_file:
        log.warning("no hub token: the kiosk shows it is out of service until paired "
                    "(antrean join --code CODE --role kiosk --name NAME --config FILE)")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    kiosk: Any = None
    try:
        kiosk = Kiosk(cfg, token=token, data_dir=_data_dir(cfg, explicit_data))
        width, height = size or (1024, 600)
        if kiosk.load(width, height, fullscreen=size is None) is None:
            return 1
        kiosk.start()
        # Python runs signal handlers only between bytecodes: a timer gives it the chance
        # while Qt's loop waits, so SIGTERM from systemd stops the kiosk in order.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: app.quit())
        wake = QTimer(interval=250)
        wake.timeout.connect(lambda: None)
        wake.start()
        log.info("kiosk running (hub %s, printer %s)", cfg.hub.url or "by mDNS", cfg.printer.spec)
        # systemd: up now that the window is; a frozen GUI thread stops the pings.
        pings = sdnotify.start_gui_watchdog(QTimer)  # noqa: F841 - kept while exec() runs
        return int(app.exec())
    except (ValueError, OutboxError) as exc:  # a bad printer spec, an unusable data folder
        print(f"antrean kiosk: {exc}", file=sys.stderr)
        return 2
    finally:
        if kiosk is not None:
            kiosk.close()


def _pair(cfg: KioskConfig, code: str, name: str | None) -> int:
    from antrean.client import HubClient, HubError

    if not name:
        print("antrean kiosk: --pair needs --name (e.g. --name kiosk-depan)", file=sys.stderr)
        return 2
    from antrean.joinconfig import hub_lines

    try:
        with HubClient(cfg.hub.url or None, post=cfg.hub.post or None,
                       timeout=cfg.hub.timeout_s) as client:
            token = client.pair(code, "kiosk", name)
            fingerprint = client.fingerprint or ""
    except HubError as exc:
        print(f"antrean kiosk: pairing failed: {exc.message} ({exc.message_en})", file=sys.stderr)
        return 1
    print("# Kiosk terpasang. Simpan baris ini di [hub] pada /etc/antrean/kiosk.toml "
          "(token dan kunci hub) / put these lines in [hub]:", file=sys.stderr)
    print("\n".join(hub_lines(token, fingerprint)))
    return 0


def _hash_pin() -> int:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN petugas baru (4-12 angka): ")
        if getpass.getpass("Ulangi PIN: ") != pin:
            print("antrean kiosk: the two PINs differ", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().strip()
    try:
        hashed = hash_pin(pin)
    except ValueError as exc:
        print(f"antrean kiosk: {exc}", file=sys.stderr)
        return 2
    print("# Salin ke [staff] pada /etc/antrean/kiosk.toml:", file=sys.stderr)
    print(f'pin_hash = "{hashed}"')
    return 0

