"""One hub per data folder: an exclusive lock held for the hub's whole life.

Two hubs on one database diverge at once: each keeps its own queue in memory, so tickets
one issues the other never sees, and both number from the same sequence. The hub takes
``fcntl.flock`` on ``hub.lock`` in its data folder before it opens the database and keeps
it until it closes; the kernel drops the lock when the process dies however it dies
(``kill -9``, power cut), so a stale lock file never blocks the next start. The file holds
the owner's PID, to name it in the refusal.

Tools that only read (``antrean export``) or add a row the hub reads per request
(``antrean token``, ``antrean pair``) take no lock and work while the hub runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO

__all__ = ["LOCK_FILENAME", "EXIT_DATA_IN_USE", "DataFolderInUse", "DataLock"]

LOCK_FILENAME = "hub.lock"
#: ``antrean hub``'s exit status when another hub holds the folder (sysexits EX_TEMPFAIL:
#: it may start once that hub stops; systemd keeps trying).
EXIT_DATA_IN_USE = 75


class DataFolderInUse(Exception):
    """Another process holds the data folder's lock."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        self.folder = folder
        self.pid = pid
        who = f"PID {pid}" if pid else "PID tidak diketahui / unknown PID"
        self.message = (f"folder data {folder} sedang dipakai hub lain ({who}); satu folder "
                        f"hanya untuk satu hub — hentikan hub itu dulu, atau pakai --data lain")
        self.message_en = (f"the data folder {folder} is in use by another hub ({who}); one "
                           f"folder serves one hub — stop that hub first, or use another --data")
        super().__init__(f"{self.message} / {self.message_en}")


class DataLock:
    """``flock`` on ``<folder>/hub.lock``; :meth:`release` (or process exit) frees it."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILENAME
        self._file: IO[bytes] | None = None

    def acquire(self) -> DataLock:
        """Take the lock or raise :class:`DataFolderInUse` at once (never waits)."""
        # The hub creates its data folder on first start (Storage does the same).
        self.folder.mkdir(parents=True, exist_ok=True)
        # os.open's descriptors are not inherited (PEP 446): a child the hub starts never
        # keeps the folder locked after the hub is gone.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise DataFolderInUse(self.folder.resolve(), pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        # A file object: should its owner be dropped unclosed (a failed start in a test),
        # garbage collection closes it and frees the folder.
        self._file = os.fdopen(fd, "r+b", buffering=0)
        return self

    def release(self) -> None:
        """Free the lock; safe twice. The file stays: removing it would let a hub starting
        right now lock an inode a third one no longer sees."""
        f, self._file = self._file, None
        if f is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(f.fileno(), 0)
            f.close()  # closing the last descriptor drops the flock

    @property
    def held(self) -> bool:
        return self._file is not None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
