"""Temporal expressions: detection, resolution at the true precision, rules kept for later."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoupe.annotate.dates import find_times, resolve_in_year, resolve_rule
from recoupe.annotate.sentences import split_sentences
from recoupe.evaluate.timeline import CASES, score_cases
from recoupe.langdata import load_table
from recoupe.records import Article, TimeExpression


def _article(text: str, published: str | None, language: str = "fr") -> Article:
    return Article(
        id="t", input="t", original=text, clean_text=text, language=language, content_hash="h", published=published
    )


def _times(text: str, published: str | None, language: str = "fr") -> list[TimeExpression]:
    return find_times(_article(text, published, language), split_sentences(text, language))


def _only(text: str, published: str | None, language: str, expression: str) -> TimeExpression:
    found = [t for t in _times(text, published, language) if t.text == expression]
    assert len(found) == 1, _times(text, published, language)
    return found[0]


# Thursday 14 March 2024 (fr) and Wednesday 8 November 2023 (en).
@pytest.mark.parametrize(
    ("language", "text", "published", "expression", "value"),
    [
        ("fr", "Il a parlé mercredi matin devant la presse.", "2024-03-14", "mercredi matin", "2024-03-13"),
        ("fr", "Le feu a pris dimanche soir près du port.", "2024-03-14", "dimanche soir", "2024-03-10"),
        ("fr", "Il est parti lundi dernier.", "2024-03-14", "lundi dernier", "2024-03-11"),
        ("fr", "Il est arrivé jeudi.", "2024-03-14", "jeudi", "2024-03-14"),
        ("fr", "Il partira jeudi.", "2024-03-13", "jeudi", "2024-03-14"),
        # The verb before the day tells its tense, not a plan named after it.
        ("fr", "Ils étaient entrés samedi matin dans la cavité pour une exploration prévue sur une journée.",
         "2024-03-12", "samedi matin", "2024-03-09"),
        ("en", "Results will be announced on Wednesday, the commission said.", "2023-11-06", "on Wednesday",
         "2023-11-08"),
        ("fr", "La syndicaliste confirme l'appel à la grève lancé pour lundi.", "2024-03-15", "pour lundi",
         "2024-03-18"),
        ("fr", "Le vote aura lieu mardi prochain.", "2024-03-14", "mardi prochain", "2024-03-19"),
        ("fr", "Hier, la mairie a fermé.", "2024-03-14", "Hier", "2024-03-13"),
        ("fr", "Avant-hier, la mairie a fermé.", "2024-03-14", "Avant-hier", "2024-03-12"),
        ("fr", "La veille, la mairie a fermé.", "2024-03-14", "La veille", "2024-03-13"),
        ("fr", "Cette semaine, la mairie a fermé.", "2024-03-14", "Cette semaine", "2024-W11"),
        ("fr", "La semaine dernière, la mairie a fermé.", "2024-03-14", "La semaine dernière", "2024-W10"),
        ("fr", "Le sommet a eu lieu le 13 septembre 2023.", "2024-03-14", "13 septembre 2023", "2023-09-13"),
        ("fr", "Le sommet a eu lieu le 12 septembre.", "2024-03-14", "12 septembre", "2023-09-12"),
        ("fr", "Il est arrivé mardi 12 septembre.", "2024-03-14", "mardi 12 septembre", "2023-09-12"),
        ("fr", "En août, les ventes ont chuté.", "2024-03-14", "En août", "2023-08"),
        ("fr", "Fin mai, une fusée a explosé.", "2024-03-14", "Fin mai", "2023-05"),
        ("fr", "Mi-juin, la décision a été prise.", "2024-03-14", "Mi-juin", "2023-06"),
        ("fr", "En 2019, la loi a changé.", "2024-03-14", "En 2019", "2019"),
        ("fr", "Il y a trois jours, la loi a changé.", "2024-03-14", "Il y a trois jours", "2024-03-11"),
        ("fr", "Le tir a eu lieu entre 11h43 et 11h53 mercredi.", "2024-03-14", "entre 11h43 et 11h53",
         "2024-03-13T11:43"),
        ("fr", "La séance a repris à 9h30 (heure de Paris) jeudi.", "2024-03-14", "à 9h30 (heure de Paris)",
         "2024-03-14T09:30+01:00"),
        ("fr", "La loi du 13/09/2023 est abrogée.", "2024-03-14", "13/09/2023", "2023-09-13"),
        ("en", "Officials met on Wednesday morning.", "2023-11-08", "on Wednesday morning", "2023-11-08"),
        ("en", "Yesterday, the council voted.", "2023-11-08", "Yesterday", "2023-11-07"),
        ("en", "Last Tuesday, protesters gathered.", "2023-11-08", "Last Tuesday", "2023-11-07"),
        ("en", "The trial will open next week.", "2023-11-08", "next week", "2023-W46"),
        ("en", "The vote is scheduled for Friday.", "2023-11-08", "Friday", "2023-11-10"),
        ("en", "In late May, a rocket exploded.", "2023-11-08", "In late May", "2023-05"),
        ("en", "The deal was signed on September 12, 2023.", "2023-11-08", "September 12, 2023", "2023-09-12"),
        ("en", "Talks began at 4 p.m. EST on Tuesday.", "2023-11-08", "at 4 p.m. EST", "2023-11-07T16:00-05:00"),
        ("en", "The report dated 11/03/2023 leaked.", "2023-11-08", "11/03/2023", "2023-11-03"),
        ("en", "Two weeks ago, the bill passed.", "2023-11-08", "Two weeks ago", "2023-W43"),
        ("fr", "Ce mardi 12, le conseil a voté.", "2024-03-14", "Ce mardi 12", "2024-03-12"),
        ("fr", "Le vote aura lieu lundi 18.", "2024-03-14", "lundi 18", "2024-03-18"),
        ("fr", "Ils étaient mardi 12 000 dans la rue.", "2024-03-14", "mardi", "2024-03-12"),
        ("fr", "Le Conseil a enregistré jeudi 13 recours.", "2024-03-14", "jeudi", "2024-03-14"),
        ("fr", "Il est 14h00 heure française.", "2024-08-08", "14h00 heure française", "2024-08-08T14:00+02:00"),
        ("fr", "Le feu a pris le 08-08-2008.", "2024-03-14", "08-08-2008", "2008-08-08"),
        ("fr", "Mardi, vers minuit, la digue a cédé.", "2024-03-14", "vers minuit", "2024-03-12T00:00"),
        ("en", "The vote took place at noon on Tuesday.", "2024-03-14", "at noon", "2024-03-12T12:00"),
        ("de", "Er kam am Dienstag an.", "2024-03-14", "am Dienstag", "2024-03-12"),
        ("de", "Am 13. März 2024 traf er den Kanzler.", "2024-03-14", "13. März 2024", "2024-03-13"),
        ("de", "Er sprach gestern um 20:30 Uhr MEZ.", "2024-03-14", "um 20:30 Uhr MEZ", "2024-03-13T20:30+01:00"),
        ("de", "Vor drei Tagen war er in Paris.", "2024-03-14", "Vor drei Tagen", "2024-03-11"),
        ("es", "Llegó el martes por la mañana.", "2024-03-14", "el martes por la mañana", "2024-03-12"),
        ("es", "El 13 de marzo de 2024 se reunió.", "2024-03-14", "13 de marzo de 2024", "2024-03-13"),
        ("es", "A finales de mayo viajará a Roma.", "2024-03-14", "A finales de mayo", "2024-05"),
        ("es", "Hace tres días estuvo en París.", "2024-03-14", "Hace tres días", "2024-03-11"),
    ],
)
def test_expression_resolved(language: str, text: str, published: str, expression: str, value: str) -> None:
    found = _only(text, published, language, expression)
    assert found.value == value
    assert found.rule is not None
    assert resolve_rule(found.rule, dt.date.fromisoformat(published)) == value


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le bilan s'élève à 2000 morts et 300 blessés."),
        ("fr", "Il a passé 24 heures au poste."),
        ("fr", "La sonde doit se poser sur Mars."),
        ("fr", "Le Midi est ensoleillé."),
        ("en", "They may 5 times refuse; the toll rose to 2000."),
    ],
)
def test_no_expression(language: str, text: str) -> None:
    assert _times(text, "2024-03-14", language) == []


@pytest.mark.parametrize(
    ("text", "expression", "later_anchor", "value"),
    [
        ("Il est arrivé mardi.", "mardi", "2023-09-13", "2023-09-12"),
        ("Ils se sont vus mercredi matin.", "mercredi matin", "2023-09-13", "2023-09-13"),
        ("La veille, il a parlé.", "La veille", "2023-09-13", "2023-09-12"),
        ("Il est arrivé mardi 12 septembre.", "mardi 12 septembre", "2023-09-20", "2023-09-12"),
    ],
)
def test_undated_article_keeps_rule(text: str, expression: str, later_anchor: str, value: str) -> None:
    found = _only(text, None, "fr", expression)
    assert found.value is None
    assert found.rule is not None
    assert resolve_rule(found.rule, dt.date.fromisoformat(later_anchor)) == value


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("Il est arrivé le 12 septembre.", "12 septembre", "2023-09-12"),
        ("En août, les ventes ont chuté.", "En août", "2023-08"),
        ("Il est arrivé mardi.", "mardi", None),
    ],
)
def test_partial_publication_date_gives_the_year(text: str, expression: str, value: str | None) -> None:
    assert _only(text, "2023-09", "fr", expression).value == value


@pytest.mark.parametrize("language", ["fr", "en", "de", "es"])
def test_language_tables_are_complete(language: str) -> None:
    table = load_table("dates", language)
    assert len(table["weekdays"]) == 7
    assert sorted(set(table["months"].values())) == list(range(1, 13))
    assert table["inferred_note"]


def test_explicit_day_wins_and_weekday_picks_the_year() -> None:
    assert resolve_in_year("md=09-12;wd=1", 2023) == "2023-09-12"
    # 12 September fell on a Tuesday in 2017 and 2023: the nearest to the anchor is taken.
    assert resolve_rule("md=09-12;wd=1", dt.date(2019, 1, 1)) == "2017-09-12"
    assert resolve_rule("md=09-12;wd=1", dt.date(2022, 1, 1)) == "2023-09-12"


def test_event_day_counts_from_the_date_of_its_sentence() -> None:
    text = "Mardi 12 mars, les syndicats ont été reçus ; le lendemain, ils ont signé."
    assert _only(text, "2024-03-20", "fr", "le lendemain").value == "2024-03-13"


def test_event_day_counts_from_the_sentence_before_when_its_own_has_no_date() -> None:
    text = "Il est arrivé mardi 12 mars à Lyon. Le lendemain, il a rencontré le maire."
    assert _only(text, "2024-03-20", "fr", "Le lendemain").value == "2024-03-13"


@pytest.mark.parametrize(
    ("language", "text", "expression", "past"),
    [
        ("fr", "Il est arrivé mardi 12 septembre à Moscou.", "mardi 12 septembre", True),
        ("fr", "Les deux hommes se sont retrouvés le 13 septembre.", "13 septembre", True),
        ("fr", "La journée d'action du 16 octobre reste d'actualité.", "16 octobre", False),
        ("fr", "Le sommet se tiendra le 20 septembre.", "20 septembre", False),
        ("en", "The summit opened on September 12, 2023.", "September 12, 2023", True),
        ("en", "The summit will open on September 12.", "September 12", False),
    ],
)
def test_past_tense_is_noted(language: str, text: str, expression: str, past: bool) -> None:
    fields = (_only(text, "2023-10-01", language, expression).rule or "").split(";")
    assert ("told=past" in fields) == past


@pytest.mark.parametrize(
    ("text", "expression", "value", "mark"),
    [
        ("Depuis 2019, rien n'a changé.", "Depuis 2019", "2019", "since=1"),
        ("Depuis le 3 mai, rien n'a changé.", "3 mai", "2023-05-03", "since=1"),
        ("Les Jeux dureront jusqu'au 24 août.", "24 août", "2024-08-24", "until=1"),
        ("Le contrat court jusqu'en 2030.", "en 2030", "2030", "until=1"),
        ("Les Jeux (8-24 août) vont commencer.", "8-24 août", "2023-08-24", "until=1"),
    ],
)
def test_start_and_end_points_are_marked(text: str, expression: str, value: str, mark: str) -> None:
    found = _only(text, "2024-03-14", "fr", expression)
    assert found.value == value
    assert mark in (found.rule or "").split(";")


def test_language_without_table_uses_dateparser() -> None:
    found = _times("Il 12 settembre 2023 ha incontrato il presidente.", "2023-09-20", "it")
    assert [t.value for t in found] == ["2023-09-12"]


@given(
    anchor=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)),
    weekday=st.integers(0, 6),
)
def test_weekday_directions(anchor: dt.date, weekday: int) -> None:
    past = dt.date.fromisoformat(resolve_rule(f"wd={weekday};dir=past", anchor) or "")
    last = dt.date.fromisoformat(resolve_rule(f"wd={weekday};dir=last", anchor) or "")
    future = dt.date.fromisoformat(resolve_rule(f"wd={weekday};dir=future", anchor) or "")
    following = dt.date.fromisoformat(resolve_rule(f"wd={weekday};dir=next", anchor) or "")
    assert {d.weekday() for d in (past, last, future, following)} == {weekday}
    assert 0 <= (anchor - past).days <= 6
    assert 1 <= (anchor - last).days <= 7
    assert 0 <= (future - anchor).days <= 6
    assert 1 <= (following - anchor).days <= 7


@given(
    prefix=st.sampled_from(["", "Selon la police, ", "Hier soir encore, ", "« Oui », "]),
    expression=st.sampled_from(["mercredi matin", "le 3 janvier 2020", "fin mai", "à 14h30", "la veille"]),
    suffix=st.sampled_from([".", ", a-t-il dit.", " au centre-ville.\nIl est parti."]),
)
def test_spans_are_verbatim(prefix: str, expression: str, suffix: str) -> None:
    text = prefix + "il est venu " + expression + suffix
    for t in _times(text, "2024-03-14"):
        assert text[t.start : t.end] == t.text


_PIECES = [
    "mardi", "12", "septembre", "2023", "h", "43", ":", "à", "entre", "et", "hier", "la veille", "(", ")",
    "heure de Paris", "GMT", "31", "février", "fin", "mi-", "depuis", "il y a", "trois", "jours", "-", "/",
    "dernier", "prochain", "Tuesday", "May", "last", "ago", " ", " ", ". ", ", ", "\n", "29", "00",
]


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    language=st.sampled_from(["fr", "en", "de", "es"]),
    published=st.sampled_from([None, "2024", "2023-09", "2024-02-29", "2023-12-31"]),
)
def test_any_text_gives_verbatim_resolvable_expressions(
    pieces: list[str], language: str, published: str | None
) -> None:
    text = " ".join(pieces)
    for t in _times(text, published, language):
        assert text[t.start : t.end] == t.text
        assert t.rule is not None
        resolve_rule(t.rule, dt.date(2024, 2, 29))


@pytest.mark.gate
def test_gate_on_own_gold_cases() -> None:
    assert pathlib.Path(CASES).is_file()
    overall = score_cases(CASES).rows[-1]
    assert overall["language"] == "all"
    assert overall["gold"] >= 60
    assert overall["f1"] >= 0.95
    assert overall["value_acc_all"] >= 0.95
