"""Online story clustering: each article regroups the few stories it is close to.

An article is compared only with candidate stories found by blocking: inverted
indexes on its rarest terms, entities and numbers, and the nearest embeddings
among the most recently updated stories. Candidates are ranked by how many
blocks they share with the article and only the best few are scored, so the
cost of one assignment does not grow with the number of stories.

The article and the members of the ``pool_stories`` closest candidates are then
regrouped by the density-corrected average linkage of :mod:`.local`, from their
pairwise similarities (cached) and their densities. Regrouping, rather than
only joining the best story, lets a later article undo an early mistake: two
same-kind events that met while their densities were still unknown part again
once their own reports have arrived. A story whose last article is older than
``window_days`` before the new one has gone cold and takes no more articles. A
story keeps its latest ``split_cap`` members one by one while it is among the
recent stories (all of them leave once it is not): the others form its *core*,
known by their sums only and regrouped as a whole, which bounds both the memory
and the cost of a regrouping.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..settings import ClusterSettings
from .features import ArticleFeatures
from .local import APART, agglomerate, density
from .state import Member, member_from_state, member_state, node_from_state, node_state
from .vectors import Node, Space, combine, copy_sums, gap, similarity, single, top

STATE_VERSION = 2
_KINDS = ("terms", "entities", "numbers")
# Similarities cached per member beyond this many times the density's neighbours
# are pruned to the highest (the density only reads those).
_SIMS_KEPT = 4


class StoryClusterer:
    """Stories of a stream of articles (see the module docstring)."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self._reset()

    def _reset(self) -> None:
        self._documents = 0
        self._spaces = {kind: Space() for kind in _KINDS}
        self._frozen = False
        self._stories: dict[str, Node] = {}
        self._members: dict[str, Member] = {}
        self._aliases: dict[str, str] = {}
        self._postings: dict[str, OrderedDict[str, None]] = {}
        self._clock = 0
        self._seq = 0
        self._recent: OrderedDict[str, int] = OrderedDict()
        self._matrix = np.zeros((self.settings.recent_stories, 0), dtype=np.float32)
        self._free_rows = list(range(self.settings.recent_stories - 1, -1, -1))
        self._row_story: dict[int, str] = {}

    # ------------------------------------------------------------------ public

    def add(self, features: ArticleFeatures) -> str:
        """Put one article in a story and return the story id.

        Regrouping may move earlier articles between the stories it touched;
        :meth:`assignments` gives every article's current story.
        """
        if not self._frozen:
            self._count(features)
        node, blocks = self._weigh(features)
        scored = self._close(node, self._candidates(node, blocks))
        pool = [self._stories[sid] for _, sid in scored[: self.settings.pool_stories]]
        self._seq += 1
        member = Member(node=node, blocks=blocks, story="", seq=self._seq, sims={})
        self._members[features.article_id] = member
        known = {sid: score for score, sid in scored}
        nodes = self._pool_nodes(member, pool)
        sims = self._pair_sims(nodes, known)
        sizes = np.array([n.size for n, _ in nodes], dtype=np.float64)
        densities = np.array([self._density_of(n, m) for n, m in nodes], dtype=np.float64)
        s = self.settings
        groups = agglomerate(sims, sizes, densities, margin=s.margin, floor=s.threshold, sure=s.sure_threshold)
        return self._apply(pool, nodes, groups)

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

    def similarity(self, a: Node, b: Node) -> float:
        """Mean similarity of the members of ``a`` with those of ``b`` (see :func:`.vectors.similarity`)."""
        return similarity(a, b, self.settings)

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

    def _weigh(self, features: ArticleFeatures) -> tuple[Node, list[str]]:
        """The article as a node of idf-weighted unit vectors, and its blocking keys."""
        s = self.settings
        terms = self._unit("terms", features.terms, s.article_terms)
        entities = self._unit("entities", features.entities, s.article_terms)
        numbers = self._unit("numbers", features.numbers, s.article_terms)
        blocks = [f"t:{features.language}:{k}" for k in top(terms, s.block_keys)]
        blocks += [f"e:{k}" for k in top(entities, s.block_keys)]
        blocks += [f"n:{k}" for k in top(numbers, max(1, s.block_keys // 2))]
        vectors = (terms, entities, numbers)
        node = single(features.article_id, features.language, features.day, vectors, features.vector)
        return node, blocks

    # ------------------------------------------------------------------ search

    def _resolve(self, sid: str) -> str:
        """The story a merged-away story id now lives in."""
        root = sid
        while root in self._aliases:
            root = self._aliases[root]
        while sid != root:
            self._aliases[sid], sid = root, self._aliases[sid]
        return root

    def _candidates(self, node: Node, blocks: list[str]) -> list[str]:
        """The stories sharing most blocks with the article, best first."""
        votes: Counter[str] = Counter()
        for key in blocks:
            posting = self._postings.get(key)
            if posting:
                votes.update(posting.keys())
        if self._aliases:
            merged = [sid for sid in votes if sid in self._aliases]
            for sid in merged:
                votes[self._resolve(sid)] += votes.pop(sid)
        vector = node.vector
        if vector is not None and self._matrix.shape[1] == vector.shape[0] and self._row_story:
            sims = self._matrix @ vector
            k = min(self.settings.vector_neighbours, len(sims))
            for row in np.argpartition(-sims, k - 1)[:k]:
                neighbour = self._row_story.get(int(row))
                # A close embedding is worth two shared keys: it is the only
                # block that finds a story told in another language.
                if neighbour is not None and sims[row] >= self.settings.vector_floor:
                    votes[neighbour] += 2
        ranked = (sid for sid, _ in votes.most_common() if sid in self._stories)
        return [sid for sid, _ in zip(ranked, range(self.settings.max_candidates), strict=False)]

    def _close(self, node: Node, candidates: list[str]) -> list[tuple[float, str]]:
        """Candidates within the threshold of the article, most similar first."""
        scored = []
        for sid in candidates:
            story = self._stories[sid]
            if not self._cold(story, node):
                score = self.similarity(node, story)
                if score >= self.settings.threshold:
                    scored.append((score, sid))
        return sorted(scored, reverse=True)

    def _cold(self, a: Node, b: Node) -> bool:
        """Whether the two have no dates within ``window_days`` of each other."""
        days = gap(a, b)
        return days is not None and days > self.settings.window_days

    # ------------------------------------------------------------------ regroup

    def _pool_nodes(self, member: Member, pool: list[Node]) -> list[tuple[Node, Member | None]]:
        """The article, the pooled stories' cores whole and their other members one by one."""
        nodes: list[tuple[Node, Member | None]] = [(member.node, member)]
        for story in pool:
            if story.core is not None:
                nodes.append((story.core, None))
            nodes.extend((self._members[m].node, self._members[m]) for m in _kept(story))
        return nodes

    def _pair_sims(self, nodes: list[tuple[Node, Member | None]], known: dict[str, float]) -> np.ndarray:
        """Mean similarities between pool nodes; pairs of articles are cached on both members."""
        n = len(nodes)
        sims = np.zeros((n, n), dtype=np.float64)
        article = nodes[0][1]
        assert article is not None
        for i in range(n):
            a, ma = nodes[i]
            for j in range(i + 1, n):
                b, mb = nodes[j]
                if self._cold(a, b):
                    value = APART
                elif ma is not None and mb is not None:
                    value = self._member_sim(ma, mb, known if i == 0 else None)
                else:
                    value = self.similarity(a, b)
                    if i == 0:
                        # A core's members are the article's neighbours too, at their mean similarity.
                        for slot in range(min(b.size, self.settings.density_neighbours)):
                            article.sims[f"{b.id}#{slot}"] = value
                sims[i, j] = sims[j, i] = value
        return sims

    def _member_sim(self, a: Member, b: Member, known: dict[str, float] | None) -> float:
        cached = a.sims.get(b.node.id)
        if cached is not None:
            return cached
        # The article's score against a story of one is already its similarity to that member.
        story = self._stories.get(b.story)
        if known is not None and story is not None and story.size == 1 and b.story in known:
            value = known[b.story]
        else:
            value = self.similarity(a.node, b.node)
        for one, other in ((a, b), (b, a)):
            one.sims[other.node.id] = value
            limit = _SIMS_KEPT * self.settings.density_neighbours
            if len(one.sims) > 2 * limit:
                one.sims = dict(heapq.nlargest(limit, one.sims.items(), key=lambda kv: kv[1]))
        return value

    def _density_of(self, node: Node, member: Member | None) -> float:
        if member is None:
            return node.density
        return density(list(member.sims.values()), self.settings.density_neighbours, self.settings.density_ratio)

    def _apply(self, pool: list[Node], nodes: list[tuple[Node, Member | None]], groups: list[list[int]]) -> str:
        """Replace the pooled stories by the groups; returns the new article's story id."""
        old = {story.id: story for story in pool}
        taken: set[str] = set()
        article_story = ""
        kept: dict[str, Node] = {}
        # Groups holding most of an old story keep its id, largest overlap first.
        choices = sorted(
            ((self._overlap(nodes, g), index) for index, g in enumerate(groups)), key=lambda c: -c[0][0]
        )
        for (_, wanted), index in choices:
            group = groups[index]
            sid = wanted if wanted and wanted not in taken else ""
            story = self._regrouped(sid, old, [nodes[i] for i in group])
            taken.add(story.id)
            kept[story.id] = story
            if 0 in group:
                article_story = story.id
        for sid, story in old.items():
            # A story whose core went to another group is gone already.
            if sid not in taken and sid not in self._aliases:
                self._drop(story, self._heir(story, kept))
        for story in kept.values():
            self._clock += 1
            story.touched = self._clock
            self._retire(story, self.settings.split_cap)
            self._refresh_row(story)
        return article_story

    def _overlap(self, nodes: list[tuple[Node, Member | None]], group: list[int]) -> tuple[int, str]:
        """How many members the group shares with its best old story, and that story's id."""
        counts: Counter[str] = Counter()
        for i in group:
            node, member = nodes[i]
            if member is None:
                counts[node.id] += node.size
            elif member.story:
                counts[member.story] += 1
        if not counts:
            return 0, ""
        sid, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return count, sid

    def _regrouped(self, sid: str, old: dict[str, Node], group: list[tuple[Node, Member | None]]) -> Node:
        """The story of one group: an old story grown in place when it kept all it had."""
        members = sorted(((n, m) for n, m in group if m is not None), key=lambda nm: nm[1].seq)
        cores = [n for n, m in group if m is None]
        ids = {n.id for n, _ in members}
        base = old.get(sid)
        # Growing in place keeps the core's members first; another core would come after.
        if base is not None and not (
            set(_kept(base)) <= ids and all(c is base.core for c in cores) and (base.core is None or cores)
        ):
            base = None
        if base is None:
            core = max(cores, key=lambda c: (c.size, c.id)) if cores else None
            sid = sid or self._new_id(members[0][0].id if members else cores[0].id)
            base = Node(id=sid) if core is None else copy_sums(core, sid)
            base.density = 0.0
            base.core = core
            self._stories[sid] = base
        for core in cores:
            if core is not base.core:
                assert base.core is not None
                self._drop(old[core.id], base.id)
                combine(base.core, core, self.settings.story_terms)
                self._absorb(base, core)
        if base.core is not None:
            base.core.id = base.id
        present = set(base.members)
        for node, member in members:
            if node.id in present:
                continue
            moved = member.story != base.id
            self._absorb(base, node)
            member.story = base.id
            if moved:
                for key in member.blocks:
                    self._post(key, base.id)
        return base

    def _absorb(self, story: Node, other: Node) -> None:
        combine(story, other, self.settings.story_terms)

    def _heir(self, story: Node, kept: dict[str, Node]) -> str:
        """The group that took most of a story's members, for ids still in the indexes."""
        counts = Counter(
            m.story for sid in story.members if (m := self._members.get(sid)) is not None and m.story in kept
        )
        if counts:
            return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return next(iter(kept))

    def _drop(self, story: Node, heir: str) -> None:
        """Forget a story whose members went to others; its id now points to ``heir``.

        An id another group has taken over already lives on.
        """
        if self._stories.get(story.id) is not story:
            return
        del self._stories[story.id]
        if story.id != heir:
            self._aliases[story.id] = heir
        row = self._recent.pop(story.id, None)
        if row is not None:
            del self._row_story[row]
            self._free_rows.append(row)

    def _retire(self, story: Node, keep: int) -> None:
        """Fold the story's oldest members into its core until at most ``keep`` stay one by one."""
        retired = _kept(story)
        for article_id in retired[: max(0, len(retired) - keep)]:
            member = self._members.pop(article_id)
            if story.core is None:
                story.core = Node(id=story.id)
            combine(story.core, member.node, self.settings.story_terms)
            story.core.density += self._density_of(member.node, member)

    def _new_id(self, article_id: str) -> str:
        sid = f"story-{article_id}"
        suffix = 1
        while sid in self._stories or sid in self._aliases:
            suffix += 1
            sid = f"story-{article_id}-{suffix}"
        return sid

    def _post(self, key: str, sid: str) -> None:
        posting = self._postings.setdefault(key, OrderedDict())
        posting.pop(sid, None)
        posting[sid] = None
        if len(posting) > self.settings.posting_cap:
            posting.popitem(last=False)

    def _refresh_row(self, story: Node) -> None:
        """Keep the story's mean embedding among the recent rows; the least recent leaves, members and all."""
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
                old_id, old_row = self._recent.popitem(last=False)
                del self._row_story[old_row]
                self._free_rows.append(old_row)
                evicted = self._stories.get(old_id)
                if evicted is not None:
                    self._retire(evicted, 0)
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
            "seq": self._seq,
            "df": {kind: dict(space.df) for kind, space in self._spaces.items()},
            "stories": [node_state(story) for story in self._stories.values()],
            "members": [member_state(member) for member in self._members.values()],
            "aliases": self._aliases,
            "postings": {key: list(p) for key, p in self._postings.items()},
            "recent": list(self._recent),
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
        clusterer._seq = int(state["seq"])
        for kind in _KINDS:
            clusterer._spaces[kind].df.update(state["df"][kind])
        stories = [node_from_state(item) for item in state["stories"]]
        clusterer._stories = {story.id: story for story in stories}
        members = [member_from_state(item) for item in state["members"]]
        clusterer._members = {member.node.id: member for member in members}
        for sid in state["recent"]:
            clusterer._refresh_row(clusterer._stories[sid])
        clusterer._aliases = dict(state["aliases"])
        for key, ids in state["postings"].items():
            clusterer._postings[key] = OrderedDict.fromkeys(ids)
        return clusterer


def _kept(story: Node) -> list[str]:
    """The members kept one by one: those after the core's, which always come first."""
    return story.members[story.core.size if story.core is not None else 0 :]


def _chronological(features_list: Sequence[ArticleFeatures]) -> list[ArticleFeatures]:
    keyed = []
    last = -1
    for index, features in enumerate(features_list):
        if features.day is not None:
            last = features.day
        keyed.append((last, index, features))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [features for _, _, features in keyed]
