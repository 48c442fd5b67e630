"""Copies and rewrites of one dispatch across a collection.

An agency dispatch republished by five outlets, word for word or lightly
edited, is one independent source; two outlets that wrote up the same event in
their own words are two. Texts are compared on word 5-grams ("shingles") of the
accent-folded, lower-cased clean text, which independent writing almost never
shares beyond a quotation, while a republished dispatch shares most of them.

MinHash LSH proposes candidate pairs (never all pairs); a second, sampled
index of shingles proposes texts that are cut or extended versions of another,
which Jaccard similarity alone misses. Every candidate pair is then checked on
the exact shingle sets, so a collision in the sketches never groups two texts.
"""

from __future__ import annotations

import re
import string
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article, CopyGroups
from .settings import DedupeSettings

Relation = Literal["copy", "rewrite"]

_TYPOGRAPHIC = "’‘“”«»–—‹›„·"
_ASCII_PUNCTUATION = bytes.maketrans(
    string.punctuation.encode(), b" " * len(string.punctuation)
)
# U+0300..U+036F, the combining diacritical marks, as UTF-8 byte pairs.
_COMBINING_UTF8 = re.compile(rb"\xcc[\x80-\xbf]|\xcd[\x80-\xaf]")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# One shingle in 16 is kept as an anchor for the containment index: enough to
# find a cut dispatch of a few paragraphs, few enough to keep the index small.
_ANCHOR_MASK = 0xF
# Anchors shared by this many texts are stock phrases, not a shared dispatch;
# they stop proposing candidates so the cost per text stays bounded.
_MAX_POSTINGS = 64
_ROLL = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)


def fold(text: str) -> str:
    """Lower-case, accent-free text: "Élysée" and "elysee" compare equal."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def shingles(text: str, *, words: int) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the ``words``-word shingles of ``text``.

    A text shorter than one shingle is a single shingle of all its words.
    """
    tokens = _tokens(text)
    count = len(tokens)
    if not count:
        return np.zeros(0, dtype=np.uint32)
    # crc32 rather than hash(): the values must not change between processes.
    hashes = np.fromiter(map(zlib.crc32, tokens), dtype=np.uint64, count=count)
    width = min(words, count)
    # A polynomial hash over each window of word hashes, in wrapping uint64
    # arithmetic, then a 64-bit finaliser so every output bit depends on every word.
    grams = hashes[: count - width + 1].copy()
    for offset in range(1, width):
        grams *= _ROLL
        grams += hashes[offset : count - width + 1 + offset]
    grams ^= grams >> np.uint64(33)
    grams *= _MIX1
    grams ^= grams >> np.uint64(29)
    grams *= _MIX2
    grams ^= grams >> np.uint64(32)
    values = np.sort((grams >> np.uint64(32)).astype(np.uint32))
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _tokens(text: str) -> list[bytes]:
    """The folded words of ``text`` as UTF-8 bytes.

    This runs on every word of every article, so it sticks to whole-string C
    operations: typographic punctuation and ASCII punctuation become spaces,
    combining accents are deleted from the bytes, and the rest is split.
    """
    folded = unicodedata.normalize("NFKD", text).casefold()
    for mark in _TYPOGRAPHIC:
        if mark in folded:
            folded = folded.replace(mark, " ")
    data = folded.encode()
    if not data.isascii():
        data = _COMBINING_UTF8.sub(b"", data)
    return data.translate(_ASCII_PUNCTUATION).split()


def relation(
    a: np.ndarray,
    b: np.ndarray,
    *,
    shared_credit: bool,
    settings: DedupeSettings,
) -> Relation | None:
    """How two shingle sets relate: a copy, a rewrite of one dispatch, or neither."""
    if not a.size or not b.size:
        return None
    common = _common(a, b)
    jaccard = common / (a.size + b.size - common)
    if jaccard >= settings.copy_threshold:
        return "copy"
    if jaccard >= settings.rewrite_threshold:
        return "rewrite"
    shorter = min(a.size, b.size)
    if shorter < settings.min_shingles:
        return None
    contained = common / shorter
    if contained >= settings.containment_threshold:
        return "rewrite"
    if shared_credit and contained >= settings.credit_containment:
        return "rewrite"
    return None


def _common(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted arrays of distinct values."""
    if a.size > b.size:
        a, b = b, a
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return int(np.count_nonzero(b[at] == a))


@dataclass(frozen=True, slots=True)
class _Doc:
    id: str
    content_hash: str
    shingles: np.ndarray
    anchors: int
    credits: frozenset[str]


class CopyIndex:
    """Copy detection for a stream: each article is compared with those before it."""

    def __init__(self, *, settings: DedupeSettings) -> None:
        settings.validate()
        self.settings = settings
        self._lsh = MinHashLSH(threshold=settings.candidate_threshold, num_perm=settings.num_perm)
        self._permutations = MinHash(num_perm=settings.num_perm).permutations
        self._docs: list[_Doc] = []
        self._by_id: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._postings: dict[int, list[int]] = {}
        self._parent: list[int] = []
        self._duplicate_of: dict[int, int] = {}

    @classmethod
    def rebuild(cls, articles: Iterable[Article], *, settings: DedupeSettings) -> CopyIndex:
        """The index after adding ``articles`` in order (e.g. a store's, in insertion order).

        Adding is deterministic, so this gives back exactly the groups found
        when the articles first came in.
        """
        index = cls(settings=settings)
        for article in articles:
            index.add(article)
        return index

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, article: Article) -> tuple[str | None, str]:
        """Index ``article``; returns (the earlier article it copies or None, its dispatch group id).

        A group id is the id of the group's earliest article. When a new article
        joins two groups, the later group takes the earlier one's id: read
        :meth:`groups` for the current ids of every article.
        """
        known = self._by_id.get(article.id)
        if known is not None:
            return self._answer(known)
        same = self._by_hash.get(article.content_hash)
        if same is not None:
            return self._add_identical(article, same)
        hashes = shingles(article.clean_text, words=self.settings.shingle_words)
        anchors = hashes[(hashes & _ANCHOR_MASK) == 0].tolist()
        doc = _Doc(
            id=article.id,
            content_hash=article.content_hash,
            shingles=hashes,
            anchors=len(anchors),
            credits=frozenset(fold(c).strip() for c in article.credits if c.strip()),
        )
        index = len(self._docs)
        candidates = self._candidates(doc, index, anchors)
        self._docs.append(doc)
        self._parent.append(index)
        self._by_id[doc.id] = index
        self._by_hash[doc.content_hash] = index
        for other in sorted(candidates):
            earlier = self._docs[other]
            found = relation(
                doc.shingles,
                earlier.shingles,
                shared_credit=bool(doc.credits & earlier.credits),
                settings=self.settings,
            )
            if found is None:
                continue
            if found == "copy" and index not in self._duplicate_of:
                self._duplicate_of[index] = other
            self._union(index, other)
        return self._answer(index)

    def _add_identical(self, article: Article, same: int) -> tuple[str | None, str]:
        """An article with the content of an indexed one: no need to shingle or index it.

        It copies what its twin copies, or the twin itself, which is exactly
        what comparing it with every earlier article would find.
        """
        index = len(self._docs)
        twin = self._docs[same]
        self._docs.append(_Doc(article.id, twin.content_hash, twin.shingles, twin.anchors, twin.credits))
        self._parent.append(index)
        self._by_id[article.id] = index
        self._duplicate_of[index] = self._duplicate_of.get(same, same)
        self._union(index, same)
        return self._answer(index)

    def groups(self) -> CopyGroups:
        """Every indexed article's dispatch group, and the copies among them."""
        return CopyGroups(
            duplicate_of={self._docs[i].id: self._docs[j].id for i, j in self._duplicate_of.items()},
            dispatch={doc.id: self._docs[self._find(i)].id for i, doc in enumerate(self._docs)},
        )

    def _answer(self, index: int) -> tuple[str | None, str]:
        original = self._duplicate_of.get(index)
        return (
            None if original is None else self._docs[original].id,
            self._docs[self._find(index)].id,
        )

    def _candidates(self, doc: _Doc, index: int, anchors: list[int]) -> set[int]:
        candidates: set[int] = set()
        if not doc.shingles.size:
            return candidates
        # The shingle hashes are already well mixed, so the sketch applies the
        # index's affine permutations to them directly (uint32, wrapping).
        a, b = self._permutations
        sketch = MinHash(
            hashvalues=(a[:, None] * doc.shingles + b[:, None]).min(axis=1),
            permutations=self._permutations,
            scheme="affine32",
        )
        candidates.update(self._lsh.query(sketch))
        self._lsh.insert(index, sketch, check_duplication=False)
        seen: list[int] = []
        for anchor in anchors:
            posting = self._postings.setdefault(anchor, [])
            if len(posting) < _MAX_POSTINGS:
                seen.extend(posting)
                posting.append(index)
        # A text sharing a passage with this one shares about that share of
        # its anchors; asking for half of what the loosest rule needs keeps the
        # texts that merely share stock phrases out of the exact check.
        loosest = min(self.settings.containment_threshold, self.settings.credit_containment) / 2
        for other, count in Counter(seen).items():
            fewest = min(len(anchors), self._docs[other].anchors)
            if count >= max(2, loosest * fewest) or count >= fewest:
                candidates.add(other)
        return candidates

    def _find(self, index: int) -> int:
        parent = self._parent
        root = index
        while parent[root] != root:
            root = parent[root]
        while parent[index] != root:
            parent[index], index = root, parent[index]
        return root

    def _union(self, a: int, b: int) -> None:
        # The smaller index wins, so a group is named after its earliest article.
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def find_copies(articles: Sequence[Article], *, settings: DedupeSettings) -> CopyGroups:
    """Copies and dispatch groups of a collection, earlier articles (input order) first."""
    return CopyIndex.rebuild(articles, settings=settings).groups()
