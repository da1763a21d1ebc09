"""Words on the kiosk screen, Indonesian first, and the few formats that depend on language.

Plain tables rather than Qt's translation system: two languages, no build step, and the
view-model hands QML a ready map (``tr``) so a language switch is one property change.
"""

from __future__ import annotations

from datetime import datetime

from antrean.posttime import time_text

__all__ = ["LANGS", "LAPOR", "STRINGS", "clock_text", "people_ahead", "wait_text", "waiting_text"]

LANGS = ("id", "en")

#: The national complaint channel, shown wherever a resident can complain.
LAPOR = "SP4N-LAPOR!: lapor.go.id · SMS 1708"

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
        "outOfService": "Kios belum siap — mohon hubungi petugas",
        "forStaff": "Untuk petugas",
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
        "reserveOut": "Nomor cadangan habis — mohon tunggu petugas",
        "offlineBanner": "Sambungan ke hub terputus — nomor tetap diberikan, sah, dan akan "
                         "dipanggil",
        "offlineNote": "Tiket Anda sah dan akan dipanggil. Silakan ambil tiket di bawah.",
        "offlineAhead": "Orang di depan Anda: —",
        "offlineWait": "Perkiraan waktu tunggu: —",
        "outboxWaiting": "Nomor menunggu dikirim ke hub",
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
        "outOfService": "Kiosk not ready — please ask the staff",
        "forStaff": "For staff",
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
        "reserveOut": "Reserve numbers used up — please wait for staff",
        "offlineBanner": "No link to the hub — numbers are still given, valid, and will be "
                         "called",
        "offlineNote": "Your ticket is valid and will be called. Please take it below.",
        "offlineAhead": "People ahead of you: —",
        "offlineWait": "Estimated wait: —",
        "outboxWaiting": "Numbers waiting to be sent to the hub",
    },
}

# Satisfaction and complaints (kiosk.flows). The face words follow the IKM survey's scale.
FEEDBACK_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "feedbackHint": "Sudah dilayani?",
        "rateEntry": "Nilai layanan kami",
        "complaintEntry": "Kirim pengaduan",
        "rateTitle": "Nilai layanan kami",
        "rateEnterHint": "Ketik nomor antrean Anda (misalnya A12), atau pindai kode QR pada tiket.",
        "next": "Lanjut",
        "cancel": "Batal",
        "back": "Kembali",
        "rateFacesTitle": "Bagaimana layanan kami hari ini?",
        "rateFor": "Nomor {number}",
        "rating4": "Sangat puas",
        "rating3": "Puas",
        "rating2": "Kurang puas",
        "rating1": "Tidak puas",
        "thanks": "Terima kasih!",
        "rateThanksSub": "Penilaian Anda untuk nomor {number} sudah kami terima.",
        "rateNotServed": "Penilaian bisa diberikan setelah layanan selesai.",
        "rateAlready": "Nomor {number} sudah memberi penilaian. Terima kasih.",
        "rateUnknown": "Nomor {number} tidak ditemukan hari ini. Periksa nomor pada tiket Anda.",
        "rateNotToday": "Tiket ini bukan dari hari ini.",
        "rateBadNumber": "Ketik huruf layanan lalu angkanya, misalnya A12.",
        "rateButtonFirst": "Ketik atau pindai nomor antrean Anda dulu, lalu tekan tombol wajah.",
        "ratePending": "Penilaian Anda untuk {number} tersimpan dan akan dikirim begitu layanan "
                       "kembali. Terima kasih.",
        "lookupPending": "Nomor Anda akan diperiksa begitu layanan kembali. Mohon tunggu.",
        "sending": "Mohon tunggu…",
        "complaintTitle": "Pengaduan",
        "complaintHint": "Apa yang ingin Anda adukan? Tanpa nama, tanpa NIK.",
        "complaintTextHint": "Tulis singkat di sini (boleh dikosongkan)",
        "complaintNumber": "Nomor antrean",
        "optional": "opsional",
        "complaintNumberHint": "Ketik nomor pada tiket Anda, atau pindai kode QR-nya.",
        "addNumber": "Tambah",
        "removeNumber": "Tanpa nomor",
        "send": "Kirim",
        "space": "Spasi",
        "complaintSent": "Pengaduan Anda sudah kami terima",
        "complaintSentSub": "Terima kasih. Ketua pos akan menindaklanjutinya.",
        "laporLead": "Belum selesai? Sampaikan juga ke",
        "complaintPending": "Pengaduan Anda tersimpan dan akan dikirim begitu layanan kembali.",
        "complaintMaybe": "Pengaduan Anda mungkin belum terkirim karena sambungan terputus. "
                          "Mohon sampaikan kepada petugas, atau lewat SP4N-LAPOR!.",
    },
    "en": {
        "feedbackHint": "Already served?",
        "rateEntry": "Rate our service",
        "complaintEntry": "Send a complaint",
        "rateTitle": "Rate our service",
        "rateEnterHint": "Type your queue number (for example A12), or scan the QR code on your "
                         "ticket.",
        "next": "Next",
        "cancel": "Cancel",
        "back": "Back",
        "rateFacesTitle": "How was our service today?",
        "rateFor": "Number {number}",
        "rating4": "Very satisfied",
        "rating3": "Satisfied",
        "rating2": "Dissatisfied",
        "rating1": "Very dissatisfied",
        "thanks": "Thank you!",
        "rateThanksSub": "We have received your rating for number {number}.",
        "rateNotServed": "A rating can be given once the service is finished.",
        "rateAlready": "Number {number} has already been rated. Thank you.",
        "rateUnknown": "Number {number} was not issued today. Check the number on your ticket.",
        "rateNotToday": "This ticket is not from today.",
        "rateBadNumber": "Type the service letter, then the digits, for example A12.",
        "rateButtonFirst": "Type or scan your queue number first, then press a face button.",
        "ratePending": "Your rating for {number} is saved and will be sent as soon as the "
                       "service is back. Thank you.",
        "lookupPending": "Your number will be checked as soon as the service is back. "
                         "Please wait.",
        "sending": "Please wait…",
        "complaintTitle": "Complaint",
        "complaintHint": "What is your complaint about? No name, no ID number.",
        "complaintTextHint": "Write briefly here (optional)",
        "complaintNumber": "Queue number",
        "optional": "optional",
        "complaintNumberHint": "Type the number on your ticket, or scan its QR code.",
        "addNumber": "Add",
        "removeNumber": "No number",
        "send": "Send",
        "space": "Space",
        "complaintSent": "We have received your complaint",
        "complaintSentSub": "Thank you. The post lead will follow it up.",
        "laporLead": "Not resolved? You can also report to",
        "complaintPending": "Your complaint is saved and will be sent as soon as the service "
                            "is back.",
        "complaintMaybe": "Your complaint may not have arrived: the connection dropped. Please "
                          "tell the staff, or use SP4N-LAPOR!.",
    },
}
# The full SKM survey (kiosk.survey). The questions and their answers themselves come from
# antrean.skm, the one table the hub, the kiosk and the volunteer's page share.
SURVEY_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "surveyOffer": "Isi survei lengkap (9 pertanyaan)",
        "surveyOfferHint": "Kurang dari satu menit. Membantu kami memperbaiki layanan.",
        "surveyTitle": "Survei Kepuasan Masyarakat",
        "surveyQuestionOf": "Pertanyaan {n} dari {of}",
        "surveyProfileOf": "Tentang Anda · {n} dari {of}",
        "surveyProfileHint": "Tidak wajib — boleh dilewati. Tanpa nama, tanpa NIK.",
        "surveyProfile_usia": "Berapa usia Anda?",
        "surveyProfile_jenis_kelamin": "Jenis kelamin Anda?",
        "surveyProfile_pendidikan": "Pendidikan terakhir Anda?",
        "surveyProfile_pekerjaan": "Pekerjaan utama Anda?",
        "skip": "Lewati",
        "sendNow": "Kirim sekarang",
        "answerNow": "Jawab sekarang",
        "surveyMissing": "{n} pertanyaan belum dijawab: {names}. Survei dihitung bila "
                         "kesembilan pertanyaan terjawab.",
        "surveyThanksSub": "Survei Anda untuk nomor {number} sudah kami terima.",
        "surveyAlready": "Nomor {number} sudah mengisi survei. Terima kasih.",
        "surveyPending": "Survei Anda tersimpan dan akan dikirim begitu layanan kembali. "
                         "Mohon tunggu.",
    },
    "en": {
        "surveyOffer": "Answer the full survey (9 questions)",
        "surveyOfferHint": "Under a minute. It helps us improve the service.",
        "surveyTitle": "Public Satisfaction Survey",
        "surveyQuestionOf": "Question {n} of {of}",
        "surveyProfileOf": "About you · {n} of {of}",
        "surveyProfileHint": "Optional — you may skip it. No name, no ID number.",
        "surveyProfile_usia": "How old are you?",
        "surveyProfile_jenis_kelamin": "Your gender?",
        "surveyProfile_pendidikan": "Your highest education?",
        "surveyProfile_pekerjaan": "Your main occupation?",
        "skip": "Skip",
        "sendNow": "Send now",
        "answerNow": "Answer now",
        "surveyMissing": "{n} question(s) not answered: {names}. The survey counts only "
                         "with all nine answered.",
        "surveyThanksSub": "We have received your survey for number {number}.",
        "surveyAlready": "Number {number} has already answered the survey. Thank you.",
        "surveyPending": "Your survey is saved and will be sent as soon as the service is "
                         "back. Please wait.",
    },
}
for _lang in LANGS:
    STRINGS[_lang].update(FEEDBACK_WORDS[_lang])
    STRINGS[_lang].update(SURVEY_WORDS[_lang])
    STRINGS[_lang]["lapor"] = LAPOR

_DAYS = {"id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
         "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
_MONTHS = {"id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember"],
           "en": ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]}


def clock_text(now: datetime | None, lang: str) -> tuple[str, str]:
    """(date, time) as a resident reads them: ("Sabtu, 22 November 2025", "08.15 WIB").

    The post's format in both languages (a visitor reads "08.15 WIB" as easily); with the
    post's time not known yet (``now`` None): no date and "—".
    """
    if now is None:
        return "", time_text(None)
    date = f"{_DAYS[lang][now.weekday()]}, {now.day} {_MONTHS[lang][now.month - 1]} {now.year}"
    return date, time_text(now)


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
