"""``antrean doctor`` against real parts: a real hub on loopback, real file and fake printers
(the test ticket decoded back from its ESC/POS bytes), real espeak-ng with the Indonesian
voice present and absent, a real pty as the button box.

The voice is made absent the way a Pi without espeak-ng-data has it: ``ESPEAK_DATA_PATH``
points espeak-ng at a copy of its data folder without the Indonesian voice (or at an empty
folder). No test uses mDNS: the hub's URL is always given.
"""

from __future__ import annotations

import grp
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from hardware.doctor import build_parser, main, plan, resolve
from hardware.doctor_checks import FAIL, OK, WARN, Findings, Settings, check_clock, check_disk

REPO = Path(__file__).resolve().parents[2]


def doctor(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    out = capsys.readouterr().out.splitlines()
    return code, out


def line(out: list[str], title: str) -> str:
    hits = [s for s in out if f" {title}:" in s]
    assert len(hits) == 1, f"no single {title!r} line in:\n" + "\n".join(out)
    return hits[0]


def status(out: list[str], title: str) -> str:
    return line(out, title).split()[0]


def kiosk_config(tmp_path: Path, hub, *, printer: str, buttons: str = "", token: str | None = None) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        "[hub]\n"
        f'url = "{hub.url}"\n'
        f'token = "{hub.tokens["kiosk"] if token is None else token}"\n'
        "[printer]\n"
        f'spec = "{printer}"\n'
        "paper = 58\n"
        "[buttons]\n"
        f'port = "{buttons}"\n', encoding="utf-8")
    return cfg


def espeak_data_dir() -> Path:
    for d in [*Path("/usr/lib").glob("*/espeak-ng-data"), Path("/usr/share/espeak-ng-data")]:
        if (d / "phontab").exists():
            return d
    pytest.fail("espeak-ng-data not found (scripts/setup.sh installs espeak-ng)")


# ---------------------------------------------------------------- a kiosk


def test_kiosk_with_a_file_printer_prints_a_readable_test_ticket(capsys, shared_hub, tmp_path):
    from hardware.escpos_render import decode

    paper = tmp_path / "printer.bin"
    cfg = kiosk_config(tmp_path, shared_hub, printer=f"file:{paper}")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path), "--test-print")
    assert code == 0, "\n".join(out)
    assert out[0] == "antrean doctor — peran: kiosk"  # the role comes from the file's name
    for title in ("Konfigurasi", "Hub", "Jam", "Pemasangan (token)", "Printer tiket",
                  "Kotak tombol", "Ruang disk"):
        assert status(out, title) == "OK", line(out, title)
    assert "tiket uji dicetak" in line(out, "Printer tiket")
    assert "token diterima hub (pos 'pos-contoh')" in line(out, "Pemasangan (token)")
    # the one warning: this machine's chrony is not pointed at the hub (no set-up Pi)
    assert status(out, "Sumber waktu (chrony)") == "PERINGATAN"
    assert out[-1] == "0 gagal, 1 peringatan, 9 pemeriksaan"
    printed = decode(paper.read_bytes())
    assert "TES" in printed.lines
    assert "Tiket uji printer" in printed.lines
    assert printed.cut


def test_fake_printer_warns_and_saves_the_test_ticket_as_a_picture(capsys, shared_hub, tmp_path):
    pictures = tmp_path / "tickets"
    cfg = kiosk_config(tmp_path, shared_hub, printer=f"fake:{pictures}")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path), "--test-print")
    assert code == 0  # a warning is not a failure
    printer = line(out, "Printer tiket")
    assert printer.startswith("PERINGATAN")
    assert "tidak tercetak di kertas" in printer and str(pictures) in printer
    assert "Lakukan: atur [printer] spec" in printer
    assert len(list(pictures.glob("TES-*.png"))) == 1


def test_a_printer_that_is_not_there_fails_with_what_to_do(capsys, shared_hub, tmp_path):
    cfg = kiosk_config(tmp_path, shared_hub, printer="file:/nonexistent-antrean/lp0")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path), "--lang", "en")
    assert code == 1
    printer = line(out, "Ticket printer")
    assert printer.startswith("FAILED")
    assert "offline (file:/nonexistent-antrean/lp0)" in printer
    assert "check the printer's cable and power" in printer
    assert out[-1].startswith("1 failed")


def test_a_bad_printer_spec_is_named(capsys, shared_hub, tmp_path):
    cfg = kiosk_config(tmp_path, shared_hub, printer="usb:nothex")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path))
    assert code == 1
    assert "bad printer spec 'usb:nothex'" in line(out, "Printer tiket")


def test_button_box_on_a_pty_and_a_missing_port(capsys, shared_hub, tmp_path):
    master, slave = os.openpty()
    port = os.ttyname(slave)
    try:
        cfg = kiosk_config(tmp_path, shared_hub, printer=f"file:{tmp_path / 'p.bin'}",
                           buttons=port)
        # A pty belongs to its opener (group tty): the antrean service could not open it.
        code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path))
        box = line(out, "Kotak tombol")
        if os.geteuid() == 0:
            assert box.startswith("PERINGATAN") and "dialout" in box
            os.chown(port, -1, grp.getgrnam("dialout").gr_gid)  # as udev does for a USB serial
            os.chmod(port, 0o660)
            code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path))
            assert status(out, "Kotak tombol") == "OK"
            assert f"{port} terbuka (9600 baud)" in line(out, "Kotak tombol")
    finally:
        os.close(master)
        os.close(slave)
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path),
                       "--buttons", "/dev/ttyANTREAN-missing")
    assert code == 1
    box = line(out, "Kotak tombol")
    assert box.startswith("GAGAL") and "/dev/serial/by-id/" in box


def test_a_refused_token_and_a_missing_one(capsys, shared_hub, tmp_path):
    cfg = kiosk_config(tmp_path, shared_hub, printer=f"file:{tmp_path / 'p.bin'}",
                       token="not-a-real-token")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path))
    assert code == 1
    assert line(out, "Pemasangan (token)").startswith("GAGAL      Pemasangan (token): token ditolak")
    cfg = kiosk_config(tmp_path, shared_hub, printer=f"file:{tmp_path / 'p.bin'}", token="")
    code, out = doctor(capsys, "--config", str(cfg), "--data", str(tmp_path))
    pairing = line(out, "Pemasangan (token)")
    assert "belum dipasangkan" in pairing
    assert "antrean token --data /var/lib/antrean --role kiosk" in pairing


def test_an_unreachable_hub(capsys, tmp_path):
    code, out = doctor(capsys, "--role", "counter", "--hub", "http://127.0.0.1:9", "--token",
                       "x", "--data", str(tmp_path))
    assert code == 1
    hub = line(out, "Hub")
    assert hub.startswith("GAGAL")
    assert "http://127.0.0.1:9 tidak menjawab" in hub and "; alamat ditetapkan" in hub
    assert "systemctl status antrean-hub" in hub
    # one finding, one verdict: no "OK" about the same hub beside the failure
    assert [s for s in out if " Hub" in s and s.startswith("OK")] == []
    assert status(out, "Pemasangan (token)") == "PERINGATAN"
    assert not any("Printer" in s for s in out)  # a counter has no printer


# ---------------------------------------------------------------- the hall: voice


def test_voice_present_and_a_test_sentence(capsys, shared_hub, tmp_path):
    code, out = doctor(capsys, "--role", "display", "--hub", shared_hub.url, "--token",
                       shared_hub.tokens["display"], "--data", str(tmp_path), "--test-voice")
    voice = line(out, "Suara bahasa Indonesia")
    # With a sound card the sentence is played (OK); on a machine without one, the WAV is
    # made and the technician is told there is no sound device (PERINGATAN).
    assert voice.split()[0] in ("OK", "PERINGATAN"), voice
    assert "Nomor antrean A satu, silakan menuju loket satu." in voice
    wav = Path(voice.split("(")[1].split(")")[0]) if "dibuat" in voice else None
    if wav is not None:
        with wave.open(str(wav)) as w:
            assert w.getnframes() / w.getframerate() > 1.5  # chime + sentence
    assert status(out, "Pemasangan (token)") == "OK"
    assert code == 0


def test_voice_present_without_test(capsys, shared_hub, tmp_path):
    code, out = doctor(capsys, "--role", "display", "--hub", shared_hub.url, "--token",
                       shared_hub.tokens["display"], "--data", str(tmp_path))
    assert line(out, "Suara bahasa Indonesia") == (
        "OK         Suara bahasa Indonesia: suara espeak-ng 'id' tersedia")
    assert status(out, "Perangkat suara") in ("OK", "PERINGATAN")


def test_voice_absent_when_espeak_lacks_indonesian(capsys, shared_hub, tmp_path, monkeypatch):
    real = espeak_data_dir()
    fake = tmp_path / "espeak-ng-data"
    for src in real.rglob("*"):
        rel = src.relative_to(real)
        if rel.name in ("id", "id_dict"):
            continue  # the Indonesian voice and its dictionary
        dst = fake / rel
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src)
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(fake))
    code, out = doctor(capsys, "--role", "display", "--hub", shared_hub.url, "--token",
                       shared_hub.tokens["display"], "--data", str(tmp_path), "--test-voice")
    assert code == 1
    voice = line(out, "Suara bahasa Indonesia")
    assert voice.startswith("GAGAL      Suara bahasa Indonesia: tidak ada suara 'id'")
    assert "no voice for language 'id'" in voice
    assert "sudo apt install espeak-ng-data" in voice


def test_voice_absent_when_espeak_has_no_data_at_all(capsys, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(tmp_path / "empty"))
    code, out = doctor(capsys, "--role", "display", "--hub", "http://127.0.0.1:9",
                       "--data", str(tmp_path), "--lang", "en")
    assert code == 1
    voice = line(out, "Indonesian voice")
    assert voice.startswith("FAILED") and "phontab" in voice  # espeak-ng's own words


# ---------------------------------------------------------------- the hub itself


def test_hub_role_validates_the_post_config(capsys, shared_hub, tmp_path):
    good = REPO / "antrean/data/example_post.toml"
    code, out = doctor(capsys, "--role", "hub", "--config", str(good), "--hub", shared_hub.url,
                       "--data", str(tmp_path))
    assert code == 0, "\n".join(out)
    assert status(out, "Konfigurasi") == "OK"
    assert "Pemasangan" not in "\n".join(out)  # the hub pairs others, not itself
    bad = tmp_path / "hub.toml"
    bad.write_text(good.read_text(encoding="utf-8").replace("[policy]", "[policy]\nburst = 3"),
                   encoding="utf-8")
    code, out = doctor(capsys, "--role", "hub", "--config", str(bad), "--hub", shared_hub.url,
                       "--data", str(tmp_path))
    assert code == 1
    assert "policy.burst" in line(out, "Konfigurasi")


def test_a_hub_that_answers_but_is_not_seen_by_mdns_is_one_failed_finding(capsys, shared_hub,
                                                                          tmp_path):
    """The hall Pi's own hub answers on 127.0.0.1 (the shared hub advertises nothing): one
    "Hub" line, failed, saying both what answers and what devices cannot see."""
    example = (REPO / "antrean/data/example_post.toml").read_text(encoding="utf-8")
    cfg = tmp_path / "hub.toml"
    cfg.write_text(example.replace("port = 8470", f"port = {shared_hub.port}", 1)
                   .replace('interfaces = []', 'interfaces = ["127.0.0.1"]', 1)
                   .replace('tls = "auto"', 'tls = "off"', 1), encoding="utf-8")  # as it runs
    code, out = doctor(capsys, "--role", "hub", "--config", str(cfg), "--data", str(tmp_path),
                       "--mdns-timeout", "1")
    assert code == 1
    hub = line(out, "Hub")
    assert hub.startswith("GAGAL")
    assert f"127.0.0.1:{shared_hub.port} menjawab" in hub
    assert "tetapi tidak ada hub untuk pos 'pos-contoh' terlihat lewat mDNS" in hub
    assert "multicast" in hub
    assert sum(" Hub" in s for s in out) == 1


def test_json_output(capsys, shared_hub, tmp_path):
    code, out = doctor(capsys, "--role", "counter", "--hub", shared_hub.url, "--token",
                       shared_hub.tokens["counter"], "--data", str(tmp_path), "--json")
    report = json.loads("\n".join(out))
    assert code == 0 and report["ok"] is True and report["role"] == "counter"
    assert [c["id"] for c in report["checks"]] == [
        "config", "hub", "hub.key", "clock", "timesource", "pairing", "disk"]
    assert report["checks"][0] == {
        "id": "config", "status": "warn", "label": "PERINGATAN", "title": "Konfigurasi",
        "found": "tidak ada berkas konfigurasi (/etc/antrean/counter.toml); nilai bawaan dipakai",
        "todo": "salin contoh dari /usr/share/antrean/ ke /etc/antrean/ lalu isi"}


def test_the_cli_runs_it(shared_hub, tmp_path):
    r = subprocess.run([sys.executable, "-m", "antrean", "doctor", "--role", "counter", "--hub",
                        shared_hub.url, "--token", shared_hub.tokens["counter"], "--data",
                        str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    # the warnings: no config file; chrony not pointed at the hub (this is no set-up Pi)
    assert r.stdout.splitlines()[-1] == "0 gagal, 2 peringatan, 7 pemeriksaan"


# ---------------------------------------------------------------- pure parts


def test_plan_by_role():
    def ids(*args: str) -> list[str]:
        return plan(resolve(build_parser().parse_args(list(args))))

    base = ["config", "hub", "hub.key", "clock", "timesource"]
    assert ids("--role", "kiosk") == [*base, "pairing", "printer", "buttons", "disk"]
    assert ids("--role", "hall", "--hub", "http://h") == [*base, "hub.city", "pairing", "voice",
                                                          "sound", "disk"]
    assert ids("--role", "counter", "--printer", "fake") == [*base, "pairing", "printer", "disk"]


@pytest.mark.parametrize(("offset", "expected"), [(None, OK), (5, OK), (-120, WARN), (900, FAIL)])
def test_clock_against_the_hub(offset, expected):
    r = check_clock(Settings(role="kiosk"), Findings(hub_clock_offset_s=offset))
    assert r.status == expected
    if offset == -120:
        assert "120 detik lebih lambat dari hub" in r.found[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a file of another owner")
def test_data_files_of_another_owner_fail(tmp_path):
    (tmp_path / "antrean.db").write_bytes(b"")
    os.chown(tmp_path / "antrean.db", 12345, 12345)
    r = check_disk(Settings(data_dir=tmp_path))
    assert r.status == FAIL
    assert "antrean.db" in r.found[0] and "sudo chown -R antrean:antrean" in r.todo[0]
