"""The systemd units, the sysusers and tmpfiles snippets: read as systemd reads them.

``systemd-analyze verify`` checks that every ExecStart= binary exists and is executable, so
it runs with ``--root`` on a scratch system image: this machine's own unit files (for the
targets and services ours refer to), our units unchanged in /etc/systemd/system, and
stand-in executables at /usr/bin/cage and /opt/antrean/venv/bin/antrean. The real venv
binary is verified in test_deb.py, on the tree extracted from the .deb.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from antrean.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "systemd"
SCREENS = ("kiosk", "counter", "display")
ALL = ("hub", *SCREENS)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} missing: scripts/setup.sh installs systemd")
        pytest.skip(f"{name} not installed")
    return path


def unit(role: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd sees it: section -> key -> every value (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (UNITS / f"antrean-{role}.service").read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text or text[0] in "#;":
            continue
        if text.startswith("["):
            current = sections.setdefault(text.strip("[]"), {})
            continue
        key, _, value = text.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def words(u: dict[str, dict[str, list[str]]], section: str, key: str) -> list[str]:
    return [w for v in u[section].get(key, []) for w in v.split()]


def one(u: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = u[section].get(key, [])
    assert len(values) == 1, f"{section}.{key}: {values}"
    return values[0]


def env(u: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words(u, "Service", "Environment"))


@pytest.mark.parametrize("role", ALL)
def test_every_unit_runs_as_antrean_restarts_and_is_watched(role):
    u = unit(role)
    s = "Service"
    assert one(u, s, "User") == "antrean" and one(u, s, "Group") == "antrean"
    assert one(u, s, "Restart") == "on-failure"
    assert one(u, s, "Type") == "notify"
    assert int(one(u, s, "WatchdogSec")) >= 10
    assert one(u, s, "StateDirectory") == "antrean"
    # After the network and avahi, wanted but never required.
    for target in ("network-online.target", "avahi-daemon.service"):
        assert target in words(u, "Unit", "After") and target in words(u, "Unit", "Wants")
    assert "Requires" not in u["Unit"]
    assert one(u, "Install", "WantedBy") == "multi-user.target"
    assert one(u, s, "NoNewPrivileges") == "yes"
    # room for connections: systemd's default soft limit of 1,024 runs out under load
    assert int(one(u, s, "LimitNOFILE")) >= 65536


def test_the_hub_serves_the_state_directory_with_the_packaged_config():
    u = unit("hub")
    cmd = shlex.split(one(u, "Service", "ExecStart"))
    assert cmd[0] == "/opt/antrean/venv/bin/antrean"
    args = build_parser().parse_args(cmd[1:])  # the real CLI accepts it
    assert (args.cmd, args.data, args.config) == ("hub", "/var/lib/antrean", "/etc/antrean/hub.toml")
    assert one(u, "Service", "NotifyAccess") == "main"
    assert one(u, "Service", "PrivateDevices") == "yes"  # the hub touches no device


@pytest.mark.parametrize("role", SCREENS)
def test_screens_run_the_app_under_cage_as_the_antrean_user(role):
    u = unit(role)
    s = "Service"
    cmd = shlex.split(one(u, s, "ExecStart"))
    assert cmd[0] == "/usr/bin/cage"
    app = cmd[cmd.index("--") + 1:]
    assert app[:2] == ["/opt/antrean/venv/bin/antrean", role]
    assert app[app.index("--config") + 1] == f"/etc/antrean/{role}.toml"
    assert set(words(u, s, "SupplementaryGroups")) == {"video", "render", "input", "lp",
                                                         "dialout", "audio"}
    e = env(u)
    assert e["QT_QPA_PLATFORM"] == "wayland"
    assert e["XDG_RUNTIME_DIR"] == f"%t/{one(u, s, 'RuntimeDirectory')}"
    assert one(u, s, "RuntimeDirectoryMode") == "0700"
    # The app, cage's child, sends the notifications.
    assert one(u, s, "NotifyAccess") == "all"
    # A logind session on the console, through the PAM service the package ships.
    assert (REPO / "packaging/pam.d" / one(u, s, "PAMName")).is_file()
    assert one(u, s, "TTYPath") == "/dev/tty1"
    assert "getty@tty1.service" in words(u, "Unit", "Conflicts")
    others = {f"antrean-{r}.service" for r in SCREENS if r != role}
    assert others <= set(words(u, "Unit", "Conflicts"))  # one screen per Pi
    assert "antrean-hub.service" in words(u, "Unit", "After")


def _image(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    host_units = Path("/usr/lib/systemd/system")
    shutil.copytree(host_units, root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    for f in UNITS.glob("antrean-*.service"):
        shutil.copy(f, root / "etc/systemd/system" / f.name)
    return root


def _stub(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)


def test_systemd_analyze_verify_passes(tmp_path):
    analyze = tool("systemd-analyze")
    root = _image(tmp_path)
    _stub(root / "usr/bin/cage")
    _stub(root / "opt/antrean/venv/bin/antrean")
    units = sorted(str(p) for p in (root / "etc/systemd/system").glob("antrean-*.service"))
    assert len(units) == 4
    r = subprocess.run([analyze, "verify", "--man=no", f"--root={root}", *units],
                       capture_output=True, text=True, timeout=120)
    # verify exits 0 on unknown keys too, so any word from it is a failure.
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def test_verify_catches_a_missing_binary(tmp_path):
    """The check above is not vacuous: without cage, the screens fail."""
    analyze = tool("systemd-analyze")
    root = _image(tmp_path)
    _stub(root / "opt/antrean/venv/bin/antrean")
    r = subprocess.run([analyze, "verify", "--man=no", f"--root={root}",
                        str(root / "etc/systemd/system/antrean-kiosk.service")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "/usr/bin/cage is not executable" in r.stderr


def test_sysusers_makes_the_user_and_the_groups(tmp_path):
    sysusers = tool("systemd-sysusers")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    for name in ("passwd", "group"):
        shutil.copy(f"/etc/{name}", root / "etc" / name)
    r = subprocess.run([sysusers, f"--root={root}", str(UNITS / "antrean.sysusers")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    user = next(x for x in (root / "etc/passwd").read_text().splitlines()
                if x.startswith("antrean:")).split(":")
    assert user[5:] == ["/var/lib/antrean", "/usr/sbin/nologin"]
    assert int(user[2]) < 1000  # a system user
    groups = {x.split(":")[0] for x in (root / "etc/group").read_text().splitlines()}
    assert {"antrean", "render", "input"} <= groups


def test_tmpfiles_prepare_the_data_folder_and_guard_the_tokens(tmp_path):
    tmpfiles = tool("systemd-tmpfiles")
    root = tmp_path / "root"
    (root / "etc/antrean").mkdir(parents=True)
    (root / "var/lib").mkdir(parents=True)
    (root / "etc/antrean/kiosk.toml").write_text("[hub]\n")
    shutil.copy("/etc/passwd", root / "etc/passwd")
    shutil.copy("/etc/group", root / "etc/group")
    subprocess.run([tool("systemd-sysusers"), f"--root={root}", str(UNITS / "antrean.sysusers")],
                   check=True, capture_output=True, timeout=60)
    r = subprocess.run([tmpfiles, f"--root={root}", "--create", str(UNITS / "antrean.tmpfiles")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert oct((root / "var/lib/antrean").stat().st_mode & 0o777) == "0o750"
    assert oct((root / "etc/antrean/kiosk.toml").stat().st_mode & 0o777) == "0o640"
