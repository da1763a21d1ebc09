"""The headless demo: a simulated day through the real API, then indicators and a CSV."""

from __future__ import annotations

import csv
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
    assert "Nomor diambil / tickets issued : 40" in text
    assert "Prioritas / priority" in text and "Reguler / regular" in text
    assert "Loket 1" in text
    (csv_file,) = out.glob("antrean-pos-contoh-*.csv")
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) == 40
    assert all(r["outcome"] in ("served", "no_show") for r in rows)
    assert all(int(r["wait_s"]) >= 0 for r in rows)
