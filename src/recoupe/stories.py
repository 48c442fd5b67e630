"""Keeps a store's stories in step with its articles, through the story clusterer.

The clusterer's state lives in the store, so a stream can be followed across
runs: new articles join stories online; ``rebuild`` re-derives every story with
the same code, which is also what a one-off ``recoupe brief PATH...`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from .cluster import StoryClusterer, article_features, embed_leads
from .cluster.assign import STATE_VERSION
from .cluster.features import ArticleFeatures
from .models import Models
from .records import Article
from .settings import Settings
from .store.base import Store

STATE = "cluster"
LEAD_VECTORS = "lead"


def assign_stories(
    store: Store, *, new_ids: Sequence[str], rebuild: bool, settings: Settings, models: Models
) -> list[str]:
    """Put new articles in stories (or re-derive them all); the ids of the stories that changed.

    A state written by another version of the clusterer cannot be read on, so
    the stories are then re-derived, as on the first run.
    """
    state = store.state(STATE)
    if rebuild or state is None or state.get("version") != STATE_VERSION:
        articles = list(store.articles())
        clusterer = StoryClusterer(settings.cluster)
        assignment = clusterer.rebuild(_features(store, articles, models))
        store.assign_stories(assignment, replace=True)
        touched = list(dict.fromkeys(assignment.values()))
    else:
        articles = list(store.articles(new_ids))
        clusterer = StoryClusterer.from_state(settings.cluster, state)
        before = clusterer.assignments()
        clusterer.assign_many(_features(store, articles, models))
        after = clusterer.assignments()
        # Regrouping may move earlier articles too: the stories they left change as well.
        changed = {article: story for article, story in after.items() if before.get(article) != story}
        store.assign_stories(changed)
        alive = set(after.values())
        left = (before[a] for a in changed if a in before and before[a] in alive)
        touched = list(dict.fromkeys([*changed.values(), *left]))
    store.save_state(STATE, clusterer.to_state())
    return touched


def _features(store: Store, articles: list[Article], models: Models) -> list[ArticleFeatures]:
    ids = [a.id for a in articles]
    vectors = store.vectors(LEAD_VECTORS, ids)
    missing = [a for a in articles if a.id not in vectors]
    if missing:
        fresh = dict(zip((a.id for a in missing), embed_leads(missing, models=models), strict=True))
        store.save_vectors(LEAD_VECTORS, fresh)
        vectors.update(fresh)
    annotations = store.annotations(ids)
    return [article_features(a, annotations.get(a.id), vector=vectors[a.id]) for a in articles]


def disagreements(store: Store, *, settings: Settings) -> list[str]:
    """Articles whose story in the store is not the one the clustering state holds them in
    (or that the state does not hold at all): what a crash between the two could leave."""
    state = store.state(STATE)
    held = {} if state is None else StoryClusterer.from_state(settings.cluster, state).assignments()
    assigned = {a.id: a.story for a in store.articles() if a.story is not None}
    return sorted(article for article, story in assigned.items() if held.get(article) != story)
