"""The bundled demo corpus briefed end to end, checked against what its README documents
(src/recoupe/demo/README.md): the brief the README's main command shows a newcomer."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from tests.test_cli import inexact_spans, invoke, shared_models  # noqa: F401 (shared_models is a fixture)
from tests.test_contract import schema_errors

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def demo(shared_models: Any) -> dict[str, Any]:  # noqa: F811
    corpus = resources.files("recoupe").joinpath("demo/corpus")
    with resources.as_file(corpus) as folder:
        outcome = invoke(["-q", "brief", str(folder), "--include-text"])
    assert outcome.code == 0, outcome.err
    return dict(outcome.json)


def _letter(article_id: str) -> str:
    """The story letter the README gives each file (feed and JSON Lines items by their story)."""
    known = {"oh-20240312-0412": "A", "eco-20240314-ferralys": "B", "vl-2024-0311-combe-noire": "C",
             "ma-88213": "C", "oh-20240312-0398": "D"}
    return known.get(article_id, article_id[:1].upper())


def test_the_brief_keeps_the_contract_and_quotes_exactly(demo: dict[str, Any]) -> None:
    assert schema_errors(demo) == []
    assert inexact_spans(demo) == []
    assert demo["errors"] == []


def test_four_stories_and_two_same_day_quakes_apart(demo: dict[str, Any]) -> None:
    """Every article read is in one story, exact copies (stored once) included."""
    members: dict[str, set[str]] = {}
    for article in demo["articles"]:
        members.setdefault(article["story"], set()).add(_letter(article["id"]))
    assert all(len(letters) == 1 for letters in members.values()), members
    sizes = {letter: 0 for letter in "ABCD"}
    for article in demo["articles"]:
        sizes[_letter(article["id"])] += 1
    assert sizes == {"A": 8, "B": 5, "C": 6, "D": 2}
    assert len(demo["stories"]) == len(members) == 4


@pytest.mark.parametrize(
    ("article", "published"),
    [
        ("a4_journal_du_soir_seisme_georgie.txt", "2024-03-13"),
        ("c4_depeche_alpine_speleologues.txt", "2024-03-12"),
        ("b5_journal_du_soir_ferralys.txt", "2024-03-15"),
        ("c6_info_express_speleologues.txt", "2024-03-12T07:02"),
        ("a3_metropole_actu_seisme_georgie.txt", "2024-03"),
    ],
)
def test_publication_dates_written_in_the_text(demo: dict[str, Any], article: str, published: str) -> None:
    (found,) = [a for a in demo["articles"] if a["id"] == article]
    assert found["published"] == published


@pytest.mark.parametrize(("letter", "values"), [("A", {"9", "19"}), ("C", {"220", "320"})])
def test_documented_conflicts(demo: dict[str, Any], letter: str, values: set[str]) -> None:
    (story,) = [s for s in demo["stories"] if _letter(s["articles"][0]) == letter]
    found = [{p["value"].split()[0] for p in c["positions"]} for c in story["conflicts"]]
    assert values in found


def test_no_conflict_on_days_the_sources_agree_on(demo: dict[str, Any]) -> None:
    """The sources agree on every day: a sentence carrying another event's day is no conflict."""
    temporal = [c["about"] for s in demo["stories"] for c in s["conflicts"]
                if c["about"].startswith(("day of the week", "date", "time"))]
    assert temporal == []


def test_one_entity_per_spelling_of_a_name(demo: dict[str, Any]) -> None:
    for story in demo["stories"]:
        names = [e["name"].casefold() for e in story["entities"]]
        assert len(names) == len(set(names)), story["id"]
    (quake,) = [s for s in demo["stories"] if _letter(s["articles"][0]) == "A"]
    spokesman = [e for e in quake["entities"] if "Irakli" in e["name"]]
    assert len(spokesman) == 1 and {"Irakli Mchedlishvili", "Irakli Mtchedlichvili"} <= set(spokesman[0]["variants"])
