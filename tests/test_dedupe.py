"""Copies and rewrites of one dispatch: fixtures of invented articles with expected groups."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recoupe.bench.ingest import generate
from recoupe.dedupe import CopyIndex, find_copies, fold, relation, shingles
from recoupe.errors import ConfigError
from recoupe.records import Article, CopyGroups
from recoupe.settings import DedupeSettings

FIXTURE = Path(__file__).parent / "fixtures" / "dedupe" / "articles.json"
SETTINGS = DedupeSettings()


def load_fixture() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(FIXTURE.read_text("utf-8"))["articles"]
    return rows


def article(aid: str, text: str, credits: list[str] | None = None) -> Article:
    return Article(
        id=aid,
        input=f"{aid}.txt",
        original=text,
        clean_text=text,
        language="fr",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        credits=credits or [],
    )


def fixture_articles() -> list[Article]:
    return [article(row["id"], row["text"], row["credits"]) for row in load_fixture()]


def partition(dispatch: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for member, group in dispatch.items():
        groups[group].add(member)
    return {frozenset(g) for g in groups.values()}


def expected_partition() -> set[frozenset[str]]:
    return partition({row["id"]: row["dispatch"] for row in load_fixture()})


# ------------------------------------------------------------------------ text to shingles


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("L'Élysée a PRÉCISÉ lundi", "l elysee a precise LUNDI"),
        ("Ça s'est passé à Besançon", "ca s est passe a besancon"),
        ("Zürich, Łódź", "zurich łodz"),
    ],
)
def test_shingles_ignore_case_accents_and_punctuation(a: str, b: str) -> None:
    np.testing.assert_array_equal(shingles(a, words=2), shingles(b, words=2))


@pytest.mark.parametrize(
    ("text", "words", "count"),
    [
        ("", 5, 0),
        ("…", 5, 0),
        ("deux mots", 5, 1),
        ("un deux trois quatre cinq six", 5, 2),
        ("a b a b a b", 2, 2),
        ("a b a b a b", 1, 2),
    ],
)
def test_shingle_counts(text: str, words: int, count: int) -> None:
    assert shingles(text, words=words).size == count


def test_fold() -> None:
    assert fold("Ÿ ÉCOLE ß") == "y ecole ss"


# ---------------------------------------------------------------------------- relation


def ids(*ranges: range) -> np.ndarray:
    return np.unique(np.concatenate([np.arange(r.start, r.stop, dtype=np.uint32) for r in ranges]))


@pytest.mark.parametrize(
    ("a", "b", "shared_credit", "expected"),
    [
        (ids(range(100)), ids(range(100)), False, "copy"),
        (ids(range(100)), ids(range(5, 100)), False, "copy"),
        (ids(range(100)), ids(range(30, 130)), False, "rewrite"),
        (ids(range(100)), ids(range(50), range(1000, 1080)), False, None),
        (ids(range(100)), ids(range(60), range(1000, 1140)), False, "rewrite"),
        (ids(range(100)), ids(range(30), range(1000, 1170)), False, None),
        (ids(range(100)), ids(range(30), range(1000, 1170)), True, "rewrite"),
        (ids(range(100)), ids(range(10), range(1000, 1190)), True, None),
        (ids(range(10)), ids(range(8), range(1000, 1040)), False, None),
        (ids(range(10)), np.zeros(0, dtype=np.uint32), False, None),
    ],
    ids=[
        "identical", "near-identical", "rewrite-by-jaccard", "no-relation", "contained",
        "weak-overlap", "weak-overlap-same-credit", "quote-only-same-credit", "too-short-to-contain",
        "empty",
    ],
)
def test_relation(a: np.ndarray, b: np.ndarray, shared_credit: bool, expected: str | None) -> None:
    assert relation(a, b, shared_credit=shared_credit, settings=SETTINGS) == expected
    assert relation(b, a, shared_credit=shared_credit, settings=SETTINGS) == expected


# ------------------------------------------------------------------------------ fixture


def test_fixture_groups_and_copies() -> None:
    groups = find_copies(fixture_articles(), settings=SETTINGS)
    assert partition(groups.dispatch) == expected_partition()
    assert groups.duplicate_of == {row["id"]: row["duplicate_of"] for row in load_fixture() if row["duplicate_of"]}


def test_group_is_named_after_its_earliest_article() -> None:
    groups = find_copies(fixture_articles(), settings=SETTINGS)
    order = [row["id"] for row in load_fixture()]
    for member, group in groups.dispatch.items():
        assert order.index(group) <= order.index(member)
        assert groups.dispatch[group] == group


def test_groups_do_not_depend_on_input_order() -> None:
    groups = find_copies(fixture_articles()[::-1], settings=SETTINGS)
    assert partition(groups.dispatch) == expected_partition()
    assert groups.duplicate_of["fr-fire-afp"] in {"fr-fire-copy", "fr-fire-signed"}


@pytest.mark.gate
def test_gate_pairwise_grouping_f1() -> None:
    """Pairwise precision and recall of 'same dispatch' on the fixture; floor pinned at 1.0."""
    found = find_copies(fixture_articles(), settings=SETTINGS).dispatch
    gold = {row["id"]: row["dispatch"] for row in load_fixture()}
    tp = fp = fn = 0
    for a, b in itertools.combinations(gold, 2):
        predicted, actual = found[a] == found[b], gold[a] == gold[b]
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    assert (precision, recall) == (1.0, 1.0)


def test_stream_answers_match_the_batch() -> None:
    articles = fixture_articles()
    index = CopyIndex(settings=SETTINGS)
    answers = {a.id: index.add(a) for a in articles}
    batch = find_copies(articles, settings=SETTINGS)
    assert index.groups() == batch
    assert answers["fr-fire-signed"] == ("fr-fire-afp", "fr-fire-afp")
    assert answers["fr-fire-local"] == (None, "fr-fire-local")
    assert answers["en-strike-rewrite"] == (None, "en-strike-wire")
    assert index.add(articles[3]) == answers[articles[3].id]
    assert len(index) == len(articles)


def test_rebuild_gives_back_the_same_groups() -> None:
    articles = fixture_articles()
    index = CopyIndex.rebuild(articles[:7], settings=SETTINGS)
    for a in articles[7:]:
        index.add(a)
    assert index.groups() == find_copies(articles, settings=SETTINGS)


def test_a_later_article_can_join_two_groups() -> None:
    base = " ".join(f"mot{i}" for i in range(60))
    other = " ".join(f"terme{i}" for i in range(60))
    index = CopyIndex(settings=SETTINGS)
    index.add(article("a", base))
    index.add(article("b", other))
    assert index.add(article("c", base + " " + other)) == (None, "a")
    assert index.groups() == CopyGroups(dispatch={"a": "a", "b": "a", "c": "a"})


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["", ""], {"b": "a"}),
        (["", "Un texte."], {}),
        (["Bref.", "Bref."], {"b": "a"}),
        (["Bref.", "bref"], {"b": "a"}),
    ],
)
def test_empty_and_tiny_texts(texts: list[str], expected: dict[str, str]) -> None:
    groups = find_copies([article(i, t) for i, t in zip("ab", texts, strict=True)], settings=SETTINGS)
    assert groups.duplicate_of == expected


def test_many_unrelated_articles_stay_apart() -> None:
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(3000)]
    articles = [article(f"a{i}", " ".join(rng.choice(vocabulary, 200))) for i in range(300)]
    groups = find_copies(articles, settings=SETTINGS)
    assert groups.duplicate_of == {}
    assert len(set(groups.dispatch.values())) == 300


@pytest.mark.parametrize(
    "values",
    [{"candidate_threshold": 0.6}, {"min_shingles": 0}, {"shingle_words": 0}, {"credit_containment": 1.5}],
)
def test_bad_settings_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        CopyIndex(settings=DedupeSettings(**values))


def test_generated_benchmark_corpus_copies_are_grouped() -> None:
    """The ingest benchmark's generated copies and rewrites join their source, originals stay apart."""
    generated = list(generate(400, seed=2))
    articles = [article(g.id, g.body, g.credits) for g in generated]
    groups = find_copies(articles, settings=SETTINGS)
    derived = [g for g in generated if g.copies or g.rewrites]
    assert derived
    for g in derived:
        assert groups.dispatch[g.id] == groups.dispatch[g.copies or g.rewrites or ""]
    originals = [g.id for g in generated if not (g.copies or g.rewrites)]
    assert len({groups.dispatch[o] for o in originals}) == len(originals)
    assert {g.id for g in derived if g.copies} <= set(groups.duplicate_of)
