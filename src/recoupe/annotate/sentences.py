"""Sentence splitting with exact offsets.

A rule splitter rather than a model: it is fast, it never changes a character,
and news text has few traps beyond abbreviations (per-language tables) and
quotations, inside which a period does not end the reporting sentence.
"""

from __future__ import annotations

import re
from functools import cache

from ..langdata import load_table
from ..records import Sentence

_BOUNDARY = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[»\"”’)\]])*(?=\s+[\"«“‘(\[—–-]?\s*[A-ZÀ-ÖØ-Þ0-9])")
_WORD_BEFORE = re.compile(r"([\w.°'’-]+)$")
_LINE = re.compile(r"[^\n]+")
_PAIRS = (("«", "»"), ("“", "”"), ("„", "“"), ("‹", "›"))


@cache
def _abbreviations(language: str) -> frozenset[str]:
    return frozenset(load_table("sentences", language).get("abbreviations", ()))


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Sentences of ``text``; every line break ends a sentence (lines are paragraphs or headings)."""
    abbreviations = _abbreviations(language)
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = line.start()
        quoted = _quoted_ranges(line.group())
        for boundary in _BOUNDARY.finditer(line.group()):
            end = boundary.end()
            if _inside(boundary.end() - 1, quoted) or _after_abbreviation(
                line.group(), boundary.start(), abbreviations
            ):
                continue
            _append(sentences, text, start, line.start() + end)
            start = line.start() + end
        _append(sentences, text, start, line.end())
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))


def _after_abbreviation(line: str, period: int, abbreviations: frozenset[str]) -> bool:
    if line[period] != ".":
        return False
    match = _WORD_BEFORE.search(line, 0, period)
    if match is None:
        return False
    word = match.group(1)
    # A lone capital is an initial ("J. Smith"), not the end of a sentence.
    return word in abbreviations or (len(word) == 1 and word.isupper())


def _quoted_ranges(line: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for opening, closing in _PAIRS:
        position = 0
        while (start := line.find(opening, position)) >= 0:
            end = line.find(closing, start + 1)
            if end < 0:
                break
            ranges.append((start, end))
            position = end + 1
    straight = [m.start() for m in re.finditer('"', line)]
    if len(straight) % 2 == 0:
        ranges.extend(zip(straight[::2], straight[1::2], strict=True))
    return ranges


def _inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in ranges)
