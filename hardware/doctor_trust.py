"""``antrean doctor``'s view of trust: the hub key this device pinned, the key the hub it
reached really has, and on the hub itself the key and certificate fingerprints a lead
compares (devices: ``antrean pair``; browsers: the certificate's SHA-256).

A device refuses a hub whose key is not its pinned one (antrean.client); this check says
so in words a technician can act on, with both keys side by side.
"""

from __future__ import annotations

from antrean.tls import (
    HubKeyError,
    HubTLSContext,
    PinMismatch,
    find_pin_mismatch,
    format_fingerprint,
    is_loopback_host,
    load_identity,
    url_host,
)

from .doctor_checks import FAIL, OK, WARN, Findings, Result, Settings, result

__all__ = ["check_hub_key", "hub_tls_context", "note_key"]

TITLE = ("Kunci hub (TLS)", "Hub key (TLS)")
_REPAIR = ("pasangkan ulang: di Pi hub `antrean pair --data /var/lib/antrean`, lalu di sini "
           "`sudo antrean join --code KODE --role {role} --name NAMA --config {config}`",
           "pair again: on the hub Pi `antrean pair --data /var/lib/antrean`, then here "
           "`sudo antrean join --code CODE --role {role} --name NAME --config {config}`")


def hub_tls_context(s: Settings) -> HubTLSContext:
    """The context the device itself would use: its pinned key, or any key (recorded)."""
    return HubTLSContext(s.fingerprint or None)


def note_key(f: Findings, ctx: HubTLSContext, exc: BaseException | None = None) -> None:
    """Remember which key the hub showed (and whether the pin refused it) for check_hub_key."""
    mismatch = find_pin_mismatch(exc)
    if isinstance(mismatch, PinMismatch):
        f.hub_key = mismatch.got
        f.key_refused = True
    elif ctx.seen:
        f.hub_key = ctx.seen[-1]


def _repair(s: Settings) -> tuple[str, str]:
    role = s.role if s.role in ("kiosk", "counter", "display") else "display"
    config = str(s.config or f"/etc/antrean/{role}.toml")
    return (_REPAIR[0].format(role=role, config=config),
            _REPAIR[1].format(role=role, config=config))


def _own_key(s: Settings) -> Result:
    try:
        identity = load_identity(s.data_dir)
    except HubKeyError as exc:
        return result("hub.key", FAIL, TITLE, (str(exc), str(exc)),
                      ("pulihkan hub-key.pem dari cadangan, atau hapus keduanya (semua "
                       "perangkat harus dipasangkan ulang)", "restore hub-key.pem from a backup, "
                       "or delete both files (every device must then pair again)"))
    if identity is None:
        return result("hub.key", WARN, TITLE,
                      (f"belum ada kunci di {s.data_dir}: hub membuatnya saat pertama jalan",
                       f"no key in {s.data_dir} yet: the hub makes it at its first start"),
                      ("jalankan hub: sudo systemctl start antrean-hub",
                       "start the hub: sudo systemctl start antrean-hub"))
    fp = format_fingerprint(identity.fingerprint)
    return result("hub.key", OK, TITLE,
                  (f"kunci hub ini: {fp}; sertifikat (browser) SHA-256 {identity.cert_sha256}",
                   f"this hub's key: {fp}; certificate (browsers) SHA-256 "
                   f"{identity.cert_sha256}"))


def check_hub_key(s: Settings, f: Findings) -> Result:
    """The hub's own key on the hub; on a device, the pinned key against the hub's."""
    if s.role in ("hub", "hall") and not s.fingerprint:
        return _own_key(s)
    url = f.hub_url
    pin = s.fingerprint
    seen = f.hub_key
    if f.key_refused and seen:
        return result("hub.key", FAIL, TITLE,
                      (f"hub di {url} memakai kunci {format_fingerprint(seen)}, bukan kunci yang "
                       f"disematkan {format_fingerprint(pin)}: hub palsu atau perantara di "
                       "jaringan — perangkat menolaknya",
                       f"the hub at {url} has key {format_fingerprint(seen)}, not the pinned "
                       f"{format_fingerprint(pin)}: a rogue hub or something in between — the "
                       "device refuses it"),
                      (f"cari perangkat asing di jaringan; bila Pi hub memang dipasang ulang: "
                       f"{_repair(s)[0]}", f"look for a foreign device on the LAN; if the hub "
                       f"Pi was really re-imaged: {_repair(s)[1]}"))
    if not url:
        return result("hub.key", WARN, TITLE, ("hub tidak terjangkau: kunci tidak diperiksa",
                                               "hub not reachable: key not checked"))
    if url.startswith("http://"):
        if is_loopback_host(url_host(url)):
            return result("hub.key", OK, TITLE, (f"hub di mesin ini ({url}), tanpa TLS",
                                                 f"the hub on this machine ({url}), no TLS"))
        return result("hub.key", FAIL if pin else WARN, TITLE,
                      (f"hub di {url} tanpa TLS: token terbaca siapa pun di jaringan",
                       f"the hub at {url} has no TLS: anyone on the LAN can read the token"),
                      ("jalankan hub dengan TLS (bawaan: [hub] tls = \"auto\") dan pakai https://",
                       "run the hub with TLS (default: [hub] tls = \"auto\") and use https://"))
    if not pin:
        shown = f" (hub ini: {format_fingerprint(seen)})" if seen else ""
        shown_en = f" (this hub: {format_fingerprint(seen)})" if seen else ""
        return result("hub.key", WARN, TITLE,
                      ("kunci hub belum disematkan: perangkat hanya memakai hub di [hub] url, "
                       f"tidak hub yang ditemukan mDNS{shown}",
                       "no hub key pinned: the device only uses the hub in [hub] url, never one "
                       f"found by mDNS{shown_en}"), _repair(s))
    return result("hub.key", OK, TITLE, (f"kunci hub cocok: {format_fingerprint(pin)}",
                                         f"the hub key matches: {format_fingerprint(pin)}"))
