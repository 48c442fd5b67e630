"""Quotations: extraction per article, linking across articles, evaluation helpers."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from recoupe.annotate.quotes import find_quotations, quote_table, rank_role_holders, role_holders
from recoupe.annotate.sentences import split_sentences
from recoupe.crosscheck.quotes import link_quotes
from recoupe.errors import DataUnavailable
from recoupe.evaluate import quotes as evaluation
from recoupe.models import Models
from recoupe.records import Annotations, Article, CopyGroups, Mention, Quotation, StoryInput
from recoupe.settings import AnnotateSettings, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"
CASES = sorted(FIXTURES.glob("*.json"))


def _article(text: str, language: str = "fr", article_id: str = "a1") -> Article:
    return Article(article_id, article_id, text, text, language, article_id)


def _mentions(text: str, names: Sequence[str]) -> list[Mention]:
    """What a recogniser would return for ``names``: the longest match wins."""
    found = sorted(
        {Mention(m.start(), m.end(), m.group(), "person") for n in names for m in re.finditer(re.escape(n), text)},
        key=lambda m: (m.start, -m.end),
    )
    return [m for m in found if not any(o != m and o.start <= m.start and m.end <= o.end for o in found)]


def _quotes(text: str, language: str = "fr", names: Sequence[str] = ()) -> list[Quotation]:
    article = _article(text, language)
    return find_quotations(
        article, split_sentences(text, language), _mentions(text, names), settings=AnnotateSettings()
    )


def _check_spans(text: str, quotation: Quotation) -> None:
    assert text[quotation.start : quotation.end] == quotation.text
    if quotation.cue is not None:
        assert text[quotation.cue_start : quotation.cue_end] == quotation.cue
    if quotation.speaker_start is not None:
        assert text[quotation.speaker_start : quotation.speaker_end] == quotation.speaker


# ------------------------------------------------------------------ extraction


@pytest.mark.parametrize(
    ("language", "text", "names", "expected"),
    [
        (
            "fr",
            "« Nous irons jusqu'au bout », a déclaré Anne Roy.",
            ["Anne Roy"],
            [("Nous irons jusqu'au bout", "Anne Roy")],
        ),
        (
            "fr",
            "Anne Roy était à Brest. « Nous irons jusqu'au bout », a-t-elle ajouté.",
            ["Anne Roy"],
            [("Nous irons jusqu'au bout", "Anne Roy")],
        ),
        (
            "fr",
            "Anne Roy était à Brest. « Nous irons, a-t-elle dit, jusqu'au bout. »",
            ["Anne Roy"],
            [("Nous irons, a-t-elle dit, jusqu'au bout.", "Anne Roy")],
        ),
        (
            "fr",
            "Le ministre Luc Abel est venu. « Rien ne sera caché », a dit M. Abel.",
            ["Luc Abel", "Abel"],
            [("Rien ne sera caché", "Luc Abel")],
        ),
        (
            "fr",
            "Selon Anne Roy, « le texte sera voté demain ».",
            ["Anne Roy"],
            [("le texte sera voté demain", "Anne Roy")],
        ),
        (
            "fr",
            "Anne Roy a répondu : « Le texte sera voté, “quoi qu'il arrive”, demain. »",
            ["Anne Roy"],
            [("Le texte sera voté, “quoi qu'il arrive”, demain.", "Anne Roy")],
        ),
        ("fr", "« Le texte sera voté demain », affirme un député.", [], [("Le texte sera voté demain", None)]),
        (
            "fr",
            "Le gouvernement a déclaré : « Rien ne change pour nous ».",
            [],
            [("Rien ne change pour nous", "gouvernement")],
        ),
        ("fr", "Il parle d'un « fiasco total » et de « mépris ».", [], []),
        ("fr", "Le livre « La Nuit Des Temps Perdus » sort demain.", [], []),
        ("fr", "La banque a subi un « incident de marché sans gravité » hier.", [], []),
        ("en", "“We will win this race,” said Senator Ann Fox.", [], [("We will win this race,", "Ann Fox")]),
        ("en", "Ann Fox bluntly called it “a total waste of money.”", [], [("a total waste of money.", "Ann Fox")]),
        (
            "en",
            "“Stay away from the coast,” said the maritime prefect, Admiral Jean Kerr.",
            [],
            [("Stay away from the coast,", "Jean Kerr")],
        ),
        (
            "en",
            "Ann Fox spoke first. “We will win,” she said. “And we will win big.”",
            ["Ann Fox"],
            [("We will win,” she said. “And we will win big.", "Ann Fox")],
        ),
        ("en", "According to Ann Fox, the plan is “dead on arrival.”", ["Ann Fox"], [("dead on arrival.", "Ann Fox")]),
        (
            "en",
            "Ann Fox spoke. “We will win.” She added, “And we will win big.”",
            ["Ann Fox"],
            [("We will win.", "Ann Fox"), ("And we will win big.", "Ann Fox")],
        ),
    ],
)
def test_quotations_and_speakers(
    language: str, text: str, names: list[str], expected: list[tuple[str, str | None]]
) -> None:
    found = _quotes(text, language, names)
    for quotation in found:
        _check_spans(text, quotation)
    assert [(q.text, q.speaker) for q in found] == expected


@pytest.mark.parametrize(
    ("language", "text", "names", "speakers"),
    [
        pytest.param(
            "en",
            "Mayor Ann Fox spoke. She said the United States “will never give up on its towns.”",
            ["Ann Fox", "United States"],
            ["Ann Fox"],
            id="capitalised-cue-word-inside-a-name",
        ),
        pytest.param(
            "fr",
            "« Nous avions froid chaque nuit », a raconté Lucie Marin. Le colonel Paul Vidal a décrit "
            "l'opération. « On nous a libérés à l'aube », a ajouté l'ancienne otage.",
            ["Lucie Marin", "Paul Vidal"],
            ["Lucie Marin", "Lucie Marin"],
            id="continuing-cue-role-takes-the-speaker-before",
        ),
        pytest.param(
            "fr",
            "Selon la presse locale, les deux hommes seront « jugés à Lyon en mars ».",
            [],
            [None],
            id="generic-source-has-no-speaker",
        ),
        pytest.param(
            "fr",
            "« La piste criminelle reste ouverte », assure au Figaro Marc Lebrun, l'avocat de la famille.",
            ["Marc Lebrun"],
            ["Marc Lebrun"],
            id="complement-between-cue-and-speaker",
        ),
        pytest.param(
            "fr",
            "Tom Hale sera au départ. « Je me sens prêt, explique dans un entretien l'Australien qui "
            "revient de blessure. La course sera dure. »",
            ["Tom Hale"],
            ["Tom Hale"],
            id="demonym-in-an-incise",
        ),
        pytest.param(
            "fr",
            "Tom Hale sera au départ. Hier, au micro d'une radio, l'Australien a fixé son objectif : "
            "« Je veux gagner au moins une étape. »",
            ["Tom Hale"],
            ["Tom Hale"],
            id="subject-of-a-clause-ending-with-a-colon",
        ),
        pytest.param(
            "en",
            "Last week, Ann Fox made this promise:\n“Every school will get a new roof by the winter.”",
            ["Ann Fox"],
            ["Ann Fox"],
            id="colon-in-the-paragraph-before",
        ),
        pytest.param(
            "fr",
            "Anne Roy a présenté le programme. « Tout commence ici, dans ce quartier », a-t-elle dit.",
            ["Anne Roy"],
            ["Anne Roy"],
            id="work-noun-of-the-sentence-before-names-no-title",
        ),
        pytest.param(
            "en",
            "Ann Fox spoke first. The new ad then shows Bob Lane asking, “Who pays for all of this?”",
            ["Ann Fox", "Bob Lane"],
            ["Bob Lane"],
            id="participle-right-after-a-named-complement",
        ),
        pytest.param(
            "en",
            "“This is a land grab,” Bob Lane, who leads one of the states suing the agency, said on Monday.",
            ["Bob Lane"],
            ["Bob Lane"],
            id="cue-word-after-an-article-is-a-noun",
        ),
        pytest.param(
            "en",
            "Ann Fox told the crowd that taxes in the Midwest are too high, saying “the farms cannot pay more.”",
            ["Ann Fox", "Midwest"],
            ["Ann Fox"],
            id="participle-after-a-comma-takes-the-sentence-subject",
        ),
        pytest.param(
            "en",
            "Ann Fox and Bob Lane sat on the panel.\n\n“Who will pay for the new bridge?” Lane asked.",
            ["Ann Fox", "Bob Lane", "Lane"],
            ["Bob Lane"],
            id="cue-in-the-sentence-after-a-question-mark",
        ),
        pytest.param(
            "en",
            "“Nobody called us back,” said flood victim Rosa Diaz.",
            ["Rosa Diaz"],
            ["Rosa Diaz"],
            id="lower-case-modifiers-before-a-name",
        ),
        pytest.param(
            "en",
            "“The vote is rigged,” Rep. Bob Lane (R-Iowa), a member of the panel, said on Friday.",
            ["Bob Lane"],
            ["Bob Lane"],
            id="bracketed-note-after-an-apposed-name",
        ),
        pytest.param(
            "en",
            "Ann Fox wrote that the flyer “plainly and falsely” suggests that Bob Lane supports the plan.",
            ["Ann Fox", "Bob Lane"],
            ["Ann Fox"],
            id="verb-after-an-unpunctuated-quote-is-no-inverted-cue",
        ),
        pytest.param(
            "en",
            "“We lost the whole valley,” Ms. Rosa Diaz of the Farmers Union said.",
            ["Rosa Diaz", "Farmers Union"],
            ["Rosa Diaz"],
            id="person-of-an-organisation-is-the-subject",
        ),
        pytest.param(
            "en",
            "“Our wells ran dry,” said Ann Fox.\n\nThe drought is a problem that worries Bob Lane, the county "
            "engineer.\n\n“We have water for one more month,” he said.",
            ["Ann Fox", "Bob Lane"],
            ["Ann Fox", "Bob Lane"],
            id="name-after-a-relative-that-is-no-apposition",
        ),
        pytest.param(
            "en",
            "Bob Lane met the strikers. “We hear you,” Lane said. He offered no date. “Talks will resume soon.”",
            ["Bob Lane", "Lane"],
            ["Bob Lane", "Bob Lane"],
            id="pronoun-sentence-keeps-the-account-of-the-last-speaker",
        ),
        pytest.param(
            "fr",
            "Le préfet a parlé. Le ton reste ferme. Hans Vogel, président de Stahlwerk France, a répété que "
            "l'usine « n'est plus rentable ».",
            ["Hans Vogel"],
            ["Hans Vogel"],
            id="a-sentence-before-the-apposition-is-no-noun-it-complements",
        ),
    ],
)
def test_speaker_attribution(language: str, text: str, names: list[str], speakers: list[str | None]) -> None:
    assert [q.speaker for q in _quotes(text, language, names)] == speakers


@pytest.mark.parametrize(
    ("language", "text", "names", "role"),
    [
        pytest.param(
            "en",
            "“We have no suspect yet,” the sheriff said, adding that the search would go on “for several more days.”",
            [],
            "the sheriff",
            id="role-phrase-ends-before-its-cue",
        ),
        pytest.param(
            "fr",
            "Le père de Julien Morel « a signalé sa disparition dès le soir », a indiqué le procureur de Brest. "
            "Selon le magistrat, l'enquête porte sur « plusieurs pistes sérieuses à ce stade ».",
            ["Julien Morel"],
            "le procureur de Brest",
            id="role-points-back-to-the-unnamed-speaker-not-to-a-relative",
        ),
    ],
)
def test_unresolved_role_phrase(language: str, text: str, names: list[str], role: str) -> None:
    found = _quotes(text, language, names)
    assert {(q.speaker, q.speaker_role) for q in found} == {(None, role)}


def test_role_resolved_inside_the_article() -> None:
    text = (
        "La ministre belge de la Santé, Inès Claes, a visité l'hôpital. Le ministre français Paul Noir aussi.\n"
        "« Les soignants sont épuisés », a déclaré la ministre belge."
    )
    [quotation] = _quotes(text, "fr", ["Inès Claes", "Paul Noir"])
    assert (quotation.speaker, quotation.speaker_role) == ("Inès Claes", "la ministre belge")


def test_unresolved_role_is_kept_for_the_story() -> None:
    [quotation] = _quotes("« Aucune décision n'est prise », a indiqué le porte-parole de l'Élysée.")
    assert quotation.speaker is None
    assert quotation.speaker_role == "le porte-parole de l'Élysée"


def test_quotation_continued_over_paragraphs_is_one() -> None:
    text = "Anne Roy a pris la parole.\n« Le budget est prêt.\n« Il sera voté mardi », a-t-elle dit.\n"
    [quotation] = _quotes(text, "fr", ["Anne Roy"])
    assert quotation.text == "Le budget est prêt.\n« Il sera voté mardi"
    assert quotation.speaker == "Anne Roy"


def test_unknown_language_gives_nothing() -> None:
    assert find_quotations(_article("« Ab cd ef gh »", "xx"), [], [], settings=AnnotateSettings()) == []


@hsettings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["«", "»", "“", "”", '"', "„", " ", "\n", "a déclaré", "Anne Roy", ",", ".", "il", "mot"]),
        max_size=40,
    ),
    st.sampled_from(["fr", "en"]),
)
def test_spans_are_exact_on_any_text(parts: list[str], language: str) -> None:
    text = " ".join(parts)
    for quotation in _quotes(text, language, ["Anne Roy"]):
        _check_spans(text, quotation)


def _fixture(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_spans_are_exact(path: Path) -> None:
    case = _fixture(path)
    for quotation in _quotes(case["text"], case["language"], case["persons"]):
        _check_spans(case["text"], quotation)


@pytest.mark.gate
def test_gate_on_fixtures() -> None:
    total = evaluation.Scores()
    for path in CASES:
        case = _fixture(path)
        text = case["text"]
        gold = [
            evaluation.GoldQuote(text.index(q["text"]), text.index(q["text"]) + len(q["text"]), q["speaker"], True)
            for q in case["quotes"]
        ]
        total.add(evaluation.score_document(_quotes(text, case["language"], case["persons"]), gold))
    row = total.row("fixtures", len(CASES))
    assert row["F1 loose"] >= 0.95
    assert row["F1 strict"] >= 0.9
    assert row["speaker acc"] >= 0.9


# ------------------------------------------------------------------- roles


def test_role_holders_rank_by_shared_modifiers() -> None:
    table = quote_table("fr")
    assert table is not None
    text = "Le président russe Vladimir Orlov et le dirigeant nord-coréen Park Min ont parlé."
    names = [(m.start, m.end) for m in _mentions(text, ["Vladimir Orlov", "Park Min"])]
    holders = role_holders(text, names, table)
    assert [(h.name, h.group) for h in holders] == [("Vladimir Orlov", "leader"), ("Park Min", "leader")]
    assert rank_role_holders("le chef de l'État russe", holders, table)[0].name == "Vladimir Orlov"
    assert rank_role_holders("le leader nord-coréen", holders, table)[0].name == "Park Min"
    assert rank_role_holders("le porte-parole", holders, table) == []
    former = role_holders("L'ancien président russe Boris Lenski était là.", [(25, 37)], table)
    assert [h.name for h in former] == ["Boris Lenski"]
    assert rank_role_holders("le chef de l'État russe", former, table) == []
    assert rank_role_holders("l'ancien chef de l'État russe", former, table)[0].name == "Boris Lenski"


# -------------------------------------------------------------- cross-check


class _BagEmbedder:
    """Hashed bag of words: close texts get close vectors, without any model."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 256), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[i, zlib.crc32(word.encode()) % 256] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


class _FakeEntities:
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def entity_for_mention(self, article_id: str, mention: Mention) -> str | None:
        return self.entity_for_name(mention.text)

    def entity_for_name(self, name: str, *, article_id: str | None = None) -> str | None:
        return next((e for full, e in self.names.items() if name.split()[-1] in full.split()), None)

    def name_of(self, entity_id: str) -> str:
        return next(full for full, e in self.names.items() if e == entity_id)


def _story(texts: dict[str, str], names: Sequence[str], language: str = "fr") -> StoryInput:
    articles, annotations = [], {}
    for article_id, text in texts.items():
        article = _article(text, language, article_id)
        sentences = split_sentences(text, language)
        mentions = _mentions(text, names)
        quotations = find_quotations(article, sentences, mentions, settings=AnnotateSettings())
        articles.append(article)
        annotations[article_id] = Annotations(article_id, sentences, mentions, quotations)
    return StoryInput("s1", articles, annotations, CopyGroups())


def test_link_quotes_joins_renderings_and_resolves_roles() -> None:
    story = _story(
        {
            "a": "Le porte-parole du ministère, Marc Aubry, était présent. Anne Roy aussi.\n"
            "« Le calendrier sera tenu sans aucun retard », a déclaré Anne Roy.",
            "b": "« Le calendrier sera tenu sans retard », a assuré Mme Roy.\n"
            "« Aucune décision n'est encore prise », a indiqué le porte-parole du ministère.",
            "c": "« Nous ne commentons pas les rumeurs », a dit Anne Roy.",
        },
        ["Marc Aubry", "Anne Roy", "Roy"],
    )
    entities = _FakeEntities({"Anne Roy": "e1", "Marc Aubry": "e2"})
    quotes = link_quotes(story, entities, models=Models(embedder=_BagEmbedder()))  # type: ignore[arg-type]
    assert [q.id for q in quotes] == ["q1", "q2", "q3"]
    first = quotes[0]
    assert (first.speaker, first.speaker_name) == ("e1", "Anne Roy")
    assert sorted(r.article for r in first.renderings) == ["a", "b"]
    by_text = {q.renderings[0].text: q for q in quotes[1:]}
    assert by_text["Aucune décision n'est encore prise"].speaker == "e2"
    assert by_text["Nous ne commentons pas les rumeurs"].speaker == "e1"
    for quote in quotes:
        for rendering in quote.renderings:
            text = next(a.clean_text for a in story.articles if a.id == rendering.article)
            assert text[rendering.start : rendering.end] == rendering.text


@pytest.mark.models
def test_translated_renderings_are_linked(models: Models) -> None:
    from recoupe.crosscheck.entities import merge_entities

    story = _story(
        {
            "fr1": "Le Premier ministre estonien Kaarel Tamm était à Helsinki.\n"
            "« Nous construirons ce câble ensemble », a promis Kaarel Tamm.",
            "fr2": "« Ce câble, nous allons le construire ensemble », a déclaré Kaarel Tamm.\n"
            "« La pêche reste un sujet difficile », a ajouté Kaarel Tamm.",
        },
        ["Kaarel Tamm"],
    )
    quotes = link_quotes(story, merge_entities(story), models=models)
    assert len(quotes[0].renderings) == 2
    assert {r.article for r in quotes[0].renderings} == {"fr1", "fr2"}
    assert len(quotes) == 2


# ---------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("predicted", "gold", "right"),
    [
        ("Donald Trump", "Trump", True),
        ("Trump", "Donald J. Trump, the Republican nominee,", True),
        ("Hillary Clinton", "Trump", False),
        (None, "a source", True),
        ("spokesman", "the spokesman", True),
        (None, "Trump", False),
    ],
)
def test_speaker_rule(predicted: str | None, gold: str, right: bool) -> None:
    assert evaluation.speaker_matches(predicted, gold) is right


def test_polnear_gold_from_brat(tmp_path: Path) -> None:
    text = 'Smith said he was "very happy with the result," and "we will go on," he added. Scare "quotes" here.'
    content = (text.index("he was"), text.index(" he added"))
    source = (0, 5)
    ann = tmp_path / "doc_x.ann"
    ann.write_text(
        f"T1\tSource {source[0]} {source[1]}\tSmith\nT2\tCue 6 10\tsaid\n"
        f"T3\tContent {content[0]} {content[1]}\t{text[content[0]:content[1]]}\n"
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    gold = evaluation.polnear_gold(text, ann)
    assert [text[g.start : g.end] for g in gold] == ["very happy with the result,", "we will go on,"]
    assert {g.speaker for g in gold} == {"Smith"}


def test_scores_pair_one_to_one() -> None:
    quotation = Quotation(0, 10, "x" * 10, speaker="Smith")
    gold = [evaluation.GoldQuote(0, 10, "Smith", True), evaluation.GoldQuote(2, 9, "Smith", True)]
    scores = evaluation.score_document([quotation], gold)
    assert (scores.loose, scores.strict, scores.speaker_right) == (1, 1, 1)
    assert scores.row("t", 1)["R loose"] == 0.5


def test_evaluate_without_data(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable):
        evaluation.evaluate(tmp_path, settings=load_settings(), models=Models(embedder=_BagEmbedder()))
