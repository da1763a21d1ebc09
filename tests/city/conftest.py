"""Fixtures for the city tests: a real PostgreSQL cluster of their own, real servers.

Why a cluster per session and a database per test: initdb takes seconds, a database a
fraction of one; each test starts from an empty city. The cluster runs on a free loopback
port as an unprivileged user (PostgreSQL refuses root), never the machine's default
cluster, and is removed after the session.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cityproc import CityProcess  # noqa: E402

from city.pgcluster import FAST, PgCluster  # noqa: E402


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL for the whole session (fsync off: nothing to keep)."""
    cluster = PgCluster(settings={**FAST, "max_connections": "200"}).start(create_db=False)
    try:
        yield cluster
    finally:
        cluster.drop()


@pytest.fixture
def city_db(pg: PgCluster) -> Iterator[str]:
    """A fresh, empty database for one test; dropped after it."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    try:
        yield pg.url_for(name)
    finally:
        with psycopg.connect(pg.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def city(city_db: str, tmp_path: Path) -> Iterator[CityProcess]:
    """A real city server process on that database."""
    proc = CityProcess(city_db, tmp_path).start()
    try:
        yield proc
    finally:
        proc.stop()
