"""The embedded store: one SQLite file (or memory), FTS5 for search.

The queries are :mod:`.sql`'s; this module connects, migrates the schema and
searches. A file store is in WAL mode, so readers never wait for a writer; a
write transaction begins IMMEDIATE, which takes the file's write lock at once,
so two processes writing to one store serialise instead of failing halfway.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError, StoreVersionError
from ..records import Article
from .base import SearchHit
from .sql import ARTICLE_COLUMNS, STAGES_SCHEMA, Cursor, SQLStore, _limit, article_row

SNIPPET_OPEN = "\u27e6"
SNIPPET_CLOSE = "\u27e7"

# Each entry upgrades the schema by one version (PRAGMA user_version). Append
# only: a shipped migration is never edited, a change is a new entry.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        input TEXT NOT NULL,
        format TEXT NOT NULL,
        language TEXT NOT NULL,
        title TEXT,
        url TEXT,
        outlet TEXT,
        published TEXT,
        credits TEXT NOT NULL,
        removed TEXT NOT NULL,
        extra TEXT NOT NULL,
        original TEXT NOT NULL,
        clean_text TEXT NOT NULL,
        duplicate_of TEXT,
        story TEXT
    );
    CREATE INDEX articles_story ON articles(story, published);
    CREATE INDEX articles_language ON articles(language, story);
    CREATE INDEX articles_outlet ON articles(outlet, story);
    CREATE INDEX articles_published ON articles(published, story);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, clean_text, content='articles', content_rowid='seq',
        tokenize="unicode61 remove_diacritics 2"
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, clean_text)
        VALUES (new.seq, new.title, new.clean_text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, clean_text)
        VALUES ('delete', old.seq, old.title, old.clean_text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, clean_text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, clean_text)
        VALUES ('delete', old.seq, old.title, old.clean_text);
        INSERT INTO articles_fts(rowid, title, clean_text)
        VALUES (new.seq, new.title, new.clean_text);
    END;

    CREATE TABLE input_errors (
        seq INTEGER PRIMARY KEY,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        line INTEGER
    );
    CREATE TABLE annotations (
        article TEXT PRIMARY KEY,
        data TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE copies (
        article TEXT PRIMARY KEY,
        duplicate_of TEXT,
        dispatch TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE vectors (
        kind TEXT NOT NULL,
        article TEXT NOT NULL,
        dim INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (kind, article)
    ) WITHOUT ROWID;
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        article_count INTEGER NOT NULL,
        first_published TEXT,
        last_published TEXT,
        sort_key TEXT NOT NULL,
        outlets TEXT NOT NULL,
        languages TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX stories_order ON stories(sort_key DESC, id);
    CREATE TABLE briefs (
        story TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        corroborated INTEGER NOT NULL,
        claims INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        data TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE state (
        name TEXT PRIMARY KEY,
        data TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # A brief's JSON runs to tens of kilobytes: inline in a WITHOUT ROWID tree it made the
    # story list read every listed brief whole for four small figures. In a rowid table
    # the figures stay in the row's first bytes and the JSON in overflow pages not read.
    """
    CREATE TABLE briefs_rowid (
        story TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        corroborated INTEGER NOT NULL,
        claims INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    INSERT INTO briefs_rowid (story, title, corroborated, claims, conflicts, data)
        SELECT story, title, corroborated, claims, conflicts, data FROM briefs;
    DROP TABLE briefs;
    ALTER TABLE briefs_rowid RENAME TO briefs;
    """,
    # Schema 3: see STAGES_SCHEMA.
    STAGES_SCHEMA.format(key="TEXT", big="INTEGER", blob="BLOB", compact="WITHOUT ROWID"),
)

SCHEMA_VERSION = len(MIGRATIONS)

# Words as FTS5's unicode61 tokenizer sees them; anything else in a user query
# (quotes, stars, parentheses, NEAR, column filters) is dropped, never parsed.
_QUERY_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Another process may hold the write lock for a whole take-in step.
_BUSY_MS = 120_000


class SQLiteStore(SQLStore):
    """A store in one SQLite file; ``path=None`` keeps it in memory."""

    errors_caught = (sqlite3.Error,)

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        super().__init__()
        self.path = None if path is None or str(path) == ":memory:" else Path(path)
        if self.path is not None and not self.path.exists():
            if not create:
                raise StoreError(f"there is no store at {self.path}; ingest articles first or check the path")
            if not self.path.parent.is_dir():
                raise StoreError(f"cannot create the store {self.path}: the folder {self.path.parent} does not exist")
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        try:
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self._where()} is not a usable recoupe store: {exc}") from exc
        except StoreError:
            self._conn.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            ":memory:" if self.path is None else str(self.path), isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        conn.execute("PRAGMA foreign_keys = OFF")
        return conn

    # -- dialect ----------------------------------------------------------------------
    def _where(self) -> str:
        return "the in-memory store" if self.path is None else f"the store {self.path}"

    def _writer(self) -> sqlite3.Connection:
        return self._conn

    def _new_reader(self) -> sqlite3.Connection | None:
        # An in-memory database lives in its one connection.
        return None if self.path is None else self._connect()

    def _begin(self, conn: sqlite3.Connection) -> sqlite3.Cursor:
        conn.execute("BEGIN IMMEDIATE")
        return conn.cursor()

    def _commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    def _rollback(self, conn: sqlite3.Connection) -> None:
        # Some failures (a full disk, an I/O error) already ended the transaction.
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def _take_lock(self, cur: Cursor, name: str) -> None:
        """BEGIN IMMEDIATE already holds the file's only write lock."""

    def _translate(self, sql: str) -> str:
        return sql

    def _in(self, column: str) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def _list(self, values: Sequence[Any]) -> str:
        return json.dumps(list(values))

    def _json_agg(self, expression: str) -> str:
        return f"json_group_array(DISTINCT {expression}) FILTER (WHERE {expression} IS NOT NULL)"

    def _insert_articles(self, cur: Cursor, articles: Sequence[Article]) -> None:
        cur.many(
            f"INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 16)})",
            [article_row(a) for a in articles],
        )

    def _story_search_clause(self, query: str) -> tuple[str, Any] | None:
        match = fts_query(query)
        if match is None:
            return None
        return (
            "s.id IN (SELECT a.story FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? AND a.story IS NOT NULL)",
            match,
        )

    # -- schema -------------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self._where()} has schema version {version}, written by a newer recoupe; this "
                f"version reads schema {SCHEMA_VERSION} at most. Upgrade recoupe "
                "(pip install -U recoupe) or use another store path."
            )
        if version == 0:
            tables = self._conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise StoreError(
                    f"{self._where()} is an SQLite database of another application (it has tables "
                    "but no recoupe schema); give a new path for the store"
                )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                # Another process may have upgraded the file since it was read.
                if self._conn.execute("PRAGMA user_version").fetchone()[0] < number:
                    for statement in _statements(MIGRATIONS[number - 1]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {number}")
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(self._conn)
                raise StoreError(f"cannot upgrade {self._where()} to schema version {number}: {exc}") from exc

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        rows = self._rows(
            "SELECT a.id, a.title, a.story, "
            f"snippet(articles_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16), "
            "articles_fts.rank "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
            (match, _limit(limit)),
        )
        return [
            SearchHit(article=aid, title=title, story=story, snippet=snippet, score=-float(rank))
            for aid, title, story, snippet, rank in rows
        ]

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._close_readers()
            self._conn.close()


def _statements(script: str) -> Any:
    """The SQL statements of a script, trigger bodies kept whole."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                yield buffer.strip()
            buffer = ""


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of ``text``; None if it has none.

    Each word is quoted, so no user input is ever read as FTS5 syntax.
    """
    words = query_words(text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words)


def query_words(text: str) -> list[str]:
    """The words of a user query; every other character is ignored."""
    return _QUERY_WORD.findall(text)
