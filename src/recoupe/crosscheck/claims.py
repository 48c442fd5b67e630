"""Checkable statements of a story, aligned across articles, and the claims they support.

A statement is a sentence that can be checked (long enough, not a question, not a caption).
Two statements of different articles report the same fact when their multilingual
embeddings are close and they share content words, numbers and dates; a statement keeps
the best match of each other article. :func:`align_statements` does this once per story;
claims, conflicts and the summary all read the same :class:`Alignment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..annotate.sentences import split_sentences
from ..models import Models
from ..records import Claim, ClaimStatus, Evidence, Sentence, StoryInput
from ..settings import CrossCheckSettings
from .numbers import Quantity, find_quantities, fold, lexicon

_WORD = re.compile(r"[^\W_]+")
_CAPITALISED = re.compile(r"(?<![.!?«\"“]\s)(?<!^)\b[A-ZÀ-Ý][\w’'-]+")
# Content words compare by their first letters so that inflections meet ("blindé"/"blindés",
# "sibérienne"/"Sibérie"); six letters keep most distinct words apart.
_STEM_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Statement:
    """One checkable sentence: ``article.clean_text[start:end] == text``."""

    index: int
    article: str
    source: int
    position: int
    start: int
    end: int
    text: str
    words: int
    terms: frozenset[str]
    quantities: tuple[Quantity, ...]

    def evidence(self) -> Evidence:
        return Evidence(self.article, self.start, self.end, self.text)


@dataclass(slots=True)
class StatementGroup:
    """A statement (the pivot) and its best match in each other article that reports the same fact."""

    pivot: int
    members: list[int]
    sources: int
    weight: float


@dataclass(slots=True)
class Alignment:
    """Everything the claims, the conflicts and the summary share for one story."""

    statements: list[Statement]
    similarity: np.ndarray
    embeddings: np.ndarray  # zero rows for statements that could align with nothing (not embedded)
    groups: list[StatementGroup]
    sources: dict[str, int]
    article_order: dict[str, int]
    threshold: float

    def support(self) -> np.ndarray:
        """For each statement, the independent sources that report it (itself included)."""
        out = np.ones(len(self.statements), dtype=np.float32)
        linked = self.similarity >= self.threshold
        source_ids = np.array([s.source for s in self.statements])
        for row, statement in enumerate(self.statements):
            others = set(source_ids[linked[row]].tolist()) - {statement.source}
            out[row] += len(others)
        return out

    def group_of(self, statement: int) -> StatementGroup | None:
        """The claim group whose pivot is ``statement``, if it became one."""
        for group in self.groups:
            if group.pivot == statement:
                return group
        return None


def independent_sources(story: StoryInput) -> dict[str, int]:
    """Article id -> independent-source number.

    Copies and rewrites of one dispatch share a source, and so do two articles of one
    outlet; an article without outlet falls back to its dispatch group alone.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for article in story.articles:
        find("a:" + article.id)
        group = story.copies.dispatch.get(article.id)
        if group is not None:
            union("a:" + article.id, "g:" + group)
        if article.outlet:
            union("a:" + article.id, "o:" + article.outlet.strip().casefold())
    roots: dict[str, int] = {}
    return {a.id: roots.setdefault(find("a:" + a.id), len(roots)) for a in story.articles}


def article_sentences(story: StoryInput) -> dict[str, list[Sentence]]:
    """The sentences of each article: the annotations' when annotation ran, else split now."""
    out = {}
    for article in story.articles:
        annotations = story.annotations.get(article.id)
        if annotations is not None and annotations.sentences:
            out[article.id] = list(annotations.sentences)
        else:
            out[article.id] = split_sentences(article.clean_text, article.language)
    return out


def content_terms(text: str, language: str) -> frozenset[str]:
    """Folded stems of the content words of ``text`` (numbers kept as they are)."""
    function_words = lexicon(language).function_words
    terms = set()
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in function_words or (len(word) < 3 and not word.isdigit()):
            continue
        terms.add(fold(word)[:_STEM_LENGTH])
    return frozenset(terms)


def _checkable(text: str, words: int, language: str, settings: CrossCheckSettings) -> bool:
    if not settings.statement_min_words <= words <= settings.statement_max_words:
        return False
    stripped = text.strip()
    caption = lexicon(language).caption
    return not stripped.endswith("?") and not (caption and caption.search(stripped))


def extract_statements(story: StoryInput, settings: CrossCheckSettings) -> list[Statement]:
    sources = independent_sources(story)
    sentences = article_sentences(story)
    statements: list[Statement] = []
    for article in story.articles:
        for position, sentence in enumerate(sentences[article.id]):
            text = sentence.text
            words = len(_WORD.findall(text))
            if not _checkable(text, words, article.language, settings):
                continue
            statements.append(
                Statement(
                    index=len(statements),
                    article=article.id,
                    source=sources[article.id],
                    position=position,
                    start=sentence.start,
                    end=sentence.end,
                    text=text,
                    words=words,
                    terms=content_terms(text, article.language),
                    quantities=tuple(find_quantities(text, article.language)),
                )
            )
    return statements


def _lexical_similarity(statements: list[Statement]) -> np.ndarray:
    """Cosine of IDF-weighted content stems, counting only stems seen in two articles or more."""
    n = len(statements)
    document_frequency: dict[str, int] = {}
    articles_of: dict[str, set[str]] = {}
    for statement in statements:
        for term in statement.terms:
            document_frequency[term] = document_frequency.get(term, 0) + 1
            articles_of.setdefault(term, set()).add(statement.article)
    idf = {t: float(np.log((n + 1) / (df + 0.5))) for t, df in document_frequency.items()}
    shared = sorted(t for t, arts in articles_of.items() if len(arts) > 1)
    column = {t: i for i, t in enumerate(shared)}
    matrix = np.zeros((n, len(shared)), dtype=np.float32)
    norms = np.zeros(n, dtype=np.float32)
    for row, statement in enumerate(statements):
        norms[row] = np.sqrt(sum(idf[t] ** 2 for t in statement.terms)) or 1.0
        for term in statement.terms:
            if term in column:
                matrix[row, column[term]] = idf[term]
    matrix /= norms[:, None]
    return matrix @ matrix.T


def _anchor_bonus(statements: list[Statement]) -> np.ndarray:
    """How many stated values (numbers, dates, years) two statements share, capped at two.

    A weekday alone is left out: most events of one story fall on a few days.
    """
    n = len(statements)
    keys: dict[tuple[str, str], int] = {}
    rows: list[list[int]] = []
    for statement in statements:
        rows.append([
            keys.setdefault((q.kind, q.label), len(keys)) for q in statement.quantities if q.kind != "weekday"
        ])
    incidence = np.zeros((n, max(len(keys), 1)), dtype=np.float32)
    for row, columns in enumerate(rows):
        incidence[row, columns] = 1.0
    return np.minimum(incidence @ incidence.T, 2.0)


def _shared_phrases(story: StoryInput, statements: list[Statement]) -> np.ndarray:
    """How many distinctive terms (content words and word pairs) two statements share, capped at two.

    A term is distinctive when few statements of the story use it (at most 5 %, at least
    four allowed): "train blindé" or "Angara" mark a fact, "Vladimir Poutine" only the topic.
    """
    language = {a.id: a.language for a in story.articles}
    terms_of: list[set[str]] = []
    frequency: dict[str, int] = {}
    for statement in statements:
        function_words = lexicon(language[statement.article]).function_words
        words = [fold(w)[:_STEM_LENGTH] for w in _WORD.findall(statement.text)]
        content = [w not in function_words and len(w) > 2 for w in words]
        terms = {w for w, keep in zip(words, content, strict=True) if keep}
        terms.update(
            f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], content, content[1:], strict=False) if ka or kb
        )
        terms_of.append(terms)
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    limit = max(4, int(0.05 * len(statements)))
    keys: dict[str, int] = {}
    rows = [[keys.setdefault(t, len(keys)) for t in terms if 2 <= frequency[t] <= limit] for terms in terms_of]
    incidence = np.zeros((len(statements), max(len(keys), 1)), dtype=np.float32)
    for row, columns in enumerate(rows):
        incidence[row, columns] = 1.0
    return np.minimum(incidence @ incidence.T, 2.0)


def _embed(models: Models, texts: list[str]) -> np.ndarray:
    """One embedding per text, each distinct text encoded once (copies repeat many sentences)."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 512), dtype=np.float32)
    vectors = models.embedder.encode(unique)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


def align_statements(story: StoryInput, *, models: Models, settings: CrossCheckSettings) -> Alignment:
    """Statements of the story and, for each, its best match in every other article."""
    statements = extract_statements(story, settings)
    sources = independent_sources(story)
    order = {a.id: i for i, a in enumerate(story.articles)}
    n = len(statements)
    if n == 0:
        return Alignment(statements, np.zeros((0, 0), np.float32), np.zeros((0, 512), np.float32), [], sources,
                         order, settings.align_threshold)
    article_ids = np.array([order[s.article] for s in statements])
    same_article = article_ids[:, None] == article_ids[None, :]
    surface = (
        (1.0 - settings.semantic_weight) * _lexical_similarity(statements)
        + settings.anchor_bonus * _anchor_bonus(statements)
        + settings.phrase_bonus * _shared_phrases(story, statements)
    )
    surface[same_article] = 0.0
    # Blocking: the embedding adds at most semantic_weight, so a statement whose words,
    # values and phrases bring it nowhere near the threshold with any other article can
    # never align; it is not embedded at all (the embedding is most of the cost).
    needed: np.ndarray = np.asarray((surface >= settings.align_threshold - settings.semantic_weight).any(axis=1))
    embeddings = np.zeros((n, 512), dtype=np.float32)
    rows = np.flatnonzero(needed)
    if len(rows):
        embeddings[rows] = _embed(models, [statements[i].text for i in rows])
    semantic = embeddings @ embeddings.T
    # Everything in one story is about one topic, so raw embedding similarity runs high
    # between any two of its sentences; measure it above the story's own baseline.
    compared = ~same_article & needed[:, None] & needed[None, :]
    baseline = float(semantic[compared].mean()) if compared.any() else 0.0
    semantic = np.clip((semantic - baseline) / max(1.0 - baseline, 1e-6), 0.0, 1.0)
    similarity = (settings.semantic_weight * semantic + surface).astype(np.float32)
    similarity[same_article] = 0.0
    groups = _pivot_groups(statements, similarity, settings)
    return Alignment(statements, similarity, embeddings, groups, sources, order, settings.align_threshold)


def _pivot_groups(
    statements: list[Statement], similarity: np.ndarray, settings: CrossCheckSettings
) -> list[StatementGroup]:
    """One candidate group per statement: itself plus the statements of other articles aligned with it."""
    linked = similarity >= settings.align_threshold
    groups = []
    for i in range(len(statements)):
        others = np.flatnonzero(linked[i])
        members = [i, *(int(j) for j in others)]
        sources = len({statements[m].source for m in members})
        # the weight counts each other article once, by its best match
        best: dict[str, float] = {}
        for j in others:
            article = statements[j].article
            best[article] = max(best.get(article, 0.0), float(similarity[i, j]))
        groups.append(StatementGroup(i, members, sources, sum(best.values())))
    return groups


def select_claim_groups(alignment: Alignment, settings: CrossCheckSettings) -> list[StatementGroup]:
    """Claim groups ranked by support, keeping one group per fact.

    A statement does not open a new claim when it is already a close member of an
    accepted one (it says the same thing); a looser member may still open its own claim,
    since one sentence often carries several facts.
    """
    statements = alignment.statements
    candidates = sorted(
        alignment.groups,
        key=lambda g: (-g.sources, -g.weight, alignment.article_order[statements[g.pivot].article],
                       statements[g.pivot].position),
    )
    accepted: list[StatementGroup] = []
    accepted_members: list[set[int]] = []
    closely_covered: set[int] = set()
    for group in candidates:
        members = set(group.members)
        if group.pivot in closely_covered or any(members <= seen for seen in accepted_members):
            continue
        if group.sources < 2 and not _has_anchor(statements[group.pivot]):
            continue
        accepted.append(group)
        accepted_members.append(members)
        for member in group.members:
            if member == group.pivot or alignment.similarity[group.pivot, member] >= settings.same_claim_threshold:
                closely_covered.add(member)
    alignment.groups = accepted
    return accepted


def _has_anchor(statement: Statement) -> bool:
    """A lone statement is worth checking when it names a value or a proper name."""
    return bool(statement.quantities) or bool(_CAPITALISED.search(statement.text))


def find_claims(
    story: StoryInput,
    *,
    models: Models,
    settings: CrossCheckSettings,
    alignment: Alignment | None = None,
) -> list[Claim]:
    """Claims of the story, most supported first; status is corroborated or single_source."""
    if alignment is None:
        alignment = align_statements(story, models=models, settings=settings)
        select_claim_groups(alignment, settings)
    claims = []
    for number, group in enumerate(alignment.groups, start=1):
        members = sorted(
            group.members,
            key=lambda m: (alignment.article_order[alignment.statements[m].article], alignment.statements[m].start),
        )
        status: ClaimStatus = "corroborated" if group.sources >= 2 else "single_source"
        claims.append(
            Claim(
                id=f"{story.id}-c{number}",
                text=alignment.statements[group.pivot].text,
                evidence=[alignment.statements[m].evidence() for m in members],
                independent_sources=group.sources,
                status=status,
            )
        )
    return claims
