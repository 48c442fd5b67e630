"""Temporal expressions against the project's own gold cases (``eval/gold/timeline/cases.jsonl``).

Each case is a short text with its publication date (or null) and the expressions
it holds with their expected ISO values. Detection is scored with one-to-one
matching of overlapping spans (and, stricter, of identical spans); resolution as
the share of gold expressions found with the expected value. No external data:
``data_root`` is not read.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..annotate.dates import find_times
from ..annotate.sentences import split_sentences
from ..errors import DataUnavailable
from ..models import Models
from ..records import Article, TimeExpression
from ..report import Report
from ..settings import Settings

CASES = pathlib.Path(__file__).resolve().parents[3] / "eval" / "gold" / "timeline" / "cases.jsonl"


@dataclass(frozen=True, slots=True)
class _Gold:
    start: int
    end: int
    value: str | None


@dataclass(slots=True)
class _Tally:
    gold: int = 0
    predicted: int = 0
    overlap: int = 0
    exact: int = 0
    right_value: int = 0

    def add(self, other: _Tally) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.overlap += other.overlap
        self.exact += other.exact
        self.right_value += other.right_value

    def row(self, language: str) -> dict[str, object]:
        precision = self.overlap / self.predicted if self.predicted else 0.0
        recall = self.overlap / self.gold if self.gold else 0.0
        exact_p = self.exact / self.predicted if self.predicted else 0.0
        exact_r = self.exact / self.gold if self.gold else 0.0
        return {
            "language": language,
            "gold": self.gold,
            "found": self.predicted,
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "exact_f1": _f1(exact_p, exact_r),
            "value_acc_found": self.right_value / self.overlap if self.overlap else 0.0,
            "value_acc_all": self.right_value / self.gold if self.gold else 0.0,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(data_root: pathlib.Path, *, settings: Settings, models: Models) -> Report:
    """Detection P/R/F1 and resolution accuracy on the gold cases, per language and overall."""
    return score_cases(CASES)


def score_cases(path: pathlib.Path) -> Report:
    cases = list(_load(path))
    tallies: dict[str, _Tally] = {}
    for number, case in enumerate(cases, 1):
        text, language = case["text"], case["language"]
        article = Article(
            id=f"case-{number}",
            input=f"{path.name}:{number}",
            original=text,
            clean_text=text,
            language=language,
            content_hash=str(number),
            published=case.get("published"),
        )
        found = find_times(article, split_sentences(text, language))
        tallies.setdefault(language, _Tally()).add(_score(_gold(case, number, path), found))
    total = _Tally()
    for tally in tallies.values():
        total.add(tally)
    rows = [tallies[lang].row(lang) for lang in sorted(tallies)] + [total.row("all")]
    return Report(
        title="Temporal expressions: detection and resolution",
        rows=rows,
        notes=[
            f"{len(cases)} cases from {path}",
            "precision/recall/f1: one-to-one matching of overlapping spans; exact_f1: identical spans",
            "value_acc_found: right ISO value among matched expressions; value_acc_all: among all gold",
        ],
    )


def _load(path: pathlib.Path) -> Iterable[dict]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise DataUnavailable(
            f"the timeline gold cases are not at {path} ({exc.strerror}); "
            "run from a source checkout of recoupe, where eval/gold/timeline/cases.jsonl ships"
        ) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataUnavailable(f"{path}:{number} is not valid JSON: {exc.msg}") from exc


def _gold(case: dict, number: int, path: pathlib.Path) -> list[_Gold]:
    out, cursor = [], 0
    for item in case["expected"]:
        start = case["text"].find(item["text"], cursor)
        if start < 0:
            raise DataUnavailable(f"{path}: case {number} expects {item['text']!r}, absent from its text")
        cursor = start + len(item["text"])
        out.append(_Gold(start, cursor, item["value"]))
    return out


def _score(gold: list[_Gold], found: list[TimeExpression]) -> _Tally:
    tally = _Tally(gold=len(gold), predicted=len(found))
    free = list(found)
    for g in gold:
        match = next((f for f in free if f.start < g.end and g.start < f.end), None)
        if match is None:
            continue
        free.remove(match)
        tally.overlap += 1
        tally.exact += (match.start, match.end) == (g.start, g.end)
        tally.right_value += match.value == g.value
    return tally
