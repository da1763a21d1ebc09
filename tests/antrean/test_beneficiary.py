"""Duplicate recipients at one post: the NIK's structure, the programme key, the check and
the outcome through a real hub, the purge, and a grep for the typed NIK everywhere the post
keeps anything (issue 16)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from hubproc import HubProcess, bansos_config, write_post_config

from antrean.beneficiary import ProgrammeKeys, check_nik, nik_hash
from antrean.config import ConfigError, load_post_config, parse_post_config

#: Made-up NIKs of valid structure: Jakarta Pusat (31 71 01), born 15-08-1985, a man and
#: a woman (day + 40).
NIK_A = "3171011508850001"
NIK_B = "3171015508850002"


# ----- the NIK's structure -----------------------------------------------------------------
@pytest.mark.parametrize("nik", [NIK_A, NIK_B, "1101010101000001", "3171012902000001",
                                 "9201016912990123"])
def test_a_nik_of_valid_structure_passes(nik):
    assert check_nik(nik) is None


@pytest.mark.parametrize(("nik", "code"), [
    ("317101150885000", "nik_length"),
    ("31710115088500011", "nik_length"),
    ("31710115088500O1", "nik_not_digits"),
    ("３１７１０１１５０８８５０００１", "nik_not_digits"),  # full-width digits
    ("0071011508850001", "nik_region"),
    ("3100011508850001", "nik_region"),
    ("3171001508850001", "nik_region"),
    ("3171013208850001", "nik_birth_date"),  # day 32
    ("3171017208850001", "nik_birth_date"),  # a woman's day 32 (72 - 40)
    ("3171011513850001", "nik_birth_date"),  # month 13
    ("3171013002850001", "nik_birth_date"),  # 30 February
    ("3171012902850001", "nik_birth_date"),  # 29 February of a common year
    ("3171011508850000", "nik_serial"),
])
def test_a_mistyped_nik_is_refused_without_repeating_it(nik, code):
    problem = check_nik(nik)
    assert problem is not None and problem.code == code
    assert nik not in problem.message and nik not in problem.message_en
    assert "NIK" in problem.message


# ----- the programme key -------------------------------------------------------------------
def test_a_post_without_a_city_makes_a_random_key_once_readable_by_itself_only(tmp_path):
    keys = ProgrammeKeys(tmp_path, city=False)
    key = keys.get("bansos-2026")
    assert key is not None and len(key) == 32
    path = tmp_path / "beneficiary-keys" / "bansos-2026.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert ProgrammeKeys(tmp_path, city=False).get("bansos-2026") == key  # kept, not re-made
    other = ProgrammeKeys(tmp_path / "other", city=False)
    (tmp_path / "other").mkdir()
    assert other.get("bansos-2026") != key  # random, not a constant
    assert nik_hash(key, NIK_A) != nik_hash(other.get("bansos-2026") or b"", NIK_A)


def test_a_post_with_a_city_waits_for_the_citys_key(tmp_path):
    keys = ProgrammeKeys(tmp_path, city=True)
    assert keys.get("bansos-2026") is None
    assert not (tmp_path / "beneficiary-keys").exists()
    city_key = bytes(range(32))
    assert keys.set_from_city("bansos-2026", city_key) is True
    assert keys.set_from_city("bansos-2026", city_key) is False
    assert ProgrammeKeys(tmp_path, city=True).get("bansos-2026") == city_key


# ----- config ------------------------------------------------------------------------------
def test_the_example_post_checks_bansos_2026():
    cfg = load_post_config()
    svc = cfg.programmes()["bansos-2026"]
    assert svc.id == "bansos" and svc.name == "Bantuan Sosial"
    assert (svc.programme_start, svc.programme_end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_checked_service_needs_its_programme_and_period(tmp_path):
    text = write_post_config(tmp_path / "p.toml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="beneficiary_check needs programme"):
        parse_post_config(text.replace('programme = "bansos-2026"\n', ""))
    with pytest.raises(ConfigError, match="programme_end is before"):
        parse_post_config(text.replace("programme_end = 2026-12-31", "programme_end = 2025-12-31"))


# ----- through a real hub ------------------------------------------------------------------
@pytest.fixture
def bansos_hub(tmp_path):
    hub = HubProcess(tmp_path / "hub", config=bansos_config(tmp_path / "post.toml"))
    hub.make_tokens()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def _serve_bansos(hub: HubProcess, n: int) -> dict:
    """Issue a Bantuan Sosial ticket and call it to counter ``n``: the resident at the desk."""
    kiosk = hub.headers("kiosk")
    import uuid

    t = httpx.post(f"{hub.url}/api/v1/tickets", headers=kiosk,
                   json={"service": "bansos", "request_id": str(uuid.uuid4())}).json()
    called = httpx.post(f"{hub.url}/api/v1/counters/{n}/next", headers=hub.counter_headers(n),
                        json={"services": ["bansos"]})
    assert called.status_code == 200 and called.json()["id"] == t["id"]
    return t


def _post(hub, path, role_headers, body):
    return httpx.post(f"{hub.url}/api/v1{path}", headers=role_headers, json=body)


def test_the_check_within_a_post(bansos_hub):
    hub = bansos_hub
    c1, c2 = hub.counter_headers(1), hub.counter_headers(2)
    check = {"programme": "bansos-2026", "nik": NIK_A}
    r = _post(hub, "/beneficiaries/check", c1, check)
    assert r.status_code == 200 and r.json() == {"recorded": False}

    t1 = _serve_bansos(hub, 1)
    r = _post(hub, "/beneficiaries", c1, {**check, "ticket": t1["id"], "outcome": "given"})
    assert r.status_code == 201, r.text
    assert r.json()["duplicate"] is False
    # the same outcome sent again (a retry) is not a second record
    r = _post(hub, "/beneficiaries", c1, {**check, "ticket": t1["id"], "outcome": "given"})
    assert r.status_code == 200
    r = _post(hub, "/beneficiaries", c1, {**check, "ticket": t1["id"], "outcome": "refused"})
    assert r.status_code == 409 and r.json()["error"] == "already_recorded"

    # the same resident at counter 2 later: the hub says where and when
    t2 = _serve_bansos(hub, 2)
    r = _post(hub, "/beneficiaries/check", c2, check)
    found = r.json()
    assert found["recorded"] is True
    assert found["counter"] == 1 and found["day"] == date.today().isoformat()
    assert found["post"] == "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"
    r = _post(hub, "/beneficiaries", c2, {**check, "ticket": t2["id"], "outcome": "refused"})
    assert r.status_code == 201 and r.json()["duplicate"] is True
    # another resident is still not recorded
    assert _post(hub, "/beneficiaries/check", c2,
                 {"programme": "bansos-2026", "nik": NIK_B}).json() == {"recorded": False}

    stats = httpx.get(f"{hub.url}/api/v1/beneficiaries/stats").json()  # no token: counts only
    (p,) = stats["programmes"]
    assert p["programme"] == "bansos-2026"
    assert p["today"] == {"given": 1, "refused": 1} == p["total"]
    assert "hash" not in str(stats)


def test_who_was_flagged_is_for_leads_only(bansos_hub):
    hub = bansos_hub
    check = {"programme": "bansos-2026", "nik": NIK_A}
    for n in (1, 2):  # two clerks both decide to give (the decision stays human)
        t = _serve_bansos(hub, n)
        assert _post(hub, "/beneficiaries", hub.counter_headers(n),
                     {**check, "ticket": t["id"], "outcome": "given"}).status_code == 201
    url = f"{hub.url}/api/v1/beneficiaries/flagged"
    for role in ("counter", "kiosk", "display", "survey"):
        assert httpx.get(url, params={"programme": "bansos-2026"},
                         headers=hub.headers(role)).status_code == 403
    assert httpx.get(url, params={"programme": "bansos-2026"}).status_code == 401
    flagged = httpx.get(url, params={"programme": "bansos-2026"},
                        headers=hub.headers("lead")).json()["flagged"]
    assert len(flagged) == 1 and [g["counter"] for g in flagged[0]["given"]] == [1, 2]
    _dashboard_shows_counts_and_the_lead_the_flagged(hub, flagged[0]["hash"])
    # the event stream: leads read the outcome events; a counter's and the hall's have none
    from antrean.visibility import event_for

    ev = {"type": "beneficiary.recorded", "data": {"hash": "x"}}
    assert event_for("lead", ev) == ev
    assert all(event_for(r, ev) is None for r in ("counter", "kiosk", "display", None))


def _dashboard_shows_counts_and_the_lead_the_flagged(hub: HubProcess, short: str) -> None:
    from dashboard_browser import CHROMIUM, SCREENS, chromium, parse

    if CHROMIUM is None:  # CI installs it (scripts/setup.sh)
        return
    public = parse(chromium(f"{hub.url}/dashboard", size=(1366, 2200)))
    row = public.by_id("bansos-table").find("tr", **{"data-programme": "bansos-2026"})
    assert [c.text for c in row.children if getattr(c, "tag", "") in ("th", "td")] == \
        ["bansos-2026", "2", "0", "2", "0"]
    assert short not in public.text
    lead = chromium(f"{hub.url}/dashboard#token={hub.tokens['lead']}", size=(1366, 2600),
                    screenshot=SCREENS / "dashboard-bansos-lead.png")
    item = parse(lead).find("li", **{"data-hash": short})
    assert "loket 1" in item.text and "loket 2" in item.text


@pytest.mark.parametrize(("nik", "code"), [("1234", "nik_length"),
                                           ("3171013208850001", "nik_birth_date"),
                                           ("3171011508850000", "nik_serial")])
def test_a_mistyped_nik_gets_a_clear_422(bansos_hub, nik, code):
    r = _post(bansos_hub, "/beneficiaries/check", bansos_hub.counter_headers(1),
              {"programme": "bansos-2026", "nik": nik})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == code and "NIK" in body["message"] and body["message_en"]
    assert nik not in r.text


def test_the_check_refuses_what_it_should(bansos_hub):
    hub = bansos_hub
    c1 = hub.counter_headers(1)
    r = _post(hub, "/beneficiaries/check", c1, {"programme": "pkh-2026", "nik": NIK_A})
    assert r.status_code == 404 and r.json()["error"] == "unknown_programme"
    r = _post(hub, "/beneficiaries/check", hub.headers("kiosk"),
              {"programme": "bansos-2026", "nik": NIK_A})
    assert r.status_code == 403
    r = _post(hub, "/beneficiaries/check", c1, {"programme": "bansos-2026", "nik": "1" * 40})
    assert r.status_code == 422 and "1" * 40 not in r.text
    # a resident of another service cannot be recorded under the programme
    import uuid

    t = httpx.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                   json={"service": "adminduk", "request_id": str(uuid.uuid4())}).json()
    r = _post(hub, "/beneficiaries", c1, {"programme": "bansos-2026", "nik": NIK_A,
                                          "ticket": t["id"], "outcome": "given"})
    assert r.status_code == 409 and r.json()["error"] == "wrong_programme"


def test_outside_the_programme_period_the_check_says_so(tmp_path):
    today = date.today()
    cfg = bansos_config(tmp_path / "post.toml", start=today - timedelta(days=60),
                        end=today - timedelta(days=1))
    hub = HubProcess(tmp_path / "hub", config=cfg)
    hub.make_tokens()
    hub.start()
    try:
        r = _post(hub, "/beneficiaries/check", hub.counter_headers(1),
                  {"programme": "bansos-2026", "nik": NIK_A})
        assert r.status_code == 409 and r.json()["error"] == "programme_closed"
    finally:
        hub.stop()


# ----- what is kept: the typed NIK nowhere, then the purge ---------------------------------
def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_typed_nik_is_nowhere_and_the_purge_removes_its_hash(tmp_path):
    today = date.today()
    cfg_path = bansos_config(tmp_path / "post.toml", start=today - timedelta(days=10),
                             end=today, retention=3)
    hub = HubProcess(tmp_path / "hub", config=cfg_path, args=("--debug",))
    hub.make_tokens()
    hub.start()
    try:
        c1 = hub.counter_headers(1)
        t = _serve_bansos(hub, 1)
        assert _post(hub, "/beneficiaries", c1, {"programme": "bansos-2026", "nik": NIK_A,
                                                 "ticket": t["id"], "outcome": "given"}
                     ).status_code == 201
        _post(hub, "/beneficiaries/check", c1, {"programme": "bansos-2026", "nik": NIK_A})
        _post(hub, "/beneficiaries/check", c1, {"programme": "bansos-2026", "nik": NIK_B[:-1]})
        events = httpx.get(f"{hub.url}/api/v1/log", headers=hub.headers("lead")).text
        assert NIK_A not in events
        with open(f"/proc/{hub.proc.pid}/cmdline", "rb") as f:
            assert NIK_A.encode() not in f.read()
        digest = _kept_hash(hub.data_dir)
    finally:
        hub.kill()  # no checkpoint at exit: the WAL is grepped as a crash leaves it
    assert {"antrean.db", "antrean.db-wal", "hub.log"} <= {p.name for p in
                                                           _files_under(hub.data_dir)}
    _assert_nowhere(_files_under(hub.data_dir), (NIK_A, NIK_B[:-1]))
    out = tmp_path / "out"
    out.mkdir()
    for args in (("--out", str(out / "log.csv")), ("--out", str(out / "log.xlsx")),
                 ("--bundle", "--out", str(out / "bundle.antrean"))):
        r = _cli("export", "--data", str(hub.data_dir), "--config", str(cfg_path), *args)
        assert r.returncode == 0, r.stderr
    kept = _files_under(hub.data_dir) + _files_under(out)
    assert {p.name for p in kept} >= {"log.csv", "log.xlsx", "bundle.antrean"}
    _assert_nowhere(kept, (NIK_A, NIK_B[:-1]))
    assert any(digest.encode() in p.read_bytes() for p in kept)  # the hash is what is kept

    # the purge: not before the period's end + retention, then the hash is gone
    before = _cli("purge", "--data", str(hub.data_dir), "--config", str(cfg_path),
                  "--date", str(today + timedelta(days=3)))
    assert before.returncode == 0 and "purged from" in before.stdout
    assert _kept_hash(hub.data_dir) == digest
    r = _cli("purge", "--data", str(hub.data_dir), "--config", str(cfg_path),
             "--date", str(today + timedelta(days=4)))
    assert r.returncode == 0, r.stderr
    assert "1 hash dihapus" in r.stdout
    for p in _files_under(hub.data_dir):
        assert digest.encode() not in p.read_bytes(), p
    from antrean.storage import Storage

    st = Storage(hub.data_dir)
    try:
        rows = st.conn.exec_driver_sql(
            "SELECT type, data FROM events WHERE type LIKE 'beneficiary.%' ORDER BY seq").all()
    finally:
        st.close()
    assert [t for t, _ in rows] == ["beneficiary.recorded", "beneficiary.purged"]
    assert '"purged":true' in rows[0][1] and '"removed":1' in rows[1][1]
    again = _cli("purge", "--data", str(hub.data_dir), "--config", str(cfg_path),
                 "--date", str(today + timedelta(days=5)))
    assert again.returncode == 0
    st = Storage(hub.data_dir)
    try:
        assert st.conn.exec_driver_sql("SELECT count(*) FROM events WHERE type = "
                                       "'beneficiary.purged'").scalar_one() == 1
    finally:
        st.close()


def _assert_nowhere(files: list[Path], niks: tuple[str, ...]) -> None:
    for p in files:
        data = p.read_bytes()
        for nik in niks:
            assert nik.encode() not in data, p
            assert nik.encode("utf-16-le") not in data, p


def _kept_hash(data_dir: Path) -> str:
    from antrean.beneficiary_store import local_hashes
    from antrean.storage import Storage

    st = Storage(data_dir, migrate=False)
    try:
        (digest,) = local_hashes(st.conn, "bansos-2026")
    finally:
        st.close()
    assert len(digest) == 64 and os.path.basename(digest) == digest
    return digest


def test_the_hub_purges_by_itself_once_the_retention_is_over(tmp_path):
    """Nobody has to remember ``antrean purge``: the hub runs it at start and hourly."""
    today = date.today()
    live = bansos_config(tmp_path / "live.toml", start=today - timedelta(days=10), end=today)
    hub = HubProcess(tmp_path / "hub", config=live)
    hub.make_tokens()
    hub.start()
    try:
        t = _serve_bansos(hub, 1)
        assert _post(hub, "/beneficiaries", hub.counter_headers(1),
                     {"programme": "bansos-2026", "nik": NIK_A, "ticket": t["id"],
                      "outcome": "given"}).status_code == 201
    finally:
        hub.stop()
    digest = _kept_hash(hub.data_dir)
    # the same post, its programme now ended more than its retention ago
    hub.config = bansos_config(tmp_path / "ended.toml", start=today - timedelta(days=40),
                               end=today - timedelta(days=5), retention=3)
    hub.start()
    try:
        from antrean.storage import Storage

        def purged() -> bool:
            st = Storage(hub.data_dir, migrate=False)
            try:
                return st.conn.exec_driver_sql(
                    "SELECT count(*) FROM events WHERE type = 'beneficiary.purged'"
                ).scalar_one() == 1
            finally:
                st.close()

        import time

        deadline = time.monotonic() + 30
        while not purged():
            assert time.monotonic() < deadline, "the hub did not purge"
            time.sleep(0.1)
        r = _post(hub, "/beneficiaries/check", hub.counter_headers(1),
                  {"programme": "bansos-2026", "nik": NIK_A})
        assert r.status_code == 409 and r.json()["error"] == "programme_closed"
    finally:
        hub.stop()
    for p in _files_under(hub.data_dir):
        assert digest.encode() not in p.read_bytes(), p
