"""No cell of any export runs as a formula (issue 11 item 5): names a spreadsheet would take
for formulas — the post's, a service's, a kiosk's — stay text in every sheet of the XLSX and
every column of the CSV. Read back from the bytes: a formula is an ``<f>`` element in a
sheet's XML, whatever a reader library makes of it."""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from pathlib import Path

from antrean.clock import FixedClock
from antrean.config import example_config_path, load_post_config
from antrean.export import csv_bytes, write_xlsx
from antrean.hub import Hub

EVIL = ['=HYPERLINK("http://x.test","klik")', "+1+1", "-2+3", "@SUM(A1:A9)"]


def evil_post(tmp_path: Path) -> Path:
    text = example_config_path().read_text(encoding="utf-8")
    text = text.replace('name = "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"',
                        f"name = '{EVIL[0]}'", 1)
    text = text.replace('name = "Administrasi Kependudukan"', f"name = '{EVIL[3]}'", 1)
    path = tmp_path / "post.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_text_cell_of_every_sheet_stays_text(tmp_path):
    from datetime import UTC, datetime

    from antrean.daylog import day_rows
    from antrean.skm import ELEMENT_IDS
    from antrean.survey import stored_surveys, submit_survey

    config = load_post_config(evil_post(tmp_path))
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    hub = Hub(config, tmp_path / "hub", clock)
    try:
        day = hub.state.day_of(clock.now())
        for kiosk in EVIL:
            hub.issue("adminduk", None, str(uuid.uuid4()), kiosk)
        for _ in EVIL:
            clock.advance(minutes=3)
            hub.call_next(1, None, "=loket")
            clock.advance(minutes=4)
            hub.finish(1, "served")
        served = [t for t in hub.state.tickets.values() if t.state.value == "served"]
        submit_survey(hub, served[0].number, {e: 4 for e in ELEMENT_IDS}, {}, str(uuid.uuid4()),
                      EVIL[1])
        rows = day_rows(hub.storage, day)
        surveys = stored_surveys(hub.storage, day)
        buf = io.BytesIO()
        write_xlsx(rows, config, day, buf, surveys)
        data = csv_bytes(rows, config.tz)
    finally:
        hub.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(sheets) == 3  # Log, Indikator, SKM
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
        texts = z.read("xl/sharedStrings.xml").decode("utf-8") if \
            "xl/sharedStrings.xml" in z.namelist() else ""
        every_sheet = texts + "".join(z.read(n).decode("utf-8") for n in sheets)
    # the names are there, as text: in the Log (kiosk, service), Indikator (post, service), SKM
    for evil in EVIL:
        assert evil.replace('"', "&quot;") in every_sheet or evil in every_sheet, evil
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(buf.getvalue()))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    indikator = {r[0]: r[1] for r in wb["Indikator"].iter_rows(values_only=True)}
    assert indikator["Pos / Post"] == EVIL[0]
    # CSV: every cell that starts like a formula carries the apostrophe that disarms it
    for rec in csv.reader(io.StringIO(data.decode("utf-8"))):
        for value in rec:
            assert not value.startswith(("=", "+", "-", "@")), value
