"""The cited extractive summary, ROUGE, and the story brief (issue 5)."""

from __future__ import annotations

import pytest

from recoupe import crosscheck
from recoupe.crosscheck.claims import align_statements
from recoupe.crosscheck.summary import summarise
from recoupe.evaluate.rouge import rouge_recall, tokens
from recoupe.models import Models
from recoupe.settings import Settings

from .crosscheck_fixtures import fixture_data, load_story


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'Élysée a dit : « Non ».", ["l", "élysée", "a", "dit", "non"]),
        ("Kim Jong-un, 40-second", ["kim", "jong", "un", "40", "second"]),
        ("", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("summary", "references", "n", "limit", "expected"),
    [
        ("le chat dort", ["le chat dort"], 1, None, 1.0),
        ("le chat dort", ["le chat dort"], 2, None, 1.0),
        ("le chat", ["le chat dort"], 1, None, 2 / 3),
        ("le chat dort", ["le chien dort", "un chat dort"], 2, None, 1 / 4),
        ("le chat dort", ["le chat dort"], 1, 1, 1 / 3),
        ("Été", ["ete"], 1, None, 0.0),
        ("x", [""], 1, None, 0.0),
    ],
)
def test_rouge_recall(summary: str, references: list[str], n: int, limit: int | None, expected: float) -> None:
    assert rouge_recall(summary, references, n, limit=limit) == pytest.approx(expected)


@pytest.mark.models
@pytest.mark.parametrize("words", [20, 40, 100])
def test_summary_length_evidence_and_no_repeats(settings: Settings, models: Models, words: int) -> None:
    story = load_story()
    alignment = align_statements(story, models=models, settings=settings.crosscheck)
    summary = summarise(story, alignment, words=words, settings=settings.crosscheck)
    assert summary
    counts = [len(tokens(s.text)) for s in summary]
    assert sum(counts) - counts[-1] < words
    texts = {a.id: a.clean_text for a in story.articles}
    assert all(texts[e.article][e.start : e.end] == e.text for s in summary for e in s.evidence)
    assert all(s.evidence[0].text == s.text for s in summary)
    assert len({s.text for s in summary}) == len(summary)


@pytest.mark.models
@pytest.mark.gate
def test_summary_rouge_gate(settings: Settings, models: Models) -> None:
    story = load_story()
    alignment = align_statements(story, models=models, settings=settings.crosscheck)
    summary = summarise(story, alignment, words=50, settings=settings.crosscheck)
    text = " ".join(s.text for s in summary)
    references = fixture_data()["references"]
    assert rouge_recall(text, references, 1, limit=50) >= 0.55
    assert rouge_recall(text, references, 2, limit=50) >= 0.30
    # a fact told by several outlets cites them all
    assert max(len({e.article for e in s.evidence}) for s in summary) >= 3


@pytest.mark.models
def test_cross_check_brief(settings: Settings, models: Models) -> None:
    story = load_story()
    brief = crosscheck.cross_check(story, settings=settings, models=models, words=30)
    assert brief.id == story.id
    assert brief.language == "fr"
    assert brief.articles == [a.id for a in story.articles]
    assert brief.title in {a.title for a in story.articles}
    assert brief.claims and brief.summary and brief.conflicts
    assert any(c.status == "disputed" for c in brief.claims)
    texts = {a.id: a.clean_text for a in story.articles}
    spans = [e for c in brief.claims for e in c.evidence]
    spans += [e for c in brief.conflicts for p in c.positions for e in p.evidence]
    spans += [e for s in brief.summary for e in s.evidence]
    spans += [e for t in brief.timeline for e in t.evidence]
    assert all(texts[e.article][e.start : e.end] == e.text for e in spans)


@pytest.mark.models
def test_title_falls_back_to_a_first_sentence(settings: Settings, models: Models) -> None:
    story = load_story()
    for article in story.articles:
        article.title = None
    brief = crosscheck.cross_check(story, settings=settings, models=models)
    firsts = {a.clean_text.split(". ")[0] + "." for a in story.articles}
    assert brief.title in firsts


@pytest.mark.models
def test_summary_skips_headings(settings: Settings, models: Models) -> None:
    heading = "Cent vingt pompiers mobilisés à Villeneuve-sur-Lot contre les flammes de Novachim"
    extra = {**fixture_data()["articles"][1], "id": "e-heading", "outlet": "Titres",
             "text": heading + "\n\n" + fixture_data()["articles"][1]["text"]}
    story = load_story(extra=[extra])
    alignment = align_statements(story, models=models, settings=settings.crosscheck)
    summary = summarise(story, alignment, words=100, settings=settings.crosscheck)
    assert heading not in {s.text for s in summary}
