"""Per-article annotation: sentences, entity mentions, quotations, temporal expressions.

Pure per article (no cross-article state), so it scales out: the batch form only
exists to let spaCy process many texts in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Models
from ..records import Annotations, Article
from ..settings import Settings
from .dates import find_times
from .entities import find_mentions_many
from .quotes import find_quotations
from .sentences import split_sentences


def annotate_many(articles: Sequence[Article], *, settings: Settings, models: Models) -> list[Annotations]:
    """Annotations of each article, in the order given."""
    sentences = {a.id: split_sentences(a.clean_text, a.language) for a in articles}
    mentions = find_mentions_many(articles, sentences, models=models, settings=settings.annotate)
    return [
        Annotations(
            article_id=a.id,
            sentences=sentences[a.id],
            mentions=mentions[a.id],
            quotations=find_quotations(a, sentences[a.id], mentions[a.id], settings=settings.annotate),
            times=find_times(a, sentences[a.id]),
        )
        for a in articles
    ]


def annotate(article: Article, *, settings: Settings, models: Models) -> Annotations:
    return annotate_many([article], settings=settings, models=models)[0]


__all__ = ["annotate", "annotate_many", "split_sentences"]
