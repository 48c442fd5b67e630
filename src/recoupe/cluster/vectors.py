"""Articles and stories as sums of unit vectors, and the similarity between two of them.

One article is a story of one: its idf-weighted unit vectors of terms (per
language), entities and numbers, and its embedding. A story sums its members'
vectors, so the mean similarity of the members of two stories (average linkage)
is a dot product of sums over the product of the sizes, whatever their sizes.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..settings import ClusterSettings


@dataclass(slots=True)
class Space:
    """Document frequencies of one kind of key, for idf weights."""

    df: Counter[str] = field(default_factory=Counter)

    def idf(self, key: str, documents: int) -> float:
        return math.log((documents + 1) / (self.df[key] + 1)) + 1.0


@dataclass(slots=True)
class Node:
    """Sums of the members' unit vectors, per kind; terms are kept per language.

    A story's ``core`` sums its older members, those no longer kept one by one;
    a core's ``density`` sums their densities (see :mod:`recoupe.cluster.local`).
    """

    id: str
    size: int = 0
    first: int | None = None
    last: int | None = None
    touched: int = 0
    terms: dict[str, dict[str, float]] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    vector: np.ndarray | None = None
    members: list[str] = field(default_factory=list)
    core: Node | None = None
    density: float = 0.0


def single(
    article_id: str,
    language: str,
    day: int | None,
    vectors: tuple[dict[str, float], dict[str, float], dict[str, float]],
    embedding: np.ndarray | None,
) -> Node:
    """One article as a node: its unit vectors as sums of one."""
    terms, entities, numbers = vectors
    node = Node(id=article_id, size=1, first=day, last=day, members=[article_id])
    if terms:
        node.terms = {language: dict(terms)}
        node.counts[language] = 1
    if entities:
        node.entities = dict(entities)
        node.counts["e"] = 1
    if numbers:
        node.numbers = dict(numbers)
        node.counts["n"] = 1
    if embedding is not None:
        node.vector = embedding.astype(np.float32, copy=True)
        node.counts["v"] = 1
    return node


def copy_sums(node: Node, sid: str) -> Node:
    """A new node with ``node``'s sums and members, under another id."""
    return Node(
        id=sid,
        size=node.size,
        first=node.first,
        last=node.last,
        terms={lang: dict(terms) for lang, terms in node.terms.items()},
        entities=dict(node.entities),
        numbers=dict(node.numbers),
        counts=dict(node.counts),
        vector=None if node.vector is None else node.vector.copy(),
        members=list(node.members),
        density=node.density,
    )


def combine(story: Node, other: Node, cap: int) -> None:
    """Add ``other``'s members and sums to ``story`` (its key sums pruned to ``cap``)."""
    story.size += other.size
    story.members.extend(other.members)
    days = [d for d in (story.first, story.last, other.first, other.last) if d is not None]
    story.first, story.last = (min(days), max(days)) if days else (None, None)
    for language, terms in other.terms.items():
        _accumulate(story.terms.setdefault(language, {}), terms, cap)
    _accumulate(story.entities, other.entities, cap)
    _accumulate(story.numbers, other.numbers, cap)
    for key, count in other.counts.items():
        story.counts[key] = story.counts.get(key, 0) + count
    if other.vector is not None:
        story.vector = other.vector.copy() if story.vector is None else story.vector + other.vector
    story.density += other.density


def gap(a: Node, b: Node) -> int | None:
    """Days between the two date ranges (0 when they overlap), None when one is undated."""
    if a.first is None or a.last is None or b.first is None or b.last is None:
        return None
    return max(0, b.first - a.last, a.first - b.last)


def similarity(a: Node, b: Node, s: ClusterSettings) -> float:
    """Mean similarity of the members of ``a`` with those of ``b`` (average linkage).

    Per signal it is the dot product of the two sums of unit vectors over the
    product of the sizes; unlike a centroid cosine it does not grow with the
    stories' sizes. Signals are mixed by a weighted mean over those both sides
    have: terms do not meet across languages, so a story in another language is
    judged on the language-neutral signals alone.
    """
    parts: list[tuple[float, float]] = []
    for language, terms in a.terms.items():
        if language in b.terms:
            mean = _mean_dot(terms, b.terms[language], a.counts[language], b.counts[language])
            parts.append((s.weight_terms, mean))
    if a.entities and b.entities:
        parts.append((s.weight_entities, _mean_dot(a.entities, b.entities, a.counts["e"], b.counts["e"])))
    if a.numbers and b.numbers:
        parts.append((s.weight_numbers, _mean_dot(a.numbers, b.numbers, a.counts["n"], b.counts["n"])))
    if a.vector is not None and b.vector is not None:
        cos = float(a.vector @ b.vector) / (a.counts["v"] * b.counts["v"])
        # Unrelated texts already sit well above zero in embedding space.
        parts.append((s.weight_vector, max(0.0, (cos - s.vector_floor) / (1.0 - s.vector_floor))))
    total = sum(w for w, _ in parts)
    if not total:
        return 0.0
    score = sum(w * v for w, v in parts) / total
    days = gap(a, b)
    if days is not None:
        score *= 1.0 - s.time_decay * min(1.0, days / s.window_days)
    return score


def top(weights: dict[str, float], n: int) -> list[str]:
    return [k for k, _ in heapq.nlargest(n, weights.items(), key=lambda kv: kv[1])]


def _mean_dot(a: dict[str, float], b: dict[str, float], size_a: int, size_b: int) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items()) / (size_a * size_b)


def _accumulate(total: dict[str, float], more: dict[str, float], cap: int) -> None:
    """Add to a story's sum, pruned to its ``cap`` heaviest keys to bound memory."""
    for key, weight in more.items():
        total[key] = total.get(key, 0.0) + weight
    if len(total) > 2 * cap:
        keep = dict(heapq.nlargest(cap, total.items(), key=lambda kv: kv[1]))
        total.clear()
        total.update(keep)
