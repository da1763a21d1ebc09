"""The ``antrean`` command: token while the hub runs, export with the hub stopped, config."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from openpyxl import load_workbook

from antrean.daylog import COLUMNS

API = "/api/v1"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", *args], capture_output=True,
                          text=True, timeout=60, check=check)


def test_token_made_while_the_hub_runs_works_at_once(hub_process):
    out = run("token", "--data", str(hub_process.data_dir), "--role", "kiosk", "--name", "Kios 2")
    token = out.stdout.strip().splitlines()[-1]
    r = httpx.post(f"{hub_process.url}{API}/tickets",
                   json={"service": "adminduk", "request_id": str(uuid.uuid4())},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201
    bad = run("token", "--data", str(hub_process.data_dir), "--role", "root", "--name", "x",
              check=False)
    assert bad.returncode != 0


def test_export_with_the_hub_stopped_csv_and_xlsx(hub_process, tmp_path):
    from antrean.auth import create_device_token
    from antrean.clock import utcnow
    from antrean.storage import Storage

    st = Storage(hub_process.data_dir)
    evil = create_device_token(st, "kiosk", "=HYPERLINK(\"http://x\")", utcnow())
    st.close()
    for i, token in enumerate([hub_process.tokens["kiosk"], evil, hub_process.tokens["kiosk"]]):
        httpx.post(f"{hub_process.url}{API}/tickets",
                   json={"service": "adminduk", "priority": "elderly" if i == 2 else None,
                         "request_id": str(uuid.uuid4())},
                   headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    c = hub_process.headers("counter")
    httpx.post(f"{hub_process.url}{API}/counters/1/next", headers=c).raise_for_status()
    httpx.post(f"{hub_process.url}{API}/counters/1/finish", headers=c,
               json={"outcome": "served"}).raise_for_status()
    day = httpx.get(f"{hub_process.url}{API}/health").json()["time"][:10]
    hub_process.stop()

    out_csv = tmp_path / "day.csv"
    res = run("export", "--data", str(hub_process.data_dir), "--date", day, "--format", "csv",
              "--out", str(out_csv))
    assert "3 rows" in res.stdout
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    by_number = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_number["A002"]["kiosk"].startswith("'=")  # inert in a spreadsheet
    served = by_number["A003"]  # the elderly ticket was called first
    assert served["outcome"] == "served" and served["priority"] == "elderly"
    assert int(served["wait_s"]) >= 0 and served["service_s"] != ""
    assert by_number["A001"]["called_at"] == "" and by_number["A001"]["wait_s"] == ""

    out_x = tmp_path / "day.xlsx"
    run("export", "--data", str(hub_process.data_dir), "--date", day, "--format", "xlsx",
        "--out", str(out_x))
    wb = load_workbook(out_x)
    ws = wb["Log"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS
    cells = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert cells["A002"][12].value == '=HYPERLINK("http://x")' or \
        cells["A002"][12].value.startswith("'=")
    assert cells["A002"][12].data_type == "s"
    assert cells["A003"][6].data_type == "n"
    assert "Indikator" in wb.sheetnames

    all_dir = tmp_path / "all"
    res = run("export", "--data", str(hub_process.data_dir), "--all-days", "--format", "csv",
              "--out", str(all_dir))
    assert len(list(all_dir.glob("*.csv"))) == 1


def test_export_of_a_missing_database_is_a_clear_error(tmp_path):
    res = run("export", "--data", str(tmp_path / "none"), "--format", "csv", "--out",
              str(tmp_path / "x.csv"), check=False)
    assert res.returncode == 2 and "no post database" in res.stderr


def test_unknown_config_key_stops_the_hub_naming_it(tmp_path):
    from antrean.config import example_config_path

    text = example_config_path().read_text().replace("[policy]", "[policy]\nburst = 4", 1)
    cfg = tmp_path / "post.toml"
    cfg.write_text(text)
    res = run("hub", "--data", str(tmp_path / "d"), "--config", str(cfg), "--port", "1",
              check=False)
    assert res.returncode == 2
    assert "policy.burst" in res.stderr and "unknown key" in res.stderr


def test_example_config_has_the_posts_services():
    from antrean.config import load_post_config

    cfg = load_post_config()
    names = [s.name for s in cfg.services]
    assert names == ["Administrasi Kependudukan", "Kesehatan", "Bantuan Sosial",
                     "Literasi Keuangan", "Pengaduan"]
    assert cfg.post.timezone == "Asia/Jakarta"
    assert cfg.policy.priority_burst == 3 and cfg.policy.max_wait_min == 60


def test_version():
    assert run("--version").stdout.startswith("antrean ")


def test_packaged_example_is_shipped():
    from antrean.config import example_config_path

    assert Path(example_config_path()).is_file()


def test_a_fresh_hub_shows_a_pairing_code_that_pairs_the_first_device(tmp_path):
    import re

    from hubproc import HubProcess

    from antrean.client import HubClient

    hub = HubProcess(tmp_path / "hub")  # no tokens made: nothing is paired yet
    hub.start()
    try:
        m = re.search(r"kode pemasangan: (\d{6})", hub.log_path.read_text())
        assert m, hub.log_path.read_text()[-1000:]
        dev = HubClient(hub.url)
        token = dev.pair(m.group(1), "display", "Layar Aula")
        assert token and dev.queue()["services"]
        dev.close()
    finally:
        hub.stop()


def test_join_pairs_a_device_and_prints_its_token(hub_process):
    code = httpx.post(f"{hub_process.url}{API}/pair/codes",
                      headers=hub_process.headers("lead")).json()["code"]
    res = run("join", "--code", code, "--role", "counter", "--name", "Loket 9",
              "--hub", hub_process.url)
    token_line, fp_line = res.stdout.strip().splitlines()[-2:]
    assert token_line.startswith('token = "')
    assert fp_line == f'fingerprint = "{hub_process.fingerprint}"'
    token = token_line.split('"')[1]
    r = httpx.post(f"{hub_process.url}{API}/counters/9/pause",
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    bad = run("join", "--code", "000000", "--role", "counter", "--name", "x", "--hub",
              hub_process.url, check=False)
    assert bad.returncode == 1 and "antrean join:" in bad.stderr


def test_announce_writes_the_call_as_a_wav_and_prints_the_sentence(tmp_path):
    import array
    import math
    import wave

    out = tmp_path / "call.wav"
    res = run("announce", "B120", "12", "--wav", str(out))
    assert res.stdout.strip() == "Nomor antrean B seratus dua puluh, silakan menuju loket dua belas."
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    assert 3.0 < seconds < 10.0
    assert math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768 > 0.02
    bad = run("announce", "12B", "3", "--wav", str(out), check=False)
    assert bad.returncode == 2 and "antrean announce:" in bad.stderr


def test_announce_without_espeak_data_says_so(tmp_path):
    (tmp_path / "empty").mkdir()  # libespeak-ng exit()s here: in the speech worker, not us
    res = subprocess.run([sys.executable, "-m", "antrean", "announce", "A1", "1", "--wav",
                          str(tmp_path / "call.wav")], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, ESPEAK_DATA_PATH=str(tmp_path / "empty")))
    assert res.returncode == 1, res.stderr
    assert "suara tidak tersedia" in res.stderr and "phontab" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "call.wav").exists()


def test_tokens_never_start_with_a_dash():
    from antrean.auth import new_token

    assert not any(new_token().startswith("-") for _ in range(2000))


def test_join_writes_the_token_and_hub_key_into_the_device_config(hub_process, tmp_path):
    import shutil
    import tomllib

    from counter.config import CounterConfig

    cfg = tmp_path / "counter.toml"
    shutil.copy(Path(__file__).parents[2] / "packaging/config/counter.toml", cfg)
    cfg.chmod(0o640)
    code = httpx.post(f"{hub_process.url}{API}/pair/codes",
                      headers=hub_process.headers("lead")).json()["code"]
    res = run("join", "--code", code, "--role", "counter", "--name", "Loket 4",
              "--hub", hub_process.url, "--config", str(cfg))
    assert 'token = "' not in res.stdout  # written, not printed
    text = cfg.read_text()
    hub = CounterConfig.model_validate(tomllib.loads(text)).hub
    assert hub.fingerprint == hub_process.fingerprint and hub.token
    assert "# empty: find the post's hub by mDNS" in text  # the rest of the file is kept
    assert (cfg.stat().st_mode & 0o777) == 0o640
    r = httpx.post(f"{hub_process.url}{API}/counters/4/pause",
                   headers={"Authorization": f"Bearer {hub.token}"})
    assert r.status_code == 200


def test_join_config_edits_only_the_hub_table(tmp_path):
    import tomllib

    from antrean.joinconfig import write_hub_keys

    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[printer]\nspec = "fake"\n\n[screen]\nsize = "800x480"\n')
    write_hub_keys(cfg, {"token": "abc", "fingerprint": "ef" * 32})
    data = tomllib.loads(cfg.read_text())
    assert data["hub"] == {"token": "abc", "fingerprint": "ef" * 32}
    assert data["printer"] == {"spec": "fake"} and data["screen"] == {"size": "800x480"}
    assert (cfg.stat().st_mode & 0o777) == 0o644  # the file's own mode is kept
    write_hub_keys(cfg, {"token": "def"})  # a second pairing replaces, never duplicates
    assert tomllib.loads(cfg.read_text())["hub"]["token"] == "def"
    fresh = tmp_path / "new.toml"
    write_hub_keys(fresh, {"token": "x"})
    assert (fresh.stat().st_mode & 0o777) == 0o600  # it holds a token
