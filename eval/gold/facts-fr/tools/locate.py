"""Find an annotator's copy of a passage in a document, forgiving what copying changes.

Spaces of any kind (no-break, narrow no-break, tabs) match each other, and the apostrophes ' ’
and the marks " “ ” « » match within their kind, so a passage typed with plain spaces and
straight apostrophes is still found; the exact characters of the document are returned.
"""
import re

_SPACE = "[\\s\u00a0\u202f\u2009]+"
_CLASSES = {"'": "['’‘`]", "’": "['’‘`]", "‘": "['’‘`]", "\"": "[\"“”«»]", "“": "[\"“”«»]", "”": "[\"“”«»]",
            "«": "[\"“”«»]", "»": "[\"“”«»]", "-": "[-‐‑–]", "–": "[-‐‑–]", "…": "(?:…|\\.\\.\\.)"}


def pattern(passage: str) -> re.Pattern:
    parts, previous_space = [], False
    for char in passage.strip():
        if char.isspace() or char in "\u00a0\u202f\u2009":
            if not previous_space:
                parts.append(_SPACE)
            previous_space = True
            continue
        previous_space = False
        parts.append(_CLASSES.get(char, re.escape(char)))
    return re.compile("".join(parts))


def find_all(document: str, passage: str) -> list[tuple[int, int]]:
    """Every (start, end) where the passage occurs in the document."""
    if not passage.strip():
        return []
    return [(m.start(), m.end()) for m in pattern(passage).finditer(document)]
