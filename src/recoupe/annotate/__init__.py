"""Per-article annotation: sentences, entity mentions, parses, quotations, temporal expressions.

Pure per article (no cross-article state), so it scales out: with
``annotate.ner_processes`` above one, batches are split among forked worker
processes that each run the whole annotation (spaCy, the clean-up rules, the
quotation finder) on their share with the models already loaded, which uses
the cores for the rules as well as for spaCy.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence

from ..models import Models
from ..records import Annotations, Article
from ..settings import Settings
from .dates import find_times
from .entities import find_mentions_many
from .parse import parse_sentences
from .quotes import find_quotations
from .sentences import split_sentences

# Sentences with a quotation mark (speaker attribution) or a digit (quantities of statements)
# are parsed; the others are not needed by any stage that reads syntax.
_PARSED_MARKS = frozenset("«»“”„\"")
# Below this many articles per worker, starting the workers costs more than it saves.
_MIN_PER_WORKER = 8
# What the forked workers inherit: set just before the fork, read by _annotate_share.
_INHERITED: tuple[Settings, Models] | None = None


def annotate_many(articles: Sequence[Article], *, settings: Settings, models: Models) -> list[Annotations]:
    """Annotations of each article, in the order given."""
    workers = min(settings.annotate.ner_processes, len(articles) // _MIN_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _annotate_here(articles, settings=settings, models=models)
    # The models are loaded once here and shared with the workers by the fork; the workers get
    # them in a Models of their own, whose lock no other thread of this process can be holding.
    loaded = Models(nlp={language: models.spacy(language) for language in {a.language for a in articles}})
    shares = [list(articles[n::workers]) for n in range(workers)]
    global _INHERITED
    _INHERITED = (settings, loaded)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_annotate_share, shares)
    finally:
        _INHERITED = None
    by_id = {notes.article_id: notes for share in results for notes in share}
    return [by_id[a.id] for a in articles]


def _annotate_share(share: list[Article]) -> list[Annotations]:
    assert _INHERITED is not None, "annotation workers are started by annotate_many"
    settings, models = _INHERITED
    return _annotate_here(share, settings=settings, models=models)


def _annotate_here(articles: Sequence[Article], *, settings: Settings, models: Models) -> list[Annotations]:
    sentences = {a.id: split_sentences(a.clean_text, a.language) for a in articles}
    mentions = find_mentions_many(articles, sentences, models=models, settings=settings.annotate)
    parses = parse_sentences(
        ((a, [s for s in sentences[a.id] if _wants_parse(s.text)]) for a in articles),
        models=models,
        settings=settings.annotate,
    )
    return [
        Annotations(
            article_id=a.id,
            sentences=sentences[a.id],
            mentions=mentions[a.id],
            quotations=find_quotations(a, sentences[a.id], mentions[a.id], settings=settings.annotate),
            times=find_times(a, sentences[a.id]),
            parses=parses.get(a.id, []),
        )
        for a in articles
    ]


def _wants_parse(text: str) -> bool:
    return any(c in _PARSED_MARKS for c in text)


def annotate(article: Article, *, settings: Settings, models: Models) -> Annotations:
    return annotate_many([article], settings=settings, models=models)[0]


__all__ = ["annotate", "annotate_many", "split_sentences"]
