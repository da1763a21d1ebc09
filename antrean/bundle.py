"""A post's log in one file for the city, for when there is no link: the USB path.

``antrean export --bundle`` writes every event the city has not acknowledged (or all of
them) as gzip'd JSON lines:

    {"format": "antrean-bundle", "version": 1, "post": {...}, "instance": UUID, "after": N, ...}
    {wire event}            one per line, in seq order, exactly as the uplink sends them
    ...
    {"trailer": {"count": n, "last_seq": s, "sha256": hex}}

``sha256`` covers every byte before the trailer line (uncompressed). ``antrean city
import`` reads it back with :func:`read_bundle`, which refuses a truncated, damaged or
edited file before anything is loaded.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .config import PostConfig
from .storage import Storage

__all__ = ["FORMAT", "VERSION", "Bundle", "BundleError", "write_bundle", "read_bundle",
           "post_meta"]

FORMAT = "antrean-bundle"
VERSION = 1
_PAGE = 2000  # events read from the log at a time


class BundleError(Exception):
    """The file is not a whole, unedited bundle; nothing of it may be loaded."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


@dataclass
class Bundle:
    header: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def post(self) -> str:
        return str(self.header["post"]["id"])

    @property
    def instance(self) -> str:
        return str(self.header["instance"])


def post_meta(config: PostConfig) -> dict[str, Any]:
    """The post as the city learns it: name, zone and services (the uplink sends the same)."""
    c = config
    return {"name": c.post.name, "name_en": c.post.name_en, "timezone": c.post.timezone,
            "services": [{"id": s.id, "letter": s.letter, "name": s.name, "name_en": s.name_en}
                         for s in c.services]}


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def write_bundle(storage: Storage, config: PostConfig, out: Path, after: int) -> dict[str, Any]:
    """Write the events after seq ``after`` to ``out`` (whole or not at all: a temporary
    file renamed into place); returns the trailer."""
    header = {"format": FORMAT, "version": VERSION,
              "post": {"id": config.post.id, **post_meta(config)},
              "instance": storage.instance(), "after": after,
              "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "hub_version": __version__}
    digest = hashlib.sha256()
    tmp = out.with_name(f".{out.name}.tmp")
    count, last = 0, after
    with gzip.open(tmp, "wb") as f:
        first = _line(header)
        digest.update(first)
        f.write(first)
        while True:
            page = storage.wire_events_since(last, config.tz, limit=_PAGE)
            if not page:
                break
            for ev in page:
                line = _line(ev)
                digest.update(line)
                f.write(line)
            count += len(page)
            last = page[-1]["seq"]
        trailer = {"count": count, "last_seq": last, "sha256": digest.hexdigest()}
        f.write(_line({"trailer": trailer}))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())  # on a USB stick pulled right after: the file is whole
    os.replace(tmp, out)
    return trailer


def _broken(why: str, why_en: str) -> BundleError:
    return BundleError(f"Bundel ditolak, tidak ada yang dimuat: {why}.",
                       f"Bundle refused, nothing loaded: {why_en}.")


def read_bundle(path: Path) -> Bundle:
    """The bundle at ``path``, checked whole: gzip intact, header known, trailer present,
    checksum and count right. Raises :class:`BundleError` otherwise."""
    try:
        with gzip.open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except FileNotFoundError as exc:
        raise BundleError(f"Berkas {path} tidak ada.", f"No file {path}.") from exc
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _broken(f"berkas terpotong atau rusak ({exc})",
                      f"the file is cut short or damaged ({exc})") from exc
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) < 2:
        raise _broken("berkas terpotong (tidak ada penutup)", "the file is cut short (no trailer)")
    try:
        header = json.loads(lines[0])
        trailer = json.loads(lines[-1]).get("trailer")
    except (ValueError, AttributeError) as exc:
        raise _broken("isi berkas rusak", "the file's content is damaged") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _broken("ini bukan bundel Antrean", "this is not an Antrean bundle")
    if header.get("version") != VERSION:
        raise _broken(f"versi bundel {header.get('version')!r} tidak dikenal",
                      f"unknown bundle version {header.get('version')!r}")
    if not isinstance(trailer, dict):
        raise _broken("berkas terpotong (tidak ada penutup)", "the file is cut short (no trailer)")
    digest = hashlib.sha256()
    for line in lines[:-1]:
        digest.update(line + b"\n")
    if digest.hexdigest() != trailer.get("sha256"):
        raise _broken("checksum tidak cocok: berkas diubah atau rusak",
                      "the checksum does not match: the file was changed or damaged")
    try:
        events = [json.loads(line) for line in lines[1:-1]]
    except ValueError as exc:
        raise _broken("isi berkas rusak", "the file's content is damaged") from exc
    if len(events) != trailer.get("count"):
        raise _broken("jumlah peristiwa tidak cocok", "the event count does not match")
    return Bundle(header, events)
