"""The counter config: defaults, unknown keys named, the command line on top."""

from __future__ import annotations

import pytest

from counter.app import _config, build_parser
from counter.config import ConfigError, load_counter_config, parse_size


def test_no_file_is_a_working_config(monkeypatch, tmp_path):
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    cfg = load_counter_config(None)
    assert (cfg.counter.number, cfg.counter.lang, cfg.mdns.advertise) == (0, "id", True)
    assert cfg.state_dir() == tmp_path / "antrean"
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/antrean")
    assert str(cfg.state_dir()) == "/var/lib/antrean"


def test_an_unknown_key_is_named_with_its_section(tmp_path):
    f = tmp_path / "counter.toml"
    f.write_text('[counter]\nnumbr = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"counter\.toml: counter\.numbr: unknown key"):
        load_counter_config(f)
    f.write_text('[counter]\nnumber = 300\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"counter\.number: .*less than or equal to 99"):
        load_counter_config(f)
    f.write_text('[hub]\nurl = "192.168.1.10"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hub\.url: .*http://"):
        load_counter_config(f)
    f.write_text('[screen]\nsize = "big"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"screen\.size"):
        load_counter_config(f)
    f.write_text('[counter\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_counter_config(f)


def test_the_command_line_wins_and_the_token_can_live_in_a_file(tmp_path):
    token = tmp_path / "token"
    token.write_text("s3cret\n", encoding="utf-8")
    f = tmp_path / "counter.toml"
    f.write_text(f'[hub]\ntoken_file = "{token}"\n[counter]\nnumber = 2\nservices = ["a"]\n',
                 encoding="utf-8")
    args = build_parser().parse_args(["--config", str(f), "--counter", "5", "--services",
                                      "kesehatan, bansos", "--size", "1024x600", "--lang", "en"])
    cfg = _config(args)
    assert cfg.counter.number == 5 and cfg.counter.services == ["kesehatan", "bansos"]
    assert cfg.counter.lang == "en" and parse_size(cfg.screen.size) == (1024, 600)
    assert cfg.token() == "s3cret"


def test_counter_numbers_outside_1_to_99_are_refused_on_the_command_line(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--counter", "0"])
    assert "1..99" in capsys.readouterr().err
