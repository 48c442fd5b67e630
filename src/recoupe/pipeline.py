"""The flow: read → clean → store → copies → annotate → stories → cross-check → brief.

The per-article stages are pure functions; this module only sequences them and
keeps what they produce in the store, so the CLI, the HTTP API and the library
share one path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO, TypeVar

from .annotate import annotate_many
from .clean import clean
from .crosscheck import cross_check
from .dedupe import find_copies
from .models import Models
from .read import read_inputs
from .records import Article, Brief, InputError, RawDoc, StoryBrief, StoryInput
from .settings import Settings
from .store.base import Store
from .stories import assign_stories

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int | None], Iterable[T]]

BATCH = 200


def no_progress(items: Iterable[T], _label: str, _total: int | None) -> Iterable[T]:
    return items


@dataclass(slots=True)
class IngestReport:
    """What one ingest took in: every article in input order (copies of stored
    content point to the stored article through ``duplicate_of``) and the errors."""

    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def ingest(
    paths: Sequence[str],
    *,
    store: Store,
    settings: Settings,
    stdin: BinaryIO | None = None,
    progress: Progress = no_progress,
) -> IngestReport:
    """Read, clean and store; each batch is committed on its own so an interruption loses nothing stored."""
    report = IngestReport()
    batch: list[Article] = []
    for item in progress(read_inputs(paths, settings=settings.read, stdin=stdin), "reading", None):
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        article = _clean_or_reject(item, settings, report)
        if article is None:
            continue
        batch.append(article)
        if len(batch) >= BATCH:
            _store_batch(batch, store, report)
            batch = []
    if batch:
        _store_batch(batch, store, report)
    store.add_errors(report.errors)
    return report


def _clean_or_reject(raw: RawDoc, settings: Settings, report: IngestReport) -> Article | None:
    article = clean(raw, settings=settings.clean)
    if article.clean_text.strip():
        return article
    report.errors.append(
        InputError(
            raw.input,
            "nothing is left once captions, credits and signatures are removed; "
            "check that the file holds the article's text",
            raw.line,
        )
    )
    return None


def _store_batch(batch: list[Article], store: Store, report: IngestReport) -> None:
    result = store.add_articles(batch)
    report.added.extend(result.added)
    for article in batch:
        stored_id = result.existing.get(article.id)
        if stored_id is not None and stored_id != article.id:
            article.duplicate_of = stored_id
        report.articles.append(article)


def update(
    store: Store,
    *,
    settings: Settings,
    models: Models,
    new_ids: Sequence[str],
    rebuild: bool = False,
    progress: Progress = no_progress,
) -> list[str]:
    """Bring copies, annotations, stories and briefs up to date after new articles.

    Returns the ids of the stories whose brief was (re)computed.
    """
    every_article = list(store.articles())
    copies = find_copies(every_article, settings=settings.dedupe)
    store.save_copies(copies)
    stored = store.annotations([a.id for a in every_article])
    missing = [a for a in every_article if a.id not in stored]
    for chunk in progress(_chunks(missing, BATCH), "annotating", -(-len(missing) // BATCH)):
        store.save_annotations(annotate_many(chunk, settings=settings, models=models))
    touched = assign_stories(
        store, new_ids=list(new_ids), rebuild=rebuild, settings=settings, models=models
    )
    for story_id in progress(touched, "cross-checking", len(touched)):
        store.save_brief(cross_check(load_story(store, story_id), settings=settings, models=models))
    return touched


def load_story(store: Store, story_id: str) -> StoryInput:
    ids = store.story_articles(story_id)
    return StoryInput(
        id=story_id,
        articles=list(store.articles(ids)),
        annotations=store.annotations(ids),
        copies=store.copies(),
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


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
