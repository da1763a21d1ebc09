"""The headless demo: a simulated day through the real API, then indicators and a CSV."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

from antrean.daylog import COLUMNS


def test_headless_demo_runs_a_day_and_writes_the_export(tmp_path):
    out = tmp_path / "demo"
    res = subprocess.run(
        [sys.executable, "-m", "antrean", "demo", "--headless", "--out", str(out),
         "--residents", "40", "--speed", "3000"],
        capture_output=True, text=True, timeout=90,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    text = res.stdout
    assert re.search(r"^  Nomor diambil +40$", text, re.M)
    assert "Prioritas" in text and "Reguler" in text and "Loket 1" in text
    # wholly Indonesian, and no log line in the report (logs go to stderr, quiet by default)
    for english in ("tickets", "served", "priority", "regular", "waiting", "counter",
                    "minutes", "INFO", "queue loaded"):
        assert english not in text, english
    assert "queue loaded" not in res.stderr
    assert re.search(r"selesai pukul \d\d\.\d\d ", text)  # Indonesian time: 13.05
    # every table's figures end under their column's heading
    lines = text.splitlines()
    for heading, rows, cols in (("Waktu tunggu (menit):", 3, 4), ("Per loket:", 3, 2),
                                ("Per layanan:", 5, 2)):
        at = lines.index(heading)
        # headings and figures of two words ("tidak hadir", "6,5 menit") count as one
        head = lines[at + 1].replace("rata-rata tunggu", "rata-rata_tunggu").replace(
            "tidak hadir", "tidak_hadir")
        body = [b.replace(" menit", "_menit") for b in lines[at + 2: at + 2 + rows]]
        want = _ends(head)[-cols:]
        assert all(_ends(b)[-cols:] == want for b in body), (head, body)
    (csv_file,) = out.glob("antrean-pos-contoh-*.csv")
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) == 40
    assert all(r["outcome"] in ("served", "no_show") for r in rows)
    assert all(int(r["wait_s"]) >= 0 for r in rows)


def _ends(line: str) -> list[int]:
    return [m.end() for m in re.finditer(r"\S+", line)]
