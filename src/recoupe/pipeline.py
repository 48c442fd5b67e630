"""Briefs out of a store: a story's inputs for the cross-check, and the brief of a take-in.

Articles come in through :mod:`recoupe.takein`; this module reads what it left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from .records import Article, Brief, InputError, StoryBrief, StoryInput
from .store.base import Store


def load_story(store: Store, story_id: str) -> StoryInput:
    ids = store.story_articles(story_id)
    return StoryInput(
        id=story_id,
        articles=list(store.articles(ids)),
        annotations=store.annotations(ids),
        copies=store.copies(ids),
    )


def build_brief(
    store: Store,
    *,
    story_ids: Sequence[str] | None = None,
    taken_in: Sequence[Article] = (),
    errors: Sequence[InputError] = (),
) -> Brief:
    """The brief of the given stories (all by default), listing ``taken_in`` first, in input order."""
    ids = list(store.story_ids() if story_ids is None else story_ids)
    stories: list[StoryBrief] = [store.brief(story_id) for story_id in ids]
    listed: dict[str, Article] = {}
    for article in taken_in:
        stored = store.article(article.duplicate_of or article.id)
        article.story = stored.story
        if article.duplicate_of is None:
            article.duplicate_of = stored.duplicate_of
        listed.setdefault(f"{article.input}#{article.id}", article)
    in_brief = {a.id for a in listed.values()}
    for story in stories:
        for article in store.articles([i for i in story.articles if i not in in_brief]):
            listed[f"{article.input}#{article.id}"] = article
    return Brief(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        articles=list(listed.values()),
        stories=stories,
        errors=list(errors),
    )


def stories_of(store: Store, articles: Iterable[Article]) -> list[str]:
    """Story ids of these articles, in first-seen order."""
    ids = {a.duplicate_of or a.id for a in articles}
    found = dict.fromkeys(a.story for a in store.articles(sorted(ids)) if a.story)
    return list(found)
