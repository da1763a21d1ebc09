"""Words on the kiosk screen, Indonesian first, and the few formats that depend on language.

Plain tables rather than Qt's translation system: two languages, no build step, and the
view-model hands QML a ready map (``tr``) so a language switch is one property change.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["LANGS", "STRINGS", "clock_text", "people_ahead", "wait_text", "waiting_text"]

LANGS = ("id", "en")

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Ambil Nomor Antrean",
        "hint": "Sentuh layanan yang Anda tuju",
        "priorityTitle": "Antrean prioritas",
        "priorityHint": "Lansia dan disabilitas: sentuh di sini dulu, lalu pilih layanan",
        "priorityChosen": "Prioritas {label} dipilih — sekarang sentuh layanan",
        "closed": "Tutup",
        "waitingLabel": "orang menunggu",
        "quotaFull": "Kuota hari ini habis",
        "yourNumber": "Nomor antrean Anda",
        "takeTicket": "Silakan ambil tiket Anda di bawah",
        "printerFault": "Printer bermasalah — mohon catat nomor Anda",
        "printerFaultSub": "Nomor Anda sudah terdaftar. Sebutkan nomor ini kepada petugas.",
        "done": "Selesai",
        "hubDown": "Layanan sedang tidak tersedia, mohon tunggu",
        "hubDownSub": "Kami sedang menyambung kembali. Layar ini akan kembali normal dengan sendirinya.",
        "hubDownPending": "Permintaan Anda untuk {service} tersimpan. Mohon jangan pergi — "
                          "nomor Anda akan tampil dan tercetak begitu layanan kembali.",
        "busy": "Mohon tunggu, nomor Anda sedang dibuat…",
        "langToggle": "English",
        "printerBanner": "Printer bermasalah — nomor Anda akan ditampilkan di layar",
        "sorry": "Maaf",
        "staffTitle": "Menu Petugas",
        "enterPin": "Masukkan PIN petugas",
        "noPin": "Belum ada PIN petugas. Buat dengan perintah `antrean kiosk --hash-pin`, "
                 "lalu salin hasilnya ke [staff] pin_hash di /etc/antrean/kiosk.toml "
                 "dan mulai ulang kiosk.",
        "wrongPin": "PIN salah",
        "locked": "Terlalu banyak percobaan. Coba lagi dalam {s} detik.",
        "recent": "Nomor terakhir",
        "noRecent": "Belum ada nomor yang diambil di kiosk ini.",
        "reprint": "Cetak ulang",
        "close": "Tutup",
        "printed": "tercetak",
        "notPrinted": "belum tercetak",
        "printer": "Printer",
        "hub": "Hub",
        "hubOk": "tersambung",
        "hubNotOk": "tidak tersambung",
        "reprintOk": "Nomor {number} dicetak ulang.",
        "reprintFail": "Gagal mencetak {number}: {message}",
        "ok": "OK",
        "clear": "Hapus",
    },
    "en": {
        "title": "Take a Queue Number",
        "hint": "Touch the service you need",
        "priorityTitle": "Priority queue",
        "priorityHint": "Elderly and disabled: touch here first, then choose a service",
        "priorityChosen": "{label} priority chosen — now touch a service",
        "closed": "Closed",
        "waitingLabel": "waiting",
        "quotaFull": "Today's quota is full",
        "yourNumber": "Your queue number",
        "takeTicket": "Please take your ticket below",
        "printerFault": "Printer problem — please write down your number",
        "printerFaultSub": "Your number is registered. Tell it to the staff.",
        "done": "Done",
        "hubDown": "Service is temporarily unavailable, please wait",
        "hubDownSub": "We are reconnecting. This screen returns to normal by itself.",
        "hubDownPending": "Your request for {service} is saved. Please stay — your number "
                          "will appear and print as soon as the service is back.",
        "busy": "Please wait, making your number…",
        "langToggle": "Bahasa Indonesia",
        "printerBanner": "Printer problem — your number will be shown on screen",
        "sorry": "Sorry",
        "staffTitle": "Staff menu",
        "enterPin": "Enter the staff PIN",
        "noPin": "No staff PIN is set. Make one with `antrean kiosk --hash-pin`, copy the "
                 "result to [staff] pin_hash in /etc/antrean/kiosk.toml and restart the kiosk.",
        "wrongPin": "Wrong PIN",
        "locked": "Too many tries. Try again in {s} seconds.",
        "recent": "Recent numbers",
        "noRecent": "No numbers taken at this kiosk yet.",
        "reprint": "Reprint",
        "close": "Close",
        "printed": "printed",
        "notPrinted": "not printed",
        "printer": "Printer",
        "hub": "Hub",
        "hubOk": "connected",
        "hubNotOk": "not connected",
        "reprintOk": "Number {number} reprinted.",
        "reprintFail": "Could not print {number}: {message}",
        "ok": "OK",
        "clear": "Clear",
    },
}

_DAYS = {"id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
         "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
_MONTHS = {"id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember"],
           "en": ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]}
_ZONES = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT"}


def clock_text(now: datetime, lang: str) -> tuple[str, str]:
    """(date, time) as a resident reads them: ("Sabtu, 22 November 2025", "08.15 WIB")."""
    date = f"{_DAYS[lang][now.weekday()]}, {now.day} {_MONTHS[lang][now.month - 1]} {now.year}"
    offset = now.utcoffset()
    zone = _ZONES.get(int(offset.total_seconds())) if offset is not None else None
    sep = "." if lang == "id" else ":"  # Indonesian writes 08.15
    time = f"{now.hour:02d}{sep}{now.minute:02d}"
    return date, f"{time} {zone}" if zone else time


def waiting_text(n: int, lang: str) -> str:
    """How many wait for a service, as a tile shows it."""
    if lang == "id":
        return "Belum ada yang menunggu" if n == 0 else f"{n} orang menunggu"
    return "No one waiting" if n == 0 else f"{n} waiting" if n != 1 else "1 waiting"


def people_ahead(n: int, lang: str) -> str:
    """The confirmation's "people ahead of you" line."""
    if lang == "id":
        return "Anda berikutnya" if n == 0 else f"{n} orang di depan Anda"
    return "You are next" if n == 0 else f"{n} people ahead of you" if n != 1 \
        else "1 person ahead of you"


def wait_text(seconds: int | None, lang: str) -> str:
    """The estimated wait, in whole minutes: "Perkiraan waktu tunggu: ± 12 menit"."""
    label = "Perkiraan waktu tunggu" if lang == "id" else "Estimated wait"
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{label}: " + ("kurang dari 1 menit" if lang == "id" else "under 1 minute")
    hours, minutes = divmod(max(1, round(seconds / 60)), 60)
    unit_h, unit_m = ("jam", "menit") if lang == "id" else ("h", "min")
    parts = ([f"{hours} {unit_h}"] if hours else []) + ([f"{minutes} {unit_m}"] if minutes else [])
    return f"{label}: ± {' '.join(parts)}"
