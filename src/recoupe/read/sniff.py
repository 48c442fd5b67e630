"""Which reader a file needs: its extension first, corrected by what it contains."""

from __future__ import annotations

import re

from ..settings import ReadSettings
from .feed import is_feed

_HTML = re.compile(
    r"(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b)",
    re.IGNORECASE | re.DOTALL,
)


def detect_format(name: str, text: str, settings: ReadSettings) -> str:
    """One of "text", "html", "jsonl", "feed", "csv", "tsv".

    Markup decides over the extension (an .html file holding a feed is a feed, a
    .txt holding a web page is HTML); an .xml file is always read as a feed so
    that one which is not gets a clear error. Without a known extension, JSON is
    recognised by its first character.
    """
    lower = name.lower()
    head = text[:4096].lstrip()

    def has(extensions: tuple[str, ...]) -> bool:
        return lower.endswith(extensions)

    if has(settings.extensions_feed) or is_feed(head):
        return "feed"
    if has(settings.extensions_html) or _HTML.match(head[:4096]):
        return "html"
    if has(settings.extensions_jsonl):
        return "jsonl"
    if has(settings.extensions_csv):
        return "tsv" if lower.endswith(".tsv") else "csv"
    if not has(settings.extensions_text) and head[:1] in ("{", "["):
        return "jsonl"
    return "text"
