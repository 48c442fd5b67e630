"""A store with hand-built stories for the web tests, so they do not depend on the NLP stages."""

from __future__ import annotations

import hashlib
from pathlib import Path

from recoupe.records import (
    Article,
    Claim,
    Conflict,
    Entity,
    Evidence,
    Position,
    Quote,
    Rendering,
    StoryBrief,
    SummarySentence,
    TimelineEvent,
)
from recoupe.store import open_store

HOSTILE_TITLE = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">'
RTL = "\u202eevil\u202c"
SHOCK = "Nous sommes sous le choc"


def _article(article_id: str, text: str, **fields: object) -> Article:
    return Article(
        id=article_id,
        input=f"fixtures/{article_id}",
        original=text,
        clean_text=text,
        language="fr",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        **fields,  # type: ignore[arg-type]
    )


def _evidence(article: Article, phrase: str) -> Evidence:
    start = article.clean_text.index(phrase)
    return Evidence(article.id, start, start + len(phrase), phrase)


def build_store(path: Path) -> str:
    """Two stories: a normal one and one made of hostile articles. Returns the first story id."""
    a1 = _article(
        "a1.txt",
        "Le pont de Sainte-Marie s'est effondré mardi. Douze personnes ont été blessées, a déclaré le préfet.\n"
        "« Nous sommes sous le choc », a dit le maire Jean Roux.",
        title="Effondrement du pont de Sainte-Marie", outlet="Le Quotidien", published="2024-03-12",
        credits=["AFP"], removed=["Photo : AFP"],
    )
    a2 = _article(
        "a2.txt",
        "Le pont de Sainte-Marie s'est effondré mardi matin. Quatorze personnes ont été blessées.\n"
        "« Nous sommes sous le choc », a affirmé Jean Roux, maire de la commune.",
        title="Sainte-Marie : le pont cède", outlet="Info Matin", published="2024-03-12",
    )
    hostile_text = (
        f'{HOSTILE_TITLE} <a href="javascript:alert(1)">clic</a> <b onmouseover="alert(1)">gras</b> '
        "<div style='position:fixed;top:0;left:0;width:100%;height:100%'>cover</div> " + RTL + " "
        + "x" * 3000
    )
    hostile = _article("hostile.html", hostile_text, title=HOSTILE_TITLE * 20, outlet='"><script>alert(1)</script>')
    with open_store(path) as store:
        store.add_articles([a1, a2, hostile])
        store.assign_stories({"a1.txt": "s1", "a2.txt": "s1", "hostile.html": "s2"})
        collapse_1 = _evidence(a1, "Le pont de Sainte-Marie s'est effondré mardi.")
        collapse_2 = _evidence(a2, "Le pont de Sainte-Marie s'est effondré mardi matin.")
        store.save_brief(StoryBrief(
            id="s1", title="Effondrement du pont de Sainte-Marie", language="fr", articles=["a1.txt", "a2.txt"],
            summary=[SummarySentence(collapse_1.text, [collapse_1, collapse_2])],
            entities=[Entity("e1", "Jean Roux", "person", ["Jean Roux"], ["a1.txt", "a2.txt"], 2)],
            quotes=[Quote("q1", "e1", "Jean Roux", [
                Rendering("a1.txt", SHOCK, *_span(a1, SHOCK), cue="a dit"),
                Rendering("a2.txt", SHOCK, *_span(a2, SHOCK), cue="a affirmé"),
            ])],
            claims=[
                Claim("c1", collapse_1.text, [collapse_1, collapse_2], 2, "corroborated"),
                Claim("c2", "Douze personnes ont été blessées", [_evidence(a1, "Douze personnes ont été blessées")],
                      1, "disputed"),
            ],
            conflicts=[Conflict("k1", "number of people injured", [
                Position("12", [_evidence(a1, "Douze personnes ont été blessées")]),
                Position("14", [_evidence(a2, "Quatorze personnes ont été blessées")]),
            ])],
            timeline=[TimelineEvent("2024-03-12", collapse_1.text, [collapse_1, collapse_2])],
        ))
        bad = _evidence(hostile, HOSTILE_TITLE)
        store.save_brief(StoryBrief(
            id="s2", title=HOSTILE_TITLE, language="fr", articles=["hostile.html"],
            summary=[SummarySentence(bad.text, [bad])],
            entities=[Entity("e1", HOSTILE_TITLE, "other", [HOSTILE_TITLE, RTL], ["hostile.html"], 1)],
            quotes=[
                Quote("q1", None, HOSTILE_TITLE, [Rendering("hostile.html", bad.text, bad.start, bad.end, cue=RTL)])
            ],
            claims=[Claim("c1", bad.text, [bad], 1, "single_source")],
            conflicts=[],
            timeline=[TimelineEvent("2024-03-12", bad.text, [bad])],
        ))
    return "s1"


def _span(article: Article, phrase: str) -> tuple[int, int]:
    start = article.clean_text.index(phrase)
    return start, start + len(phrase)
