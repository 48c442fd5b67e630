"""The evaluation gate: figures of ``recoupe eval`` checked against pinned floors.

A floors file (TOML) names, for each evaluation, rows of its report by the values
of some of their columns, the figure to read and the lowest value accepted:

    [[floor]]
    eval = "quotes"
    row = {set = "rpm2-fr quotes gold"}
    figure = "speaker acc"
    min = 0.82
    target = 0.90          # optional: what the project aims at, printed beside

A floor is raised when the figure improves and never lowered without saying why in
the commit that does it; a floor whose row or figure is missing from the report
fails too, so a renamed column cannot switch the gate off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..report import Report
from ..settings import read_toml


@dataclass(frozen=True, slots=True)
class Floor:
    eval: str
    row: Mapping[str, Any]
    figure: str
    min: float
    target: float | None = None

    def label(self) -> str:
        where = ", ".join(f"{key}={value}" for key, value in self.row.items())
        return f"{self.eval} [{where}] {self.figure}"


@dataclass(frozen=True, slots=True)
class Verdict:
    floor: Floor
    value: float | None

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value >= self.floor.min

    def line(self) -> str:
        status = "PASS" if self.passed else "FAIL"
        value = "missing" if self.value is None else f"{self.value:.4f}"
        aim = ""
        if self.floor.target is not None and self.value is not None:
            aim = f"; target {self.floor.target:.4f} {'met' if self.value >= self.floor.target else 'not met'}"
        return f"{status}  {self.floor.label()}: {value} (floor {self.floor.min:.4f}{aim})"


def load_floors(path: Path) -> list[Floor]:
    """The floors of ``path``, each checked for the keys it needs."""
    data = read_toml(path, what="floors file")
    floors = []
    for number, entry in enumerate(data.get("floor", []), 1):
        missing = [key for key in ("eval", "row", "figure", "min") if key not in entry]
        if missing or not isinstance(entry.get("row"), dict):
            raise ConfigError(
                f"{path}: floor {number} needs eval, row (a table of column = value), figure and min; "
                f"missing or wrong: {', '.join(missing) or 'row'}"
            )
        target = entry.get("target")
        floors.append(Floor(
            eval=str(entry["eval"]), row=dict(entry["row"]), figure=str(entry["figure"]), min=float(entry["min"]),
            target=None if target is None else float(target),
        ))
    if not floors:
        raise ConfigError(f"{path} holds no [[floor]] entry")
    return floors


def check(reports: Mapping[str, Report], floors: list[Floor]) -> list[Verdict]:
    """One verdict per floor whose evaluation is among ``reports``."""
    verdicts = []
    for floor in floors:
        report = reports.get(floor.eval)
        if report is None:
            continue
        rows = [r for r in report.rows if all(r.get(k) == v for k, v in floor.row.items())]
        value = rows[0].get(floor.figure) if len(rows) == 1 else None
        verdicts.append(Verdict(floor, float(value) if isinstance(value, int | float) else None))
    return verdicts
