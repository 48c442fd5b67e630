"""Story timeline: publication dates inferred from the story, events merged across sources."""

from __future__ import annotations

import json
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoupe.annotate.dates import find_times
from recoupe.annotate.sentences import split_sentences
from recoupe.crosscheck.timeline import build_timeline, infer_story_dates
from recoupe.evaluate.timeline import STORIES, score_stories
from recoupe.records import Annotations, Article, CopyGroups, StoryInput, TimelineEvent

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "timeline"


def _article(data: dict) -> Article:
    return Article(
        id=data["id"],
        input=data["id"],
        original=data["text"],
        clean_text=data["text"],
        language=data["language"],
        content_hash=data["id"],
        published=data["published"],
    )


def _load(name: str) -> Article:
    return _article(json.loads((FIXTURES / f"{name}.json").read_text("utf-8")))


def _story(articles: list[Article], *, annotated: bool = True) -> StoryInput:
    notes = {}
    if annotated:
        for a in articles:
            sentences = split_sentences(a.clean_text, a.language)
            notes[a.id] = Annotations(a.id, sentences=sentences, times=find_times(a, sentences))
    return StoryInput("story", articles, notes, CopyGroups())


@pytest.fixture(scope="module")
def story() -> StoryInput:
    return _story([_load("a-dated"), _load("b-weekdays"), _load("c-partial")])


def _on(timeline: list[TimelineEvent], date: str) -> list[TimelineEvent]:
    return [e for e in timeline if e.date.startswith(date)]


def test_dated_articles_need_no_inference(story: StoryInput) -> None:
    assert "a-dated" not in infer_story_dates(story)


@pytest.mark.parametrize(
    ("article", "date", "said"),
    [
        # "hier" (the prefect's announcement), dated "jeudi" by the dated report.
        ("b-weekdays", "2024-03-15", "'Hier'"),
        # Only weekdays, within the month of its partial date, nearest the dated report.
        ("c-partial", "2024-03-14", "on Wednesday"),
    ],
)
def test_inferred_publication_date(story: StoryInput, article: str, date: str, said: str) -> None:
    inferred = infer_story_dates(story)
    assert inferred[article][0] == date
    assert said in inferred[article][1]


def test_partial_date_constrains_inference() -> None:
    dated = _load("a-dated")
    later = _article({**json.loads((FIXTURES / "c-partial.json").read_text("utf-8")), "published": "2024-04"})
    inferred = infer_story_dates(_story([dated, later]))
    assert inferred.get(later.id, ("2024-04",))[0].startswith("2024-04")


def test_events_merge_sources_and_quote_them_verbatim(story: StoryInput) -> None:
    timeline = build_timeline(story)
    texts = {a.id: a.clean_text for a in story.articles}
    for event in timeline:
        assert event.evidence
        for ev in event.evidence:
            assert texts[ev.article][ev.start : ev.end] == ev.text
    failure = [e for e in _on(timeline, "2024-03-13") if "digue" in e.text]
    assert len(failure) == 1
    assert {"a-dated", "b-weekdays"} <= {ev.article for ev in failure[0].evidence}
    evacuation = _on(timeline, "2024-03-12")
    assert any({"a-dated", "b-weekdays"} <= {ev.article for ev in e.evidence} for e in evacuation)
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)


def test_since_and_future_are_placed_right(story: StoryInput) -> None:
    timeline = build_timeline(story)
    assert not _on(timeline, "2019")
    assert [e.date for e in timeline if "relogés" in e.text] == ["2024-03-17"]
    assert [e.date for e in timeline if "engineers" in e.text] == ["2024-02"]


def test_annotations_are_optional(story: StoryInput) -> None:
    bare = _story(story.articles, annotated=False)
    assert build_timeline(bare) == build_timeline(story)


def test_date_resting_on_inferred_anchor_says_so() -> None:
    explicit = _article({
        "id": "x", "published": None, "language": "fr",
        "text": "Le pont de Morlay s'est effondré mercredi 13 mars 2024 en fin de journée.",
    })
    relative = _article({
        "id": "y", "published": None, "language": "fr",
        "text": "Le pont de Morlay s'est effondré mercredi.\nLa circulation y avait été interdite lundi par la mairie.",
    })
    timeline = build_timeline(_story([explicit, relative]))
    assert infer_story_dates(_story([explicit, relative]))["y"][0] == "2024-03-13"
    collapse = _on(timeline, "2024-03-13")
    assert len(collapse) == 1 and {ev.article for ev in collapse[0].evidence} == {"x", "y"}
    assert not collapse[0].text.endswith(")")
    closure = _on(timeline, "2024-03-11")
    assert len(closure) == 1 and closure[0].text.endswith("(date déduite du contexte)")


def test_dateline_is_not_an_event() -> None:
    article = _article({
        "id": "z", "published": None, "language": "fr",
        "text": "date 2024-03 Le maire a démissionné mardi après un vote de défiance du conseil municipal.",
    })
    other = _article({
        "id": "w", "published": "2024-03-14", "language": "fr",
        "text": "Le maire de Morlay a démissionné mardi 12 mars après un vote de défiance.",
    })
    timeline = build_timeline(_story([article, other]))
    assert [e.date for e in timeline] == ["2024-03-12"]
    assert {ev.article for ev in timeline[0].evidence} == {"z", "w"}


def test_restatement_in_parentheses_is_not_an_event() -> None:
    article = _article({
        "id": "r", "published": "2024-03-14", "language": "fr",
        "text": "Le missile a été tiré à 11h43 mercredi (3h43 à Paris mardi), selon l'état-major de l'armée.",
    })
    timeline = build_timeline(_story([article]))
    assert [e.date for e in timeline] == ["2024-03-13T11:43"]


def test_unanchored_next_day_does_not_date_an_article() -> None:
    dated = _article({
        "id": "d", "published": "2024-03-14", "language": "fr",
        "text": "Le tribunal a rendu son jugement mercredi 13 mars après trois jours d'audience.",
    })
    undated = _article({
        "id": "u", "published": None, "language": "fr",
        "text": "Le lendemain, le tribunal a rendu son jugement après trois jours d'audience.\n"
        "Le tribunal avait siégé lundi pour la première audience du procès.",
    })
    how = infer_story_dates(_story([dated, undated]))["u"][1]
    assert "lendemain" not in how


_LINES = [
    "La digue a cédé mercredi matin, inondant les rues basses du village.",
    "Hier soir, les pompiers ont évacué une centaine d'habitants.",
    "Le préfet a annoncé le 13 mars 2024 l'ouverture d'une enquête.",
    "La veille, la mairie avait fermé les écoles (vers 8h30 mardi).",
    "En août, des fissures avaient été signalées par les ingénieurs.",
    "Depuis 2019, les riverains réclamaient des travaux sur l'ouvrage.",
    "Les sinistrés seront relogés dimanche dans des logements provisoires.",
    "Photo : AFP, mardi.",
]


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from(_LINES), min_size=1, max_size=5), min_size=1, max_size=4),
    published=st.lists(st.sampled_from([None, "2024-03", "2024-03-14", "2024-03-15"]), min_size=4, max_size=4),
)
def test_timeline_invariants(texts: list[list[str]], published: list[str | None]) -> None:
    articles = [
        _article({"id": f"a{i}", "published": published[i], "language": "fr", "text": "\n".join(lines)})
        for i, lines in enumerate(texts)
    ]
    story = _story(articles)
    inferred = infer_story_dates(story)
    assert set(inferred) <= {a.id for a in articles if a.published != "2024-03-14" and a.published != "2024-03-15"}
    timeline = build_timeline(story, inferred=inferred)
    by_id = {a.id: a.clean_text for a in articles}
    for event in timeline:
        assert event.evidence
        assert all(by_id[ev.article][ev.start : ev.end] == ev.text for ev in event.evidence)
    # No week values among these lines, so ISO strings sort as the dates do.
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)
    assert not any(e.date.startswith("2019") for e in timeline)


@pytest.mark.gate
def test_gate_on_own_gold_stories() -> None:
    scores = score_stories(STORIES)
    assert scores.inferred >= 6 and scores.events >= 12
    assert scores.inferred_right / scores.inferred >= 0.85
    assert scores.events_found / scores.events >= 0.85
    assert scores.timeline_expected / scores.timeline >= 0.85


@pytest.mark.parametrize(
    ("opening", "said"),
    [
        ("2024-03 Le maire a démissionné mardi après un vote de défiance.", "within its partial date 2024-03"),
        ("13 mars 2024 - Le maire a démissionné mardi après un vote de défiance.", "the text opens with"),
        ("En 2019, le maire avait déjà démissionné après un vote de défiance.", None),
        ("En août 2019, le maire avait déjà démissionné après un vote de défiance.", None),
        ("Hier, le maire a démissionné après un vote de défiance.", None),
    ],
)
def test_what_counts_as_a_dateline(opening: str, said: str | None) -> None:
    article = _article({"id": "o", "published": None, "language": "fr", "text": opening})
    other = _article({"id": "p", "published": "2024-03-14", "language": "fr", "text": "Le conseil a siégé."})
    how = infer_story_dates(_story([article, other])).get("o", ("", ""))[1]
    if said is None:
        assert "opens with" not in how and "partial date" not in how
    else:
        assert said in how


def test_weekday_confirms_a_year_after_the_background_ones() -> None:
    # 12 March fell on a Tuesday in 2024 (and in 2019, before the year the story mentions).
    explicit = _article({
        "id": "e", "published": None, "language": "fr",
        "text": "Le maire de Morlay a démissionné mardi 12 mars, lui qui dirigeait la ville depuis 2021.",
    })
    relative = _article({
        "id": "r", "published": None, "language": "fr",
        "text": "Le maire de Morlay a démissionné mardi, après un vote de défiance du conseil.",
    })
    story = _story([explicit, relative])
    assert infer_story_dates(story)["r"][0] == "2024-03-12"
    assert [e.date for e in build_timeline(story)] == ["2024-03-12"]


def test_date_beside_a_relative_one_says_which_day_it_is() -> None:
    undated = _article({
        "id": "u", "published": None, "language": "fr",
        "text": "Hier, 12 mars, le conseil municipal de Morlay a voté le budget de la ville.",
    })
    dated = _article({
        "id": "d", "published": "2024-03-20", "language": "fr",
        "text": "Le budget de Morlay sera exécuté à partir du mois prochain.",
    })
    inferred = infer_story_dates(_story([undated, dated]))
    assert inferred["u"][0] == "2024-03-13"
    assert "same sentence" in inferred["u"][1]


def test_an_undated_report_places_no_weekday_before_the_story_began() -> None:
    # Undated, the follow-up could be read on the Tuesday of the stranding; its past-tense
    # "mercredi" would then be the Wednesday before, days before anything the story tells.
    first = _article({
        "id": "f", "published": None, "language": "fr",
        "text": "Le cargo Altair s'est échoué mardi 12 mars 2024 au large de Sein.",
    })
    follow_up = _article({
        "id": "g", "published": None, "language": "fr",
        "text": "Le cargo Altair s'était échoué mardi 12 mars.\n"
        "« Aucune fuite à ce stade », a précisé mercredi le préfet maritime.",
    })
    story = _story([first, follow_up])
    assert infer_story_dates(story)["g"][0] >= "2024-03-13"
    assert [e.date for e in build_timeline(story) if "fuite" in e.text] == ["2024-03-13"]
