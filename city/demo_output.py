"""What the city demo prints: its progress day by day, then the city's indicators as the
city's API gives them — in Indonesian, numbers in Indonesian style (1.030; 14,2), columns
aligned for a terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

__all__ = ["Printer", "indicator_lines", "long_date", "period", "num", "minutes"]

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
VIA = {"uplink": "jaringan", "offline": "jaringan*", "bundle": "USB"}


def num(n: int | None) -> str:
    return "–" if n is None else f"{n:,}".replace(",", ".")


def minutes(s: float | None) -> str:
    return "–" if s is None else f"{s / 60:.1f}".replace(".", ",") + " menit"


def long_date(d: date | str) -> str:
    d = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{DAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}"


def period(a: date, b: date) -> str:
    """``5–6 Desember 2026``, ``30 November – 2 Desember 2026``, or both dates whole."""
    if a == b:
        return f"{a.day} {MONTHS[a.month - 1]} {a.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {MONTHS[a.month - 1]} {a.year}"
    if a.year == b.year:
        return f"{a.day} {MONTHS[a.month - 1]} – {b.day} {MONTHS[b.month - 1]} {b.year}"
    return f"{a.day} {MONTHS[a.month - 1]} {a.year} – {b.day} {MONTHS[b.month - 1]} {b.year}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> list[str]:
    """Aligned columns: the first ``left`` to the left, the rest to the right."""
    rows = [list(map(str, r)) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]

    def fmt(r: Sequence[str]) -> str:
        return "  " + "  ".join(x.ljust(w) if i < left else x.rjust(w)
                                for i, (x, w) in enumerate(zip(r, widths, strict=True))).rstrip()

    return [fmt(head), *(fmt(r) for r in rows)]


def ikm(s: dict[str, Any] | None) -> str:
    """The SKM survey's IKM with its band, as the report writes it ("81,25 B")."""
    return "–" if s is None else f"{s['ikm']:.2f}".replace(".", ",") + f" {s['mutu']}"


def indicator_lines(rep: dict[str, Any], trend: dict[str, Any], posts: list[dict[str, Any]],
                    specs: Sequence[Any]) -> list[str]:
    """The city's figures for the demo's days, from ``/report``, ``/trend`` and ``/posts``."""
    c = rep["city"]
    sat = c["satisfaction"]
    cost = c["cost"] or {}
    days = period(date.fromisoformat(rep["from"]), date.fromisoformat(rep["to"]))
    summary = [("Warga terlayani", num(c["served"])), ("Nomor diambil", num(c["issued"])),
               ("Tidak hadir", num(c["no_show"])), ("Pos aktif", num(c["posts_active"])),
               ("Hari-pos beroperasi", num(c["post_days"])),
               ("Rata-rata tunggu", minutes(c["wait"]["avg_s"])),
               ("Median tunggu", minutes(c["wait"]["median_s"])),
               ("P90 tunggu", minutes(c["wait"]["p90_s"])),
               ("Rata-rata tunggu prioritas", minutes(c["wait_priority"]["avg_s"])),
               ("Rata-rata tunggu reguler", minutes(c["wait_regular"]["avg_s"])),
               ("Kepuasan rata-rata (1–4)", "–" if sat["avg"] is None else
                f"{sat['avg']:.2f}".replace(".", ",")),
               ("Penilaian kepuasan", num(sat["count"])),
               ("IKM (SKM, 25–100)", ikm(c["skm"])),
               ("Responden SKM", num(c["skm_sample"]["respondents"])),
               ("Pengaduan", num(c["complaints"]["count"])),
               ("Biaya per warga terlayani", "–" if cost.get("per_served") is None
                else f"{rep['currency']} {num(cost['per_served'])}")]
    width = max(len(k) for k, _v in summary)
    vwidth = max(len(v) for _k, v in summary)
    out = [f"== {rep['city_name']} — {days} ({num(rep['days_reported'])} hari) ==", ""]
    out += [f"  {k:<{width}}  {v:>{vwidth}}" for k, v in summary]
    via = {s.id: VIA[s.via] for s in specs}
    heard = {p["post"]: p for p in posts}
    out += ["", "Per pos (* = jaringan sempat putus, lalu menyusul sendiri):"]
    out += _table(["Pos", "Kiriman", "Hari", "Terlayani", "Tunggu rata-rata", "P90 tunggu",
                   "Kepuasan", "IKM", "Pengaduan"],
                  [[p["name"], via.get(p["post"], heard.get(p["post"], {}).get("via") or "–"),
                    num(p["post_days"]), num(p["served"]), minutes(p["wait"]["avg_s"]),
                    minutes(p["wait"]["p90_s"]),
                    "–" if p["satisfaction"]["avg"] is None
                    else f"{p['satisfaction']['avg']:.2f}".replace(".", ","),
                    ikm(p["skm"]), num(p["complaints"]["count"])] for p in rep["posts"]], left=2)
    out += ["", "Per hari:"]
    out += _table(["Tanggal", "Pos", "Terlayani", "Tunggu rata-rata", "P90 tunggu"],
                  [[long_date(d["date"]), num(d["posts_active"]), num(d["served"]),
                    minutes(d["wait"]["avg_s"]), minutes(d["wait"]["p90_s"])]
                   for d in trend["days"]])
    out += ["", "Per layanan:"]
    out += _table(["Layanan", "Diambil", "Terlayani", "Tunggu rata-rata"],
                  [[f"{s['letter']}  {s['name']}", num(s["issued"]), num(s["served"]),
                    minutes(s["wait"]["avg_s"])] for s in rep["services"] if s["issued"]])
    silent = [p["name"] for p in posts if p["last_heard_at"] is None]
    if silent:
        out += ["", "Terdaftar tetapi belum pernah mengirim (ditandai senyap di dasbor): "
                + ", ".join(silent)]
    return out


_IMPORTED = re.compile(r"(\d+) peristiwa baru ditambahkan, (\d+) sudah ada")


class Printer:
    """The demo's words, flushed line by line (a pipe reads them as they come)."""

    def line(self, text: str = "") -> None:
        print(text, flush=True)

    def lines(self, lines: Iterable[str]) -> None:
        print("\n" + "\n".join(lines), flush=True)

    def intro(self, n_posts: int, n_days: int, speed: float) -> None:
        self.line(f"Antrean — demo kota: {n_posts} pos, {n_days} hari simulasi (jam dipercepat "
                  f"{speed:.0f}×) …")

    def day_header(self, i: int, n: int, day: date, *, link_up: bool) -> None:
        link = "jaringan Air Raja pulih" if link_up else "jaringan Air Raja putus"
        self.line(f"\nHari {i + 1} dari {n} — {long_date(day)} ({link})")

    def day_line(self, run: Any, day: date, backlog: int | None) -> None:
        st = run.days[-1] if run.days else {"issued": 0, "served": 0}
        tail = "" if backlog is None else (
            "  semua terkirim" if backlog == 0 else f"  {num(backlog)} peristiwa menunggu jaringan")
        self.line(f"  {run.spec.name:<30}{VIA[run.spec.via]:<10}{num(st['issued']):>6} nomor"
                  f"{num(st['served']):>6} terlayani{tail}")

    def usb(self, name: str, said: str) -> str:
        m = _IMPORTED.search(said)
        what = f"{num(int(m[1]))} peristiwa baru, {num(int(m[2]))} sudah ada" if m else said
        return f"  USB: {name} → kota: {what} (antrean export --bundle; antrean city import)"

    def links(self, links: dict[str, str]) -> None:
        self.lines([
            f"Dasbor kota (petugas):  {links['officer']}",
            f"Dasbor publik:          {links['public']}",
            f"Laporan keluaran:       {links['report']}",
            "",
            "Tekan Ctrl+C untuk berhenti; klaster PostgreSQL sementara lalu dihapus."])
        sys.stdout.flush()
