"""The brief as Markdown, for reading in a terminal or a repository."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Article, Brief, Evidence, StoryBrief

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _md(text: str | None) -> str:
    """Article text is untrusted: escape what Markdown would interpret, keep it on one line."""
    if not text:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _labels(story: StoryBrief) -> dict[str, str]:
    return {article_id: f"A{n}" for n, article_id in enumerate(story.articles, start=1)}


def _cite(evidence: Sequence[Evidence], labels: dict[str, str]) -> str:
    seen = dict.fromkeys(labels.get(e.article, e.article) for e in evidence)
    return "[" + ", ".join(seen) + "]" if seen else ""


def _story(story: StoryBrief, articles: dict[str, Article]) -> list[str]:
    labels = _labels(story)
    out = [f"## {_md(story.title)}", "", f"Story `{story.id}` · {len(story.articles)} article(s)", ""]
    out += ["### Sources", "", "| | article | outlet | published | language | credits | copy of |",
            "|---|---|---|---|---|---|---|"]
    for article_id in story.articles:
        a = articles.get(article_id)
        if a is None:
            continue
        copy = labels.get(a.duplicate_of, a.duplicate_of) if a.duplicate_of else ""
        out.append(
            f"| {labels[article_id]} | {_md(a.title or a.id)} | {_md(a.outlet)} | {a.published or ''} | "
            f"{a.language} | {_md(', '.join(a.credits))} | {copy or ''} |"
        )
    out.append("")
    if story.summary:
        out += ["### Summary", ""]
        out += [f"{_md(s.text)} {_cite(s.evidence, labels)}" for s in story.summary]
        out.append("")
    if story.claims:
        out += ["### Claims", "", "| claim | independent sources | status | cited |", "|---|---|---|---|"]
        out += [
            f"| {_md(c.text)} | {c.independent_sources} | {c.status} | {_cite(c.evidence, labels)} |"
            for c in story.claims
        ]
        out.append("")
    if story.conflicts:
        out += ["### Conflicts", ""]
        for conflict in story.conflicts:
            out.append(f"- **{_md(conflict.about)}**")
            out += [f"  - {_md(p.value)} {_cite(p.evidence, labels)}" for p in conflict.positions]
        out.append("")
    if story.timeline:
        out += ["### Timeline", ""]
        out += [f"- **{e.date}** {_md(e.text)} {_cite(e.evidence, labels)}" for e in story.timeline]
        out.append("")
    if story.quotes:
        out += ["### Quotes", ""]
        for quote in story.quotes:
            out.append(f"- **{_md(quote.speaker_name) or 'unattributed'}**")
            out += [
                f"  - « {_md(r.text)} » ({_md(r.cue)}) [{labels.get(r.article, r.article)}]"
                if r.cue
                else f"  - « {_md(r.text)} » [{labels.get(r.article, r.article)}]"
                for r in quote.renderings
            ]
        out.append("")
    if story.entities:
        out += ["### Entities", "", "| name | type | variants | mentions |", "|---|---|---|---|"]
        out += [
            f"| {_md(e.name)} | {e.type} | {_md(' / '.join(e.variants))} | {e.mentions} |" for e in story.entities
        ]
        out.append("")
    return out


def render_markdown(brief: Brief) -> str:
    articles = {a.id: a for a in brief.articles}
    out = ["# recoupe brief", "", f"Generated {brief.generated_at} · {len(brief.articles)} article(s) · "
           f"{len(brief.stories)} story(ies)", ""]
    for story in brief.stories:
        out += _story(story, articles)
    if brief.errors:
        out += ["## Inputs not used", ""]
        out += [
            f"- `{_md(e.input)}`{f' line {e.line}' if e.line is not None else ''}: {_md(e.reason)}"
            for e in brief.errors
        ]
        out.append("")
    return "\n".join(out)
