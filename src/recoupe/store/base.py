"""The store interface: the only boundary behind which SQL lives.

The SQLite store (default, embedded) and the PostgreSQL store (shared) implement
it through one SQL implementation (:mod:`.sql`); every other module talks to a
:class:`Store`, never to a database.

Derived state is tracked so that an interrupted run can be finished by the next
one: each article carries the last step done on it (:class:`Stage`), and each
story a version that a brief records, so a story whose articles changed after
its brief was written is known to need a new one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

from ..records import Annotations, Article, CopyGroups, InputError, StoryBrief

#: The inconsistencies :meth:`Store.diagnose` counts, with what each means.
PROBLEMS = {
    "pending-copies": "articles not yet checked for copies (an interrupted run)",
    "pending-annotation": "articles not yet annotated (an interrupted run)",
    "pending-story": "articles not yet in a story (an interrupted run)",
    "stale-briefs": "stories whose brief is missing or older than their articles",
    "lost-story": "articles marked as in a story that is not there",
    "story-figures": "stories whose listed figures do not match their articles",
    "orphan-briefs": "briefs of stories that are gone",
    "lost-annotations": "articles marked annotated that have no annotations",
    "lost-copies": "articles marked checked for copies that are not in the copy index",
}


class Stage(IntEnum):
    """The last step done on a stored article; every step below it is done too."""

    STORED = 0
    COPIES = 1
    ANNOTATED = 2
    ASSIGNED = 3


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_articles` did.

    ``added``: ids newly stored. ``existing``: for every input article whose
    content was already stored, the id it is stored under. ``renamed``: for
    every input article whose id was already taken by different content, the
    id it was stored under instead (``id~2``, ``id~3``…).
    """

    added: list[str] = field(default_factory=list)
    existing: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    title: str
    article_count: int
    first_published: str | None
    last_published: str | None
    outlets: list[str]
    languages: list[str]
    corroborated: int = 0
    claims: int = 0
    conflicts: int = 0


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Filters of :meth:`Store.stories`; None means no filter."""

    since: str | None = None
    until: str | None = None
    language: str | None = None
    outlet: str | None = None
    query: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: str
    title: str | None
    story: str | None
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class LoggedError:
    """An input error as the store keeps it: once per input, line and reason."""

    input: str
    line: int | None
    reason: str
    seen: int
    first_seen: str
    last_seen: str


@dataclass(frozen=True, slots=True)
class CopyDoc:
    """What copy detection keeps of an article: its shingle hashes (sorted, distinct),
    how many of them are anchors, its folded credits, and its place in the store."""

    id: str
    seq: int
    shingles: np.ndarray
    anchors: int
    credits: frozenset[str]


class Store(ABC):
    """Articles, their annotations, copy groups, stories and briefs.

    Writes are atomic per call: a call either stores everything it was given or
    nothing. :meth:`transaction` groups several calls into one, and
    :meth:`exclusive` also keeps every other writer out until it ends.
    """

    # -- transactions --------------------------------------------------------------
    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group the writes of the block into one transaction (re-entrant)."""

    @abstractmethod
    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """A transaction during which no other writer (thread or process) holds ``name``."""

    # -- articles ------------------------------------------------------------------
    @abstractmethod
    def add_articles(self, articles: Sequence[Article]) -> AddResult:
        """Store articles, keyed by content hash: the same content twice is one article.

        An id already taken by different content gets a suffix (see :class:`AddResult`);
        the article's ``id`` is changed in place and its ``extra["version_of"]`` names the
        id it was given.
        """

    @abstractmethod
    def add_errors(self, errors: Sequence[InputError]) -> None:
        """Log input errors, once per input, line and reason (a repeat counts as seen again)."""

    @abstractmethod
    def errors(self, *, limit: int | None = None, offset: int = 0) -> list[InputError]:
        """Logged input errors, first logged first."""

    @abstractmethod
    def error_log(self, *, limit: int = 100, offset: int = 0) -> list[LoggedError]:
        """Logged input errors with their counts, last seen first."""

    @abstractmethod
    def count_errors(self) -> int: ...

    @abstractmethod
    def article(self, article_id: str) -> Article:
        """The article with this id; raises NotFound."""

    @abstractmethod
    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Articles in insertion order (all of them, or those with the given ids)."""

    @abstractmethod
    def count_articles(self) -> int: ...

    @abstractmethod
    def pending(self, below: Stage, *, limit: int | None = 1000) -> list[str]:
        """Ids of articles whose last step is below ``below``, in insertion order."""

    @abstractmethod
    def ready(self, stage: Stage, *, limit: int | None = 1000) -> list[str]:
        """Ids of articles whose last step is ``stage``, in insertion order."""

    @abstractmethod
    def mark(self, ids: Sequence[str], stage: Stage) -> None:
        """Record that ``stage`` is done on these articles (a stage is never lowered)."""

    # -- annotations and vectors ------------------------------------------------------
    @abstractmethod
    def save_annotations(self, annotations: Sequence[Annotations]) -> None: ...

    @abstractmethod
    def annotations(self, ids: Sequence[str]) -> dict[str, Annotations]:
        """Stored annotations of these articles (missing ones are left out)."""

    @abstractmethod
    def save_vectors(self, kind: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Keep per-article arrays of one kind (a vector, or a matrix of one row per sentence)."""

    @abstractmethod
    def vectors(self, kind: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored arrays of that kind for these articles, in the shape saved (missing ones left out)."""

    # -- copies ---------------------------------------------------------------------
    @abstractmethod
    def save_copies(self, copies: CopyGroups) -> None:
        """Set the copy groups of the articles named in ``copies`` (also ``Article.duplicate_of``)."""

    @abstractmethod
    def copies(self, ids: Sequence[str] | None = None) -> CopyGroups:
        """The copy groups of these articles (all by default)."""

    @abstractmethod
    def sequence(self, article_id: str) -> int:
        """The article's place in insertion order; raises NotFound."""

    @abstractmethod
    def copy_docs(self, ids: Sequence[str]) -> dict[str, CopyDoc]: ...

    @abstractmethod
    def add_copy_doc(self, doc: CopyDoc, *, bands: Sequence[int], anchors: Sequence[int], cap: int) -> None:
        """Index an article for copy detection: its LSH band keys and its anchors (at most
        ``cap`` articles are kept per anchor)."""

    @abstractmethod
    def band_matches(self, bands: Sequence[int]) -> set[str]:
        """Articles sharing one of these LSH band keys."""

    @abstractmethod
    def anchor_postings(self, anchors: Sequence[int]) -> dict[int, list[str]]:
        """The articles indexed under each of these anchors."""

    @abstractmethod
    def copy_members(self, dispatches: Sequence[str]) -> dict[str, list[str]]:
        """The articles of each of these copy groups."""

    # -- stories -----------------------------------------------------------------
    @abstractmethod
    def assign_stories(self, assignment: Mapping[str, str], *, replace: bool = False) -> None:
        """Set the story of each article (its stage becomes ASSIGNED); with ``replace``
        every earlier story is dropped."""

    @abstractmethod
    def story_ids(self) -> list[str]: ...

    @abstractmethod
    def story_articles(self, story_id: str) -> list[str]:
        """Ids of the articles of a story; raises NotFound."""

    @abstractmethod
    def story_version(self, story_id: str) -> int:
        """The story's version: it goes up whenever its articles change; raises NotFound."""

    @abstractmethod
    def stale_stories(self, *, limit: int | None = 1000) -> list[str]:
        """Stories with no brief, or a brief older than their articles."""

    @abstractmethod
    def stories(
        self, *, filters: StoryFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[StorySummary]: ...

    @abstractmethod
    def count_stories(self, *, filters: StoryFilter | None = None) -> int: ...

    @abstractmethod
    def save_brief(self, story: StoryBrief, *, version: int | None = None) -> None:
        """Keep a story's brief, made from the story at ``version`` (default: the current one).
        A brief of a story that no longer exists is not kept."""

    @abstractmethod
    def brief(self, story_id: str) -> StoryBrief:
        """The stored brief of a story; raises NotFound."""

    @abstractmethod
    def invalidate_briefs(self, story_ids: Sequence[str] | None = None) -> None:
        """Make these stories' briefs (all by default) stale, so they are made again."""

    # -- consistency ------------------------------------------------------------------
    @abstractmethod
    def diagnose(self) -> dict[str, int]:
        """Counts of each kind of inconsistency between the tables (see :data:`PROBLEMS`)."""

    @abstractmethod
    def heal(self, kinds: Sequence[str]) -> None:
        """Undo what each kind of inconsistency left, so that the steps redo it."""

    # -- stage state ----------------------------------------------------------------
    @abstractmethod
    def save_state(self, name: str, value: dict[str, Any]) -> None:
        """Keep a stage's state as one JSON value."""

    @abstractmethod
    def state(self, name: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def save_items(self, namespace: str, items: Mapping[str, Any]) -> None:
        """Keep a stage's state piece by piece: JSON values by key; a None value deletes its key."""

    @abstractmethod
    def items(self, namespace: str, keys: Sequence[str] | None = None) -> dict[str, Any]:
        """The stored pieces of a namespace (all, or those with these keys)."""

    # -- search ------------------------------------------------------------------
    @abstractmethod
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search, accent- and case-insensitive."""

    # -- lifecycle ---------------------------------------------------------------
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
