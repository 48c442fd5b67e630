"""Named-entity recognition against gold: entity-level exact-match P/R/F1.

Sets: ``wikineural-fr/test.conllu`` (French Wikipedia, silver BIO tags
PER/ORG/LOC/MISC, one sentence per document) and the ``hipe2022-fr`` dev TSVs
(historical newspapers with OCR noise; coarse literal tags pers/loc/org/prod,
time left out as recoupe does not treat dates as names). HIPE person spans
include titles and appositions ("M. Hagenbeck, le célèbre marchand"), which
recoupe keeps out of a name by design, so its figures are for reference; the
overlap row counts a found name that overlaps a gold one of the same type.

Three recognisers are compared: spaCy's entities as the model returns them,
recoupe's mentions (the same model plus the clean-up rules), and the
capitalised-words fallback used for languages without a model.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..annotate.entities import SPACY_TYPES, find_mentions_many
from ..annotate.sentences import split_sentences
from ..errors import DataUnavailable
from ..models import Models
from ..records import Article, EntityType
from ..report import Report
from ..settings import Settings

_WIKINEURAL_TYPES: dict[str, EntityType] = {"PER": "person", "LOC": "place", "ORG": "organisation", "MISC": "other"}
_HIPE_TYPES: dict[str, EntityType] = {"pers": "person", "loc": "place", "org": "organisation", "prod": "other"}
_TYPES: tuple[EntityType, ...] = ("person", "place", "organisation", "other")

Span = tuple[int, int, EntityType]


@dataclass(frozen=True, slots=True)
class GoldDoc:
    text: str
    spans: frozenset[Span]


def read_wikineural(path: Path) -> list[GoldDoc]:
    """One document per sentence; tokens joined by single spaces."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise DataUnavailable(f"cannot read the WikiNEuRal test file {path}: {exc.strerror}") from exc
    docs: list[GoldDoc] = []
    rows: list[tuple[str, str, bool]] = []
    for line in [*lines, ""]:
        if not line.strip():
            if rows:
                docs.append(_from_bio(rows, _WIKINEURAL_TYPES))
                rows = []
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            raise DataUnavailable(f"{path}: expected 'index<TAB>token<TAB>tag' lines, got {line!r}")
        rows.append((fields[1], fields[2], True))
    if not docs:
        raise DataUnavailable(f"{path} holds no sentence")
    return docs


def read_hipe(folder: Path) -> list[GoldDoc]:
    """One document per ``hipe2022:document_id``, spacing rebuilt from the MISC column."""
    files = sorted(folder.glob("*-dev-fr.tsv"))
    if not files:
        raise DataUnavailable(f"no HIPE-2022 French dev file (*-dev-fr.tsv) under {folder}")
    docs: list[GoldDoc] = []
    for path in files:
        rows: list[tuple[str, str, bool]] = []
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("# hipe2022:document_id"):
                if rows:
                    docs.append(_from_bio(rows, _HIPE_TYPES))
                rows = []
                continue
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 10 or fields[0] == "TOKEN":
                continue
            rows.append((fields[0], fields[1], "NoSpaceAfter" not in fields[9]))
        if rows:
            docs.append(_from_bio(rows, _HIPE_TYPES))
    return docs


def _from_bio(rows: list[tuple[str, str, bool]], types: dict[str, EntityType]) -> GoldDoc:
    pieces: list[str] = []
    spans: set[Span] = set()
    offset = 0
    current: tuple[int, int, str] | None = None
    for token, tag, space_after in rows:
        start, end = offset, offset + len(token)
        pieces.append(token + (" " if space_after else ""))
        offset = end + (1 if space_after else 0)
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[2] == label:
            current = (current[0], end, label)
            continue
        if current is not None and current[2] in types:
            spans.add((current[0], current[1], types[current[2]]))
        current = (start, end, label) if prefix in ("B", "I") else None
    if current is not None and current[2] in types:
        spans.add((current[0], current[1], types[current[2]]))
    return GoldDoc("".join(pieces).rstrip(" "), frozenset(spans))


# ------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts behind P/R/F1: precision counts found spans that match, recall gold spans that do."""

    gold: int
    found: int
    matched_found: int
    matched_gold: int

    @property
    def precision(self) -> float:
        return self.matched_found / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Iterable[frozenset[Span]], found: Iterable[frozenset[Span]], *, kind: str | None = None) -> Scores:
    """Exact-match scores, over one type when ``kind`` is given."""
    g_total = f_total = correct = 0
    for g, f in zip(gold, found, strict=True):
        g = frozenset(s for s in g if kind is None or s[2] == kind)
        f = frozenset(s for s in f if kind is None or s[2] == kind)
        g_total += len(g)
        f_total += len(f)
        correct += len(g & f)
    return Scores(g_total, f_total, correct, correct)


def overlap_score(gold: Iterable[frozenset[Span]], found: Iterable[frozenset[Span]]) -> Scores:
    """Scores where a span matches when it overlaps a span of the same type on the other side."""
    g_total = f_total = matched_found = matched_gold = 0
    for g, f in zip(gold, found, strict=True):
        g_total += len(g)
        f_total += len(f)
        matched_found += sum(any(_overlap(x, y) for y in g) for x in f)
        matched_gold += sum(any(_overlap(x, y) for y in f) for x in g)
    return Scores(g_total, f_total, matched_found, matched_gold)


def _untyped(spans: list[frozenset[Span]]) -> list[frozenset[Span]]:
    """The spans with one type for all, to score the boundaries alone."""
    return [frozenset((s, e, "other") for s, e, _ in doc) for doc in spans]


def _overlap(a: Span, b: Span) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


# ---------------------------------------------------------------- recognisers


def _recoupe(docs: list[GoldDoc], models: Models, settings: Settings) -> list[frozenset[Span]]:
    articles = [
        Article(id=str(n), input="eval", original=d.text, clean_text=d.text, language="fr", content_hash=str(n))
        for n, d in enumerate(docs)
    ]
    sentences = {a.id: split_sentences(a.clean_text, "fr") for a in articles}
    found = find_mentions_many(articles, sentences, models=models, settings=settings.annotate)
    return [frozenset((m.start, m.end, m.type) for m in found[a.id]) for a in articles]


def _spacy_raw(docs: list[GoldDoc], models: Models, settings: Settings) -> list[frozenset[Span]]:
    nlp = models.spacy("fr")
    if nlp is None:
        raise DataUnavailable("the French spaCy model is not installed: pip install 'recoupe[nlp]'")
    disable = [name for name in nlp.pipe_names if name != "ner"]
    parsed = nlp.pipe((d.text for d in docs), batch_size=settings.annotate.ner_batch_size, disable=disable)
    return [
        frozenset((e.start_char, e.end_char, SPACY_TYPES[e.label_]) for e in doc.ents if e.label_ in SPACY_TYPES)
        for doc in parsed
    ]


def _fallback(docs: list[GoldDoc], models: Models, settings: Settings) -> list[frozenset[Span]]:
    return _recoupe(docs, Models(nlp={"fr": None}), settings)


_METHODS = (("spaCy fr_core_news_md", _spacy_raw), ("recoupe", _recoupe), ("capitalised fallback", _fallback))


def evaluate(data_root: Path, *, settings: Settings, models: Models) -> Report:
    sets = [
        ("wikineural-fr test", read_wikineural(data_root / "wikineural-fr" / "test.conllu")),
        ("hipe2022-fr dev", read_hipe(data_root / "hipe2022-fr")),
    ]
    report = Report(title="Named entities: entity-level exact match (typed)")
    for set_name, docs in sets:
        gold = [d.spans for d in docs]
        for method, run in _METHODS:
            started = time.perf_counter()
            found = run(docs, models, settings)
            seconds = time.perf_counter() - started
            kinds: list[str | None] = [*_TYPES, None] if method == "recoupe" else [None]
            for kind in kinds:
                report.rows.append(_row(set_name, method, kind or "all", score(gold, found, kind=kind)))
            untyped = score(_untyped(gold), _untyped(found))
            report.rows.append(_row(set_name, method, "all (untyped)", untyped))
            overlap = _row(set_name, method, "all (overlap)", overlap_score(gold, found))
            overlap["seconds"] = round(seconds, 1)
            report.rows.append(overlap)
    report.notes.append(
        "HIPE person spans include titles and appositions that recoupe keeps out of names; "
        "the overlap rows count a same-type overlap as a match, the untyped rows ignore types."
    )
    return report


def _row(set_name: str, method: str, kind: str, s: Scores) -> dict[str, object]:
    return {
        "set": set_name,
        "recogniser": method,
        "type": kind,
        "gold": s.gold,
        "found": s.found,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
        "seconds": None,
    }
