"""The "SKM" sheet of the day's XLSX: the regulation's tabulation, ready to hand over.

PermenPANRB 14/2017's annex processes the survey as a table of respondents against the nine
elements (U1 … U9), then per element the total score, NRR and NRR tertimbang, then IKM unit
pelayanan, its conversion (× 25), the quality band and the unit's performance. This sheet is
that table, with the sample check (Krejcie–Morgan) and the respondents' profile counted.
The figures come from :mod:`antrean.skm`; only the layout is here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from . import skm

__all__ = ["add_skm_sheet", "SHEET"]

SHEET = "SKM"


def add_skm_sheet(wb: Any, surveys: Sequence[Mapping[str, Any]], post_name: str, day: str,
                  served: int) -> None:
    """Append the SKM sheet to a write-only openpyxl workbook ``wb``.

    ``surveys``: the day's surveys (``answers``, ``profile``) in the order they came.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = wb.create_sheet(SHEET)
    ws.column_dimensions["A"].width = 44
    for col in "BCDEFGHIJ":
        ws.column_dimensions[col].width = 11
    bold = Font(bold=True)

    def cell(value: Any, *, fmt: str | None = None, strong: bool = False) -> Any:
        c = WriteOnlyCell(ws, value=value)
        if fmt:
            c.number_format = fmt
        if strong:
            c.font = bold
        if isinstance(value, str):
            c.data_type = "s"  # text, never a formula (a post name may start with "=")
        return c

    codes = [e.code for e in skm.ELEMENTS]
    ws.append([cell("Pengolahan Data Survei Kepuasan Masyarakat per Responden dan per Unsur "
                    "Pelayanan / SKM tabulation", strong=True)])
    ws.append([cell("Unit pelayanan / Service unit"), cell(post_name)])
    ws.append([cell("Tanggal / Date"), cell(day)])
    ws.append([cell("Dasar / Basis"), cell("PermenPANRB No. 14 Tahun 2017")])
    ws.append([])
    ws.append([cell("No. responden / Respondent", strong=True),
               *(cell(c, strong=True) for c in codes)])
    for i, s in enumerate(surveys, 1):
        ws.append([i, *(int(s["answers"][e]) for e in skm.ELEMENT_IDS)])
    tab = skm.tabulate(s["answers"] for s in surveys)
    if tab is None:
        ws.append([cell("Belum ada responden pada tanggal ini / No respondents on this date")])
    else:
        ws.append([cell("Σ nilai per unsur / Total score", strong=True),
                   *(tab["totals"][e] for e in skm.ELEMENT_IDS)])
        ws.append([cell("NRR per unsur (Σ nilai / responden)", strong=True),
                   *(cell(float(tab["nrr"][e]), fmt="0.000") for e in skm.ELEMENT_IDS)])
        ws.append([cell("NRR tertimbang per unsur (NRR × 1/9 ≈ 0,111)", strong=True),
                   *(cell(float(tab["weighted"][e]), fmt="0.000") for e in skm.ELEMENT_IDS)])
        ws.append([])
        ws.append([cell("IKM unit pelayanan (Σ NRR tertimbang)"),
                   cell(float(tab["ikm_unit"]), fmt="0.000")])
        ws.append([cell("IKM (nilai konversi = IKM unit × 25)", strong=True),
                   cell(tab["ikm"], fmt="0.00", strong=True)])
        ws.append([cell("Mutu pelayanan / Quality", strong=True), cell(tab["mutu"], strong=True)])
        ws.append([cell("Kinerja unit pelayanan / Performance"),
                   cell(f"{skm.kinerja(tab['ikm'])} / {skm.kinerja(tab['ikm'], 'en')}")])
    ws.append([])
    ws.append([cell("Jumlah responden / Respondents"), len(surveys)])
    ws.append([cell("Warga terlayani / Residents served"), served])
    ws.append([cell("Sampel minimal (Krejcie–Morgan, χ²=3,841, P=0,5, d=0,05)"),
               skm.min_sample(served)])
    ws.append([])
    ws.append([cell("Unsur / Element", strong=True)])
    for e in skm.ELEMENTS:
        ws.append([cell(f"{e.code} {e.name} / {e.name_en}")])
    ws.append([])
    ws.append([cell("Nilai interval konversi / Band", strong=True), cell("Mutu", strong=True),
               cell("Kinerja", strong=True)])
    tops = ["100,00", "88,30", "76,60", "64,99"]
    for (low, band, word, _en), top in zip(skm.BANDS, tops, strict=True):
        ws.append([cell(f"{str(low).replace('.', ',')} – {top}"), cell(band), cell(word)])
    _profile_rows(ws, cell, surveys)


def _profile_rows(ws: Any, cell: Any, surveys: Sequence[Mapping[str, Any]]) -> None:
    """The respondents' profile, counted per answer (no respondent is listed with it)."""
    ws.append([])
    ws.append([cell("Profil responden / Respondents' profile", strong=True),
               cell("Jumlah", strong=True)])
    for field, choices in skm.PROFILE.items():
        counts = Counter((s.get("profile") or {}).get(field) for s in surveys)
        ws.append([cell(field.replace("_", " ").capitalize(), strong=True)])
        for value, label, _en in choices:
            ws.append([cell(f"  {label}"), counts.get(value, 0)])
        ws.append([cell("  Tidak dijawab / Not answered"), counts.get(None, 0)])
