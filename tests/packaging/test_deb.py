"""The .deb, built here by packaging/build-deb.sh (as `make deb` does), then taken apart.

* ``dpkg-deb -c`` / ``-I``: the units, the venv, the configs, the conffiles, the Depends.
* ``dpkg --root`` into a scratch root with ``--force-script-chrootless``: the real postinst
  runs against that root (it honours ``$DPKG_ROOT``): the antrean user, its folders, and no
  unit enabled. Then remove and purge.
* The installed venv runs: ``antrean --version`` by its own interpreter, and — where a
  private mount namespace is allowed — through ``/usr/bin/antrean`` at the real path
  /opt/antrean/venv; the packaged hub serves /health; Qt loads offscreen.
* ``systemd-analyze verify`` on the installed units, with the packaged venv's real
  ``antrean`` (cage is a stand-in unless installed).

Set ANTREAN_TEST_DEB=path/to.deb to check an existing package instead of building one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import antrean

REPO = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"
VENV = "/opt/antrean/venv"
APPS = ("antrean", "kiosk", "counter", "display", "hardware")
CONFIGS = ("hub", "kiosk", "counter", "display")
UNITS = tuple(f"antrean-{r}.service" for r in ("hub", *CONFIGS[1:]))

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def run(*cmd: str | Path, **kw) -> subprocess.CompletedProcess[str]:
    kw.setdefault("timeout", 300)
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def arch() -> str:
    return run("dpkg", "--print-architecture", check=True).stdout.strip()


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    given = os.environ.get("ANTREAN_TEST_DEB")
    if given:
        return Path(given)
    build = tmp_path_factory.mktemp("deb-build")
    t0 = time.monotonic()
    r = run("bash", REPO / "packaging/build-deb.sh", env={**os.environ, "BUILD": str(build)},
            timeout=800)
    assert r.returncode == 0, r.stdout + r.stderr
    out = REPO / "dist" / f"antrean_{antrean.__version__}_{arch()}.deb"
    assert out.is_file()
    print(f"\n.deb built in {time.monotonic() - t0:.0f} s: {out} "
          f"({out.stat().st_size / 2**20:.0f} MiB)")
    return out


@pytest.fixture(scope="module")
def listing(deb) -> dict[str, str]:
    """Path in the package -> the `dpkg-deb -c` line (type, mode, link target)."""
    r = run("dpkg-deb", "-c", deb, check=True)
    entries = {}
    for line in r.stdout.splitlines():
        path = line.split(None, 5)[5].split(" -> ")[0]
        entries["/" + path.removeprefix("./").rstrip("/")] = line
    return entries


@pytest.fixture(scope="module")
def control(deb) -> dict[str, str]:
    text = run("dpkg-deb", "-f", deb, check=True).stdout
    fields: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if line.startswith(" ") and key:
            fields[key] += "\n" + line.strip()
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


@pytest.fixture(scope="module")
def installed(deb, tmp_path_factory) -> Path:
    """The package installed by dpkg into a scratch root; maintainer scripts run chrootless."""
    root = tmp_path_factory.mktemp("root")
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc", "var/lib"):
        (root / d).mkdir(parents=True, exist_ok=True)
    (root / "var/lib/dpkg/status").touch()
    for f in ("passwd", "group"):  # the base system's users, as on a Pi
        shutil.copy(f"/etc/{f}", root / "etc" / f)
    r = run("dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends",
            "--log=/dev/null", "-i", deb)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "antrean: installed. Next: sudo antrean setup" in r.stdout
    return root


def site(root: Path) -> Path:
    (lib,) = (root / VENV.lstrip("/") / "lib").glob("python3.*")
    return lib / "site-packages"


# ---------------------------------------------------------------- what is in it


def test_file_name_and_control(deb, control):
    assert deb.name == f"antrean_{antrean.__version__}_{arch()}.deb"
    assert control["Package"] == "antrean" and control["Architecture"] == arch()
    # The venv's interpreter is this Debian's python3: the package says which one.
    major, minor = run(PY, "-c", "import sys; print(*sys.version_info[:2])").stdout.split()
    depends = [d.strip() for d in control["Depends"].split(",")]
    assert f"python3 (>= {major}.{minor})" in depends
    assert f"python3 (<< {major}.{int(minor) + 1})" in depends
    for pkg in ("cage", "libpam-systemd", "espeak-ng-data", "libespeak-ng1", "alsa-utils",
                "libusb-1.0-0", "libegl1", "libwayland-client0", "chrony"):
        assert pkg in depends
    assert "avahi-daemon" in control["Recommends"]


def test_listing_has_the_units_the_venv_and_the_configs(listing):
    for unit in UNITS:
        assert f"/usr/lib/systemd/system/{unit}" in listing
    for f in ("/usr/lib/sysusers.d/antrean.conf", "/usr/lib/tmpfiles.d/antrean.conf",
              "/etc/pam.d/antrean", "/usr/lib/udev/rules.d/60-antrean-printer.rules",
              "/usr/share/doc/antrean/copyright", "/usr/share/doc/antrean/README.md",
              "/usr/share/antrean/chrony/antrean-hub.conf",
              f"{VENV}/pyvenv.cfg", f"{VENV}/bin/antrean"):
        assert f in listing, f
    assert re.search(rf"/usr/bin/antrean -> {VENV}/bin/antrean$", listing["/usr/bin/antrean"])
    assert listing[f"{VENV}/bin/python3"].endswith(f"-> {PY}")
    for name in CONFIGS:
        assert f"/usr/share/antrean/{name}.toml" in listing
        assert listing[f"/etc/antrean/{name}.toml"].startswith("-rw-r-----")  # holds tokens
    assert listing["/etc/antrean"].startswith("drwxr-x---")


def test_the_generic_package_names_live_only_in_the_private_venv(listing):
    lib = next(p for p in listing if re.fullmatch(rf"{VENV}/lib/python3\.\d+", p))
    sp = f"{lib}/site-packages"
    for app in APPS:
        assert f"{sp}/{app}/__init__.py" in listing, app
    assert f"{sp}/antrean/data/chrony-hub.conf" in listing  # what `setup hall` copies
    outside = [p for p in listing if not p.startswith(f"{VENV}/")
               and (re.search(r"/(site|dist)-packages(/|$)", p) or p.startswith("/usr/lib/python"))]
    assert outside == []
    tops = {p.split("/")[-2] for p in listing if p.endswith("/__init__.py")}
    for app in APPS:
        holders = [p for p in listing if p.endswith(f"/{app}/__init__.py")]
        assert holders == [f"{sp}/{app}/__init__.py"], holders
    assert "PySide6" in tops


def test_conffiles_are_the_etc_files(deb, tmp_path):
    run("dpkg-deb", "-e", deb, tmp_path / "DEBIAN", check=True)
    conffiles = (tmp_path / "DEBIAN/conffiles").read_text().split()
    assert sorted(conffiles) == sorted([f"/etc/antrean/{n}.toml" for n in CONFIGS]
                                       + ["/etc/pam.d/antrean"])
    for script in ("postinst", "prerm", "postrm"):
        assert run("sh", "-n", tmp_path / "DEBIAN" / script).returncode == 0


def test_default_configs_are_valid_for_their_apps(installed):
    from antrean.config import load_post_config

    etc = installed / "etc/antrean"
    assert (etc / "hub.toml").read_bytes() == (REPO / "antrean/data/example_post.toml").read_bytes()
    assert load_post_config(str(etc / "hub.toml")).post.id == "pos-contoh"
    for name in CONFIGS:
        assert (etc / f"{name}.toml").read_bytes() == (
            installed / f"usr/share/antrean/{name}.toml").read_bytes()
    kiosk = pytest.importorskip("kiosk.config")
    kiosk.parse_kiosk_config((etc / "kiosk.toml").read_text(), "kiosk.toml")
    counter = pytest.importorskip("counter.config")
    assert counter.load_counter_config(etc / "counter.toml").screen.fullscreen is True
    display = pytest.importorskip("display.config")
    display.parse_display_config((etc / "display.toml").read_text(), "display.toml")


# ---------------------------------------------------------------- installed by dpkg


def test_postinst_made_the_user_and_folders_and_enabled_nothing(installed):
    passwd = {line.split(":")[0]: line.split(":") for line in
              (installed / "etc/passwd").read_text().splitlines()}
    user = passwd["antrean"]
    assert user[5:] == ["/var/lib/antrean", "/usr/sbin/nologin"]
    groups = {line.split(":")[0]: line.split(":")[2] for line in
              (installed / "etc/group").read_text().splitlines()}
    data = (installed / "var/lib/antrean").stat()
    assert (oct(data.st_mode & 0o777), data.st_uid) == ("0o750", int(user[2]))
    conf = (installed / "etc/antrean/kiosk.toml").stat()
    assert (oct(conf.st_mode & 0o777), conf.st_gid) == ("0o640", int(groups["antrean"]))
    wants = list((installed / "etc/systemd/system").rglob("antrean-*")) if (
        installed / "etc/systemd/system").exists() else []
    assert wants == []  # nothing enabled by the package itself


def test_antrean_version_runs_from_the_installed_venv(installed):
    venv = installed / VENV.lstrip("/")
    r = run(venv / "bin/python", "-I", "-m", "antrean", "--version")
    assert (r.returncode, r.stdout.strip()) == (0, f"antrean {antrean.__version__}"), r.stderr
    # Its own site-packages only: not this checkout, not the system's dist-packages.
    r = run(venv / "bin/python", "-I", "-c",
            "import sys, kiosk, hardware.doctor, escpos, serial, pyttsx3, usb, PySide6.QtQuick;"
            "print(sys.prefix); print(kiosk.__file__); print(any('dist-packages' in p for p in sys.path))")
    assert r.returncode == 0, r.stderr
    prefix, kiosk_file, dist = r.stdout.split()
    assert prefix == str(venv) and kiosk_file.startswith(str(site(installed)))
    assert dist == "False"
    cfg = (venv / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg and "build" not in cfg
    assert (venv / "bin/antrean").read_text().splitlines()[0] == f"#!{VENV}/bin/python"


def test_the_real_paths_in_a_private_mount_namespace(installed):
    """/usr/bin/antrean -> /opt/antrean/venv/bin/antrean -> #!/opt/antrean/venv/bin/python,
    exactly as on a Pi: the scratch root's /opt is bind-mounted on /opt, for this process only."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) not installed")
    probe = run("unshare", "-m", "true")
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.strip()}")
    r = run("unshare", "-m", "sh", "-c",
            f"mount --bind '{installed}/opt' /opt && exec '{installed}/usr/bin/antrean' --version")
    assert (r.returncode, r.stdout.strip()) == (0, f"antrean {antrean.__version__}"), r.stderr


def test_the_packaged_hub_serves(installed, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    venv = installed / VENV.lstrip("/")
    hub = subprocess.Popen(
        [str(venv / "bin/python"), "-I", "-m", "antrean", "hub", "--data", str(tmp_path),
         "--config", str(installed / "etc/antrean/hub.toml"), "--host", "127.0.0.1",
         "--port", str(port), "--no-mdns"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None and hub.poll() is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert body is not None, hub.stdout.read().decode() if hub.poll() is not None else "no answer"
        assert body["post"]["id"] == "pos-contoh" and body["version"] == antrean.__version__
    finally:
        hub.send_signal(signal.SIGTERM)
        log = hub.communicate(timeout=30)[0].decode()
    # uvicorn shuts down cleanly, then re-raises SIGTERM: systemd counts that as a clean stop.
    assert hub.returncode in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log


def test_qt_loads_from_the_package(installed):
    venv = installed / VENV.lstrip("/")
    r = run(venv / "bin/python", "-I", "-c",
            "from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]);"
            "print(app.platformName())",
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert (r.returncode, r.stdout.strip()) == (0, "offscreen"), r.stderr


def test_installed_units_verify_with_the_packaged_binary(installed, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze missing: scripts/setup.sh installs systemd")
        pytest.skip("systemd-analyze not installed")
    root = tmp_path / "image"
    shutil.copytree(installed, root, symlinks=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True,
                    dirs_exist_ok=True)
    cage = root / "usr/bin/cage"
    if shutil.which("cage"):
        shutil.copy(shutil.which("cage"), cage)
    else:
        cage.write_text("#!/bin/sh\n")
        cage.chmod(0o755)
    units = [str(root / "usr/lib/systemd/system" / u) for u in UNITS]
    r = run(analyze, "verify", "--man=no", f"--root={root}", *units, timeout=120)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def test_remove_keeps_configs_and_purge_keeps_the_posts_data(deb, tmp_path):
    root = tmp_path / "root"
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"):
        (root / d).mkdir(parents=True)
    (root / "var/lib/dpkg/status").touch()
    for f in ("passwd", "group"):
        shutil.copy(f"/etc/{f}", root / "etc" / f)
    dpkg = ("dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends",
            "--log=/dev/null")
    assert run(*dpkg, "-i", deb).returncode == 0
    (root / "var/lib/antrean/antrean.db").write_text("the post's records")
    for rel in ("etc/chrony/conf.d/antrean-hub.conf", "etc/chrony/sources.d/antrean-hub.sources",
                "etc/chrony/conf.d/other.conf"):  # as `antrean setup` left them, and another's
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# test\n")
    assert run(*dpkg, "--remove", "antrean").returncode == 0
    assert not (root / "opt/antrean").exists()
    assert (root / "etc/antrean/hub.toml").exists()  # conffiles stay until purge
    r = run(*dpkg, "--purge", "antrean")
    assert r.returncode == 0, r.stderr
    assert not (root / "etc/antrean/hub.toml").exists()
    assert not (root / "etc/chrony/conf.d/antrean-hub.conf").exists()  # chrony is chrony's again
    assert not (root / "etc/chrony/sources.d/antrean-hub.sources").exists()
    assert (root / "etc/chrony/conf.d/other.conf").exists()
    assert (root / "var/lib/antrean/antrean.db").read_text() == "the post's records"
    assert "kept the post's data" in r.stdout


def test_the_lock_has_wheels_for_the_pi(tmp_path):
    """The same pins build the Pi's package: Raspberry Pi OS Trixie is arm64 with Python 3.13.

    pip resolves (without installing) each pinned version for that platform; a compiled
    package must have a wheel for it (the Pi has no compiler). Only pure-Python sdists may
    be built from source.
    """
    tags = [f"manylinux_2_{n}_aarch64" for n in (17, 24, 26, 27, 28, 31, 34, 35, 36, 38, 39, 41)]
    report = tmp_path / "report.json"
    r = run(sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
            "--target", tmp_path / "t", *(a for t in tags for a in ("--platform", t)),
            "--platform", "manylinux2014_aarch64", "--python-version", "3.13",
            "--implementation", "cp", "--no-deps", "-r", REPO / "packaging/requirements.lock",
            "--report", report, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    got = {i["metadata"]["name"].lower(): i["download_info"]["url"].rsplit("/", 1)[-1]
           for i in json.loads(report.read_text())["install"]}
    pins = [line.split("==")[0].lower() for line in
            (REPO / "packaging/requirements.lock").read_text().splitlines()
            if line and not line.startswith("#")]
    assert sorted(got) == sorted(set(pins))  # a pin split by python_version counts once
    sdists = sorted(n for n, f in got.items() if not f.endswith(".whl"))
    assert sdists == ["docopt"]  # one file of pure Python


def test_build_used_no_python_but_debians(installed):
    """The venv must point at the interpreter a Pi has, never at a developer's pyenv."""
    cfg = (installed / VENV.lstrip("/") / "pyvenv.cfg").read_text()
    assert re.search(r"^home = /usr/bin$", cfg, re.M), cfg
    assert sys.executable  # the test process itself may be any Python
