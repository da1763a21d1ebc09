"""What goes on a ticket and how it is laid out as ESC/POS bytes (58 and 80 mm paper).

Pure layout: :func:`build_ticket_bytes` uses python-escpos' ``Dummy`` printer to produce the
bytes; sending them is :mod:`hardware.printer`'s job.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime

__all__ = ["DEFAULT_FOOTER", "PAPERS", "PrintableTicket", "build_ticket_bytes", "format_wait"]

DEFAULT_FOOTER = "Terima kasih. Mohon menunggu panggilan."

_LABELS = {
    "id": {"number": "Nomor Antrean", "ahead": "Orang di depan Anda", "priority": "Prioritas",
           "wait": "Perkiraan waktu tunggu", "about": "+/-", "min": "menit", "hour": "jam",
           "under": "kurang dari 1 menit", "footer": DEFAULT_FOOTER,
           "offline": "Nomor ini sah dan akan dipanggil."},
    "en": {"number": "Queue number", "ahead": "People ahead of you", "priority": "Priority",
           "wait": "Estimated wait", "about": "about", "min": "min", "hour": "h",
           "under": "under 1 min", "footer": "Thank you. Please wait for your number.",
           "offline": "This number is valid and will be called."},
}


@dataclass(frozen=True)
class _Paper:
    profile: str  # an escpos profile whose media width matches, so qr(center=True) centres
    columns: int  # font A characters per line
    dots: int
    number_size: int  # GS ! multiplier for the ticket number
    qr_box: int  # dots per QR module


# POS-5890 is the generic Chinese 58 mm profile; TM-T20II the common 80 mm one.
PAPERS = {58: _Paper("POS-5890", 32, 384, 5, 6), 80: _Paper("TM-T20II", 48, 576, 6, 8)}


@dataclass(frozen=True)
class PrintableTicket:
    """Everything printed on one ticket. ``issued_at`` is tz-aware, in the post's time zone.
    ``people_ahead`` None: issued by a kiosk while its hub was away — ahead and wait read
    "-" (only the hub knows them) and a line says the number is valid."""

    ticket_id: str
    number: str
    service_name: str
    post_name: str
    issued_at: datetime
    people_ahead: int | None
    estimated_wait_s: int | None
    priority_label: str | None
    footer: str = DEFAULT_FOOTER
    lang: str = "id"

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("PrintableTicket.issued_at must be timezone-aware")
        if self.lang not in _LABELS:
            raise ValueError(f"PrintableTicket.lang must be one of {sorted(_LABELS)}")



_ASCII_MAP = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                            "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00b1": "+/-",
                            "\u00a0": " ", "\u2022": "-"})


def _ascii(text: str) -> str:
    """Fold to printable ASCII: code page numbers differ between cheap printers, ASCII never."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if " " <= c <= "~" else (" " if c.isspace() else "?") for c in text)
    return " ".join(text.split())


def format_wait(seconds: int, lang: str = "id") -> str:
    """``+/- 12 menit`` / ``about 1 h 5 min``; ASCII only, rounded to whole minutes."""
    lab = _LABELS[lang]
    if seconds < 60:
        return lab["under"]
    hours, minutes = divmod(max(1, round(seconds / 60)), 60)
    parts = [f"{hours} {lab['hour']}"] if hours else []
    parts += [f"{minutes} {lab['min']}"] if minutes else []
    return f"{lab['about']} {' '.join(parts)}"


def _escpos_env() -> None:
    # escpos writes a capabilities pickle at import, into a fresh mkdtemp() unless told where.
    default = os.path.join(tempfile.gettempdir(), "antrean-escpos-cache")
    cache = os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", default)
    os.makedirs(cache, exist_ok=True)


def build_ticket_bytes(ticket: PrintableTicket, paper_mm: int) -> bytes:
    """Lay one ticket out as ESC/POS bytes for 58 or 80 mm paper (ASCII text, raster QR)."""
    if paper_mm not in PAPERS:
        raise ValueError(f"paper_mm must be one of {sorted(PAPERS)}, not {paper_mm!r}")
    paper = PAPERS[paper_mm]
    _escpos_env()
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    # Magic encode off: it would emit ESC t switches whose numbers mean different code pages
    # on different printers. ESC @ selects the printer's default page; our text is ASCII.
    p = Dummy(profile=paper.profile, magic_encode_args={"disabled": True, "encoding": "CP437"})
    lab, cols = _LABELS[ticket.lang], paper.columns

    def lines(text: str, width: int = cols) -> None:
        for line in textwrap.wrap(_ascii(text), width) or [""]:
            p.textln(line)

    def pair(label: str, value: str) -> None:
        # Keep "label: value" on one line when it fits; else never split the value mid-phrase.
        if len(label) + len(value) + 2 <= cols:
            lines(f"{label}: {value}")
        else:
            lines(f"{label}:")
            lines(value)

    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True)
    lines(ticket.post_name)
    p.set(normal_textsize=True, bold=False)
    lines(ticket.service_name)
    p.textln("-" * cols)
    p.textln(lab["number"])
    p.set(custom_size=True, width=paper.number_size, height=paper.number_size, bold=True)
    p.textln(_ascii(ticket.number))
    p.set(custom_size=True, width=1, height=1, bold=False)
    if ticket.priority_label:
        p.set(bold=True, double_height=True)
        lines(f"{lab['priority']}: {ticket.priority_label}".upper())
        p.set(normal_textsize=True, bold=False)
    p.textln(ticket.issued_at.strftime("%d/%m/%Y %H:%M"))
    p.textln("-" * cols)
    if ticket.people_ahead is None:
        pair(lab["ahead"], "-")
        pair(lab["wait"], "-")
        p.set(bold=True)
        lines(lab["offline"])
        p.set(bold=False)
    else:
        pair(lab["ahead"], str(ticket.people_ahead))
        if ticket.estimated_wait_s is not None:
            pair(lab["wait"], format_wait(ticket.estimated_wait_s, ticket.lang))
    # A raster image (GS v 0) rather than GS ( k: every cheap printer prints it, and the
    # bytes decode back to a picture zbarimg can read.
    # Level M: the code survives a smudged or creased thermal print.
    p.qr(ticket.ticket_id, native=False, size=paper.qr_box, center=True, ec=QR_ECLEVEL_M)
    p.textln(f"ID {_ascii(ticket.ticket_id)[:8]}")
    footer = lab["footer"] if ticket.footer == DEFAULT_FOOTER else ticket.footer
    lines(footer)
    # Feed past the tear bar, then GS V 66 0 regardless of profile: escpos' cut() silently
    # drops the cut for profiles without "paperFullCut" (every 58 mm one).
    p.print_and_feed(4)
    p.cut(feed=False)
    return p.output


# ---------------------------------------------------------------- connectors
