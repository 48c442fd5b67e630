"""Story clustering against gold: ours (batch and online) and a TF-IDF baseline.

Sets: ``rpm2-fr`` (French; gold topic ``TNN`` and batch ``TNN_Cc`` from file
names) and ``ecbplus-en`` (English; gold topic and event from ``gold.jsonl``).
Gold labels are used only for scoring and to tune the baseline's threshold, as
the baseline is meant to be the best a plain TF-IDF agglomeration can do on
these very data. Ours runs with the shipped settings, the same for both sets.
"""

from __future__ import annotations

import json
import pathlib
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..cluster import StoryClusterer, article_features, embed_leads
from ..errors import DataUnavailable, MissingDependency
from ..models import Models
from ..records import Annotations, Article
from ..report import Report
from ..settings import Settings

BATCH_SEED = 0
ONLINE_SEED = 1


@dataclass(frozen=True, slots=True)
class GoldSet:
    name: str
    articles: list[Article]
    levels: dict[str, dict[str, str]]
    primary: str


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    clusters: int


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> Scores:
    """BCubed precision, recall and F1 over the items of ``gold``."""
    items = list(gold)
    if not items:
        return Scores(0.0, 0.0, 0.0, 0)
    pairs = Counter((predicted[i], gold[i]) for i in items)
    sizes_p = Counter(predicted[i] for i in items)
    sizes_g = Counter(gold[i] for i in items)
    precision = sum(pairs[(predicted[i], gold[i])] / sizes_p[predicted[i]] for i in items) / len(items)
    recall = sum(pairs[(predicted[i], gold[i])] / sizes_g[gold[i]] for i in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(sizes_p))


# --------------------------------------------------------------------- loading


def _article(doc_id: str, title: str | None, text: str, language: str) -> Article:
    return Article(
        id=doc_id,
        input=doc_id,
        original=text,
        clean_text=text,
        language=language,
        content_hash=doc_id,
        title=title,
    )


def load_rpm2(root: pathlib.Path) -> GoldSet:
    folder = root / "rpm2-fr" / "documents"
    files = sorted(folder.glob("T*_C*_*.txt"))
    if not files:
        raise DataUnavailable(f"no rpm2-fr documents (TNN_Cc_DD.txt) under {folder}")
    articles, topic, batch = [], {}, {}
    for path in files:
        text = path.read_text("utf-8-sig").replace("\r\n", "\n").strip()
        title, _, _ = text.partition("\n")
        articles.append(_article(path.stem, title.strip(), text, "fr"))
        parts = path.stem.split("_")
        topic[path.stem] = parts[0]
        batch[path.stem] = f"{parts[0]}_{parts[1]}"
    return GoldSet("rpm2-fr", articles, {"topic": topic, "batch": batch}, "topic")


def load_ecbplus(root: pathlib.Path) -> GoldSet:
    folder = root / "ecbplus-en"
    try:
        rows = [json.loads(line) for line in (folder / "articles.jsonl").read_text("utf-8").splitlines() if line]
        gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text("utf-8").splitlines() if line]
    except (OSError, json.JSONDecodeError) as exc:
        raise DataUnavailable(f"cannot read ecbplus-en articles.jsonl / gold.jsonl under {folder}: {exc}") from exc
    articles = [_article(r["id"], r.get("title"), r["text"], r.get("language") or "en") for r in rows]
    event = {g["id"]: str(g["event"]) for g in gold}
    topic = {g["id"]: str(g["topic"]) for g in gold}
    return GoldSet("ecbplus-en", articles, {"event": event, "topic": topic}, "event")


# --------------------------------------------------------------------- ours


def cluster_both(
    articles: Sequence[Article],
    *,
    settings: Settings,
    vectors: np.ndarray,
    annotations: dict[str, Annotations] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Batch rebuild and online assignment (each on its own shuffled order)."""
    given = annotations or {}
    features = [article_features(a, given.get(a.id), vector=vectors[i]) for i, a in enumerate(articles)]
    batch_order = list(features)
    random.Random(BATCH_SEED).shuffle(batch_order)
    online_order = list(features)
    random.Random(ONLINE_SEED).shuffle(online_order)
    batch = StoryClusterer(settings.cluster).rebuild(batch_order)
    online = StoryClusterer(settings.cluster).assign_many(online_order)
    return batch, online


# --------------------------------------------------------------------- baseline


def baseline(articles: Sequence[Article], gold: dict[str, str]) -> tuple[dict[str, str], float]:
    """TF-IDF cosine + average-link agglomeration, threshold tuned on ``gold``."""
    try:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as exc:
        raise MissingDependency("scikit-learn", "eval", "The clustering baseline") from exc
    texts = [f"{a.title or ''}\n{a.clean_text}" for a in articles]
    matrix = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode").fit_transform(texts).toarray()
    best: tuple[float, dict[str, str], float] = (-1.0, {}, 0.0)
    for threshold in np.arange(0.30, 1.0, 0.02):
        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=float(threshold)
        ).fit_predict(matrix)
        predicted = {a.id: str(label) for a, label in zip(articles, labels, strict=True)}
        f1 = bcubed(predicted, gold).f1
        if f1 > best[0]:
            best = (f1, predicted, float(threshold))
    return best[1], best[2]


# --------------------------------------------------------------------- report


def _row(data: str, level: str, system: str, scores: Scores, gold_clusters: int) -> dict[str, object]:
    return {
        "set": data,
        "level": level,
        "system": system,
        "P": scores.precision,
        "R": scores.recall,
        "F1": scores.f1,
        "stories": scores.clusters,
        "gold": gold_clusters,
    }


def evaluate(data_root: pathlib.Path, *, settings: Settings, models: Models) -> Report:
    sets = [load_ecbplus(data_root), load_rpm2(data_root)]
    report = Report(title="Story clustering: BCubed against gold")
    for gold_set in sets:
        articles = gold_set.articles
        vectors = embed_leads(articles, models=models)
        batch, online = cluster_both(articles, settings=settings, vectors=vectors)
        base, threshold = baseline(articles, gold_set.levels[gold_set.primary])
        for level, gold in gold_set.levels.items():
            size = len(set(gold.values()))
            report.rows.append(_row(gold_set.name, level, "ours (batch)", bcubed(batch, gold), size))
            report.rows.append(_row(gold_set.name, level, "ours (online)", bcubed(online, gold), size))
            report.rows.append(_row(gold_set.name, level, "tf-idf baseline", bcubed(base, gold), size))
        report.notes.append(
            f"{gold_set.name}: baseline distance threshold {threshold:.2f}, tuned on {gold_set.primary} gold"
        )
    c = settings.cluster
    report.notes.append(
        f"ours: one setting for every set: groups meet when their mean similarity reaches {c.threshold} "
        f"and comes within {c.margin} of their articles' mean density (mean of the closest "
        f"{c.density_neighbours} similarities within {c.density_ratio} of the closest), or reaches "
        f"{c.sure_threshold}; weights terms "
        f"{c.weight_terms} / entities {c.weight_entities} / numbers {c.weight_numbers} / embedding "
        f"{c.weight_vector}, embedding floor {c.vector_floor}; online = one article at a time in a "
        "shuffled order; entities from capitalised words"
    )
    return report
