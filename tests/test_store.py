"""The SQLite store: round trips, idempotence, atomicity, stories, search, versions."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoupe.errors import ConfigError, NotFound, StoreError, StoreVersionError
from recoupe.records import (
    Annotations,
    Article,
    Claim,
    Conflict,
    CopyGroups,
    Evidence,
    InputError,
    Mention,
    Position,
    Quotation,
    Sentence,
    StoryBrief,
    TimeExpression,
)
from recoupe.store import SNIPPET_CLOSE, SNIPPET_OPEN, CopyDoc, SQLiteStore, Stage, Store, StoryFilter, open_store
from recoupe.store.sqlite import MIGRATIONS, SCHEMA_VERSION, _statements, fts_query


def make_article(
    aid: str,
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = "Le Monde",
    language: str = "fr",
    published: str | None = None,
    story: str | None = None,
    extra: dict[str, object] | None = None,
) -> Article:
    return Article(
        id=aid,
        input=f"{aid}.txt",
        original=f"<p>{text}</p>\nPublicité",
        clean_text=text,
        language=language,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        title=title,
        outlet=outlet,
        credits=["AFP"],
        published=published,
        removed=["Publicité"],
        extra=extra if extra is not None else {"source": {"line": 3}},
        story=story,
    )


POSTGRES_URL = os.environ.get("RECOUPE_TEST_POSTGRES")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="set RECOUPE_TEST_POSTGRES to a throw-away database URL"),
        ],
    ),
]


def empty_postgres(url: str) -> None:
    """Drop everything in the test database: RECOUPE_TEST_POSTGRES must be a throw-away one."""
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        target = None
    else:
        assert POSTGRES_URL is not None
        empty_postgres(POSTGRES_URL)
        target = POSTGRES_URL
    with open_store(target) as s:
        yield s


# ----------------------------------------------------------------------------- articles


def test_article_round_trip_keeps_original_and_removed_parts(store: Store) -> None:
    article = make_article("a1", "Le président a parlé.", title="Discours", published="2024-05-01")
    assert store.add_articles([article]).added == ["a1"]
    assert store.article("a1") == article
    assert store.count_articles() == 1


def test_same_content_twice_is_one_article(store: Store) -> None:
    first = make_article("a1", "Même texte.")
    again = make_article("a9", "Même texte.")
    other = make_article("a2", "Autre texte.")
    result = store.add_articles([first, again])
    assert result.added == ["a1"]
    assert result.existing == {"a9": "a1"}
    result = store.add_articles([other, first])
    assert result.added == ["a2"]
    assert result.existing == {"a1": "a1"}
    assert store.count_articles() == 2


def test_articles_in_insertion_order_with_and_without_ids(store: Store) -> None:
    texts = [f"Article numéro {i}." for i in range(1203)]
    store.add_articles([make_article(f"a{i}", t) for i, t in enumerate(texts)])
    assert [a.id for a in store.articles()] == [f"a{i}" for i in range(1203)]
    assert [a.id for a in store.articles(["a7", "missing", "a3"])] == ["a3", "a7"]
    assert len(list(store.articles([f"a{i}" for i in range(1203)]))) == 1203


def test_unknown_article_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="zz"):
        store.article("zz")


@pytest.mark.parametrize(
    "bad",
    [
        make_article("bad", "Valeur impossible à stocker.", extra={"x": {1, 2}}),
        make_article("bad", "Titre que SQLite refuse au milieu de l'insertion.", title=object()),  # type: ignore[arg-type]
    ],
    ids=["extra-not-json", "database-fails-mid-insert"],
)
def test_failing_add_in_the_middle_stores_nothing_of_that_call(store: Store, bad: Article) -> None:
    store.add_articles([make_article("a1", "Premier texte.")])
    batch = [make_article("b1", "Deuxième texte."), bad, make_article("b3", "Troisième texte.")]
    with pytest.raises(StoreError):
        store.add_articles(batch)
    assert [a.id for a in store.articles()] == ["a1"]
    assert store.search("Deuxième") == []
    assert store.add_articles(batch[::2]).added == ["b1", "b3"]


def test_an_id_taken_by_other_content_gets_a_version_suffix(store: Store) -> None:
    store.add_articles([make_article("day/article1.txt", "Premier texte.")])
    again = make_article("day/article1.txt", "Un autre texte sous le même identifiant.")
    third = make_article("day/article1.txt", "Encore un autre texte.")
    result = store.add_articles([again, third])
    assert result.added == ["day/article1.txt~2", "day/article1.txt~3"]
    assert result.renamed == {"day/article1.txt": "day/article1.txt~3"}
    assert again.id == "day/article1.txt~2"
    stored = store.article("day/article1.txt~2")
    assert stored.clean_text == "Un autre texte sous le même identifiant."
    assert stored.extra["version_of"] == "day/article1.txt"
    assert store.count_articles() == 3


def test_errors_round_trip(store: Store) -> None:
    errors = [InputError("x.bin", "binary file, not text"), InputError("feed.jsonl", "bad JSON", line=4)]
    store.add_errors(errors)
    store.add_errors([])
    assert store.errors() == errors


def test_errors_are_logged_once_per_input_line_and_reason(store: Store) -> None:
    store.add_errors([InputError("feed.jsonl", "bad JSON", line=4), InputError("x.bin", "binary")])
    store.add_errors([InputError("feed.jsonl", "bad JSON", line=4), InputError("feed.jsonl", "bad JSON", line=5)])
    assert store.count_errors() == 3
    log = {(e.input, e.line): e.seen for e in store.error_log()}
    assert log == {("feed.jsonl", 4): 2, ("x.bin", None): 1, ("feed.jsonl", 5): 1}
    assert [e.input for e in store.errors(limit=1, offset=1)] == ["x.bin"]


def test_error_log_is_bounded(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("recoupe.store.sql.MAX_LOGGED_ERRORS", 5)
    store.add_errors([InputError(f"f{i}.txt", "empty") for i in range(8)])
    assert [e.input for e in store.errors()] == [f"f{i}.txt" for i in range(3, 8)]


# --------------------------------------------------------------- annotations, copies, vectors


def test_annotations_round_trip_and_replace(store: Store) -> None:
    text = "Il a dit « oui » lundi à Paris."
    annotations = Annotations(
        article_id="a1",
        sentences=[Sentence(0, len(text), text)],
        mentions=[Mention(25, 30, "Paris", "place")],
        quotations=[Quotation(11, 14, "oui", cue="a dit", cue_start=3, cue_end=8, speaker_role="il")],
        times=[TimeExpression(17, 22, "lundi", None, rule="weekday:-1:monday")],
    )
    store.save_annotations([annotations])
    assert store.annotations(["a1", "a2"]) == {"a1": annotations}
    replaced = Annotations(article_id="a1")
    store.save_annotations([replaced])
    assert store.annotations(["a1"]) == {"a1": replaced}


def test_copies_set_the_groups_they_name_and_duplicate_of(store: Store) -> None:
    store.add_articles([make_article(f"a{i}", f"Texte {i}.") for i in range(4)])
    store.save_copies(CopyGroups(duplicate_of={"a1": "a0"}, dispatch={f"a{i}": "a0" for i in range(3)}))
    assert store.article("a1").duplicate_of == "a0"
    store.save_copies(CopyGroups(duplicate_of={"a2": "a0"}, dispatch={"a1": "a1", "a2": "a0", "a3": "a3"}))
    assert store.copies() == CopyGroups(
        duplicate_of={"a2": "a0"}, dispatch={"a0": "a0", "a1": "a1", "a2": "a0", "a3": "a3"}
    )
    assert store.copies(["a2", "a3", "zz"]) == CopyGroups(duplicate_of={"a2": "a0"}, dispatch={"a2": "a0", "a3": "a3"})
    assert store.copy_members(["a0", "a3"]) == {"a0": ["a0", "a2"], "a3": ["a3"]}
    assert [a.duplicate_of for a in store.articles()] == [None, None, "a0", None]


def test_copy_index_round_trip(store: Store) -> None:
    store.add_articles([make_article(f"a{i}", f"Texte {i}.") for i in range(3)])
    shingles = np.array([3, 9, 2**32 - 1], dtype=np.uint32)
    store.add_copy_doc(CopyDoc("a0", 1, shingles, 2, frozenset({"afp"})), bands=[-(2**62), 7], anchors=[5, 6], cap=2)
    store.add_copy_doc(CopyDoc("a1", 2, shingles[:1], 1, frozenset()), bands=[7], anchors=[5], cap=2)
    store.add_copy_doc(CopyDoc("a2", 3, shingles[:1], 1, frozenset()), bands=[8], anchors=[5, 6], cap=2)
    docs = store.copy_docs(["a0", "a1", "zz"])
    assert set(docs) == {"a0", "a1"}
    np.testing.assert_array_equal(docs["a0"].shingles, shingles)
    assert (docs["a0"].seq, docs["a0"].anchors, docs["a0"].credits) == (1, 2, frozenset({"afp"}))
    assert store.band_matches([7]) == {"a0", "a1"}
    assert store.band_matches([-(2**62), 99]) == {"a0"}
    # The anchor 5 holds its cap of two articles already: a2 is only kept under 6.
    assert {k: sorted(v) for k, v in store.anchor_postings([5, 6, 1]).items()} == {5: ["a0", "a1"], 6: ["a0", "a2"]}


def test_matrices_keep_their_shape(store: Store) -> None:
    matrix = np.arange(6, dtype=np.float32).reshape(3, 2)
    store.save_vectors("sentences", {"a1": matrix, "a2": np.zeros((1, 2))})
    got = store.vectors("sentences", ["a1", "a2"])
    np.testing.assert_array_equal(got["a1"], matrix)
    assert got["a2"].shape == (1, 2)


def test_vectors_round_trip_as_float32(store: Store) -> None:
    vectors = {"a1": np.array([0.5, -1.25, 3.0]), "a2": np.arange(4, dtype=np.float32)}
    store.save_vectors("lead", vectors)
    got = store.vectors("lead", ["a1", "a2", "a3"])
    assert set(got) == {"a1", "a2"}
    assert got["a1"].dtype == np.float32
    np.testing.assert_array_equal(got["a1"], [0.5, -1.25, 3.0])
    assert store.vectors("title", ["a1"]) == {}
    store.save_vectors("lead", {"a1": np.zeros(2)})
    np.testing.assert_array_equal(store.vectors("lead", ["a1"])["a1"], [0.0, 0.0])


# ------------------------------------------------------------------------------- stories


@pytest.fixture
def stories_store(store: Store) -> Store:
    store.add_articles(
        [
            make_article("a1", "Séisme au Japon.", title="Séisme", published="2024-05-01T08:00:00"),
            make_article("a2", "Le séisme a fait des dégâts.", outlet="AFP", published="2024-05-02"),
            make_article("b1", "Election in Wales.", title="Vote", language="en", outlet="BBC",
                         published="2024-06-10"),
            make_article("c1", "Grève à la SNCF.", title="Grève", published=None),
        ]
    )
    store.assign_stories({"a1": "s-quake", "a2": "s-quake", "b1": "s-vote", "c1": "s-strike"})
    return store


def test_story_summaries_in_recent_first_order(stories_store: Store) -> None:
    summaries = stories_store.stories()
    assert [s.id for s in summaries] == ["s-vote", "s-quake", "s-strike"]
    quake = summaries[1]
    assert (quake.title, quake.article_count) == ("Séisme", 2)
    assert (quake.first_published, quake.last_published) == ("2024-05-01T08:00:00", "2024-05-02")
    assert (quake.outlets, quake.languages) == (["AFP", "Le Monde"], ["fr"])
    assert stories_store.story_ids() == ["s-vote", "s-quake", "s-strike"]
    assert stories_store.story_articles("s-quake") == ["a1", "a2"]
    assert stories_store.article("a2").story == "s-quake"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (StoryFilter(since="2024-05-02"), ["s-vote", "s-quake"]),
        (StoryFilter(until="2024-05-01"), ["s-quake"]),
        (StoryFilter(since="2024-05-03", until="2024-06-30"), ["s-vote"]),
        (StoryFilter(language="en"), ["s-vote"]),
        (StoryFilter(outlet="AFP"), ["s-quake"]),
        (StoryFilter(outlet="AFP", language="en"), []),
        (StoryFilter(query="seisme"), ["s-quake"]),
        (StoryFilter(query="GREVE sncf"), ["s-strike"]),
        (StoryFilter(query='"('), []),
        (StoryFilter(), ["s-vote", "s-quake", "s-strike"]),
    ],
)
def test_story_filters(stories_store: Store, filters: StoryFilter, expected: list[str]) -> None:
    assert [s.id for s in stories_store.stories(filters=filters)] == expected
    assert stories_store.count_stories(filters=filters) == len(expected)


def test_story_paging(stories_store: Store) -> None:
    assert [s.id for s in stories_store.stories(limit=2)] == ["s-vote", "s-quake"]
    assert [s.id for s in stories_store.stories(limit=2, offset=2)] == ["s-strike"]
    assert stories_store.count_stories() == 3


def test_reassigning_moves_articles_and_drops_empty_stories(stories_store: Store) -> None:
    stories_store.assign_stories({"a2": "s-strike"})
    assert stories_store.story_articles("s-strike") == ["a2", "c1"]
    stories_store.assign_stories({"a1": "s-strike"})
    assert "s-quake" not in stories_store.story_ids()
    with pytest.raises(NotFound):
        stories_store.story_articles("s-quake")


def test_replace_drops_every_earlier_story_and_its_brief(stories_store: Store) -> None:
    stories_store.save_brief(StoryBrief(id="s-vote", title="Vote", language="en", articles=["b1"]))
    stories_store.assign_stories({"a1": "n1", "a2": "n1"}, replace=True)
    assert stories_store.story_ids() == ["n1"]
    assert stories_store.article("b1").story is None
    with pytest.raises(NotFound):
        stories_store.brief("s-vote")


def test_assigning_an_unknown_article_changes_nothing(stories_store: Store) -> None:
    with pytest.raises(NotFound, match="ghost"):
        stories_store.assign_stories({"a1": "s-vote", "ghost": "s-vote"})
    assert stories_store.story_articles("s-quake") == ["a1", "a2"]


def test_articles_added_with_a_story_appear_in_it(store: Store) -> None:
    store.add_articles([make_article("a1", "Texte.", title="T", story="s1", published="2024-01-01")])
    assert [(s.id, s.article_count) for s in store.stories()] == [("s1", 1)]


def test_brief_round_trip_and_counts_in_summary(stories_store: Store) -> None:
    ev = Evidence("a1", 0, 6, "Séisme")
    brief = StoryBrief(
        id="s-quake",
        title="Un séisme frappe le Japon",
        language="fr",
        articles=["a1", "a2"],
        claims=[
            Claim("c1", "Séisme", [ev], 2, "corroborated"),
            Claim("c2", "Dégâts", [ev], 1, "single_source"),
        ],
        conflicts=[Conflict("k1", "bilan", [Position("3", [ev]), Position("4", [ev])])],
    )
    stories_store.save_brief(brief)
    assert stories_store.brief("s-quake") == brief
    quake = stories_store.stories(filters=StoryFilter(outlet="AFP"))[0]
    assert (quake.title, quake.corroborated, quake.claims, quake.conflicts) == (
        "Un séisme frappe le Japon", 1, 2, 1
    )
    with pytest.raises(NotFound):
        stories_store.brief("s-none")


def test_items_round_trip_and_delete(store: Store) -> None:
    assert store.items("cluster") == {}
    store.save_items("cluster", {"story:1": {"size": 2}, "story:2": [1, 2], "df": 3})
    store.save_items("other", {"story:1": "x"})
    store.save_items("cluster", {"story:1": {"size": 3}, "story:2": None})
    assert store.items("cluster") == {"story:1": {"size": 3}, "df": 3}
    assert store.items("cluster", ["df", "nope"]) == {"df": 3}


def test_stages_record_what_is_done(store: Store) -> None:
    store.add_articles([make_article(f"a{i}", f"Texte {i}.") for i in range(4)])
    assert store.pending(Stage.COPIES) == ["a0", "a1", "a2", "a3"]
    store.mark(["a0", "a1"], Stage.ANNOTATED)
    store.mark(["a1"], Stage.COPIES)
    assert store.pending(Stage.ANNOTATED) == ["a2", "a3"]
    assert store.pending(Stage.ANNOTATED, limit=1) == ["a2"]
    store.assign_stories({"a0": "s1"})
    assert store.pending(Stage.ASSIGNED) == ["a1", "a2", "a3"]


def test_a_story_is_stale_until_briefed_at_its_version(store: Store) -> None:
    store.add_articles([make_article(f"a{i}", f"Texte {i}.") for i in range(3)])
    store.assign_stories({"a0": "s1", "a1": "s2"})
    assert store.stale_stories() == ["s1", "s2"]
    version = store.story_version("s1")
    store.save_brief(StoryBrief(id="s1", title="Un", language="fr", articles=["a0"]), version=version)
    assert store.stale_stories() == ["s2"]
    store.assign_stories({"a2": "s1"})
    assert store.story_version("s1") == version + 1
    assert store.stale_stories() == ["s1", "s2"]
    # A brief made from the older version does not make the story fresh.
    store.save_brief(StoryBrief(id="s1", title="Un", language="fr", articles=["a0"]), version=version)
    assert store.stale_stories() == ["s1", "s2"]
    store.save_brief(StoryBrief(id="s1", title="Un", language="fr", articles=["a0", "a2"]))
    assert store.stale_stories() == ["s2"]
    store.save_brief(StoryBrief(id="gone", title="?", language="fr", articles=[]))
    with pytest.raises(NotFound):
        store.brief("gone")


def test_a_transaction_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_articles([make_article("a1", "Texte.")])
        store.save_items("x", {"k": 1})
        assert store.count_articles() == 1
        raise RuntimeError("stop")
    assert store.count_articles() == 0
    assert store.items("x") == {}
    with store.exclusive("cluster"):
        store.add_articles([make_article("a1", "Texte.")])
        with store.transaction():
            store.save_items("x", {"k": 1})
    assert store.count_articles() == 1 and store.items("x") == {"k": 1}


def test_state_round_trip(store: Store) -> None:
    assert store.state("cluster") is None
    store.save_state("cluster", {"centroids": [[0.5, 1.0]], "next": 3})
    store.save_state("cluster", {"centroids": [], "next": 4})
    assert store.state("cluster") == {"centroids": [], "next": 4}


# -------------------------------------------------------------------------------- search


def test_search_ignores_accents_and_case_and_marks_snippet(stories_store: Store) -> None:
    hits = stories_store.search("SEISME")
    assert {h.article for h in hits} == {"a1", "a2"}
    hit = next(h for h in hits if h.article == "a1")
    assert hit.story == "s-quake"
    assert hit.title == "Séisme"
    assert f"{SNIPPET_OPEN}Séisme{SNIPPET_CLOSE}" in hit.snippet
    assert [h.article for h in stories_store.search("dégâts séisme")] == ["a2"]
    assert stories_store.search("séisme", limit=1)[0].score > 0


@pytest.mark.parametrize(
    "query",
    ['"', "'", "*", "AND", "NOT séisme", "séisme OR", "(", ")", "title:séisme", "^séisme", "a NEAR(b",
     "{title}: x", "séisme*", "-", "", "   ", "…", "\x00"],
)
def test_search_never_fails_on_query_syntax(stories_store: Store, query: str) -> None:
    stories_store.search(query)
    stories_store.stories(filters=StoryFilter(query=query))


@pytest.mark.parametrize(("text", "expected"), [("", None), ("!?", None), ('a"b', '"a" "b"'),
                                                  ("Élysée OR x", '"Élysée" "OR" "x"')])
def test_fts_query_quotes_every_word(text: str, expected: str | None) -> None:
    assert fts_query(text) == expected


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(query=st.text(max_size=40))
def test_search_never_crashes_on_arbitrary_queries(stories_store: Store, query: str) -> None:
    for hit in stories_store.search(query):
        assert hit.article in {"a1", "a2", "b1", "c1"}


optional_text = st.none() | st.text(max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children,
                                                                        max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    clean_text=st.text(max_size=200),
    original=st.text(max_size=200),
    title=optional_text,
    outlet=optional_text,
    published=optional_text,
    credits=st.lists(st.text(max_size=10), max_size=3),
    removed=st.lists(st.text(max_size=30), max_size=3),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=4),
)
def test_any_article_round_trips(
    clean_text: str,
    original: str,
    title: str | None,
    outlet: str | None,
    published: str | None,
    credits: list[str],
    removed: list[str],
    extra: dict[str, object],
) -> None:
    article = Article(
        id="x", input="in", original=original, clean_text=clean_text, language="fr",
        content_hash=hashlib.sha256(clean_text.encode()).hexdigest(), title=title, outlet=outlet,
        published=published, credits=credits, removed=removed, extra=extra,
    )
    with open_store(None) as store:
        store.add_articles([article])
        assert store.article("x") == article
        assert list(store.articles()) == [article]


# ------------------------------------------------------------------------ files, versions


def test_file_store_persists_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with open_store(path) as store:
        store.add_articles([make_article("a1", "Persistant.")])
    with open_store(str(path), create=False) as store:
        assert store.article("a1").clean_text == "Persistant."
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_processes_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def open_and_add(n: int) -> None:
        start.wait()
        try:
            with open_store(path) as store:
                store.add_articles([make_article(f"t{n}", f"Texte du fil {n}.")])
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_and_add, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with open_store(path) as store:
        assert store.count_articles() == 4


def test_a_store_of_the_first_schema_is_upgraded_with_its_briefs(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        for statement in _statements(MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO articles (id, content_hash, input, format, language, credits, removed, extra, original, "
            "clean_text, story) VALUES ('a1', 'h1', 'a1.txt', 'text', 'fr', '[]', '[]', '{}', 'x', 'Le vote.', 's1')"
        )
        conn.execute(
            "INSERT INTO stories VALUES ('s1', 'Vote', 1, NULL, NULL, '', '[]', '[\"fr\"]')"
        )
        brief = '{"id": "s1", "title": "Vote", "language": "fr", "articles": ["a1"]}'
        conn.execute("INSERT INTO briefs VALUES ('s1', 'Vote', 0, 0, 0, ?)", (brief,))
        conn.execute("INSERT INTO input_errors (input, reason) VALUES ('x', 'empty'), ('x', 'empty')")
        conn.execute("PRAGMA user_version = 1")
    with open_store(path) as store:
        assert store.brief("s1").title == "Vote"
        assert [row.title for row in store.stories()] == ["Vote"]
        assert store.stale_stories() == []
        # Every article is indexed for copies again by the next run; what is done is skipped then.
        assert store.pending(Stage.COPIES) == ["a1"]
        assert store.count_errors() == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (table_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'briefs'").fetchone()
        assert "WITHOUT ROWID" not in table_sql


def test_missing_store_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "none.db", create=False)
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "dir.db")


def test_store_from_a_newer_recoupe_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreVersionError, match="newer recoupe"):
        open_store(path)


@pytest.mark.parametrize("content", [b"not a database at all, just text" * 40, None])
def test_foreign_file_is_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE mine (x)")
    else:
        path.write_bytes(content)
    with pytest.raises(StoreError):
        open_store(path)


def test_unsupported_target() -> None:
    with pytest.raises(ConfigError, match="unknown store address"):
        open_store("s3://bucket/x")


def test_unreachable_postgres_is_a_store_error(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=r"cannot open the PostgreSQL store postgresql://me:\*\*\*@"):
        open_store(f"postgresql://me:secret@/none?host={tmp_path}&port=1&connect_timeout=2")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="set RECOUPE_TEST_POSTGRES to a throw-away database URL")
def test_postgres_from_a_newer_recoupe_is_refused() -> None:
    import psycopg

    assert POSTGRES_URL is not None
    empty_postgres(POSTGRES_URL)
    open_store(POSTGRES_URL).close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute("INSERT INTO recoupe_schema (version) VALUES (999)")
    with pytest.raises(StoreVersionError, match="newer recoupe"):
        open_store(POSTGRES_URL)


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Le séisme a frappé.", {"seisme"}, "Le ⟦séisme⟧ a frappé."),
        ("Rien ici.", {"seisme"}, "Rien ici."),
        (" ".join(f"w{i}" for i in range(40)) + " Élysée fin", {"elysee"}, "…w36 w37 w38 w39 ⟦Élysée⟧ fin"),
    ],
)
def test_postgres_snippet_marks_folded_matches(text: str, words: set[str], expected: str) -> None:
    pytest.importorskip("psycopg")
    from recoupe.store.postgres import snippet

    assert snippet(text, words) == expected


def test_memory_targets() -> None:
    for target in (None, ":memory:"):
        with open_store(target) as store:
            assert isinstance(store, SQLiteStore)
            assert store.count_articles() == 0
