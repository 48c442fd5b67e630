"""Where articles, annotations, stories and briefs are kept.

:func:`open_store` picks the implementation from the target: nothing or
``:memory:`` for a throw-away in-memory store, a path for an SQLite file, a
``postgresql://`` URL for a shared PostgreSQL database.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .base import AddResult, CopyDoc, LoggedError, SearchHit, Stage, Store, StoryFilter, StorySummary
from .sqlite import SNIPPET_CLOSE, SNIPPET_OPEN, SQLiteStore

__all__ = [
    "SNIPPET_CLOSE",
    "SNIPPET_OPEN",
    "AddResult",
    "CopyDoc",
    "LoggedError",
    "SQLiteStore",
    "SearchHit",
    "Stage",
    "Store",
    "StoryFilter",
    "StorySummary",
    "open_store",
]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(target: str | Path | None, *, create: bool = True) -> Store:
    """The store at ``target``; with ``create=False`` a missing SQLite file is an error.

    A PostgreSQL database must exist already (recoupe creates its tables in it).
    """
    if isinstance(target, str) and target.startswith(_POSTGRES_SCHEMES):
        # Imported here: psycopg is an optional extra.
        from .postgres import PostgresStore

        return PostgresStore(target)
    if isinstance(target, str) and "://" in target:
        raise ConfigError(
            f"unknown store address {target!r}: give a file path (SQLite) or a postgresql:// URL"
        )
    return SQLiteStore(None if target in (None, ":memory:") else target, create=create)
