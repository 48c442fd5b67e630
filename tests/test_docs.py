"""The documentation keeps up with the CLI: every command is in README.md's table
and every --help ends with an example that the parser itself accepts."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from recoupe.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    return dict(actions[0].choices)


COMMANDS = sorted(_commands())


def _readme_table_commands() -> set[str]:
    rows = [line for line in README.read_text("utf-8").splitlines() if line.startswith("| `recoupe ")]
    return {line.split("`recoupe ", 1)[1].split()[0].rstrip("`") for line in rows}


def _examples(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    return [lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line.strip() == "Example:"]


def test_the_cli_has_the_commands_the_readme_promises() -> None:
    assert {"brief", "ingest", "stories", "search", "cluster", "demo", "eval", "bench", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_table(command: str) -> None:
    assert command in _readme_table_commands(), f"README.md's command table has no row for `recoupe {command}`"


def test_the_readme_table_lists_no_command_that_does_not_exist() -> None:
    assert _readme_table_commands() <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example_of_itself(command: str) -> None:
    examples = _examples(_commands()[command].format_help())
    assert examples, f"`recoupe {command} --help` has no 'Example:' line"
    assert all(e.startswith(f"recoupe {command}") for e in examples), examples


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_example_parses(command: str) -> None:
    """An example that the parser rejects would teach the wrong usage."""
    for example in _examples(_commands()[command].format_help()):
        args = build_parser().parse_args(shlex.split(example)[1:])
        assert args.command == command


def test_top_level_help_has_an_example() -> None:
    examples = _examples(build_parser().format_help())
    assert examples and all(re.match(r"recoupe \w+", e) for e in examples)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_of_a_command_is_documented(command: str) -> None:
    """Each option and positional of every command carries a help text or is named in the README row."""
    readme = README.read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `recoupe {command}"))
    for action in _commands()[command]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names = list(action.option_strings) or [str(action.metavar or action.dest).upper()]
        names += [str(choice) for choice in action.choices or ()]
        documented = bool(action.help) or any(name in row for name in names)
        assert documented, f"`recoupe {command}` option {names} has no help and is not in the README row"
