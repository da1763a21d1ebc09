"""``antrean setup ROLE``: enable the systemd units of one Pi's role, and only those.

The package installs four units and enables none. A technician then says what this Pi is:

========  =========================================  ==========================
role      units enabled (and started)                config to fill in
========  =========================================  ==========================
hall      antrean-hub + antrean-display              hub.toml, display.toml
hub       antrean-hub                                hub.toml
kiosk     antrean-kiosk                              kiosk.toml
counter   antrean-counter                            counter.toml
display   antrean-display                            display.toml
========  =========================================  ==========================

The other antrean units are disabled (and stopped), so running ``setup`` again with another
role turns a kiosk into a counter. ``--dry-run`` prints the commands; ``--root DIR`` works on
a system image (``systemctl --root``: links only, nothing started).

Then the post's clock (antrean/timesource.py): the hall Pi gets chrony's drop-in that makes
it the NTP server of the post's LAN; any other role looks for its post's hub by mDNS and
points chrony at it. chrony is restarted (not on an image). A hub that cannot be found, or
no chrony, is said and skipped: the units are set up all the same.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["ROLES", "UNITS", "SetupError", "plan", "add_parser", "run"]

UNITS = ("antrean-hub.service", "antrean-kiosk.service", "antrean-counter.service",
         "antrean-display.service")
ROLES: dict[str, tuple[str, ...]] = {
    "hall": ("antrean-hub.service", "antrean-display.service"),
    "hub": ("antrean-hub.service",),
    "kiosk": ("antrean-kiosk.service",),
    "counter": ("antrean-counter.service",),
    "display": ("antrean-display.service",),
}
UNIT_DIRS = ("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system")
CONFIG_DIR = "etc/antrean"

_TEXT = {
    "id": {
        "root": "jalankan sebagai root: sudo antrean setup {role}",
        "no_systemctl": "systemctl tidak ditemukan: Pi ini tidak memakai systemd?",
        "no_unit": "{unit} tidak ada di {where}: pasang paket antrean dulu (sudo apt install ./antrean_*.deb)",
        "failed": "perintah gagal (kode {code}): {cmd}",
        "dry": "# uji coba: tidak ada yang diubah",
        "done": "Peran '{role}' aktif: {units}.",
        "config": "Konfigurasi: {paths}",
        "next": "Berikutnya:",
        "pair": "  pasangkan perangkat: di Pi hub jalankan `sudo -u antrean antrean pair --data "
                "/var/lib/antrean` (kode 6 angka), lalu di sini `sudo antrean join --code KODE "
                "--role {device} --name {device}-1 --config {path}` (token dan kunci hub)",
        "hubtok": "  pasangkan layar aula: sudo -u antrean antrean pair --data /var/lib/antrean, "
                  "lalu sudo antrean join --code KODE --role display --name layar-aula "
                  "--config {path}",
        "restart": "  setelah mengubah konfigurasi: sudo systemctl restart {units}",
        "doctor": "  periksa semuanya: sudo antrean doctor --role {role}",
        "chrony_none": "chrony tidak terpasang: jam Pi ini tidak ikut hub (sudo apt install "
                       "chrony, lalu ulangi setup)",
        "chrony_hub": "Jam pos: Pi ini melayani NTP untuk LAN pos ({path}).",
        "chrony_dev": "Jam pos: chrony mengikuti hub di {address} ({path}).",
        "chrony_nohub": "Jam pos: hub pos tidak ditemukan lewat mDNS; jalankan setup ini lagi "
                        "setelah hub menyala (jam Pi ini belum ikut hub).",
        "chrony_fail": "Jam pos: chrony tidak bisa dimulai ulang (kode {code}); periksa "
                       "journalctl -u chrony",
    },
    "en": {
        "root": "run as root: sudo antrean setup {role}",
        "no_systemctl": "systemctl not found: does this Pi run systemd?",
        "no_unit": "{unit} is not in {where}: install the antrean package first (sudo apt install ./antrean_*.deb)",
        "failed": "command failed (code {code}): {cmd}",
        "dry": "# dry run: nothing is changed",
        "done": "Role '{role}' is on: {units}.",
        "config": "Configuration: {paths}",
        "next": "Next:",
        "pair": "  pair the device: on the hub Pi run `sudo -u antrean antrean pair --data "
                "/var/lib/antrean` (a 6-digit code), then here `sudo antrean join --code CODE "
                "--role {device} --name {device}-1 --config {path}` (token and hub key)",
        "hubtok": "  pair the hall display: sudo -u antrean antrean pair --data /var/lib/antrean, "
                  "then sudo antrean join --code CODE --role display --name hall-screen "
                  "--config {path}",
        "restart": "  after changing a config: sudo systemctl restart {units}",
        "doctor": "  check everything: sudo antrean doctor --role {role}",
        "chrony_none": "chrony is not installed: this Pi's clock does not follow the hub (sudo "
                       "apt install chrony, then run setup again)",
        "chrony_hub": "Post clock: this Pi serves NTP to the post's LAN ({path}).",
        "chrony_dev": "Post clock: chrony follows the hub at {address} ({path}).",
        "chrony_nohub": "Post clock: the post's hub was not found by mDNS; run this setup again "
                        "once the hub is up (this Pi's clock does not follow it yet).",
        "chrony_fail": "Post clock: chrony could not be restarted (code {code}); see "
                       "journalctl -u chrony",
    },
}

Runner = Callable[[list[str]], int]
HubFinder = Callable[[Path, str, bool], str | None]


class SetupError(Exception):
    """The role cannot be set up; the message says what to do."""


def plan(role: str, *, root: str | os.PathLike[str] | None = None,
         start: bool = True) -> list[list[str]]:
    """The systemctl commands that make this machine ``role``: disable the rest, enable these.

    With ``root`` (an image), units are only linked (``systemctl --root``), never started.
    """
    if role not in ROLES:
        raise SetupError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    wanted = ROLES[role]
    base = ["systemctl", *([f"--root={Path(root).resolve()}"] if root is not None else [])]
    now = ["--now"] if start and root is None else []
    cmds = []
    others = [u for u in UNITS if u not in wanted]
    if others:
        cmds.append([*base, "disable", *now, *others])
    cmds.append([*base, "enable", *now, *wanted])
    return cmds


def _check_units(root: Path, lang: str) -> None:
    for unit in UNITS:
        if not any((root / d / unit).is_file() for d in UNIT_DIRS):
            where = ", ".join(f"/{d}" for d in UNIT_DIRS)
            raise SetupError(_t(lang, "no_unit", unit=unit, where=where))


def _t(lang: str, key: str, **kw: object) -> str:
    return _TEXT.get(lang, _TEXT["id"])[key].format(**kw)


def _call(cmd: list[str]) -> int:
    return subprocess.run(cmd, check=False).returncode


def run(role: str, *, root: str | None = None, dry_run: bool = False, start: bool = True,
        lang: str = "id", runner: Runner = _call, euid: int | None = None,
        out: Callable[[str], None] = print, find_hub: HubFinder | None = None) -> int:
    """Set up ``role``; returns the exit code. Raises :class:`SetupError` with advice.

    ``find_hub(root, role, browse)``: the hub's address for chrony (default: the role's
    config ``[hub] url``, else by mDNS when ``browse`` — not for a dry run or an image)."""
    cmds = plan(role, root=root, start=start)
    image = Path(root) if root is not None else Path("/")
    if not dry_run:
        if root is None and (os.geteuid() if euid is None else euid) != 0:
            raise SetupError(_t(lang, "root", role=role))
        if shutil.which("systemctl") is None:
            raise SetupError(_t(lang, "no_systemctl"))
        _check_units(image, lang)
    else:
        out(_t(lang, "dry"))
    for cmd in cmds:
        out(shlex.join(cmd))
        if dry_run:
            continue
        code = runner(cmd)
        if code != 0:
            raise SetupError(_t(lang, "failed", code=code, cmd=shlex.join(cmd)))
    _time_source(role, image, lang, out, find_hub or find_hub_address, dry_run=dry_run,
                 live=root is None, runner=runner)
    if not dry_run:
        _advise(role, lang, out)
    return 0


def _time_source(role: str, image: Path, lang: str, out: Callable[[str], None],
                 find_hub: HubFinder, *, dry_run: bool, live: bool, runner: Runner) -> None:
    """Write this role's chrony files (antrean/timesource.py) and restart chrony."""
    from .timesource import HUB_ROLES, files_for

    if not (image / "etc/chrony").is_dir() and not dry_run:
        out(_t(lang, "chrony_none"))
        return
    address = None if role in HUB_ROLES else find_hub(image, role, live and not dry_run)
    files = files_for(role, address)
    if not files:
        out(_t(lang, "chrony_nohub"))
        return
    for rel, text in files.items():
        out(f"# {'(uji coba) ' if dry_run else ''}/{rel}")
        if not dry_run:
            path = image / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    first = "/" + next(iter(files))
    out(_t(lang, "chrony_hub", path=first) if address is None
        else _t(lang, "chrony_dev", address=address, path=first))
    if live and not dry_run:
        code = runner(["systemctl", "restart", "chrony.service"])
        if code != 0:
            out(_t(lang, "chrony_fail", code=code))


def find_hub_address(image: Path, role: str, browse: bool, timeout: float = 8.0) -> str | None:
    """The hub's IP address for chrony: the host of ``[hub] url`` in the role's config if it
    is an address, else (``browse``) the post's hub found by mDNS — of ``[hub] post``, on
    ``[mdns] interfaces`` — an IPv4 address first."""
    import ipaddress
    import tomllib

    from .discovery import find_hub
    from .tls import url_host

    try:
        cfg = tomllib.loads((image / CONFIG_DIR / f"{role}.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        cfg = {}
    hub, mdns = cfg.get("hub") or {}, cfg.get("mdns") or {}
    try:
        return str(ipaddress.ip_address(url_host(str(hub.get("url") or ""))))
    except ValueError:
        if not browse:
            return None
    peer = find_hub(post=str(hub.get("post") or "") or None, timeout=timeout,
                    interfaces=list(mdns.get("interfaces") or []) or None)
    addresses = sorted(peer.addresses, key=lambda a: ":" in a) if peer else []  # IPv4 first
    return addresses[0].split("%", 1)[0] if addresses else None


def _advise(role: str, lang: str, out: Callable[[str], None]) -> None:
    units = ROLES[role]
    configs = [f"/{CONFIG_DIR}/{u.removeprefix('antrean-').removesuffix('.service')}.toml"
               for u in units]
    out(_t(lang, "done", role=role, units=", ".join(units)))
    out(_t(lang, "config", paths=", ".join(configs)))
    out(_t(lang, "next"))
    device = [c for c in configs if not c.endswith("/hub.toml")]
    if role == "hall":
        out(_t(lang, "hubtok", path=device[0]))
    elif device:
        out(_t(lang, "pair", path=device[0], device=role))
    out(_t(lang, "restart", units=" ".join(units)))
    out(_t(lang, "doctor", role=role))


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """The ``setup`` subcommand's options, added to the ``antrean`` parser."""
    s = sub.add_parser("setup", help="enable this Pi's role: hall (hub + display), kiosk, counter",
                       description="Enable the systemd units of this Pi's role and disable "
                                   "the other antrean units.")
    s.add_argument("role", choices=list(ROLES),
                   help="hall = hub + display; hub; kiosk; counter; display")
    s.add_argument("--dry-run", action="store_true", help="print the commands, change nothing")
    s.add_argument("--root", default=None, metavar="DIR",
                   help="work on a system image in DIR (links units, starts nothing)")
    s.add_argument("--no-start", action="store_true",
                   help="enable for the next boot without starting now")
    s.add_argument("--lang", choices=["id", "en"], default="id",
                   help="language of the messages (default id)")
    return s


def main(args: argparse.Namespace, argv0: str = "antrean setup") -> int:
    """Entry point for the parsed ``setup`` subcommand."""
    try:
        return run(args.role, root=args.root, dry_run=args.dry_run, start=not args.no_start,
                   lang=args.lang)
    except SetupError as exc:
        print(f"{argv0}: {exc}", file=sys.stderr)
        return 2
