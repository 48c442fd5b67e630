"""What an article says, reduced to what story clustering compares.

Per article and pure: weighted terms (accent-folded, stopwords removed, cut to a
per-language length), entity keys, numbers and the publication day. Embeddings
of title and lead are computed for many articles at once by :func:`embed_leads`,
since the encoder is much faster on batches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np

from ..langdata import load_table
from ..models import Models
from ..records import Annotations, Article

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d(?:[\d.,\u202f\u00a0 ]*\d)?")
_SENTENCE_END = re.compile(r"(?<=[.!?…»\"])\s+(?=\S)")
# A name is a run of capitalised words, allowing inner particles ("de", "van")
# that are lowercase but belong to the name.
_CAPITALISED = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)

TITLE_WEIGHT = 2.0
LEAD_CHARS = 400
LEAD_SENTENCES = 3


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """The clustering view of one article; ``day`` is a proleptic ordinal or None."""

    article_id: str
    language: str
    terms: dict[str, float]
    entities: dict[str, float]
    numbers: dict[str, float]
    day: int | None = None
    vector: np.ndarray | None = field(default=None, compare=False)


def fold(text: str) -> str:
    """Lowercase without accents, so "Élysée" and "elysee" are one key."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _language(language: str) -> tuple[frozenset[str], int]:
    table = load_table("cluster", language)
    return frozenset(table.get("stopwords", ())), int(table.get("stem_length", 0))


def _terms(text: str, language: str, weight: float, into: dict[str, float]) -> None:
    stopwords, stem = _language(language)
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if len(word) < 3 or word in stopwords or not word.isalpha():
            continue
        key = word[:stem] if stem else word
        into[key] = into.get(key, 0.0) + weight


def _numbers(text: str, into: dict[str, float]) -> None:
    for match in _NUMBER.finditer(text):
        digits = "".join(c for c in match.group() if c.isdigit())
        # One-digit numbers (days of the month, small counts) are everywhere.
        if len(digits) >= 2 and digits.strip("0"):
            into[digits] = into.get(digits, 0.0) + 1.0


def _entity_keys(name: str, stopwords: frozenset[str]) -> list[str]:
    words = [fold(w) for w in _WORD.findall(name)]
    words = [w for w in words if len(w) > 1 and w not in stopwords and not w.isdigit()]
    if not words:
        return []
    # The whole name and its words: "Lindsay Lohan" must meet a later "Lohan".
    keys = words if len(words) == 1 else [" ".join(words), *words]
    return keys


def _capitalised_runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words, each with whether it opens a sentence."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    opens = False
    current_end = 0
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        # Only spaces may separate the words of one name, not a line break or a comma.
        contiguous = bool(current) and not text[current_end : match.start()].strip(" ")
        if word[0].isupper():
            if current and not contiguous:
                runs.append((current, opens))
                current = []
            if not current:
                before = text[: match.start()].rstrip(" \t\"'«“‘(")
                opens = not before or before[-1] in ".!?…:\n"
            current.append(word)
            current_end = match.end()
        elif current:
            runs.append((current, opens))
            current = []
    if current:
        runs.append((current, opens))
    return runs


def _fallback_names(title: str, body: str) -> tuple[list[str], list[str]]:
    """Names in the title and in the body, as runs of capitalised words.

    A capital that only opens a sentence ("Police said...") proves nothing: such
    a word counts when the article also capitalises it mid-sentence. A title in
    title case is all openings in that sense.
    """
    body_runs = _capitalised_runs(body)
    title_runs = _capitalised_runs(title)
    title_words = [w for run, _ in title_runs for w in run]
    if len(title_words) > 0.6 * len(_WORD.findall(title)) > 2:
        title_runs = [([w], True) for w in title_words]
    named = {w for run, opens in body_runs for w in run[1 if opens else 0 :]}

    def names(runs: list[tuple[list[str], bool]]) -> list[str]:
        kept = (run[1:] if opens and run[0] not in named else run for run, opens in runs)
        return [" ".join(words) for words in kept if words]

    return names(title_runs), names(body_runs)


def _day(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _body(article: Article) -> str:
    """The text after the title when the cleaner kept the title as first line."""
    text = article.clean_text.lstrip()
    title = (article.title or "").strip()
    if title and text.startswith(title) and text[len(title) : len(title) + 1] in ("\n", ""):
        return text[len(title) :]
    return text


def article_features(
    article: Article, annotations: Annotations | None, *, vector: np.ndarray | None
) -> ArticleFeatures:
    """Terms, entities, numbers and day of one article (``vector`` from :func:`embed_leads`)."""
    stopwords, _ = _language(article.language)
    body = _body(article)
    title = article.title or ""
    terms: dict[str, float] = {}
    _terms(title, article.language, TITLE_WEIGHT, terms)
    _terms(body, article.language, 1.0, terms)
    numbers: dict[str, float] = {}
    _numbers(title, numbers)
    _numbers(body, numbers)
    entities: dict[str, float] = {}
    if annotations is not None and annotations.mentions:
        # Headlines are not always annotated; their names matter most.
        names = [m.text for m in annotations.mentions] + _fallback_names(title, body)[0]
    else:
        names = [name for part in _fallback_names(title, body) for name in part]
    for name in names:
        for key in _entity_keys(name, stopwords):
            entities[key] = entities.get(key, 0.0) + 1.0
    return ArticleFeatures(
        article_id=article.id,
        language=article.language,
        terms=terms,
        entities=entities,
        numbers=numbers,
        day=_day(article.published),
        vector=vector,
    )


def lead(article: Article) -> str:
    """Title and first sentences: where a report says which event it is about."""
    body = " ".join(_body(article).split())
    sentences = _SENTENCE_END.split(body[: LEAD_CHARS * 2])
    text = ""
    for sentence in sentences[:LEAD_SENTENCES]:
        if text and len(text) + len(sentence) > LEAD_CHARS:
            break
        text = f"{text} {sentence}".strip()
    return f"{article.title}. {text}" if article.title else text


def embed_leads(articles: Sequence[Article], *, models: Models, batch_size: int = 64) -> np.ndarray:
    """One L2-normalised multilingual embedding of title and lead per article."""
    leads = [lead(a) for a in articles]
    parts = [models.embedder.encode(leads[i : i + batch_size]) for i in range(0, len(leads), batch_size)]
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack(parts).astype(np.float32, copy=False)
