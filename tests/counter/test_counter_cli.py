"""``antrean counter`` from the command line: refusals, and a live screenshot."""

from __future__ import annotations

import os
import subprocess
import sys

from counter.app import main


def test_a_bad_config_stops_with_a_message(tmp_path, capsys):
    # (No token at all is not one: the counter starts and its screen says what to do,
    # see test_counter_token.py.)
    f = tmp_path / "counter.toml"
    f.write_text("[mdns]\nadvertize = false\n", encoding="utf-8")
    assert main(["--config", str(f), "--token", "x"]) == 2
    assert "mdns.advertize: unknown key" in capsys.readouterr().err
    assert main(["--token", "x", "--screen", "idle"]) == 2
    assert "--screen needs --screenshot" in capsys.readouterr().err


def test_screenshot_of_the_live_screen_from_a_real_hub(counter_hub, tmp_path):
    png = tmp_path / "counter.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "antrean", "counter", "--hub", counter_hub.url,
         "--token", counter_hub.tokens["counter"], "--counter", "9", "--size", "1024x600",
         "--screenshot", str(png)],
        capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"screenshot saved: {png}" in out.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "WARNING" not in out.stderr.replace("hub NOT connected", "")
    assert "qml" not in out.stderr.lower()  # no QML warnings or errors


def test_staged_screenshot_in_process(qtbot, tmp_path):
    png = tmp_path / "called.png"
    assert main(["--screenshot", str(png), "--screen", "called", "--size", "1024x600"]) == 0
    assert png.stat().st_size > 10_000


def test_an_unsafe_qt_binding_is_refused_before_any_qt_import():
    # In a fresh process, as a Pi starts it: the check must run before PySide6 is loaded.
    code = ("import sys, antrean.qtcheck as q\n"
            "q.unsafe_pyside = lambda: 'PySide6 6.12.0 on Python 3.11 loses references'\n"
            "from counter.app import main\n"
            "try:\n    main(['--token', 'x'])\n"
            "except SystemExit as e:\n    print(e.code, 'PySide6' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert done.stdout.split() == ["2", "False"], done.stdout + done.stderr
    assert "antrean counter: PySide6 6.12.0 on Python 3.11" in done.stderr
