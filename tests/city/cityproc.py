"""A real city server in its own process on a free loopback port, for tests and benchmarks.

Tokens are made with the code ``antrean city token`` runs, straight into the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from antrean.runner import free_port
from city.auth import create_token
from city.db import migrate


class CityProcess:
    def __init__(self, db_url: str, log_dir: Path, *, config: Path | None = None,
                 port: int | None = None) -> None:
        self.db_url = db_url
        self.config = config
        self.port = port or free_port()
        self.log_path = Path(log_dir) / f"city-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/city/v1"

    def token(self, *, post: str | None = None, officer: str | None = None) -> str:
        migrate(self.db_url)
        with psycopg.connect(self.db_url) as conn:
            if post is not None:
                return create_token(conn, "post", f"hub {post}", post)
            return create_token(conn, "officer", officer or "Petugas")

    def start(self, timeout: float = 30.0) -> CityProcess:
        cmd = [sys.executable, "-m", "antrean", "city", "--db", self.db_url,
               "--host", "127.0.0.1", "--port", str(self.port)]
        if self.config:
            cmd += ["--config", str(self.config)]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"city exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.api}/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"city did not answer: {self.log_path.read_text()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        self.proc = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        if self._log is not None:
            self._log.close()
            self._log = None
