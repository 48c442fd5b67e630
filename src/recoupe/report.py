"""Reports printed by the evaluation and benchmark commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Report:
    """A titled table of figures: one dict per row, same keys in every row."""

    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "rows": self.rows, "notes": self.notes}

    def format(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        if self.rows:
            columns = list(dict.fromkeys(key for row in self.rows for key in row))
            cells = [[_cell(row.get(col)) for col in columns] for row in self.rows]
            widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
            lines.append("  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)))
            lines.append("  ".join("-" * w for w in widths))
            lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells)
        lines.extend(self.notes)
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
