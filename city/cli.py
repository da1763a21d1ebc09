"""``antrean city``: the city server and its tools.

    antrean city --db URL [--host H] [--port 8471] [--config city.toml]
    antrean city token --db URL --post POST_ID --name NAME     (a post's uplink token)
    antrean city token --db URL --officer NAME                 (a city officer's token)
    antrean city demo [--days 3]                               (a throwaway city: make city)
    antrean city import --db URL FILE                          (a post's USB bundle)

``--db`` may instead come from ``ANTREAN_CITY_DB`` (keeps a password out of ``ps``).
Every failure is one line in Indonesian and English on stderr, exit code 2; no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]

PROG = "antrean city"


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=os.environ.get("ANTREAN_CITY_DB"),
                   help="postgresql://user@host:port/dbname (default: $ANTREAN_CITY_DB)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Server kota Antrean / the city server",
                                epilog="also: antrean city token …, antrean city import … "
                                       "(each with --help)")
    _db_arg(p)
    p.add_argument("--host", default=None, help="address to bind (default from config: 0.0.0.0)")
    p.add_argument("--port", type=int, default=None, help="port (default from config: 8471)")
    p.add_argument("--config", default=None, help="city config TOML (names, places, costs)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def _token_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{PROG} token",
                                description="print a new city token (only its hash is kept)")
    _db_arg(p)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--post", help="the post id (as in its hub.toml [post] id)")
    who.add_argument("--officer", metavar="NAME", help="a city officer's name")
    p.add_argument("--name", help="with --post: a name for this token, e.g. the hub")
    return p


def _import_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{PROG} import",
                                description="load a post's bundle (antrean export --bundle)")
    _db_arg(p)
    p.add_argument("file", help="the bundle file")
    return p


def _fail(message: str, message_en: str) -> int:
    print(f"{PROG}: {message}\n{PROG}: {message_en}", file=sys.stderr)
    return 2


def _serve(argv: list[str]) -> int:
    from antrean.config import ConfigError

    from .config import load_city_config
    from .db import CityDbError
    from .runner import serve_city

    args = build_parser().parse_args(argv)
    logging.getLogger().setLevel(logging.DEBUG if args.verbose else logging.INFO)
    if not args.db:
        return _fail("--db (atau ANTREAN_CITY_DB) wajib diisi.", "--db (or ANTREAN_CITY_DB) is required.")
    try:
        cfg = load_city_config(args.config)
        serve_city(args.db, cfg, args.host or cfg.server.host, args.port or cfg.server.port)
    except ConfigError as exc:
        return _fail(f"konfigurasi salah: {exc}", f"bad config: {exc}")
    except CityDbError as exc:
        return _fail(exc.message, exc.message_en)
    return 0


def _token(argv: list[str]) -> int:
    from .auth import create_token
    from .db import CityDbError, explain, migrate

    args = _token_parser().parse_args(argv)
    if not args.db:
        return _fail("--db (atau ANTREAN_CITY_DB) wajib diisi.", "--db (or ANTREAN_CITY_DB) is required.")
    if args.post and not args.name:
        return _fail("--post perlu --name.", "--post needs --name.")
    role, name = ("post", args.name) if args.post else ("officer", args.officer)
    try:
        import psycopg

        migrate(args.db)
        try:
            with psycopg.connect(args.db.replace("postgresql+psycopg://", "postgresql://"),
                                 connect_timeout=10) as conn:
                token = create_token(conn, role, name, args.post)
        except psycopg.Error as exc:
            raise explain(exc, args.db) from exc
    except CityDbError as exc:
        return _fail(exc.message, exc.message_en)
    except ValueError as exc:
        return _fail(f"tidak valid: {exc}", f"invalid: {exc}")
    what = f"pos '{args.post}'" if args.post else f"petugas '{name}'"
    print(f"# token untuk {what} (ditampilkan sekali; kota hanya menyimpan hash-nya) / "
          "shown once, the city keeps only its hash", file=sys.stderr)
    print(token)
    return 0


def _import(argv: list[str]) -> int:
    from .bundle_import import import_bundle

    args = _import_parser().parse_args(argv)
    if not args.db:
        return _fail("--db (atau ANTREAN_CITY_DB) wajib diisi.", "--db (or ANTREAN_CITY_DB) is required.")
    return import_bundle(args.db, Path(args.file))


def _demo_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{PROG} demo",
        description="demo kota: PostgreSQL sementara, server kota dan tiga pos selama beberapa "
                    "hari simulasi / a throwaway city with three simulated posts (make city)")
    p.add_argument("--days", type=int, default=3, help="simulated days, 2-14 (default 3)")
    p.add_argument("--speed", type=float, default=4000.0,
                   help="clock speed-up of the posts' days (default 4000)")
    p.add_argument("--residents", type=int, default=90,
                   help="residents a day at the busiest post (default 90)")
    p.add_argument("--port", type=int, default=8471,
                   help="the city server's port (default 8471; 0 or taken: any free port)")
    return p


def _demo(argv: list[str]) -> int:
    args = _demo_parser().parse_args(argv)
    if not 2 <= args.days <= 14:
        return _fail("--days antara 2 dan 14.", "--days must be 2 to 14.")
    if not 10 <= args.speed <= 100_000 or not 5 <= args.residents <= 2000:
        return _fail("--speed 10-100000, --residents 5-2000.",
                     "--speed must be 10-100000 and --residents 5-2000.")
    if not 0 <= args.port <= 65535:
        return _fail("--port 0-65535.", "--port must be 0-65535.")
    from .demo import run_city_demo

    return run_city_demo(days=args.days, speed=args.speed, residents=args.residents,
                         port=args.port)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "httpx", "httpcore", "psycopg.pool"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if argv and argv[0] == "token":
        return _token(argv[1:])
    if argv and argv[0] == "import":
        return _import(argv[1:])
    if argv and argv[0] == "demo":
        return _demo(argv[1:])
    return _serve(argv)
