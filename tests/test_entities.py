"""Entity mentions (annotate) and their merging into story entities (cross-check)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import cast, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoupe.annotate.entities import find_mentions, find_mentions_many
from recoupe.annotate.sentences import split_sentences
from recoupe.crosscheck.entities import EntityIndex, merge_entities, name_parts
from recoupe.errors import DataUnavailable
from recoupe.evaluate.entities import overlap_score, read_hipe, read_wikineural, score
from recoupe.models import Models
from recoupe.records import Annotations, Article, CopyGroups, EntityType, Mention, StoryInput
from recoupe.settings import AnnotateSettings, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "entities"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
_MARK = re.compile(r"\[\[([^|\]]+)\|([^|\]]+)\|([^|\]]+)(?:\|([^\]]+))?\]\]")
NO_MODEL = Models(nlp={"fr": None, "en": None, "de": None})

Gold = dict[tuple[str, int, int], str]


def _article(article_id: str, text: str, language: str) -> Article:
    return Article(
        id=article_id, input=article_id, original=text, clean_text=text, language=language, content_hash=article_id
    )


def _unmark(marked: str) -> tuple[str, list[tuple[Mention, str]]]:
    """Clean text and the gold mentions (with their gold entity) of a marked text."""
    pieces: list[str] = []
    found: list[tuple[Mention, str]] = []
    length = 0
    last = 0
    for match in _MARK.finditer(marked):
        pieces.append(marked[last : match.start()])
        length += match.start() - last
        surface, kind, label, title = match.groups()
        assert kind in get_args(EntityType)
        found.append((Mention(length, length + len(surface), surface, cast(EntityType, kind), title), label))
        pieces.append(surface)
        length += len(surface)
        last = match.end()
    pieces.append(marked[last:])
    return "".join(pieces), found


def load_story(name: str) -> tuple[StoryInput, Gold]:
    data = json.loads((FIXTURES / name).read_text("utf-8"))
    articles, annotations, gold = [], {}, {}
    for entry in data["articles"]:
        text, marked = _unmark(entry["text"])
        article = _article(entry["id"], text, entry["language"])
        articles.append(article)
        annotations[article.id] = Annotations(article.id, mentions=[m for m, _ in marked])
        for mention, label in marked:
            assert text[mention.start : mention.end] == mention.text
            gold[(article.id, mention.start, mention.end)] = label
    return StoryInput(name, articles, annotations, CopyGroups()), gold


def _predicted(story: StoryInput, index: EntityIndex) -> dict[tuple[str, int, int], str | None]:
    return {
        (a, m.start, m.end): index.entity_for_mention(a, m)
        for a, ann in story.annotations.items()
        for m in ann.mentions
    }


def pairwise(predicted: dict[tuple[str, int, int], str | None], gold: Gold) -> tuple[float, float]:
    """Precision and recall of the "same entity" decisions over all pairs of gold mentions."""
    same_pred = same_gold = both = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        p = predicted.get(a) is not None and predicted.get(a) == predicted.get(b)
        g = gold[a] == gold[b]
        same_pred += p
        same_gold += g
        both += p and g
    return (both / same_pred if same_pred else 1.0), (both / same_gold if same_gold else 1.0)


# ------------------------------------------------------------------- merging


@pytest.mark.gate
@pytest.mark.parametrize(
    ("fixture", "min_recall"), [("merge_people.json", 0.85), ("merge_places.json", 0.95), ("merge_english.json", 0.9)]
)
def test_merge_precision_and_recall(fixture: str, min_recall: float) -> None:
    story, gold = load_story(fixture)
    precision, recall = pairwise(_predicted(story, merge_entities(story)), gold)
    assert precision == 1.0
    assert recall >= min_recall


@pytest.mark.parametrize(
    ("fixture", "label"),
    [
        ("merge_people.json", "JPM"),
        ("merge_people.json", "CM"),
        ("merge_people.json", "MJI"),
        ("merge_people.json", "CL"),
        ("merge_places.json", "SL"),
        ("merge_places.json", "CHO"),
        ("merge_places.json", "ZAP"),
        ("merge_places.json", "KHA"),
        ("merge_places.json", "NATO"),
        ("merge_places.json", "MOW"),
        ("merge_places.json", "ABC"),
        ("merge_english.json", "JB"),
        ("merge_english.json", "OS"),
        ("merge_english.json", "IMF"),
    ],
)
def test_one_entity_carries_every_spelling(fixture: str, label: str) -> None:
    story, gold = load_story(fixture)
    index = merge_entities(story)
    predicted = _predicted(story, index)
    ids = {predicted[key] for key, value in gold.items() if value == label}
    assert len(ids) == 1
    entity = next(e for e in index.entities if e.id in ids)
    texts = {key: m.text for a, ann in story.annotations.items() for m in ann.mentions for key in [(a, m.start, m.end)]}
    assert {texts[k] for k, v in gold.items() if v == label} <= set(entity.variants)


@pytest.mark.parametrize(
    ("fixture", "first", "second"),
    [
        ("merge_people.json", "JPM", "CM"),
        ("merge_people.json", "MJI", "MCI"),
        ("merge_people.json", "HC", "BC"),
        ("merge_people.json", "HC", "ChC"),
        ("merge_people.json", "PMo", "PaM"),
        ("merge_places.json", "SL", "AL"),
        ("merge_places.json", "SVN", "SVK"),
        ("merge_places.json", "MLI", "MWI"),
        ("merge_places.json", "AUT", "AUS"),
        ("merge_english.json", "JB", "JiB"),
        ("merge_english.json", "EU", "EC"),
    ],
)
def test_different_things_stay_apart(fixture: str, first: str, second: str) -> None:
    story, gold = load_story(fixture)
    predicted = _predicted(story, merge_entities(story))
    ids_first = {predicted[k] for k, v in gold.items() if v == first}
    ids_second = {predicted[k] for k, v in gold.items() if v == second}
    assert not ids_first & ids_second


@pytest.mark.parametrize(
    ("fixture", "name", "article", "label"),
    [
        ("merge_people.json", "M. Mercier", "p1", "JPM"),
        ("merge_people.json", "Mme Mercier", "p1", "CM"),
        ("merge_people.json", "le Premier ministre Jean-Paul Mercier", None, "JPM"),
        ("merge_people.json", "Jean Paul Mercier", None, "JPM"),
        ("merge_people.json", "M. Moon", "p3", "MJI"),
        ("merge_people.json", "Moreau", "p5", None),
        ("merge_people.json", "Clinton", None, None),
        ("merge_places.json", "Lavrov", "t1", "SL"),
        ("merge_places.json", "le ministre Sergueï Lavrov", None, "SL"),
        ("merge_places.json", "Sergei Lavrov", None, "SL"),
        ("merge_places.json", "Alexander Lawrow", None, "AL"),
        ("merge_places.json", "Vladimir Lavrov", None, None),
        ("merge_places.json", "le porte-parole de l'Organisation du traité de l'Atlantique nord", None, None),
        ("merge_places.json", "OTAN", None, "NATO"),
    ],
)
def test_entity_for_name(fixture: str, name: str, article: str | None, label: str | None) -> None:
    story, gold = load_story(fixture)
    index = merge_entities(story)
    predicted = _predicted(story, index)
    found = index.entity_for_name(name, article_id=article)
    if label is None:
        full_names = {predicted[k] for k in gold if len(name_parts(_text(story, k))) > 1}
        assert found is None or found not in full_names
    else:
        assert found is not None
        assert found == predicted[next(k for k, v in gold.items() if v == label)]
        assert index.name_of(found)


def _text(story: StoryInput, key: tuple[str, int, int]) -> str:
    article = next(a for a in story.articles if a.id == key[0])
    return article.clean_text[key[1] : key[2]]


def test_entities_are_ranked_and_complete() -> None:
    story, gold = load_story("merge_people.json")
    index = merge_entities(story)
    assert [e.id for e in index.entities] == [f"e{n}" for n in range(1, len(index.entities) + 1)]
    assert [e.mentions for e in index.entities] == sorted((e.mentions for e in index.entities), reverse=True)
    assert sum(e.mentions for e in index.entities) == len(gold)
    mercier = index.entities[0]
    assert mercier.name == "Jean-Paul Mercier"
    assert mercier.articles == ["p1", "p2"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Kim Jong-un", "Kim Jong Un", True),
        ("Kim-Jong-un", "KIM JONG UN", True),
        ("Kim Yo Jong", "Kim Jong Un", False),
        ("Vostochny", "Vostotchny", True),
        ("Vostotsjny", "Vostochni", True),
        ("Sergueï Choïgou", "Sergei Shoigu", True),
        ("Poutine", "Putin", True),
        ("Pékin", "Beijing", True),
        ("Moscou", "Moskau", True),
        ("États-Unis", "United States", True),
        ("U.S.", "United States", True),
        ("Slovénie", "Slovaquie", False),
        ("Jean-Marie Le Pen", "Marine Le Pen", False),
        ("Irakli Mchedlishvili", "Irakli Mtchedlichvili", True),
        ("Levan Tsiklauri", "Levan Tziklauri", True),
        ("Levan Tsiklauri", "Lévan Tsiklaouri", True),
        ("Karl-Heinz Brückner", "Karl-Heinz Brueckner", True),
        ("Hans Müller", "Hans Mueller", True),
        ("Hans Müller", "Hans Möller", False),
    ],
)
def test_name_keys(first: str, second: str, same: bool) -> None:
    assert (name_parts(first) == name_parts(second)) is same


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_mention_gets_one_entity(data: st.DataObject) -> None:
    story, _ = load_story(data.draw(st.sampled_from(["merge_people.json", "merge_places.json"])))
    kept = {
        a: Annotations(a, mentions=data.draw(st.lists(st.sampled_from(ann.mentions), unique=True)))
        for a, ann in story.annotations.items()
        if ann.mentions
    }
    sub = StoryInput(story.id, story.articles, kept, CopyGroups())
    index = merge_entities(sub)
    predicted = _predicted(sub, index)
    assert all(v is not None for v in predicted.values())
    assert sum(e.mentions for e in index.entities) == len(predicted)
    for entity in index.entities:
        surfaces = {_text(sub, k) for k, v in predicted.items() if v == entity.id}
        assert surfaces == set(entity.variants)


_GIVEN = ["Jean", "Jeanne", "Paul", "Paula", "Yo Jong", "Jong Un", "Myong Sik", "Anne-Marie", "Anne Marie"]
_SURNAMES = ["Kim", "Martin", "Lee", "Müller", "Muller"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([*_GIVEN, ""]),
                st.sampled_from(_SURNAMES),
                st.sampled_from([None, "M.", "Mme", "Dr"]),
            ),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_no_entity_holds_two_full_names(story_mentions: list[list[tuple[str, str, str | None]]]) -> None:
    """Whatever the order and titles, two full names that differ in a given name never merge."""
    articles, annotations = [], {}
    for number, mentions in enumerate(story_mentions):
        text, found = "", []
        for first, surname, title in mentions:
            name = f"{first} {surname}".strip()
            text += (f"{title} " if title else "") + name
            found.append(Mention(len(text) - len(name), len(text), name, "person", title))
            text += " a parlé. "
        article = _article(f"a{number}", text, "fr")
        articles.append(article)
        annotations[article.id] = Annotations(article.id, mentions=found)
    index = merge_entities(StoryInput("s", articles, annotations, CopyGroups()))
    for entity in index.entities:
        full = {name_parts(v) for v in entity.variants if len(name_parts(v)) > 1}
        assert len(full) <= 1


@pytest.mark.parametrize(
    ("mentions", "entities"),
    [
        ([("Tissot", None), ("Tissot", "M.")], [{"Tissot"}]),
        ([("Tissot", "M."), ("Tissot", None), ("Tissot", "M.")], [{"Tissot"}]),
        # With a man and a woman of that name, an untitled "Tissot" could be either.
        ([("Tissot", "M."), ("Tissot", "Mme"), ("Tissot", None)], [{"Tissot"}, {"Tissot"}, {"Tissot"}]),
    ],
)
def test_bare_surnames_without_a_full_name(mentions: list[tuple[str, str | None]], entities: list[set[str]]) -> None:
    text, found = "", []
    for name, title in mentions:
        text += (f"{title} " if title else "") + name
        found.append(Mention(len(text) - len(name), len(text), name, "person", title))
        text += " a parlé. "
    article = _article("a", text, "fr")
    index = merge_entities(StoryInput("s", [article], {"a": Annotations("a", mentions=found)}, CopyGroups()))
    assert [set(e.variants) for e in index.entities] == entities


# ------------------------------------------------------------------ mentions


def _mentions(text: str, language: str, models: Models) -> list[Mention]:
    article = _article("a", text, language)
    return find_mentions(article, split_sentences(text, language), models=models, settings=AnnotateSettings())


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Mr. John Smith met Mary Jones in Paris on Monday. Smith said the talks went well.",
            "en",
            [
                ("John Smith", "person", "Mr."),
                ("Mary Jones", "person", None),
                ("Paris", "place", None),
                ("Smith", "person", None),
            ],
        ),
        (
            "The meeting ended. According to NATO officials, Vladimir Putin left.",
            "en",
            [("NATO", "organisation", None), ("Vladimir Putin", "person", None)],
        ),
        (
            "Hier, M. Dupont a vu Mme Claire Martin.",
            "fr",
            [("Dupont", "person", "M."), ("Claire Martin", "person", "Mme")],
        ),
        # "de" is no role adjective: the company's president, not a person named Ferralys.
        (
            "Hier, le président de Ferralys a parlé à M. Dupont.",
            "fr",
            [("Ferralys", "other", None), ("Dupont", "person", "M.")],
        ),
    ],
)
def test_capitalised_fallback(text: str, language: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = _mentions(text, language, NO_MODEL)
    assert [(m.text, m.type, m.title) for m in found] == expected


@given(st.text(alphabet=st.sampled_from("Ab cD. M.\nÉé-’«»,Kim Jong")))
def test_fallback_offsets_are_exact(text: str) -> None:
    previous = -1
    for mention in _mentions(text, "fr", NO_MODEL):
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= previous
        previous = mention.end


@pytest.mark.gate
def test_english_fallback_gate() -> None:
    """The capitalised-words recogniser on the English fixture: spans and types."""
    story, gold = load_story("merge_english.json")
    sentences = {a.id: split_sentences(a.clean_text, "en") for a in story.articles}
    found = find_mentions_many(story.articles, sentences, models=NO_MODEL, settings=AnnotateSettings())
    spans = {(a, m.start, m.end) for a, ms in found.items() for m in ms}
    typed = {(a, m.start, m.end, m.type) for a, ms in found.items() for m in ms}
    gold_typed = {(a, m.start, m.end, m.type) for a, ann in story.annotations.items() for m in ann.mentions}
    assert len(spans & set(gold)) / len(spans) >= 0.9
    assert len(spans & set(gold)) / len(gold) >= 0.95
    assert len(typed & gold_typed) / len(gold_typed) >= 0.6


@pytest.mark.models
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le président russe Vladimir Poutine a salué M. Kim Jong Un à Moscou. M. Dupont a vu Mme Claire Martin.",
            [
                ("Vladimir Poutine", "person", "président russe"),
                ("Kim Jong Un", "person", "M."),
                ("Moscou", "place", None),
                ("Dupont", "person", "M."),
                ("Claire Martin", "person", "Mme"),
            ],
        ),
        (
            "Selon Interfax, le cosmodrome de Vostotchny accueillera Mme Nathalie Dupuis.",
            [("Interfax", None, None), ("Vostotchny", None, None), ("Nathalie Dupuis", "person", "Mme")],
        ),
        (
            "Le dirigeant Kim Jong Un est arrivé.\nKim Jong Un rencontre le président.",
            [("Kim Jong Un", "person", "dirigeant"), ("Kim Jong Un", "person", None)],
        ),
    ],
)
def test_spacy_mentions(text: str, expected: list[tuple[str, str | None, str | None]], models: Models) -> None:
    found = _mentions(text, "fr", models)
    assert [m.text for m in found] == [e[0] for e in expected]
    for mention, (_, kind, title) in zip(found, expected, strict=True):
        assert text[mention.start : mention.end] == mention.text
        assert kind is None or mention.type == kind
        assert mention.title == title


@pytest.mark.models
@pytest.mark.gate
def test_french_mentions_gate(models: Models) -> None:
    """Exact-span recall and precision on the French fixture articles (every name is marked)."""
    stories = [load_story(f) for f in ("merge_people.json", "merge_places.json")]
    articles = [a for story, _ in stories for a in story.articles if a.language == "fr"]
    gold = {k for _, g in stories for k in g if k[0] in {a.id for a in articles}}
    sentences = {a.id: split_sentences(a.clean_text, "fr") for a in articles}
    found = find_mentions_many(articles, sentences, models=models, settings=AnnotateSettings())
    spans = {(a, m.start, m.end) for a, ms in found.items() for m in ms}
    precision = len(spans & gold) / len(spans)
    recall = len(spans & gold) / len(gold)
    assert precision >= 0.9
    assert recall >= 0.9


@pytest.mark.models
@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed articles are not beside the repository")
def test_seed_story(models: Models) -> None:
    articles = [_article(p.stem, p.read_text("utf-8"), "fr") for p in sorted(SEEDS.glob("*.txt"))]
    sentences = {a.id: split_sentences(a.clean_text, "fr") for a in articles}
    found = find_mentions_many(articles, sentences, models=models, settings=AnnotateSettings())
    story = StoryInput(
        "seeds", articles, {a.id: Annotations(a.id, sentences[a.id], found[a.id]) for a in articles}, CopyGroups()
    )
    index = merge_entities(story)
    by_id = {e.id: e for e in index.entities}
    putin = by_id[index.entity_for_name("Vladimir Poutine") or ""]
    kim = by_id[index.entity_for_name("Kim Jong Un") or ""]
    vostochny = by_id[index.entity_for_name("Vostochny") or ""]
    assert {"Poutine", "Vladimir Poutine"} <= set(putin.variants)
    assert {"Kim", "Kim Jong Un", "Kim Jong-un", "Kim-Jong-un"} <= set(kim.variants)
    assert {"Vostochny", "Vostotchny", "Vostotsjny", "Vostochni"} <= set(vostochny.variants)
    sister = index.entity_for_name("Kim Yo Jong")
    admiral = index.entity_for_name("Kim Myong Sik")
    assert len({kim.id, sister, admiral}) == 3


# ---------------------------------------------------------------- evaluation


def test_wikineural_reader_and_scores(tmp_path: Path) -> None:
    conllu = tmp_path / "test.conllu"
    conllu.write_text(
        "0\tOn\tO\n1\tla\tO\n2\ttrouve\tO\n3\tau\tO\n4\tPakistan\tB-LOC\n\n"
        "0\tJean\tB-PER\n1\tDupont\tI-PER\n2\tvit\tO\n3\tà\tO\n4\tLyon\tB-LOC\n",
        "utf-8",
    )
    docs = read_wikineural(conllu)
    assert [d.text for d in docs] == ["On la trouve au Pakistan", "Jean Dupont vit à Lyon"]
    assert docs[1].spans == {(0, 11, "person"), (18, 22, "place")}
    found: list[frozenset[tuple[int, int, EntityType]]] = [
        frozenset({(16, 24, "place")}),
        frozenset({(5, 11, "person"), (18, 22, "place")}),
    ]
    exact = score([d.spans for d in docs], found)
    assert (exact.gold, exact.found, exact.matched_gold) == (3, 3, 2)
    loose = overlap_score([d.spans for d in docs], found)
    assert loose.precision == loose.recall == 1.0


def test_hipe_reader(tmp_path: Path) -> None:
    columns = "TOKEN NE-COARSE-LIT NE-COARSE-METO NE-FINE-LIT NE-FINE-METO NE-FINE-COMP NE-NESTED NEL-LIT NEL-METO MISC"
    header = "\t".join(columns.split()) + "\n"
    rows = [
        ("M", "B-pers", "NoSpaceAfter"),
        (".", "I-pers", "_"),
        ("Hagenbeck", "I-pers", "_"),
        ("à", "O", "_"),
        ("Munich", "B-loc", "NoSpaceAfter"),
        (".", "O", "EndOfSentence"),
        ("le", "O", "_"),
        ("3", "B-time", "_"),
    ]
    lines = [header, "# hipe2022:document_id = d1\n"]
    lines += ["\t".join([token, tag, "O", "O", "O", "O", "O", "_", "_", misc]) + "\n" for token, tag, misc in rows]
    (tmp_path / "x-dev-fr.tsv").write_text("".join(lines), "utf-8")
    (doc,) = read_hipe(tmp_path)
    assert doc.text == "M. Hagenbeck à Munich. le 3"
    assert doc.spans == {(0, 12, "person"), (15, 21, "place")}


def test_missing_data_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable):
        read_wikineural(tmp_path / "nothing.conllu")
    with pytest.raises(DataUnavailable):
        read_hipe(tmp_path)


@pytest.mark.models
def test_annotation_in_two_processes_is_the_same(models: Models, settings: Settings) -> None:
    from recoupe.annotate import annotate_many
    from recoupe.bench.annotate import generate_articles

    articles = generate_articles(20)
    alone = annotate_many(articles, settings=settings.replace("annotate", ner_processes=1), models=models)
    shared = annotate_many(articles, settings=settings.replace("annotate", ner_processes=2), models=models)
    assert [n.article_id for n in shared] == [a.id for a in articles]
    assert shared == alone
