"""Online story clustering: each article joins the best story or opens one.

An article is compared only with candidate stories found by blocking: inverted
indexes on its rarest terms, entities and numbers, and the nearest embeddings
among the most recently updated stories. Candidates are ranked by how many
blocks they share with the article and only the best few are scored, so the
cost of one assignment does not grow with the number of stories.

The score mixes four cosines: idf-weighted terms (within one language),
entities, numbers, and the multilingual title-and-lead embedding. Terms do not
meet across languages, so a story in another language is judged on the
language-neutral signals alone (the weights are renormalised over the signals
both sides have). A story whose last article is older than ``window_days``
before the new one has gone cold and takes no more articles.
"""

from __future__ import annotations

import base64
import heapq
import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..settings import ClusterSettings
from .features import ArticleFeatures

STATE_VERSION = 1
_KINDS = ("terms", "entities", "numbers")


@dataclass(slots=True)
class _Space:
    """Document frequencies of one kind of key, for idf weights."""

    df: Counter[str] = field(default_factory=Counter)

    def idf(self, key: str, documents: int) -> float:
        return math.log((documents + 1) / (self.df[key] + 1)) + 1.0


@dataclass(slots=True)
class _Story:
    id: str
    size: int = 0
    first: int | None = None
    last: int | None = None
    touched: int = 0
    # Sums of the members' unit vectors, per kind; terms are kept per language.
    terms: dict[str, dict[str, float]] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    vector: np.ndarray | None = None
    members: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Weighted:
    """An article's idf-weighted unit vectors and its blocking keys."""

    features: ArticleFeatures
    terms: dict[str, float]
    entities: dict[str, float]
    numbers: dict[str, float]
    blocks: list[str]


class StoryClusterer:
    """Stories of a stream of articles (see the module docstring)."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self._reset()

    def _reset(self) -> None:
        self._documents = 0
        self._spaces = {kind: _Space() for kind in _KINDS}
        self._frozen = False
        self._stories: dict[str, _Story] = {}
        self._aliases: dict[str, str] = {}
        self._postings: dict[str, OrderedDict[str, None]] = {}
        self._clock = 0
        self._recent: OrderedDict[str, int] = OrderedDict()
        dimension = 0
        self._matrix = np.zeros((self.settings.recent_stories, dimension), dtype=np.float32)
        self._free_rows = list(range(self.settings.recent_stories - 1, -1, -1))
        self._row_story: dict[int, str] = {}

    # ------------------------------------------------------------------ public

    def add(self, features: ArticleFeatures) -> str:
        """Put one article in a story and return the story id.

        The story it joins may then absorb candidate stories that have become
        close enough to it (two halves of one event that met only through this
        article); :meth:`assignments` gives the ids after such merges.
        """
        if not self._frozen:
            self._count(features)
        weighted = self._weigh(features)
        single = _Story(id="")
        _add_member(single, weighted)
        close = self._close(single, self._candidates(weighted))
        story = self._stories[close[0][1] if close else self._open(features.article_id)]
        self._absorb(story, single, weighted.blocks)
        # Average linkage of the grown story with another is a size-weighted
        # mean of the old story's and the article's, so only stories the
        # article itself is close to can have come within the threshold.
        for _, sid in close[1:]:
            other = self._stories.get(self._resolve(sid))
            if other is None or other is story or self._cold(other, story):
                continue
            if self.similarity(story, other) >= self.settings.threshold:
                story = self._merge(story, other)
        return story.id

    def assign_many(self, features: Iterable[ArticleFeatures]) -> dict[str, str]:
        """Add articles one at a time, in the order given; returns the final assignment."""
        ids = []
        for item in features:
            self.add(item)
            ids.append(item.article_id)
        current = self.assignments()
        return {article_id: current[article_id] for article_id in ids}

    def rebuild(self, features_list: Sequence[ArticleFeatures]) -> dict[str, str]:
        """Forget every story and re-derive them from these articles.

        Document frequencies come from the whole collection first, and articles
        go in publication order (undated ones keep their place after the last
        dated article before them), so the result does not depend on the order
        the articles were stored in.
        """
        self._reset()
        for features in features_list:
            self._count(features)
        self._frozen = True
        try:
            return self.assign_many(_chronological(features_list))
        finally:
            self._frozen = False

    def stories(self) -> dict[str, list[str]]:
        """Story id -> ids of its articles, in the order they joined."""
        return {sid: list(story.members) for sid, story in self._stories.items()}

    def assignments(self) -> dict[str, str]:
        """Article id -> story id, for every article seen."""
        return {member: sid for sid, story in self._stories.items() for member in story.members}

    # ------------------------------------------------------------------ weights

    def _count(self, features: ArticleFeatures) -> None:
        self._documents += 1
        for kind in _KINDS:
            self._spaces[kind].df.update(getattr(features, kind).keys())

    def _unit(self, kind: str, values: dict[str, float], limit: int) -> dict[str, float]:
        space = self._spaces[kind]
        weights = {
            key: (1.0 + math.log(count)) * space.idf(key, self._documents)
            for key, count in values.items()
            if count > 0
        }
        if len(weights) > limit:
            weights = dict(heapq.nlargest(limit, weights.items(), key=lambda kv: kv[1]))
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {k: w / norm for k, w in weights.items()} if norm else {}

    def _weigh(self, features: ArticleFeatures) -> _Weighted:
        s = self.settings
        terms = self._unit("terms", features.terms, s.article_terms)
        entities = self._unit("entities", features.entities, s.article_terms)
        numbers = self._unit("numbers", features.numbers, s.article_terms)
        blocks = [f"t:{features.language}:{k}" for k in _top(terms, s.block_keys)]
        blocks += [f"e:{k}" for k in _top(entities, s.block_keys)]
        blocks += [f"n:{k}" for k in _top(numbers, max(1, s.block_keys // 2))]
        return _Weighted(features, terms, entities, numbers, blocks)

    # ------------------------------------------------------------------ search

    def _resolve(self, sid: str) -> str:
        """The story a merged-away story id now lives in."""
        root = sid
        while root in self._aliases:
            root = self._aliases[root]
        while sid != root:
            self._aliases[sid], sid = root, self._aliases[sid]
        return root

    def _candidates(self, article: _Weighted) -> list[str]:
        """The stories sharing most blocks with the article, best first."""
        votes: Counter[str] = Counter()
        for key in article.blocks:
            posting = self._postings.get(key)
            if posting:
                votes.update(posting.keys())
        if self._aliases:
            merged = [sid for sid in votes if sid in self._aliases]
            for sid in merged:
                votes[self._resolve(sid)] += votes.pop(sid)
        vector = article.features.vector
        if vector is not None and self._matrix.shape[1] == vector.shape[0] and self._row_story:
            sims = self._matrix @ vector
            k = min(self.settings.vector_neighbours, len(sims))
            for row in np.argpartition(-sims, k - 1)[:k]:
                neighbour = self._row_story.get(int(row))
                # A close embedding is worth two shared keys: it is the only
                # block that finds a story told in another language.
                if neighbour is not None and sims[row] >= self.settings.vector_floor:
                    votes[neighbour] += 2
        return [sid for sid, _ in votes.most_common(self.settings.max_candidates)]

    def _close(self, single: _Story, candidates: list[str]) -> list[tuple[float, str]]:
        """Candidates within the threshold of the article, most similar first."""
        scored = []
        for sid in candidates:
            story = self._stories[sid]
            if not self._cold(story, single):
                score = self.similarity(single, story)
                if score >= self.settings.threshold:
                    scored.append((score, sid))
        return sorted(scored, reverse=True)

    def _cold(self, a: _Story, b: _Story) -> bool:
        """Whether the two have no dates within ``window_days`` of each other."""
        if a.first is None or a.last is None or b.first is None or b.last is None:
            return False
        return _gap(a, b) > self.settings.window_days

    def similarity(self, a: _Story, b: _Story) -> float:
        """Mean similarity of the members of ``a`` with those of ``b`` (average linkage).

        Per signal it is the dot product of the two sums of unit vectors over
        the product of the sizes; unlike a centroid cosine it does not grow
        with the stories' sizes, so one threshold serves a story of one article
        and one of fifty. Signals are mixed by a weighted mean over those both
        sides have.
        """
        s = self.settings
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
        if a.first is not None and b.first is not None:
            score *= 1.0 - s.time_decay * min(1.0, _gap(a, b) / s.window_days)
        return score

    # ------------------------------------------------------------------ update

    def _open(self, article_id: str) -> str:
        sid = f"story-{article_id}"
        suffix = 1
        while sid in self._stories or sid in self._aliases:
            suffix += 1
            sid = f"story-{article_id}-{suffix}"
        self._stories[sid] = _Story(id=sid)
        return sid

    def _absorb(self, story: _Story, other: _Story, blocks: Sequence[str]) -> None:
        _combine(story, other, self.settings.story_terms)
        self._clock += 1
        story.touched = self._clock
        for key in blocks:
            self._post(key, story.id)
        self._refresh_row(story)

    def _merge(self, a: _Story, b: _Story) -> _Story:
        """Fold the smaller story into the larger; the larger keeps its id."""
        keep, gone = (a, b) if a.size >= b.size else (b, a)
        del self._stories[gone.id]
        self._aliases[gone.id] = keep.id
        row = self._recent.pop(gone.id, None)
        if row is not None:
            del self._row_story[row]
            self._free_rows.append(row)
        self._absorb(keep, gone, ())
        return keep

    def _post(self, key: str, sid: str) -> None:
        posting = self._postings.setdefault(key, OrderedDict())
        posting.pop(sid, None)
        posting[sid] = None
        if len(posting) > self.settings.posting_cap:
            posting.popitem(last=False)

    def _refresh_row(self, story: _Story) -> None:
        """Keep the story's mean embedding among the recent rows (least recent evicted)."""
        if story.vector is None:
            return
        if self._matrix.shape[1] != story.vector.shape[0]:
            self._matrix = np.zeros((self.settings.recent_stories, story.vector.shape[0]), np.float32)
            self._row_story.clear()
            self._recent.clear()
            self._free_rows = list(range(self.settings.recent_stories - 1, -1, -1))
        row = self._recent.pop(story.id, None)
        if row is None:
            if not self._free_rows:
                _, old_row = self._recent.popitem(last=False)
                del self._row_story[old_row]
                self._free_rows.append(old_row)
            row = self._free_rows.pop()
        self._recent[story.id] = row
        self._row_story[row] = story.id
        norm = float(np.linalg.norm(story.vector))
        self._matrix[row] = story.vector / norm if norm else 0.0

    # ------------------------------------------------------------------ state

    def to_state(self) -> dict[str, Any]:
        """Everything needed to go on clustering later, as JSON-able values."""
        return {
            "version": STATE_VERSION,
            "documents": self._documents,
            "clock": self._clock,
            "df": {kind: dict(space.df) for kind, space in self._spaces.items()},
            "stories": [_story_state(story) for story in self._stories.values()],
            "aliases": self._aliases,
            "postings": {key: list(p) for key, p in self._postings.items()},
        }

    @classmethod
    def from_state(cls, settings: ClusterSettings, state: dict[str, Any]) -> StoryClusterer:
        if state.get("version") != STATE_VERSION:
            raise ConfigError(
                f"the stored clustering state has version {state.get('version')!r}, this recoupe reads "
                f"version {STATE_VERSION}; rebuild the stories with `recoupe cluster --rebuild`"
            )
        clusterer = cls(settings)
        clusterer._documents = int(state["documents"])
        clusterer._clock = int(state["clock"])
        for kind in _KINDS:
            clusterer._spaces[kind].df.update(state["df"][kind])
        stories = [_story_from_state(item) for item in state["stories"]]
        clusterer._stories = {story.id: story for story in stories}
        for story in sorted(stories, key=lambda st: st.touched):
            clusterer._refresh_row(story)
        clusterer._aliases = dict(state["aliases"])
        for key, ids in state["postings"].items():
            clusterer._postings[key] = OrderedDict.fromkeys(ids)
        return clusterer


def _top(weights: dict[str, float], n: int) -> list[str]:
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


def _add_member(story: _Story, article: _Weighted) -> None:
    """Make ``story`` hold one article (its unit vectors as sums of one)."""
    features = article.features
    story.size = 1
    story.members = [features.article_id]
    story.first = story.last = features.day
    if article.terms:
        story.terms = {features.language: dict(article.terms)}
        story.counts[features.language] = 1
    for name, values in (("e", article.entities), ("n", article.numbers)):
        if values:
            setattr(story, "entities" if name == "e" else "numbers", dict(values))
            story.counts[name] = 1
    if features.vector is not None:
        story.vector = features.vector.astype(np.float32, copy=True)
        story.counts["v"] = 1


def _combine(story: _Story, other: _Story, cap: int) -> None:
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


def _gap(a: _Story, b: _Story) -> int:
    """Days between the two date ranges (0 when they overlap); both must be dated."""
    assert a.first is not None and a.last is not None and b.first is not None and b.last is not None
    return max(0, b.first - a.last, a.first - b.last)


def _chronological(features_list: Sequence[ArticleFeatures]) -> list[ArticleFeatures]:
    keyed = []
    last = -1
    for index, features in enumerate(features_list):
        if features.day is not None:
            last = features.day
        keyed.append((last, index, features))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [features for _, _, features in keyed]


def _encode_vector(vector: np.ndarray | None) -> str | None:
    if vector is None:
        return None
    return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")


def _decode_vector(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float32)


def _story_state(story: _Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "size": story.size,
        "first": story.first,
        "last": story.last,
        "touched": story.touched,
        "terms": story.terms,
        "entities": story.entities,
        "numbers": story.numbers,
        "counts": story.counts,
        "vector": _encode_vector(story.vector),
        "members": story.members,
    }


def _story_from_state(item: dict[str, Any]) -> _Story:
    return _Story(
        id=item["id"],
        size=item["size"],
        first=item["first"],
        last=item["last"],
        touched=item["touched"],
        terms={lang: dict(terms) for lang, terms in item["terms"].items()},
        entities=dict(item["entities"]),
        numbers=dict(item["numbers"]),
        counts=dict(item["counts"]),
        vector=_decode_vector(item["vector"]),
        members=list(item["members"]),
    )
