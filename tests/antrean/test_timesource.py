"""The post's clock: the chrony files ``antrean setup`` writes for each role, on a scratch
system image, the hub found by real mDNS on 127.0.0.1, and chrony's own parser on them."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from antrean.setup_role import UNITS, find_hub_address, run
from antrean.timesource import DEVICE_DROPIN, HUB_DROPIN, SOURCES, configured_hub, files_for

LOOPBACK = ["127.0.0.1"]
REPO = Path(__file__).resolve().parents[2]


def make_image(root: Path, *, chrony: bool = True) -> Path:
    """A system image with the package's units (and chrony's two folders, which Debian's
    chrony.conf reads)."""
    (root / "usr/lib/systemd/system").mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(REPO / "systemd" / unit, root / "usr/lib/systemd/system" / unit)
    dirs = ("etc/chrony/conf.d", "etc/chrony/sources.d") if chrony else ()
    for d in (*dirs, "etc/antrean"):
        (root / d).mkdir(parents=True)
    return root


@pytest.fixture(autouse=True)
def systemctl_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner below stands in for systemctl: whether this machine has one is moot."""
    monkeypatch.setattr("antrean.setup_role.shutil.which", lambda name, **kw: f"/usr/bin/{name}")


@pytest.fixture
def image(tmp_path: Path) -> Path:
    return make_image(tmp_path / "root")


def setup(role: str, image: Path, address: str | None = None) -> list[str]:
    said: list[str] = []
    ran: list[list[str]] = []
    run(role, root=str(image), runner=lambda cmd: ran.append(cmd) or 0, out=said.append,
        find_hub=lambda root, r, browse: address)
    assert not any("chrony.service" in cmd for cmd in ran)  # an image: nothing restarted
    return said


def test_the_hall_pi_serves_ntp_to_the_post_lan(image: Path) -> None:
    said = setup("hall", image)
    text = (image / HUB_DROPIN).read_text()
    assert "allow 192.168.0.0/16" in text and "allow 10.0.0.0/8" in text
    assert "local stratum 10" in text and "rtcsync" in text
    assert "\nallow 0.0.0.0/0" not in text and "\nallow all" not in text  # never the world
    assert any("melayani NTP" in line for line in said)
    assert not (image / SOURCES).exists()


def test_a_device_follows_the_hub_found_for_it(image: Path) -> None:
    said = setup("kiosk", image, "192.168.8.20")
    assert (image / SOURCES).read_text().splitlines()[-1] == \
        "server 192.168.8.20 iburst prefer minpoll 4 maxpoll 6"
    assert "makestep 1 -1" in (image / DEVICE_DROPIN).read_text()
    assert configured_hub(image) == "192.168.8.20"
    assert any("192.168.8.20" in line for line in said)
    # The hub not found: said, nothing written, the units set up all the same.
    (image / SOURCES).unlink()
    said = setup("counter", image, None)
    assert not (image / SOURCES).exists()
    assert any("tidak ditemukan" in line for line in said)


def test_no_chrony_is_said_and_skipped(tmp_path: Path) -> None:
    root = make_image(tmp_path / "bare", chrony=False)
    said = setup("hall", root)
    assert not (root / HUB_DROPIN).exists()
    assert any("chrony tidak terpasang" in line for line in said)
    assert any("Peran 'hall' aktif" in line for line in said)  # the units all the same
    assert files_for("kiosk", None) == {}
    with pytest.raises(ValueError):
        files_for("kiosk", "hub.local; server evil")  # only an address reaches chrony


def test_the_hub_address_from_config_or_mdns(image: Path) -> None:
    from antrean.discovery import Advertiser

    cfg = image / "etc/antrean/kiosk.toml"
    cfg.write_text('[hub]\nurl = "https://10.200.9.1:8470"\n')
    assert find_hub_address(image, "kiosk", browse=False) == "10.200.9.1"
    post = f"pos-{uuid.uuid4().hex[:8]}"
    cfg.write_text(f'[hub]\npost = "{post}"\n[mdns]\ninterfaces = ["127.0.0.1"]\n')
    assert find_hub_address(image, "kiosk", browse=False) is None  # an image: no browsing
    with Advertiser("hub", post, "Hub Uji", 8470, interfaces=LOOPBACK):
        assert find_hub_address(image, "kiosk", browse=True, timeout=10) == "127.0.0.1"


@pytest.mark.skipif(shutil.which("chronyd") is None and not __import__("os").environ.get("CI"),
                    reason="chrony not installed here (CI installs it)")
def test_chrony_itself_reads_every_file_we_write(image: Path, tmp_path: Path) -> None:
    setup("hall", image)
    setup("display", image, "10.0.0.5")
    for rel in (HUB_DROPIN, DEVICE_DROPIN, SOURCES):
        r = subprocess.run(["chronyd", "-p", "-f", str(image / rel)], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, (rel, r.stderr)
        body = [ln for ln in (image / rel).read_text().splitlines()
                if ln.strip() and not ln.startswith("#")]
        assert all(ln.split()[0] in r.stdout for ln in body), r.stdout


def test_doctor_says_where_the_time_comes_from_and_how_to_fix_it(image: Path) -> None:
    from hardware.doctor_checks import OK, WARN, Findings, Settings
    from hardware.doctor_time import check_time_source

    def check(role: str, hub_url: str = "https://192.168.8.20:8470") -> tuple[str, str, str]:
        r = check_time_source(Settings(role=role), Findings(hub_url=hub_url), root=image)
        return r.status, r.found[0], (r.todo or ("", ""))[0]

    status, found, todo = check("hall")
    assert status == WARN and todo == "sudo antrean setup hall"
    setup("hall", image)
    assert check("hall")[0] == OK
    status, found, todo = check("kiosk")
    assert status == WARN and "belum diarahkan" in found and "antrean setup kiosk" in todo
    setup("kiosk", image, "192.168.8.20")
    assert check("kiosk") == (OK, "chrony mengikuti hub di 192.168.8.20", "")
    status, found, todo = check("kiosk", "https://192.168.8.31:8470")  # a new lease
    assert status == WARN and "hub sekarang di 192.168.8.31" in found
    assert todo.startswith("sudo antrean setup kiosk")
