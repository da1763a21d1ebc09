"""Where a device command takes its token from, the same for every device command.

``--token T`` is for a quick manual try: every user of the machine sees it in ``ps``.
``--token-file FILE`` (first line of the file) and the ``ANTREAN_TOKEN`` environment
variable keep it off the command line; ``/proc/PID/environ`` is readable only by the
process's own user and root. Order: ``--token``, ``--token-file``, ``ANTREAN_TOKEN``, then
the device's config file (``[hub] token`` / ``token_file``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ENV_VAR", "add_token_options", "read_token_file", "token_from_args"]

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
