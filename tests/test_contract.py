"""The brief contract: hand-built briefs render to schema-valid JSON, and the
Markdown and HTML views cannot be hijacked by hostile article text."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from recoupe.records import (
    Article,
    Brief,
    Claim,
    Conflict,
    Entity,
    Evidence,
    InputError,
    Position,
    Quote,
    Rendering,
    StoryBrief,
    SummarySentence,
    TimelineEvent,
)
from recoupe.render import render, render_html, render_json, render_markdown

SCHEMA_RESOURCE = "contract/brief.schema.json"


def load_schema() -> dict[str, Any]:
    """The contract shipped in the package; tests must not depend on ../shared."""
    resource = resources.files("recoupe").joinpath(SCHEMA_RESOURCE)
    if not resource.is_file():
        pytest.skip(f"the package does not ship {SCHEMA_RESOURCE} yet (the lead copies the contract there)")
    schema: dict[str, Any] = json.loads(resource.read_text("utf-8"))
    return schema


def schema_errors(document: Any) -> list[str]:
    """Every violation of the contract, as 'path: message' lines (empty when valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def _span(article: Article, needle: str) -> Evidence:
    start = article.clean_text.index(needle)
    return Evidence(article.id, start, start + len(needle), needle)


def _article(article_id: str, title: str, text: str, **extra: Any) -> Article:
    return Article(
        id=article_id,
        input=f"in/{article_id}.txt",
        original=text,
        clean_text=text,
        language="fr",
        content_hash=f"hash-{article_id}",
        title=title,
        story="s1",
        **extra,
    )


def make_brief(hostile: str = "") -> Brief:
    """A two-article story with every kind of item; ``hostile`` is woven into every text field."""
    first = _article(
        "a1",
        f"Le maire promet de reconstruire l'école {hostile}",
        f"Le maire Thomas Ravier a parlé mardi. « Nous reconstruirons cette école {hostile} », a-t-il déclaré. "
        "Les 180 élèves iront au collège.",
        outlet=f"Le Courrier {hostile}",
        credits=["AFP"],
        published="2024-03-05",
        removed=[f"Photo : AFP {hostile}"],
    )
    second = _article(
        "a2",
        "École détruite",
        f"Thomas Ravier l'a redit : « Nous reconstruirons cette école {hostile} ». Les 170 élèves iront au collège.",
        published="2024-03",
    )
    quote_text = f"Nous reconstruirons cette école {hostile}"
    renderings = []
    for article in (first, second):
        span = _span(article, quote_text)
        renderings.append(Rendering(article.id, span.text, span.start, span.end, cue="a-t-il déclaré"))
    story = StoryBrief(
        id="s1",
        title=f"Incendie d'une école {hostile}",
        language="fr",
        articles=["a1", "a2"],
        summary=[SummarySentence(f"Le maire Thomas Ravier a parlé mardi. {hostile}",
                                 [_span(first, "Le maire Thomas Ravier a parlé mardi.")])],
        entities=[
            Entity("e1", f"Thomas Ravier {hostile}", "person", ["Thomas Ravier", f"M. Ravier {hostile}"],
                   ["a1", "a2"], 2)
        ],
        quotes=[Quote("q1", "e1", "Thomas Ravier", renderings)],
        claims=[
            Claim("c1", f"Les élèves iront au collège {hostile}",
                  [_span(first, "iront au collège"), _span(second, "iront au collège")], 2, "corroborated"),
        ],
        conflicts=[
            Conflict("k1", f"nombre d'élèves {hostile}", [
                Position(f"180 {hostile}", [_span(first, "180 élèves")]),
                Position("170", [_span(second, "170 élèves")]),
            ])
        ],
        timeline=[TimelineEvent("2024-03-05", f"Le maire parle {hostile}", [_span(first, "mardi")])],
    )
    return Brief(
        generated_at="2024-03-06T10:00:00+00:00",
        articles=[first, second],
        stories=[story],
        errors=[InputError(f"in/bad {hostile}.jsonl", f"line 2: not valid JSON {hostile}", 2),
                InputError("in/empty.txt", "empty file")],
    )


@pytest.mark.parametrize("include_text", [False, True])
def test_hand_built_brief_validates_against_the_contract(include_text: bool) -> None:
    document = json.loads(render_json(make_brief(), include_text=include_text))
    assert schema_errors(document) == []
    assert all(("clean_text" in a) is include_text for a in document["articles"])


def test_contract_rejects_an_evidence_without_text() -> None:
    """The validator is live: a broken document is reported, so the other checks can fail."""
    document = json.loads(render_json(make_brief()))
    document["stories"][0]["claims"][0]["evidence"][0]["text"] = ""
    assert any("claims/0/evidence/0/text" in line for line in schema_errors(document))


def test_json_keeps_offsets_exact_with_text() -> None:
    document = json.loads(render_json(make_brief("<b>|x|</b>"), include_text=True))
    texts = {a["id"]: a["clean_text"] for a in document["articles"]}
    story = document["stories"][0]
    spans = [e for c in story["claims"] for e in c["evidence"]]
    spans += [r for q in story["quotes"] for r in q["renderings"]]
    spans += [e for k in story["conflicts"] for p in k["positions"] for e in p["evidence"]]
    spans += [e for t in story["timeline"] for e in t["evidence"]]
    spans += [e for s in story["summary"] for e in s["evidence"]]
    assert len(spans) == 8
    assert all(texts[s["article"]][s["start"] : s["end"]] == s["text"] for s in spans)


def test_render_rejects_an_unknown_format() -> None:
    from recoupe.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown format"):
        render(make_brief(), format="pdf")


HOSTILE = [
    '<script>alert("x")</script>',
    "<SCRIPT src=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '"><script>alert(1)</script>',
    "[cliquez ici](javascript:alert(1))",
    "| col | col |",
    "![image](http://evil.example/pixel.png)",
    "<iframe src=//evil.example>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_escapes_hostile_text(hostile: str) -> None:
    page = render_html(make_brief(hostile))
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<iframe" not in lowered
    assert "onerror=\"" not in lowered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_escapes_hostile_text(hostile: str) -> None:
    """Markdown would make links, images and raw HTML of these: each must come out escaped."""
    page = render_markdown(make_brief(hostile))
    assert not re.search(r"(?<!\\)\]\(", page)
    assert not re.search(r"(?<!\\)<[a-z/]", page, re.IGNORECASE)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_pipes_in_text_do_not_add_table_cells() -> None:
    page = render_markdown(make_brief("| a | b | c |"))
    claim_rows = [line for line in page.splitlines() if line.startswith("| Les élèves iront")]
    entity_rows = [line for line in page.splitlines() if line.startswith("| Thomas Ravier")]
    assert len(claim_rows) == 1 and _unescaped_pipes(claim_rows[0]) == 5
    assert len(entity_rows) == 1 and _unescaped_pipes(entity_rows[0]) == 5


_texts = st.text(max_size=40)


@hypothesis_settings(max_examples=60, deadline=None)
@given(_texts)
def test_markdown_claim_row_keeps_its_columns_for_any_text(text: str) -> None:
    page = render_markdown(make_brief(text))
    header = "| claim | independent sources | status | cited |"
    lines = page.splitlines()
    row = lines[lines.index(header) + 2]
    assert _unescaped_pipes(row) == 5
    assert "\n" not in row


@hypothesis_settings(max_examples=60, deadline=None)
@given(_texts)
def test_html_markup_comes_only_from_the_template_for_any_text(text: str) -> None:
    """Escaping means article text adds no tag: the page has as many '<' as with empty text."""
    assert render_html(make_brief(text)).count("<") == render_html(make_brief()).count("<")
