"""An extractive summary of a story that favours what several independent sources report.

The selection covers weighted concepts (word bigrams and content words) greedily under a
word budget: a concept weighs the number of independent sources that use it, so a fact
told by many outlets is worth more than a detail told once, and a concept already
covered is worth nothing the second time (no repeated information). A sentence near the
top of its article gets a small prior, as news leads carry the main facts. Chosen
sentences are put back in reading order and each cites the statements it was aligned with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..records import Evidence, StoryInput, SummarySentence
from ..settings import CrossCheckSettings
from .claims import Alignment, Statement
from .numbers import fold, lexicon

_WORD = re.compile(r"[^\W_]+")
# Text between quotation marks of any common style; reported speech rarely makes a good summary line.
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|„[^“”]*[“”]")


def _complete(text: str) -> bool:
    """A whole sentence ends with a stop or a closing mark; a heading or a cut line does not."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] not in ",;:" and unicodedata.category(stripped[-1]) in ("Po", "Pf", "Pe")


def _quoted_share(text: str) -> float:
    return sum(len(m.group()) for m in _QUOTED.finditer(text)) / max(len(text), 1)


@dataclass(frozen=True, slots=True)
class _Candidate:
    statement: Statement
    concepts: frozenset[str]


def sentence_concepts(text: str, language: str) -> frozenset[str]:
    """Word bigrams with at least one content word, and content words alone (marked with "=")."""
    function_words = lexicon(language).function_words
    lower = [w.lower() for w in _WORD.findall(text)]
    content = [w not in function_words and (len(w) > 2 or w.isdigit()) for w in lower]
    words = [fold(w) for w in lower]
    concepts = {"=" + w for w, keep in zip(words, content, strict=True) if keep}
    concepts.update(
        f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], content, content[1:], strict=False) if ka or kb
    )
    return frozenset(concepts)


def summarise(
    story: StoryInput,
    alignment: Alignment,
    *,
    words: int,
    settings: CrossCheckSettings,
) -> list[SummarySentence]:
    """Sentences of the story, about ``words`` long in total, in reading order, with evidence."""
    languages = {a.id: a.language for a in story.articles}
    candidates = [
        _Candidate(s, sentence_concepts(s.text, languages[s.article]))
        for s in alignment.statements
        if settings.summary_min_words <= s.words <= settings.summary_max_words and _complete(s.text)
    ]
    titles = [sentence_concepts(a.title, a.language) for a in story.articles if a.title]
    weights = _concept_weights(candidates, titles, settings)
    chosen = _select(candidates, weights, alignment, words, settings)
    chosen.sort(key=lambda c: (c.statement.position, alignment.article_order[c.statement.article]))
    chosen = _chronological(chosen)
    return [
        SummarySentence(c.statement.text, _evidence(c.statement, alignment)) for c in chosen
    ]


def _concept_weights(
    candidates: list[_Candidate], titles: list[frozenset[str]], settings: CrossCheckSettings
) -> dict[str, float]:
    """Independent sources per concept; words alone count less than bigrams, titles count more."""
    sources: dict[str, set[int]] = {}
    for candidate in candidates:
        for concept in candidate.concepts:
            sources.setdefault(concept, set()).add(candidate.statement.source)
    in_titles: dict[str, int] = {}
    for title in titles:
        for concept in title:
            in_titles[concept] = in_titles.get(concept, 0) + 1
    # A story told by fewer sources than the floor still needs a summary: the floor
    # then asks for every source there is.
    min_sources = min(settings.summary_min_sources, len({c.statement.source for c in candidates}))
    weights = {}
    for concept, found in sources.items():
        if len(found) < min_sources:
            continue
        weight = len(found) + settings.summary_title_weight * in_titles.get(concept, 0)
        weights[concept] = weight * (settings.summary_word_weight if concept.startswith("=") else 1.0)
    return weights


def _select(
    candidates: list[_Candidate],
    weights: dict[str, float],
    alignment: Alignment,
    budget: int,
    settings: CrossCheckSettings,
) -> list[_Candidate]:
    covered: set[str] = set()
    chosen: list[_Candidate] = []
    used = 0
    remaining = list(candidates)
    support = alignment.support()
    top = max(float(support.max()) - 1.0, 1.0) if len(support) else 1.0
    while remaining and used < budget:
        best, best_score = None, 0.0
        for candidate in remaining:
            if chosen and max(
                float(alignment.similarity[candidate.statement.index, c.statement.index]) for c in chosen
            ) >= settings.summary_redundancy:
                continue
            gain = sum(weights.get(c, 0.0) for c in candidate.concepts - covered)
            statement = candidate.statement
            prior = 1.0 + settings.summary_lead_prior / (1.0 + statement.position)
            prior *= 1.0 + settings.summary_support_weight * (support[statement.index] - 1.0) / top
            prior *= 1.0 - settings.summary_quote_penalty * _quoted_share(statement.text)
            score = gain * prior / candidate.statement.words ** settings.summary_length_penalty
            if used + candidate.statement.words > budget + settings.summary_overflow_words:
                continue
            if score > best_score:
                best, best_score = candidate, score
        if best is None:
            break
        chosen.append(best)
        used += best.statement.words
        covered |= best.concepts
        remaining.remove(best)
    return chosen


def _chronological(chosen: list[_Candidate]) -> list[_Candidate]:
    """Reading order, with the sentences that state a full date or a year put in date order among themselves.

    Undated sentences keep their place (leads first); dated ones swap slots so the
    summary does not tell 2019 after 2023.
    """
    def moment(candidate: _Candidate) -> float | None:
        values = [q.value * (1 if q.kind == "date" else 10000) for q in candidate.statement.quantities
                  if (q.kind == "date" and q.value >= 10000) or q.kind == "year"]
        return min(values) if values else None

    slots = [i for i, c in enumerate(chosen) if moment(c) is not None]
    dated = sorted((chosen[i] for i in slots), key=lambda c: moment(c) or 0.0)
    ordered = list(chosen)
    for slot, candidate in zip(slots, dated, strict=True):
        ordered[slot] = candidate
    return ordered


def _evidence(statement: Statement, alignment: Alignment) -> list[Evidence]:
    """The sentence itself, then the statements of other articles aligned with it as the same fact."""
    evidence = [statement.evidence()]
    row = alignment.similarity[statement.index]
    best: dict[str, tuple[float, Statement]] = {}
    for other in alignment.statements:
        score = float(row[other.index])
        if other.article == statement.article or score < alignment.threshold:
            continue
        if other.article not in best or score > best[other.article][0]:
            best[other.article] = (score, other)
    evidence.extend(other.evidence() for _, other in sorted(best.values(), key=lambda x: -x[0]))
    return evidence

