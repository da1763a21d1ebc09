"""A throwaway PostgreSQL cluster in a folder of its own: for tests, the bench and the demo.

``initdb`` + ``pg_ctl`` from the machine's PostgreSQL packages, on a free loopback port,
its socket in its own folder, never the machine's default cluster. PostgreSQL refuses to
run as root, so as root the cluster belongs to an unprivileged user (``nobody``) and its
commands run through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["PgCluster", "PgClusterError", "pg_bindir"]

#: Quick and disposable: a test cluster loses nothing worth keeping on a crash.
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class PgClusterError(RuntimeError):
    pass


def pg_bindir() -> Path:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    env = os.environ.get("ANTREAN_PG_BINDIR")
    if env:
        return Path(env)
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PgClusterError("PostgreSQL is not installed (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """``start()`` makes and starts the cluster and a database; ``drop()`` removes it all.

    ``settings`` are passed to the server as ``-c key=value`` (e.g. :data:`FAST`).
    """

    def __init__(self, root: Path | None = None, *, port: int | None = None,
                 settings: dict[str, str] | None = None, dbname: str = "antrean_city",
                 user: str = "nobody") -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="antrean-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.port = port or _free_port()
        self.settings = dict(settings or {})
        self.dbname = dbname
        self.superuser = "antrean"
        self.os_user = user if os.geteuid() == 0 else None
        self.bindir = pg_bindir()

    @property
    def url(self) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{self.dbname}"

    def url_for(self, dbname: str) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                             cwd=self.root, env={**os.environ, "LC_ALL": "C.UTF-8"})
        if check and res.returncode != 0:
            raise PgClusterError(f"{args[0]} failed ({res.returncode}): "
                                 f"{res.stderr.strip() or res.stdout.strip()}")
        return res

    def _own(self, path: Path) -> None:
        if self.os_user:
            shutil.chown(path, self.os_user)

    def init(self) -> PgCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self._own(self.root)
        self.sockets.mkdir(exist_ok=True)
        self._own(self.sockets)
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", self.superuser, "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
        return self

    def start(self, *, create_db: bool = True) -> PgCluster:
        """Start (initialising on first use); returns once it accepts connections."""
        if not (self.data / "PG_VERSION").exists():
            self.init()
        opts = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.sockets}"]
        opts += [f"-c {k}={v}" for k, v in self.settings.items()]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "-o", " ".join(opts), "start")
        if create_db:
            self.create_database(self.dbname)
        return self

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate``: as abruptly as a crash)."""
        if self.data.exists() and self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def drop(self) -> None:
        """Stop and remove everything, cluster files included."""
        with contextlib.suppress(PgClusterError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def size_bytes(self, dbname: str | None = None) -> int:
        import psycopg

        with psycopg.connect(self.url_for("postgres")) as conn:
            row = conn.execute("SELECT pg_database_size(%s)", (dbname or self.dbname,)).fetchone()
            return int(row[0]) if row else 0

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.drop()
