"""What is wrong with the data folder or the database, and what to do about it.

The hub checks its folder and its database file before it opens them, and names any
fault it meets opening, migrating or writing them: a missing folder, no permission, a
read-only or full file system, a database that is empty, truncated, not a database at
all, damaged inside, or from a newer Antrean. Each cause has one message in Indonesian
and English naming the file and the fix, and its own exit status (README "Start-up
faults"). An existing database file is never re-created: an empty or damaged one stops
the start, so a post never loses its history and device tokens silently.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FAULTS", "Fault", "StorageFault", "check_folder", "check_db_file", "classify"]

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Fault:
    """One cause: its exit status, what is wrong and the fix, each (Indonesian, English)."""

    exit_status: int
    problem: tuple[str, str]
    fix: tuple[str, str]


_RESTORE = ("pulihkan dari cadangan (salinan ekspor --all-days / USB), atau pindahkan berkas "
            "itu (mv {path} {path}.rusak) agar hub memulai basis data baru — riwayat dan token "
            "perangkat yang lama tidak ikut",
            "restore it from a backup, or move it aside (mv {path} {path}.broken) so the hub "
            "starts a new database — the old history and device tokens do not come along")

#: Every cause by code. The codes are also the ``reason`` of a degraded ``/health``.
FAULTS: dict[str, Fault] = {
    "data_missing": Fault(
        80, ("folder data {path} tidak ada", "the data folder {path} does not exist"),
        ("pasang penyimpanannya, atau buat foldernya: sudo install -d -o antrean -g antrean "
         "{path}", "mount its storage, or create it: sudo install -d -o antrean -g antrean "
         "{path}")),
    "no_permission": Fault(
        81, ("hub tidak boleh membaca atau menulis {path}",
             "the hub may not read or write {path}"),
        ("berikan ke pengguna hub: sudo chown -R antrean:antrean {folder}",
         "give it to the hub's user: sudo chown -R antrean:antrean {folder}")),
    "read_only": Fault(
        82, ("{path} ada di penyimpanan yang hanya-baca", "{path} is on read-only storage"),
        ("kartu SD/USB mungkin rusak atau terkunci: salin folder {folder} ke penyimpanan lain "
         "dan jalankan hub dengan --data ke sana",
         "the SD card or USB stick may be failing or locked: copy the folder {folder} to other "
         "storage and run the hub with --data there")),
    "disk_full": Fault(
        83, ("penyimpanan {folder} penuh", "the storage of {folder} is full"),
        ("kosongkan ruang (df -h {folder}; sudo journalctl --vacuum-size=50M; pindahkan "
         "ekspor lama), lalu jalankan lagi",
         "free some space (df -h {folder}; sudo journalctl --vacuum-size=50M; move old "
         "exports away), then start again")),
    "db_empty": Fault(
        84, ("basis data {path} kosong (0 bita); hub tidak membuat ulang berkas yang sudah ada",
             "the database {path} is empty (0 bytes); the hub never re-creates an existing "
             "file"), _RESTORE),
    "db_truncated": Fault(
        85, ("basis data {path} terpotong ({detail})", "the database {path} is truncated "
             "({detail})"), _RESTORE),
    "not_a_database": Fault(
        86, ("{path} bukan basis data Antrean (kepala berkasnya rusak atau berkas lain)",
             "{path} is not an Antrean database (its header is damaged, or another file)"),
        _RESTORE),
    "db_corrupt": Fault(
        87, ("basis data {path} rusak ({detail})", "the database {path} is damaged ({detail})"),
        (_RESTORE[0] + "; isinya mungkin masih bisa diselamatkan: sqlite3 {path} .recover",
         _RESTORE[1] + "; its content may still be rescued: sqlite3 {path} .recover")),
    "db_newer": Fault(
        88, ("basis data {path} dibuat oleh Antrean yang lebih baru (revisi {detail})",
             "the database {path} was made by a newer Antrean (revision {detail})"),
        ("pasang versi Antrean itu atau yang lebih baru; jangan turunkan versi",
         "install that Antrean version or a newer one; do not downgrade")),
    "io_error": Fault(
        89, ("kesalahan baca/tulis pada {path} ({detail})",
             "read/write error on {path} ({detail})"),
        ("kartu SD/USB mungkin rusak: salin folder {folder} ke penyimpanan lain sekarang",
         "the SD card or USB stick may be failing: copy the folder {folder} elsewhere now")),
}


class StorageFault(Exception):
    """The data folder or database cannot be used; ``code`` is a key of :data:`FAULTS`."""

    def __init__(self, code: str, path: Path, detail: str | tuple[str, str] = "") -> None:
        """``detail``: one text (SQLite's own words) or (Indonesian, English)."""
        self.code, self.path = code, Path(path)
        detail_id, detail_en = (detail, detail) if isinstance(detail, str) else detail
        self.detail = detail_en
        f = FAULTS[code]
        folder = self.path if code == "data_missing" or self.path.is_dir() else self.path.parent
        fmt = {"path": self.path, "folder": folder}
        self.exit_status = f.exit_status
        self.message = (f"{f.problem[0].format(detail=detail_id, **fmt)} — "
                        f"{f.fix[0].format(**fmt)}.")
        self.message_en = (f"{f.problem[1].format(detail=detail_en, **fmt)} — "
                           f"{f.fix[1].format(**fmt)}.")
        super().__init__(self.message_en)


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def check_folder(folder: Path) -> None:
    """The data folder exists (its parent at least: a first start creates it) and the hub
    may write it. A missing parent is an unmounted card or stick, not a first start."""
    if not folder.exists():
        if not folder.parent.is_dir():
            raise StorageFault("data_missing", folder)
        try:
            folder.mkdir(exist_ok=True)  # another process may create it meanwhile
        except OSError as exc:
            raise classify(exc, folder) or StorageFault("io_error", folder, str(exc)) from exc
    if not folder.is_dir():
        raise StorageFault("data_missing", folder)
    if _read_only(folder):
        raise StorageFault("read_only", folder)
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise StorageFault("no_permission", folder)


def check_db_file(path: Path) -> None:
    """An existing database file is whole: readable, not empty, an SQLite header, as long
    as its header says (a cut copy or a card that lost its tail is shorter)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise StorageFault("not_a_database", path)
        if not os.access(path, os.R_OK | os.W_OK):
            raise StorageFault("no_permission", path)
        if st.st_size == 0:
            raise StorageFault("db_empty", path)
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise classify(exc, path) or StorageFault("io_error", path, str(exc)) from exc
    if head[:16] != SQLITE_MAGIC:
        if len(head) < 16 and SQLITE_MAGIC.startswith(head):
            raise StorageFault("db_truncated", path, _size(st.st_size))
        raise StorageFault("not_a_database", path)
    if len(head) < 100:
        raise StorageFault("db_truncated", path, _size(st.st_size))
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        raise StorageFault("not_a_database", path)
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]  # the in-header size is trustworthy
    expected = page * pages if header_valid else 0
    if st.st_size % page or st.st_size < expected:
        raise StorageFault("db_truncated", path, _size(st.st_size, expected))


def _size(size: int, expected: int = 0) -> tuple[str, str]:
    if not expected:
        return f"{size} bita", f"{size} bytes"
    return (f"{size} bita, menurut kepalanya {expected}",
            f"{size} bytes, its header says {expected}")


# SQLite's primary result codes (sqlite3.h)
_SQLITE = {3: "no_permission", 8: "read_only", 10: "io_error", 11: "db_corrupt",
           13: "disk_full", 14: "no_permission", 26: "not_a_database"}
_ERRNO = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EACCES: "no_permission",
          errno.EPERM: "no_permission", errno.EROFS: "read_only", errno.EIO: "io_error",
          errno.ENOENT: "data_missing"}


def classify(exc: BaseException, path: Path) -> StorageFault | None:
    """The :class:`StorageFault` an exception from SQLite or the OS means (None: not a
    storage fault). SQLAlchemy's wrapper is looked through to the driver's error."""
    for e in (exc, getattr(exc, "orig", None), exc.__cause__):
        if isinstance(e, StorageFault):
            return e
        if isinstance(e, sqlite3.Error):
            code = _SQLITE.get(getattr(e, "sqlite_errorcode", -1) & 0xFF)
            if code is None:
                return None
            if code == "read_only" and not _read_only(path.parent):
                code = "no_permission"  # the file or its folder, not the storage itself
            if code == "no_permission" and not path.parent.is_dir():
                code = "data_missing"
            return StorageFault(code, path, str(e))
        if isinstance(e, OSError) and e.errno in _ERRNO:
            return StorageFault(_ERRNO[e.errno], Path(e.filename or path), e.strerror or "")
    return None
