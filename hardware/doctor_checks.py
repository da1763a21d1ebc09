"""The checks of ``antrean doctor``, one function each: what was found, what to do about it.

Each check takes the resolved :class:`Settings` (and what earlier checks learned, in
:class:`Findings`) and returns one :class:`Result`. Hardware libraries are imported inside
the check that needs them, so a missing one is a failed check, not a crash. The voice
checks are in :mod:`hardware.doctor_voice`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["OK", "WARN", "FAIL", "T", "Result", "Settings", "Findings", "UNIT_GROUPS",
           "result", "unit_active",
           "check_config", "check_hub", "check_clock", "check_pairing",
           "check_printer", "check_buttons", "check_disk"]

OK, WARN, FAIL = "ok", "warn", "fail"
T = tuple[str, str]  # (Indonesian, English)

#: The groups the screen units give the antrean user (SupplementaryGroups=).
UNIT_GROUPS = ("video", "render", "input", "lp", "dialout", "audio")
MIN_YEAR = 2025
CLOCK_WARN_S, CLOCK_FAIL_S = 60.0, 600.0
DISK_FAIL_B, DISK_WARN_B = 200 * 2**20, 1024 * 2**20


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    id: str
    status: str  # OK, WARN or FAIL
    title: T
    found: T
    todo: T | None = None


@dataclass
class Settings:
    """Everything the checks need, from the options and the device's config file."""

    role: str | None = None
    lang: str = "id"
    config: Path | None = None
    config_data: dict[str, Any] = field(default_factory=dict)
    config_error: str = ""
    hub_url: str = ""
    hub_fixed: bool = False  # the URL came from an option or the config: mDNS not needed
    post: str = ""
    interfaces: list[str] = field(default_factory=list)
    token: str = ""
    fingerprint: str = ""  # the hub key pinned at pairing ([hub] fingerprint)
    printer: str = ""
    paper: int = 80
    buttons: str = ""
    baud: int = 9600
    data_dir: Path = Path("/var/lib/antrean")
    voice_lang: str = "id"
    test_print: bool = False
    test_voice: bool = False
    mdns_timeout: float = 5.0
    http_timeout: float = 3.0
    post_name: str = ""


@dataclass
class Findings:
    """What earlier checks learned that later ones use."""

    hub_url: str = ""
    health: dict[str, Any] | None = None
    hub_clock_offset_s: float | None = None
    hub_key: str = ""  # the key the hub showed in the TLS handshake
    key_refused: bool = False  # ... and it was not the pinned one


def _same(text: str) -> T:
    return (text, text)


def result(id_: str, status: str, title: T, found: T, todo: T | None = None) -> Result:
    return Result(id_, status, title, found, todo)


def unit_active(unit: str) -> bool:
    """True if systemd runs ``unit`` now (then it may hold the device we want to test)."""
    if shutil.which("systemctl") is None:
        return False
    try:
        return subprocess.run(["systemctl", "is-active", "--quiet", unit],
                              timeout=5, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


# ---------------------------------------------------------------- config


def check_config(s: Settings) -> Result:
    title = ("Konfigurasi", "Configuration")
    if s.config is None:
        where = f"/etc/antrean/{s.role}.toml" if s.role else "/etc/antrean/<peran>.toml"
        return result("config", WARN, title,
                  (f"tidak ada berkas konfigurasi ({where}); nilai bawaan dipakai",
                   f"no config file ({where}); defaults are used"),
                  ("salin contoh dari /usr/share/antrean/ ke /etc/antrean/ lalu isi",
                   "copy the example from /usr/share/antrean/ to /etc/antrean/ and fill it in"))
    if s.config_error:
        return result("config", FAIL, title, _same(f"{s.config}: {s.config_error}"),
                  (f"perbaiki {s.config} (kunci yang disebut di atas)",
                   f"fix {s.config} (the key named above)"))
    return result("config", OK, title, (f"{s.config} terbaca", f"{s.config} read"))


# ---------------------------------------------------------------- hub


HUB_TITLE = ("Hub", "Hub")


def _discover(s: Settings) -> tuple[Any, str]:
    """The post's hub by mDNS: (peer or None, the error that stopped the search)."""
    from antrean.discovery import find_hub

    pin = s.fingerprint
    try:  # a pinned device skips hubs that announce another key (as the device itself does)
        return find_hub(s.post or None, timeout=s.mdns_timeout, interfaces=s.interfaces or None,
                        accept=(lambda p: p.tls and pin.startswith(p.fp_hint or "-"))
                        if pin else None), ""
    except Exception as exc:  # a broken network stack must not stop the other checks
        return None, str(exc)


def _hub_not_found(s: Settings, error: str) -> tuple[T, T]:
    post = f" untuk pos '{s.post}'" if s.post else ""
    post_en = f" for post '{s.post}'" if s.post else ""
    found = (f"tidak ada hub{post} terlihat lewat mDNS dalam {s.mdns_timeout:g} detik {error}",
             f"no hub{post_en} seen by mDNS within {s.mdns_timeout:g} s {error}")
    todo = ("pastikan Pi hub menyala (systemctl status antrean-hub) dan satu jaringan/"
            "router; router tidak boleh memblokir multicast (mDNS); atau isi [hub] url",
            "check the hub Pi is on (systemctl status antrean-hub) and on the same "
            "network; the router must pass multicast (mDNS); or set [hub] url")
    return (found[0].strip(), found[1].strip()), todo


def check_hub(s: Settings, f: Findings) -> Result:
    """Found (mDNS, or the address given) and answering: one finding, one verdict."""
    if s.hub_fixed:
        f.hub_url, via = s.hub_url, ("alamat ditetapkan", "address set")
        missing: tuple[T, T] | None = None
    else:
        peer, error = _discover(s)
        missing = None if peer is not None else _hub_not_found(s, error)
        # not seen: this Pi's own hub (role hub/hall), if it is one, is still worth asking
        f.hub_url = peer.url if peer is not None else s.hub_url
        via = ("ditemukan lewat mDNS", "found by mDNS")
    if not f.hub_url:
        return result("hub", FAIL, HUB_TITLE, *(missing or _hub_not_found(s, "")))
    answer = _ask_hub(s, f)
    if missing is None or answer.status == FAIL:
        return _with_via(answer, missing[0] if missing else via)
    # this Pi's hub answers on 127.0.0.1 but devices cannot see it: they will not find it
    return result("hub", FAIL, HUB_TITLE,
                  (f"{answer.found[0]}, tetapi {missing[0][0]}",
                   f"{answer.found[1]}, but {missing[0][1]}"), missing[1])


def _with_via(r: Result, via: T) -> Result:
    return Result(r.id, r.status, r.title, (f"{r.found[0]}; {via[0]}", f"{r.found[1]}; {via[1]}"),
                  r.todo)


def _ask_hub(s: Settings, f: Findings) -> Result:
    """GET /health at ``f.hub_url`` (over TLS with the pinned key when there is one): is it
    an Antrean hub of our post, of our version?"""
    import httpx

    from antrean import __version__

    from .doctor_trust import hub_tls_context, note_key

    title = HUB_TITLE
    ctx = hub_tls_context(s)
    try:
        r = httpx.get(f"{f.hub_url}/api/v1/health", timeout=s.http_timeout, verify=ctx)
        body = r.json() if r.status_code == 200 else None
        note_key(f, ctx)
    except (httpx.HTTPError, ValueError) as exc:
        note_key(f, ctx, exc)
        if f.key_refused:
            return result("hub", FAIL, title,
                          (f"{f.hub_url} ditolak: kunci TLS-nya bukan kunci hub yang disematkan",
                           f"{f.hub_url} refused: its TLS key is not the pinned hub key"),
                          ("lihat \"Kunci hub\" di bawah", "see \"Hub key\" below"))
        return result("hub", FAIL, title,
                  (f"{f.hub_url} tidak menjawab ({exc})", f"{f.hub_url} does not answer ({exc})"),
                  ("periksa kabel/Wi-Fi dan `systemctl status antrean-hub` di Pi hub",
                   "check the cable/Wi-Fi and `systemctl status antrean-hub` on the hub Pi"))
    if not isinstance(body, dict) or body.get("status") not in ("ok", "degraded") \
            or body.get("api") != 1:
        return result("hub", FAIL, title,
                  (f"{f.hub_url} bukan hub Antrean (API v1)", f"{f.hub_url} is not an Antrean hub (API v1)"),
                  ("periksa alamat [hub] url", "check the [hub] url"))
    f.health = body
    post = body.get("post") or {}
    post_id, name = str(post.get("id", "")), str(post.get("name", ""))
    _clock_offset(body, f)
    if s.post and post_id != s.post:
        return result("hub", FAIL, title,
                  (f"hub di {f.hub_url} milik pos '{post_id}', bukan '{s.post}'",
                   f"the hub at {f.hub_url} belongs to post '{post_id}', not '{s.post}'"),
                  ("periksa [hub] post / url di konfigurasi", "check [hub] post / url in the config"))
    found = (f"pos '{post_id}' ({name}) di {f.hub_url} menjawab, versi {body.get('version')}",
             f"post '{post_id}' ({name}) at {f.hub_url} answers, version {body.get('version')}")
    if body.get("status") == "degraded":  # its database refuses writes: the message says why
        return result("hub", FAIL, title,
                      (f"pos '{post_id}' di {f.hub_url}: hub tidak bisa menyimpan — "
                       f"{body.get('message', '')}",
                       f"post '{post_id}' at {f.hub_url}: the hub cannot store — "
                       f"{body.get('message_en', '')}"),
                      ("lalu periksa `journalctl -u antrean-hub` di Pi hub",
                       "then check `journalctl -u antrean-hub` on the hub Pi"))
    if body.get("version") != __version__:
        return result("hub", WARN, title, found,
                  (f"versi perangkat ini {__version__}: samakan versi paket di semua Pi",
                   f"this device runs {__version__}: install the same package on every Pi"))
    return result("hub", OK, title, found)


def _clock_offset(health: dict[str, Any], f: Findings) -> None:
    try:
        hub_now = datetime.fromisoformat(str(health["time"]))
    except (KeyError, ValueError):
        return
    if hub_now.tzinfo is not None:
        f.hub_clock_offset_s = (datetime.now(UTC) - hub_now).total_seconds()


def check_clock(s: Settings, f: Findings) -> Result:
    title = ("Jam", "Clock")
    now = datetime.now().astimezone()
    shown = now.strftime("%Y-%m-%d %H:%M %Z")
    set_clock = ("atur jam: sudo date -s 'YYYY-MM-DD HH:MM' (Pi tanpa internet dan tanpa modul RTC "
                 "kehilangan jam saat mati listrik)",
                 "set the clock: sudo date -s 'YYYY-MM-DD HH:MM' (a Pi with no internet and no RTC "
                 "module loses time when powered off)")
    if now.year < MIN_YEAR:
        return result("clock", FAIL, title, (f"jam menunjukkan {shown}", f"the clock says {shown}"),
                  set_clock)
    held = _hub_clock_held(f)
    if held is not None:
        return held
    off = f.hub_clock_offset_s
    if off is None or s.role == "hub":
        return result("clock", OK, title, (shown, shown))
    ahead = ("lebih cepat", "ahead") if off > 0 else ("lebih lambat", "behind")
    found = (f"{shown}; {abs(off):.0f} detik {ahead[0]} dari hub",
             f"{shown}; {abs(off):.0f} s {ahead[1]} of the hub")
    # chrony (pointed at the hub by `antrean setup`) keeps a device's clock on the hub's.
    follow = (f"jam Pi ini ikut hub lewat chrony: sudo antrean setup {s.role or 'kiosk'} (bila "
              "hub pindah alamat), lalu sudo chronyc makestep",
              f"this Pi's clock follows the hub through chrony: sudo antrean setup "
              f"{s.role or 'kiosk'} (if the hub moved), then sudo chronyc makestep")
    if abs(off) > CLOCK_FAIL_S:
        return result("clock", FAIL, title, found, follow)
    if abs(off) > CLOCK_WARN_S:
        return result("clock", WARN, title, found, follow)
    return result("clock", OK, title, found)


def _hub_clock_held(f: Findings) -> Result | None:
    """The hub's own word that its wall clock is behind its log (it holds its time)."""
    clock = (f.health or {}).get("clock")
    if not isinstance(clock, dict) or clock.get("status") != "behind":
        return None
    n, at = clock.get("behind_s"), str(clock.get("held_at") or "?")[11:16]
    return result("clock", FAIL, ("Jam", "Clock"),
                  (f"jam hub tertinggal {n} detik dari catatannya; hub menahan waktunya pada "
                   f"{at.replace(':', '.')} (nomor, panggilan dan waktu tunggu dicatat pada jam itu)",
                   f"the hub's clock is {n} s behind its log; the hub holds its time at {at} "
                   "(tickets, calls and waits are logged at that time)"),
                  ("atur jam Pi hub dengan benar (chrony/NTP, atau modul RTC). Bila jamnya sudah "
                   "benar, catatan itu ditulis saat jam terlalu cepat: hub berjalan lagi sendiri "
                   "setelah jam melewati waktu itu",
                   "set the hub Pi's clock right (chrony/NTP, or an RTC module). If it is right "
                   "now, the log was written while the clock ran fast: the hub runs on by itself "
                   "once the clock passes that time"))


def check_pairing(s: Settings, f: Findings) -> Result:
    title = ("Pemasangan (token)", "Pairing (token)")
    role = s.role if s.role in ("kiosk", "counter", "display") else "display"
    make = (f"di Pi hub: sudo -u antrean antrean token --data /var/lib/antrean --role {role} "
            f"--name NAMA, lalu tulis di [hub] token di /etc/antrean/{role}.toml",
            f"on the hub Pi: sudo -u antrean antrean token --data /var/lib/antrean --role {role} "
            f"--name NAME, then put it in [hub] token in /etc/antrean/{role}.toml")
    if not s.token:
        return result("pairing", FAIL, title, ("perangkat belum dipasangkan: tidak ada token",
                                           "device not paired: no token"), make)
    if f.health is None:
        return result("pairing", WARN, title, ("token ada, tetapi hub tidak terjangkau untuk memeriksanya",
                                           "a token is set, but the hub is not reachable to check it"),
                  ("perbaiki hub di atas lalu ulangi", "fix the hub above, then run again"))
    accepted, detail = _token_accepted(f.hub_url, s.token, s.http_timeout, s.fingerprint)
    if accepted is None:
        return result("pairing", WARN, title, (f"tidak bisa diperiksa: {detail}",
                                           f"could not be checked: {detail}"))
    if not accepted:
        return result("pairing", FAIL, title, ("token ditolak hub (dicabut, atau dari pos/hub lain)",
                                           "the hub refuses the token (revoked, or from another post/hub)"),
                  make)
    return result("pairing", OK, title, (f"token diterima hub (pos '{detail}')",
                                     f"the hub accepts the token (post '{detail}')"))


def _token_accepted(url: str, token: str, timeout: float,
                    pin: str = "") -> tuple[bool | None, str]:
    """Open the event stream with the token (read-only) and read its hello — over WSS only
    to the pinned key, as the device would (the token is never shown to another hub)."""
    from websockets.exceptions import InvalidStatus, WebSocketException
    from websockets.sync.client import connect

    from antrean.tls import HubTLSContext

    ws_url = "ws" + url.removeprefix("http") + "/api/v1/events?since=0"
    tls = HubTLSContext(pin or None) if ws_url.startswith("wss://") else None
    try:
        with connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"},
                     open_timeout=timeout, close_timeout=1, ssl=tls) as ws:
            hello = json.loads(ws.recv(timeout=timeout))
    except InvalidStatus as exc:
        code = exc.response.status_code
        return (False, str(code)) if code in (401, 403) else (None, f"HTTP {code}")
    except (OSError, TimeoutError, WebSocketException, ValueError) as exc:
        return None, str(exc) or type(exc).__name__
    if not isinstance(hello, dict) or hello.get("type") != "hello":
        return None, "unexpected answer"
    return True, str(hello.get("post", ""))


# ---------------------------------------------------------------- printer


_PRINTER_TODO = {
    "paper_out": ("isi gulungan kertas (sisi mengilap menghadap kepala cetak) lalu tutup penutupnya",
                  "load a paper roll (shiny side to the print head) and close the cover"),
    "offline": ("periksa kabel dan daya printer, dan [printer] spec", "check the printer's cable "
                "and power, and [printer] spec"),
    "timeout": ("printer tidak menjawab: matikan-nyalakan printer, periksa baud/kabel",
                "the printer does not answer: power-cycle it, check baud rate/cable"),
    "error": ("matikan-nyalakan printer; bila tetap, periksa [printer] spec",
              "power-cycle the printer; if it persists, check [printer] spec"),
}


def check_printer(s: Settings) -> Result:
    title = ("Printer tiket", "Ticket printer")
    spec = s.printer or "fake"
    try:
        from hardware.printer import PrinterError, make_printer

        printer = make_printer(spec, s.paper, timeout_s=5.0, status_timeout_s=1.0)
    except (ValueError, ImportError) as exc:
        return result("printer", FAIL, title, _same(str(exc)),
                  ("perbaiki [printer] spec di /etc/antrean/kiosk.toml",
                   "fix [printer] spec in /etc/antrean/kiosk.toml"))
    try:
        st = printer.status()
        printed: Result | None = None
        if s.test_print and st.ok:
            try:
                printer.print_ticket(_test_ticket(s))
            except PrinterError as exc:
                printed = result("printer", FAIL, title,
                             (f"tiket uji gagal: {exc.message} ({spec})",
                              f"test ticket failed: {exc.kind} ({spec})"),
                             _PRINTER_TODO.get(exc.kind, _PRINTER_TODO["error"]))
    finally:
        printer.close()
    if printed is not None:
        return printed
    done = (", tiket uji dicetak", ", test ticket printed") if s.test_print and st.ok else ("", "")
    if spec.startswith("fake"):
        where = spec.partition(":")[2]
        saved = (f" (gambar tiket di {where})", f" (ticket pictures in {where})") if where else ("", "")
        return result("printer", WARN, title,
                  (f"printer palsu '{spec}': tiket tidak tercetak di kertas{saved[0]}{done[0]}",
                   f"fake printer '{spec}': tickets are not printed on paper{saved[1]}{done[1]}"),
                  ("atur [printer] spec di /etc/antrean/kiosk.toml (usb:VID:PID, serial:/dev/ttyUSB0, "
                   "network:IP)", "set [printer] spec in /etc/antrean/kiosk.toml (usb:VID:PID, "
                   "serial:/dev/ttyUSB0, network:IP)"))
    found = (f"{st.message} ({spec}){done[0]}", f"{st.kind} ({spec}){done[1]}")
    if st.kind == "ok":
        return result("printer", OK, title, found)
    if st.kind == "paper_low":
        return result("printer", WARN, title, found, ("siapkan gulungan kertas baru",
                                                  "have a new paper roll ready"))
    if st.ok:  # unknown, busy: prints, but cannot say whether paper is in
        return result("printer", WARN, title, found,
                  ("printer tidak melaporkan status kertas: cetak tiket uji "
                   "(antrean doctor --test-print)", "the printer does not report its paper: "
                   "print a test ticket (antrean doctor --test-print)"))
    todo = _PRINTER_TODO.get(st.kind, _PRINTER_TODO["error"])
    if unit_active("antrean-kiosk.service") and st.kind in ("offline", "timeout", "error"):
        todo = (todo[0] + "; kiosk sedang memakai printer: sudo systemctl stop antrean-kiosk dulu",
                todo[1] + "; the kiosk holds the printer: sudo systemctl stop antrean-kiosk first")
    return result("printer", FAIL, title, found, todo)


def _test_ticket(s: Settings) -> Any:
    from hardware.printer import PrintableTicket

    lang = s.lang if s.lang in ("id", "en") else "id"
    return PrintableTicket(
        ticket_id=str(uuid.uuid4()), number="TES",
        service_name="Tiket uji printer" if lang == "id" else "Printer test ticket",
        post_name=s.post_name or "Antrean", issued_at=datetime.now().astimezone(),
        people_ahead=0, estimated_wait_s=None, priority_label=None,
        footer="antrean doctor --test-print", lang=lang)


# ---------------------------------------------------------------- button box


def check_buttons(s: Settings) -> Result:
    title = ("Kotak tombol", "Button box")
    if not s.buttons:
        return result("buttons", OK, title, ("tidak dipakai ([buttons] port kosong)",
                                         "not used ([buttons] port is empty)"))
    port = s.buttons
    plug = ("colokkan kotak tombol; lihat `ls -l /dev/serial/by-id/` dan isi [buttons] port "
            "dengan jalur itu", "plug the button box in; see `ls -l /dev/serial/by-id/` and put "
            "that path in [buttons] port")
    if port.startswith("/") and not os.path.exists(port):
        return result("buttons", FAIL, title, (f"{port} tidak ada", f"{port} does not exist"), plug)
    try:
        import serial

        dev = serial.serial_for_url(port, s.baud, timeout=0)
        dev.close()
    except Exception as exc:
        return result("buttons", FAIL, title, (f"{port} tidak bisa dibuka: {exc}",
                                           f"{port} cannot be opened: {exc}"), plug)
    if port.startswith("/") and not _service_may_open(port):
        return result("buttons", WARN, title,
                  (f"{port} terbuka, tetapi layanan (user antrean) tidak berhak membukanya",
                   f"{port} opens, but the service (user antrean) may not open it"),
                  (f"grup perangkat harus salah satu dari {', '.join(UNIT_GROUPS)}",
                   f"the device's group must be one of {', '.join(UNIT_GROUPS)}"))
    return result("buttons", OK, title, (f"{port} terbuka ({s.baud} baud)",
                                     f"{port} opens ({s.baud} baud)"))


def _service_may_open(path: str) -> bool:
    """Whether the antrean user with the units' groups can read and write ``path``."""
    import grp

    st = os.stat(path)
    if st.st_mode & 0o006 == 0o006 or not stat.S_ISCHR(st.st_mode):
        return True
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = ""
    return group in UNIT_GROUPS and st.st_mode & 0o060 == 0o060


# ---------------------------------------------------------------- disk


def check_disk(s: Settings) -> Result:
    title = ("Ruang disk", "Disk space")
    where = s.data_dir
    probe = where
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    free = (f"{usage.free / 2**30:.1f} GB kosong di {where}", f"{usage.free / 2**30:.1f} GB free at {where}")
    clean = ("kosongkan disk: sudo journalctl --vacuum-size=100M; ekspor lalu arsipkan data lama",
             "free space: sudo journalctl --vacuum-size=100M; export and archive old data")
    if usage.free < DISK_FAIL_B:
        return result("disk", FAIL, title, free, clean)
    if usage.free < DISK_WARN_B:
        return result("disk", WARN, title, free, clean)
    strangers = _foreign_files(where)
    if strangers:
        shown = ", ".join(strangers[:3])
        return result("disk", FAIL, title,
                  (f"{free[0]}; berkas milik user lain: {shown}", f"{free[1]}; files owned by another user: {shown}"),
                  (f"sudo chown -R antrean:antrean {where} (jalankan alat antrean di Pi hub dengan "
                   "sudo -u antrean)", f"sudo chown -R antrean:antrean {where} (run antrean tools on "
                   "the hub Pi with sudo -u antrean)"))
    if not where.exists():
        return result("disk", OK, title, (free[0] + " (folder dibuat saat layanan pertama jalan)",
                                      free[1] + " (the folder is made when the service first runs)"))
    return result("disk", OK, title, free)


def _foreign_files(folder: Path) -> list[str]:
    """Files in the data folder not owned by the folder's owner (e.g. made by root)."""
    try:
        owner = folder.stat().st_uid
        return sorted(p.name for p in folder.iterdir() if p.lstat().st_uid != owner)
    except OSError:
        return []

