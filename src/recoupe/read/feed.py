"""RSS and Atom feeds: one article per item, from its content or else its summary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import InputProblem
from ..metadata import parse_date
from ..records import InputError, RawDoc
from .base import Source
from .decode import repair
from .htmltext import html_to_text

# The root element, after the XML declaration, comments, stylesheets and a doctype.
_ROOT = re.compile(
    r"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:rss|feed|rdf:RDF)\b",
    re.IGNORECASE | re.DOTALL,
)
_ITEM = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def is_feed(head: str) -> bool:
    return _ROOT.match(head[:4096]) is not None


def read_feed(text: str, source: Source) -> Iterator[RawDoc | InputError]:
    if not is_feed(text):
        raise InputProblem("not an RSS/Atom feed (no <rss>, <feed> or <rdf:RDF> root element)")
    parsed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries", [])
    if not entries:
        bozo = parsed.get("bozo_exception")
        detail = f": {bozo}" if parsed.get("bozo") and bozo else ""
        raise InputProblem(f"the feed has no items{detail}")
    raw_items = [m[0] for m in _ITEM.finditer(text)]
    if len(raw_items) != len(entries):
        raw_items = []
    outlet = parsed.get("feed", {}).get("title")
    language = parsed.get("feed", {}).get("language")
    for index, entry in enumerate(entries, start=1):
        title = entry.get("title")
        body = html_to_text(_content(entry))
        if not body.strip():
            label = f" ({title})" if title else ""
            yield InputError(source.input, f"item {index}{label}: no content or summary text")
            continue
        guid = entry.get("id") or entry.get("link")
        extra = {"author": entry["author"]} if entry.get("author") else {}
        yield RawDoc(
            input=source.input,
            doc_id=str(guid) if guid else f"{source.doc_id}#{index}",
            original=raw_items[index - 1] if raw_items else body,
            body=repair(body),
            format="feed",
            title=repair(html_to_text(title)) if title else None,
            url=entry.get("link"),
            outlet=outlet,
            published=parse_date(entry.get("published") or entry.get("updated")),
            language=language,
            extra=extra,
        )


def _content(entry: Any) -> str:
    """The longest of the item's full content and its summary: feeds put the article
    in either, and some put a teaser in content and the text in the summary."""
    candidates = [part.get("value", "") for part in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    return max(candidates, key=len)
