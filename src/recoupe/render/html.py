"""The brief as one standalone HTML file: no script, no network, everything inline.

Article text is untrusted, so every value goes through ``escape``; citations are
plain links whose targets (the cited span in its context) show through CSS
``:target``, which keeps the file free of JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ..records import Article, Brief, Evidence, StoryBrief

CONTEXT_CHARS = 160

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1,h2,h3{line-height:1.2}h2{border-top:2px solid #333;padding-top:1rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.3rem;
vertical-align:top;text-align:left;overflow-wrap:anywhere}
.cite{font-size:.8rem;text-decoration:none;background:#eef;border-radius:3px;padding:0 .2rem;margin-left:.1rem}
.span{display:none;border-left:4px solid #36c;background:#f6f8ff;padding:.5rem;margin:.5rem 0;font-size:.9rem}
.span:target{display:block}.span mark{background:#ffe066}
.status-corroborated{color:#176917}.status-disputed{color:#b00020;font-weight:bold}.status-single_source{color:#666}
.conflict{border-left:4px solid #b00020;padding-left:.6rem;margin:.6rem 0}
.meta{color:#555;font-size:.9rem}.variants{color:#555}
"""


class _Citations:
    """Numbers every cited span once, and renders the span panels at the end of a story."""

    def __init__(self, articles: dict[str, Article], labels: dict[str, str], prefix: str) -> None:
        self._articles = articles
        self._labels = labels
        self._prefix = prefix
        self._ids: dict[tuple[str, int, int], str] = {}

    def links(self, evidence: Sequence[Evidence]) -> str:
        out = []
        for item in evidence:
            key = (item.article, item.start, item.end)
            anchor = self._ids.setdefault(key, f"{self._prefix}-ev{len(self._ids) + 1}")
            label = self._labels.get(item.article, item.article)
            out.append(f'<a class="cite" href="#{anchor}" title="{escape(item.text)}">{escape(label)}</a>')
        return "".join(out)

    def panels(self) -> str:
        out = []
        for (article_id, start, end), anchor in self._ids.items():
            article = self._articles.get(article_id)
            if article is None:
                continue
            text = article.clean_text
            before = text[max(0, start - CONTEXT_CHARS) : start]
            after = text[end : end + CONTEXT_CHARS]
            out.append(
                f'<div class="span" id="{anchor}"><strong>{escape(article.title or article.id)}</strong>'
                f"<br>…{escape(before)}<mark>{escape(text[start:end])}</mark>{escape(after)}…</div>"
            )
        return "".join(out)


def _rows(cells: Iterable[Sequence[str]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)


def story_html(story: StoryBrief, articles: dict[str, Article]) -> str:
    """One story's section; values escaped, citations linked to their spans."""
    labels = {article_id: f"A{n}" for n, article_id in enumerate(story.articles, start=1)}
    cites = _Citations(articles, labels, escape(story.id))
    parts = [f'<section id="{escape(story.id)}"><h2>{escape(story.title)}</h2>']
    parts.append(f'<p class="meta">{len(story.articles)} article(s) · story {escape(story.id)}</p>')
    source_rows = []
    for article_id in story.articles:
        a = articles.get(article_id)
        if a is None:
            continue
        source_rows.append(
            [escape(labels[article_id]), escape(a.title or a.id), escape(a.outlet or ""), escape(a.published or ""),
             escape(a.language), escape(", ".join(a.credits)),
             escape(labels.get(a.duplicate_of, a.duplicate_of) if a.duplicate_of else "")]
        )
    parts.append(
        "<h3>Sources</h3><table><tr><th></th><th>article</th><th>outlet</th><th>published</th>"
        f"<th>language</th><th>credits</th><th>copy of</th></tr>{_rows(source_rows)}</table>"
    )
    if story.summary:
        parts.append("<h3>Summary</h3>")
        parts.extend(f"<p>{escape(s.text)} {cites.links(s.evidence)}</p>" for s in story.summary)
    if story.claims:
        claim_rows = [
            [escape(c.text), str(c.independent_sources),
             f'<span class="status-{escape(c.status)}">{escape(c.status)}</span>', cites.links(c.evidence)]
            for c in story.claims
        ]
        parts.append(
            "<h3>Claims</h3><table><tr><th>claim</th><th>independent sources</th><th>status</th>"
            f"<th>cited</th></tr>{_rows(claim_rows)}</table>"
        )
    if story.conflicts:
        parts.append("<h3>Conflicts</h3>")
        for conflict in story.conflicts:
            positions = "".join(
                f"<li>{escape(p.value)} {cites.links(p.evidence)}</li>" for p in conflict.positions
            )
            parts.append(f'<div class="conflict"><strong>{escape(conflict.about)}</strong><ul>{positions}</ul></div>')
    if story.timeline:
        parts.append("<h3>Timeline</h3><ul>")
        parts.extend(
            f"<li><strong>{escape(e.date)}</strong> {escape(e.text)} {cites.links(e.evidence)}</li>"
            for e in story.timeline
        )
        parts.append("</ul>")
    if story.quotes:
        parts.append("<h3>Quotes</h3>")
        for quote in story.quotes:
            renderings = "".join(
                f"<li>« {escape(r.text)} »{f' <em>{escape(r.cue)}</em>' if r.cue else ''} "
                f"{cites.links([Evidence(r.article, r.start, r.end, r.text)])}</li>"
                for r in quote.renderings
            )
            parts.append(f"<p><strong>{escape(quote.speaker_name or 'unattributed')}</strong></p><ul>{renderings}</ul>")
    if story.entities:
        entity_rows = [
            [escape(e.name), escape(e.type), f'<span class="variants">{escape(" / ".join(e.variants))}</span>',
             str(e.mentions)]
            for e in story.entities
        ]
        parts.append(
            "<h3>Entities</h3><table><tr><th>name</th><th>type</th><th>variants</th><th>mentions</th></tr>"
            f"{_rows(entity_rows)}</table>"
        )
    parts.append(cites.panels())
    parts.append("</section>")
    return "".join(parts)


def render_html(brief: Brief) -> str:
    articles = {a.id: a for a in brief.articles}
    body = [f"<h1>recoupe brief</h1><p class=\"meta\">Generated {escape(brief.generated_at)} · "
            f"{len(brief.articles)} article(s) · {len(brief.stories)} story(ies)</p>"]
    if brief.stories:
        body.append("<nav><ul>" + "".join(
            f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a> ({len(s.articles)})</li>' for s in brief.stories
        ) + "</ul></nav>")
    body.extend(story_html(story, articles) for story in brief.stories)
    if brief.errors:
        items = "".join(
            f"<li><code>{escape(e.input)}</code>{f' line {e.line}' if e.line is not None else ''}: "
            f"{escape(e.reason)}</li>"
            for e in brief.errors
        )
        body.append(f"<h2>Inputs not used</h2><ul>{items}</ul>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>recoupe brief</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )
