"""Words on the hall display: labels, dates, the ticker. Pure text, Indonesian first.

Nothing here touches Qt or the network, so every string a resident reads can be tested on
its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from antrean.posttime import time_text, zone_abbreviation

__all__ = ["LABELS", "alert_text", "clock_text", "date_text", "labels", "service_name",
           "surge_text", "ticker_items", "zone_name"]

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

#: Screen labels per language. QML reads them through the board's ``t`` property.
LABELS: dict[str, dict[str, str]] = {
    "id": {
        "nowCalling": "Nomor antrean dipanggil",
        "counter": "Loket",
        "toCounter": "Silakan menuju",
        "recent": "Panggilan sebelumnya",
        "waiting": "Menunggu",
        "people": "orang",
        "noCall": "Belum ada panggilan",
        "noCallHint": "Silakan ambil nomor antrean di kios",
        "recall": "Panggilan ulang",
        "closed": "Tutup",
        "noRecent": "—",
        "lost": "Koneksi ke hub terputus — menyambung ulang…",
        "searching": "Mencari hub pos pelayanan…",
        "outOfService": "Layar belum siap — mohon hubungi petugas",
        "forStaff": "Untuk petugas",
        "requirements": "Persyaratan",
        "time": "Waktu",
        "cost": "Biaya",
        "alert": "Gangguan",
        "complaints": "Pengaduan",
        "info": "Info",
    },
    "en": {
        "nowCalling": "Now calling",
        "counter": "Counter",
        "toCounter": "Please go to",
        "recent": "Previous calls",
        "waiting": "Waiting",
        "people": "people",
        "noCall": "No calls yet",
        "noCallHint": "Please take a number at the kiosk",
        "recall": "Repeat call",
        "closed": "Closed",
        "noRecent": "—",
        "lost": "Lost the hub — reconnecting…",
        "searching": "Looking for the service post's hub…",
        "outOfService": "Display not ready — please ask the staff",
        "forStaff": "For staff",
        "requirements": "Requirements",
        "time": "Time",
        "cost": "Cost",
        "alert": "Alert",
        "complaints": "Complaints",
        "info": "Info",
    },
}

_COMPONENTS = {
    "id": {"printer": "Printer", "buttons": "Tombol antrean", "speaker": "Pengeras suara",
           "display": "Layar", "clock": "Jam hub"},
    "en": {"printer": "Printer", "buttons": "Button box", "speaker": "Speaker",
           "display": "Screen", "clock": "Hub clock"},
}

#: Statuses the display words itself in English (the device's own message is Indonesian).
_STATUS_EN = {"clock_behind": "behind the hub's log; the hub holds its time until the clock "
                              "catches up — check the hub Pi's clock"}

#: A device told by its role: the hub does not tell displays the names of devices.
_ROLES = {
    "id": {"kiosk": "kios", "counter": "loket", "display": "layar", "survey": "survei"},
    "en": {"kiosk": "kiosk", "counter": "counter", "display": "display", "survey": "survey"},
}

_AND = {"id": "dan", "en": "and"}


def labels(lang: str) -> dict[str, str]:
    """The screen labels for ``lang`` ("id" or "en")."""
    return dict(LABELS[lang])


def date_text(when: datetime, lang: str = "id") -> str:
    """``"Minggu, 22 November 2026"`` (``"Sunday, 22 November 2026"`` in English)."""
    return f"{_DAYS[lang][when.weekday()]}, {when.day} {_MONTHS[lang][when.month - 1]} {when.year}"


def zone_name(when: datetime) -> str:
    """WIB / WITA / WIT for the post's time, else the zone's letters or ``UTC+h``; "" for a
    naive time (see :func:`antrean.posttime.zone_abbreviation`)."""
    return zone_abbreviation(when)


def clock_text(when: datetime | None) -> str:
    """``"14.05"`` — hours and minutes, 24-hour, the Indonesian way; "—" when not known."""
    return time_text(when, zone=False)


def _pick(data: Mapping[str, Any], key: str, lang: str) -> str:
    """A field in ``lang``: the ``_en`` variant in English when set, else the Indonesian."""
    if lang == "en":
        value = str(data.get(f"{key}_en") or "").strip()
        if value:
            return value
    return str(data.get(key) or "").strip()


def service_name(service: Mapping[str, Any], lang: str = "id") -> str:
    """A service's name in ``lang`` (falls back to Indonesian)."""
    return _pick(service, "name", lang)


def alert_text(status: Mapping[str, Any], lang: str = "id") -> str:
    """One device alert from a ``device.status`` event's data, e.g.
    ``"Printer (kios-1): Kertas habis"``, or ``"Printer (kios): …"`` where the hub tells the
    device's role and not its name (as it does to displays)."""
    component = str(status.get("component") or "")
    what = _COMPONENTS[lang].get(component, component.capitalize() or LABELS[lang]["alert"])
    role = str(status.get("role") or "")
    device = str(status.get("device") or "").strip() or _ROLES[lang].get(role, role)
    detail = str(status.get("message") or status.get("status") or "").strip()
    if lang == "en":
        detail = _STATUS_EN.get(str(status.get("status") or ""), detail)
    head = f"{what} ({device})" if device and role != "hub" else what  # the hub's own
    return f"{head}: {detail}" if detail else head


def _join(names: list[str], lang: str) -> str:
    """``"A"``, ``"A dan B"``, ``"A, B dan C"`` (``and`` in English)."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND[lang]} {names[-1]}"


def surge_text(names: Iterable[str], lang: str = "id") -> str:
    """The calm note for services whose queue is long (the hub's surge alerts), e.g.
    ``"Layanan Kesehatan sedang ramai — mohon bersabar"``; "" for none.

    Residents read it, so it says what to expect and asks for patience; how long the
    oldest has waited is for the counters (counter/alerts.py), not the hall.
    """
    names = [n for n in names if n]
    if not names:
        return ""
    if lang == "en":
        head = "Long queue for" if len(names) == 1 else "Long queues for"
        return f"{head} {_join(names, lang)} — thank you for your patience"
    if names[0].lower().startswith("layanan "):
        return f"{_join(names, lang)} sedang ramai — mohon bersabar"
    return f"Layanan {_join(names, lang)} sedang ramai — mohon bersabar"


def ticker_items(services: Iterable[Mapping[str, Any]], alerts: Iterable[str],
                 lang: str = "id") -> list[str]:
    """The ticker's items in order: device alerts first, then each open service's standard
    (requirements, time, cost) and the national complaint channel once at the end."""
    t = LABELS[lang]
    items = [f"⚠ {a}" for a in alerts]
    complaints = ""
    for s in services:
        if not s.get("open", True):
            continue
        std = s.get("standard") or {}
        parts = [f"{t[key]}: {value}" for key in ("requirements", "time", "cost")
                 if (value := _pick(std, key, lang))]
        head = f"{s.get('letter', '')} · {service_name(s, lang)}"
        items.append(f"{head} — {'; '.join(parts)}" if parts else head)
        complaints = complaints or str(std.get("complaints") or "")
    if complaints:
        items.append(f"{t['complaints']}: {complaints}")
    return items
