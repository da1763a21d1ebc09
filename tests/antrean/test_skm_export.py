"""The XLSX export's "SKM" sheet: the regulation's tabulation of the day's surveys, read back
with openpyxl; the same sheet through GET /log?format=xlsx of a running hub."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import httpx
from openpyxl import load_workbook
from test_skm import ANSWERS, HAND_TOTALS

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.export import export_day
from antrean.hub import Hub
from antrean.skm import ELEMENT_IDS
from antrean.survey import submit_survey

DAY = "2026-11-23"
PROFILES = [{"usia": "30-39", "jenis_kelamin": "P"}, {}, {"usia": "60+", "jenis_kelamin": "L",
                                                          "pekerjaan": "wirausaha"}, {}]


def _rows(sheet) -> dict[str, list]:
    """Label (column A) → the rest of its row."""
    return {str(r[0]): list(r[1:]) for r in sheet.iter_rows(values_only=True) if r and r[0]}


def _day_with_surveys(tmp_path, served_only: int = 3):
    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 08:00 WIB
    hub = Hub(load_post_config(), tmp_path, clock)
    for answers, profile in zip(ANSWERS, PROFILES, strict=True):
        clock.advance(seconds=60)
        t, _ = hub.issue("adminduk", None, str(uuid.uuid4()), "Kios 1")
        hub.call_next(1, None, "Loket 1")
        clock.advance(seconds=300)
        hub.finish(1, "served")
        submit_survey(hub, t["number"], answers, profile, str(uuid.uuid4()), "Kios 1")
    for _ in range(served_only):
        hub.issue("kesehatan", None, str(uuid.uuid4()), "Kios 1")
        hub.call_next(2, None, "Loket 2")
        hub.finish(2, "served")
    return hub


def test_the_skm_sheet_is_the_regulations_tabulation(tmp_path):
    hub = _day_with_surveys(tmp_path / "post")
    out = tmp_path / "hari.xlsx"
    export_day(hub.storage, hub.config, DAY, "xlsx", out)
    hub.close()  # (the export reads the file; the hub may be stopped)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Log", "Indikator", "SKM"]
    ws = wb["SKM"]
    rows = _rows(ws)
    header = rows["No. responden / Respondent"]
    assert header == [f"U{i}" for i in range(1, 10)]
    for i, answers in enumerate(ANSWERS, 1):
        assert rows[str(i)] == [answers[e] for e in ELEMENT_IDS]
    assert rows["Σ nilai per unsur / Total score"] == [HAND_TOTALS[e] for e in ELEMENT_IDS]
    nrr = rows["NRR per unsur (Σ nilai / responden)"]
    assert nrr == [3.5, 3.0, 2.5, 4.0, 3.25, 3.25, 3.75, 2.0, 2.75]
    weighted = rows["NRR tertimbang per unsur (NRR × 1/9 ≈ 0,111)"]
    assert [round(w, 6) for w in weighted] == [round(n / 9, 6) for n in nrr]
    assert round(rows["IKM unit pelayanan (Σ NRR tertimbang)"][0], 6) == round(28 / 9, 6)
    assert rows["IKM (nilai konversi = IKM unit × 25)"][0] == 77.78
    assert rows["Mutu pelayanan / Quality"][0] == "B"
    assert rows["Kinerja unit pelayanan / Performance"][0] == "Baik / Good"
    assert rows["Jumlah responden / Respondents"][0] == 4
    assert rows["Warga terlayani / Residents served"][0] == 7
    assert rows["Sampel minimal (Krejcie–Morgan, χ²=3,841, P=0,5, d=0,05)"][0] == 7
    labels = [str(r[0]) for r in ws.iter_rows(values_only=True) if r and r[0]]
    assert "U9 Sarana dan prasarana / Facilities" in labels
    assert rows["88,31 – 100,00"][:2] == ["A", "Sangat baik"]
    assert rows["25,00 – 64,99"][:2] == ["D", "Tidak baik"]
    # the profile, counted, never listed with a respondent
    assert rows["  30–39 tahun"][0] == 1 and rows["  60 tahun ke atas"][0] == 1
    assert rows["  Perempuan"][0] == 1 and rows["  Laki-laki"][0] == 1
    assert rows["  Wirausaha"][0] == 1
    assert ws["B2"].value == hub.config.post.name


def test_a_day_without_surveys_says_so(tmp_path):
    hub = Hub(load_post_config(), tmp_path / "post",
              FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC)))
    out = tmp_path / "kosong.xlsx"
    export_day(hub.storage, hub.config, DAY, "xlsx", out)
    hub.close()
    labels = [r[0] for r in load_workbook(out)["SKM"].iter_rows(values_only=True) if r]
    assert "Belum ada responden pada tanggal ini / No respondents on this date" in labels
    assert "Mutu pelayanan / Quality" not in labels


def test_the_lead_downloads_the_sheet_from_the_hub(shared_hub):
    hub = shared_hub
    k, c = hub.headers("kiosk"), hub.headers("counter")
    t = httpx.post(f"{hub.url}/api/v1/tickets", headers=k,
                   json={"service": "bansos", "request_id": str(uuid.uuid4())}).json()
    assert httpx.post(f"{hub.url}/api/v1/counters/7/next", headers=c,
                      json={"services": ["bansos"]}).json()["id"] == t["id"]
    httpx.post(f"{hub.url}/api/v1/counters/7/finish", headers=c, json={"outcome": "served"})
    r = httpx.post(f"{hub.url}/api/v1/survey", headers=k, json={
        "ticket": t["id"], "answers": dict.fromkeys(ELEMENT_IDS, 4),
        "request_id": str(uuid.uuid4())})
    assert r.status_code == 201
    x = httpx.get(f"{hub.url}/api/v1/log?format=xlsx", headers=hub.headers("lead"))
    assert x.status_code == 200
    rows = _rows(load_workbook(io.BytesIO(x.content))["SKM"])
    assert rows["IKM (nilai konversi = IKM unit × 25)"][0] == 100.0
    assert rows["Mutu pelayanan / Quality"][0] == "A"
