"""The kiosk config: typed, refused by name when wrong; the staff PIN kept only as a hash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.app import main
from kiosk.config import (
    ConfigError,
    KioskConfig,
    apply_overrides,
    hash_pin,
    load_kiosk_config,
    parse_kiosk_config,
    verify_pin,
)


def test_defaults_run_a_kiosk_on_a_laptop() -> None:
    cfg = KioskConfig()
    assert (cfg.printer.spec, cfg.printer.paper, cfg.kiosk.lang) == ("fake", 80, "id")
    assert cfg.hub.url == "" and cfg.staff.pin_hash == ""  # mDNS; and no default PIN
    assert cfg.kiosk.priorities == ["elderly", "disabled"]


def test_a_full_config_reads() -> None:
    cfg = parse_kiosk_config("""
        [kiosk]
        name = "kiosk-depan"
        lang = "en"
        priorities = ["elderly", "disabled", "pregnant"]
        [hub]
        url = "http://192.168.1.10:8470"
        token = "t"
        [printer]
        spec = "serial:/dev/ttyUSB0:19200"
        paper = 58
        [buttons]
        port = "/dev/ttyACM0"
        [buttons.map]
        1 = { service = "adminduk" }
        2 = { service = "kesehatan", priority = "elderly" }
        [staff]
        history = 20
        [mdns]
        interfaces = ["192.168.1.20"]
    """)
    assert cfg.buttons.map[2].service == "kesehatan" and cfg.buttons.map[2].priority == "elderly"
    assert cfg.buttons.map[1].priority is None
    assert cfg.printer.paper == 58 and cfg.kiosk.name == "kiosk-depan"


@pytest.mark.parametrize("text, named", [
    ("[printer]\nspecc = 'fake'", "printer.specc: unknown key"),
    ("[printr]\nspec = 'fake'", "printr: unknown key"),
    ("[printer]\npaper = 70", "printer.paper"),
    ("[kiosk]\nlang = 'jv'", "kiosk.lang"),
    ("[kiosk]\npriorities = ['vip']", "kiosk.priorities"),
    ("[buttons.map]\n2 = { service = 'a', priority = 'vip' }", "buttons.map.2.priority"),
    ("[buttons.map]\n2 = { servis = 'a' }", "buttons.map.2.servis: unknown key"),
    ("[buttons.map]\n0 = { service = 'a' }", "buttons.map.0"),
    ("[staff]\npin_hash = '1234'", "staff.pin_hash"),
    ("[hub\nurl=", "not valid TOML"),
])
def test_a_wrong_key_is_refused_by_name(text: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_kiosk_config(text, "kiosk.toml")
    assert named in str(err.value) and str(err.value).startswith("kiosk.toml: ")


def test_command_line_overrides_are_validated_too() -> None:
    cfg = apply_overrides(KioskConfig(), hub_url="http://h:1", printer_paper=58, buttons_port=None)
    assert (cfg.hub.url, cfg.printer.paper, cfg.buttons.port) == ("http://h:1", 58, "")
    with pytest.raises(ConfigError, match="command line: printer.paper"):
        apply_overrides(KioskConfig(), printer_paper=70)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_kiosk_config(tmp_path / "nope.toml")


def test_pin_is_stored_as_a_salted_hash() -> None:
    stored = hash_pin("2468")
    assert "2468" not in stored and stored.startswith("scrypt$")
    assert stored != hash_pin("2468")  # salted
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored) and not verify_pin("", stored)
    assert not verify_pin("2468", "garbage")
    for bad in ("123", "abcd", "1" * 13, "12 34"):
        with pytest.raises(ValueError):
            hash_pin(bad)


def test_cli_bad_config_exits_2_naming_the_key(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[printer]\ncolour = 'red'\n")
    assert main(["--config", str(bad)]) == 2
    assert "printer.colour: unknown key" in capsys.readouterr().err


def test_cli_hash_pin_prints_a_config_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    assert main(["--hash-pin"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('pin_hash = "scrypt$')
    cfg = parse_kiosk_config(f"[staff]\n{line}\n")
    assert verify_pin("97531", cfg.staff.pin_hash)


def test_cli_refuses_a_bad_size(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--size", "big"])
    assert exc.value.code == 2
    assert "WxH" in capsys.readouterr().err


def test_the_packaged_example_reads_and_matches_the_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / "kiosk" / "kiosk.example.toml"
    assert load_kiosk_config(example) == KioskConfig()


@pytest.mark.parametrize("spec", ["lp0", "serial:", "bluetooth:x"])
def test_a_printer_spec_of_unknown_kind_is_refused(spec: str) -> None:
    with pytest.raises(ConfigError, match="printer.spec"):
        parse_kiosk_config(f"[printer]\nspec = '{spec}'\n")
