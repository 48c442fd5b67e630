"""What the pages show, computed from a story's brief: no HTML here, only view data.

The templates escape everything they print; this module decides what goes where
(the source-comparison matrix, quotes grouped by speaker, the timeline chart's
geometry), so it can be tested without a browser.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..records import Article, Evidence, Quote, StoryBrief

MATRIX_CLAIMS = 25
CHART_WIDTH = 760
CHART_MARGIN = 40
# A tick label ("2023-09-13" at 10 px) is about 55 px wide, centred on its tick.
CHART_TICK_SPACING = 64
CONTEXT_CHARS = 180


@dataclass(frozen=True, slots=True)
class Citation:
    anchor: str
    label: str
    article: str
    title: str
    before: str
    text: str
    after: str


@dataclass(slots=True)
class Citations:
    """Numbers each cited span once per page; the template lists their panels."""

    articles: dict[str, Article]
    labels: dict[str, str]
    items: dict[tuple[str, int, int], Citation] = field(default_factory=dict)

    def cite(self, evidence: list[Evidence]) -> list[Citation]:
        out = []
        for item in evidence:
            key = (item.article, item.start, item.end)
            if key not in self.items:
                article = self.articles.get(item.article)
                text = article.clean_text if article else item.text
                start, end = (item.start, item.end) if article else (0, len(item.text))
                self.items[key] = Citation(
                    anchor=f"ev{len(self.items) + 1}",
                    label=self.labels.get(item.article, item.article),
                    article=item.article,
                    title=(article.title or article.id) if article else item.article,
                    before=text[max(0, start - CONTEXT_CHARS) : start],
                    text=text[start:end],
                    after=text[end : end + CONTEXT_CHARS],
                )
            out.append(self.items[key])
        return out


@dataclass(frozen=True, slots=True)
class MatrixRow:
    claim: str
    claim_id: str
    status: str
    cells: list[str]


def source_matrix(story: StoryBrief, articles: dict[str, Article]) -> tuple[list[str], list[MatrixRow]]:
    """Outlets × claims: 'reports', 'disputes' or 'silent' in each cell.

    A conflict bears on a claim when one of its positions rests on a span the claim
    cites; the outlets holding the conflict's other positions dispute the claim.
    """
    outlet_of = {a.id: a.outlet or a.id for a in articles.values()}
    outlets = list(dict.fromkeys(outlet_of[i] for i in story.articles if i in outlet_of))
    rows = []
    for claim in story.claims[:MATRIX_CLAIMS]:
        dissenting: set[str] = set()
        for conflict in story.conflicts:
            held = [any(_overlap(e, c) for e in p.evidence for c in claim.evidence) for p in conflict.positions]
            if any(held):
                for position, holds in zip(conflict.positions, held, strict=True):
                    if not holds:
                        dissenting.update(outlet_of.get(e.article, e.article) for e in position.evidence)
        reporting = {outlet_of.get(e.article, e.article) for e in claim.evidence}
        cells = [
            "disputes" if outlet in dissenting else "reports" if outlet in reporting else "silent"
            for outlet in outlets
        ]
        rows.append(MatrixRow(claim.text, claim.id, claim.status, cells))
    return outlets, rows


def _overlap(a: Evidence, b: Evidence) -> bool:
    return a.article == b.article and a.start < b.end and b.start < a.end


def quotes_by_speaker(quotes: list[Quote]) -> list[tuple[str, list[Quote]]]:
    groups: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        groups[quote.speaker_name or "unattributed"].append(quote)
    return sorted(groups.items(), key=lambda item: (item[0] == "unattributed", -len(item[1]), item[0]))


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: int
    y: int
    date: str
    text: str


def timeline_chart(story: StoryBrief) -> tuple[list[ChartPoint], list[tuple[int, str]]]:
    """Points of the timeline on a horizontal date axis, and the axis ticks."""
    dated = [(d, e) for e in story.timeline if (d := _day(e.date)) is not None]
    if not dated:
        return [], []
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    span = max(1, last - first)
    usable = CHART_WIDTH - 2 * CHART_MARGIN
    points = []
    seen: dict[int, int] = defaultdict(int)
    for day, event in dated:
        x = CHART_MARGIN + round((day - first) * usable / span) if last > first else CHART_WIDTH // 2
        seen[x] += 1
        points.append(ChartPoint(x, 20 + 14 * seen[x], event.date, event.text))
    ticks: list[tuple[int, str]] = []
    for x, label in sorted({(p.x, p.date[:10]) for p in points}):
        # Days close together would print their labels over each other: the first one speaks for them.
        if not ticks or x - ticks[-1][0] >= CHART_TICK_SPACING:
            ticks.append((x, label))
    return points, ticks


def _day(value: str) -> int | None:
    """Ordinal day of an ISO date at any precision (a year or a month counts from its start)."""
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p]
        year, month, day = [*numbers, 1, 1][:3]
        return date(year, month, day).toordinal()
    except ValueError:
        return None
