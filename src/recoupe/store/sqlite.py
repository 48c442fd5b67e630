"""The embedded store: one SQLite file (or memory), FTS5 for search.

Every public call runs in one transaction under one lock, so a call stores all
it was given or nothing, and the web server's threads can share the store.
Per-story figures are kept in a ``stories`` table refreshed whenever membership
changes, so listing stories never aggregates the whole article table.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFound, StoreError, StoreVersionError
from ..records import Annotations, Article, CopyGroups, InputError, StoryBrief
from ..serialize import from_jsonable, to_jsonable
from .base import AddResult, SearchHit, Store, StoryFilter, StorySummary

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
)

SCHEMA_VERSION = len(MIGRATIONS)

ARTICLE_COLUMNS = (
    "id, content_hash, input, format, language, title, url, outlet, published, credits, removed, "
    "extra, original, clean_text, duplicate_of, story"
)
_SELECT_ARTICLES = f"SELECT seq, {ARTICLE_COLUMNS} FROM articles"
_PAGE = 500

# Words as FTS5's unicode61 tokenizer sees them; anything else in a user query
# (quotes, stars, parentheses, NEAR, column filters) is dropped, never parsed.
_QUERY_WORD = re.compile(r"[^\W_]+", re.UNICODE)

_REFRESH_STORIES = """
    INSERT INTO stories (id, title, article_count, first_published, last_published, sort_key,
                         outlets, languages)
    SELECT a.story,
           COALESCE((SELECT t.title FROM articles t
                     WHERE t.story = a.story AND t.title IS NOT NULL AND t.title != ''
                     ORDER BY t.published IS NULL, t.published, t.seq LIMIT 1), ''),
           COUNT(*), MIN(a.published), MAX(a.published), COALESCE(MAX(a.published), ''),
           COALESCE(json_group_array(DISTINCT a.outlet) FILTER (WHERE a.outlet IS NOT NULL), '[]'),
           json_group_array(DISTINCT a.language)
    FROM articles a
    WHERE a.story IN (SELECT value FROM json_each(?))
    GROUP BY a.story
    ON CONFLICT (id) DO UPDATE SET
        title = excluded.title, article_count = excluded.article_count,
        first_published = excluded.first_published, last_published = excluded.last_published,
        sort_key = excluded.sort_key, outlets = excluded.outlets, languages = excluded.languages
"""


class SQLiteStore(Store):
    """A store in one SQLite file; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        self.path = None if path is None or str(path) == ":memory:" else Path(path)
        if self.path is not None and not self.path.exists():
            if not create:
                raise StoreError(
                    f"there is no store at {self.path}; ingest articles first or check the path"
                )
            if not self.path.parent.is_dir():
                raise StoreError(
                    f"cannot create the store {self.path}: the folder {self.path.parent} does not exist"
                )
        try:
            self._conn = sqlite3.connect(
                ":memory:" if self.path is None else str(self.path),
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        try:
            self._conn.execute("PRAGMA foreign_keys = OFF")
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self._where()} is not a usable recoupe store: {exc}") from exc
        except StoreError:
            self._conn.close()
            raise

    # -- plumbing ----------------------------------------------------------------
    def _where(self) -> str:
        return "the in-memory store" if self.path is None else f"the store {self.path}"

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self._where()} has schema version {version}, written by a newer recoupe; this "
                f"version reads schema {SCHEMA_VERSION} at most. Upgrade recoupe "
                "(pip install -U recoupe) or use another store path."
            )
        if version == 0:
            tables = self._conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
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
                self._rollback()
                raise StoreError(
                    f"cannot upgrade {self._where()} to schema version {number}: {exc}"
                ) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to {self._where()}: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(f"cannot write to {self._where()}: {exc}") from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        # Some failures (a full disk, an I/O error) already ended the transaction.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read {self._where()}: {exc}") from exc

    # -- articles ------------------------------------------------------------------
    def add_articles(self, articles: Sequence[Article]) -> AddResult:
        added: list[str] = []
        existing: dict[str, str] = {}
        if not articles:
            return AddResult(added, existing)
        with self._write() as conn:
            stored = dict(
                conn.execute(
                    "SELECT content_hash, id FROM articles WHERE content_hash IN "
                    "(SELECT value FROM json_each(?))",
                    (json.dumps([a.content_hash for a in articles]),),
                ).fetchall()
            )
            taken = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([a.id for a in articles]),),
                )
            }
            rows = []
            stories: set[str] = set()
            for article in articles:
                if article.content_hash in stored:
                    existing[article.id] = stored[article.content_hash]
                    continue
                if article.id in taken:
                    raise StoreError(
                        f"article id {article.id!r} (from {article.input}) is already stored with "
                        "different content; ids must be unique per content. Nothing from this "
                        "batch was stored."
                    )
                stored[article.content_hash] = article.id
                taken.add(article.id)
                added.append(article.id)
                rows.append(article_row(article))
                if article.story is not None:
                    stories.add(article.story)
            conn.executemany(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 16)})", rows
            )
            if stories:
                _refresh_stories(conn, stories)
        return AddResult(added, existing)

    def add_errors(self, errors: Sequence[InputError]) -> None:
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO input_errors (input, reason, line) VALUES (?, ?, ?)",
                [(e.input, e.reason, e.line) for e in errors],
            )

    def errors(self) -> list[InputError]:
        rows = self._read("SELECT input, reason, line FROM input_errors ORDER BY seq")
        return [InputError(input=i, reason=r, line=line) for i, r, line in rows]

    def article(self, article_id: str) -> Article:
        rows = self._read(f"{_SELECT_ARTICLES} WHERE id = ?", (article_id,))
        if not rows:
            raise NotFound(f"no article {article_id!r} in {self._where()}")
        return article_from_row(rows[0])

    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        if ids is not None:
            for start in range(0, len(ids), _PAGE):
                chunk = json.dumps(list(ids[start : start + _PAGE]))
                rows = self._read(
                    f"{_SELECT_ARTICLES} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY seq",
                    (chunk,),
                )
                yield from map(article_from_row, rows)
            return
        # Paging by position instead of holding a cursor lets other threads use
        # the connection between pages and sees a consistent order under writes.
        last = 0
        while True:
            rows = self._read(f"{_SELECT_ARTICLES} WHERE seq > ? ORDER BY seq LIMIT ?", (last, _PAGE))
            if not rows:
                return
            last = rows[-1][0]
            yield from map(article_from_row, rows)

    def count_articles(self) -> int:
        return int(self._read("SELECT count(*) FROM articles")[0][0])

    # -- annotations and copies -------------------------------------------------------
    def save_annotations(self, annotations: Sequence[Annotations]) -> None:
        rows = [(a.article_id, dumps(to_jsonable(a))) for a in annotations]
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO annotations (article, data) VALUES (?, ?) "
                "ON CONFLICT (article) DO UPDATE SET data = excluded.data",
                rows,
            )

    def annotations(self, ids: Sequence[str]) -> dict[str, Annotations]:
        rows = self._read(
            "SELECT article, data FROM annotations WHERE article IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {article: from_jsonable(Annotations, json.loads(data)) for article, data in rows}

    def save_copies(self, copies: CopyGroups) -> None:
        members = set(copies.dispatch) | set(copies.duplicate_of)
        rows = [
            (article, copies.duplicate_of.get(article), copies.dispatch.get(article, article))
            for article in members
        ]
        with self._write() as conn:
            conn.execute("DELETE FROM copies")
            conn.executemany("INSERT INTO copies (article, duplicate_of, dispatch) VALUES (?, ?, ?)", rows)
            conn.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
            conn.execute(
                "UPDATE articles SET duplicate_of = "
                "(SELECT c.duplicate_of FROM copies c WHERE c.article = articles.id) "
                "WHERE id IN (SELECT article FROM copies WHERE duplicate_of IS NOT NULL)"
            )

    def copies(self) -> CopyGroups:
        groups = CopyGroups()
        for article, duplicate_of, dispatch in self._read(
            "SELECT article, duplicate_of, dispatch FROM copies ORDER BY article"
        ):
            if duplicate_of is not None:
                groups.duplicate_of[article] = duplicate_of
            groups.dispatch[article] = dispatch
        return groups

    def save_vectors(self, kind: str, vectors: dict[str, np.ndarray]) -> None:
        rows = []
        for article, vector in vectors.items():
            flat = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
            rows.append((kind, article, flat.shape[0], flat.tobytes()))
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO vectors (kind, article, dim, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, article) DO UPDATE SET dim = excluded.dim, data = excluded.data",
                rows,
            )

    def vectors(self, kind: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        rows = self._read(
            "SELECT article, data FROM vectors WHERE kind = ? "
            "AND article IN (SELECT value FROM json_each(?))",
            (kind, json.dumps(list(ids))),
        )
        return {article: np.frombuffer(data, dtype=np.float32).copy() for article, data in rows}

    # -- stories -----------------------------------------------------------------------
    def assign_stories(self, assignment: dict[str, str], *, replace: bool = False) -> None:
        with self._write() as conn:
            before = {
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT story FROM articles WHERE story IS NOT NULL AND id IN "
                    "(SELECT value FROM json_each(?))",
                    (json.dumps(list(assignment)),),
                )
            }
            if replace:
                conn.execute("UPDATE articles SET story = NULL WHERE story IS NOT NULL")
                conn.execute("DELETE FROM stories")
            cursor = conn.executemany(
                "UPDATE articles SET story = ? WHERE id = ?",
                [(story, article) for article, story in assignment.items()],
            )
            if cursor.rowcount != len(assignment):
                missing = [
                    row[0]
                    for row in conn.execute(
                        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM articles)",
                        (json.dumps(list(assignment)),),
                    )
                ]
                raise NotFound(
                    f"cannot assign stories: {len(missing)} article(s) not in {self._where()}, "
                    f"e.g. {missing[:3]}; no story was changed"
                )
            _refresh_stories(conn, before | set(assignment.values()))
            if replace:
                conn.execute("DELETE FROM briefs WHERE story NOT IN (SELECT id FROM stories)")

    def story_ids(self) -> list[str]:
        return [row[0] for row in self._read("SELECT id FROM stories ORDER BY sort_key DESC, id")]

    def story_articles(self, story_id: str) -> list[str]:
        rows = self._read(
            "SELECT id FROM articles WHERE story = ? ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        if not rows:
            raise NotFound(f"no story {story_id!r} in {self._where()}")
        return [row[0] for row in rows]

    def stories(
        self, *, filters: StoryFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[StorySummary]:
        where, params = _story_where(filters)
        if where is None:
            return []
        rows = self._read(
            "SELECT s.id, COALESCE(b.title, s.title), s.article_count, s.first_published, "
            "s.last_published, s.outlets, s.languages, b.corroborated, b.claims, b.conflicts "
            f"FROM stories s LEFT JOIN briefs b ON b.story = s.id {where} "
            "ORDER BY s.sort_key DESC, s.id LIMIT ? OFFSET ?",
            (*params, max(limit, 0), max(offset, 0)),
        )
        return [
            StorySummary(
                id=sid,
                title=title,
                article_count=count,
                first_published=first,
                last_published=last,
                outlets=sorted(json.loads(outlets)),
                languages=sorted(json.loads(languages)),
                corroborated=corroborated or 0,
                claims=claims or 0,
                conflicts=conflicts or 0,
            )
            for sid, title, count, first, last, outlets, languages, corroborated, claims, conflicts in rows
        ]

    def count_stories(self, *, filters: StoryFilter | None = None) -> int:
        where, params = _story_where(filters)
        if where is None:
            return 0
        return int(self._read(f"SELECT count(*) FROM stories s {where}", params)[0][0])

    def save_brief(self, story: StoryBrief) -> None:
        corroborated = sum(1 for claim in story.claims if claim.status == "corroborated")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO briefs (story, title, corroborated, claims, conflicts, data) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (story) DO UPDATE SET title = excluded.title, "
                "corroborated = excluded.corroborated, claims = excluded.claims, "
                "conflicts = excluded.conflicts, data = excluded.data",
                (
                    story.id,
                    story.title,
                    corroborated,
                    len(story.claims),
                    len(story.conflicts),
                    dumps(to_jsonable(story)),
                ),
            )

    def brief(self, story_id: str) -> StoryBrief:
        rows = self._read("SELECT data FROM briefs WHERE story = ?", (story_id,))
        if not rows:
            raise NotFound(f"no brief for story {story_id!r} in {self._where()}")
        return from_jsonable(StoryBrief, json.loads(rows[0][0]))

    def save_state(self, name: str, value: dict[str, Any]) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO state (name, data) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET data = excluded.data",
                (name, dumps(value)),
            )

    def state(self, name: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM state WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    # -- search -----------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        rows = self._read(
            "SELECT a.id, a.title, a.story, "
            f"snippet(articles_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16), "
            "articles_fts.rank "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
            (match, limit),
        )
        return [
            SearchHit(article=aid, title=title, story=story, snippet=snippet, score=-float(rank))
            for aid, title, story, snippet, rank in rows
        ]

    # -- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _statements(script: str) -> Iterator[str]:
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


def story_where(
    filters: StoryFilter | None,
    *,
    mark: str,
    search_clause: str,
    search_param: Callable[[str], str | None],
) -> tuple[str | None, list[Any]]:
    """The WHERE clause over ``stories s`` for one SQL dialect; None when nothing can match.

    ``mark`` is the dialect's parameter placeholder; ``search_clause`` (with
    ``{mark}``) selects the story ids whose articles match ``search_param(query)``.
    """
    if filters is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since is not None:
        clauses.append(f"s.last_published >= {mark}")
        params.append(filters.since)
    if filters.until is not None:
        # "~" sorts after every character of an ISO date, so a bare date
        # includes the whole day: 2024-05-01T18:00 <= 2024-05-01~.
        clauses.append(f"s.first_published <= {mark}")
        params.append(filters.until + "~")
    for column, value in (("language", filters.language), ("outlet", filters.outlet)):
        if value is not None:
            clauses.append(
                f"s.id IN (SELECT story FROM articles WHERE {column} = {mark} AND story IS NOT NULL)"
            )
            params.append(value)
    if filters.query is not None:
        match = search_param(filters.query)
        if match is None:
            return None, []
        clauses.append(search_clause.format(mark=mark))
        params.append(match)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _story_where(filters: StoryFilter | None) -> tuple[str | None, list[Any]]:
    return story_where(
        filters,
        mark="?",
        search_clause=(
            "s.id IN (SELECT a.story FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH {mark} AND a.story IS NOT NULL)"
        ),
        search_param=fts_query,
    )


def _refresh_stories(conn: sqlite3.Connection, story_ids: set[str]) -> None:
    ids = json.dumps(sorted(story_ids))
    conn.execute(_REFRESH_STORIES, (ids,))
    conn.execute(
        "DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?)) "
        "AND id NOT IN (SELECT story FROM articles WHERE story IN (SELECT value FROM json_each(?)))",
        (ids, ids),
    )


def dumps(value: Any) -> str:
    """Compact JSON of a stored value; StoreError when it is not JSON."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"cannot store a value as JSON: {exc}") from exc


def article_row(a: Article) -> tuple[Any, ...]:
    return (
        a.id,
        a.content_hash,
        a.input,
        a.format,
        a.language,
        a.title,
        a.url,
        a.outlet,
        a.published,
        dumps(a.credits),
        dumps(a.removed),
        dumps(a.extra),
        a.original,
        a.clean_text,
        a.duplicate_of,
        a.story,
    )


def article_from_row(row: tuple[Any, ...]) -> Article:
    """An article from ``seq`` followed by the columns of :data:`ARTICLE_COLUMNS`."""
    (
        _seq,
        aid,
        content_hash,
        input_,
        format_,
        language,
        title,
        url,
        outlet,
        published,
        credits,
        removed,
        extra,
        original,
        clean_text,
        duplicate_of,
        story,
    ) = row
    return Article(
        id=aid,
        input=input_,
        original=original,
        clean_text=clean_text,
        language=language,
        content_hash=content_hash,
        format=format_,
        title=title,
        url=url,
        outlet=outlet,
        credits=json.loads(credits),
        published=published,
        removed=json.loads(removed),
        extra=json.loads(extra),
        duplicate_of=duplicate_of,
        story=story,
    )
