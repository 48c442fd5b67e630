"""Statements, quantity normalisation, independent sources and claims (issue 5)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoupe.crosscheck.claims import align_statements, find_claims, independent_sources, select_claim_groups
from recoupe.crosscheck.numbers import disagree, find_quantities
from recoupe.models import Models
from recoupe.records import Article, CopyGroups, StoryInput
from recoupe.settings import Settings

from .crosscheck_fixtures import fixture_data, load_story


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("pendant environ 40 secondes", "fr", [("duration", "40 s", True)]),
        ("a 40-second handshake", "en", [("duration", "40 s", False)]),
        ("quarante secondes", "fr", [("duration", "40 s", False)]),
        ("deux missiles balistiques", "fr", [("count:missile", "2 missile", False)]),
        ("2 missiles", "en", [("count:missile", "2 missile", False)]),
        ("Cent vingt sapeurs-pompiers", "fr", [("count:firefighters", "120 firefighters", False)]),
        ("vingt et un blessés", "fr", [("count:injured", "21 injured", False)]),
        ("3,5 millions d'euros", "fr", [("money:EUR", "3500000 EUR", False)]),
        ("$3.5 million", "en", [("money:USD", "3500000 USD", False)]),
        ("à environ 1 500 kilomètres", "fr", [("distance", "1500 km", True)]),
        ("une dizaine de blessés", "fr", [("count:injured", "10 injured", True)]),
        ("mercredi 13 septembre 2023", "fr", [("date", "2023-09-13", False)]),
        ("on September 13", "en", [("date", "--09-13", False)]),
        ("depuis 2019", "fr", [("year", "2019", False)]),
        ("à 11h43 heure de Séoul", "fr", [("time", "11:43+09:00", False)]),
        ("at 02:43 GMT", "en", [("time", "02:43Z", False)]),
        ("arrivé mardi", "fr", [("weekday", "mardi", False)]),
        ("un accord et une rencontre", "fr", []),
        ("le deuxième sommet", "fr", []),
    ],
)
def test_find_quantities(text: str, language: str, expected: list[tuple[str, str, bool]]) -> None:
    found = find_quantities(text, language)
    assert [(q.kind, q.label, q.approximate) for q in found] == expected
    assert all(text[q.start : q.end] == q.text for q in found)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (("environ 40 secondes", "fr"), ("a 40-second handshake", "en"), False),
        (("environ 40 secondes", "fr"), ("10 secondes", "fr"), True),
        (("deux missiles", "fr"), ("2 missiles", "en"), False),
        (("deux missiles", "fr"), ("trois missiles", "fr"), True),
        (("environ 40 secondes", "fr"), ("42 secondes", "fr"), False),
        (("13 septembre", "fr"), ("September 13", "en"), False),
        (("13 septembre", "fr"), ("12 septembre", "fr"), True),
        (("à 11h43 heure de Séoul", "fr"), ("at 02:43 GMT", "en"), False),
        (("à 11h43 heure de Séoul", "fr"), ("at 03:43 GMT", "en"), True),
        (("mardi", "fr"), ("mercredi", "fr"), True),
    ],
)
def test_disagree(left: tuple[str, str], right: tuple[str, str], expected: bool) -> None:
    (a,), (b,) = find_quantities(*left), find_quantities(*right)
    assert disagree(a, b) is expected
    assert disagree(b, a) is expected


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["secondes", "kilomètres", "euros", "morts"]))
def test_digits_round_trip(number: int, unit: str) -> None:
    text = f"il y a eu {number} {unit} hier"
    (quantity,) = find_quantities(text, "fr")
    assert text[quantity.start : quantity.end] == quantity.text
    assert not disagree(quantity, quantity)


def _article(article_id: str, outlet: str | None) -> Article:
    return Article(id=article_id, input=article_id, original="x", clean_text="x", language="fr",
                   content_hash=article_id, outlet=outlet)


@pytest.mark.parametrize(
    ("outlets", "dispatch", "expected"),
    [
        ({"a": "X", "b": "Y", "c": "Z"}, {}, 3),
        ({"a": "X", "b": "Y", "c": "Z"}, {"c": "a"}, 2),
        ({"a": "X", "b": "x ", "c": "Z"}, {}, 2),
        ({"a": None, "b": None, "c": None}, {"b": "a"}, 2),
        ({"a": "X", "b": "Y", "c": "X"}, {"b": "a"}, 1),
    ],
)
def test_independent_sources(outlets: dict[str, str | None], dispatch: dict[str, str], expected: int) -> None:
    articles = [_article(i, o) for i, o in outlets.items()]
    story = StoryInput("s", articles, {}, CopyGroups(dispatch={a.id: dispatch.get(a.id, a.id) for a in articles}))
    assert len(set(independent_sources(story).values())) == expected


def _fact_claims(story: StoryInput, settings: Settings, models: Models) -> dict[str, tuple[bool, int]]:
    """For each gold fact: whether one claim has evidence from every article whose statements tell it."""
    options = settings.crosscheck
    alignment = align_statements(story, models=models, settings=options)
    select_claim_groups(alignment, options)
    claims = find_claims(story, models=models, settings=options, alignment=alignment)
    out = {}
    for name, pattern in fixture_data()["facts"].items():
        telling = {s.article for s in alignment.statements if re.search(pattern, s.text)}
        best = max(claims, key=lambda c: len(telling & {e.article for e in c.evidence if re.search(pattern, e.text)}))
        covered = {e.article for e in best.evidence if re.search(pattern, e.text)}
        out[name] = (telling <= covered, best.independent_sources)
    return out


@pytest.mark.models
@pytest.mark.gate
def test_facts_are_single_claims_gate(settings: Settings, models: Models) -> None:
    results = _fact_claims(load_story(), settings, models)
    recall = sum(ok and sources >= 2 for ok, sources in results.values()) / len(results)
    assert recall >= 0.8, results


@pytest.mark.models
def test_claims_evidence_is_verbatim_and_ranked(settings: Settings, models: Models) -> None:
    story = load_story()
    texts = {a.id: a.clean_text for a in story.articles}
    claims = find_claims(story, models=models, settings=settings.crosscheck)
    assert claims
    assert all(texts[e.article][e.start : e.end] == e.text for c in claims for e in c.evidence)
    supports = [c.independent_sources for c in claims]
    assert supports == sorted(supports, reverse=True)
    assert all((c.status == "corroborated") == (c.independent_sources >= 2) for c in claims)
    # the copy "d-reprise" shares the dispatch of "a-courrier": never more than 3 sources
    assert max(supports) <= 3


@pytest.mark.models
def test_same_article_under_two_outlets_adds_no_source(settings: Settings, models: Models) -> None:
    data = fixture_data()
    twice = {**data["articles"][1], "id": "b-bis", "outlet": "Autre Journal"}
    before = find_claims(load_story(), models=models, settings=settings.crosscheck)
    after = find_claims(load_story(extra=[twice], dispatch={"b-bis": "b-depeche"}),
                        models=models, settings=settings.crosscheck)
    assert max(c.independent_sources for c in after) == max(c.independent_sources for c in before)
