"""A device's token: where it comes from, whether the hub takes it, and what to tell staff.

Where from, the same for every device command: ``--token T`` is for a quick manual try
(every user of the machine sees it in ``ps``). ``--token-file FILE`` (first line of the file)
and the ``ANTREAN_TOKEN`` environment variable keep it off the command line;
``/proc/PID/environ`` is readable only by the process's own user and root. Order:
``--token``, ``--token-file``, ``ANTREAN_TOKEN``, then the device's config file (``[hub]
token`` / ``token_file``).

While a device runs, a missing or refused token must show on its screen before anyone
touches it, and the device must come back by itself once it has a good one:

- :class:`TokenSource` is the token (and pinned hub key) a running device presents. Unless
  the command line fixed the token, it looks at the device's config file again whenever
  that changes — what ``antrean join --config FILE`` writes — and at ``[hub] token_file``.
- :func:`probe` asks the hub for ``/health`` and who the token is (``GET /whoami``): the
  cheap authenticated call every app makes when it reaches its hub, and again while refused.
- :func:`out_of_service_detail` words the staff-facing lines of the out-of-service screens
  (which hub, what was refused, the step that fixes it), Indonesian first.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import HubClient

__all__ = ["ENV_VAR", "TokenSource", "TokenVerdict", "add_token_options", "check_token",
           "out_of_service_detail", "probe", "read_token_file", "token_from_args"]

log = logging.getLogger(__name__)

ENV_VAR = "ANTREAN_TOKEN"


def read_token_file(path: str) -> str:
    """The token on the first non-blank line of ``path`` (argparse ``type=``: a file that
    cannot be read or holds nothing stops the command with a message naming it)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise argparse.ArgumentTypeError(
            f"berkas token {path} tidak terbaca / cannot read the token file {path}: "
            f"{getattr(exc, 'strerror', None) or exc}") from exc
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    raise argparse.ArgumentTypeError(f"berkas token {path} kosong / the token file {path} is empty")


def add_token_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--token`` and ``--token-file`` with the same help on every device command."""
    parser.add_argument("--token", help=f"{what} token (a quick try only: `ps` shows it to "
                                        f"everyone; prefer --token-file or ${ENV_VAR})")
    parser.add_argument("--token-file", metavar="FILE", type=read_token_file,
                        help=f"file whose first line is the {what} token (or set ${ENV_VAR}; "
                             f"default: the config's [hub] token)")


def token_from_args(args: argparse.Namespace,
                    environ: Mapping[str, str] | None = None) -> str | None:
    """The token the options or the environment give, or None to use the config's."""
    env = os.environ if environ is None else environ
    return args.token or args.token_file or env.get(ENV_VAR, "").strip() or None


# ----- the token of a running device ------------------------------------------------------

#: How each role is named to staff, (Indonesian, English).
ROLE_WORDS = {"kiosk": ("kios", "kiosk"), "counter": ("loket", "counter"),
              "display": ("layar aula", "hall display"), "lead": ("ketua pos", "post lead"),
              "survey": ("survei", "survey")}

_Stamp = tuple[int, int, int]  # (inode, size, mtime_ns): a file changed when this does
_GONE: _Stamp = (0, 0, 0)


def _stamp(path: Path) -> _Stamp:
    try:
        st = path.stat()
    except OSError:
        return _GONE
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class TokenSource:
    """The token and the pinned hub key a running device presents; see the module docstring.

    ``given``: a token from the command line or the environment (fixed while it runs).
    ``token``, ``fingerprint``, ``token_file``: the config's ``[hub]`` as read at start.
    ``config``: the config file, read again when it changes (it may not exist yet: ``antrean
    join --config FILE`` makes it). Thread-safe: the app's hub threads all ask it.
    """

    def __init__(self, given: str = "", *, token: str = "", fingerprint: str = "",
                 token_file: str = "", config: str | os.PathLike[str] | None = None) -> None:
        self.given = given.strip()
        self.config = Path(config).expanduser() if config else None
        self._lock = threading.Lock()
        self._hub = {"token": token.strip(), "fingerprint": fingerprint.strip(),
                     "token_file": token_file.strip()}
        self._config_seen = _stamp(self.config) if self.config else _GONE
        self._file_seen: tuple[str, _Stamp] | None = None
        self._from_file = ""
        #: Why the token file gave no token ("" when it did, or there is none).
        self.problem = ""

    @property
    def watching(self) -> bool:
        """Whether a new token reaches this device without a restart."""
        return not self.given and (self.config is not None or bool(self._hub["token_file"]))

    @property
    def token_file(self) -> str:
        return self._hub["token_file"]

    def __call__(self) -> str:
        """The token to present now ("" for none)."""
        if self.given:
            return self.given
        with self._lock:
            self._refresh()
            return self._hub["token"] or self._from_file

    def fingerprint(self) -> str:
        """The pinned hub key now ("" for none)."""
        with self._lock:
            self._refresh()
            return self._hub["fingerprint"]

    def apply(self, client: HubClient) -> None:
        """Give ``client`` the token and hub key as they are now (a paired config, a new token
        file) — called before each look at the hub."""
        token = self()
        if (token or None) != client.token:
            client.token = token or None
        fingerprint = self.fingerprint()
        if fingerprint and fingerprint != client.tls.pin:
            from .tls import valid_fingerprint

            try:
                client.tls.pin = valid_fingerprint(fingerprint)
            except ValueError as exc:
                log.warning("%s: [hub] fingerprint: %s", self.config, exc)

    def _refresh(self) -> None:
        if self.config is not None:
            seen = _stamp(self.config)
            if seen != self._config_seen:
                self._config_seen = seen
                self._read_config()
        path = self._hub["token_file"]
        if path:
            self._read_token_file(Path(path).expanduser())

    def _read_config(self) -> None:
        assert self.config is not None
        try:
            hub = tomllib.loads(self.config.read_text(encoding="utf-8")).get("hub", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            # Half-edited, or not readable: keep what we had; the next change is read again.
            log.warning("%s: not read again (%s); keeping the token it had", self.config, exc)
            return
        if not isinstance(hub, dict):
            return
        fresh = {k: str(hub.get(k) or "").strip() for k in self._hub}
        if fresh != self._hub:
            log.info("%s changed: [hub] token and key read again", self.config)
            self._hub = fresh

    def _read_token_file(self, path: Path) -> None:
        seen = (str(path), _stamp(path))
        if seen == self._file_seen:
            return
        self._file_seen = seen
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._from_file = ""
            self.problem = f"{path}: {getattr(exc, 'strerror', None) or exc}"
            log.warning("token file %s", self.problem)
            return
        self._from_file = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        self.problem = "" if self._from_file else f"{path}: kosong / empty"


@dataclass(frozen=True)
class TokenVerdict:
    """What the hub made of a device's token (and the device of the hub's key)."""

    ok: bool
    reason: str  # "ok" | "missing" | "refused" | "wrong_role" | "hub_key"
    message: str = ""  # what was refused, Indonesian
    message_en: str = ""
    role: str = ""  # the role the hub knows the token by (ok, wrong_role)
    name: str = ""  # the device name the hub knows it by

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason, "message": self.message,
                "message_en": self.message_en, "role": self.role, "name": self.name}


def check_token(client: HubClient, role: str) -> TokenVerdict:
    """Ask the hub who this device's token is, and whether it is a ``role`` device's.

    Raises :class:`~antrean.client.HubError` when the hub cannot say (unreachable, 5xx):
    that is not a verdict on the token.
    """
    from .client import HubError

    if not client.token:
        return TokenVerdict(False, "missing", "Perangkat ini belum punya token.",
                            "This device has no token.")
    try:
        who = client.whoami()
    except HubError as exc:
        if exc.status in (401, 403):
            return TokenVerdict(False, "refused", exc.message or "Token ditolak hub.",
                                exc.message_en or "The hub refused the token.")
        raise
    got, name = str(who.get("role", "")), str(who.get("name", ""))
    if got != role:
        got_id, got_en = ROLE_WORDS.get(got, (got, got))
        want_id, want_en = ROLE_WORDS.get(role, (role, role))
        return TokenVerdict(False, "wrong_role",
                            f"Token ini milik perangkat {got_id} \"{name}\", bukan {want_id}.",
                            f"This token belongs to a {got_en} device (\"{name}\"), "
                            f"not a {want_en}.", role=got, name=name)
    return TokenVerdict(True, "ok", role=got, name=name)


def probe(client: HubClient, role: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """``/health`` (None if the hub's key was refused) and the verdict on this device as a
    dict with ``hub_url``. Raises :class:`~antrean.client.HubError` when the hub does not
    answer: not a verdict on the device."""
    from .client import HubKeyRefused

    try:
        health = client.health()
        verdict = check_token(client, role)
        url = client.url
    except HubKeyRefused as exc:  # not the hub it was paired with (or not paired with one)
        return None, {**TokenVerdict(False, "hub_key", exc.message, exc.message_en).as_dict(),
                      "hub_url": exc.url}
    return health, {**verdict.as_dict(), "hub_url": url}


def out_of_service_detail(verdict: Mapping[str, Any], *, role: str, post_name: str,
                          source: TokenSource | None, lang: str = "id") -> dict[str, str]:
    """The staff-facing lines of an out-of-service screen: ``hub`` (which hub), ``refused``
    (what it refused), ``fix`` and ``fix2`` (the steps that fix it) and ``after`` (what
    happens then)."""
    en = lang == "en"
    hub_url = str(verdict.get("hub_url") or "")
    where = f"{post_name} — {hub_url}" if post_name else hub_url
    if verdict.get("reason") == "missing":
        refused = "This device has no token yet." if en else "Perangkat ini belum punya token."
        if source is not None and source.problem:
            refused += (" Token file " if en else " Berkas token ") + source.problem
    else:
        refused = str(verdict.get("message_en") if en else verdict.get("message")) or "—"
    config = str(source.config) if source is not None and source.config \
        else f"/etc/antrean/{role}.toml"
    word, name = ("CODE", "NAME") if en else ("KODE", "NAMA")
    pair = "antrean pair --data /var/lib/antrean"
    join = f"antrean join --code {word} --role {role} --name {name} --config {config}"
    if source is None or source.watching:
        after = ("This screen returns to normal by itself once the hub accepts the device."
                 if en else "Layar ini kembali normal dengan sendirinya begitu hub menerima "
                            "perangkat ini.")
    elif source.given:  # the command line's token wins over any config: it must go
        after = ("Then restart it without --token / ANTREAN_TOKEN." if en
                 else "Lalu mulai ulang tanpa --token / ANTREAN_TOKEN.")
    else:  # started without a config file to look at
        after = (f"Then restart it with --config {config}." if en
                 else f"Lalu mulai ulang dengan --config {config}.")
    return {"hub": f"Hub: {where}",
            "refused": ("Refused: " if en else "Ditolak: ") + refused,
            "fix": (f"1. On the hub: {pair} (gives a one-time code)" if en
                    else f"1. Di hub: {pair} (memberi kode sekali pakai)"),
            "fix2": f"2. {'Here' if en else 'Di sini'}: {join}",
            "after": after}
