"""Words on the counter screen, Indonesian first, English beside them.

Only this module holds user-facing text; QML gets it through the view-model.
"""

from __future__ import annotations

__all__ = ["TEXTS", "PRIORITY", "DEVICE_STATUS", "COUNTER_STATE", "ROLE_WORDS", "duration",
           "long_date", "text"]

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "counter": "Loket",
        "next": "Panggil Berikutnya",
        "next_finish": "Selesai & Panggil Berikutnya",
        "next_hint_idle": "Memanggil nomor berikutnya sesuai aturan prioritas.",
        "next_hint_called": "{number} dicatat SELESAI dilayani, lalu nomor berikutnya dipanggil. "
                            "Bila warga tidak datang, tekan Tidak Hadir dulu.",
        "next_hint_paused": "Loket istirahat: menekan ini melanjutkan layanan.",
        "recall": "Panggil Ulang",
        "no_show": "Tidak Hadir",
        "finish": "Selesai",
        "transfer": "Alihkan",
        "pause": "Istirahat",
        "resume": "Lanjutkan",
        "current": "Sedang dilayani",
        "none_called": "Belum ada nomor dipanggil",
        "paused_banner": "Loket sedang istirahat",
        "waited": "Menunggu {d}",
        "called_ago": "dipanggil {d} lalu",
        "recalls": "dipanggil ulang {n}×",
        "queue_title": "Antrean layanan",
        "waiting": "Menunggu",
        "priority_waiting": "Prioritas",
        "oldest": "Terlama",
        "closed": "Tutup",
        "others_title": "Loket lain",
        "no_others": "Belum ada loket lain",
        "not_on_lan": "tidak terlihat di jaringan",
        "hub_down": "Hub tidak terhubung",
        "hub_down_detail": "Tindakan tidak dapat dikirim. Menyambung kembali otomatis… ({d})",
        "connecting": "Menghubungkan ke hub…",
        "finding_hub": "Mencari hub di jaringan…",
        "out_of_service": "Loket belum siap: hub menolak perangkat ini",
        "for_staff": "Perbaikan",
        "refused_token": "Hub menolak loket ini: \"{action}\" TIDAK dikirim.",
        "refused_down": "Hub tidak terhubung: \"{action}\" TIDAK dikirim. Coba lagi setelah tersambung.",
        "refused_busy": "Menunggu jawaban hub…",
        "refused_double": "Tekan ganda diabaikan: {number} baru saja dipanggil.",
        "refused_no_ticket": "Tidak ada nomor yang sedang dipanggil.",
        "refused_not_ready": "Nomor loket belum dipilih.",
        "refused_pause_ticket": "Selesaikan {number} dulu sebelum istirahat.",
        "failed": "\"{action}\" gagal: {message}",
        "nobody_waiting": "Tidak ada yang menunggu.",
        "called": "{number} dipanggil ke loket {counter}.",
        "recalled": "{number} dipanggil ulang.",
        "served": "{number} selesai dilayani.",
        "no_showed": "{number} dicatat tidak hadir.",
        "transferred": "{number} dialihkan ke {service}.",
        "paused": "Loket istirahat.",
        "resumed": "Loket melanjutkan layanan.",
        "transfer_title": "Alihkan {number} ke layanan:",
        "transfer_cancel": "Batal",
        "choose_title": "Pilih nomor loket ini",
        "choose_help": "Ketik nomor lalu Enter, atau sentuh salah satu nomor yang bebas.",
        "choose_in_use": "Loket {number} sudah dipakai perangkat lain ({name}). Pilih nomor lain.",
        "choose_checking": "Memeriksa nomor loket lain di jaringan…",
        "used_by": "dipakai",
        "typed": "Nomor diketik",
        "keys_title": "Tombol",
        "state_idle": "Siap",
        "state_serving": "Melayani",
        "state_paused": "Istirahat",
        "alert_device": "{device}: {what}",
        "alert_queue": "Peringatan antrean: {what}",
        "alert_surge": "Lonjakan antrean {service}: ada warga menunggu {wait} (batas {limit})",
        "alert_more": "+{n} peringatan lain",
        "lang_toggle": "English",
        "services_all": "Semua layanan",
        "nik_title": "{service} · {number}: NIK penerima",
        "nik_help": "Ketik 16 angka NIK dari KTP-el, lalu Enter untuk memeriksa.",
        "nik_count": "{n} dari 16 angka",
        "nik_check": "Periksa",
        "nik_record": "Catat NIK",
        "nik_checking": "Memeriksa…",
        "nik_erase": "Hapus",
        "nik_skip": "Tutup",
        "nik_not_recorded": "Belum tercatat menerima {programme}.",
        "nik_recorded": "Sudah menerima pada {day} di {post} (loket {counter}).",
        "nik_recorded_nocounter": "Sudah menerima pada {day} di {post}.",
        "nik_given": "Diberikan",
        "nik_refused": "Ditolak: sudah menerima",
        "nik_retype": "Ketik ulang",
        "nik_decide": "Keputusan tetap pada petugas: catat salah satu.",
        "nik_done_given": "{number}: bantuan dicatat DIBERIKAN.",
        "nik_done_refused": "{number}: dicatat DITOLAK (sudah menerima).",
        "nik_keys": "Angka: NIK  ·  Enter: periksa  ·  . : hapus  ·  / : tutup",
        "nik_keys_result": "1: diberikan  ·  2: ditolak  ·  . : ketik ulang  ·  / : tutup",
    },
    "en": {
        "counter": "Counter",
        "next": "Call Next",
        "next_finish": "Done & Call Next",
        "next_hint_idle": "Calls the next ticket by the priority rule.",
        "next_hint_called": "{number} is recorded as SERVED, then the next ticket is called. "
                            "If the resident did not come, press No-show first.",
        "next_hint_paused": "Counter on break: pressing this resumes service.",
        "recall": "Recall",
        "no_show": "No-show",
        "finish": "Done",
        "transfer": "Transfer",
        "pause": "Break",
        "resume": "Resume",
        "current": "Now serving",
        "none_called": "No ticket called yet",
        "paused_banner": "Counter on break",
        "waited": "Waited {d}",
        "called_ago": "called {d} ago",
        "recalls": "recalled {n}×",
        "queue_title": "Service queues",
        "waiting": "Waiting",
        "priority_waiting": "Priority",
        "oldest": "Oldest",
        "closed": "Closed",
        "others_title": "Other counters",
        "no_others": "No other counters yet",
        "not_on_lan": "not seen on the network",
        "hub_down": "Hub not connected",
        "hub_down_detail": "Actions cannot be sent. Reconnecting automatically… ({d})",
        "connecting": "Connecting to the hub…",
        "finding_hub": "Looking for the hub on the network…",
        "out_of_service": "Counter not ready: the hub refuses this device",
        "for_staff": "How to fix",
        "refused_token": "The hub refuses this counter: \"{action}\" was NOT sent.",
        "refused_down": "Hub not connected: \"{action}\" was NOT sent. Try again once connected.",
        "refused_busy": "Waiting for the hub's answer…",
        "refused_double": "Double press ignored: {number} was just called.",
        "refused_no_ticket": "No ticket is being called.",
        "refused_not_ready": "The counter number is not chosen yet.",
        "refused_pause_ticket": "Finish {number} before taking a break.",
        "failed": "\"{action}\" failed: {message}",
        "nobody_waiting": "Nobody is waiting.",
        "called": "{number} called to counter {counter}.",
        "recalled": "{number} recalled.",
        "served": "{number} served.",
        "no_showed": "{number} recorded as no-show.",
        "transferred": "{number} transferred to {service}.",
        "paused": "Counter on break.",
        "resumed": "Counter resumed.",
        "transfer_title": "Transfer {number} to:",
        "transfer_cancel": "Cancel",
        "choose_title": "Choose this counter's number",
        "choose_help": "Type a number then Enter, or touch one of the free numbers.",
        "choose_in_use": "Counter {number} is already used by another device ({name}). "
                         "Choose another number.",
        "choose_checking": "Checking the other counters on the network…",
        "used_by": "in use",
        "typed": "Typed number",
        "keys_title": "Keys",
        "state_idle": "Ready",
        "state_serving": "Serving",
        "state_paused": "On break",
        "alert_device": "{device}: {what}",
        "alert_queue": "Queue alert: {what}",
        "alert_surge": "Queue surge at {service}: a resident has waited {wait} (limit {limit})",
        "alert_more": "+{n} more alerts",
        "lang_toggle": "Indonesia",
        "services_all": "All services",
        "nik_title": "{service} · {number}: recipient's NIK",
        "nik_help": "Type the 16 digits of the NIK from the ID card, then Enter to check.",
        "nik_count": "{n} of 16 digits",
        "nik_check": "Check",
        "nik_record": "Record NIK",
        "nik_checking": "Checking…",
        "nik_erase": "Erase",
        "nik_skip": "Close",
        "nik_not_recorded": "Not yet recorded as receiving {programme}.",
        "nik_recorded": "Already received on {day} at {post} (counter {counter}).",
        "nik_recorded_nocounter": "Already received on {day} at {post}.",
        "nik_given": "Given",
        "nik_refused": "Refused: already received",
        "nik_retype": "Retype",
        "nik_decide": "The decision stays with the clerk: record one.",
        "nik_done_given": "{number}: assistance recorded as GIVEN.",
        "nik_done_refused": "{number}: recorded as REFUSED (already received).",
        "nik_keys": "Digits: NIK  ·  Enter: check  ·  . : erase  ·  / : close",
        "nik_keys_result": "1: given  ·  2: refused  ·  . : retype  ·  / : close",
    },
}

PRIORITY: dict[str, tuple[str, str]] = {
    "elderly": ("Lansia", "Elderly"),
    "disabled": ("Disabilitas", "Disabled"),
    "pregnant": ("Ibu hamil", "Pregnant"),
}

#: (component, status) or status alone → (Indonesian, English).
DEVICE_STATUS: dict[str, tuple[str, str]] = {
    "paper_out": ("Kertas printer habis", "Printer paper out"),
    "paper_low": ("Kertas printer hampir habis", "Printer paper low"),
    "offline": ("Printer tidak tersambung", "Printer offline"),
    "timeout": ("Printer tidak menjawab", "Printer not answering"),
    "cover_open": ("Tutup printer terbuka", "Printer cover open"),
    "error": ("Printer bermasalah", "Printer problem"),
    # the hub's own: its wall clock fell behind its log, so it holds its time
    "clock_behind": ("jam tertinggal dari catatannya — waktu hub ditahan; periksa jam Pi hub",
                     "clock behind its log — the hub's time is held; check the hub Pi's clock"),
}

#: How a device's role reads in front of its name.
ROLE_WORDS: dict[str, tuple[str, str]] = {
    "kiosk": ("Kios", "Kiosk"),
    "display": ("Layar", "Display"),
    "counter": ("Loket", "Counter"),
    "hub": ("Hub", "Hub"),
}

COUNTER_STATE = {"idle": "state_idle", "serving": "state_serving", "paused": "state_paused"}


def text(lang: str, key: str, **fmt: object) -> str:
    """One string in ``lang`` (falls back to Indonesian), formatted."""
    table = TEXTS.get(lang, TEXTS["id"])
    s = table.get(key) or TEXTS["id"][key]
    return s.format(**fmt) if fmt else s


_MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")}


def long_date(day: str, lang: str = "id") -> str:
    """``2026-12-07`` → ``7 Desember 2026`` (``7 December 2026``)."""
    try:
        y, m, d = (int(p) for p in day.split("-"))
        return f"{d} {_MONTHS.get(lang, _MONTHS['id'])[m - 1]} {y}"
    except (ValueError, IndexError):
        return day


def duration(seconds: float | None, lang: str = "id") -> str:
    """A short human duration: ``45 dtk``, ``12 mnt``, ``1 j 05 mnt`` (English: s/min/h)."""
    if seconds is None:
        return "–"
    s = max(0, int(seconds))
    sec, mins, hours = ("dtk", "mnt", "j") if lang == "id" else ("s", "min", "h")
    if s < 60:
        return f"{s} {sec}"
    if s < 3600:
        return f"{s // 60} {mins}"
    return f"{s // 3600} {hours} {s % 3600 // 60:02d} {mins}"
