"""``antrean setup ROLE`` on a scratch system image: real systemctl, real unit files.

``systemctl --root DIR`` reads the units and writes the ``.wants`` links inside DIR, so the
test sees exactly what a Pi would get, without touching this machine's systemd.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from antrean.setup_role import ROLES, UNITS, SetupError, plan, run

REPO = Path(__file__).resolve().parents[2]
needs_systemctl = pytest.mark.skipif(
    shutil.which("systemctl") is None and not os.environ.get("CI"),
    reason="systemctl not installed (scripts/setup.sh installs systemd)")


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A system image with the package's four units where the .deb puts them."""
    root = tmp_path / "root"
    units = root / "usr/lib/systemd/system"
    units.mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(REPO / "systemd" / unit, units / unit)
    (root / "etc/systemd/system").mkdir(parents=True)
    return root


def enabled(root: Path) -> set[str]:
    wants = root / "etc/systemd/system/multi-user.target.wants"
    return {p.name for p in wants.iterdir()} if wants.exists() else set()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "antrean", "setup", *args],
                          capture_output=True, text=True, timeout=60)


def test_roles_cover_the_units():
    assert ROLES["hall"] == ("antrean-hub.service", "antrean-display.service")
    assert {u for units in ROLES.values() for u in units} == set(UNITS)


def test_plan_disables_the_others_and_enables_the_role():
    assert plan("kiosk") == [
        ["systemctl", "disable", "--now", "antrean-hub.service", "antrean-counter.service",
         "antrean-display.service"],
        ["systemctl", "enable", "--now", "antrean-kiosk.service"],
    ]
    assert plan("hall", start=False)[-1] == ["systemctl", "enable", "antrean-hub.service",
                                             "antrean-display.service"]
    with pytest.raises(SetupError, match="unknown role"):
        plan("printer")


@needs_systemctl
def test_hall_then_kiosk_on_an_image(image: Path):
    r = cli("hall", "--root", str(image))
    assert r.returncode == 0, r.stderr
    assert enabled(image) == {"antrean-hub.service", "antrean-display.service"}
    link = image / "etc/systemd/system/multi-user.target.wants/antrean-hub.service"
    assert os.readlink(link) == "/usr/lib/systemd/system/antrean-hub.service"
    assert "Peran 'hall' aktif" in r.stdout
    assert "antrean doctor --role hall" in r.stdout

    # The same Pi becomes a kiosk: the hall's units go, the kiosk's comes.
    r = cli("kiosk", "--root", str(image), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert enabled(image) == {"antrean-kiosk.service"}
    assert "--role kiosk" in r.stdout and "/etc/antrean/kiosk.toml" in r.stdout

    # Again: idempotent.
    assert cli("kiosk", "--root", str(image)).returncode == 0
    assert enabled(image) == {"antrean-kiosk.service"}


@needs_systemctl
def test_dry_run_prints_and_changes_nothing(image: Path):
    r = cli("counter", "--root", str(image), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert enabled(image) == set()
    lines = r.stdout.splitlines()
    assert lines[0].startswith("#")
    assert lines[1:3] == [
        f"systemctl --root={image.resolve()} disable antrean-hub.service antrean-kiosk.service "
        "antrean-display.service",
        f"systemctl --root={image.resolve()} enable antrean-counter.service",
    ]


def test_dry_run_on_this_machine_says_now():
    r = cli("hall", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "systemctl enable --now antrean-hub.service antrean-display.service" in r.stdout


def test_missing_package_is_explained(tmp_path: Path):
    r = cli("kiosk", "--root", str(tmp_path))
    assert r.returncode == 2
    assert "pasang paket antrean" in r.stderr


def test_not_root_is_refused_before_anything_runs():
    ran: list[list[str]] = []
    with pytest.raises(SetupError, match="sudo antrean setup kiosk"):
        run("kiosk", runner=lambda cmd: ran.append(cmd) or 0, euid=1000)
    assert ran == []


def test_a_failing_systemctl_stops_with_its_command(image: Path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name)
    with pytest.raises(SetupError, match="kode 1.*disable"):
        run("kiosk", root=str(image), runner=lambda cmd: 1, out=lambda s: None)
