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
The index keeps its bands, anchors and groups in a storage: a store's, which
makes it persistent and incremental, or this process's memory.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article, CopyGroups
from .settings import DedupeSettings
from .store.base import CopyDoc

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


class CopyStorage(Protocol):
    """Where a copy index keeps its documents, LSH bands, anchors and groups: a store
    (:class:`recoupe.store.Store` implements this) or :class:`MemoryCopyStorage`."""

    def sequence(self, article_id: str) -> int: ...

    def copy_docs(self, ids: Sequence[str]) -> dict[str, CopyDoc]: ...

    def add_copy_doc(self, doc: CopyDoc, *, bands: Sequence[int], anchors: Sequence[int], cap: int) -> None: ...

    def band_matches(self, bands: Sequence[int]) -> set[str]: ...

    def anchor_postings(self, anchors: Sequence[int]) -> dict[int, list[str]]: ...

    def copies(self, ids: Sequence[str] | None = None) -> CopyGroups: ...

    def copy_members(self, dispatches: Sequence[str]) -> dict[str, list[str]]: ...

    def save_copies(self, copies: CopyGroups) -> None: ...


class MemoryCopyStorage:
    """A copy index's storage in this process's memory."""

    def __init__(self) -> None:
        self._docs: dict[str, CopyDoc] = {}
        self._bands: dict[int, list[str]] = {}
        self._postings: dict[int, list[str]] = {}
        self._groups = CopyGroups()
        self._members: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def sequence(self, article_id: str) -> int:
        doc = self._docs.get(article_id)
        return doc.seq if doc is not None else len(self._docs) + 1

    def copy_docs(self, ids: Sequence[str]) -> dict[str, CopyDoc]:
        return {i: self._docs[i] for i in ids if i in self._docs}

    def add_copy_doc(self, doc: CopyDoc, *, bands: Sequence[int], anchors: Sequence[int], cap: int) -> None:
        self._docs[doc.id] = doc
        for band in bands:
            self._bands.setdefault(band, []).append(doc.id)
        for anchor in dict.fromkeys(anchors):
            posting = self._postings.setdefault(anchor, [])
            if len(posting) < cap:
                posting.append(doc.id)

    def band_matches(self, bands: Sequence[int]) -> set[str]:
        return {article for band in bands for article in self._bands.get(band, ())}

    def anchor_postings(self, anchors: Sequence[int]) -> dict[int, list[str]]:
        return {a: list(self._postings[a]) for a in anchors if a in self._postings}

    def copies(self, ids: Sequence[str] | None = None) -> CopyGroups:
        wanted = self._groups.dispatch.keys() if ids is None else [i for i in ids if i in self._groups.dispatch]
        return CopyGroups(
            duplicate_of={i: self._groups.duplicate_of[i] for i in wanted if i in self._groups.duplicate_of},
            dispatch={i: self._groups.dispatch[i] for i in wanted},
        )

    def copy_members(self, dispatches: Sequence[str]) -> dict[str, list[str]]:
        return {d: list(self._members[d]) for d in dispatches if d in self._members}

    def save_copies(self, copies: CopyGroups) -> None:
        for article in set(copies.dispatch) | set(copies.duplicate_of):
            old = self._groups.dispatch.get(article)
            if old is not None:
                self._members[old].remove(article)
                if not self._members[old]:
                    del self._members[old]
            group = copies.dispatch.get(article, article)
            self._groups.dispatch[article] = group
            self._members.setdefault(group, []).append(article)
            if article in copies.duplicate_of:
                self._groups.duplicate_of[article] = copies.duplicate_of[article]
            else:
                self._groups.duplicate_of.pop(article, None)


class CopyIndex:
    """Copy detection for a stream: each article is compared with those before it.

    Everything it knows lives in its storage, so with a store's storage the index
    survives the process: a new article is compared with every stored one through
    the LSH bands and anchors kept in the store, and nothing is rebuilt.
    """

    def __init__(self, *, settings: DedupeSettings, storage: CopyStorage | None = None) -> None:
        settings.validate()
        self.settings = settings
        self.storage: CopyStorage = storage if storage is not None else MemoryCopyStorage()
        lsh = MinHashLSH(threshold=settings.candidate_threshold, num_perm=settings.num_perm)
        self._hashranges = list(lsh.hashranges)
        self._permutations = MinHash(num_perm=settings.num_perm).permutations
        self._by_hash: dict[str, str] = {}
        self._count = 0

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
        return self._count

    def add(self, article: Article) -> tuple[str | None, str]:
        """Index ``article``; returns (the earlier article it copies or None, its dispatch group id).

        A group id is the id of the group's earliest article. When a new article
        joins two groups, the later group takes the earlier one's id.
        """
        storage = self.storage
        known = storage.copies([article.id])
        if article.id in known.dispatch:
            return known.duplicate_of.get(article.id), known.dispatch[article.id]
        self._count += 1
        same = self._by_hash.get(article.content_hash)
        hashes = shingles(article.clean_text, words=self.settings.shingle_words)
        anchors = hashes[(hashes & _ANCHOR_MASK) == 0].tolist()
        doc = CopyDoc(
            id=article.id,
            seq=storage.sequence(article.id),
            shingles=hashes,
            anchors=len(anchors),
            credits=frozenset(fold(c).strip() for c in article.credits if c.strip()),
        )
        self._by_hash.setdefault(article.content_hash, article.id)
        if same is not None:
            # The content of an indexed article: it copies what its twin copies, or the twin,
            # which is what comparing it with every earlier article would find.
            twin = storage.copies([same])
            storage.add_copy_doc(doc, bands=[], anchors=[], cap=_MAX_POSTINGS)
            return self._join(doc, [same], copy_of=twin.duplicate_of.get(same, same))
        bands = self._bands(doc)
        candidates = storage.band_matches(bands) | self._anchor_candidates(anchors)
        candidates.discard(doc.id)
        storage.add_copy_doc(doc, bands=bands, anchors=anchors, cap=_MAX_POSTINGS)
        matched: list[str] = []
        copy_of: str | None = None
        for earlier in sorted(storage.copy_docs(sorted(candidates)).values(), key=lambda d: d.seq):
            shared_credit = bool(doc.credits & earlier.credits)
            found = relation(doc.shingles, earlier.shingles, shared_credit=shared_credit, settings=self.settings)
            if found is None:
                continue
            if found == "copy" and copy_of is None:
                copy_of = earlier.id
            matched.append(earlier.id)
        return self._join(doc, matched, copy_of=copy_of)

    def _join(self, doc: CopyDoc, matched: list[str], *, copy_of: str | None) -> tuple[str | None, str]:
        """Put ``doc`` in the group of the articles it matches, merging their groups."""
        storage = self.storage
        groups = set(storage.copies(matched).dispatch.values()) if matched else set()
        order = {d.id: d.seq for d in storage.copy_docs(sorted(groups)).values()}
        winner = min(groups, key=lambda g: (order.get(g, 0), g)) if groups else doc.id
        merged = [g for g in groups if g != winner]
        moved = [m for members in storage.copy_members(merged).values() for m in members]
        update = storage.copies(moved)
        update.dispatch = dict.fromkeys(moved, winner)
        update.dispatch[doc.id] = winner
        if copy_of is not None:
            update.duplicate_of[doc.id] = copy_of
        storage.save_copies(update)
        return copy_of, winner

    def groups(self) -> CopyGroups:
        """Every indexed article's dispatch group, and the copies among them."""
        return self.storage.copies()

    def _bands(self, doc: CopyDoc) -> list[int]:
        if not doc.shingles.size:
            return []
        # The shingle hashes are already well mixed, so the sketch applies the
        # affine permutations to them directly (uint32, wrapping).
        a, b = self._permutations
        values = (a[:, None] * doc.shingles + b[:, None]).min(axis=1).astype(np.uint64)
        keys = []
        for number, (start, end) in enumerate(self._hashranges):
            digest = hashlib.blake2b(values[start:end].tobytes(), digest_size=8, person=bytes([number])).digest()
            keys.append(int.from_bytes(digest, "big", signed=True))
        return keys

    def _anchor_candidates(self, anchors: list[int]) -> set[str]:
        postings = self.storage.anchor_postings(anchors)
        seen = Counter(article for posting in postings.values() for article in posting)
        fewest_of = {d.id: d.anchors for d in self.storage.copy_docs(sorted(seen)).values()}
        # A text sharing a passage with this one shares about that share of its anchors;
        # asking for half of what the loosest rule needs keeps the texts that merely share
        # stock phrases out of the exact check.
        loosest = min(self.settings.containment_threshold, self.settings.credit_containment) / 2
        out = set()
        for other, count in seen.items():
            fewest = min(len(anchors), fewest_of.get(other, 0))
            if count >= max(2, loosest * fewest) or count >= fewest:
                out.add(other)
        return out


def find_copies(articles: Sequence[Article], *, settings: DedupeSettings) -> CopyGroups:
    """Copies and dispatch groups of a collection, earlier articles (input order) first."""
    return CopyIndex.rebuild(articles, settings=settings).groups()
