"""The store interface: the only boundary behind which SQL lives.

The SQLite store (default, embedded) and the PostgreSQL store (shared) implement
it; every other module talks to a :class:`Store`, never to a database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..records import Annotations, Article, CopyGroups, InputError, StoryBrief


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_articles` did: ids newly stored, and for every input
    article that was already stored (same content hash) the id it is stored under."""

    added: list[str] = field(default_factory=list)
    existing: dict[str, str] = field(default_factory=dict)


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


class Store(ABC):
    """Articles, their annotations, copy groups, stories and briefs.

    Writes are atomic per call: a call either stores everything it was given or
    nothing, so an interrupted ingest never leaves a half-written store.
    """

    # -- articles --------------------------------------------------------------
    @abstractmethod
    def add_articles(self, articles: Sequence[Article]) -> AddResult:
        """Store articles, keyed by content hash: the same content twice is one article."""

    @abstractmethod
    def add_errors(self, errors: Sequence[InputError]) -> None: ...

    @abstractmethod
    def errors(self) -> list[InputError]: ...

    @abstractmethod
    def article(self, article_id: str) -> Article:
        """The article with this id; raises NotFound."""

    @abstractmethod
    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Articles in insertion order (all of them, or those with the given ids)."""

    @abstractmethod
    def count_articles(self) -> int: ...

    # -- annotations and copies -----------------------------------------------
    @abstractmethod
    def save_annotations(self, annotations: Sequence[Annotations]) -> None: ...

    @abstractmethod
    def annotations(self, ids: Sequence[str]) -> dict[str, Annotations]:
        """Stored annotations of these articles (missing ones are left out)."""

    @abstractmethod
    def save_copies(self, copies: CopyGroups) -> None:
        """Replace the copy groups (also sets ``Article.duplicate_of``)."""

    @abstractmethod
    def copies(self) -> CopyGroups: ...

    @abstractmethod
    def save_vectors(self, kind: str, vectors: dict[str, np.ndarray]) -> None:
        """Keep per-article vectors of one kind (e.g. the title-and-lead embedding)."""

    @abstractmethod
    def vectors(self, kind: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of that kind for these articles (missing ones are left out)."""

    # -- stories -----------------------------------------------------------------
    @abstractmethod
    def assign_stories(self, assignment: dict[str, str], *, replace: bool = False) -> None:
        """Set the story of each article; with ``replace`` every earlier story is dropped."""

    @abstractmethod
    def story_ids(self) -> list[str]: ...

    @abstractmethod
    def story_articles(self, story_id: str) -> list[str]:
        """Ids of the articles of a story; raises NotFound."""

    @abstractmethod
    def stories(
        self, *, filters: StoryFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[StorySummary]: ...

    @abstractmethod
    def count_stories(self, *, filters: StoryFilter | None = None) -> int: ...

    @abstractmethod
    def save_brief(self, story: StoryBrief) -> None: ...

    @abstractmethod
    def brief(self, story_id: str) -> StoryBrief:
        """The stored brief of a story; raises NotFound."""

    @abstractmethod
    def save_state(self, name: str, value: dict[str, Any]) -> None:
        """Keep a stage's state (e.g. the online clusterer's) as JSON."""

    @abstractmethod
    def state(self, name: str) -> dict[str, Any] | None: ...

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
