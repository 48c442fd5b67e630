"""The shared store: PostgreSQL through psycopg 3 (``pip install 'recoupe[postgres]'``).

Same tables and semantics as the SQLite store. Full-text search uses a
``tsvector`` of the accent-folded title and text (folded in Python, so no
server extension is needed); snippets are cut from the clean text here.
Text columns that are compared or sorted use the "C" collation, so listings
come out in the same order as from SQLite whatever the server's locale.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..dedupe import fold
from ..errors import MissingDependency, NotFound, StoreError, StoreVersionError
from ..records import Annotations, Article, CopyGroups, InputError, StoryBrief
from ..serialize import from_jsonable, to_jsonable
from .base import AddResult, SearchHit, Store, StoryFilter, StorySummary
from .sqlite import (
    ARTICLE_COLUMNS,
    SNIPPET_CLOSE,
    SNIPPET_OPEN,
    article_from_row,
    article_row,
    dumps,
    query_words,
    story_where,
)

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
)

SCHEMA_VERSION = len(MIGRATIONS)
# Two processes opening a new database at once must not both migrate it.
_MIGRATION_LOCK = 0x7265636F

_SELECT_ARTICLES = f"SELECT seq, {ARTICLE_COLUMNS} FROM articles"
_PAGE = 500
_SNIPPET_WORDS = 16
_TEXT_WORD = re.compile(r"[^\W_]+")

_REFRESH_STORIES = """
    INSERT INTO stories (id, title, article_count, first_published, last_published, sort_key,
                         outlets, languages)
    SELECT a.story,
           COALESCE((SELECT t.title FROM articles t
                     WHERE t.story = a.story AND t.title IS NOT NULL AND t.title <> ''
                     ORDER BY t.published IS NULL, t.published, t.seq LIMIT 1), ''),
           count(*), min(a.published), max(a.published), COALESCE(max(a.published), ''),
           COALESCE(json_agg(DISTINCT a.outlet) FILTER (WHERE a.outlet IS NOT NULL), '[]')::text,
           json_agg(DISTINCT a.language)::text
    FROM articles a
    WHERE a.story = ANY(%s)
    GROUP BY a.story
    ON CONFLICT (id) DO UPDATE SET
        title = excluded.title, article_count = excluded.article_count,
        first_published = excluded.first_published, last_published = excluded.last_published,
        sort_key = excluded.sort_key, outlets = excluded.outlets, languages = excluded.languages
"""


class PostgresStore(Store):
    """A store in a PostgreSQL database given by a ``postgresql://`` URL."""

    def __init__(self, url: str) -> None:
        self._where = "the PostgreSQL store " + _redacted(url)
        try:
            self._conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open {self._where}: {exc}") from exc
        self._lock = threading.RLock()
        try:
            self._migrate()
        except (psycopg.Error, StoreError) as exc:
            self._conn.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot prepare {self._where}: {exc}") from exc

    def _migrate(self) -> None:
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self._conn.execute("CREATE TABLE IF NOT EXISTS recoupe_schema (version INTEGER NOT NULL)")
            row = self._conn.execute("SELECT max(version) FROM recoupe_schema").fetchone()
            version = (row[0] if row else None) or 0
            if version > SCHEMA_VERSION:
                raise StoreVersionError(
                    f"{self._where} has schema version {version}, written by a newer recoupe; this "
                    f"version reads schema {SCHEMA_VERSION} at most. Upgrade recoupe "
                    "(pip install -U recoupe) or use another database."
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                self._conn.execute(MIGRATIONS[number - 1])
                self._conn.execute("INSERT INTO recoupe_schema (version) VALUES (%s)", (number,))

    @contextmanager
    def _write(self) -> Iterator[psycopg.Cursor[Any]]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._lock:
            try:
                with self._conn.transaction(), self._conn.cursor() as cursor:
                    yield cursor
            except psycopg.Error as exc:
                raise StoreError(f"cannot write to {self._where}: {exc}") from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except psycopg.Error as exc:
                raise StoreError(f"cannot read {self._where}: {exc}") from exc

    # -- articles ------------------------------------------------------------------
    def add_articles(self, articles: Sequence[Article]) -> AddResult:
        added: list[str] = []
        existing: dict[str, str] = {}
        if not articles:
            return AddResult(added, existing)
        with self._write() as cur:
            cur.execute(
                "SELECT content_hash, id FROM articles WHERE content_hash = ANY(%s)",
                ([a.content_hash for a in articles],),
            )
            stored: dict[str, str] = dict(cur.fetchall())
            cur.execute("SELECT id FROM articles WHERE id = ANY(%s)", ([a.id for a in articles],))
            taken = {row[0] for row in cur.fetchall()}
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
                rows.append((*article_row(article), fold(f"{article.title or ''}\n{article.clean_text}")))
                if article.story is not None:
                    stories.add(article.story)
            cur.executemany(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, search) "
                f"VALUES ({', '.join(['%s'] * 16)}, to_tsvector('simple', %s))",
                rows,
            )
            if stories:
                cur.execute(_REFRESH_STORIES, (sorted(stories),))
        return AddResult(added, existing)

    def add_errors(self, errors: Sequence[InputError]) -> None:
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO input_errors (input, reason, line) VALUES (%s, %s, %s)",
                [(e.input, e.reason, e.line) for e in errors],
            )

    def errors(self) -> list[InputError]:
        rows = self._read("SELECT input, reason, line FROM input_errors ORDER BY seq")
        return [InputError(input=i, reason=r, line=line) for i, r, line in rows]

    def article(self, article_id: str) -> Article:
        rows = self._read(f"{_SELECT_ARTICLES} WHERE id = %s", (article_id,))
        if not rows:
            raise NotFound(f"no article {article_id!r} in {self._where}")
        return article_from_row(rows[0])

    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        if ids is not None:
            for start in range(0, len(ids), _PAGE):
                chunk = list(ids[start : start + _PAGE])
                rows = self._read(f"{_SELECT_ARTICLES} WHERE id = ANY(%s) ORDER BY seq", (chunk,))
                yield from map(article_from_row, rows)
            return
        last = 0
        while True:
            rows = self._read(f"{_SELECT_ARTICLES} WHERE seq > %s ORDER BY seq LIMIT %s", (last, _PAGE))
            if not rows:
                return
            last = rows[-1][0]
            yield from map(article_from_row, rows)

    def count_articles(self) -> int:
        return int(self._read("SELECT count(*) FROM articles")[0][0])

    # -- annotations and copies -------------------------------------------------------
    def save_annotations(self, annotations: Sequence[Annotations]) -> None:
        rows = [(a.article_id, dumps(to_jsonable(a))) for a in annotations]
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO annotations (article, data) VALUES (%s, %s) "
                "ON CONFLICT (article) DO UPDATE SET data = excluded.data",
                rows,
            )

    def annotations(self, ids: Sequence[str]) -> dict[str, Annotations]:
        rows = self._read("SELECT article, data FROM annotations WHERE article = ANY(%s)", (list(ids),))
        return {article: from_jsonable(Annotations, json.loads(data)) for article, data in rows}

    def save_copies(self, copies: CopyGroups) -> None:
        members = set(copies.dispatch) | set(copies.duplicate_of)
        rows = [
            (article, copies.duplicate_of.get(article), copies.dispatch.get(article, article))
            for article in members
        ]
        with self._write() as cur:
            cur.execute("DELETE FROM copies")
            cur.executemany("INSERT INTO copies (article, duplicate_of, dispatch) VALUES (%s, %s, %s)", rows)
            cur.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
            cur.execute(
                "UPDATE articles SET duplicate_of = c.duplicate_of FROM copies c "
                "WHERE c.article = articles.id AND c.duplicate_of IS NOT NULL"
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
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO vectors (kind, article, dim, data) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (kind, article) DO UPDATE SET dim = excluded.dim, data = excluded.data",
                rows,
            )

    def vectors(self, kind: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        rows = self._read(
            "SELECT article, data FROM vectors WHERE kind = %s AND article = ANY(%s)", (kind, list(ids))
        )
        return {article: np.frombuffer(bytes(data), dtype=np.float32).copy() for article, data in rows}

    # -- stories -----------------------------------------------------------------------
    def assign_stories(self, assignment: dict[str, str], *, replace: bool = False) -> None:
        ids = list(assignment)
        with self._write() as cur:
            cur.execute("SELECT id FROM articles WHERE id = ANY(%s)", (ids,))
            missing = sorted(set(ids) - {row[0] for row in cur.fetchall()})
            if missing:
                raise NotFound(
                    f"cannot assign stories: {len(missing)} article(s) not in {self._where}, "
                    f"e.g. {missing[:3]}; no story was changed"
                )
            cur.execute(
                "SELECT DISTINCT story FROM articles WHERE story IS NOT NULL AND id = ANY(%s)", (ids,)
            )
            before = {row[0] for row in cur.fetchall()}
            if replace:
                cur.execute("UPDATE articles SET story = NULL WHERE story IS NOT NULL")
                cur.execute("DELETE FROM stories")
            cur.execute(
                "UPDATE articles SET story = m.story FROM unnest(%s::text[], %s::text[]) AS m(id, story) "
                "WHERE articles.id = m.id",
                (ids, [assignment[i] for i in ids]),
            )
            touched = sorted(before | set(assignment.values()))
            cur.execute(_REFRESH_STORIES, (touched,))
            cur.execute(
                "DELETE FROM stories WHERE id = ANY(%s) "
                "AND id NOT IN (SELECT story FROM articles WHERE story = ANY(%s))",
                (touched, touched),
            )
            if replace:
                cur.execute("DELETE FROM briefs WHERE story NOT IN (SELECT id FROM stories)")

    def story_ids(self) -> list[str]:
        return [row[0] for row in self._read("SELECT id FROM stories ORDER BY sort_key DESC, id")]

    def story_articles(self, story_id: str) -> list[str]:
        rows = self._read(
            "SELECT id FROM articles WHERE story = %s ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        if not rows:
            raise NotFound(f"no story {story_id!r} in {self._where}")
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
            "ORDER BY s.sort_key DESC, s.id LIMIT %s OFFSET %s",
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
        with self._write() as cur:
            cur.execute(
                "INSERT INTO briefs (story, title, corroborated, claims, conflicts, data) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (story) DO UPDATE SET title = excluded.title, "
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
        rows = self._read("SELECT data FROM briefs WHERE story = %s", (story_id,))
        if not rows:
            raise NotFound(f"no brief for story {story_id!r} in {self._where}")
        return from_jsonable(StoryBrief, json.loads(rows[0][0]))

    def save_state(self, name: str, value: dict[str, Any]) -> None:
        with self._write() as cur:
            cur.execute(
                "INSERT INTO state (name, data) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET data = excluded.data",
                (name, dumps(value)),
            )

    def state(self, name: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM state WHERE name = %s", (name,))
        return json.loads(rows[0][0]) if rows else None

    # -- search -----------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        match = _ts_query(query)
        if match is None or limit <= 0:
            return []
        rows = self._read(
            "SELECT id, title, story, clean_text, ts_rank(search, q) FROM articles, "
            "plainto_tsquery('simple', %s) AS q WHERE search @@ q ORDER BY ts_rank(search, q) DESC, seq "
            "LIMIT %s",
            (match, limit),
        )
        words = set(match.split())
        return [
            SearchHit(article=aid, title=title, story=story, snippet=snippet(text, words), score=rank)
            for aid, title, story, text, rank in rows
        ]

    # -- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
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


def _story_where(filters: StoryFilter | None) -> tuple[str | None, list[Any]]:
    return story_where(
        filters,
        mark="%s",
        search_clause=(
            "s.id IN (SELECT story FROM articles "
            "WHERE search @@ plainto_tsquery('simple', {mark}) AND story IS NOT NULL)"
        ),
        search_param=_ts_query,
    )


def _ts_query(text: str) -> str | None:
    """Folded query words for plainto_tsquery, which reads no operator syntax."""
    words = [fold(word) for word in query_words(text)]
    return " ".join(words) if words else None


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
