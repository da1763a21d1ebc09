"""``antrean export`` as a post lead types it: the format follows the file name, an unknown
name is refused, an empty day is said, and ``--excel`` writes the CSV Indonesian-locale
Excel opens by double-click. Files are read back with openpyxl and the csv module."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from openpyxl import load_workbook

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.daylog import COLUMNS
from antrean.hub import Hub

DAY = "2026-11-23"
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A post folder with three tickets on DAY: issued 08:00:00, 08:01:30, 08:03:00 WIB;
    the first called at 08:10:00 and served at 08:15:02."""
    folder = tmp_path_factory.mktemp("post")
    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 08:00 WIB
    hub = Hub(load_post_config(), folder, clock)
    try:
        for svc in ("adminduk", "kesehatan", "adminduk"):
            hub.issue(svc, None, str(uuid.uuid4()), "Kios 1")
            clock.advance(seconds=90)
        clock.advance(seconds=10 * 60 - 270)
        hub.call_next(1, ["adminduk"], "Loket 1")
        clock.advance(seconds=302)
        hub.finish(1, "served")
    finally:
        hub.close()
    return folder


def export(data, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", "export", "--data", str(data),
                           "--date", DAY, *args], capture_output=True, text=True, timeout=60)


def test_an_xlsx_name_writes_xlsx_without_format(data, tmp_path):
    out = tmp_path / "hari.xlsx"
    res = export(data, "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_bytes()[:2] == b"PK"  # a zip (XLSX), not CSV text under an Excel name
    ws = load_workbook(out)["Log"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    first = rows[1]
    assert first[0] == "A001" and first[3] == datetime(2026, 11, 23, 8, 0, 0)
    assert first[5] == datetime(2026, 11, 23, 8, 15, 2) and first[9] == "served"


@pytest.mark.parametrize("name", ["hari.csv", "HARI.CSV"])
def test_a_csv_name_writes_designs_csv(data, tmp_path, name):
    out = tmp_path / name
    assert export(data, "--out", str(out)).returncode == 0
    raw = out.read_bytes()
    assert not raw.startswith(BOM)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 4
    assert rows[1][3] == "2026-11-23T08:00:00+07:00"  # DESIGN: ISO 8601 with the offset


@pytest.mark.parametrize("name", ["hari.xls", "hari", "hari.ods"])
def test_an_unknown_extension_is_refused_and_nothing_written(data, tmp_path, name):
    out = tmp_path / name
    res = export(data, "--out", str(out))
    assert res.returncode == 2
    assert f"'{name}'" in res.stderr and ".csv" in res.stderr and ".xlsx" in res.stderr
    assert "tidak dikenal" in res.stderr and "unknown format" in res.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["day.csv", "day.xlsx"])
def test_a_missing_or_unwritable_folder_is_said_not_a_traceback(data, tmp_path, name):
    missing = export(data, "--out", str(tmp_path / "no-such-folder" / name))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "tidak ada" in missing.stderr and "does not exist" in missing.stderr
    taken = tmp_path / name  # the name is a folder's
    taken.mkdir()
    res = export(data, "--out", str(taken))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert "adalah folder" in res.stderr and "is a folder" in res.stderr
    res = export(data, "--out", f"/proc/{name}")  # a folder nobody, root too, can write in
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert "tidak dapat menulis" in res.stderr and "cannot write" in res.stderr


def test_format_overrides_the_extension(data, tmp_path):
    out = tmp_path / "hari.txt"
    assert export(data, "--format", "csv", "--out", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").startswith(",".join(COLUMNS))
    out = tmp_path / "hari.xls"
    assert export(data, "--format", "xlsx", "--out", str(out)).returncode == 0
    assert load_workbook(io.BytesIO(out.read_bytes()))["Log"]["A2"].value == "A001"


def test_excel_csv_has_bom_semicolons_and_local_date_times(data, tmp_path):
    out = tmp_path / "hari-excel.csv"
    res = export(data, "--excel", "--out", str(out))
    assert res.returncode == 0, res.stderr
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 4
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["issued_at"] == "2026-11-23 08:00:00"
    assert row["finished_at"] == "2026-11-23 08:15:02"
    assert datetime.strptime(row["called_at"], "%Y-%m-%d %H:%M:%S") == datetime(2026, 11, 23, 8, 10)
    assert row["wait_s"] == "600" and row["service_s"] == "302"
    assert "," not in text.splitlines()[0]


def test_excel_is_refused_for_xlsx(data, tmp_path):
    res = export(data, "--excel", "--out", str(tmp_path / "hari.xlsx"))
    assert res.returncode == 2 and "--excel" in res.stderr


@pytest.mark.parametrize("name", ["kosong.csv", "kosong.xlsx"])
def test_a_day_without_tickets_says_so_and_writes_the_header(data, tmp_path, name):
    out = tmp_path / name
    res = subprocess.run([sys.executable, "-m", "antrean", "export", "--data", str(data),
                          "--date", "2026-11-24", "--out", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    assert "tidak ada tiket pada 2026-11-24" in res.stderr
    assert "no tickets on 2026-11-24" in res.stderr
    if name.endswith(".csv"):
        assert out.read_text(encoding="utf-8").splitlines() == [",".join(COLUMNS)]
    else:
        assert list(load_workbook(out)["Log"].iter_rows(values_only=True)) == [COLUMNS]


def test_hub_log_route_gives_the_excel_csv_too(hub_process):
    api = f"{hub_process.url}/api/v1"
    httpx.post(f"{api}/tickets", headers=hub_process.headers("kiosk"),
               json={"service": "adminduk", "request_id": str(uuid.uuid4())}).raise_for_status()
    lead = hub_process.headers("lead")
    r = httpx.get(f"{api}/log", params={"format": "csv", "excel": "1"}, headers=lead)
    assert r.status_code == 200 and r.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS
    assert datetime.strptime(rows[1][3], "%Y-%m-%d %H:%M:%S")
    plain = httpx.get(f"{api}/log", params={"format": "csv"}, headers=lead)
    assert not plain.content.startswith(BOM) and plain.text.startswith("number,service,")
    bad = httpx.get(f"{api}/log", params={"format": "xlsx", "excel": "1"}, headers=lead)
    assert bad.status_code == 422
    body = bad.json()
    assert body["error"] and body["message"] and body["message_en"]
