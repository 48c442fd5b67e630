"""The cross-check of one story: entities, quotes, claims, conflicts, timeline and summary.

Statements are aligned once (:func:`claims.align_statements`, one embedding batch for the
story); claims, conflicts and the summary all read that alignment.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..models import Models
from ..records import Article, StoryBrief, StoryInput
from ..settings import Settings
from .claims import Alignment, align_statements, article_sentences, find_claims, select_claim_groups
from .conflicts import find_conflicts
from .entities import merge_entities
from .quotes import link_quotes
from .summary import summarise
from .timeline import build_timeline, infer_story_dates


def cross_check(
    story: StoryInput, *, settings: Settings, models: Models, words: int | None = None
) -> StoryBrief:
    """The brief of one story; ``words`` overrides the summary length of the settings."""
    options = settings.crosscheck
    alignment = align_statements(story, models=models, settings=options)
    select_claim_groups(alignment, options)
    claims = find_claims(story, models=models, settings=options, alignment=alignment)
    index = merge_entities(story)
    conflicts = find_conflicts(story, alignment, claims, settings=options, entities=index)
    languages = Counter(a.language for a in story.articles)
    return StoryBrief(
        id=story.id,
        title=story_title(story, alignment),
        language=languages.most_common(1)[0][0] if languages else "",
        articles=[a.id for a in story.articles],
        summary=summarise(story, alignment, words=words or options.summary_words, settings=options),
        entities=index.entities,
        quotes=link_quotes(story, index, models=models),
        claims=claims,
        conflicts=conflicts,
        timeline=build_timeline(story, inferred=infer_story_dates(story)),
    )


def story_title(story: StoryInput, alignment: Alignment) -> str:
    """The title of the most central article that has one, else the first sentence of the most central.

    Centrality is the closeness of an article's mean statement embedding to the story's.
    """
    if not story.articles:
        return ""
    ranked = _by_centrality(story, alignment)
    titled = [a for a in ranked if a.title]
    if titled:
        return str(titled[0].title)
    central = ranked[0]
    sentences = article_sentences(StoryInput(story.id, [central], story.annotations, story.copies))
    first = sentences[central.id]
    return first[0].text if first else central.clean_text[:120]


def _by_centrality(story: StoryInput, alignment: Alignment) -> list[Article]:
    embedded = set(np.flatnonzero(np.abs(alignment.embeddings).sum(axis=1) > 0).tolist())
    if not embedded:
        return list(story.articles)
    centroid = alignment.embeddings[sorted(embedded)].mean(axis=0)
    score: dict[str, float] = {}
    for article in story.articles:
        rows = [s.index for s in alignment.statements if s.article == article.id and s.index in embedded]
        score[article.id] = float(alignment.embeddings[rows].mean(axis=0) @ centroid) if rows else -np.inf
    return sorted(story.articles, key=lambda a: -score[a.id])


__all__ = ["cross_check", "story_title"]
