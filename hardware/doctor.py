"""``antrean doctor``: what a field technician checks on site, in Indonesian (``--lang en``).

One line per check, ``OK`` / ``PERINGATAN`` / ``GAGAL``, then what was found and what to do.
The exit code is 1 when any check failed (warnings alone give 0), so a script can use it.

What is checked depends on the Pi's role (``--role``; else guessed from ``--config`` or
from which antrean units are enabled):

=========  =====================================================================
every role configuration file, the hub (found by mDNS and answering ``/health``: one
           verdict), clock (year ≥ 2025, near the hub's), disk space of the data folder
kiosk      + pairing token, ticket printer (paper), button box
counter    + pairing token
display    + pairing token, Indonesian espeak-ng voice, sound device
hub        + the link to the city server (last seq the city acknowledged, backlog, error)
hall       hub + display (the hub on ``127.0.0.1``)
=========  =====================================================================

``--printer``, ``--buttons``, ``--token``, ``--test-print`` and ``--test-voice`` add their
check to any role. ``ESPEAK_DATA_PATH`` points espeak-ng at another voice folder (that is
how the tests make the voice absent).
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from antrean.devicetoken import add_token_options, token_from_args

from .doctor_checks import (
    FAIL,
    OK,
    WARN,
    Findings,
    Result,
    Settings,
    check_buttons,
    check_clock,
    check_config,
    check_disk,
    check_hub,
    check_pairing,
    check_printer,
)
from .doctor_city import check_city
from .doctor_time import check_time_source
from .doctor_trust import check_hub_key
from .doctor_voice import check_sound, check_voice

__all__ = ["ROLES", "build_parser", "resolve", "run_checks", "format_line", "main"]

ROLES = ("hall", "hub", "kiosk", "counter", "display")
CONFIG_DIR = Path("/etc/antrean")
WANTS_DIR = Path("/etc/systemd/system/multi-user.target.wants")
LABELS = {"id": {OK: "OK", WARN: "PERINGATAN", FAIL: "GAGAL"},
          "en": {OK: "OK", WARN: "WARNING", FAIL: "FAILED"}}
TODO = {"id": "Lakukan", "en": "Do"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="antrean doctor",
        description="Pemeriksaan lapangan untuk teknisi: hub, jam, token, printer, tombol, "
                    "suara, disk. / Field checks for a technician.")
    p.add_argument("--role", choices=ROLES, help="peran Pi ini (default: ditebak dari "
                   "--config atau unit yang aktif)")
    p.add_argument("--config", metavar="FILE", help="konfigurasi perangkat "
                   "(default /etc/antrean/<peran>.toml)")
    p.add_argument("--hub", metavar="URL", help="alamat hub, mis. http://192.168.1.10:8470 "
                   "(default: dari konfigurasi, atau mDNS)")
    add_token_options(p, "this device's")
    p.add_argument("--fingerprint", help="kunci hub yang disematkan (default: [hub] fingerprint "
                   "di konfigurasi)")
    p.add_argument("--printer", metavar="SPEC", help="fake[:DIR] | file:PATH | "
                   "serial:PORT[:BAUD] | usb:VID:PID | network:HOST[:PORT]")
    p.add_argument("--paper", type=int, choices=[58, 80], help="lebar kertas (mm)")
    p.add_argument("--buttons", metavar="PORT", help="port serial kotak tombol")
    p.add_argument("--data", metavar="DIR", help="folder data (default /var/lib/antrean)")
    p.add_argument("--test-print", action="store_true", help="cetak satu tiket uji")
    p.add_argument("--test-voice", action="store_true",
                   help="ucapkan satu kalimat uji (dan simpan WAV-nya)")
    p.add_argument("--mdns-timeout", type=float, default=5.0, metavar="S",
                   help="detik mencari hub lewat mDNS (default 5)")
    p.add_argument("--lang", choices=["id", "en"], default="id",
                   help="bahasa laporan / report language (default id)")
    p.add_argument("--json", action="store_true", help="hasil sebagai JSON")
    return p


# ---------------------------------------------------------------- settings


def _guess_role(config: str | None) -> str | None:
    if config and Path(config).stem in ROLES:
        return Path(config).stem
    try:
        units = {p.name for p in WANTS_DIR.iterdir()}
    except OSError:
        return None
    on = {r for r in ("hub", "kiosk", "counter", "display") if f"antrean-{r}.service" in units}
    if on == {"hub", "display"}:
        return "hall"
    return on.pop() if len(on) == 1 else None


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), ""
    except OSError as exc:
        return {}, f"tidak bisa dibaca / cannot read: {exc.strerror}"
    except tomllib.TOMLDecodeError as exc:
        return {}, f"bukan TOML yang sah / not valid TOML: {exc}"


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    sec = data.get(name)
    return sec if isinstance(sec, dict) else {}


def _str(sec: dict[str, Any], key: str) -> str:
    v = sec.get(key)
    return v.strip() if isinstance(v, str) else ""


def _hub_settings(s: Settings, hub_toml: Path | None) -> None:
    """The hub (and hall) role: check the hub on this Pi; its post and port from hub.toml."""
    from antrean.config import ConfigError, load_post_config

    try:
        cfg = load_post_config(str(hub_toml) if hub_toml else None)
    except ConfigError as exc:
        if s.config is None or s.config == hub_toml:
            s.config, s.config_error = hub_toml, str(exc)
        return
    s.post = s.post or cfg.post.id
    s.post_name = cfg.post.name
    s.interfaces = s.interfaces or list(cfg.hub.interfaces)
    if not s.hub_url:  # mDNS first (devices rely on it), this Pi's own hub if that fails
        from antrean.tls import tls_enabled

        scheme = "https" if tls_enabled(cfg.hub.tls, cfg.hub.host) else "http"
        s.hub_url = f"{scheme}://127.0.0.1:{cfg.hub.port}"


def resolve(args: argparse.Namespace) -> Settings:
    """Settings from the options, then the device's config file, then the defaults."""
    role = args.role or _guess_role(args.config)
    s = Settings(role=role, lang=args.lang, test_print=args.test_print,
                 test_voice=args.test_voice, mdns_timeout=args.mdns_timeout)
    device = {"hall": "display", "hub": "hub"}.get(role or "", role)
    path = Path(args.config) if args.config else (CONFIG_DIR / f"{device}.toml" if device else None)
    if path is not None and (args.config or path.exists()):
        s.config = path
        s.config_data, s.config_error = _read_toml(path)
    data = s.config_data
    hub, printer, buttons = _section(data, "hub"), _section(data, "printer"), _section(data, "buttons")
    s.hub_url = (args.hub or _str(hub, "url")).rstrip("/")
    s.hub_fixed = bool(s.hub_url)
    s.post = _str(hub, "post")
    s.token = token_from_args(args) or _str(hub, "token") or _token_file(_str(hub, "token_file"))
    s.fingerprint = _fingerprint(args.fingerprint or _str(hub, "fingerprint"))
    mdns = _section(data, "mdns").get("interfaces")
    s.interfaces = [str(i) for i in mdns] if isinstance(mdns, list) else []
    s.printer = args.printer or _str(printer, "spec")
    paper = printer.get("paper")
    s.paper = args.paper or (paper if paper in (58, 80) else 80)
    s.buttons = args.buttons or _str(buttons, "port")
    baud = buttons.get("baud")
    s.baud = baud if isinstance(baud, int) and baud > 0 else 9600
    s.data_dir = Path(args.data) if args.data else Path("/var/lib/antrean")
    if role in ("hub", "hall"):
        hub_toml = path if role == "hub" else CONFIG_DIR / "hub.toml"
        _hub_settings(s, hub_toml if hub_toml is not None and hub_toml.exists() else None)
    return s


def _fingerprint(text: str) -> str:
    from antrean.tls import valid_fingerprint

    try:
        return valid_fingerprint(text) if text else ""
    except ValueError:
        return ""  # the config check names the bad key; the key check then says "not pinned"


def _token_file(path: str) -> str:
    if not path:
        return ""
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8").strip().splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""


# ---------------------------------------------------------------- running


def plan(s: Settings) -> list[str]:
    """The check ids to run for these settings, in report order."""
    role = s.role
    ids = ["config", "hub", "hub.key", "clock", "timesource"]
    if role in ("hub", "hall"):
        ids.append("hub.city")
    if role in ("kiosk", "counter", "display", "hall") or s.token:
        ids.append("pairing")
    if role == "kiosk" or s.printer or s.test_print:
        ids.append("printer")
    if role == "kiosk" or s.buttons:
        ids.append("buttons")
    if role in ("display", "hall") or s.test_voice:
        ids += ["voice", "sound"]
    ids.append("disk")
    return ids


def run_checks(s: Settings, on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run the planned checks in order; each result also goes to ``on_result`` as it comes."""
    f = Findings()
    checks: dict[str, Callable[[], Result]] = {
        "config": lambda: check_config(s),
        "hub": lambda: check_hub(s, f),
        "hub.key": lambda: check_hub_key(s, f),
        "hub.city": lambda: check_city(f),
        "clock": lambda: check_clock(s, f),
        "timesource": lambda: check_time_source(s, f),
        "pairing": lambda: check_pairing(s, f),
        "printer": lambda: check_printer(s),
        "buttons": lambda: check_buttons(s),
        "voice": lambda: check_voice(s),
        "sound": check_sound,
        "disk": lambda: check_disk(s),
    }
    results: list[Result] = []
    for cid in plan(s):
        if cid == "sound" and any(r.id == "voice" and s.test_voice for r in results):
            continue  # the test sentence already told whether sound plays
        try:
            res = checks[cid]()
        except Exception as exc:  # a check's own bug must not hide the other checks
            res = Result(cid, FAIL, (cid, cid), (f"pemeriksaan gagal: {exc!r}",
                                                 f"check crashed: {exc!r}"))
        results.append(res)
        if on_result is not None:
            on_result(res)
    return results


def format_line(r: Result, lang: str = "id") -> str:
    i = 0 if lang == "id" else 1
    line = f"{LABELS[lang][r.status]:<10} {r.title[i]}: {r.found[i]}"
    if r.todo:
        line += f" — {TODO[lang]}: {r.todo[i]}"
    return line


def _as_json(s: Settings, results: list[Result]) -> str:
    i = 0 if s.lang == "id" else 1
    rows = [{"id": r.id, "status": r.status, "label": LABELS[s.lang][r.status],
             "title": r.title[i], "found": r.found[i], "todo": r.todo[i] if r.todo else None}
            for r in results]
    return json.dumps({"role": s.role, "ok": all(r.status != FAIL for r in results),
                       "config": str(s.config) if s.config else None, "checks": rows},
                      ensure_ascii=False, indent=2)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    s = resolve(args)
    if not args.json:
        head = {"id": f"antrean doctor — peran: {s.role or 'tidak diketahui (pakai --role)'}",
                "en": f"antrean doctor — role: {s.role or 'unknown (use --role)'}"}[s.lang]
        print(head, flush=True)
    results = run_checks(s, None if args.json else
                         lambda r: print(format_line(r, s.lang), flush=True))
    failed = sum(r.status == FAIL for r in results)
    if args.json:
        print(_as_json(s, results))
    else:
        warned = sum(r.status == WARN for r in results)
        print({"id": f"{failed} gagal, {warned} peringatan, {len(results)} pemeriksaan",
               "en": f"{failed} failed, {warned} warnings, {len(results)} checks"}[s.lang])
    return 1 if failed else 0

