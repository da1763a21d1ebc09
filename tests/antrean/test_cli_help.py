"""Every option and subcommand of every ``antrean`` parser says what it is for in --help.

The walk covers the top-level parser, each of its subcommands, and the parsers the apps and
the doctor own (``antrean kiosk --help`` is the kiosk's own parser, not a REMAINDER).
"""

from __future__ import annotations

import argparse
import importlib

import pytest

from antrean.cli import build_parser

#: Subcommands that hand their arguments to a parser of their own (module:function).
DELEGATED = {"kiosk": "kiosk.app", "counter": "counter.app", "display": "display.app",
             "doctor": "hardware.doctor"}


def _walk(parser: argparse.ArgumentParser, path: str):
    """Yield (where, action) for every action of ``parser`` and its subparsers."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{path} {name}", helps.get(name)
                if name in DELEGATED:
                    own = importlib.import_module(DELEGATED[name]).build_parser()
                    yield from _walk(own, f"{path} {name}")
                else:
                    yield from _walk(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            if action.dest == "args" and action.nargs == argparse.REMAINDER:
                continue  # the delegated parser's own options are walked instead
            opt = "/".join(action.option_strings) or action.dest
            yield f"{path} {opt}", action.help


def test_every_option_and_subcommand_has_a_help_text():
    walked = list(_walk(build_parser(), "antrean"))
    assert len(walked) > 60  # the walk reached the subcommands and the apps' own parsers
    missing = [where for where, text in walked if not (text and text.strip())]
    assert missing == [], "no help text: " + ", ".join(missing)


@pytest.mark.parametrize("cmd", ["hub", "token", "export", "demo", "kiosk", "doctor"])
def test_help_prints_and_exits_zero(cmd, capsys):
    from antrean.cli import main

    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0
    assert "--" in capsys.readouterr().out
