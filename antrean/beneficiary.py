"""Duplicate recipients: the NIK's structure, its keyed hash, and each programme's key.

A NIK (Nomor Induk Kependudukan) is 16 digits: province (2), regency (2), district (2), the
date of birth as DDMMYY (a woman's day + 40) and a serial (4). It has little entropy (a few
hundred million plausible values), so a plain hash of it is brute-forced in minutes: only
HMAC-SHA256 under a secret programme key is ever kept (UU PDP 27/2022). The NIK itself is
checked, hashed and dropped; it is never logged, stored, sent on, nor put in an exception.

A programme's key comes from the city (downlink) when the post reports to one, so every
post's hashes of one NIK agree; a post with no city makes its own at random on first use,
in its data folder (mode 0600). Never from a constant.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = ["NikProblem", "check_nik", "nik_hash", "ProgrammeKeys", "KEY_DIR", "HASH_RE"]

log = logging.getLogger(__name__)

#: Folder (in the hub's data folder) of the programmes' keys, one file each.
KEY_DIR = "beneficiary-keys"
#: A keyed hash as stored and sent: 64 lowercase hex digits.
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_PROGRAMME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class NikProblem:
    """Why a typed NIK is refused: a code, and what to tell the clerk."""

    code: str
    message: str
    message_en: str


def _birth_date_valid(dd: int, mm: int, yy: int) -> bool:
    """DDMMYY (day + 40 for women) is a real date in 19YY or 20YY."""
    if dd > 40:
        dd -= 40
    for century in (1900, 2000):
        try:
            date(century + yy, mm, dd)
        except ValueError:
            continue
        return True
    return False


def check_nik(nik: str) -> NikProblem | None:
    """None for a NIK of valid structure; else why not (the NIK is never in the message)."""
    if not nik.isascii() or not nik.isdigit():
        return NikProblem("nik_not_digits", "NIK hanya berisi angka 0–9.",
                          "A NIK has digits 0-9 only.")
    if len(nik) != 16:
        return NikProblem("nik_length", f"NIK harus 16 angka; yang diketik {len(nik)} angka.",
                          f"A NIK has 16 digits; {len(nik)} were typed.")
    for start, name, name_en in ((0, "provinsi", "province"), (2, "kabupaten/kota", "regency"),
                                 (4, "kecamatan", "district")):
        if nik[start:start + 2] == "00":
            return NikProblem("nik_region", f"Kode {name} pada NIK (angka {start + 1}–{start + 2}) "
                              "tidak boleh 00. Periksa lagi KTP-el.",
                              f"The NIK's {name_en} code (digits {start + 1}-{start + 2}) "
                              "cannot be 00. Check the ID card again.")
    if not _birth_date_valid(int(nik[6:8]), int(nik[8:10]), int(nik[10:12])):
        return NikProblem("nik_birth_date", "Tanggal lahir pada NIK (angka 7–12, DDMMYY; "
                          "perempuan: tanggal + 40) tidak valid. Periksa lagi KTP-el.",
                          "The NIK's date of birth (digits 7-12, DDMMYY; women: day + 40) "
                          "is not a valid date. Check the ID card again.")
    if nik[12:] == "0000":
        return NikProblem("nik_serial", "Nomor urut pada NIK (4 angka terakhir) tidak boleh "
                          "0000. Periksa lagi KTP-el.",
                          "The NIK's serial (last 4 digits) cannot be 0000. Check the ID card "
                          "again.")
    return None


def nik_hash(key: bytes, nik: str) -> str:
    """HMAC-SHA256(key, NIK) as hex: what is kept instead of the NIK."""
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()


class ProgrammeKeys:
    """Each programme's HMAC key, one file each under ``<data>/beneficiary-keys/`` (0600).

    ``city``: the post reports to a city, whose key it must use (a key of its own would
    make hashes no other post can match): until the downlink brings it, :meth:`get` answers
    None. Without a city, the first use makes a random key.
    """

    def __init__(self, data_dir: str | Path, *, city: bool) -> None:
        self.folder = Path(data_dir) / KEY_DIR
        self.city = city
        self._cache: dict[str, bytes] = {}

    def _path(self, programme: str) -> Path:
        if not _PROGRAMME_RE.match(programme):
            raise ValueError("not a programme id")
        return self.folder / f"{programme}.key"

    def get(self, programme: str) -> bytes | None:
        """The programme's key; made now for a post with no city; None while it awaits the
        city's."""
        key = self._cache.get(programme)
        if key is not None:
            return key
        path = self._path(programme)
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            if self.city:
                return None
            key = self._write(path, secrets.token_bytes(32), exclusive=True)
        self._cache[programme] = key
        return key

    def set_from_city(self, programme: str, key: bytes) -> bool:
        """Keep the key the city sent; True if it changed what this post had."""
        path = self._path(programme)
        old = self._cache.get(programme)
        if old is None and path.exists():
            old = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if old == key:
            self._cache[programme] = key
            return False
        if old is not None:
            log.warning("programme %s: the city's key replaces this post's own; hashes kept "
                        "under the old key no longer match", programme)
        self._write(path, key, exclusive=False)
        self._cache[programme] = key
        return True

    def _write(self, path: Path, key: bytes, *, exclusive: bool) -> bytes:
        """Write a key file 0600, whole (a temporary file renamed), in a 0700 folder."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, key.hex().encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            try:
                os.link(tmp, path)  # two processes making it at once: the first one wins
            except FileExistsError:
                os.unlink(tmp)
                return bytes.fromhex(path.read_text(encoding="ascii").strip())
            except OSError:  # a folder refusing hard links (FAT): rename, as the database is
                os.replace(tmp, path)
                return key
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
        return key
