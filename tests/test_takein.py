"""The one path in: take_in and finish on a real corpus, the library API, identity, healing."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import recoupe
from recoupe.check import CLUSTERING, check_store, repair_store
from recoupe.clean import clean
from recoupe.models import Models
from recoupe.read import read_inputs
from recoupe.records import StoryBrief
from recoupe.settings import Settings
from recoupe.store import Stage, Store, open_store
from recoupe.stories import STATE
from recoupe.takein import finish, take_in

pytestmark = pytest.mark.models

DEMO = Path(str(resources.files("recoupe").joinpath("demo/corpus")))
TEXTS = sorted(p for p in DEMO.iterdir() if p.suffix == ".txt")
# The Ferralys closure and the cavers' rescue: two stories, eight articles, a web page among them.
TWO_STORIES = sorted(p for p in DEMO.iterdir() if p.name[0] in "bc" and p.name[1].isdigit())


def partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(store.story_articles(s)) for s in store.story_ids()}


def claims_and_conflicts(brief: StoryBrief) -> tuple[object, ...]:
    claims = sorted((c.text, c.independent_sources, c.status, len(c.evidence)) for c in brief.claims)
    conflicts = sorted((c.about, tuple(sorted(p.value for p in c.positions))) for c in brief.conflicts)
    return tuple(claims), tuple(conflicts)


def assert_finished(store: Store, settings: Settings) -> None:
    assert store.pending(Stage.ASSIGNED, limit=None) == []
    assert store.stale_stories(limit=None) == []
    assert check_store(store, settings=settings) == []
    for story_id in store.story_ids():
        assert store.brief(story_id).articles


def test_one_go_and_one_at_a_time_give_the_same_stories_and_briefs(settings: Settings, models: Models) -> None:
    with open_store(None) as whole, open_store(None) as stream:
        take_in([str(p) for p in TWO_STORIES], store=whole, settings=settings, models=models)
        for path in TWO_STORIES:
            take_in([str(path)], store=stream, settings=settings, models=models)
        assert_finished(whole, settings)
        assert_finished(stream, settings)
        assert whole.count_articles() == stream.count_articles() == 8
        assert partition(whole) == partition(stream)
        for story_id in whole.story_ids():
            members = set(whole.story_articles(story_id))
            same = [s for s in stream.story_ids() if set(stream.story_articles(s)) == members]
            assert claims_and_conflicts(whole.brief(story_id)) == claims_and_conflicts(stream.brief(same[0]))


def test_a_second_take_in_reuses_the_stored_copy_index(settings: Settings, models: Models, tmp_path: Path) -> None:
    db = tmp_path / "copies.db"
    with open_store(db) as store:
        take_in([str(p) for p in TEXTS[:6]], store=store, settings=settings, models=models)
    with open_store(db) as store:
        take_in([str(p) for p in TEXTS[6:]], store=store, settings=settings, models=models)
        grown = store.copies()
    with open_store(None) as store:
        take_in([str(p) for p in TEXTS], store=store, settings=settings, models=models)
        assert store.copies() == grown


def test_finish_completes_articles_stored_by_another_engine(settings: Settings, models: Models) -> None:
    """An engine may store cleaned articles by itself; finish() does every later step."""
    with open_store(None) as store:
        articles = [clean(raw, settings=settings.clean) for raw in read_inputs([str(DEMO)], settings=settings.read)]
        store.add_articles([a for a in articles if not isinstance(a, recoupe.InputError)])
        assert store.pending(Stage.COPIES, limit=None)
        report = finish(store, settings=settings, models=models)
        assert report.stories and set(report.timings) >= {"copies", "annotate", "assign", "crosscheck"}
        assert_finished(store, settings)


def test_check_finds_and_repair_fixes_lost_derived_state(settings: Settings, models: Models) -> None:
    with open_store(None) as store:
        take_in([str(DEMO)], store=store, settings=settings, models=models)
        victim = store.story_ids()[0]
        member = store.story_articles(victim)[0]
        # What a crash or a bug could leave: a brief gone stale, annotations lost, the clustering
        # state forgetting an article.
        store.invalidate_briefs([victim])
        store.save_items("unused", {"x": 1})
        with store.transaction():
            state = store.state(STATE)
            assert state is not None
        store.save_state(STATE, _without(state, member))
        problems = {p.kind for p in check_store(store, settings=settings)}
        assert {"stale-briefs", CLUSTERING} <= problems
        repair_store(store, check_store(store, settings=settings), settings=settings, models=models)
        assert_finished(store, settings)


def _without(state: dict[str, object], article: str) -> dict[str, object]:
    """The clustering state with every trace of one article's membership removed."""
    import json

    text = json.dumps(state).replace(json.dumps(article), json.dumps(article + "-forgotten"))
    return dict(json.loads(text))


def test_library_brief_and_session(tmp_path: Path, models: Models) -> None:
    brief = recoupe.brief(TWO_STORIES, models=models)
    assert len(brief.articles) == 8 and len(brief.stories) == 2 and brief.errors == []
    with recoupe.open(tmp_path / "lib.db", models=models) as session:
        first = session.take_in([TEXTS[0]])
        assert first.added == [TEXTS[0].name]
        second = session.take_in([TEXTS[7]])
        assert second.stories
        listed = session.stories()
        assert {s.id for s in listed} == set(session.store.story_ids())
        assert session.brief(listed[0].id).id == listed[0].id
        assert len(session.briefs().stories) == len(listed)


def test_same_file_name_in_two_folders_is_two_articles_everywhere(tmp_path: Path, models: Models) -> None:
    """ingest day1/ then day2/, both holding article1.txt with other content: both are kept."""
    for day, text in (("day1", "Le conseil municipal a voté le budget lundi."), ("day2", "La grève continue mardi.")):
        (tmp_path / day).mkdir()
        (tmp_path / day / "article1.txt").write_text(text, "utf-8")
    db = tmp_path / "days.db"
    for day in ("day1", "day2"):
        done = subprocess.run(
            [sys.executable, "-m", "recoupe", "-q", "ingest", str(tmp_path / day), "--db", str(db)],
            capture_output=True, text=True, check=False,
        )
        assert done.returncode == 0, done.stderr
    with open_store(db) as store:
        assert [a.id for a in store.articles()] == ["article1.txt", "article1.txt~2"]
        assert store.article("article1.txt~2").extra["version_of"] == "article1.txt"
        assert store.pending(Stage.ASSIGNED, limit=None) == []
    with recoupe.open(None, models=models) as session:
        session.take_in([tmp_path / "day1"])
        session.take_in([tmp_path / "day2"])
        assert [a.id for a in session.store.articles()] == ["article1.txt", "article1.txt~2"]
