"""The ``recoupe`` command end to end, on real files: the brief's contract, exact
evidence, formats, stdin, bad inputs, the store commands and user errors.

Each pipeline run is shared by a module-scoped fixture and many small tests, so
the suite stays quick; the heavy models are loaded once (the session fixture)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from recoupe.cli import EVALUATIONS, main
from recoupe.models import Models
from recoupe.store import open_store
from tests.test_contract import schema_errors

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
STORIES = FIXTURES / "stories"
MIXED = FIXTURES / "mixed"
SMALL_LIMIT = FIXTURES / "small_limit.toml"


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def invoke(argv: list[str]) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return Outcome(code, out.getvalue(), err.getvalue())


def executable() -> list[str]:
    script = Path(sys.executable).parent / "recoupe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "recoupe"]


def run_process(argv: list[str], cwd: Path) -> Outcome:
    done = subprocess.run(executable() + argv, capture_output=True, text=True, cwd=cwd, timeout=900, check=False)
    return Outcome(done.returncode, done.stdout, done.stderr)


def all_spans(story: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every evidence item and quote rendering of a story in the contract's JSON."""
    for item in story["summary"] + story["claims"] + story["timeline"]:
        yield from item["evidence"]
    for conflict in story["conflicts"]:
        for position in conflict["positions"]:
            yield from position["evidence"]
    for quote in story["quotes"]:
        yield from quote["renderings"]


def inexact_spans(doc: dict[str, Any]) -> list[str]:
    texts = {a["id"]: a["clean_text"] for a in doc["articles"]}
    bad = []
    for story in doc["stories"]:
        for span in all_spans(story):
            text = texts.get(span["article"])
            if text is None or text[span["start"] : span["end"]] != span["text"]:
                bad.append(f"{story['id']} {span['article']}[{span['start']}:{span['end']}] {span['text']!r}")
    return bad


def one_line_error(outcome: Outcome) -> str:
    lines = outcome.err.strip().splitlines()
    assert outcome.code == 2, outcome
    assert len(lines) == 1 and lines[0].startswith("recoupe: error: "), outcome.err
    assert "Traceback" not in outcome.err
    return lines[0]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def shared_models(models: Models) -> Iterator[Models]:
    """Every ``main()`` of this module reuses the session's loaded models."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("recoupe.models.Models", lambda: models)
        yield models


@pytest.fixture(scope="module")
def db(shared_models: Models, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-event folder ingested once; the store commands and the store briefs work on it."""
    path = tmp_path_factory.mktemp("store") / "news.db"
    outcome = invoke(["-q", "ingest", str(STORIES), "--db", str(path)])
    assert outcome.code == 0, outcome.err
    return path


@pytest.fixture(scope="module")
def stories_brief(db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Any]:
    target = tmp_path_factory.mktemp("brief") / "nested" / "brief.json"
    outcome = invoke(["-q", "brief", "--db", str(db), "--include-text", "-o", str(target)])
    return outcome, json.loads(target.read_text("utf-8"))


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The mixed folder through the installed command, in its own process."""
    cwd = tmp_path_factory.mktemp("mixed")
    return run_process(["-q", "--config", str(SMALL_LIMIT), "brief", str(MIXED), "--include-text"], cwd)


def story_partition(path: Path) -> set[frozenset[str]]:
    with open_store(str(path), create=False) as store:
        return {frozenset(store.story_articles(story_id)) for story_id in store.story_ids()}


# ------------------------------------------------------- brief on a directory


@pytest.mark.models
def test_brief_writes_the_file_and_nothing_to_stdout(stories_brief: tuple[Outcome, Any]) -> None:
    outcome, _ = stories_brief
    assert outcome.code == 0, outcome.err
    assert outcome.out == ""


@pytest.mark.models
def test_brief_validates_against_the_contract(stories_brief: tuple[Outcome, Any]) -> None:
    _, doc = stories_brief
    assert schema_errors(doc) == []


@pytest.mark.models
def test_brief_lists_every_article_with_its_story(stories_brief: tuple[Outcome, Any]) -> None:
    _, doc = stories_brief
    ids = sorted(a["id"] for a in doc["articles"])
    assert ids == sorted(p.name for p in STORIES.iterdir())
    story_ids = {s["id"] for s in doc["stories"]}
    assert {a["story"] for a in doc["articles"]} == story_ids
    for story in doc["stories"]:
        assert all(doc_id in ids for doc_id in story["articles"])
        assert {a["id"] for a in doc["articles"] if a["story"] == story["id"]} == set(story["articles"])
    assert doc["errors"] == []


@pytest.mark.models
def test_two_events_make_two_stories(stories_brief: tuple[Outcome, Any]) -> None:
    _, doc = stories_brief
    partition = {frozenset(s["articles"]) for s in doc["stories"]}
    events = {frozenset(p.name for p in STORIES.iterdir() if p.name.startswith(prefix)) for prefix in "ab"}
    assert partition == events


@pytest.mark.models
def test_every_evidence_and_rendering_is_exact(stories_brief: tuple[Outcome, Any]) -> None:
    _, doc = stories_brief
    spans = [span for story in doc["stories"] for span in all_spans(story)]
    assert spans, "the brief cites no span at all"
    assert inexact_spans(doc) == []


@pytest.mark.models
def test_every_story_has_a_cited_summary(stories_brief: tuple[Outcome, Any]) -> None:
    _, doc = stories_brief
    for story in doc["stories"]:
        assert story["summary"], f"story {story['id']} has no summary"
        members = set(story["articles"])
        assert all(e["article"] in members for s in story["summary"] for e in s["evidence"])


@pytest.mark.models
def test_a_quote_found_in_two_articles_is_one_quote(stories_brief: tuple[Outcome, Any]) -> None:
    """« Nous reconstruirons cette école » is quoted by a1 and a3: one quote, two renderings, one speaker."""
    _, doc = stories_brief
    quotes = [q for s in doc["stories"] for q in s["quotes"]
              if any("reconstruirons cette école" in r["text"] for r in q["renderings"])]
    assert len(quotes) == 1
    assert {r["article"] for r in quotes[0]["renderings"]} >= {"a1_incendie_ecole.txt", "a3_incendie_ecole.txt"}
    assert "Ravier" in (quotes[0]["speaker_name"] or "")


@pytest.mark.models
def test_a_quote_in_french_and_english_is_one_quote_with_its_named_speaker(stories_brief: tuple[Outcome, Any]) -> None:
    """b1, b2 quote the prefect in French and b4 in English ("said the maritime prefect, Admiral ...")."""
    _, doc = stories_brief
    quotes = [q for s in doc["stories"] for q in s["quotes"]
              if any("toute pollution" in r["text"] or "any pollution" in r["text"] for r in q["renderings"])]
    assert [sorted(r["article"][:2] for r in q["renderings"]) for q in quotes] == [["b1", "b2", "b4"]]
    assert "Kervella" in (quotes[0]["speaker_name"] or "")


@pytest.mark.models
@pytest.mark.parametrize(("prefix", "first_day"), [("a", "2024-03-04"), ("b", "2024-03-12")])
def test_no_timeline_event_before_the_story_began(
    stories_brief: tuple[Outcome, Any], prefix: str, first_day: str
) -> None:
    """Every article of the event was written after it began: a weekday they name is not an earlier one."""
    _, doc = stories_brief
    (story,) = [s for s in doc["stories"] if all(a.startswith(prefix) for a in s["articles"])]
    assert story["timeline"]
    early = [(e["date"], e["text"][:60]) for e in story["timeline"] if e["date"][:10] < first_day]
    assert early == []


# ----------------------------------------------------------------- formats


@pytest.mark.models
def test_brief_of_a_store_in_json_has_no_text_unless_asked(db: Path) -> None:
    outcome = invoke(["-q", "brief", "--db", str(db)])
    assert outcome.code == 0
    doc = outcome.json
    assert schema_errors(doc) == []
    assert len(doc["stories"]) == len(story_partition(db))
    assert all("clean_text" not in a for a in doc["articles"])


@pytest.mark.models
def test_brief_of_one_story(db: Path) -> None:
    story_id = sorted(invoke(["-q", "brief", "--db", str(db)]).json["stories"], key=lambda s: s["id"])[0]["id"]
    doc = invoke(["-q", "brief", "--db", str(db), "--story", story_id]).json
    assert [s["id"] for s in doc["stories"]] == [story_id]


@pytest.mark.models
def test_markdown_output(db: Path) -> None:
    outcome = invoke(["-q", "brief", "--db", str(db), "--format", "markdown"])
    assert outcome.code == 0
    assert outcome.out.startswith("# recoupe brief")
    assert len(re.findall(r"^## ", outcome.out, re.MULTILINE)) == len(story_partition(db))
    assert "### Summary" in outcome.out


@pytest.mark.models
def test_html_output_to_a_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "brief.html"
    outcome = invoke(["-q", "brief", "--db", str(db), "--format", "html", "-o", str(target)])
    assert outcome.code == 0 and outcome.out == ""
    page = target.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<section") == len(story_partition(db))
    assert "<script" not in page.lower()


@pytest.fixture(scope="module")
def stdin_brief(shared_models: Models) -> Outcome:
    """One article piped on stdin, with a 30-word summary asked for."""
    data = (STORIES / "b1_cargo_ouessant.txt").read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        return invoke(["-q", "brief", "-", "--include-text", "--words", "30"])


@pytest.mark.models
def test_stdin(stdin_brief: Outcome) -> None:
    assert stdin_brief.code == 0, stdin_brief.err
    doc = stdin_brief.json
    assert schema_errors(doc) == []
    assert [a["input"] for a in doc["articles"]] == ["-"]
    assert "Nordic Star" in doc["articles"][0]["clean_text"]
    assert len(doc["stories"]) == 1
    assert inexact_spans(doc) == []


def _words(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


@pytest.mark.models
def test_a_story_of_one_article_has_a_summary_within_the_word_budget(stdin_brief: Outcome) -> None:
    (story,) = stdin_brief.json["stories"]
    assert story["summary"], "a story told by one article gets no summary"
    assert sum(_words(s["text"]) for s in story["summary"]) <= 30


# -------------------------------------------------------------- bad inputs

GOOD_IN_MIXED = [
    ("good.txt", 1),
    ("latin1.txt", 1),
    ("page.html", 1),
    ("feed.rss", 2),
    ("dispatches.jsonl", 2),
    ("dispatches.csv", 1),
    ("array.json", 1),
    ("good_copy.txt", 1),
]

BAD_IN_MIXED = [
    ("image.png", None, r"binary"),
    ("empty.txt", None, r"empty"),
    ("oversized.txt", None, r"limit|max_bytes"),
    ("dispatches.jsonl", 2, r"JSON"),
    ("dispatches.jsonl", 4, r"text"),
    ("dispatches.csv", 3, r"text"),
    ("notafeed.xml", None, r"feed|RSS|Atom"),
    ("array.json", None, r"item 2.*object"),
]


def _from(item: dict[str, Any], name: str) -> bool:
    """Whether an article or error came from the file ``name`` (inputs of JSON lines end in :N, items in #N)."""
    return Path(re.sub(r"[:#]\d+$", "", item["input"])).name == name


@pytest.mark.models
def test_mixed_folder_exits_0_without_traceback(mixed_run: Outcome) -> None:
    assert mixed_run.code == 0, mixed_run.err
    assert "Traceback" not in mixed_run.err
    assert schema_errors(mixed_run.json) == []


@pytest.mark.models
def test_mixed_folder_evidence_is_exact(mixed_run: Outcome) -> None:
    assert inexact_spans(mixed_run.json) == []


@pytest.mark.models
@pytest.mark.parametrize(("name", "count"), GOOD_IN_MIXED)
def test_mixed_folder_keeps_every_good_article(mixed_run: Outcome, name: str, count: int) -> None:
    doc = mixed_run.json
    found = [a for a in doc["articles"] if _from(a, name)]
    assert len(found) == count, [a["input"] for a in doc["articles"]]
    assert all(a["story"] for a in found)


@pytest.mark.models
@pytest.mark.parametrize(("name", "line", "reason"), BAD_IN_MIXED)
def test_mixed_folder_reports_every_bad_input(mixed_run: Outcome, name: str, line: int | None, reason: str) -> None:
    errors = [e for e in mixed_run.json["errors"] if _from(e, name) and e.get("line") == line]
    assert len(errors) == 1, mixed_run.json["errors"]
    assert re.search(reason, errors[0]["reason"], re.IGNORECASE), errors[0]
    skipped = [row for row in mixed_run.err.splitlines() if name in row]
    assert skipped, mixed_run.err
    if line is not None:
        assert any(f"{name}:{line}" in row or f"line {line}" in row for row in skipped), skipped


@pytest.mark.models
def test_mixed_folder_reports_nothing_else(mixed_run: Outcome) -> None:
    assert len(mixed_run.json["errors"]) == len(BAD_IN_MIXED)


@pytest.mark.models
def test_latin1_file_is_decoded(mixed_run: Outcome) -> None:
    (article,) = [a for a in mixed_run.json["articles"] if _from(a, "latin1.txt")]
    assert "Sélestat" in article["clean_text"] and "réagi" in article["clean_text"]
    assert "Ã" not in article["clean_text"] and "\ufffd" not in article["clean_text"]


@pytest.mark.models
def test_the_same_content_twice_is_listed_as_a_copy(mixed_run: Outcome) -> None:
    articles = mixed_run.json["articles"]
    (original,) = [a for a in articles if _from(a, "good.txt")]
    (copy,) = [a for a in articles if _from(a, "good_copy.txt")]
    assert copy["duplicate_of"] == original["id"] and original["duplicate_of"] is None
    assert copy["story"] == original["story"]


@pytest.mark.models
def test_a_publication_stamp_becomes_the_date_and_leaves_the_text(mixed_run: Outcome) -> None:
    (article,) = [a for a in mixed_run.json["articles"] if _from(a, "good.txt")]
    assert article["published"] == "2024-11-16T08:15"
    assert "Publié le" not in article["clean_text"]
    assert any("16/11/2024" in removed for removed in article["removed"])
    assert article["title"] == "Crue du Gardon : une centaine d'habitants évacués à Anduze"


@pytest.mark.models
def test_html_page_keeps_the_article_and_drops_the_page(mixed_run: Outcome) -> None:
    (article,) = [a for a in mixed_run.json["articles"] if _from(a, "page.html")]
    assert "Escherichia coli" in article["clean_text"]
    assert "drapeau violet" in article["clean_text"]
    assert "Mentions légales" not in article["clean_text"]
    assert "Abonnez-vous" not in article["clean_text"]


@pytest.mark.models
def test_feed_items_keep_their_ids_and_dates(mixed_run: Outcome) -> None:
    items = {a["id"]: a for a in mixed_run.json["articles"] if _from(a, "feed.rss")}
    assert set(items) == {"echo-2024-0211-avalanche", "echo-2024-0212-patinoire"}
    assert items["echo-2024-0211-avalanche"]["published"].startswith("2024-02-11")


@pytest.mark.models
def test_only_bad_inputs_exit_2(shared_models: Models, tmp_path: Path) -> None:
    for name in ("image.png", "empty.txt"):
        shutil.copy(MIXED / name, tmp_path / name)
    outcome = invoke(["-q", "brief", str(tmp_path)])
    assert outcome.code == 2
    doc = outcome.json
    assert doc["articles"] == [] and doc["stories"] == []
    assert sorted(Path(e["input"]).name for e in doc["errors"]) == ["empty.txt", "image.png"]
    assert "image.png" in outcome.err and "empty.txt" in outcome.err


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "articles")
    outcome = run_process(["-q", "brief", missing], tmp_path)
    assert outcome.code == 2
    assert "Traceback" not in outcome.err
    (error,) = outcome.json["errors"]
    assert error["input"] == missing
    assert re.search(r"no such file", error["reason"], re.IGNORECASE)
    assert missing in outcome.err


# ------------------------------------------------------------------- store


@pytest.mark.models
def test_ingesting_the_same_folder_twice_adds_nothing(db: Path) -> None:
    with open_store(str(db), create=False) as store:
        before = store.count_articles()
    outcome = invoke(["ingest", str(STORIES), "--db", str(db)])
    assert outcome.code == 0
    assert re.search(r"\b0 new article", outcome.err), outcome.err
    with open_store(str(db), create=False) as store:
        assert store.count_articles() == before == len(list(STORIES.iterdir()))


@pytest.mark.models
def test_stories_lists_each_story(db: Path) -> None:
    outcome = invoke(["stories", "--db", str(db)])
    assert outcome.code == 0
    assert len(outcome.out.strip().splitlines()) == len(story_partition(db))
    rows = [json.loads(line) for line in invoke(["stories", "--db", str(db), "--json"]).out.splitlines()]
    assert sum(row["article_count"] for row in rows) == len(list(STORIES.iterdir()))
    assert all(row["title"] for row in rows)


@pytest.mark.models
@pytest.mark.parametrize(
    ("query", "prefix"),
    [("ecole", "a"), ("ÉCOLE", "a"), ("Ecole", "a"), ("ouessant", "b"), ("helitreuilles", "b"), ("Ravier", "a")],
)
def test_search_is_accent_and_case_insensitive(db: Path, query: str, prefix: str) -> None:
    outcome = invoke(["search", query, "--db", str(db)])
    assert outcome.code == 0
    hits = [line.split("\t")[0] for line in outcome.out.splitlines() if "\t" in line]
    assert hits, f"no hit for {query!r}"
    assert all(hit.startswith(prefix) for hit in hits), hits


@pytest.mark.models
@pytest.mark.parametrize("query", ["ecole", "helitreuilles", "ouessant", "Ravier"])
def test_search_prints_one_line_per_hit_and_one_per_snippet(db: Path, query: str) -> None:
    """A snippet keeps to its indented line, even when the article's text breaks lines there."""
    lines = invoke(["search", query, "--db", str(db)]).out.splitlines()
    assert len(lines) % 2 == 0
    for hit, snippet in zip(lines[::2], lines[1::2], strict=True):
        assert len(hit.split("\t")) == 3 and not hit.startswith(" "), hit
        assert snippet.startswith("    ") and "\t" not in snippet, snippet


@pytest.mark.models
def test_search_without_hit(db: Path) -> None:
    outcome = invoke(["search", "cosmodrome", "--db", str(db)])
    assert outcome.code == 0 and outcome.out == ""


@pytest.mark.models
def test_cluster_rebuild_keeps_the_stories(db: Path) -> None:
    before = story_partition(db)
    outcome = invoke(["-q", "cluster", "--db", str(db), "--rebuild"])
    assert outcome.code == 0, outcome.err
    assert story_partition(db) == before
    assert schema_errors(invoke(["-q", "brief", "--db", str(db)]).json) == []


# ------------------------------------------------------------- user errors

BAD_CONFIGS = [
    ("bad_value", FIXTURES / "bad_value.toml", r"cluster\.threshold"),
    ("unknown_section", "[clustre]\nthreshold = 0.5\n", r"clustre"),
    ("unknown_key", "[read]\nmax_byte = 10\n", r"read\.max_byte"),
    ("wrong_type", "[read]\nmax_bytes = \"big\"\n", r"read\.max_bytes"),
    ("not_toml", "[read\nmax_bytes = 3\n", r"not valid TOML"),
    ("missing", None, r"cannot read"),
]


@pytest.mark.parametrize(("label", "content", "message"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_one_line_and_exit_2(tmp_path: Path, label: str, content: Any, message: str) -> None:
    if isinstance(content, Path):
        config = content
    else:
        config = tmp_path / f"{label}.toml"
        if content is not None:
            config.write_text(content, "utf-8")
    line = one_line_error(invoke(["--config", str(config), "stories", "--db", str(tmp_path / "x.db")]))
    assert re.search(message, line), line


def test_brief_without_input_is_a_user_error() -> None:
    line = one_line_error(invoke(["brief"]))
    assert "PATH" in line or "--db" in line


# The timeline evaluation measures the project's own gold cases, not ../shared/data.
DATA_EVALUATIONS = [name for name in EVALUATIONS if name != "timeline"]


@pytest.mark.parametrize("name", DATA_EVALUATIONS)
def test_eval_without_data_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    missing = tmp_path / "nonexistent"
    line = one_line_error(invoke(["eval", name, "--data", str(missing)]))
    assert str(missing) in line


def test_unknown_format_is_rejected_by_the_parser() -> None:
    with pytest.raises(SystemExit) as exit_info, redirect_stderr(io.StringIO()):
        main(["brief", "x", "--format", "pdf"])
    assert exit_info.value.code == 2


def test_the_demo_reads_only_articles() -> None:
    """`recoupe demo` briefs its whole corpus folder: a non-article file there becomes a story."""
    from importlib import resources

    from recoupe.read import read_inputs
    from recoupe.settings import load_settings

    corpus = resources.files("recoupe").joinpath("demo/corpus")
    with resources.as_file(corpus) as folder:
        inputs = [item.input for item in read_inputs([str(folder)], settings=load_settings().read)]
    assert inputs
    assert not [name for name in inputs if Path(name.split(":")[0]).name.lower().startswith("readme")]


@pytest.mark.models
def test_a_stream_ingested_in_two_batches_finds_the_same_stories(shared_models: Models, tmp_path: Path) -> None:
    """New articles join the stories already in the store, as a one-off brief would group them."""
    db = tmp_path / "stream.db"
    names = sorted(p.name for p in STORIES.iterdir())
    first, second = [n for n in names if n[1] == "1"], [n for n in names if n[1] != "1"]
    for batch in (first, second):
        outcome = invoke(["-q", "ingest", *[str(STORIES / n) for n in batch], "--db", str(db)])
        assert outcome.code == 0, outcome.err
    events = {frozenset(n for n in names if n.startswith(prefix)) for prefix in "ab"}
    assert story_partition(db) == events
    doc = invoke(["-q", "brief", "--db", str(db), "--include-text"]).json
    assert schema_errors(doc) == [] and inexact_spans(doc) == []
    assert {frozenset(s["articles"]) for s in doc["stories"]} == events


HOSTILE_ARTICLE = """Alerte <script>alert("titre")</script> sur le port de Sète

Le port de Sète a été fermé mardi 9 avril 2024 après une fuite de gaz, selon la capitainerie. \
« Fermez tout <img src=x onerror=alert(1)> et évacuez | vite », a déclaré le directeur du port, \
Marc Delorme. Les dockers ont été évacués [voir ici](javascript:alert(2)) vers 10 heures.

Le directeur du port, Marc Delorme, a indiqué que 40 dockers avaient été évacués. \
Une enquête a été ouverte <iframe src=//evil.example></iframe> par le parquet de Montpellier.
"""


@pytest.mark.models
def test_hostile_article_text_never_becomes_markup(shared_models: Models, tmp_path: Path) -> None:
    article = tmp_path / "in" / "hostile.txt"
    article.parent.mkdir()
    article.write_text(HOSTILE_ARTICLE, "utf-8")
    db = tmp_path / "hostile.db"
    assert invoke(["-q", "ingest", str(article.parent), "--db", str(db)]).code == 0
    page = invoke(["-q", "brief", "--db", str(db), "--format", "html"]).out
    assert "Sète" in page
    assert not re.search(r"<(script|img|iframe)\b", page, re.IGNORECASE)
    markdown = invoke(["-q", "brief", "--db", str(db), "--format", "markdown"]).out
    assert "Sète" in markdown
    assert not re.search(r"(?<!\\)<(script|img|iframe)\b", markdown, re.IGNORECASE)
    assert not re.search(r"(?<!\\)\]\(javascript", markdown)
