"""The city's PostgreSQL: URL checks, Alembic migrations at start, the connection pool, and
database failures put into words a city's IT officer can act on (Indonesian, English).

Migrations run through SQLAlchemy (Alembic needs it) on a one-off connection; everything
else goes through a psycopg 3 connection pool, raw SQL and COPY, for speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

__all__ = ["CityDbError", "check_url", "redact", "migrate", "open_pool", "explain",
           "MIGRATION_LOCK"]

#: pg_advisory_lock key held while migrating: the server and ``antrean city token`` may start
#: together, and only one of them may create the tables.
MIGRATION_LOCK = 0x616E7472  # "antr"


class CityDbError(Exception):
    """The city's database cannot be used; ``message`` (Indonesian) says what to do."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message} / {self.message_en}"


def redact(url: str) -> str:
    """The URL with its password hidden, fit for a log line or an error message."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<URL basis data / database URL>"


def check_url(url: str) -> str:
    """Refuse anything but a ``postgresql://`` URL, before trying to connect."""
    from sqlalchemy.engine import make_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise CityDbError(
            f"Alamat basis data harus berbentuk postgresql://pengguna@host:port/nama, "
            f"bukan {scheme or url[:20]!r}.",
            "The database URL must look like postgresql://user@host:port/name.")
    try:
        make_url(url.replace("postgres://", "postgresql://", 1))
    except Exception as exc:
        raise CityDbError(f"Alamat basis data tidak valid: {exc}",
                          f"Invalid database URL: {exc}") from exc
    return url


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def explain(exc: BaseException, url: str) -> CityDbError:
    """A psycopg/SQLAlchemy failure to connect or query, as a :class:`CityDbError`."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    where = redact(url)
    low = text.lower()
    if "connection refused" in low or "could not connect" in low or "no such file" in low:
        return CityDbError(
            f"Basis data kota tidak dapat dihubungi ({where}). Apakah PostgreSQL berjalan "
            "dan alamat serta port-nya benar?",
            f"Cannot reach the city database ({where}). Is PostgreSQL running, and are its "
            "host and port right?")
    if "does not exist" in low and "database" in low:
        return CityDbError(f"Basis data tidak ada ({where}). Buat dulu: createdb NAMA.",
                           f"The database does not exist ({where}). Create it: createdb NAME.")
    if "authentication failed" in low or "password" in low or "role" in low:
        return CityDbError(f"PostgreSQL menolak pengguna atau kata sandi ({where}).",
                           f"PostgreSQL refused the user or password ({where}).")
    if "translate host name" in low or "name or service not known" in low:
        return CityDbError(f"Nama host basis data tidak dikenal ({where}).",
                           f"Unknown database host name ({where}).")
    if "timeout" in low or "timed out" in low:
        return CityDbError(f"Basis data kota tidak menjawab tepat waktu ({where}).",
                           f"The city database did not answer in time ({where}).")
    first = text.splitlines()[0] if text else type(exc).__name__
    return CityDbError(f"Basis data kota bermasalah ({where}): {first}",
                       f"City database error ({where}): {first}")


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def migrate(url: str) -> str:
    """Bring the schema to the newest revision; returns it. A database already at a
    revision this program does not know (made by a newer version) is refused untouched."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    check_url(url)
    sa_url = _libpq_url(url).replace("postgres://", "postgresql://", 1)
    sa_url = sa_url.replace("postgresql://", "postgresql+psycopg://", 1)
    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    engine = create_engine(sa_url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            if current is not None and not _known(script, current):
                raise CityDbError(
                    f"Basis data ini sudah dimigrasi oleh versi antrean city yang lebih baru "
                    f"(revisi {current!r}); versi ini hanya mengenal sampai "
                    f"{script.get_current_head()!r}. Pasang versi yang sama atau lebih baru; "
                    "tidak ada yang diubah.",
                    f"This database was migrated by a newer antrean city (revision {current!r}); "
                    f"this version knows up to {script.get_current_head()!r}. Install the same "
                    "or a newer version; nothing was changed.")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except CityDbError:
        raise
    except (SQLAlchemyError, psycopg.Error, OSError) as exc:
        raise explain(exc, url) from exc
    finally:
        engine.dispose()
    return str(script.get_current_head())


def _known(script: Any, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises its own resolution errors for an unknown id
        return False


def open_pool(url: str, *, min_size: int = 1, max_size: int = 6, timeout: float = 10.0) -> Any:
    """A psycopg connection pool, checked to connect now (so a bad URL fails at start)."""
    from psycopg_pool import ConnectionPool, PoolTimeout

    check_url(url)
    conninfo = _libpq_url(url).replace("postgres://", "postgresql://", 1)
    pool = ConnectionPool(conninfo, min_size=min_size, max_size=max_size, open=False,
                          timeout=timeout, kwargs={"connect_timeout": 10},
                          name="antrean-city")
    try:
        pool.open(wait=True, timeout=timeout)
    except PoolTimeout as exc:
        pool.close()
        try:  # one direct attempt, for libpq's own words about what is wrong
            psycopg.connect(conninfo, connect_timeout=5).close()
        except psycopg.Error as inner:
            raise explain(inner, url) from exc
        raise explain(exc, url) from exc
    return pool
