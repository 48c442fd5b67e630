"""The one path in: every article the CLI, the web, the library or an engine takes in.

:func:`take_in` reads and cleans the items, stores the articles (each batch
committed on its own), then calls :func:`finish`, which brings the store's
derived state up to date, step by step, on whatever still needs it:

1. copies: each article is checked against the copy index kept in the store
   (MinHash LSH bands and anchors), so nothing is rebuilt;
2. annotation: sentences, entities, parses, quotations, dates, and the
   title-and-lead vector, once per article, stored;
3. stories: the new articles are assigned, under a lock that keeps every
   other writer out of the clustering state;
4. briefs: only the stories whose articles changed since their brief are
   cross-checked again.

Each step records what it did on each article (:class:`~recoupe.store.Stage`)
and each brief the story version it was made from, so a run that was killed
is finished by the next take-in (or by ``recoupe check --repair``), and two
processes taking in at once share the work instead of undoing each other's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from .annotate import annotate_many
from .clean import clean
from .cluster import embed_leads
from .crosscheck import cross_check
from .dedupe import CopyIndex
from .errors import NotFound
from .models import Models
from .pipeline import load_story
from .read import read_inputs
from .records import Annotations, Article, InputError, RawDoc
from .settings import Settings
from .store.base import Stage, Store
from .stories import LEAD_VECTORS, assign_stories

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int | None], Iterable[T]]
Item = str | Path | RawDoc | InputError

BATCH = 200
# The lock story assignment holds in the store while it reads and writes the clustering state.
STORIES_LOCK = "stories"
COPIES_LOCK = "copies"


def no_progress(items: Iterable[T], _label: str, _total: int | None) -> Iterable[T]:
    return items


@dataclass(slots=True)
class TakeInReport:
    """What one take-in did.

    ``articles``: every article taken in, in input order (one whose content was
    stored already points to the stored article through ``duplicate_of``);
    ``added``: ids newly stored; ``stories``: stories whose brief was made anew;
    ``timings``: seconds spent in each step.
    """

    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start


def take_in(
    items: Iterable[Item],
    *,
    store: Store,
    settings: Settings,
    models: Models,
    stdin: BinaryIO | None = None,
    progress: Progress = no_progress,
) -> TakeInReport:
    """Take in paths (files, folders, ``-``), raw documents or input errors; see the module docstring."""
    report = TakeInReport()
    batch: list[Article] = []
    for item in progress(_documents(items, settings=settings, stdin=stdin, report=report), "reading", None):
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        with report.timed("clean"):
            article = prepare(item, settings=settings)
        if isinstance(article, InputError):
            report.errors.append(article)
            continue
        batch.append(article)
        if len(batch) >= BATCH:
            _store(batch, store, report)
            batch = []
    if batch:
        _store(batch, store, report)
    log.info("stored: %d new article(s), %d input error(s)", len(report.added), len(report.errors))
    with report.timed("store"):
        store.add_errors(report.errors)
    finish(store, settings=settings, models=models, progress=progress, report=report)
    return report


def prepare(raw: RawDoc, *, settings: Settings) -> Article | InputError:
    """The cleaned article, or the input error that says why it cannot be used."""
    article = clean(raw, settings=settings.clean)
    if article.clean_text.strip():
        return article
    return InputError(
        raw.input,
        "nothing is left once captions, credits and signatures are removed; "
        "check that the file holds the article's text",
        raw.line,
    )


def _documents(
    items: Iterable[Item], *, settings: Settings, stdin: BinaryIO | None, report: TakeInReport
) -> Iterator[RawDoc | InputError]:
    paths: list[str] = []
    for item in items:
        if isinstance(item, str | Path):
            paths.append(str(item))
            continue
        if paths:
            yield from _read(paths, settings=settings, stdin=stdin, report=report)
            paths = []
        yield item
    if paths:
        yield from _read(paths, settings=settings, stdin=stdin, report=report)


def _read(
    paths: Sequence[str], *, settings: Settings, stdin: BinaryIO | None, report: TakeInReport
) -> Iterator[RawDoc | InputError]:
    reader = read_inputs(paths, settings=settings.read, stdin=stdin)
    while True:
        with report.timed("read"):
            item = next(reader, None)
        if item is None:
            return
        yield item


def _store(batch: list[Article], store: Store, report: TakeInReport) -> None:
    with report.timed("store"):
        result = store.add_articles(batch)
    report.added.extend(result.added)
    for article in batch:
        stored_id = result.existing.get(article.id)
        if stored_id is not None and stored_id != article.id:
            article.duplicate_of = stored_id
        report.articles.append(article)


def finish(
    store: Store,
    *,
    settings: Settings,
    models: Models,
    progress: Progress = no_progress,
    report: TakeInReport | None = None,
) -> TakeInReport:
    """Do every step the store's articles and stories still lack (see the module docstring)."""
    report = report if report is not None else TakeInReport()
    with report.timed("copies"):
        _find_copies(store, settings=settings)
    _annotate(store, settings=settings, models=models, progress=progress, report=report)
    with report.timed("assign"):
        _assign(store, settings=settings, models=models)
    _brief(store, settings=settings, models=models, progress=progress, report=report)
    return report


def _find_copies(store: Store, *, settings: Settings) -> None:
    index = CopyIndex(settings=settings.dedupe, storage=store)
    while True:
        with store.exclusive(COPIES_LOCK):
            # Read under the lock: another process may have indexed these meanwhile.
            ids = store.pending(Stage.COPIES, limit=BATCH)
            if ids:
                log.info("copies: checking %d article(s)", len(ids))
            for article in store.articles(ids):
                index.add(article)
            store.mark(ids, Stage.COPIES)
        if len(ids) < BATCH:
            return


def _annotate(store: Store, *, settings: Settings, models: Models, progress: Progress, report: TakeInReport) -> None:
    todo = store.pending(Stage.ANNOTATED, limit=None)
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    for ids in progress(batches, "annotating", len(batches)):
        log.info("annotating %d article(s)", len(ids))
        articles = list(store.articles(ids))
        with report.timed("annotate"):
            stored = store.annotations(ids)
            annotations = _annotations([a for a in articles if a.id not in stored], settings, models, report)
        with report.timed("embed"):
            have = store.vectors(LEAD_VECTORS, ids)
            leads = [a for a in articles if a.id not in have]
            vectors = dict(zip((a.id for a in leads), embed_leads(leads, models=models), strict=True))
        with report.timed("store"), store.transaction():
            store.save_annotations(annotations)
            store.save_vectors(LEAD_VECTORS, vectors)
            store.mark(ids, Stage.ANNOTATED)


def _annotations(
    articles: list[Article], settings: Settings, models: Models, report: TakeInReport
) -> list[Annotations]:
    """Annotations of a batch; an article that makes annotation fail is kept with none."""
    if not articles:
        return []
    try:
        return annotate_many(articles, settings=settings, models=models)
    except Exception:
        if len(articles) == 1:
            raise
    out = []
    for article in articles:
        try:
            out.extend(annotate_many([article], settings=settings, models=models))
        except Exception as exc:
            # A last resort that keeps the batch: the article stays, in a story of its own
            # words, and the reason is reported like any unusable input.
            out.append(Annotations(article_id=article.id))
            report.errors.append(
                InputError(article.input, f"could not be annotated ({type(exc).__name__}: {exc}); please report it")
            )
    return out


def _assign(store: Store, *, settings: Settings, models: Models) -> None:
    while True:
        with store.exclusive(STORIES_LOCK):
            # Read under the lock: another process may have assigned these meanwhile.
            ids = store.ready(Stage.ANNOTATED, limit=10 * BATCH)
            if ids:
                log.info("assigning %d article(s) to stories", len(ids))
                assign_stories(store, new_ids=ids, rebuild=False, settings=settings, models=models)
            left = set(store.ready(Stage.ANNOTATED, limit=10 * BATCH))
        if not ids or left & set(ids):
            return


def _brief(store: Store, *, settings: Settings, models: Models, progress: Progress, report: TakeInReport) -> None:
    stale = store.stale_stories(limit=None)
    if stale:
        log.info("cross-checking %d story(ies)", len(stale))
    for story_id in progress(stale, "cross-checking", len(stale)):
        with report.timed("crosscheck"):
            try:
                version = store.story_version(story_id)
                story = load_story(store, story_id)
            except NotFound:
                # Another writer regrouped it away meanwhile: nothing left to brief.
                continue
            brief = cross_check(story, settings=settings, models=models)
        with report.timed("store"):
            store.save_brief(brief, version=version)
        report.stories.append(story_id)


def rebuild(store: Store, *, settings: Settings, models: Models, progress: Progress = no_progress) -> TakeInReport:
    """Re-derive every story of the store from scratch, then brief them all again."""
    report = finish(store, settings=settings, models=models, progress=progress)
    with report.timed("assign"), store.exclusive(STORIES_LOCK):
        assign_stories(store, new_ids=[], rebuild=True, settings=settings, models=models)
    _brief(store, settings=settings, models=models, progress=progress, report=report)
    return report


__all__ = ["TakeInReport", "finish", "prepare", "rebuild", "take_in"]
