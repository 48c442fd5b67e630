"""The shared store: PostgreSQL through psycopg 3 (``pip install 'recoupe[postgres]'``).

The queries are :mod:`.sql`'s; this module connects, migrates the schema and
searches. Full-text search uses a ``tsvector`` of the accent-folded title and
text (folded in Python, so no server extension is needed); snippets are cut
from the clean text here. Text columns that are compared or sorted use the "C"
collation, so listings come out in the same order as from SQLite whatever the
server's locale. Writers that must not overlap (story assignment) take an
advisory lock for the length of their transaction.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

from ..dedupe import fold
from ..errors import MissingDependency, StoreError, StoreVersionError
from ..records import Article
from .base import SearchHit
from .sql import ARTICLE_COLUMNS, STAGES_SCHEMA, Cursor, SQLStore, _limit, article_row
from .sqlite import SNIPPET_CLOSE, SNIPPET_OPEN, query_words

try:
    import psycopg
except ImportError as exc:
    raise MissingDependency("psycopg", "postgres", "The PostgreSQL store") from exc

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        input TEXT NOT NULL,
        format TEXT NOT NULL,
        language TEXT NOT NULL,
        title TEXT,
        url TEXT,
        outlet TEXT,
        published TEXT COLLATE "C",
        credits TEXT NOT NULL,
        removed TEXT NOT NULL,
        extra TEXT NOT NULL,
        original TEXT NOT NULL,
        clean_text TEXT NOT NULL,
        duplicate_of TEXT,
        story TEXT COLLATE "C",
        search TSVECTOR NOT NULL
    );
    CREATE INDEX articles_story ON articles(story, published);
    CREATE INDEX articles_language ON articles(language, story);
    CREATE INDEX articles_outlet ON articles(outlet, story);
    CREATE INDEX articles_search ON articles USING GIN (search);
    CREATE TABLE input_errors (
        seq BIGSERIAL PRIMARY KEY,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        line INTEGER
    );
    CREATE TABLE annotations (article TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE copies (article TEXT COLLATE "C" PRIMARY KEY, duplicate_of TEXT, dispatch TEXT NOT NULL);
    CREATE TABLE vectors (
        kind TEXT NOT NULL,
        article TEXT NOT NULL,
        dim INTEGER NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (kind, article)
    );
    CREATE TABLE stories (
        id TEXT COLLATE "C" PRIMARY KEY,
        title TEXT NOT NULL,
        article_count INTEGER NOT NULL,
        first_published TEXT COLLATE "C",
        last_published TEXT COLLATE "C",
        sort_key TEXT COLLATE "C" NOT NULL,
        outlets TEXT NOT NULL,
        languages TEXT NOT NULL
    );
    CREATE INDEX stories_order ON stories(sort_key DESC, id);
    CREATE TABLE briefs (
        story TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        corroborated INTEGER NOT NULL,
        claims INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE state (name TEXT PRIMARY KEY, data TEXT NOT NULL);
    """,
    # Schema 2: see STAGES_SCHEMA (SQLite's schema 3).
    STAGES_SCHEMA.format(key='TEXT COLLATE "C"', big="BIGINT", blob="BYTEA", compact=""),
)

SCHEMA_VERSION = len(MIGRATIONS)
# Two processes opening a new database at once must not both migrate it.
_MIGRATION_LOCK = 0x7265636F
_SNIPPET_WORDS = 16
_TEXT_WORD = re.compile(r"[^\W_]+")


class PostgresStore(SQLStore):
    """A store in a PostgreSQL database given by a ``postgresql://`` URL."""

    errors_caught = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._label = "the PostgreSQL store " + _redacted(url)
        try:
            self._conn = psycopg.connect(url)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open {self._label}: {exc}") from exc
        try:
            self._migrate()
        except (psycopg.Error, StoreError) as exc:
            self._conn.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot prepare {self._label}: {exc}") from exc

    def _migrate(self) -> None:
        conn = self._conn
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS recoupe_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) FROM recoupe_schema").fetchone()
            version = (row[0] if row else None) or 0
            if version > SCHEMA_VERSION:
                raise StoreVersionError(
                    f"{self._label} has schema version {version}, written by a newer recoupe; this "
                    f"version reads schema {SCHEMA_VERSION} at most. Upgrade recoupe "
                    "(pip install -U recoupe) or use another database."
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                conn.execute(MIGRATIONS[number - 1])
                conn.execute("INSERT INTO recoupe_schema (version) VALUES (%s)", (number,))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    # -- dialect ----------------------------------------------------------------------
    def _where(self) -> str:
        return self._label

    def _writer(self) -> Any:
        return self._conn

    def _new_reader(self) -> Any:
        try:
            return psycopg.connect(self._url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open {self._label}: {exc}") from exc

    def _begin(self, conn: Any) -> Any:
        # The writer is not in autocommit mode: its first statement opens the transaction.
        return conn.cursor()

    def _commit(self, conn: Any) -> None:
        conn.commit()

    def _rollback(self, conn: Any) -> None:
        conn.rollback()

    def _take_lock(self, cur: Cursor, name: str) -> None:
        cur.run("SELECT pg_advisory_xact_lock(?)", (zlib.crc32(name.encode()),))

    def _translate(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _in(self, column: str) -> str:
        return f"{column} = ANY(?)"

    def _list(self, values: Sequence[Any]) -> list[Any]:
        return list(values)

    def _json_agg(self, expression: str) -> str:
        return f"(json_agg(DISTINCT {expression}) FILTER (WHERE {expression} IS NOT NULL))::text"

    def _insert_articles(self, cur: Cursor, articles: Sequence[Article]) -> None:
        cur.many(
            f"INSERT INTO articles ({ARTICLE_COLUMNS}, search) "
            f"VALUES ({', '.join('?' * 16)}, to_tsvector('simple', ?))",
            [(*article_row(a), fold(f"{a.title or ''}\n{a.clean_text}")) for a in articles],
        )

    def _story_search_clause(self, query: str) -> tuple[str, Any] | None:
        match = _ts_query(query)
        if match is None:
            return None
        return (
            "s.id IN (SELECT story FROM articles WHERE search @@ plainto_tsquery('simple', ?) AND story IS NOT NULL)",
            match,
        )

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        match = _ts_query(query)
        if match is None or limit <= 0:
            return []
        rows = self._rows(
            "SELECT id, title, story, clean_text, ts_rank(search, q) FROM articles, "
            "plainto_tsquery('simple', ?) AS q WHERE search @@ q ORDER BY ts_rank(search, q) DESC, seq "
            "LIMIT ?",
            (match, _limit(limit)),
        )
        words = set(match.split())
        return [
            SearchHit(article=aid, title=title, story=story, snippet=snippet(text, words), score=rank)
            for aid, title, story, text, rank in rows
        ]

    # -- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._close_readers()
            self._conn.close()


def snippet(text: str, words: set[str], *, size: int = _SNIPPET_WORDS) -> str:
    """About ``size`` words of ``text`` around the first of ``words`` (folded), marked."""
    tokens = list(_TEXT_WORD.finditer(text))
    hits = [i for i, token in enumerate(tokens) if fold(token.group()) in words]
    if not hits:
        return text[: tokens[size - 1].end()] + "…" if len(tokens) > size else text
    first = max(0, hits[0] - size // 4)
    last = min(len(tokens), first + size) - 1
    marked = set(hits)
    out = ["…" if first else ""]
    cursor = tokens[first].start()
    for i in range(first, last + 1):
        token = tokens[i]
        out.append(text[cursor : token.start()])
        out.append(f"{SNIPPET_OPEN}{token.group()}{SNIPPET_CLOSE}" if i in marked else token.group())
        cursor = token.end()
    out.append("…" if last < len(tokens) - 1 else text[cursor:])
    return "".join(out)


def _ts_query(text: str) -> str | None:
    """Folded query words for plainto_tsquery, which reads no operator syntax."""
    words = [fold(word) for word in query_words(text)]
    return " ".join(words) if words else None


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
