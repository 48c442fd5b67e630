"""ROUGE-N recall with a Unicode word tokenizer: lower case, accents kept, no stemming."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Words of ``text``: runs of Unicode letters and digits, lower-cased, accents kept."""
    return [w.lower() for w in _WORD.findall(text)]


def ngrams(words: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def rouge_recall(summary: str, references: Sequence[str], n: int, *, limit: int | None = None) -> float:
    """ROUGE-N recall against several references (counts pooled over the references).

    ``limit`` cuts the summary to its first ``limit`` words first, as ``ROUGE -l`` does.
    """
    words = tokens(summary)
    if limit is not None:
        words = words[:limit]
    found = ngrams(words, n)
    matched = total = 0
    for reference in references:
        wanted = ngrams(tokens(reference), n)
        total += sum(wanted.values())
        matched += sum(min(count, found[gram]) for gram, count in wanted.items())
    return matched / total if total else 0.0
