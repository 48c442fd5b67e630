"""Average-link agglomeration of a small pool, on similarities corrected for density.

A raw similarity threshold cannot serve every corpus: the reports of one tight
event (an arrest, a quake) resemble each other far more than those of a broad,
evolving story do, and two same-kind events can be as close as the two halves
of a broad story. Each article's *density* — the mean of its ``k`` highest
similarities to other articles — says how close its real neighbours are, so
two groups merge when their mean similarity comes within ``margin`` of the mean
of their members' densities (cross-domain similarity local scaling, Conneau et
al. 2018, applied to average linkage), and reaches an absolute ``floor``.

Of the ``k`` highest, only those within ``ratio`` of the highest count: the
reports of a story of two have one close neighbour each, and averaging in the
next same-kind event would lower their density enough to let the two events
meet.
"""

from __future__ import annotations

import numpy as np

# Pairs that may never merge (their dates lie too far apart).
APART = -1e9


def density(similarities: list[float], k: int, ratio: float) -> float:
    """Mean of the ``k`` highest similarities, of those within ``ratio`` of the highest."""
    best = sorted(similarities, reverse=True)[:k]
    if not best:
        return 0.0
    close = [s for s in best if s >= ratio * best[0]]
    return sum(close) / len(close)


def agglomerate(
    mean_sims: np.ndarray,
    sizes: np.ndarray,
    densities: np.ndarray,
    *,
    margin: float,
    floor: float,
    sure: float,
) -> list[list[int]]:
    """Groups of node indices, merged best pair first while their score reaches ``-margin``.

    Pairs whose mean similarity is under ``floor`` never merge, and those at
    ``sure`` or above always may: in a story much larger than the densities'
    neighbours, an article's closest neighbours are far closer than its average
    fellow member, so two halves would otherwise stay apart.

    ``mean_sims[i, j]`` is the mean similarity of the members of nodes ``i`` and
    ``j`` (``APART`` for nodes that may not meet), ``sizes`` their member counts and
    ``densities`` the sums of their members' densities. The score of a pair is
    its mean similarity less the mean of the two sides' mean densities.
    """
    n = len(sizes)
    groups = [[i] for i in range(n)]
    if n < 2:
        return groups
    size = sizes.astype(np.float64)
    dens = densities.astype(np.float64)
    total = mean_sims * np.outer(size, size)
    alive = np.ones(n, dtype=bool)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    while True:
        mean = dens / size
        linked = total / np.outer(size, size)
        score = linked - (mean[:, None] + mean[None, :]) / 2
        score = np.where(linked >= sure, np.maximum(score, -margin), score)
        score[~(upper & alive[:, None] & alive[None, :]) | (linked < floor)] = -np.inf
        i, j = np.unravel_index(int(np.argmax(score)), score.shape)
        if score[i, j] < -margin:
            break
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        dens[i] += dens[j]
        alive[j] = False
        groups[i].extend(groups[j])
        groups[j] = []
    return [g for g in groups if g]
