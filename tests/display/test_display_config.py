"""The display config: defaults, refusals that name section.key, and the CLI's overrides."""

from __future__ import annotations

import subprocess
import sys

import pytest

from display.app import build_parser
from display.app import main as display_main
from display.config import ConfigError, load_display_config, parse_display_config


def test_no_file_is_a_working_display_that_finds_its_hub_by_mdns():
    cfg = load_display_config(None)
    assert cfg.hub.url == "" and cfg.voice.enabled and cfg.mdns.advertise
    assert cfg.screen.lang == "id" and 5 <= cfg.screen.history + 1 <= 8
    assert cfg.voice.max_age_s == 120


def test_a_full_file_is_read(tmp_path):
    path = tmp_path / "display.toml"
    path.write_text('[hub]\nurl = "http://10.0.0.2:8470"\ntoken = "t"\n'
                    '[screen]\nname = "Layar Aula"\nhistory = 7\nlang = "en"\n'
                    '[voice]\nenabled = false\nenglish_repeat = true\nvolume = 0.6\nrate = 140\n'
                    'max_age_s = 90\n[mdns]\nadvertise = false\ninterfaces = ["10.0.0.5"]\n')
    cfg = load_display_config(path)
    assert cfg.hub.url == "http://10.0.0.2:8470" and cfg.screen.history == 7
    assert cfg.voice.english_repeat and cfg.voice.volume == 0.6 and cfg.voice.rate == 140
    assert cfg.mdns.interfaces == ["10.0.0.5"]


@pytest.mark.parametrize(("text", "named"), [
    ("[voice]\nvolum = 0.5\n", "voice.volum: unknown key"),
    ("[screen]\nhistory = 20\n", "screen.history"),
    ("[voice]\nrate = 'fast'\n", "voice.rate"),
    ("[speaker]\nvolume = 1\n", "speaker: unknown key"),
    ("[screen]\nlang = 'jv'\n", "screen.lang"),
    ("[hub\n", "not valid TOML"),
])
def test_a_bad_key_is_refused_by_name(text, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        parse_display_config(text, "display.toml")


def test_the_command_refuses_a_bad_config_naming_the_key(tmp_path, capsys):
    path = tmp_path / "display.toml"
    path.write_text("[voice]\nloudness = 3\n")
    assert display_main(["--config", str(path)]) == 2
    assert "voice.loudness: unknown key" in capsys.readouterr().err


def test_screen_needs_screenshot(capsys):
    assert display_main(["--screen", "busy"]) == 2
    assert "--screen needs --screenshot" in capsys.readouterr().err


def test_command_line_sizes():
    args = build_parser().parse_args(["--size", "1080x1920", "--lang", "en", "--no-voice"])
    assert args.size == (1080, 1920) and args.lang == "en" and args.no_voice
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--size", "big"])


def test_an_unsafe_qt_binding_is_refused_before_any_qt_import():
    # In a fresh process, as a Pi starts it: the check must run before PySide6 is loaded.
    code = ("import sys, antrean.qtcheck as q\n"
            "q.unsafe_pyside = lambda: 'PySide6 6.12.0 on Python 3.11 loses references'\n"
            "from display.app import main\n"
            "try:\n    main(['--no-voice'])\n"
            "except SystemExit as e:\n    print(e.code, 'PySide6' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert done.stdout.split() == ["2", "False"], done.stdout + done.stderr
    assert "antrean display: PySide6 6.12.0 on Python 3.11" in done.stderr
