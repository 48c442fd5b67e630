"""``recoupe eval takein``: the incremental take-in against a full recompute, on the dev corpora.

For each set (``rpm2-fr``, ``ecbplus-en``) the same articles go into two stores:

- *full*: all of them at once, then every story re-derived and re-checked from
  scratch (:func:`recoupe.takein.rebuild`, what ``recoupe cluster --rebuild``
  runs);
- *incremental*: one article at a time, in a shuffled (seeded) order, each one
  taken in by :func:`recoupe.takein.finish`, so stories grow and are re-checked
  as a stream would make them.

Reported: BCubed P/R/F1 of the incremental stories against the full ones, and,
over the stories made of exactly the same articles in both, the share whose
briefs have the same claims (text, independent sources, status), the same
counts and the same conflicts.
"""

from __future__ import annotations

import pathlib
import random
from collections.abc import Sequence

from ..models import Models
from ..records import Article, StoryBrief
from ..report import Report
from ..settings import Settings
from ..store import Store, open_store
from ..takein import finish, rebuild
from .clustering import bcubed, load_ecbplus, load_rpm2

SEED = 7


def _fingerprint(brief: StoryBrief) -> tuple[object, ...]:
    claims = sorted((c.text, c.independent_sources, c.status) for c in brief.claims)
    conflicts = sorted((c.about, sorted(p.value for p in c.positions)) for c in brief.conflicts)
    return tuple(claims), tuple(map(str, conflicts))


def _stories(store: Store) -> dict[frozenset[str], StoryBrief]:
    return {frozenset(store.story_articles(s)): store.brief(s) for s in store.story_ids()}


def compare(articles: Sequence[Article], *, settings: Settings, models: Models) -> dict[str, object]:
    """The figures of the module docstring for one set of articles."""
    order = list(articles)
    random.Random(SEED).shuffle(order)
    with open_store(None) as full, open_store(None) as stream:
        full.add_articles([_fresh(a) for a in articles])
        rebuild(full, settings=settings, models=models)
        for article in order:
            stream.add_articles([_fresh(article)])
            finish(stream, settings=settings, models=models)
        reference = {a.id: a.story or "" for a in full.articles()}
        grown = {a.id: a.story or "" for a in stream.articles()}
        scores = bcubed(grown, reference)
        full_briefs, stream_briefs = _stories(full), _stories(stream)
    same = [members for members in full_briefs if members in stream_briefs]
    agreeing = sum(_fingerprint(full_briefs[m]) == _fingerprint(stream_briefs[m]) for m in same)
    return {
        "articles": len(articles),
        "stories full": len(full_briefs),
        "stories incremental": len(stream_briefs),
        "P": scores.precision,
        "R": scores.recall,
        "F1": scores.f1,
        "same stories": len(same),
        "same briefs": agreeing / len(same) if same else 1.0,
    }


def _fresh(article: Article) -> Article:
    """A copy the store may change (it sets ids and stories on what it is given)."""
    return Article(**{name: getattr(article, name) for name in Article.__slots__})


def evaluate(data_root: pathlib.Path, *, settings: Settings, models: Models) -> Report:
    report = Report("Take-in: one article at a time against a full recompute (stories and briefs)")
    for gold in (load_rpm2(pathlib.Path(data_root)), load_ecbplus(pathlib.Path(data_root))):
        report.rows.append({"set": gold.name, **compare(gold.articles, settings=settings, models=models)})
    report.notes.append(
        "P/R/F1: BCubed of the incremental stories against the full ones; same briefs: share of the stories "
        "with the same articles in both whose claims, counts and conflicts are the same."
    )
    return report
