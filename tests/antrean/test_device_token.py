"""Every device command takes its token from --token, --token-file or $ANTREAN_TOKEN, in
that order, before its config; a token file that cannot be read stops it naming the file.
End to end: the doctor checks a token given by file or environment against a real hub."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys

import pytest

from antrean.devicetoken import ENV_VAR, token_from_args

PARSERS = ["kiosk.app", "counter.app", "display.app", "hardware.doctor"]


def parse(module: str, *argv: str) -> argparse.Namespace:
    return importlib.import_module(module).build_parser().parse_args(list(argv))


@pytest.mark.parametrize("module", PARSERS)
def test_token_sources_in_order(module, tmp_path):
    f = tmp_path / "token"
    f.write_text("\n  from-file  \nsecond line ignored\n", encoding="utf-8")
    env = {ENV_VAR: "from-env"}
    assert token_from_args(parse(module), env) == "from-env"
    assert token_from_args(parse(module), {}) is None  # the config decides
    assert token_from_args(parse(module, "--token-file", str(f)), env) == "from-file"
    assert token_from_args(parse(module, "--token", "T1", "--token-file", str(f)), env) == "T1"


@pytest.mark.parametrize("module", PARSERS)
@pytest.mark.parametrize("content", [None, "", "\n \n"])
def test_a_missing_or_empty_token_file_stops_the_command_naming_it(module, tmp_path, capsys,
                                                                  content):
    f = tmp_path / "token"
    if content is not None:
        f.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        parse(module, "--token-file", str(f))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert str(f) in err and "token" in err
    assert ("kosong" in err) if content is not None else ("tidak terbaca" in err)


def _doctor(hub, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", "doctor", "--role", "counter",
                           "--hub", hub.url, "--data", hub.data_dir.as_posix(), *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_doctor_checks_a_token_from_the_environment_or_a_file(shared_hub, tmp_path):
    base = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    good = shared_hub.tokens["counter"]
    r = _doctor(shared_hub, env={**base, ENV_VAR: good})
    assert "OK         Pemasangan (token): token diterima hub" in r.stdout, r.stdout
    assert good not in " ".join(r.args)
    f = tmp_path / "counter.token"
    f.write_text(good + "\n", encoding="utf-8")
    f.chmod(0o600)
    r = _doctor(shared_hub, "--token-file", str(f), env={**base, ENV_VAR: "not-a-token"})
    assert "OK         Pemasangan (token): token diterima hub" in r.stdout, r.stdout
    r = _doctor(shared_hub, env={**base, ENV_VAR: "not-a-token"})
    assert "GAGAL      Pemasangan (token): token ditolak hub" in r.stdout, r.stdout
