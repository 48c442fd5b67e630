"""Story clustering: features, the online clusterer, its state, and quality gates."""

from __future__ import annotations

import json
import pathlib
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from recoupe.cluster import ArticleFeatures, StoryClusterer, article_features, embed_leads, fold, lead
from recoupe.cluster.local import agglomerate, density
from recoupe.errors import ConfigError, DataUnavailable
from recoupe.evaluate.clustering import bcubed, evaluate
from recoupe.models import Models
from recoupe.records import Annotations, Article, Mention
from recoupe.settings import ClusterSettings, Settings
from recoupe.store import open_store
from recoupe.stories import STATE
from recoupe.takein import take_in

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def _article(text: str, *, title: str | None = None, language: str = "en", published: str | None = None,
             doc_id: str = "a") -> Article:
    return Article(id=doc_id, input=doc_id, original=text, clean_text=text, language=language,
                   content_hash=doc_id, title=title, published=published)


def _features(doc_id: str, terms: str, *, entities: str = "", day: int | None = None,
              language: str = "en", vector: np.ndarray | None = None) -> ArticleFeatures:
    return ArticleFeatures(
        article_id=doc_id,
        language=language,
        terms={t: 1.0 for t in terms.split()},
        entities={e: 1.0 for e in entities.split()},
        numbers={},
        day=day,
        vector=vector,
    )


# ----------------------------------------------------------------------- features


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Élysée", "elysee"), ("ÇA VA", "ca va"), ("Straße", "straße"), ("Núñez", "nunez")],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "language", "terms_in", "terms_out"),
    [
        ("Les pompiers ont maîtrisé l'incendie de la forêt", "fr", {"pompier", "maitris", "incendi"}, {"les", "ont"}),
        ("The firefighters contained the forest blaze", "en", {"firefi", "contai", "forest", "blaze"}, {"the"}),
        ("Police said officers arrested him", "en", {"police", "office", "arrest"}, {"said", "him"}),
    ],
)
def test_terms_are_folded_stemmed_and_without_stopwords(
    text: str, language: str, terms_in: set[str], terms_out: set[str]
) -> None:
    terms = article_features(_article(text, language=language), None, vector=None).terms
    assert terms_in <= set(terms)
    assert not terms_out & set(terms)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Il a payé 3,2 millions en 2014 et 7 euros", {"32", "2014"}),
        ("15,000 hectares burnt; 2 homes lost", {"15000"}),
        ("No figures here", set()),
    ],
)
def test_numbers(text: str, numbers: set[str]) -> None:
    assert set(article_features(_article(text), None, vector=None).numbers) == numbers


@pytest.mark.parametrize(
    ("text", "language", "keys"),
    [
        ("The mayor Paul Verdier was held in Port Verlac.", "en",
         {"paul verdier", "paul", "verdier", "port verlac"}),
        ("Le maire de Port-Verlac, Paul Verdier, a été interpellé.", "fr", {"port verlac", "paul verdier"}),
    ],
)
def test_fallback_entities_are_capitalised_runs(text: str, language: str, keys: set[str]) -> None:
    entities = article_features(_article(text, language=language), None, vector=None).entities
    assert keys <= set(entities)
    assert "the" not in entities and "le" not in entities


@pytest.mark.parametrize(
    ("title", "text", "present", "absent"),
    [
        (None, "Police said Ana Ruiz left. Firefighters came.", {"ana ruiz"}, {"police", "firefighters"}),
        (None, "Valparaiso was hit. The port of Valparaiso is shut.", {"valparaiso"}, set()),
        ("Storm Hits Coast Of Brittany", "The storm hit Brittany at night.", {"brittany"}, {"storm", "hits"}),
    ],
)
def test_a_capital_that_only_opens_a_sentence_is_no_name(
    title: str | None, text: str, present: set[str], absent: set[str]
) -> None:
    entities = article_features(_article(text, title=title), None, vector=None).entities
    assert present <= set(entities)
    assert not absent & set(entities)


def test_mentions_replace_the_fallback() -> None:
    text = "Hier, Ingrid Martin a parlé."
    start = text.index("Ingrid")
    annotations = Annotations("a", mentions=[Mention(start, start + 13, "Ingrid Martin", "person")])
    entities = article_features(_article(text, language="fr"), annotations, vector=None).entities
    assert set(entities) == {"ingrid martin", "ingrid", "martin"}


@pytest.mark.parametrize(
    ("published", "day"),
    [("2024-03-10", 738955), ("2024-03-10T08:00:00+01:00", 738955), ("not a date", None), (None, None)],
)
def test_day(published: str | None, day: int | None) -> None:
    assert article_features(_article("x", published=published), None, vector=None).day == day


def test_title_counts_twice_and_lead_starts_with_title() -> None:
    article = _article("Storm hits coast. Damage is heavy. Roads are shut. Schools closed.", title="Storm")
    features = article_features(article, None, vector=None)
    assert features.terms["storm"] == 3.0
    assert lead(article).startswith("Storm. Storm hits coast.")


# ----------------------------------------------------------------------- clusterer


def _cluster_settings(**values: object) -> ClusterSettings:
    return Settings().replace("cluster", **values).cluster


def test_same_words_join_and_different_words_stay_apart() -> None:
    clusterer = StoryClusterer(_cluster_settings())
    a = clusterer.add(_features("a", "earthquake chile valparaiso magnitude", entities="valparaiso chile"))
    b = clusterer.add(_features("b", "earthquake chile valparaiso deaths", entities="valparaiso chile"))
    c = clusterer.add(_features("c", "footballer arrested madrid fraud", entities="delgado madrid"))
    assert a == b != c


def test_stories_go_cold_after_the_window() -> None:
    clusterer = StoryClusterer(_cluster_settings(window_days=10))
    first = clusterer.add(_features("a", "flood river town", entities="loire", day=1000))
    near = clusterer.add(_features("b", "flood river town", entities="loire", day=1008))
    far = clusterer.add(_features("c", "flood river town", entities="loire", day=1030))
    assert first == near != far


def test_later_reports_undo_an_early_merge_of_two_same_kind_events() -> None:
    """The first reports of two quakes meet while nothing says how close real neighbours get;
    once each quake has reports of its own, regrouping parts them again."""
    clusterer = StoryClusterer(_cluster_settings())
    clusterer.add(_features("a1", "quake coast town damage", entities="valdor"))
    early = clusterer.add(_features("b1", "quake coast town damage", entities="korsk"))
    assert early == clusterer.assignments()["a1"]
    for i, (a_terms, b_terms) in enumerate(
        [("quake coast town valdor rescue", "quake coast town korsk ferry"),
         ("quake valdor rescue mayor", "quake korsk ferry port")], start=2
    ):
        clusterer.add(_features(f"a{i}", a_terms, entities="valdor mayor"))
        clusterer.add(_features(f"b{i}", b_terms, entities="korsk port"))
    stories = clusterer.assignments()
    assert len({stories[f"a{i}"] for i in (1, 2, 3)}) == 1
    assert len({stories[f"b{i}"] for i in (1, 2, 3)}) == 1
    assert stories["a1"] != stories["b1"]


def test_an_article_bridging_two_unrelated_stories_does_not_merge_them() -> None:
    """A round-up that tells two stories joins one of them; the two have nothing in common."""
    clusterer = StoryClusterer(_cluster_settings())
    clusterer.add(_features("a", "alpha beta gamma", entities="x"))
    clusterer.add(_features("b", "delta epsilon zeta", entities="y"))
    clusterer.add(_features("c", "alpha beta gamma delta epsilon zeta", entities="x y"))
    stories = clusterer.assignments()
    assert stories["a"] != stories["b"]
    assert stories["c"] in (stories["a"], stories["b"])


@pytest.mark.parametrize(
    ("cross", "parts"),
    [(0.45, 1), (0.3, 2), (0.04, 2)],
    ids=["halves of a large story meet", "same-kind events stay apart", "under the floor"],
)
def test_groups_meet_within_the_margin_of_their_density_or_when_sure(cross: float, parts: int) -> None:
    """Two pairs of articles, 0.8 alike within each; densities 0.8 ask for 0.65 across (margin 0.15)."""
    sims = np.array([[0, 0.8, cross, cross], [0.8, 0, cross, cross], [cross, cross, 0, 0.8], [cross, cross, 0.8, 0]])
    groups = agglomerate(sims, np.ones(4), np.full(4, 0.8), margin=0.15, floor=0.05, sure=0.4)
    assert len(groups) == parts


@pytest.mark.parametrize(
    ("sims", "expected"),
    [([0.5, 0.4, 0.1, 0.05], 0.45), ([0.6], 0.6), ([], 0.0), ([0.3] * 20, 0.3)],
)
def test_density_reads_the_close_neighbours_only(sims: list[float], expected: float) -> None:
    assert density(sims, 10, 0.3) == pytest.approx(expected)


@pytest.mark.parametrize(
    "values",
    [{}, {"split_cap": 2}, {"recent_stories": 2}],
    ids=["defaults", "cores", "evictions"],
)
def test_state_round_trip_through_json(values: dict[str, object]) -> None:
    """Resuming from the saved state gives what one run gives, cores and evictions included."""
    rng = np.random.default_rng(0)
    items = [
        _features(f"a{i}", f"topic{i % 3} word{i % 3} common", entities=f"e{i % 3}", day=1000 + i,
                  vector=(v := rng.standard_normal(8).astype(np.float32)) / np.linalg.norm(v))
        for i in range(12)
    ]
    settings = _cluster_settings(**values)
    whole = StoryClusterer(settings)
    expected = whole.assign_many(items)
    half = StoryClusterer(settings)
    half.assign_many(items[:6])
    state = json.loads(json.dumps(half.to_state()))
    resumed = StoryClusterer.from_state(settings, state)
    resumed.assign_many(items[6:])
    assert resumed.assignments() == expected
    assert resumed.to_state() == whole.to_state()
    assert sorted(expected) == sorted(f.article_id for f in items)
    assert len(set(expected.values())) == 3


def test_unknown_state_version_is_refused() -> None:
    with pytest.raises(ConfigError, match="rebuild"):
        StoryClusterer.from_state(_cluster_settings(), {"version": 999})


def test_only_candidates_are_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cost per article is bounded by max_candidates, however many stories exist."""
    clusterer = StoryClusterer(_cluster_settings(max_candidates=5))
    for i in range(200):
        clusterer.add(_features(f"a{i}", f"shared uniq{i}", entities=f"e{i}"))
    calls = []
    original = clusterer.similarity
    monkeypatch.setattr(clusterer, "similarity", lambda a, b: calls.append(1) or original(a, b))
    clusterer.add(_features("new", "shared other", entities="z"))
    assert len(calls) <= 2 * 5


@hsettings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["red", "blue", "green"]), st.sampled_from(["x", "y"])),
             min_size=1, max_size=25),
    st.randoms(use_true_random=False),
)
def test_rebuild_is_a_partition_independent_of_stored_order(
    items: list[tuple[str, str]], rnd: random.Random
) -> None:
    features = [
        _features(f"a{i}", f"{colour} {colour}ish word{i % 2}", entities=ent, day=1000 + i)
        for i, (colour, ent) in enumerate(items)
    ]
    shuffled = list(features)
    rnd.shuffle(shuffled)
    first = StoryClusterer(_cluster_settings()).rebuild(features)
    second = StoryClusterer(_cluster_settings()).rebuild(shuffled)
    assert set(first) == {f.article_id for f in features}
    assert first == second


@hsettings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["red", "blue", "green", "grey"]), st.sampled_from(["x", "y", "z"]),
                       st.integers(0, 3)), min_size=1, max_size=30),
    st.sampled_from([{}, {"split_cap": 2}, {"recent_stories": 2}, {"split_cap": 3, "recent_stories": 3}]),
)
def test_online_regrouping_keeps_every_article_in_exactly_one_story(
    items: list[tuple[str, str, int]], values: dict[str, object]
) -> None:
    rng = np.random.default_rng(len(items))
    clusterer = StoryClusterer(_cluster_settings(**values))
    for i, (colour, ent, shade) in enumerate(items):
        vector = rng.standard_normal(4).astype(np.float32) + shade
        clusterer.add(_features(f"a{i}", f"{colour} {colour}ish shade{shade}", entities=ent, day=1000 + i,
                                vector=vector / np.linalg.norm(vector)))
    members = [m for story in clusterer.stories().values() for m in story]
    assert sorted(members) == sorted(f"a{i}" for i in range(len(items)))
    for story in clusterer._stories.values():
        assert story.size == len(story.members)
        assert story.core is None or story.members[: story.core.size] == story.core.members


@pytest.mark.parametrize(
    ("values", "message"),
    [({"threshold": 1.5}, "threshold"), ({"weight_entities": -1.0}, "weight_entities"),
     ({"vector_floor": 1.0}, "vector_floor"), ({"max_candidates": 0}, "max_candidates"),
     ({"margin": -0.1}, "margin"), ({"density_ratio": 1.0}, "density_ratio"), ({"split_cap": 1}, "split_cap"),
     ({"sure_threshold": 0.01}, "sure_threshold")],
)
def test_settings_are_checked(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings().replace("cluster", **values)


# ----------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("predicted", "gold", "p", "r"),
    [
        ({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "y"}, 1.0, 1.0),
        ({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"}, 5 / 9, 1.0),
        ({"a": "1", "b": "2", "c": "3"}, {"a": "x", "b": "x", "c": "y"}, 1.0, 2 / 3),
    ],
)
def test_bcubed(predicted: dict[str, str], gold: dict[str, str], p: float, r: float) -> None:
    scores = bcubed(predicted, gold)
    assert scores.precision == pytest.approx(p)
    assert scores.recall == pytest.approx(r)


def test_evaluation_without_data_says_so(tmp_path: pathlib.Path, settings: Settings) -> None:
    with pytest.raises(DataUnavailable):
        evaluate(tmp_path, settings=settings, models=Models())


# ----------------------------------------------------------------------- gates


def _gold_fixture() -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    for line in (FIXTURES / "cluster" / "articles.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        text = f"{row['title']}\n{row['text']}"
        articles.append(
            Article(id=row["id"], input=row["id"], original=text, clean_text=text, language=row["language"],
                    content_hash=row["id"], title=row["title"], published=row["published"])
        )
        gold[row["id"]] = row["story"]
    return articles, gold


def _story_fixture() -> tuple[list[Article], dict[str, str]]:
    folder = FIXTURES / "stories"
    articles, gold = [], {}
    for path in sorted(folder.glob("*.txt")):
        title, _, body = path.read_text("utf-8").partition("\n")
        language = "en" if "_en_" in path.name else "fr"
        text = f"{title}\n{body.strip()}"
        articles.append(Article(id=path.stem, input=str(path), original=text, clean_text=text,
                                language=language, content_hash=path.stem, title=title.strip()))
        gold[path.stem] = path.stem.removeprefix("pair_").removeprefix("fr_").removeprefix("en_").rsplit("_", 1)[0]
    return articles, gold


def _cluster(articles: list[Article], models: Models, settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    vectors = embed_leads(articles, models=models)
    features = [article_features(a, None, vector=vectors[i]) for i, a in enumerate(articles)]
    batch = StoryClusterer(settings.cluster).rebuild(features)
    shuffled = list(features)
    random.Random(3).shuffle(shuffled)
    online = StoryClusterer(settings.cluster).assign_many(shuffled)
    return batch, online


@pytest.mark.models
@pytest.mark.gate
def test_gate_fixture_stories(models: Models, settings: Settings) -> None:
    articles, gold = _gold_fixture()
    batch, online = _cluster(articles, models, settings)
    batch_f1 = bcubed(batch, gold).f1
    online_f1 = bcubed(online, gold).f1
    assert batch_f1 >= 0.93
    assert abs(batch_f1 - online_f1) <= 0.02


@pytest.mark.models
@pytest.mark.gate
def test_same_event_across_languages_and_same_kind_events_apart(models: Models, settings: Settings) -> None:
    articles, _ = _gold_fixture()
    batch, _ = _cluster(articles, models, settings)
    assert batch["quake-cl-fr-1"] == batch["quake-cl-en-1"]
    assert batch["footballer-fr-1"] == batch["footballer-en-1"]
    assert batch["mayor-fr-4"] == batch["mayor-fr-1"]  # the trial, three weeks after the last report
    assert batch["quake-cl-en-1"] != batch["quake-jp-en-1"]
    assert batch["fire-en-1"] != batch["fire-en-4"]
    assert batch["mayor-fr-1"] != batch["footballer-fr-1"]


@pytest.mark.models
@pytest.mark.gate
def test_story_fixtures_pair_and_derailments(models: Models, settings: Settings) -> None:
    articles, _ = _story_fixture()
    if not articles:
        pytest.skip("tests/fixtures/stories is not there yet")
    batch, online = _cluster(articles, models, settings)
    for result in (batch, online):
        assert result["pair_fr_ferry_naxos"] == result["pair_en_ferry_naxos"]
        assert result["derail_alpes_1"] == result["derail_alpes_2"]
        assert result["derail_bretagne_1"] == result["derail_bretagne_2"]
        assert result["derail_alpes_1"] != result["derail_bretagne_1"]


@pytest.mark.models
def test_a_store_follows_every_article_an_online_update_moves(
    tmp_path: pathlib.Path, models: Models, settings: Settings
) -> None:
    """The first reports of two quakes come in alone and meet; when the others arrive the
    regrouping moves one of them, and the store's stories stay those of the clusterer."""
    lines = (FIXTURES / "cluster" / "articles.jsonl").read_text("utf-8").splitlines()
    first = [line for line in lines if json.loads(line)["id"] in ("quake-cl-en-1", "quake-jp-en-1")]
    rest = [line for line in lines if line not in first]
    with open_store(None) as store:
        for part, chunk in enumerate([first, *(rest[i : i + 8] for i in range(0, len(rest), 8))]):
            path = tmp_path / f"part{part}.jsonl"
            path.write_text("\n".join(chunk) + "\n", "utf-8")
            take_in([str(path)], store=store, settings=settings, models=models)
        state = store.state(STATE)
        assert state is not None
        expected = StoryClusterer.from_state(settings.cluster, state).assignments()
        stored = {a.id: a.story for a in store.articles()}
        assert stored == expected
        titles = {a.title: a.story for a in store.articles()}
        assert titles["Magnitude 6.8 earthquake shakes central Chile"] != titles[
            "Magnitude 6.1 earthquake hits Hokkaido"
        ]
