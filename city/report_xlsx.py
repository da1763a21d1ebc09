"""The period report ("Laporan keluaran") as an XLSX workbook, from :func:`city.report.period_report`.

Sheets: Ringkasan (the city's indicators, the SKM survey's IKM among them), Per pos, Pos × layanan (residents served by post
and service), Per layanan, and for officers Pengaduan (complaints by category). Labels are
Indonesian with the English after a slash. Every text cell is written as a plain string,
never a formula: a post or service name comes from a hub and may start with ``=``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["report_xlsx", "CATEGORIES"]

#: The post's complaint categories (antrean.api_lead.ComplaintBody) in words.
CATEGORIES = {"waktu": "Waktu tunggu / Waiting time", "petugas": "Petugas / Staff",
              "prosedur": "Prosedur / Procedure", "biaya": "Biaya / Cost",
              "sarana": "Sarana / Facilities", "lainnya": "Lainnya / Other"}

MIN = "0.0"
INT = "#,##0"


def _minutes(s: float | None) -> float | None:
    return None if s is None else round(s / 60, 1)


class _Sheet:
    """A write-only sheet whose every string is stored as text (data_type "s")."""

    def __init__(self, wb: Any, title: str, widths: Sequence[float]) -> None:
        from openpyxl.styles import Font

        self.ws = wb.create_sheet(title)
        for i, w in enumerate(widths):
            self.ws.column_dimensions[_col(i)].width = w
        self.bold = Font(bold=True)

    def cell(self, value: Any, fmt: str | None = None, strong: bool = False) -> Any:
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # text, never a formula
        if fmt and not isinstance(value, str):
            c.number_format = fmt
        if strong:
            c.font = self.bold
        return c

    def row(self, *values: Any, fmts: Sequence[str | None] = (), strong: bool = False) -> None:
        fm = list(fmts) + [None] * (len(values) - len(fmts))
        self.ws.append([self.cell(v, f, strong) for v, f in zip(values, fm, strict=True)])

    def header(self, *labels: str) -> None:
        self.row(*labels, strong=True)


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i + 1))


def _place(p: dict[str, Any]) -> tuple[str, str]:
    place = p.get("place") or {}
    return place.get("kecamatan") or "", place.get("kelurahan") or ""


def _summary(wb: Any, rep: dict[str, Any]) -> None:
    sh = _Sheet(wb, "Ringkasan", [46, 22])
    c = rep["city"]
    cur = rep["currency"]
    sh.row(f"Laporan keluaran / Output report — {rep['city_name']}", strong=True)
    sh.row("Periode / Period", f"{rep['from']} s.d. {rep['to']}")
    if rep.get("generated_at"):
        sh.row("Dibuat / Generated", rep["generated_at"])
    sh.row("Hari dengan data / Days with data", rep["days_reported"], fmts=[None, INT])
    sh.row()
    cost = c.get("cost") or {}
    rows: list[tuple[str, Any, str | None]] = [
        ("Warga terlayani / Residents served", c["served"], INT),
        ("Nomor diambil / Tickets issued", c["issued"], INT),
        ("Tidak hadir / No-shows", c["no_show"], INT),
        ("Batal / Cancelled", c["cancelled"], INT),
        ("Pos aktif / Active posts", c["posts_active"], INT),
        ("Hari-pos beroperasi / Post-days open", c["post_days"], INT),
        ("Rata-rata tunggu (menit) / Average wait (min)", _minutes(c["wait"]["avg_s"]), MIN),
        ("Median tunggu (menit) / Median wait (min)", _minutes(c["wait"]["median_s"]), MIN),
        ("P90 tunggu (menit) / P90 wait (min)", _minutes(c["wait"]["p90_s"]), MIN),
        ("Rata-rata tunggu prioritas (menit) / Priority average wait (min)",
         _minutes(c["wait_priority"]["avg_s"]), MIN),
        ("Rata-rata tunggu reguler (menit) / Regular average wait (min)",
         _minutes(c["wait_regular"]["avg_s"]), MIN),
        ("Lama layanan rata-rata (menit) / Average service time (min)",
         _minutes(c["service_avg_s"]), MIN),
        ("Penilaian kepuasan / Satisfaction ratings", c["satisfaction"]["count"], INT),
        ("Kepuasan rata-rata (1–4) / Average satisfaction (1–4)", c["satisfaction"]["avg"],
         "0.00"),
        ("Pengaduan / Complaints", c["complaints"]["count"], INT),
        ("Koreksi / Corrections", c["corrections"]["count"], INT),
        ("Peringatan lonjakan / Surge alerts", c["alerts"]["count"], INT),
        (f"Biaya ({cur}) / Cost", cost.get("total"), INT),
        (f"Biaya per warga terlayani ({cur}) / Cost per resident served",
         cost.get("per_served"), INT),
    ]
    rows += _skm_rows(c)
    for label, value, fmt in rows:
        sh.row(label, "–" if value is None else value, fmts=[None, fmt])
    if _below_minimum(c):
        sh.row()
        sh.row(SAMPLE_NOTE)


#: The regulation's sample note (PermenPANRB 14/2017 takes Krejcie–Morgan's table).
SAMPLE_NOTE = ("Catatan: responden SKM di bawah sampel minimum (Krejcie–Morgan, PermenPANRB "
               "14/2017) untuk warga terlayani; IKM kurang mewakili. / Note: fewer SKM "
               "respondents than the regulation's minimum sample for the residents served; "
               "the IKM is less representative.")


def _below_minimum(f: dict[str, Any]) -> bool:
    sample = f.get("skm_sample") or {}
    n = sample.get("respondents", 0)
    return bool(0 < n < sample.get("minimum", 0))  # with nobody, there is no IKM to qualify


def _skm_rows(c: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    s = c.get("skm") or {}
    sample = c.get("skm_sample") or {}
    return [
        ("Responden SKM / SKM respondents", sample.get("respondents", 0), INT),
        ("IKM (25–100) / SKM index (25–100)", s.get("ikm"), "0.00"),
        ("Mutu pelayanan / Service quality", s.get("mutu"), None),
        ("Kinerja unit pelayanan / Unit performance",
         f"{s['kinerja']} / {s['kinerja_en']}" if s else None, None),
        ("Sampel minimum SKM (Krejcie–Morgan) / SKM minimum sample", sample.get("minimum"),
         INT),
    ]


_POST_COLS = [("Pos / Post", 34), ("Kecamatan", 16), ("Kelurahan", 16),
              ("Hari buka / Days open", 10), ("Nomor diambil / Issued", 10),
              ("Warga terlayani / Served", 10), ("Tidak hadir / No-show", 10),
              ("Batal / Cancelled", 10), ("Tunggu rata-rata (mnt) / Avg wait (min)", 12),
              ("Median tunggu (mnt) / Median wait (min)", 12), ("P90 tunggu (mnt) / P90 wait (min)", 12),
              ("Prioritas rata-rata (mnt) / Priority avg (min)", 12),
              ("Reguler rata-rata (mnt) / Regular avg (min)", 12),
              ("Penilaian / Ratings", 10), ("Kepuasan rata-rata (1–4) / Avg satisfaction", 12),
              ("Responden SKM / SKM respondents", 11), ("IKM (25–100)", 10),
              ("Mutu / Quality", 8), ("Sampel minimum SKM / SKM minimum sample", 11),
              ("Pengaduan / Complaints", 11), ("Biaya / Cost", 14),
              ("Biaya per warga terlayani / Cost per served", 14)]


def _post_values(name: str, kec: str, kel: str, p: dict[str, Any]) -> list[Any]:
    cost = p.get("cost") or {}
    return [name, kec, kel, p["post_days"], p["issued"], p["served"], p["no_show"],
            p["cancelled"], _minutes(p["wait"]["avg_s"]), _minutes(p["wait"]["median_s"]),
            _minutes(p["wait"]["p90_s"]), _minutes(p["wait_priority"]["avg_s"]),
            _minutes(p["wait_regular"]["avg_s"]), p["satisfaction"]["count"],
            p["satisfaction"]["avg"], *_skm_cells(p), p["complaints"]["count"],
            cost.get("total"), cost.get("per_served")]


def _skm_cells(p: dict[str, Any]) -> list[Any]:
    s = p.get("skm") or {}
    sample = p.get("skm_sample") or {}
    return [sample.get("respondents", 0), s.get("ikm", "–"), s.get("mutu", "–"),
            sample.get("minimum")]


_POST_FMTS = ([None, None, None] + [INT] * 5 + [MIN] * 5 + [INT, "0.00"]
              + [INT, "0.00", None, INT] + [INT, INT, INT])


def _per_post(wb: Any, rep: dict[str, Any]) -> None:
    sh = _Sheet(wb, "Per pos", [w for _l, w in _POST_COLS])
    sh.ws.freeze_panes = "B2"  # the post names and the header stay in view
    sh.header(*(label for label, _w in _POST_COLS))
    for p in rep["posts"]:
        sh.row(*_post_values(p["name"], *_place(p), p), fmts=_POST_FMTS)
    sh.row(*_post_values("Kota / City", "", "", rep["city"]), fmts=_POST_FMTS, strong=True)


def _matrix(wb: Any, rep: dict[str, Any]) -> None:
    """Residents served by post (rows) and service (columns)."""
    services = rep["services"]
    sh = _Sheet(wb, "Pos × layanan", [34] + [14] * len(services) + [12])
    sh.row("Warga terlayani per pos dan layanan / Residents served by post and service",
           strong=True)
    sh.header("Pos / Post", *(f"{s['letter']} {s['name']}" for s in services),
              "Jumlah / Total")
    fmts = [None] + [INT] * (len(services) + 1)
    for p in rep["posts"]:
        by = {s["id"]: s["served"] for s in p["services"]}
        sh.row(p["name"], *(by.get(s["id"], 0) for s in services), p["served"], fmts=fmts)
    sh.row("Kota / City", *(s["served"] for s in services), rep["city"]["served"], fmts=fmts,
           strong=True)


def _per_service(wb: Any, rep: dict[str, Any]) -> None:
    sh = _Sheet(wb, "Per layanan", [36, 10, 10, 10, 10, 12, 12, 12])
    sh.header("Layanan / Service", "Nomor diambil / Issued", "Warga terlayani / Served",
              "Tidak hadir / No-show", "Batal / Cancelled",
              "Tunggu rata-rata (mnt) / Avg wait (min)", "P90 tunggu (mnt) / P90 wait (min)",
              "Lama layanan (mnt) / Service time (min)")
    fmts = [None, INT, INT, INT, INT, MIN, MIN, MIN]
    for s in rep["services"]:
        sh.row(f"{s['letter']} {s['name']}", s["issued"], s["served"], s["no_show"],
               s["cancelled"], _minutes(s["wait"]["avg_s"]), _minutes(s["wait"]["p90_s"]),
               _minutes(s["service_avg_s"]), fmts=fmts)


def _complaints(wb: Any, rep: dict[str, Any]) -> None:
    cats = sorted({k for p in rep["posts"] for k in p["complaints"].get("by_category", {})},
                  key=lambda k: (list(CATEGORIES).index(k) if k in CATEGORIES else 99, k))
    sh = _Sheet(wb, "Pengaduan", [34] + [16] * len(cats) + [12])
    sh.header("Pos / Post", *(CATEGORIES.get(k, k) for k in cats), "Jumlah / Total")
    fmts = [None] + [INT] * (len(cats) + 1)
    for p in rep["posts"]:
        by = p["complaints"].get("by_category", {})
        sh.row(p["name"], *(by.get(k, 0) for k in cats), p["complaints"]["count"], fmts=fmts)
    city = rep["city"]["complaints"]
    sh.row("Kota / City", *(city.get("by_category", {}).get(k, 0) for k in cats),
           city["count"], fmts=fmts, strong=True)


SHEETS: list[Callable[[Any, dict[str, Any]], None]] = [_summary, _per_post, _matrix, _per_service]


def report_xlsx(rep: dict[str, Any]) -> bytes:
    """The workbook's bytes; the Pengaduan sheet only where categories are in the report."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for add in SHEETS:
        add(wb, rep)
    if "by_category" in rep["city"]["complaints"]:
        _complaints(wb, rep)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
