"""What pairing leaves on a device: its token and the hub's pinned key, in ``[hub]`` of its
config (``antrean join --config FILE``, ``antrean kiosk --pair``).

The file is edited in place, line by line, so its comments and every other key stay as
the technician left them; the result is parsed back before it replaces the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from pathlib import Path

__all__ = ["hub_lines", "write_hub_keys"]


def hub_lines(token: str, fingerprint: str) -> list[str]:
    """The ``[hub]`` lines to keep: the token and the hub key it goes with."""
    return [f'token = "{token}"', f'fingerprint = "{fingerprint}"']


def _set(lines: list[str], start: int, end: int, key: str, value: str) -> int:
    """Set ``key`` in the table spanning ``lines[start:end]``; returns the new end."""
    pattern = re.compile(rf'^(\s*{key}\s*=\s*)("[^"\\]*"|\'[^\']*\')(\s*(#.*)?)$')
    for i in range(start, end):
        if re.match(rf"^\s*{key}\s*=", lines[i]):
            m = pattern.match(lines[i])
            if m is None:
                raise ValueError(f"hub.{key}: cannot rewrite line {i + 1}: {lines[i]!r}")
            lines[i] = f'{m.group(1)}"{value}"{m.group(3)}'
            return end
    lines.insert(end, f'{key} = "{value}"')
    return end + 1


def write_hub_keys(path: Path, values: dict[str, str]) -> None:
    """Set ``[hub]`` keys of the TOML config at ``path`` (made if missing), atomically and
    keeping its permissions (it holds a token: made 0600 when new)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    tomllib.loads(text)  # refuse to edit a file that is not TOML to begin with
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "[hub]"), None)
    if start is None:
        lines += ["", "[hub]"] if lines else ["[hub]"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].lstrip().startswith("[")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # new keys go after the table's last key, not after its blank lines
    for key, value in values.items():
        end = _set(lines, start + 1, end, key, value)
    out = "\n".join(lines) + "\n"
    hub = tomllib.loads(out).get("hub", {})
    if any(hub.get(k) != v for k, v in values.items()):
        raise ValueError(f"{path}: [hub] could not be written")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(out)
        f.flush()
        os.fsync(f.fileno())
    if path.exists():
        st = path.stat()
        with contextlib.suppress(PermissionError):  # not root: the file stays ours
            os.chown(tmp, st.st_uid, st.st_gid)
    os.replace(tmp, path)
