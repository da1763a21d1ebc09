"""The ``antrean`` command: one entry point for every role and tool.

Subcommands import what they need lazily, so ``antrean token`` on a hub stays light and
``import antrean`` never pulls in Qt or hardware libraries.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .config import PostConfig

__all__ = ["main", "build_parser"]


def _data_dir(p: str) -> Path:
    return Path(p).expanduser()


def _day(s: str) -> str:
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from exc


_DEBUG_HELP = "debug logging, and the traceback of a start-up fault"


def _debug_flag(parser: argparse.ArgumentParser) -> None:
    """``--debug`` after the command too (``antrean hub --data D --debug``)."""
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help=_DEBUG_HELP)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="antrean", description="Antrean — antrean pos pelayanan")
    p.add_argument("--version", action="version", version=f"antrean {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    h = sub.add_parser("hub", help="run the post's hub (API, database, mDNS)")
    h.add_argument("--data", required=True, help="folder of the post's database")
    h.add_argument("--host", default=None, help="address to bind (default from config: 0.0.0.0)")
    h.add_argument("--port", type=int, default=None, help="port (default from config: 8470)")
    h.add_argument("--config", default=None, help="post config TOML (default: the example post)")
    h.add_argument("--no-mdns", action="store_true", help="do not advertise by mDNS")
    h.add_argument("--tls", choices=["on", "off", "auto"], default=None,
                   help="HTTPS/WSS with the hub's own key (default from config: auto = on "
                        "unless bound to loopback only)")
    h.add_argument("--city-url", metavar="URL",
                   help="send the log to this city server (default from config: [city] url)")
    h.add_argument("--city-token", metavar="TOKEN",
                   help="this post's city token (a quick try only: `ps` shows it; prefer "
                        "--city-token-file or [city] token_file)")
    h.add_argument("--city-token-file", metavar="FILE",
                   help="file whose first line is this post's city token")

    t = sub.add_parser("token", help="make, list or revoke device tokens (works while the hub "
                       "runs)")
    t.add_argument("--data", required=True, help="folder of the post's database (the hub's --data)")
    t.add_argument("--role", choices=["kiosk", "counter", "display", "survey", "lead"],
                   help="what the new token may do")
    t.add_argument("--name", help='the new device\'s name, e.g. "Kios 1"')
    what = t.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the post's devices")
    what.add_argument("--revoke", metavar="NAME|ID",
                      help="refuse a device's token from now on (the running hub too)")

    pc = sub.add_parser("pair", help="print a one-time pairing code (2 minutes) and the hub's "
                        "key fingerprint")
    pc.add_argument("--data", required=True, help="folder of the post's database (the hub's --data)")
    pc.add_argument("--role", action="append",
                    choices=["kiosk", "counter", "display", "survey", "lead"],
                    help="roles the code may pair (default: kiosk, counter, display, survey)")

    j = sub.add_parser("join", help="pair this device with the hub using a one-time code")
    j.add_argument("--code", required=True, help="the code the hub shows (antrean pair)")
    j.add_argument("--role", required=True,
                   choices=["kiosk", "counter", "display", "survey", "lead"],
                   help="this device's role")
    j.add_argument("--name", required=True, help='this device\'s name, e.g. "Loket 3"')
    j.add_argument("--hub", help="hub URL (default: found by mDNS)")
    j.add_argument("--post", help="post id to look for (default: any)")
    j.add_argument("--config", metavar="FILE",
                   help="write the token and the hub's key into [hub] of this config "
                        "(e.g. /etc/antrean/counter.toml); default: print them")

    e = sub.add_parser("export", help="write a day's wait-time log (works with the hub stopped)")
    e.add_argument("--data", required=True, help="folder of the post's database (the hub's --data)")
    e.add_argument("--date", type=_day, default=None, help="YYYY-MM-DD (default: today)")
    e.add_argument("--all-days", action="store_true", help="every day the post has, into --out DIR")
    e.add_argument("--format", choices=["csv", "xlsx"], default=None,
                   help="file format (default: the --out file's extension; csv with --all-days)")
    e.add_argument("--excel", action="store_true",
                   help="CSV for Excel in Indonesian: UTF-8 BOM, ';' separator, local times")
    e.add_argument("--out", required=True, help="output file (a folder with --all-days)")
    e.add_argument("--config", default=None,
                   help="post config TOML (default: the example post), for names and zone")
    e.add_argument("--bundle", action="store_true",
                   help="one file of the log for the city (antrean city import): the events "
                        "the city has not acknowledged yet")
    e.add_argument("--all", action="store_true", help="with --bundle: every event, from seq 1")
    pg = sub.add_parser("purge", help="remove the keyed NIK hashes of programmes past their "
                        "period and retention (works while the hub runs)")
    pg.add_argument("--data", required=True, help="folder of the post's database (the hub's --data)")
    pg.add_argument("--config", default=None,
                    help="post config TOML (default: the example post): programmes and retention")
    pg.add_argument("--date", type=_day, default=None,
                    help="purge as on this day (YYYY-MM-DD; default: today at the post)")
    for storage_user in (h, t, pc, e, pg):
        _debug_flag(storage_user)

    d = sub.add_parser("demo", help="a whole post on this machine (or a simulated day)")
    d.add_argument("--headless", action="store_true", help="no screen: simulate a day and print")
    d.add_argument("--out", default="out/demo", help="folder for tickets, voice, logs, exports")
    d.add_argument("--buttons", help="serial port of a button box for the demo kiosk")
    d.add_argument("--no-voice", action="store_true", help="the display shows calls silently")
    d.add_argument("--seed", type=int, default=7, help="random seed of the simulated day")
    d.add_argument("--residents", type=int, default=120,
                   help="residents arriving in the simulated day")
    d.add_argument("--speed", type=float, default=1200.0, help="simulated seconds per second")

    a = sub.add_parser("announce", help="write a call announcement (chime + sentence) as WAV")
    a.add_argument("number", help="ticket number, e.g. A012")
    a.add_argument("counter", type=int, help="counter number, e.g. 3")
    a.add_argument("--wav", required=True, help="WAV file to write")
    a.add_argument("--lang", default="id", choices=["id", "en"],
                   help="language of the sentence (default id)")

    from .setup_role import add_parser as add_setup_parser

    add_setup_parser(sub)

    sub.add_parser("city", help="the city server and its tools (antrean city --help)",
                   add_help=False).add_argument("args", nargs=argparse.REMAINDER)

    dr = sub.add_parser("doctor", help="field checks for a technician (hub, printer, voice, ...)",
                        add_help=False)
    dr.add_argument("args", nargs=argparse.REMAINDER)

    for role in ("kiosk", "counter", "display"):
        r = sub.add_parser(role, help=f"run the {role} app", add_help=False)
        r.add_argument("args", nargs=argparse.REMAINDER)
    return p


def _cmd_hub(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_post_config
    from .datalock import EXIT_DATA_IN_USE, DataFolderInUse
    from .runner import serve_hub
    from .tls import HubKeyError

    try:
        cfg = _with_city_options(load_post_config(args.config), args)
    except ConfigError as exc:
        print(f"antrean hub: {exc}", file=sys.stderr)
        return 2
    host = args.host or cfg.hub.host
    port = args.port or cfg.hub.port
    try:
        serve_hub(cfg, _data_dir(args.data), host, port, advertise=not args.no_mdns, tls=args.tls)
    except ConfigError as exc:
        print(f"antrean hub: {exc}", file=sys.stderr)
        return 2
    except DataFolderInUse as exc:
        print(f"antrean hub: {exc.message} / {exc.message_en}", file=sys.stderr)
        return EXIT_DATA_IN_USE
    except HubKeyError as exc:
        print(f"antrean hub: {exc}", file=sys.stderr)
        return 2
    return 0


def _with_city_options(cfg: PostConfig, args: argparse.Namespace) -> PostConfig:
    """``--city-url`` / ``--city-token`` / ``--city-token-file`` over the config's [city]."""
    from .config import CityLink, ConfigError, validate_model

    given = {k: v for k, v in (("url", args.city_url), ("token", args.city_token),
                               ("token_file", args.city_token_file)) if v}
    if not given:
        return cfg
    if "token" in given or "token_file" in given:  # one given on the command line wins
        given.setdefault("token", "")
        given.setdefault("token_file", "")
    link = validate_model(CityLink, {**cfg.city.model_dump(), **given}, "--city-*", ConfigError)
    return cfg.model_copy(update={"city": link})


def _cmd_token(args: argparse.Namespace) -> int:
    from .auth import create_device_token
    from .clock import utcnow
    from .storage import Storage

    if args.list or args.revoke:
        if args.role or args.name:
            print("antrean token: --role/--name make a token; not with --list or --revoke",
                  file=sys.stderr)
            return 2
        return _token_list_or_revoke(args)
    if not args.role or not args.name:
        print("antrean token: --role and --name are needed to make a token", file=sys.stderr)
        return 2
    st = Storage(_data_dir(args.data))
    try:
        token = create_device_token(st, args.role, args.name, utcnow())
    except ValueError as exc:
        print(f"antrean token: {exc}", file=sys.stderr)
        return 2
    finally:
        st.close()
    print(f"# token for {args.role} '{args.name}' (shown once; the hub keeps only its hash)",
          file=sys.stderr)
    _print_pin_hint(_data_dir(args.data))
    print(token)
    return 0


def _print_pin_hint(data: Path) -> None:
    """A token made on the hub goes to the device with the hub's key, which the device pins
    (a device with a token but no pinned key talks only to a hub URL it was given)."""
    from .tls import HubKeyError, load_identity

    try:
        identity = load_identity(data)
    except HubKeyError:
        identity = None
    if identity is not None:
        print(f'# di [hub] perangkat, bersama token / in the device\'s [hub], with the token: '
              f'fingerprint = "{identity.fingerprint}"', file=sys.stderr)


def _token_list_or_revoke(args: argparse.Namespace) -> int:
    """``--list`` prints one device a line; ``--revoke`` revokes one (a running hub notices
    within a second). Last seen is written by the hub about once a minute."""
    from .clock import utcnow
    from .storage import Storage

    st = Storage(_data_dir(args.data))
    try:
        if args.list:
            print("id\trole\tname\tcreated\tlast_seen\trevoked\tcounter")
            for d in st.list_devices():
                cells = [str(d["id"]), d["role"], d["name"], *(
                    (d[k] or "-")[:19] for k in ("created_at", "last_seen_at", "revoked_at")),
                    str(d["counter"] or "-")]
                print("\t".join(cells))
            return 0
        found = st.find_devices(args.revoke)
        live = [d for d in found if d["revoked_at"] is None]
        if not found:
            print(f"antrean token: no device {args.revoke!r} (see --list)", file=sys.stderr)
            return 1
        if len(live) > 1:
            ids = ", ".join(str(d["id"]) for d in live)
            print(f"antrean token: {len(live)} devices are named {args.revoke!r} (ids {ids}); "
                  "revoke one by its id", file=sys.stderr)
            return 2
        if not live:
            print(f"# {args.revoke}: already revoked", file=sys.stderr)
            return 0
        st.revoke_device(live[0]["id"], utcnow())
    finally:
        st.close()
    d = live[0]
    print(f"# token dicabut / revoked: {d['role']} '{d['name']}' (id {d['id']})",
          file=sys.stderr)
    return 0


def _hub_key_lines(data: Path) -> list[str]:
    """What a lead compares: the hub key devices pin, the certificate browsers show."""
    from .tls import HubKeyError, format_fingerprint, load_identity

    try:
        identity = load_identity(data)
    except HubKeyError as exc:
        return [f"# kunci hub tidak terbaca / hub key unreadable: {exc}"]
    if identity is None:
        return ["# kunci hub dibuat saat hub pertama kali jalan / the hub makes its key at "
                "its first start"]
    return [f"# kunci hub / hub key: {format_fingerprint(identity.fingerprint)}",
            f"# sertifikat (browser) / certificate (browsers): SHA-256 {identity.cert_sha256}"]


def _cmd_pair(args: argparse.Namespace) -> int:
    from .auth import PAIRABLE_ROLES, create_pairing_code
    from .clock import utcnow
    from .storage import Storage

    st = Storage(_data_dir(args.data))
    try:
        code = create_pairing_code(st, utcnow(), tuple(args.role or PAIRABLE_ROLES))
    finally:
        st.close()
    print("# kode pemasangan / pairing code (2 menit / 2 minutes)", file=sys.stderr)
    for line in _hub_key_lines(_data_dir(args.data)):
        print(line, file=sys.stderr)
    print(code)
    return 0


def _cmd_join(args: argparse.Namespace) -> int:
    from .client import HubClient, HubError
    from .joinconfig import hub_lines, write_hub_keys
    from .tls import format_fingerprint

    try:
        with HubClient(args.hub, post=args.post) as client:
            token = client.pair(args.code, args.role, args.name)
            post = client.health()["post"]
            fingerprint = client.fingerprint or ""
    except HubError as exc:
        print(f"antrean join: {exc.message} ({exc.message_en})", file=sys.stderr)
        return 1
    print(f"# {args.name} terpasang ke {post['name']} / paired with {post['name']}; "
          f"kunci hub / hub key: {format_fingerprint(fingerprint)}", file=sys.stderr)
    if args.config:
        try:
            write_hub_keys(Path(args.config), {"token": token, "fingerprint": fingerprint})
        except (OSError, ValueError) as exc:
            print(f"antrean join: {args.config}: {exc}; simpan baris ini sendiri / put these "
                  "lines in [hub] yourself:", file=sys.stderr)
        else:
            print(f"# ditulis ke / written to [hub] in {args.config}", file=sys.stderr)
            return 0
    else:
        print(f"# simpan di [hub] pada /etc/antrean/{args.role}.toml (atau --config FILE) / "
              "put these lines in [hub] of the device's config", file=sys.stderr)
    print("\n".join(hub_lines(token, fingerprint)))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .clock import utcnow
    from .config import ConfigError, load_post_config
    from .export import export_day, format_for
    from .storage import DB_FILENAME, Storage

    def refuse(message: str) -> int:
        print(f"antrean export: {message}", file=sys.stderr)
        return 2

    try:
        cfg = load_post_config(args.config)
    except ConfigError as exc:
        return refuse(str(exc))
    out = Path(args.out)
    if args.bundle or args.all:
        return _export_bundle(args, cfg, out, refuse)
    try:
        fmt = (args.format or "csv") if args.all_days else format_for(out, args.format)
    except ValueError as exc:
        return refuse(str(exc))
    if args.excel and fmt != "csv":
        return refuse("--excel hanya untuk CSV; XLSX dibuka Excel apa adanya / --excel is for "
                      "CSV; Excel opens XLSX as it is")
    data = _data_dir(args.data)
    if not (data / DB_FILENAME).exists():
        return refuse(f"tidak ada basis data pos di {data} / no post database in {data}")
    if not args.all_days and not out.parent.is_dir():
        return refuse(f"folder {out.parent} tidak ada — buat dulu atau pilih yang lain / "
                      f"folder {out.parent} does not exist: make it or choose another")
    if not args.all_days and out.is_dir():
        return refuse(f"{out} adalah folder — beri nama berkas / {out} is a folder: give a "
                      "file name")
    st = Storage(data)
    try:
        if args.all_days:
            out.mkdir(parents=True, exist_ok=True)
            for day in st.days():
                f = out / f"antrean-{cfg.post.id}-{day}.{fmt}"
                n = export_day(st, cfg, day, fmt, f, excel=args.excel)
                print(f"{f}\t{n} rows")
            return 0
        day = args.date or utcnow().astimezone(cfg.tz).date().isoformat()
        with out.open("ab"):  # may we write there? asked first: openpyxl fails noisily
            pass
        n = export_day(st, cfg, day, fmt, out, excel=args.excel)
    except OSError as exc:  # a full USB stick, a read-only card, no permission
        return refuse(f"tidak dapat menulis {exc.filename or out}: {exc.strerror} / "
                      f"cannot write {exc.filename or out}: {exc.strerror}")
    finally:
        st.close()
    if n == 0:  # a wrong --date or --data looks like this: say so, the file is still valid
        print(f"antrean export: tidak ada tiket pada {day} — {out} hanya berisi judul kolom / "
              f"no tickets on {day}: {out} has the header row only", file=sys.stderr)
    print(f"{out}\t{n} rows ({day})")
    return 0


def _export_bundle(args: argparse.Namespace, cfg: PostConfig, out: Path,
                   refuse: Callable[[str], int]) -> int:
    """``antrean export --bundle [--all]``: the log for the city, on a USB stick."""
    from .bundle import write_bundle
    from .storage import DB_FILENAME, Storage
    from .uplink import ACKED_KEY

    if not args.bundle:
        return refuse("--all hanya bersama --bundle / --all goes with --bundle")
    if args.date or args.all_days or args.format or args.excel:
        return refuse("--bundle memuat seluruh log, tanpa --date/--all-days/--format/--excel / "
                      "--bundle holds the whole log: no --date/--all-days/--format/--excel")
    data = _data_dir(args.data)
    if not (data / DB_FILENAME).exists():
        return refuse(f"tidak ada basis data pos di {data} / no post database in {data}")
    st = Storage(data)
    try:
        others = sorted(set(st.post_ids()) - {cfg.post.id})
        if others:
            return refuse(f"log ini milik pos {', '.join(others)}, bukan '{cfg.post.id}': beri "
                          f"--config /etc/antrean/hub.toml / this log is post {', '.join(others)}'s, "
                          f"not '{cfg.post.id}': give the hub's --config")
        acked = st.meta_value(ACKED_KEY) or "0"
        after = 0 if args.all else int(acked) if acked.isdigit() else 0
        out.parent.mkdir(parents=True, exist_ok=True)
        trailer = write_bundle(st, cfg, out, after)
    except OSError as exc:
        return refuse(f"tidak bisa menulis {out}: {exc.strerror} / cannot write {out}: {exc.strerror}")
    finally:
        st.close()
    n, last = trailer["count"], trailer["last_seq"]
    what = (f"seq {after + 1}–{last}" if n else "tidak ada peristiwa baru / no new events")
    print(f"{out}\t{n} peristiwa / events ({what}), pos {cfg.post.id}")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    """``antrean purge``: each programme's hashes, once its period and retention are over."""
    from .clock import utcnow
    from .config import ConfigError, load_post_config
    from .hub_beneficiary import purge_day, purge_due
    from .storage import DB_FILENAME, Storage

    try:
        cfg = load_post_config(args.config)
    except ConfigError as exc:
        print(f"antrean purge: {exc}", file=sys.stderr)
        return 2
    data = _data_dir(args.data)
    if not (data / DB_FILENAME).exists():
        print(f"antrean purge: tidak ada basis data pos di {data} / no post database in {data}",
              file=sys.stderr)
        return 2
    today = date.fromisoformat(args.date or utcnow().astimezone(cfg.tz).date().isoformat())
    st = Storage(data)
    try:
        done = {d["programme"]: d for d in purge_due(st, cfg, today)}
    finally:
        st.close()
    for programme in sorted(cfg.programmes()):
        if programme in done:
            print(f"{programme}\t{done[programme]['removed']} hash dihapus / hashes removed")
        else:
            print(f"{programme}\tdihapus mulai / purged from {purge_day(cfg, programme)}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .desktop_demo import has_screen, run_desktop_demo

    if not args.headless and not has_screen():
        print("antrean demo: tidak ada layar (DISPLAY/WAYLAND_DISPLAY) — menjalankan --headless "
              "/ no screen: running --headless", file=sys.stderr)
        args.headless = True
    if args.headless:
        from .demo import run_headless_demo

        if not args.verbose:  # the report is the output: only warnings beside it (stderr)
            logging.getLogger().setLevel(logging.WARNING)

        return run_headless_demo(Path(args.out), seed=args.seed, residents=args.residents,
                                 speed=args.speed)
    return run_desktop_demo(Path(args.out), buttons=args.buttons, voice=not args.no_voice)


def _cmd_announce(args: argparse.Namespace) -> int:
    try:
        from hardware.speech import SpeechUnavailable, render_announcement
    except ImportError as exc:
        print(f"antrean announce: speech is not available: {exc}", file=sys.stderr)
        return 2
    try:
        sentence = render_announcement(args.number, args.counter, args.wav, lang=args.lang)
    except ValueError as exc:
        print(f"antrean announce: {exc}", file=sys.stderr)
        return 2
    except SpeechUnavailable as exc:  # no espeak-ng voice: say so, not a traceback
        print(f"antrean announce: suara tidak tersedia / speech is not available: {exc}",
              file=sys.stderr)
        return 1
    print(sentence)
    return 0


def _cmd_setup(args: argparse.Namespace) -> int:
    from .setup_role import main as setup_main

    return setup_main(args)


def _cmd_doctor(argv: list[str]) -> int:
    try:
        from hardware.doctor import main as doctor_main
    except ImportError as exc:
        print(f"antrean doctor: not available: {exc}", file=sys.stderr)
        return 2
    return int(doctor_main(argv))


def _cmd_city(argv: list[str]) -> int:
    try:
        from city.cli import main as city_main
    except ImportError as exc:
        print(f"antrean city: not available: {exc}", file=sys.stderr)
        return 2
    return int(city_main(argv))


def _cmd_app(role: str, argv: list[str]) -> int:
    import importlib

    try:
        mod = importlib.import_module(f"{role}.app")
    except ImportError as exc:
        print(f"antrean {role}: this app is not available: {exc}", file=sys.stderr)
        return 2
    return int(mod.main(argv))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("kiosk", "counter", "display"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return _cmd_app(argv[0], argv[1:])
    if argv and argv[0] == "city":  # the city's own parser owns its subcommands and --help
        return _cmd_city(argv[1:])
    if argv and argv[0] == "doctor":
        # The doctor's own parser owns its options and --help; its output is the report.
        logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
        return _cmd_doctor(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose or args.debug else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    handlers = {"hub": _cmd_hub, "token": _cmd_token, "pair": _cmd_pair, "export": _cmd_export,
                "demo": _cmd_demo, "join": _cmd_join, "announce": _cmd_announce, "setup": _cmd_setup,
                "purge": _cmd_purge}
    from .dbcheck import StorageFault

    try:
        return handlers[args.cmd](args)
    except StorageFault as exc:
        # One message in Indonesian and English naming the file and the fix, an exit
        # status per cause (README "Start-up faults"); the traceback only with --debug.
        if args.debug:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        print(f"antrean {args.cmd}: {exc.message}\nantrean {args.cmd}: {exc.message_en}",
              file=sys.stderr)
        return exc.exit_status


if __name__ == "__main__":
    raise SystemExit(main())
