"""The hub database's own instance UUID (migration 0002): what the city keys a hub by."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import antrean.storage as storage_mod
from antrean.storage import DB_FILENAME, Storage


def test_instance_is_a_uuid_that_stays_with_the_database(tmp_path):
    st = Storage(tmp_path / "a")
    first = st.instance()
    st.close()
    assert uuid.UUID(first)
    st = Storage(tmp_path / "a")  # reopened (and migrated again): the same database
    try:
        assert st.instance() == first
    finally:
        st.close()


def test_a_new_database_is_a_new_instance(tmp_path):
    a, b = Storage(tmp_path / "a"), Storage(tmp_path / "b")
    try:
        assert a.instance() != b.instance()
    finally:
        a.close()
        b.close()


def test_a_database_from_before_the_migration_gets_an_instance(tmp_path):
    """A post upgraded in the field keeps its log and gains an identity."""
    (tmp_path / "old").mkdir()
    engine = create_engine(f"sqlite:///{tmp_path / 'old' / DB_FILENAME}")
    cfg = Config()
    cfg.set_main_option("script_location",
                        str(Path(storage_mod.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO events (type, at, day, data) VALUES "
                          "('service.changed', '2026-11-24T01:00:00+00:00', '2026-11-24', '{}')"))
    engine.dispose()
    st = Storage(tmp_path / "old")
    try:
        assert uuid.UUID(st.instance())
        assert st.last_seq() == 1
    finally:
        st.close()


def test_meta_values_are_replaced_not_added(tmp_path):
    st = Storage(tmp_path / "a")
    try:
        assert st.meta_value("city_acked_seq") is None
        st.set_meta("city_acked_seq", "5")
        st.set_meta("city_acked_seq", "9")
        assert st.meta_value("city_acked_seq") == "9"
    finally:
        st.close()
