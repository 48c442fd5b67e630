"""Conflicts: aligned statements, or renderings of one quote, that disagree.

Two statements of different articles that report the same fact (their alignment score is
at least ``conflict_threshold``) are compared on every kind of value they both state:
counts, durations, distances, money, dates, times, weekdays. Values are normalised first
(« environ 40 secondes » = "40-second"; « deux » = 2; times with a stated zone in UTC),
so only a real difference is reported. Renderings of one quotation that carry different
speakers or different values are conflicts too. The claims touched become "disputed".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from ..records import Claim, Conflict, Evidence, Mention, Position, Quotation, StoryInput
from ..settings import CrossCheckSettings
from .claims import Alignment, Statement, content_terms
from .entities import EntityIndex, name_parts
from .numbers import Quantity, disagree, find_quantities, fold
from .quotes import named_speaker

# Renderings of one quotation share most of their words in order (a partial quote is
# contained in the full one); below this partial-ratio score they are different quotes.
_SAME_QUOTE = 85.0
_KIND_NAMES = {
    "duration": "duration",
    "distance": "distance",
    "mass": "weight",
    "percent": "percentage",
    "date": "date",
    "year": "year",
    "time": "time",
    "weekday": "day of the week",
}


# Kinds of values that place an event in time, and the share of content words two
# statements must have in common for their days to be compared (see _told_alike).
_TEMPORAL = frozenset({"date", "weekday", "time"})
_SAME_WORDING = 0.5


@dataclass(frozen=True, slots=True)
class _Value:
    """One stated value with the span that carries it."""

    quantity: Quantity
    evidence: Evidence


def _describe(kind: str) -> str:
    dimension, _, detail = kind.partition(":")
    if dimension == "count":
        return f"number of {detail}"
    if dimension == "money":
        return f"amount ({detail})"
    return _KIND_NAMES.get(dimension, dimension)


def find_conflicts(
    story: StoryInput,
    alignment: Alignment,
    claims: list[Claim],
    *,
    settings: CrossCheckSettings,
    entities: EntityIndex | None = None,
) -> list[Conflict]:
    """Disagreements between sources; the claims whose evidence they touch get status "disputed".

    With the story's ``entities``, two statements that say the same thing but for one
    place or one person (a rewrite that changed a name) are a conflict too.
    """
    found = _statement_conflicts(alignment, settings) + _quotation_conflicts(story, entities)
    if entities is not None:
        found += _name_conflicts(story, alignment, entities, settings)
    conflicts = [
        Conflict(id=f"{story.id}-x{n}", about=about, positions=positions)
        for n, (about, positions) in enumerate(found, start=1)
    ]
    touched = {(e.article, e.start) for c in conflicts for p in c.positions for e in p.evidence}
    for claim in claims:
        if any(e.article == article and e.start <= start < e.end for e in claim.evidence
               for article, start in touched):
            claim.status = "disputed"
    return conflicts


def _statement_conflicts(
    alignment: Alignment, settings: CrossCheckSettings
) -> list[tuple[str, list[Position]]]:
    statements = alignment.statements
    if not statements:
        return []
    rows, columns = np.nonzero(np.triu(alignment.similarity >= settings.conflict_threshold, k=1))
    # statements linked as one fact and stating one kind of value; a component is one point
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(key: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    disputed: set[tuple[str, int]] = set()
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        a, b = statements[i], statements[j]
        for kind in _shared_kinds(a, b):
            if kind in _TEMPORAL and not _told_alike(a, b):
                continue
            parent[find((kind, i))] = find((kind, j))
            if _pair_disagrees(a, b, kind):
                disputed.add((kind, i))
    components: dict[tuple[str, int], list[int]] = {}
    for key in list(parent):
        components.setdefault(find(key), []).append(key[1])
    out = []
    for root, members in components.items():
        kind = root[0]
        if not any(find((kind, m)) == root and (kind, m) in disputed for m in members):
            continue
        positions = _positions(kind, [statements[m] for m in sorted(set(members))])
        if len(positions) >= 2:
            out.append((f"{_describe(kind)}: {statements[min(members)].text}", positions))
    return out


# Two statements differ "only by a name" when the rest of their content words overlap this much.
_SAME_REST = 0.8


def _name_conflicts(
    story: StoryInput, alignment: Alignment, entities: EntityIndex, settings: CrossCheckSettings
) -> list[tuple[str, list[Position]]]:
    """Statements alike in everything but a place or a person: each name is a position."""
    statements = alignment.statements
    if not statements:
        return []
    language = {a.id: a.language for a in story.articles}
    texts = {a.id: a.clean_text for a in story.articles}
    names: dict[int, dict[str, dict[str, Mention]]] = {}
    for statement in statements:
        annotations = story.annotations.get(statement.article)
        found: dict[str, dict[str, Mention]] = {}
        for mention in annotations.mentions if annotations else []:
            if mention.type in ("place", "person") and statement.start <= mention.start < statement.end:
                entity = entities.entity_for_mention(statement.article, mention) or fold(mention.text)
                found.setdefault(mention.type, {})[entity] = mention
        names[statement.index] = found
    # pairs that differ only by a name, joined into one conflict per kind and group of statements
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(key: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    rests: dict[tuple[int, str], frozenset[str]] = {}

    def rest(statement: Statement, kind: str) -> frozenset[str]:
        key = (statement.index, kind)
        if key not in rests:
            (mention,) = names[statement.index][kind].values()
            rests[key] = _without(statement, mention, language[statement.article])
        return rests[key]

    rows, columns = np.nonzero(np.triu(alignment.similarity >= settings.conflict_threshold, k=1))
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        a, b = statements[i], statements[j]
        if not names[i] or not names[j]:
            continue
        for kind in set(names[i]) & set(names[j]):
            left, right = names[i][kind], names[j][kind]
            if set(left) & set(right) or len(left) != 1 or len(right) != 1:
                continue
            rest_a, rest_b = rest(a, kind), rest(b, kind)
            if _jaccard(rest_a, rest_b) >= _SAME_REST:
                parent[find((kind, i))] = find((kind, j))
    components: dict[tuple[str, int], list[int]] = {}
    for key in list(parent):
        components.setdefault(find(key), []).append(key[1])
    out = []
    for (kind, _), members in components.items():
        positions: dict[str, Position] = {}
        for index in sorted(set(members)):
            statement = statements[index]
            for entity, mention in names[index][kind].items():
                evidence = Evidence(statement.article, mention.start, mention.end,
                                    texts[statement.article][mention.start : mention.end])
                positions.setdefault(entity, Position(mention.text, [])).evidence.append(evidence)
        if len(positions) >= 2:
            out.append((f"{kind}: {statements[min(members)].text}", list(positions.values())))
    return out


def _without(statement: Statement, mention: Mention, language: str) -> frozenset[str]:
    """Content words of the statement, the mention taken out."""
    cut = mention.start - statement.start, mention.end - statement.start
    return content_terms(statement.text[: cut[0]] + " " + statement.text[cut[1] :], language)


def _values(statement: Statement, kind: str) -> list[Quantity]:
    return [q for q in statement.quantities if q.kind == kind]


def _told_alike(a: Statement, b: Statement) -> bool:
    """Whether two statements use mostly the same words: a rewrite that changed a day.

    A sentence often carries the day of another event than the fact it shares with its
    match ("the quake struck yesterday ... according to the toll released on Wednesday"),
    so a day only conflicts between statements told alike."""
    return _jaccard(a.terms, b.terms) >= _SAME_WORDING


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the words of two statements that both use."""
    return len(a & b) / max(len(a | b), 1)


def _shared_kinds(a: Statement, b: Statement) -> set[str]:
    return {q.kind for q in a.quantities} & {q.kind for q in b.quantities}


def _pair_disagrees(a: Statement, b: Statement, kind: str) -> bool:
    """No value of one statement matches any of the other (a list of several may overlap)."""
    left, right = _values(a, kind), _values(b, kind)
    return all(disagree(x, y) for x in left for y in right)


def _positions(kind: str, statements: list[Statement]) -> list[Position]:
    """Statements grouped by the value they give; values that agree after normalisation share a position."""
    groups: list[tuple[Quantity, list[Evidence]]] = []
    for statement in statements:
        for quantity in _values(statement, kind):
            evidence = statement.evidence()
            for head, evidences in groups:
                if not disagree(head, quantity):
                    if evidence not in evidences:
                        evidences.append(evidence)
                    break
            else:
                groups.append((quantity, [evidence]))
    return [Position(value=head.label, evidence=evidences) for head, evidences in groups]


def _quotation_conflicts(story: StoryInput, entities: EntityIndex | None) -> list[tuple[str, list[Position]]]:
    """Renderings of one quotation attributed to different speakers or stating different values."""
    language = {a.id: a.language for a in story.articles}
    quotes = [
        (article_id, q)
        for article_id, annotations in story.annotations.items()
        if article_id in language
        for q in annotations.quotations
        if len(q.text.split()) >= 4
    ]
    out = []
    seen: set[tuple[int, int]] = set()
    for i, (article_a, a) in enumerate(quotes):
        for j in range(i + 1, len(quotes)):
            article_b, b = quotes[j]
            if article_a == article_b or (i, j) in seen:
                continue
            if fuzz.partial_ratio(fold(a.text), fold(b.text)) < _SAME_QUOTE:
                continue
            seen.add((i, j))
            if _other_speakers(article_a, a, article_b, b, entities):
                out.append((
                    f"who said: « {a.text} »",
                    [_speaker_position(article_a, a), _speaker_position(article_b, b)],
                ))
            values = _quote_value_conflict(a, b, language[article_a], language[article_b])
            if values is not None:
                first, second = values
                out.append((
                    f"wording of a quote: « {a.text} »",
                    [Position(first.label, [Evidence(article_a, a.start, a.end, a.text)]),
                     Position(second.label, [Evidence(article_b, b.start, b.end, b.text)])],
                ))
    return out


def _other_speakers(
    article_a: str, a: Quotation, article_b: str, b: Quotation, entities: EntityIndex | None
) -> bool:
    """Whether two named speakers are different people: different entities of the story when
    both are known, else different surnames once spellings are keyed ("Vladimir Poutine",
    "M. Poutine" and "Putin" are one speaker, and so are "Tsiklauri" and "Tsiklaouri")."""
    if not a.speaker or not b.speaker:
        return False
    if entities is not None:
        known_a, known_b = named_speaker(article_a, a, entities), named_speaker(article_b, b, entities)
        if known_a is not None and known_b is not None:
            return known_a != known_b
    parts_a, parts_b = name_parts(a.speaker), name_parts(b.speaker)
    return bool(parts_a and parts_b) and parts_a[-1] != parts_b[-1]


def _speaker_position(article: str, quotation: Quotation) -> Position:
    assert quotation.speaker is not None
    if quotation.speaker_start is not None and quotation.speaker_end is not None:
        evidence = Evidence(article, quotation.speaker_start, quotation.speaker_end, quotation.speaker)
    else:
        evidence = Evidence(article, quotation.start, quotation.end, quotation.text)
    return Position(quotation.speaker, [evidence])


def _quote_value_conflict(
    a: Quotation, b: Quotation, language_a: str, language_b: str
) -> tuple[Quantity, Quantity] | None:
    left, right = find_quantities(a.text, language_a), find_quantities(b.text, language_b)
    for kind in {q.kind for q in left} & {q.kind for q in right}:
        mine = [q for q in left if q.kind == kind]
        theirs = [q for q in right if q.kind == kind]
        if all(disagree(x, y) for x in mine for y in theirs):
            return mine[0], theirs[0]
    return None
