"""Conflicts between aligned statements and between renderings of one quote (issue 5)."""

from __future__ import annotations

import pytest

from recoupe.annotate import annotate_many
from recoupe.crosscheck.claims import align_statements, find_claims, select_claim_groups
from recoupe.crosscheck.conflicts import find_conflicts
from recoupe.crosscheck.entities import merge_entities
from recoupe.models import Models
from recoupe.records import Annotations, Article, CopyGroups, Mention, Quotation, StoryInput
from recoupe.settings import Settings

from .crosscheck_fixtures import fixture_data, load_story


def _check(story: StoryInput, settings: Settings, models: Models):
    options = settings.crosscheck
    alignment = align_statements(story, models=models, settings=options)
    select_claim_groups(alignment, options)
    claims = find_claims(story, models=models, settings=options, alignment=alignment)
    return claims, find_conflicts(story, alignment, claims, settings=options, entities=merge_entities(story))


@pytest.mark.models
def test_changed_number_in_a_copy_is_a_conflict(settings: Settings, models: Models) -> None:
    story = load_story()
    claims, conflicts = _check(story, settings, models)
    expected = fixture_data()["conflict"]
    matching = [c for c in conflicts if {p.value for p in c.positions} >= set(expected["values"])]
    assert len(matching) == 1
    conflict = matching[0]
    by_value = {p.value: {e.article for e in p.evidence} for p in conflict.positions}
    assert "a-courrier" in by_value["120 firefighters"]
    assert by_value["40 firefighters"] == {"d-reprise"}
    texts = {a.id: a.clean_text for a in story.articles}
    assert all(texts[e.article][e.start : e.end] == e.text for c in conflicts for p in c.positions for e in p.evidence)
    disputed = [c for c in claims if c.status == "disputed"]
    assert any("40 pompiers" in e.text for c in disputed for e in c.evidence)


@pytest.mark.models
@pytest.mark.gate
def test_no_conflict_between_agreeing_sources_gate(settings: Settings, models: Models) -> None:
    """Without the altered copy, the sources agree after normalisation: no conflict at all."""
    story = load_story()
    story.articles = [a for a in story.articles if a.id != "d-reprise"]
    _, conflicts = _check(story, settings, models)
    assert conflicts == []


@pytest.mark.models
@pytest.mark.parametrize(
    ("original", "changed", "values"),
    [
        ("mardi soir", "jeudi soir", {"mardi", "jeudi"}),
        ("six heures", "deux heures", {"6 h", "2 h"}),
        ("Trois ouvriers", "Cinq ouvriers", {"3 workers", "5 workers"}),
    ],
)
def test_changed_value_in_a_copy(
    settings: Settings, models: Models, original: str, changed: str, values: set[str]
) -> None:
    source = fixture_data()["articles"][0]
    copy = {**source, "id": "copy", "outlet": "Copie", "text": source["text"].replace(original, changed)}
    story = load_story(extra=[copy], dispatch={"copy": "a-courrier"})
    story.articles = [a for a in story.articles if a.id != "d-reprise"]
    _, conflicts = _check(story, settings, models)
    assert any({p.value for p in c.positions} >= values for c in conflicts), conflicts


def _quote_story(speaker_b: str, text_b: str, speaker_a: str = "Paul Ferrand") -> StoryInput:
    text_a = f"« Nous allons reconstruire l'usine en deux ans », a déclaré {speaker_a}."
    full_b = f"« {text_b} », a affirmé {speaker_b}."
    articles = [
        Article(id=i, input=i, original=t, clean_text=t, language="fr", content_hash=i, outlet=i)
        for i, t in (("a", text_a), ("b", full_b))
    ]

    def quotation(text: str, inner: str, speaker: str) -> Quotation:
        start = text.index(inner)
        at = text.index(speaker)
        return Quotation(start, start + len(inner), inner, speaker=speaker, speaker_start=at,
                         speaker_end=at + len(speaker))

    def mention(text: str, speaker: str) -> Mention:
        name = speaker.removeprefix("M. ")  # the recogniser keeps titles out of names
        at = text.index(name)
        return Mention(at, at + len(name), name, "person")

    annotations = {
        "a": Annotations("a", mentions=[mention(text_a, speaker_a)],
                         quotations=[quotation(text_a, "Nous allons reconstruire l'usine en deux ans", speaker_a)]),
        "b": Annotations("b", mentions=[mention(full_b, speaker_b)], quotations=[quotation(full_b, text_b, speaker_b)]),
    }
    return StoryInput("q", articles, annotations, CopyGroups(dispatch={"a": "a", "b": "b"}))


@pytest.mark.models
@pytest.mark.parametrize(
    ("speaker_a", "speaker", "quote", "about"),
    [
        ("Paul Ferrand", "Claire Dumas", "Nous allons reconstruire l'usine en deux ans", "who said"),
        ("Paul Ferrand", "M. Ferrand", "Nous allons reconstruire l'usine en cinq ans", "wording of a quote"),
        ("Paul Ferrand", "M. Ferrand", "Nous allons reconstruire l'usine en deux ans", None),
        # One man spelled two ways (English and French transliterations): one speaker.
        ("Levan Tsiklauri", "Levan Tsiklaouri", "Nous allons reconstruire l'usine en deux ans", None),
        ("Irakli Mchedlishvili", "Irakli Mtchedlichvili", "Nous allons reconstruire l'usine en deux ans", None),
        # Same surname, another given name: another person.
        ("Paul Ferrand", "Lucie Ferrand", "Nous allons reconstruire l'usine en deux ans", "who said"),
    ],
)
def test_quote_conflicts(
    settings: Settings, models: Models, speaker_a: str, speaker: str, quote: str, about: str | None
) -> None:
    story = _quote_story(speaker, quote, speaker_a)
    _, conflicts = _check(story, settings, models)
    found = [c.about.split(":")[0] for c in conflicts if c.about.startswith(("who said", "wording"))]
    assert found == ([about] if about else [])
    texts = {a.id: a.clean_text for a in story.articles}
    assert all(texts[e.article][e.start : e.end] == e.text for c in conflicts for p in c.positions for e in p.evidence)


def _annotated_check(story: StoryInput, settings: Settings, models: Models):
    story.annotations = {a.article_id: a for a in annotate_many(story.articles, settings=settings, models=models)}
    options = settings.crosscheck
    alignment = align_statements(story, models=models, settings=options)
    select_claim_groups(alignment, options)
    claims = find_claims(story, models=models, settings=options, alignment=alignment)
    return find_conflicts(story, alignment, claims, settings=options, entities=merge_entities(story))


@pytest.mark.models
@pytest.mark.parametrize(
    ("original", "changed", "values"),
    [
        ("La préfète Claire Dumas", "La préfète Hélène Vidal", {"Claire Dumas", "Hélène Vidal"}),
        ("l'hôpital d'Agen", "l'hôpital de Cahors", {"Agen", "Cahors"}),
        (None, None, set()),
    ],
)
def test_changed_name_in_a_copy(
    settings: Settings, models: Models, original: str | None, changed: str | None, values: set[str]
) -> None:
    source = fixture_data()["articles"][0]
    text = source["text"].replace(original, changed) if original and changed else source["text"]
    story = load_story(extra=[{**source, "id": "copy", "outlet": "Copie", "text": text}],
                       dispatch={"copy": "a-courrier"})
    story.articles = [a for a in story.articles if a.id != "d-reprise"]
    conflicts = _annotated_check(story, settings, models)
    names = [c for c in conflicts if c.about.startswith(("place", "person"))]
    if values:
        assert any({p.value for p in c.positions} == values for c in names), conflicts
    else:
        assert names == []
    texts = {a.id: a.clean_text for a in story.articles}
    assert all(texts[e.article][e.start : e.end] == e.text for c in conflicts for p in c.positions for e in p.evidence)
