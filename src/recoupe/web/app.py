"""The HTTP API and the server-rendered pages, on one store.

Article text and metadata are untrusted: the templates autoescape everything, no
page carries a script, and every response gets a strict Content-Security-Policy.
Writes need a bearer token whenever the server listens beyond loopback.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import NotFound, RecoupeError
from ..models import Models
from ..records import Evidence
from ..render.json import article_dict, story_dict
from ..settings import Settings
from ..store import SNIPPET_CLOSE, SNIPPET_OPEN, open_store
from ..store.base import Store, StoryFilter
from .views import CHART_WIDTH, Citations, quotes_by_speaker, source_matrix, timeline_chart

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# The API docs page loads its own script and styles; it gets a policy of its own.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
)
SYNC_INGEST_MAX = 50


class ApiError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Jobs:
    """Ingest jobs run one at a time in a background thread (SQLite has one writer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self.status: dict[str, dict[str, Any]] = {}

    def start(self, run: Any) -> str:
        job_id = uuid.uuid4().hex[:12]
        with self._lock:
            self.status[job_id] = {"id": job_id, "state": "queued"}

        def work() -> None:
            with self._writer:
                self._set(job_id, state="running")
                try:
                    self._set(job_id, state="done", result=run())
                except RecoupeError as exc:
                    self._set(job_id, state="failed", error=str(exc))

        threading.Thread(target=work, daemon=True).start()
        return job_id

    def run_now(self, run: Any) -> Any:
        with self._writer:
            return run()

    def _set(self, job_id: str, **values: Any) -> None:
        with self._lock:
            self.status[job_id].update(values)


def create_app(
    *, db: str, settings: Settings, token: str | None = None, loopback_only: bool = True, models: Models | None = None
) -> FastAPI:
    """The app on the store ``db``; ``token`` is required for writes unless ``loopback_only``."""
    app = FastAPI(title="recoupe", version="1", description="Cross-checked story briefs of news articles.")
    templates = Environment(
        loader=FileSystemLoader(str(resources.files("recoupe").joinpath("web/templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    app.mount("/static", StaticFiles(directory=str(resources.files("recoupe").joinpath("web/static"))), name="static")
    jobs = _Jobs()
    shared_models = models or Models()
    with open_store(db):
        pass  # create and migrate once at start-up, not under the first request

    @contextmanager
    def store() -> Iterator[Store]:
        with open_store(db, create=False) as opened:
            yield opened

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        docs = request.url.path in ("/docs", "/redoc")
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.reason, page)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), page)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc), page)

    @app.exception_handler(RecoupeError)
    async def recoupe_error(request: Request, exc: RecoupeError) -> Response:
        return _error(request, 400, str(exc), page)

    # ------------------------------------------------------------------ API
    @app.get("/api/stories", summary="List stories (newest first), with filters and paging")
    def api_stories(
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        outlet: str | None = None,
        q: str | None = None,
    ) -> dict[str, Any]:
        filters = StoryFilter(since=since, until=until, language=language, outlet=outlet, query=q)
        with store() as s:
            return {
                "total": s.count_stories(filters=filters),
                "items": [asdict(row) for row in s.stories(filters=filters, limit=limit, offset=offset)],
            }

    @app.get("/api/stories/{story_id}", summary="One story's brief (the contract's story object)")
    def api_story(story_id: str) -> dict[str, Any]:
        with store() as s:
            brief = s.brief(story_id)
            articles = [article_dict(a, include_text=False) for a in s.articles(brief.articles)]
        return {**story_dict(brief), "article_records": articles}

    @app.get("/api/articles/{article_id:path}", summary="One article: clean text, removed parts, metadata")
    def api_article(article_id: str) -> dict[str, Any]:
        with store() as s:
            return article_dict(s.article(article_id), include_text=True)

    @app.get("/api/search", summary="Full-text search, accent- and case-insensitive")
    def api_search(q: str = Query(..., min_length=1), limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
        with store() as s:
            return {"query": q, "hits": [asdict(hit) for hit in s.search(q, limit=limit)]}

    @app.post(
        "/api/ingest",
        summary="Add articles: a JSON object, a JSON array of objects, or JSON Lines",
        description=f"Up to {SYNC_INGEST_MAX} articles are processed at once (200); more start a job (202).",
    )
    async def api_ingest(request: Request) -> Response:
        _check_token(request, token=token, loopback_only=loopback_only)
        body = await _read_limited(request, settings.serve.max_post_bytes)
        lines = _as_json_lines(body)

        def run() -> dict[str, Any]:
            return _ingest_lines(lines, db=db, settings=settings, models=shared_models)

        if len(lines) <= SYNC_INGEST_MAX:
            return JSONResponse(jobs.run_now(run))
        job_id = jobs.start(run)
        return JSONResponse({"job": job_id, "status_url": f"/api/jobs/{job_id}"}, status_code=202)

    @app.get("/api/jobs/{job_id}", summary="Status of an ingest job")
    def api_job(job_id: str) -> dict[str, Any]:
        if job_id not in jobs.status:
            raise ApiError(404, f"no job {job_id}")
        return jobs.status[job_id]

    # ---------------------------------------------------------------- pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request,
        page_number: int = Query(1, alias="page", ge=1),
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        outlet: str | None = None,
        q: str | None = None,
    ) -> HTMLResponse:
        filters = StoryFilter(
            since=since or None, until=until or None, language=language or None, outlet=outlet or None, query=q or None
        )
        size = settings.serve.page_size
        with store() as s:
            total = s.count_stories(filters=filters)
            rows = s.stories(filters=filters, limit=size, offset=(page_number - 1) * size)
        params = {k: v for k, v in request.query_params.items() if k != "page" and v}

        def link(number: int) -> str:
            return "/?" + urlencode({**params, "page": number})

        return page(
            "stories.html", stories=rows, total=total, filters=filters,
            prev_url=link(page_number - 1) if page_number > 1 else None,
            next_url=link(page_number + 1) if page_number * size < total else None,
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        with store() as s:
            brief = s.brief(story_id)
            articles = {a.id: a for a in s.articles(brief.articles)}
        return page("story.html", **_story_context(brief, articles))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        with store() as s:
            article = s.article(article_id)
        paragraphs = [p for p in article.clean_text.split("\n") if p.strip()]
        return page("article.html", article=article, paragraphs=paragraphs)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = "") -> HTMLResponse:
        hits: list[dict[str, Any]] = []
        if q.strip():
            with store() as s:
                hits = [{**asdict(h), "parts": _snippet_parts(h.snippet)} for h in s.search(q, limit=50)]
        return page("search.html", hits=hits, query=q)

    return app


def _story_context(brief: Any, articles: dict[str, Any]) -> dict[str, Any]:
    labels = {article_id: f"A{n}" for n, article_id in enumerate(brief.articles, start=1)}
    cites = Citations(articles, labels)
    sources = [
        {
            "label": labels[i], "id": i, "title": a.title or a.id, "outlet": a.outlet or "",
            "published": a.published or "",
            "language": a.language, "credits": ", ".join(a.credits),
            "copy_of": labels.get(a.duplicate_of, a.duplicate_of) if a.duplicate_of else "",
        }
        for i in brief.articles
        if (a := articles.get(i)) is not None
    ]
    outlets, matrix = source_matrix(brief, articles)
    claim_by_id = {c.id: c for c in brief.claims}
    matrix_rows = [
        {"claim": r.claim, "status": r.status, "cells": r.cells, "sources": claim_by_id[r.claim_id].independent_sources,
         "cites": cites.cite(claim_by_id[r.claim_id].evidence)}
        for r in matrix
    ]
    points, ticks = timeline_chart(brief)
    return {
        "story": brief,
        "sources": sources,
        "outlets": list(dict.fromkeys(s["outlet"] for s in sources if s["outlet"])),
        "summary": [{"text": s.text, "cites": cites.cite(s.evidence)} for s in brief.summary],
        "conflicts": [
            {"about": c.about, "positions": [{"value": p.value, "cites": cites.cite(p.evidence)} for p in c.positions]}
            for c in brief.conflicts
        ],
        "matrix_outlets": outlets,
        "matrix_rows": matrix_rows,
        "timeline": [{"date": e.date, "text": e.text, "cites": cites.cite(e.evidence)} for e in brief.timeline],
        "chart_points": points,
        "chart_ticks": ticks,
        "chart_width": CHART_WIDTH,
        "chart_height": max((p.y for p in points), default=0) + 30,
        "quote_groups": [
            (speaker, [
                {"renderings": [
                    {"text": r.text, "cue": r.cue, "cites": cites.cite([Evidence(r.article, r.start, r.end, r.text)])}
                    for r in q.renderings
                ]}
                for q in quotes
            ])
            for speaker, quotes in quotes_by_speaker(brief.quotes)
        ],
        "citations": list(cites.items.values()),
    }


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a search snippet at its match markers, so the template can escape each part."""
    parts: list[tuple[str, bool]] = []
    for chunk in snippet.split(SNIPPET_OPEN):
        hit, _, rest = chunk.partition(SNIPPET_CLOSE) if SNIPPET_CLOSE in chunk else ("", "", chunk)
        if hit:
            parts.append((hit, True))
        if rest:
            parts.append((rest, False))
    return parts


def _error(request: Request, status: int, reason: str, page: Any) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": reason, "status": status}, status_code=status)
    return page("error.html", status=status, reason=reason)


def _check_token(request: Request, *, token: str | None, loopback_only: bool) -> None:
    if loopback_only and token is None:
        return
    if token is None:
        raise ApiError(403, "writes are disabled: start the server with --token (or RECOUPE_TOKEN) to allow them")
    sent = request.headers.get("authorization", "")
    if not secrets.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise ApiError(401, "send the write token as 'Authorization: Bearer <token>'")


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(
            413, f"the body is {int(declared):,} bytes, over the {limit:,}-byte limit (serve.max_post_bytes)"
        )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise ApiError(413, f"the body is over the {limit:,}-byte limit (serve.max_post_bytes)")
    return bytes(body)


def _as_json_lines(body: bytes) -> list[str]:
    """The posted articles as JSON Lines, whatever of the three accepted shapes was sent."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise ApiError(400, "the body is empty: post a JSON object, a JSON array of objects, or JSON Lines")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return [line for line in text.splitlines() if line.strip()]
    items = parsed if isinstance(parsed, list) else [parsed]
    return [json.dumps(item, ensure_ascii=False) for item in items]


def _ingest_lines(lines: list[str], *, db: str, settings: Settings, models: Models) -> dict[str, Any]:
    from ..takein import take_in  # the NLP stages load only when something is posted

    with tempfile.TemporaryDirectory(prefix="recoupe-post-") as folder:
        path = Path(folder) / "posted.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with open_store(db) as s:
            report = take_in([str(path)], store=s, settings=settings, models=models)
            touched = report.stories
    return {
        "added": report.added,
        "already_stored": len(report.articles) - len(report.added),
        "stories": touched,
        "errors": [{"line": e.line, "reason": e.reason} for e in report.errors],
    }
