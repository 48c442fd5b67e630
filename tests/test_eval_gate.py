"""The evaluation gate: floors files read strictly, figures checked against them, and
``recoupe eval --floors`` exiting 1 when a figure falls short."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from recoupe.cli import main
from recoupe.errors import ConfigError
from recoupe.evaluate.gate import Floor, check, load_floors
from recoupe.report import Report

REPORT = Report(
    title="t",
    rows=[
        {"set": "a", "level": "event", "F1": 0.91},
        {"set": "a", "level": "topic", "F1": 0.95},
        {"set": "b", "level": "event", "F1": "n/a"},
    ],
)


@pytest.mark.parametrize(
    ("row", "figure", "floor", "value", "passed"),
    [
        ({"set": "a", "level": "event"}, "F1", 0.90, 0.91, True),
        ({"set": "a", "level": "event"}, "F1", 0.91, 0.91, True),
        ({"set": "a", "level": "event"}, "F1", 0.92, 0.91, False),
        ({"set": "a"}, "F1", 0.0, None, False),  # two rows match: ambiguous, so it fails
        ({"set": "c"}, "F1", 0.0, None, False),  # no row
        ({"set": "a", "level": "topic"}, "R", 0.0, None, False),  # no such figure
        ({"set": "b"}, "F1", 0.0, None, False),  # not a number
    ],
)
def test_check(row: dict, figure: str, floor: float, value: float | None, passed: bool) -> None:
    (verdict,) = check({"x": REPORT}, [Floor("x", row, figure, floor)])
    assert verdict.value == value
    assert verdict.passed is passed
    assert verdict.line().startswith("PASS" if passed else "FAIL")


def test_floors_of_evaluations_not_run_are_not_checked() -> None:
    assert check({"x": REPORT}, [Floor("y", {"set": "a"}, "F1", 0.5)]) == []


def test_target_is_reported_beside_the_floor() -> None:
    (verdict,) = check({"x": REPORT}, [Floor("x", {"set": "a", "level": "event"}, "F1", 0.9, target=0.93)])
    assert "target 0.9300 not met" in verdict.line()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [[floor]]"),
        ("[[floor]]\neval = 'x'\nfigure = 'F1'\nmin = 0.5\n", "row"),
        ("[[floor]]\neval = 'x'\nrow = 3\nfigure = 'F1'\nmin = 0.5\n", "row"),
        ("[[floor]]\nrow = {set = 'a'}\nfigure = 'F1'\n", "eval, min"),
        ("[[floor]\n", "not valid TOML"),
    ],
)
def test_bad_floors_files_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "floors.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_floors(path)


def test_the_repository_floors_file_loads() -> None:
    floors = load_floors(Path(__file__).resolve().parents[1] / "eval" / "floors.toml")
    assert {f.eval for f in floors} == {"clustering", "quotes", "entities", "summary", "timeline"}


def _eval_timeline(tmp_path: Path, minimum: float) -> tuple[int, str]:
    floors = tmp_path / "floors.toml"
    floors.write_text(
        f"[[floor]]\neval = 'timeline'\nrow = {{language = 'all'}}\nfigure = 'f1'\nmin = {minimum}\n", "utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["eval", "timeline", "--floors", str(floors)])
    return code, out.getvalue() + err.getvalue()


def test_eval_passes_the_gate(tmp_path: Path) -> None:
    code, text = _eval_timeline(tmp_path, 0.5)
    assert code == 0
    assert "PASS  timeline [language=all] f1" in text


def test_eval_below_a_floor_exits_1(tmp_path: Path) -> None:
    code, text = _eval_timeline(tmp_path, 1.01)
    assert code == 1
    assert "FAIL  timeline [language=all] f1" in text and "below their floor" in text
