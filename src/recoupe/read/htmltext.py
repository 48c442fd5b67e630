"""HTML fragments (feed summaries, item content) to text with paragraph breaks.

A full page goes through trafilatura; a fragment is already the article, so a
light walk of the markup is enough and keeps every sentence of it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_MARKUP = re.compile(r"<[a-zA-Z!/?]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(" ".join(data.split("\n")))


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment; text without markup is returned as it is."""
    if not _MARKUP.search(fragment):
        return fragment
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]*\n[ \t]*", "\n", text)).strip()
