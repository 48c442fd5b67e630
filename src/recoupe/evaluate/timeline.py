"""Temporal expressions and story timelines against the project's own gold (``eval/gold/timeline``).

``cases.jsonl``: short texts with their publication date (or null) and the
expressions they hold with their expected ISO values. Detection is scored with
one-to-one matching of overlapping spans (and, stricter, of identical spans);
resolution as the share of gold expressions found with the expected value.

``stories.jsonl``: small stories whose articles are dated, undated or dated to the
month only, with the range each inferred publication date must fall in and the
events the timeline must hold (day, a word of the event, the articles that tell
it, all in one event). No external data: ``data_root`` is not read.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..annotate.dates import find_times
from ..annotate.sentences import split_sentences
from ..crosscheck.timeline import build_timeline, infer_story_dates
from ..errors import DataUnavailable
from ..models import Models
from ..records import Article, CopyGroups, StoryInput, TimeExpression, TimelineEvent
from ..report import Report
from ..settings import Settings

GOLD = pathlib.Path(__file__).resolve().parents[3] / "eval" / "gold" / "timeline"
CASES = GOLD / "cases.jsonl"
STORIES = GOLD / "stories.jsonl"


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
    """Detection P/R/F1 and resolution accuracy on the gold cases; story-level figures as notes."""
    report = score_cases(CASES)
    report.notes.extend(score_stories(STORIES).notes)
    return report


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


@dataclass(slots=True)
class StoryScores:
    inferred: int = 0
    inferred_right: int = 0
    events: int = 0
    events_found: int = 0
    timeline: int = 0
    timeline_expected: int = 0

    @property
    def notes(self) -> list[str]:
        return [
            f"stories: inferred publication dates in the expected range {self.inferred_right}/{self.inferred}",
            f"stories: expected events found, with all their sources in one event {self.events_found}/{self.events}",
            f"stories: timeline events that are expected ones {self.timeline_expected}/{self.timeline}",
        ]


def score_stories(path: pathlib.Path) -> StoryScores:
    scores = StoryScores()
    for story in _load(path):
        articles = [
            Article(
                id=a["id"],
                input=f"{story['id']}/{a['id']}",
                original=a["text"],
                clean_text=a["text"],
                language=a["language"],
                content_hash=f"{story['id']}/{a['id']}",
                published=a["published"],
            )
            for a in story["articles"]
        ]
        given = StoryInput(story["id"], articles, {}, CopyGroups())
        inferred = infer_story_dates(given)
        for article, (low, high) in story["inferred"].items():
            scores.inferred += 1
            scores.inferred_right += low <= inferred.get(article, ("",))[0] <= high
        timeline = build_timeline(given, inferred=inferred)
        expected = story["events"]
        scores.events += len(expected)
        scores.events_found += sum(any(_tells(e, want) for e in timeline) for want in expected)
        scores.timeline += len(timeline)
        scores.timeline_expected += sum(any(_tells(e, want, loose=True) for want in expected) for e in timeline)
    return scores


def _tells(event: TimelineEvent, want: dict, *, loose: bool = False) -> bool:
    """Whether ``event`` is the expected one: its day, its word, and (unless loose) all its sources."""
    if not event.date.startswith(want["date"]):
        return False
    if not any(want["keyword"].casefold() in ev.text.casefold() for ev in event.evidence):
        return False
    return loose or set(want["sources"]) <= {ev.article for ev in event.evidence}


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
