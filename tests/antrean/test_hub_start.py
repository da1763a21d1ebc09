"""What a hub's start does not do: the trims behind a cold start under 1.5 s (issue 14).

The start-up time itself is measured by bench/coldstart.py (no timed assertions here);
these tests hold the reasons it is short: a database already at the newest migration is
opened without Alembic, a hub with no city never loads httpx, the day is replayed once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

import antrean.storage as storage_mod
from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.hub import Hub
from antrean.model import EventType
from antrean.storage import Storage, head_revision

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 WIB


def _alembic_heads() -> list[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage_mod.__file__).parent / "migrations"))
    return list(ScriptDirectory.from_config(cfg).get_heads())


def test_the_head_read_from_the_files_is_alembics_head():
    assert [head_revision()] == _alembic_heads()


def _modules_after(code: str) -> set[str]:
    """Top-level modules a fresh interpreter holds after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys\n"
         "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
        capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_a_hub_starting_on_its_database_loads_neither_alembic_nor_httpx(tmp_path):
    Storage(tmp_path).close()  # made and migrated once, as at the post's first start
    loaded = _modules_after(
        "from antrean.config import load_post_config\n"
        "from antrean.runner import build_server\n"
        f"server, hub = build_server(load_post_config(), {str(tmp_path)!r}, '127.0.0.1', 0,"
        " advertise=False)\n"
        "hub.close()")
    assert "sqlalchemy" in loaded and "fastapi" in loaded  # it did build the hub
    assert "alembic" not in loaded, "a database at head needs no migration tooling"
    assert "httpx" not in loaded, "no [city] url: nothing to send, no HTTP client"


def test_a_database_behind_the_head_is_still_migrated(tmp_path):
    st = Storage(tmp_path)
    with st.engine.begin() as c:  # as a database written by the previous release
        c.execute(text("UPDATE alembic_version SET version_num = '0002'"))
        c.execute(text("DROP TABLE counter_claims"))
        c.execute(text("ALTER TABLE devices DROP COLUMN last_seen_at"))
        c.execute(text("DROP TABLE reserved_numbers"))  # 0004's, a later release's too
        c.execute(text("DROP TABLE beneficiaries"))  # 0005's
    st.close()
    st = Storage(tmp_path)
    try:
        with st.engine.connect() as c:
            version = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == head_revision() == _alembic_heads()[0]
        assert st.counter_claims() == {}
    finally:
        st.close()


def test_a_start_reads_the_day_once(tmp_path, monkeypatch):
    """The first day of a post's database: nothing to close before it, so no second replay."""
    clock = FixedClock(NOW)
    hub = Hub(load_post_config(), tmp_path, clock)
    for _ in range(3):
        hub.issue("adminduk", None, str(uuid.uuid4()))
    hub.close()
    reads: list[dict[str, object]] = []
    real = Storage.load_events

    def spy(self: Storage, **kw: object) -> list:
        reads.append(kw)
        return real(self, **kw)

    monkeypatch.setattr(Storage, "load_events", spy)
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        assert reads == [{"day": "2026-12-07"}]
        assert hub.state.waiting_count("adminduk") == 3
    finally:
        hub.close()


def test_an_earlier_day_with_tickets_is_still_closed_at_start(tmp_path):
    clock = FixedClock(NOW)
    hub = Hub(load_post_config(), tmp_path, clock)
    left = hub.issue("adminduk", None, str(uuid.uuid4()))[0]
    hub.close()
    clock.advance(days=1)
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        kinds = [e.type for e in hub.storage.load_events(day="2026-12-07")]
        assert kinds == [EventType.TICKET_ISSUED, EventType.TICKET_CANCELLED,
                         EventType.DAY_CLOSED]
        assert hub.storage.issued_between(None, "2026-12-07")
        assert not hub.storage.issued_between("2026-12-07", "2026-12-08")
        assert hub.ticket(left["id"]) is None  # yesterday is not in today's queue
    finally:
        hub.close()


def test_events_read_back_in_order_and_an_unknown_type_is_skipped(tmp_path, caplog):
    clock = FixedClock(NOW)
    hub = Hub(load_post_config(), tmp_path, clock)
    try:
        first = hub.issue("adminduk", "elderly", str(uuid.uuid4()))[0]
        with hub.storage.engine.begin() as c:  # a newer hub's event this one does not know
            c.execute(text("INSERT INTO events (type, at, day, data) VALUES "
                           "('ticket.teleported', :at, '2026-12-07', '{\"x\": [1, 2]}')"),
                      {"at": NOW.isoformat()})
        hub.issue("kesehatan", None, str(uuid.uuid4()))
        got = hub.storage.load_events(day="2026-12-07")
        assert [e.seq for e in got] == [1, 3]
        assert got[0].data["number"] == first["number"] and got[0].at == NOW
        assert got[0].data["priority"] == "elderly" and got[1].data["service"] == "kesehatan"
        assert "ticket.teleported" in caplog.text
        assert [e.seq for e in hub.storage.load_events(since=2, limit=1)] == [3]
    finally:
        hub.close()
