"""The README's two commands install only what changed, and the metadata builds cleanly.

The Makefile is exercised as it is, in a scratch copy of the tree's layout whose
``scripts/setup.sh`` only records that it ran: what is tested is make's decision to run
the (slow, networked) install again, not the install itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]


def test_license_is_an_spdx_expression_setuptools_does_not_warn_about():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lic = project["project"]["license"]
    # A TOML table ({text = ...}) is deprecated by setuptools 77 (PEP 639) and warns on
    # every build; a string must be a valid SPDX expression.
    assert isinstance(lic, str)
    assert canonicalize_license_expression(lic) == lic
    (st,) = [r for r in map(Requirement, project["build-system"]["requires"])
             if r.name == "setuptools"]
    assert not st.specifier.contains("76.1")  # the first to read SPDX strings is 77


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.fail("make is missing")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "scripts").mkdir()
    setup = tmp_path / "scripts" / "setup.sh"
    # stands in for the real install: makes the venv's antrean and notes each run
    setup.write_text("#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")/..\"\n"
                     "mkdir -p .venv/bin\necho ran >> setup-runs\n"
                     "printf '#!/bin/sh\\necho \"$@\" >> antrean-runs\\n' > .venv/bin/antrean\n"
                     "chmod +x .venv/bin/antrean\n")
    setup.chmod(0o755)
    return tmp_path


def _make(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=60)


def _runs(tree: Path) -> int:
    f = tree / "setup-runs"
    return len(f.read_text().splitlines()) if f.exists() else 0


def test_make_post_installs_once_and_again_only_when_setup_inputs_change(tree):
    assert _make(tree, "post", "HEADLESS=1").returncode == 0
    assert _runs(tree) == 1
    assert (tree / "antrean-runs").read_text().split()[:2] == ["demo", "--headless"]
    # nothing changed: no install, the demo starts at once
    r = _make(tree, "post", "HEADLESS=1")
    assert r.returncode == 0, r.stderr
    assert _runs(tree) == 1
    assert "setup.sh" not in r.stdout
    assert _make(tree, "-q", "setup").returncode == 0  # make itself says: up to date
    # a changed pyproject.toml (new dependency) or setup.sh (new apt package) installs again
    for changed in ("pyproject.toml", "scripts/setup.sh"):
        assert _make(tree, "-q", "-W", changed, "setup").returncode == 1
    os.utime(tree / "pyproject.toml", (1e10, 1e10))  # newer than the stamp
    assert _make(tree, "setup").returncode == 0
    assert _runs(tree) == 2
    # a removed .venv is set up again
    shutil.rmtree(tree / ".venv")
    assert _make(tree, "setup").returncode == 0
    assert _runs(tree) == 3
