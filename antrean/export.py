"""Exports of the wait-time log: CSV (UTF-8), XLSX and JSON, DESIGN.md column order.

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``) are made
inert: in CSV by a leading apostrophe, in XLSX by storing them as plain strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from .config import PostConfig
from .daylog import COLUMNS, LogRow, day_rows
from .stats import stats_from_rows
from .storage import Storage
from .survey import stored_surveys

__all__ = ["write_csv", "csv_bytes", "write_xlsx", "export_day", "format_for", "log_response",
           "rows_response", "row_values", "safe_cell", "xlsx_value", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("csv", "xlsx")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xlsx_value(ws: Any, value: Any) -> Any:
    """A value for a write-only sheet's row: every string is stored as text (data type
    "s"), so one that starts like a formula (a post or device named "=HYPERLINK(…)") is
    never run; other values as they are. Every sheet of every export goes through this (or
    sets the data type itself, as antrean.skm_xlsx and city.report_xlsx do).

    openpyxl stores a plain string as text unless it starts with "=": only those that
    start like a formula need a cell of their own (100k-row days stay fast)."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _local(dt: datetime | None, tz: tzinfo) -> datetime | None:
    return dt.astimezone(tz).replace(microsecond=0) if dt is not None else None


def row_values(r: LogRow, tz: tzinfo) -> list[Any]:
    """One row in COLUMNS order; times as aware local datetimes, empty where not reached."""
    return [r.number, r.service, r.priority or "", _local(r.issued_at, tz),
            _local(r.called_at, tz), _local(r.finished_at, tz), r.wait_s, r.service_s,
            r.counter, r.outcome or "", r.recalls, r.transfers, r.kiosk or "", r.rating,
            r.original_outcome or ""]


def _csv_text(rows: Sequence[LogRow], tz: tzinfo, *, excel: bool = False) -> str:
    """DESIGN's CSV: ``,``-separated, ISO 8601 times with the post's offset.

    ``excel``: the flavour Indonesian-locale Excel opens by double-click — ``;`` (the list
    separator where ``,`` is the decimal one) and local times without the offset
    (``2026-12-07 08:15:02``), which Excel reads as date-times; the BOM is added on encoding.
    """
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if excel else ",", lineterminator="\r\n")
    w.writerow(COLUMNS)

    def t_iso(dt: datetime | None) -> str:
        return "" if dt is None else dt.astimezone(tz).isoformat(timespec="seconds")

    def t_excel(dt: datetime | None) -> str:
        return "" if dt is None else dt.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    t = t_excel if excel else t_iso

    def n(v: int | None) -> int | str:
        return "" if v is None else v

    for r in rows:  # one row per ticket: written column by column for speed (100k-row days)
        w.writerow((safe_cell(r.number), safe_cell(r.service), safe_cell(r.priority or ""),
                    t(r.issued_at), t(r.called_at), t(r.finished_at), n(r.wait_s),
                    n(r.service_s), n(r.counter), r.outcome or "", r.recalls, r.transfers,
                    safe_cell(r.kiosk or ""), n(r.rating), r.original_outcome or ""))
    return buf.getvalue()


def csv_bytes(rows: Sequence[LogRow], tz: tzinfo, *, excel: bool = False) -> bytes:
    """UTF-8; with ``excel`` a BOM first, or Excel reads the file as the ANSI code page."""
    return _csv_text(rows, tz, excel=excel).encode("utf-8-sig" if excel else "utf-8")


def write_csv(rows: Sequence[LogRow], tz: tzinfo, out: Path | io.BufferedIOBase, *,
              excel: bool = False) -> None:
    data = csv_bytes(rows, tz, excel=excel)
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)


def write_xlsx(rows: Sequence[LogRow], config: PostConfig, day: str,
               out: Path | io.BytesIO, surveys: Sequence[Mapping[str, Any]] | None = None,
               reserves: Mapping[str, Any] | None = None) -> None:
    """The day's log ("Log"), its indicators ("Indikator", with the kiosks' unused reserved
    numbers given ``reserves``) and, given the day's ``surveys``, the SKM tabulation ("SKM",
    antrean.skm_xlsx)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    tz = config.tz
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Log")
    widths = [9, 14, 10, 20, 20, 20, 9, 10, 8, 10, 8, 10, 16, 8, 14]
    for i, wdt in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = wdt
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        ws.append([xlsx_value(ws, v.replace(tzinfo=None) if isinstance(v, datetime) else v)
                   for v in row_values(r, tz)])  # Excel has no zones: post-local times
    st = stats_from_rows(rows, config, day)
    ws2 = wb.create_sheet("Indikator")
    ws2.column_dimensions["A"].width = 34
    ws2.column_dimensions["B"].width = 16
    for label, value in _indicator_rows(st, reserves):  # the post's and services' names among them
        ws2.append([xlsx_value(ws2, label), xlsx_value(ws2, value)])
    if surveys is not None:
        from .skm_xlsx import add_skm_sheet

        add_skm_sheet(wb, surveys, st["post"]["name"], day, st["served"])
    wb.save(out)


def _indicator_rows(st: dict[str, Any], reserves: Mapping[str, Any] | None = None
                    ) -> list[tuple[str, Any]]:
    def m(x: Any) -> Any:
        return round(x / 60, 1) if isinstance(x, int | float) else ""

    rows: list[tuple[str, Any]] = [
        ("Tanggal / Date", st["date"]),
        ("Pos / Post", st["post"]["name"]),
        ("Nomor diambil / Tickets issued", st["issued"]),
        ("Warga terlayani / Served", st["served"]),
        ("Tidak hadir / No-show", st["no_show"]),
        ("Dibatalkan / Cancelled", st["cancelled"]),
        ("Ditutup akhir hari / Closed at day end", st["day_closed"]),
        ("Waktu tunggu rata-rata (menit) / Avg wait (min)", m(st["wait"]["avg_s"])),
        ("Median waktu tunggu (menit) / Median wait", m(st["wait"]["median_s"])),
        ("P90 waktu tunggu (menit) / P90 wait", m(st["wait"]["p90_s"])),
        ("Rata-rata tunggu prioritas (menit)", m(st["wait_priority"]["avg_s"])),
        ("Rata-rata tunggu reguler (menit)", m(st["wait_regular"]["avg_s"])),
    ]
    for s in st["services"]:
        rows.append((f"Terlayani — {s['name']}", s["served"]))
    if reserves is not None and reserves["granted"]:
        # Gaps in the numbering, not tickets: numbers a kiosk held for offline issuing.
        rows.append(("Nomor cadangan tidak terpakai / Unused reserved numbers",
                     ", ".join(reserves["unused"]) or "-"))
    return rows


def format_for(out: Path, fmt: str | None) -> str:
    """The export format: ``fmt`` when given, else the file name's extension (.csv, .xlsx).

    Raises ValueError naming the file when neither says (a lead typing ``hari.xls`` must
    not get CSV text under an Excel name).
    """
    if fmt is not None:
        return fmt
    ext = out.suffix.lower().lstrip(".")
    if ext in EXPORT_FORMATS:
        return ext
    raise ValueError(f"format untuk '{out.name}' tidak dikenal — beri nama berakhiran .csv atau "
                     f".xlsx, atau pakai --format csv|xlsx / unknown format for '{out.name}': "
                     f"name the file .csv or .xlsx, or give --format csv|xlsx")


def export_day(storage: Storage, config: PostConfig, day: str, fmt: str, out: Path, *,
               excel: bool = False) -> int:
    """Write one day's log to ``out``; returns the number of rows."""
    rows = day_rows(storage, day)
    if fmt == "csv":
        write_csv(rows, config.tz, out, excel=excel)
    elif fmt == "xlsx":
        write_xlsx(rows, config, day, out, stored_surveys(storage, day),
                   _reserves(storage, config, day))
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or xlsx)")
    return len(rows)


def log_json(rows: Sequence[LogRow], tz: tzinfo) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        vals = row_values(r, tz)
        out.append({k: (v.isoformat() if isinstance(v, datetime) else v)
                    for k, v in zip(COLUMNS, vals, strict=True)})
    return out


def log_response(storage: Storage, config: PostConfig, day: str, fmt: str, *,
                 excel: bool = False) -> Any:
    surveys = stored_surveys(storage, day) if fmt == "xlsx" else None
    reserves = _reserves(storage, config, day) if fmt == "xlsx" else None
    return rows_response(day_rows(storage, day), config, day, fmt, excel=excel, surveys=surveys,
                         reserves=reserves)


def _reserves(storage: Storage, config: PostConfig, day: str) -> dict[str, Any]:
    from .clock import utcnow
    from .days import PostCalendar
    from .hub_reserves import reserve_stats

    closed = PostCalendar(config.tz, config.post.day_end_time).is_closed(day, utcnow())
    return dict(reserve_stats(storage, day, closed=closed)["reserves"])


def rows_response(rows: Sequence[LogRow], config: PostConfig, day: str, fmt: str, *,
                  excel: bool = False, surveys: Sequence[Mapping[str, Any]] | None = None,
                  reserves: Mapping[str, Any] | None = None) -> Any:
    """A day's log rows as the ``/log`` answer: JSON, or a CSV/XLSX download (the post's
    hub and the city answer with the same file)."""
    from fastapi.responses import Response

    name = f"antrean-{config.post.id}-{day}"
    if fmt == "json":
        return log_json(rows, config.tz)
    if fmt == "csv":
        return Response(csv_bytes(rows, config.tz, excel=excel),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    buf = io.BytesIO()
    write_xlsx(rows, config, day, buf, surveys, reserves)
    return Response(buf.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
