"""Story assignment speed and memory on generated articles.

Articles are generated as features (the per-article stages are measured by
their own benchmarks): a stream at a steady daily rate, where each article
belongs to a story with its own terms, entities, numbers and embedding
direction, over a Zipf-distributed shared vocabulary. The clock covers
assignment only, one article at a time, as the online path runs.
"""

from __future__ import annotations

import contextlib
import math
import resource
import sys
import time
from typing import Any

import numpy as np

from ..cluster import ArticleFeatures, StoryClusterer
from ..models import Models
from ..report import Report
from ..settings import Settings

DEFAULT_SIZES = [10_000, 100_000]
ARTICLES_PER_DAY = 1_000
MEAN_STORY_SIZE = 6
DIMENSION = 512
VOCABULARY = 200_000
SEED = 7


def generate(count: int, *, seed: int = SEED) -> list[ArticleFeatures]:
    """``count`` articles of stories of about :data:`MEAN_STORY_SIZE`, in time order."""
    rng = np.random.default_rng(seed)
    stories = max(1, count // MEAN_STORY_SIZE)
    story_of = np.sort(rng.integers(0, stories, size=count))
    # Story s starts on day s / stories_per_day and runs for a few days.
    stories_per_day = ARTICLES_PER_DAY / MEAN_STORY_SIZE
    start_day = 738_000 + (story_of / stories_per_day).astype(int)
    day = start_day + rng.integers(0, 3, size=count)
    centres = rng.standard_normal((stories, DIMENSION)).astype(np.float32)
    vectors = centres[story_of] + 0.8 * rng.standard_normal((count, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = np.minimum(rng.zipf(1.3, size=(count, 30)), VOCABULARY)
    # Recurring names (countries, leaders, clubs) follow a Zipf law too; the
    # rest of a story's names and words are its own.
    recurring = np.minimum(rng.zipf(1.5, size=(stories, 3)), VOCABULARY)
    pick = rng.integers(0, 12, size=(count, 10))
    out = []
    for i in range(count):
        s = int(story_of[i])
        terms: dict[str, float] = {}
        for t in words[i]:
            terms[f"w{t}"] = terms.get(f"w{t}", 0.0) + 1.0
        for j in pick[i]:
            terms[f"s{s}.{j}"] = terms.get(f"s{s}.{j}", 0.0) + 2.0
        entities = {f"e{s}.{j}": 1.0 for j in pick[i][:3]}
        entities.update({f"r{r}": 1.0 for r in recurring[s][: 1 + i % 3]})
        numbers = {str(1000 + (s * 7919) % 9000): 1.0}
        out.append(
            ArticleFeatures(
                article_id=f"a{i}",
                language="en" if i % 3 else "fr",
                terms=terms,
                entities=entities,
                numbers=numbers,
                day=int(day[i]),
                vector=vectors[i],
            )
        )
    return out


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """One article's neighbour search is a small matrix-vector product: BLAS
    threads only add hand-offs, and on a shared machine they wait for cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def run(*, sizes: list[int] | None = None, settings: Settings, models: Models) -> Report:
    """Throughput and peak memory of online assignment; growth exponent between sizes."""
    del models  # assignment needs no model: features carry their embeddings
    sizes = sorted(sizes or DEFAULT_SIZES)
    report = Report(title="Story assignment on generated articles")
    timings: list[tuple[int, float]] = []
    for size in sizes:
        features = generate(size)
        clusterer = StoryClusterer(settings.cluster)
        with _one_blas_thread():
            start, cpu = time.perf_counter(), time.process_time()
            assignment = clusterer.assign_many(features)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        timings.append((size, cpu))
        report.rows.append(
            {
                "articles": size,
                "seconds": seconds,
                "articles/s": size / seconds,
                "cpu seconds": cpu,
                "articles/cpu-s": size / cpu,
                "stories": len(set(assignment.values())),
                "generated stories": len({f.article_id for f in features}) // MEAN_STORY_SIZE,
                "peak RSS MB": _peak_rss_mb(),
            }
        )
        del features, clusterer, assignment
    if len(timings) >= 2:
        (n0, t0), (n1, t1) = timings[0], timings[-1]
        exponent = math.log(t1 / t0) / math.log(n1 / n0)
        report.notes.append(
            f"cost-growth exponent {n0:,} -> {n1:,} (CPU time): {exponent:.3f} (1.0 = linear)"
        )
    report.notes.append(
        f"{ARTICLES_PER_DAY} articles a day, stories of ~{MEAN_STORY_SIZE}; peak RSS is the process's "
        "high-water mark (generated features included)"
    )
    return report
