"""``make city`` (``antrean city demo``) as a newcomer runs it, in a short mode: a throwaway
PostgreSQL, the city server, three real hubs over two simulated days (one offline on the
first, one by USB bundle). The indicators it prints must be the city API's own; Ctrl+C,
whenever it comes, stops everything and removes the cluster."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from city.demo_output import ikm, minutes, num, period

SHORT = ["--days", "2", "--speed", "5000", "--residents", "30", "--port", "0"]
MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


class Demo:
    """The demo in its own process, its stdout read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "antrean", "city", "demo", *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in ln for ln in self.lines):
            assert self.proc.poll() is None or any(text in ln for ln in self.lines), \
                "\n".join(self.lines) + self.proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.1)

    def interrupt(self, timeout: float = 90) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        rc = self.proc.wait(timeout)
        self._reader.join(10)
        return rc, self.proc.stderr.read()  # type: ignore[union-attr]

    def find(self, pattern: str) -> re.Match[str]:
        for ln in self.lines:
            m = re.search(pattern, ln)
            if m:
                return m
        raise AssertionError(f"{pattern!r} not in:\n" + "\n".join(self.lines))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def demo():
    procs: list[Demo] = []

    def start(*args: str) -> Demo:
        procs.append(Demo(*args))
        return procs[-1]

    yield start
    for d in procs:
        d.kill()


def _summary(lines: list[str]) -> dict[str, str]:
    """The "== … ==" block: label → value (two spaces or more between them)."""
    start = next(i for i, ln in enumerate(lines) if ln.startswith("== "))
    out = {}
    for ln in lines[start + 2:]:
        if not ln.strip():
            break
        label, value = re.split(r"\s{2,}", ln.strip(), maxsplit=1)
        out[label] = value
    return out


def _rows(lines: list[str], heading: str) -> list[list[str]]:
    start = next(i for i, ln in enumerate(lines) if ln.startswith(heading))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.strip():
            break
        rows.append(re.split(r"\s{2,}", ln.strip()))
    return rows


def test_make_city_is_one_command_and_runs_this_demo():
    text = MAKEFILE.read_text()
    assert re.search(r"^city: setup\n\t\$\(VENV\)/bin/antrean city demo\b", text, re.M)
    assert "city" in re.search(r"^\.PHONY:.*$", text, re.M).group(0)  # type: ignore[union-attr]


def test_the_demo_prints_the_citys_own_indicators_and_ctrl_c_removes_it_all(demo):
    d = demo(*SHORT)
    d.wait_for("Tekan Ctrl+C")
    pg_root = Path(d.find(r"PostgreSQL sementara: (\S+) \(port (\d+)\)")[1])
    assert pg_root.exists()
    link = d.find(r"Dasbor kota \(petugas\):\s+(http://127\.0\.0\.1:(\d+))/city#token=([\w-]+)"
                  r"&from=([\d-]+)&to=([\d-]+)")
    base, port, token, frm, to = link[1], int(link[2]), link[3], link[4], link[5]
    api = httpx.Client(base_url=f"{base}/city/v1", timeout=30,
                       headers={"Authorization": f"Bearer {token}"})
    rep = api.get("/report", params={"from": frm, "to": to}).json()
    trend = api.get("/trend", params={"from": frm, "to": to}).json()
    posts = {p["post"]: p for p in api.get("/posts").json()}
    c = rep["city"]
    # what the demo promised: two days, three posts reporting, each by its own way
    assert len(trend["days"]) == 2 and c["posts_active"] == 3 and c["post_days"] == 6
    assert posts["pos-dompak"]["via"] == "uplink" and posts["pos-air-raja"]["via"] == "uplink"
    assert posts["pos-kampung-bugis"]["via"] == "bundle"
    assert posts["pos-penyengat"]["last_heard_at"] is None and posts["pos-penyengat"]["silent"]
    assert c["satisfaction"]["count"] > 0 and c["complaints"]["count"] > 0
    assert c["skm"]["respondents"] > 0
    # the printed indicators are the API's
    title = f"{rep['city_name']} — {period(date.fromisoformat(frm), date.fromisoformat(to))}"
    assert d.find(r"^== (.+) ==$")[1] == f"{title} (2 hari)"
    s = _summary(d.lines)
    want = {"Warga terlayani": num(c["served"]), "Nomor diambil": num(c["issued"]),
            "Tidak hadir": num(c["no_show"]), "Pos aktif": "3", "Hari-pos beroperasi": "6",
            "Rata-rata tunggu": minutes(c["wait"]["avg_s"]),
            "Median tunggu": minutes(c["wait"]["median_s"]),
            "P90 tunggu": minutes(c["wait"]["p90_s"]),
            "Rata-rata tunggu prioritas": minutes(c["wait_priority"]["avg_s"]),
            "Rata-rata tunggu reguler": minutes(c["wait_regular"]["avg_s"]),
            "Kepuasan rata-rata (1–4)": f"{c['satisfaction']['avg']:.2f}".replace(".", ","),
            "Penilaian kepuasan": num(c["satisfaction"]["count"]),
            "IKM (SKM, 25–100)": ikm(c["skm"]),
            "Responden SKM": num(c["skm"]["respondents"]),
            "Pengaduan": num(c["complaints"]["count"]),
            "Biaya per warga terlayani": f"Rp {num(c['cost']['per_served'])}"}
    assert s == want
    by_post = {r[0]: r for r in _rows(d.lines, "Per pos")}
    assert set(by_post) == {p["name"] for p in rep["posts"]}
    for p in rep["posts"]:
        row = by_post[p["name"]]
        assert row[2:6] == [num(p["post_days"]), num(p["served"]), minutes(p["wait"]["avg_s"]),
                            minutes(p["wait"]["p90_s"])], p["post"]
        assert row[7] == ikm(p["skm"]) != "–", p["post"]  # residents answered the SKM survey
    assert by_post["Pos Kelurahan Air Raja"][1] == "jaringan*"
    assert by_post["Pos Kelurahan Kampung Bugis"][1] == "USB"
    days = _rows(d.lines, "Per hari")
    assert [r[2] for r in days] == [num(x["served"]) for x in trend["days"]]
    # the offline post's first day waited for the link; the USB post's second bundle was
    # whole again, and what the city already held was skipped
    day1 = d.lines.index(next(ln for ln in d.lines if ln.startswith("Hari 1 dari 2")))
    assert "peristiwa menunggu jaringan" in \
        next(ln for ln in d.lines[day1:] if "Air Raja" in ln and "nomor" in ln)
    usb = [ln for ln in d.lines if ln.startswith("  USB:")]
    assert len(usb) == 2 and ", 0 sudah ada" in usb[0] and ", 0 sudah ada" not in usb[1]
    # Ctrl+C: everything stops, the cluster is removed
    rc, err = d.interrupt()
    assert rc == 0, err
    assert "Traceback" not in err and "Traceback" not in "\n".join(d.lines)
    assert d.lines[-1].startswith("Demo kota selesai")
    assert not pg_root.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/city/v1/health", timeout=2)


def test_ctrl_c_during_the_simulated_days_stops_and_cleans_up(demo):
    d = demo(*SHORT)
    d.wait_for("Hari 1 dari 2")
    pg_root = Path(d.find(r"PostgreSQL sementara: (\S+) \(port")[1])
    port = int(d.find(r"Server kota: http://127\.0\.0\.1:(\d+)")[1])
    time.sleep(1.0)  # in the middle of the first post's day
    rc, err = d.interrupt()
    assert rc == 0, err
    assert "Traceback" not in err, err
    assert d.lines[-1].startswith("Demo kota selesai")
    assert not pg_root.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/city/v1/health", timeout=2)


def test_bad_arguments_are_refused_in_words(demo):
    for args in (["--days", "1"], ["--speed", "1"], ["--port", "70000"]):
        res = subprocess.run([sys.executable, "-m", "antrean", "city", "demo", *args],
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 2, args
        lines = [ln for ln in res.stderr.splitlines() if ln.startswith("antrean city:")]
        assert len(lines) == 2 and "Traceback" not in res.stderr, res.stderr

