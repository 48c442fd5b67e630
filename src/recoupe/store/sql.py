"""The queries of every SQL store, written once over a thin dialect layer.

:class:`SQLStore` holds every query; a dialect subclass (:mod:`.sqlite`,
:mod:`.postgres`) says how to connect, begin a transaction, take a lock, pass a
list of values and search the text, and owns its schema migrations. Queries are
written with ``?`` placeholders, which a dialect may rewrite.

Writes go through one writer connection, one transaction at a time per store
object; reads from another thread go through that thread's own connection, so
a long write never holds up a reader (the web server's GETs during a take-in).
A thread inside a transaction reads through the writer, and so sees its own
uncommitted writes.
"""

from __future__ import annotations

import contextlib
import json
import threading
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np

from ..errors import NotFound, StoreError
from ..records import Annotations, Article, CopyGroups, InputError, StoryBrief
from ..serialize import from_jsonable, to_jsonable
from .base import AddResult, CopyDoc, LoggedError, Stage, Store, StoryFilter, StorySummary

ARTICLE_COLUMNS = (
    "id, content_hash, input, format, language, title, url, outlet, published, credits, removed, "
    "extra, original, clean_text, duplicate_of, story"
)
_SELECT_ARTICLES = f"SELECT seq, {ARTICLE_COLUMNS} FROM articles"
_PAGE = 500
# The error log keeps this many distinct errors; older ones make way for new ones.
MAX_LOGGED_ERRORS = 10_000

# The tables for derived state that an interrupted run can finish (article stages, story
# versions that briefs record), the persistent copy index, keyed stage state, sentence
# matrices, and an input-error log kept once per input, line and reason. Every article
# starts again at stage 0: the next run indexes it for copies and skips what is done.
# Each dialect fills in its types: {key} a compared text key, {big} a 64-bit integer,
# {blob} bytes, {compact} a table option for small keyed rows.
STAGES_SCHEMA = """
    ALTER TABLE articles ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_pending ON articles(stage, seq) WHERE stage < 3;
    ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE stories ADD COLUMN briefed INTEGER NOT NULL DEFAULT 0;
    UPDATE stories SET briefed = 1 WHERE id IN (SELECT story FROM briefs);
    CREATE INDEX stories_stale ON stories(id) WHERE briefed < version;
    ALTER TABLE vectors ADD COLUMN rows INTEGER;
    CREATE TABLE items (
        namespace {key} NOT NULL,
        key {key} NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    ) {compact};
    CREATE TABLE copy_docs (
        article {key} PRIMARY KEY,
        seq {big} NOT NULL,
        shingles {blob} NOT NULL,
        anchors INTEGER NOT NULL,
        credits TEXT NOT NULL
    ) {compact};
    CREATE TABLE copy_bands (bucket {big} NOT NULL, article {key} NOT NULL);
    CREATE INDEX copy_bands_bucket ON copy_bands(bucket);
    CREATE TABLE copy_anchors (anchor {big} NOT NULL, article {key} NOT NULL);
    CREATE INDEX copy_anchors_anchor ON copy_anchors(anchor);
    CREATE INDEX copies_dispatch ON copies(dispatch);
    DELETE FROM input_errors WHERE seq NOT IN (
        SELECT min(seq) FROM input_errors GROUP BY input, line, reason);
    ALTER TABLE input_errors ADD COLUMN seen INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE input_errors ADD COLUMN first_seen TEXT NOT NULL DEFAULT '';
    ALTER TABLE input_errors ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';
    CREATE INDEX input_errors_key ON input_errors(input, reason);
"""


class Cursor:
    """A transaction's cursor with the dialect's placeholders applied."""

    def __init__(self, raw: Any, translate: Callable[[str], str]) -> None:
        self._raw = raw
        self._translate = translate

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._raw.execute(self._translate(sql), params)
        return self._raw.fetchall() if self._raw.description is not None else []

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._raw.execute(self._translate(sql), params)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._raw.executemany(self._translate(sql), rows)


class SQLStore(Store):
    """Every query of the SQL stores; see the module docstring."""

    #: the dialect's error class, turned into StoreError at the boundary
    errors_caught: tuple[type[BaseException], ...] = ()

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None
        self._cursor: Cursor | None = None
        self._local = threading.local()
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()

    # -- dialect --------------------------------------------------------------------
    @abstractmethod
    def _where(self) -> str:
        """The store named for an error message."""

    @abstractmethod
    def _writer(self) -> Any:
        """The connection writes go through."""

    @abstractmethod
    def _new_reader(self) -> Any | None:
        """A new connection for one reading thread, or None to read through the writer."""

    @abstractmethod
    def _begin(self, conn: Any) -> Any:
        """Begin a write transaction; returns a raw cursor."""

    @abstractmethod
    def _commit(self, conn: Any) -> None: ...

    @abstractmethod
    def _rollback(self, conn: Any) -> None: ...

    @abstractmethod
    def _take_lock(self, cur: Cursor, name: str) -> None:
        """Keep other writers out of ``name`` until the transaction ends."""

    @abstractmethod
    def _translate(self, sql: str) -> str: ...

    @abstractmethod
    def _in(self, column: str) -> str:
        """``column`` is one of a list passed as one parameter (see :meth:`_list`)."""

    @abstractmethod
    def _list(self, values: Sequence[Any]) -> Any: ...

    @abstractmethod
    def _json_agg(self, expression: str) -> str:
        """A JSON array text of the distinct values of ``expression``."""

    @abstractmethod
    def _insert_articles(self, cur: Cursor, articles: Sequence[Article]) -> None:
        """Insert new article rows (and whatever the dialect indexes for search)."""

    @abstractmethod
    def _story_search_clause(self, query: str) -> tuple[str, Any] | None:
        """A condition on ``s.id`` selecting stories with an article matching ``query``,
        and its parameter; None when the query has no word."""

    # -- plumbing ---------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        """A write transaction, or the one this thread already holds."""
        with self._lock:
            if self._depth:
                self._depth += 1
                assert self._cursor is not None, "a transaction at depth > 0 has a cursor"
                try:
                    yield self._cursor
                finally:
                    self._depth -= 1
                return
            conn = self._writer()
            try:
                raw = self._begin(conn)
            except self.errors_caught as exc:
                raise StoreError(f"cannot write to {self._where()}: {exc}") from exc
            cursor = self._cursor = Cursor(raw, self._translate)
            self._depth, self._owner = 1, threading.get_ident()
            try:
                yield cursor
                self._commit(conn)
            except self.errors_caught as exc:
                self._safe_rollback(conn)
                raise StoreError(f"cannot write to {self._where()}: {exc}") from exc
            except BaseException:
                self._safe_rollback(conn)
                raise
            finally:
                self._depth, self._owner, self._cursor = 0, None, None

    def _safe_rollback(self, conn: Any) -> None:
        # A failure that already ended the transaction (a lost connection, a full disk)
        # leaves nothing to roll back; the original error is the one to report.
        with contextlib.suppress(*self.errors_caught):
            self._rollback(conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._write():
            yield

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        with self._write() as cur:
            if self._depth == 1:
                self._take_lock(cur, name)
            yield

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._owner == threading.get_ident() and self._cursor is not None:
            return self._cursor.rows(sql, params)
        reader = self._reader()
        if reader is None:
            with self._lock:
                return self._read_with(self._writer(), sql, params)
        return self._read_with(reader, sql, params)

    def _rows_among(self, sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (whose last placeholder takes a list) for ``values``, a page at a time."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _PAGE):
            rows += self._rows(sql, (*params, self._list(list(values[start : start + _PAGE]))))
        return rows

    def _read_with(self, conn: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            cursor = conn.cursor()
            cursor.execute(self._translate(sql), params)
            return list(cursor.fetchall())
        except self.errors_caught as exc:
            raise StoreError(f"cannot read {self._where()}: {exc}") from exc

    def _reader(self) -> Any | None:
        reader = getattr(self._local, "reader", False)
        if reader is False:
            reader = self._new_reader()
            self._local.reader = reader
            if reader is not None:
                with self._readers_lock:
                    self._readers.append(reader)
        return reader

    def _close_readers(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        self._local = threading.local()

    # -- articles -------------------------------------------------------------------
    def add_articles(self, articles: Sequence[Article]) -> AddResult:
        added: list[str] = []
        existing: dict[str, str] = {}
        renamed: dict[str, str] = {}
        if not articles:
            return AddResult(added, existing, renamed)
        with self._write() as cur:
            stored = dict(
                cur.rows(
                    f"SELECT content_hash, id FROM articles WHERE {self._in('content_hash')}",
                    (self._list([a.content_hash for a in articles]),),
                )
            )
            fresh: list[Article] = []
            for article in articles:
                if article.content_hash in stored:
                    existing[article.id] = stored[article.content_hash]
                    continue
                stored[article.content_hash] = article.id
                fresh.append(article)
            taken = self._taken_ids(cur, [a.id for a in fresh])
            for article in fresh:
                if article.id in taken:
                    new_id = _free_id(article.id, taken)
                    renamed[article.id] = new_id
                    article.extra = {**article.extra, "version_of": article.id}
                    article.id = new_id
                taken.add(article.id)
                added.append(article.id)
            self._insert_articles(cur, fresh)
            stories = {a.story for a in fresh if a.story is not None}
            if stories:
                self._refresh_stories(cur, stories)
        return AddResult(added, existing, renamed)

    def _taken_ids(self, cur: Cursor, ids: Sequence[str]) -> set[str]:
        """The ids among ``ids`` (and their suffixed versions) that are already stored."""
        taken = {row[0] for row in cur.rows(f"SELECT id FROM articles WHERE {self._in('id')}", (self._list(ids),))}
        for base in list(taken):
            taken.update(
                row[0]
                for row in cur.rows("SELECT id FROM articles WHERE id >= ? AND id < ?", (base + "~", base + "\x7f"))
            )
        return taken

    def add_errors(self, errors: Sequence[InputError]) -> None:
        if not errors:
            return
        now = _now()
        unique = list(dict.fromkeys((e.input, e.line, e.reason) for e in errors))
        with self._write() as cur:
            for input_, line, reason in unique:
                found = cur.rows(
                    "SELECT seq FROM input_errors WHERE input = ? AND reason = ? AND "
                    + ("line IS NULL" if line is None else "line = ?"),
                    (input_, reason) if line is None else (input_, reason, line),
                )
                if found:
                    cur.run("UPDATE input_errors SET seen = seen + 1, last_seen = ? WHERE seq = ?", (now, found[0][0]))
                else:
                    cur.run(
                        "INSERT INTO input_errors (input, reason, line, seen, first_seen, last_seen) "
                        "VALUES (?, ?, ?, 1, ?, ?)",
                        (input_, reason, line, now, now),
                    )
            cur.run(
                "DELETE FROM input_errors WHERE seq <= "
                "(SELECT seq FROM input_errors ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (MAX_LOGGED_ERRORS,),
            )

    def errors(self, *, limit: int | None = None, offset: int = 0) -> list[InputError]:
        rows = self._rows(
            "SELECT input, reason, line FROM input_errors ORDER BY seq LIMIT ? OFFSET ?",
            (_limit(limit), max(offset, 0)),
        )
        return [InputError(input=i, reason=r, line=line) for i, r, line in rows]

    def error_log(self, *, limit: int = 100, offset: int = 0) -> list[LoggedError]:
        rows = self._rows(
            "SELECT input, line, reason, seen, first_seen, last_seen FROM input_errors "
            "ORDER BY last_seen DESC, seq DESC LIMIT ? OFFSET ?",
            (_limit(limit), max(offset, 0)),
        )
        return [LoggedError(*row) for row in rows]

    def count_errors(self) -> int:
        return int(self._rows("SELECT count(*) FROM input_errors")[0][0])

    def article(self, article_id: str) -> Article:
        rows = self._rows(f"{_SELECT_ARTICLES} WHERE id = ?", (article_id,))
        if not rows:
            raise NotFound(f"no article {article_id!r} in {self._where()}")
        return article_from_row(rows[0])

    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        if ids is not None:
            rows = self._rows_among(f"{_SELECT_ARTICLES} WHERE {self._in('id')}", ids)
            yield from map(article_from_row, sorted(rows, key=lambda row: row[0]))
            return
        # Paging by position instead of holding a cursor lets other threads use the
        # connection between pages and sees a consistent order under writes.
        last = 0
        while True:
            rows = self._rows(f"{_SELECT_ARTICLES} WHERE seq > ? ORDER BY seq LIMIT ?", (last, _PAGE))
            if not rows:
                return
            last = rows[-1][0]
            yield from map(article_from_row, rows)

    def count_articles(self) -> int:
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def pending(self, below: Stage, *, limit: int | None = 1000) -> list[str]:
        rows = self._rows("SELECT id FROM articles WHERE stage < ? ORDER BY seq LIMIT ?", (int(below), _limit(limit)))
        return [row[0] for row in rows]

    def ready(self, stage: Stage, *, limit: int | None = 1000) -> list[str]:
        rows = self._rows("SELECT id FROM articles WHERE stage = ? ORDER BY seq LIMIT ?", (int(stage), _limit(limit)))
        return [row[0] for row in rows]

    def mark(self, ids: Sequence[str], stage: Stage) -> None:
        if not ids:
            return
        with self._write() as cur:
            cur.run(
                f"UPDATE articles SET stage = ? WHERE stage < ? AND {self._in('id')}",
                (int(stage), int(stage), self._list(list(ids))),
            )

    # -- annotations and vectors ----------------------------------------------------------
    def save_annotations(self, annotations: Sequence[Annotations]) -> None:
        rows = [(a.article_id, dumps(to_jsonable(a))) for a in annotations]
        with self._write() as cur:
            cur.many(
                "INSERT INTO annotations (article, data) VALUES (?, ?) "
                "ON CONFLICT (article) DO UPDATE SET data = excluded.data",
                rows,
            )

    def annotations(self, ids: Sequence[str]) -> dict[str, Annotations]:
        rows = self._rows_among(f"SELECT article, data FROM annotations WHERE {self._in('article')}", ids)
        return {article: from_jsonable(Annotations, json.loads(data)) for article, data in rows}

    def save_vectors(self, kind: str, vectors: Mapping[str, np.ndarray]) -> None:
        rows = []
        for article, vector in vectors.items():
            array = np.ascontiguousarray(vector, dtype=np.float32)
            width = array.shape[-1] if array.ndim else 1
            shape_rows = array.shape[0] if array.ndim == 2 else None
            rows.append((kind, article, width, shape_rows, array.reshape(-1).tobytes()))
        with self._write() as cur:
            cur.many(
                "INSERT INTO vectors (kind, article, dim, rows, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, article) DO UPDATE SET dim = excluded.dim, rows = excluded.rows, "
                "data = excluded.data",
                rows,
            )

    def vectors(self, kind: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        sql = f"SELECT article, dim, rows, data FROM vectors WHERE kind = ? AND {self._in('article')}"
        for article, dim, shape_rows, data in self._rows_among(sql, ids, (kind,)):
            flat = np.frombuffer(bytes(data), dtype=np.float32).copy()
            out[article] = flat if shape_rows is None else flat.reshape(shape_rows, dim)
        return out

    # -- copies --------------------------------------------------------------------------
    def save_copies(self, copies: CopyGroups) -> None:
        members = sorted(set(copies.dispatch) | set(copies.duplicate_of))
        rows = [(a, copies.duplicate_of.get(a), copies.dispatch.get(a, a)) for a in members]
        with self._write() as cur:
            cur.many(
                "INSERT INTO copies (article, duplicate_of, dispatch) VALUES (?, ?, ?) "
                "ON CONFLICT (article) DO UPDATE SET duplicate_of = excluded.duplicate_of, "
                "dispatch = excluded.dispatch",
                rows,
            )
            cur.many("UPDATE articles SET duplicate_of = ? WHERE id = ?", [(dup, a) for a, dup, _ in rows])

    def copies(self, ids: Sequence[str] | None = None) -> CopyGroups:
        if ids is None:
            rows = self._rows("SELECT article, duplicate_of, dispatch FROM copies ORDER BY article")
        else:
            sql = f"SELECT article, duplicate_of, dispatch FROM copies WHERE {self._in('article')}"
            rows = sorted(self._rows_among(sql, ids))
        groups = CopyGroups()
        for article, duplicate_of, dispatch in rows:
            if duplicate_of is not None:
                groups.duplicate_of[article] = duplicate_of
            groups.dispatch[article] = dispatch
        return groups

    def sequence(self, article_id: str) -> int:
        rows = self._rows("SELECT seq FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise NotFound(f"no article {article_id!r} in {self._where()}")
        return int(rows[0][0])

    def copy_docs(self, ids: Sequence[str]) -> dict[str, CopyDoc]:
        sql = f"SELECT article, seq, shingles, anchors, credits FROM copy_docs WHERE {self._in('article')}"
        return {
            article: CopyDoc(
                article,
                int(seq),
                np.frombuffer(bytes(shingles), dtype=np.uint32).copy(),
                int(anchors),
                frozenset(json.loads(credits)),
            )
            for article, seq, shingles, anchors, credits in self._rows_among(sql, ids)
        }

    def add_copy_doc(self, doc: CopyDoc, *, bands: Sequence[int], anchors: Sequence[int], cap: int) -> None:
        with self._write() as cur:
            cur.run(
                "INSERT INTO copy_docs (article, seq, shingles, anchors, credits) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (article) DO NOTHING",
                (doc.id, doc.seq, doc.shingles.astype(np.uint32).tobytes(), doc.anchors, dumps(sorted(doc.credits))),
            )
            cur.many("INSERT INTO copy_bands (bucket, article) VALUES (?, ?)", [(b, doc.id) for b in bands])
            if anchors:
                full = {
                    row[0]
                    for row in cur.rows(
                        f"SELECT anchor FROM copy_anchors WHERE {self._in('anchor')} GROUP BY anchor "
                        "HAVING count(*) >= ?",
                        (self._list(list(anchors)), cap),
                    )
                }
                cur.many(
                    "INSERT INTO copy_anchors (anchor, article) VALUES (?, ?)",
                    [(a, doc.id) for a in dict.fromkeys(anchors) if a not in full],
                )

    def band_matches(self, bands: Sequence[int]) -> set[str]:
        if not bands:
            return set()
        rows = self._rows(
            f"SELECT DISTINCT article FROM copy_bands WHERE {self._in('bucket')}", (self._list(list(bands)),)
        )
        return {row[0] for row in rows}

    def anchor_postings(self, anchors: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        if not anchors:
            return out
        rows = self._rows(
            f"SELECT anchor, article FROM copy_anchors WHERE {self._in('anchor')}", (self._list(list(anchors)),)
        )
        for anchor, article in rows:
            out.setdefault(int(anchor), []).append(article)
        return out

    def copy_members(self, dispatches: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if not dispatches:
            return out
        rows = self._rows(
            f"SELECT dispatch, article FROM copies WHERE {self._in('dispatch')} ORDER BY article",
            (self._list(list(dispatches)),),
        )
        for dispatch, article in rows:
            out.setdefault(dispatch, []).append(article)
        return out

    # -- stories ---------------------------------------------------------------------------
    def assign_stories(self, assignment: Mapping[str, str], *, replace: bool = False) -> None:
        ids = list(assignment)
        with self._write() as cur:
            known = {row[0] for row in cur.rows(f"SELECT id FROM articles WHERE {self._in('id')}", (self._list(ids),))}
            missing = [i for i in ids if i not in known]
            if missing:
                raise NotFound(
                    f"cannot assign stories: {len(missing)} article(s) not in {self._where()}, "
                    f"e.g. {missing[:3]}; no story was changed"
                )
            before = {
                row[0]
                for row in cur.rows(
                    f"SELECT DISTINCT story FROM articles WHERE story IS NOT NULL AND {self._in('id')}",
                    (self._list(ids),),
                )
            }
            if replace:
                before |= {row[0] for row in cur.rows("SELECT id FROM stories")}
                cur.run("UPDATE articles SET story = NULL, stage = ? WHERE story IS NOT NULL", (int(Stage.ANNOTATED),))
            cur.many(
                "UPDATE articles SET story = ?, stage = ? WHERE id = ?",
                [(story, int(Stage.ASSIGNED), article) for article, story in assignment.items()],
            )
            self._refresh_stories(cur, before | set(assignment.values()))

    def _refresh_stories(self, cur: Cursor, story_ids: set[str]) -> None:
        """Recompute the listed figures of these stories; a story left with no article goes."""
        ids = self._list(sorted(story_ids))
        cur.run(
            f"""
            INSERT INTO stories (id, title, article_count, first_published, last_published, sort_key,
                                 outlets, languages, version, briefed)
            SELECT a.story,
                   COALESCE((SELECT t.title FROM articles t
                             WHERE t.story = a.story AND t.title IS NOT NULL AND t.title <> ''
                             ORDER BY t.published IS NULL, t.published, t.seq LIMIT 1), ''),
                   count(*), min(a.published), max(a.published), COALESCE(max(a.published), ''),
                   COALESCE({self._json_agg("a.outlet")}, '[]'),
                   COALESCE({self._json_agg("a.language")}, '[]'),
                   1, 0
            FROM articles a
            WHERE {self._in("a.story")}
            GROUP BY a.story
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, article_count = excluded.article_count,
                first_published = excluded.first_published, last_published = excluded.last_published,
                sort_key = excluded.sort_key, outlets = excluded.outlets, languages = excluded.languages,
                version = stories.version + 1
            """,
            (ids,),
        )
        cur.run(
            f"DELETE FROM stories WHERE {self._in('id')} AND NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.story = stories.id)",
            (ids,),
        )
        cur.run(
            f"DELETE FROM briefs WHERE {self._in('story')} AND NOT EXISTS "
            "(SELECT 1 FROM stories s WHERE s.id = briefs.story)",
            (ids,),
        )

    def story_ids(self) -> list[str]:
        return [row[0] for row in self._rows("SELECT id FROM stories ORDER BY sort_key DESC, id")]

    def story_articles(self, story_id: str) -> list[str]:
        rows = self._rows(
            "SELECT id FROM articles WHERE story = ? ORDER BY published IS NULL, published, seq", (story_id,)
        )
        if not rows:
            raise NotFound(f"no story {story_id!r} in {self._where()}")
        return [row[0] for row in rows]

    def story_version(self, story_id: str) -> int:
        rows = self._rows("SELECT version FROM stories WHERE id = ?", (story_id,))
        if not rows:
            raise NotFound(f"no story {story_id!r} in {self._where()}")
        return int(rows[0][0])

    def stale_stories(self, *, limit: int | None = 1000) -> list[str]:
        rows = self._rows("SELECT id FROM stories WHERE briefed < version ORDER BY id LIMIT ?", (_limit(limit),))
        return [row[0] for row in rows]

    def stories(self, *, filters: StoryFilter | None = None, limit: int = 50, offset: int = 0) -> list[StorySummary]:
        where, params = self._story_where(filters)
        if where is None:
            return []
        rows = self._rows(
            "SELECT s.id, COALESCE(b.title, s.title), s.article_count, s.first_published, "
            "s.last_published, s.outlets, s.languages, b.corroborated, b.claims, b.conflicts "
            f"FROM stories s LEFT JOIN briefs b ON b.story = s.id {where} "
            "ORDER BY s.sort_key DESC, s.id LIMIT ? OFFSET ?",
            (*params, _limit(limit), max(offset, 0)),
        )
        return [
            StorySummary(
                id=sid,
                title=title,
                article_count=count,
                first_published=first,
                last_published=last,
                outlets=sorted(o for o in json.loads(outlets) if o is not None),
                languages=sorted(x for x in json.loads(languages) if x is not None),
                corroborated=corroborated or 0,
                claims=claims or 0,
                conflicts=conflicts or 0,
            )
            for sid, title, count, first, last, outlets, languages, corroborated, claims, conflicts in rows
        ]

    def count_stories(self, *, filters: StoryFilter | None = None) -> int:
        where, params = self._story_where(filters)
        if where is None:
            return 0
        return int(self._rows(f"SELECT count(*) FROM stories s {where}", params)[0][0])

    def _story_where(self, filters: StoryFilter | None) -> tuple[str | None, list[Any]]:
        """The WHERE clause over ``stories s``; None when nothing can match."""
        if filters is None:
            return "", []
        clauses: list[str] = []
        params: list[Any] = []
        if filters.since is not None:
            clauses.append("s.last_published >= ?")
            params.append(filters.since)
        if filters.until is not None:
            # "~" sorts after every character of an ISO date, so a bare date
            # includes the whole day: 2024-05-01T18:00 <= 2024-05-01~.
            clauses.append("s.first_published <= ?")
            params.append(filters.until + "~")
        for column, value in (("language", filters.language), ("outlet", filters.outlet)):
            if value is not None:
                clauses.append(f"s.id IN (SELECT story FROM articles WHERE {column} = ? AND story IS NOT NULL)")
                params.append(value)
        if filters.query is not None:
            search = self._story_search_clause(filters.query)
            if search is None:
                return None, []
            clauses.append(search[0])
            params.append(search[1])
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def save_brief(self, story: StoryBrief, *, version: int | None = None) -> None:
        corroborated = sum(1 for claim in story.claims if claim.status == "corroborated")
        with self._write() as cur:
            current = cur.rows("SELECT version, briefed FROM stories WHERE id = ?", (story.id,))
            if not current:
                return
            made_from = current[0][0] if version is None else version
            if made_from < current[0][1]:
                # A newer brief is stored already (another writer was quicker): keep it.
                return
            cur.run(
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
            cur.run("UPDATE stories SET briefed = ? WHERE id = ? AND briefed < ?", (made_from, story.id, made_from))

    def brief(self, story_id: str) -> StoryBrief:
        rows = self._rows("SELECT data FROM briefs WHERE story = ?", (story_id,))
        if not rows:
            raise NotFound(f"no brief for story {story_id!r} in {self._where()}")
        return from_jsonable(StoryBrief, json.loads(rows[0][0]))

    def invalidate_briefs(self, story_ids: Sequence[str] | None = None) -> None:
        with self._write() as cur:
            if story_ids is None:
                cur.run("UPDATE stories SET briefed = 0")
                return
            for start in range(0, len(story_ids), _PAGE):
                cur.run(
                    f"UPDATE stories SET briefed = 0 WHERE {self._in('id')}",
                    (self._list(list(story_ids[start : start + _PAGE])),),
                )

    # -- consistency ---------------------------------------------------------------------
    _DIAGNOSES: ClassVar[dict[str, str]] = {
        "pending-copies": "SELECT count(*) FROM articles WHERE stage < 1",
        "pending-annotation": "SELECT count(*) FROM articles WHERE stage = 1",
        "pending-story": "SELECT count(*) FROM articles WHERE stage = 2",
        "stale-briefs": "SELECT count(*) FROM stories WHERE briefed < version",
        "lost-story": "SELECT count(*) FROM articles a WHERE a.stage >= 3 AND (a.story IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM stories s WHERE s.id = a.story))",
        "story-figures": "SELECT count(*) FROM stories s WHERE s.article_count <> "
        "(SELECT count(*) FROM articles a WHERE a.story = s.id)",
        "orphan-briefs": "SELECT count(*) FROM briefs b WHERE NOT EXISTS "
        "(SELECT 1 FROM stories s WHERE s.id = b.story)",
        "lost-annotations": "SELECT count(*) FROM articles a WHERE a.stage >= 2 AND NOT EXISTS "
        "(SELECT 1 FROM annotations n WHERE n.article = a.id)",
        "lost-copies": "SELECT count(*) FROM articles a WHERE a.stage >= 1 AND NOT EXISTS "
        "(SELECT 1 FROM copies c WHERE c.article = a.id)",
    }

    def diagnose(self) -> dict[str, int]:
        found = {kind: int(self._rows(sql)[0][0]) for kind, sql in self._DIAGNOSES.items()}
        return {kind: count for kind, count in found.items() if count}

    def heal(self, kinds: Sequence[str]) -> None:
        with self._write() as cur:
            if "lost-copies" in kinds:
                cur.run(
                    "UPDATE articles SET stage = 0 WHERE stage >= 1 AND NOT EXISTS "
                    "(SELECT 1 FROM copies c WHERE c.article = articles.id)"
                )
            if "lost-annotations" in kinds:
                cur.run(
                    "UPDATE articles SET stage = 1 WHERE stage >= 2 AND NOT EXISTS "
                    "(SELECT 1 FROM annotations n WHERE n.article = articles.id)"
                )
            if "lost-story" in kinds:
                cur.run(
                    "UPDATE articles SET stage = 2, story = NULL WHERE stage >= 3 AND (story IS NULL OR NOT EXISTS "
                    "(SELECT 1 FROM stories s WHERE s.id = articles.story))"
                )
            if "story-figures" in kinds or "lost-story" in kinds:
                wrong = {
                    row[0]
                    for row in cur.rows(
                        "SELECT s.id FROM stories s WHERE s.article_count <> "
                        "(SELECT count(*) FROM articles a WHERE a.story = s.id)"
                    )
                }
                if wrong:
                    self._refresh_stories(cur, wrong)
            if "orphan-briefs" in kinds:
                cur.run("DELETE FROM briefs WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = briefs.story)")

    # -- stage state ---------------------------------------------------------------------
    def save_state(self, name: str, value: dict[str, Any]) -> None:
        with self._write() as cur:
            cur.run(
                "INSERT INTO state (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
                (name, dumps(value)),
            )

    def state(self, name: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM state WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    def save_items(self, namespace: str, items: Mapping[str, Any]) -> None:
        gone = [key for key, value in items.items() if value is None]
        kept = [(namespace, key, dumps(value)) for key, value in items.items() if value is not None]
        with self._write() as cur:
            for start in range(0, len(gone), _PAGE):
                cur.run(
                    f"DELETE FROM items WHERE namespace = ? AND {self._in('key')}",
                    (namespace, self._list(gone[start : start + _PAGE])),
                )
            cur.many(
                "INSERT INTO items (namespace, key, data) VALUES (?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET data = excluded.data",
                kept,
            )

    def items(self, namespace: str, keys: Sequence[str] | None = None) -> dict[str, Any]:
        if keys is None:
            rows = self._rows("SELECT key, data FROM items WHERE namespace = ?", (namespace,))
        else:
            sql = f"SELECT key, data FROM items WHERE namespace = ? AND {self._in('key')}"
            rows = self._rows_among(sql, keys, (namespace,))
        return {key: json.loads(data) for key, data in rows}


def _free_id(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}~{number}" in taken:
        number += 1
    return f"{base}~{number}"


def _limit(limit: int | None) -> int:
    """A LIMIT every SQL dialect takes: no limit is the largest 64-bit integer."""
    return 2**63 - 1 if limit is None else max(0, min(limit, 2**63 - 1))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
