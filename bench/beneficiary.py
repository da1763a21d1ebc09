"""The duplicate-recipient check at 1 M recorded hashes: latency p50/p99 and the hub's RSS.

    .venv/bin/python bench/beneficiary.py [HASHES] [CHECKS]

A post database is filled with HASHES keyed NIK hashes of programme bansos-2026 (by
default 1,000,000: half this post's own outcomes, half other posts' as the city's downlink
sent them), then a real hub process answers CHECKS ``POST /beneficiaries/check`` over HTTP
from one counter, half for NIKs recorded and half for NIKs never seen. Also the lookup alone
(in this process, no HTTP) and the size of the database.

Floor (issue 16): p99 <= 20 ms at the hub.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from _common import HubProcess, rss_mb, summary

from antrean.beneficiary import ProgrammeKeys, nik_hash
from antrean.beneficiary_store import find_given
from antrean.storage import Storage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hubproc import bansos_config  # noqa: E402


def nik_for(i: int) -> str:
    """The i-th made-up NIK of valid structure (31 71 01, born 1950-1999, serial from i)."""
    day, month, year = 1 + i % 28, 1 + (i // 28) % 12, 50 + (i // 336) % 50
    return f"317101{day + 40 * (i % 2):02d}{month:02d}{year:02d}{1 + i // 16800 % 9999:04d}"


def fill(data: Path, n: int) -> list[str]:
    """``n`` hashes into the post's database; returns some of the recorded NIKs."""
    st = Storage(data)  # made and migrated, as the hub would
    st.close()
    key = ProgrammeKeys(data, city=False).get("bansos-2026")
    assert key is not None
    today = date.today()
    rows = []
    for i in range(n):
        local = i % 2 == 0
        rows.append(("bansos-2026", nik_hash(key, nik_for(i)), "given",
                     (today - timedelta(days=i % 300)).isoformat(),
                     "pos-contoh" if local else f"pos-{i % 50}", "Pos" if local else f"Pos {i % 50}",
                     1 + i % 4, f"tiket-{i}" if local else None, f"C{i % 999:03d}" if local else None,
                     "2026-01-01T00:00:00+00:00", "local" if local else "city"))
    db = sqlite3.connect(data / "antrean.db")
    with db:
        db.executemany(
            "INSERT INTO beneficiaries (programme, hash, outcome, day, post_id, post_name, "
            "counter, ticket_id, number, at, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.close()
    return [nik_for(i) for i in random.sample(range(n), 2000)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    checks = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "hub"
        data.mkdir()
        t0 = time.perf_counter()
        known = fill(data, n)
        size = (data / "antrean.db").stat().st_size / 1e6
        print(f"{n:,} hashes written in {time.perf_counter() - t0:.1f} s; database {size:.0f} MB")

        st = Storage(data, migrate=False)
        key = ProgrammeKeys(data, city=False).get("bansos-2026")
        assert key is not None
        lookups = []
        with st.engine.connect() as c:
            for nik in known[:1000]:
                s = time.perf_counter()
                assert find_given(c, "bansos-2026", nik_hash(key, nik)) is not None
                lookups.append((time.perf_counter() - s) * 1000)
        st.close()
        print(f"lookup alone (HMAC + indexed SELECT): {summary(lookups)}")

        hub = HubProcess(data, config=bansos_config(Path(tmp) / "post.toml"))
        hub.make_tokens()
        hub.start()
        try:
            url = f"{hub.url}/api/v1/beneficiaries/check"
            headers = hub.counter_headers(1)
            unseen = [f"3273{nik[4:]}" for nik in known]  # another regency: never recorded
            lat: list[float] = []
            with httpx.Client() as c:
                for nik in known[:50]:  # warm-up
                    c.post(url, json={"programme": "bansos-2026", "nik": nik}, headers=headers)
                for i in range(checks):
                    nik = known[i % len(known)] if i % 2 == 0 else unseen[i % len(unseen)]
                    s = time.perf_counter()
                    r = c.post(url, json={"programme": "bansos-2026", "nik": nik}, headers=headers)
                    lat.append((time.perf_counter() - s) * 1000)
                    assert r.status_code == 200 and r.json()["recorded"] == (i % 2 == 0), r.text
            print(f"check over HTTP, 1 counter: {summary(lat)}")
            print(f"hub RSS {rss_mb(hub.proc.pid):.0f} MB")  # type: ignore[union-attr]
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
