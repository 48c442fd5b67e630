from __future__ import annotations

import itertools
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recoupe.web.app import CSP, create_app, is_loopback
from recoupe.web.views import CHART_TICK_SPACING, source_matrix, timeline_chart

from .web_fixtures import HOSTILE_TITLE, build_store


class _ActiveContent(HTMLParser):
    """Collects every element or attribute through which a page could run code."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}]")


def _active_content(page: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "web.db"
    build_store(path)
    return str(path)


@pytest.fixture()
def client(db: str, settings) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(db=db, settings=settings))


def test_story_list_api_pages_and_filters(client: TestClient) -> None:
    data = client.get("/api/stories").json()
    assert data["total"] == 2
    assert {item["id"] for item in data["items"]} == {"s1", "s2"}
    assert client.get("/api/stories", params={"limit": 1}).json()["items"].__len__() == 1
    assert client.get("/api/stories", params={"outlet": "Info Matin"}).json()["total"] == 1
    assert client.get("/api/stories", params={"since": "2030-01-01"}).json()["total"] == 0


def test_story_api_follows_the_contract(client: TestClient) -> None:
    story = client.get("/api/stories/s1").json()
    for key in ("id", "title", "articles", "summary", "entities", "quotes", "claims", "conflicts", "timeline"):
        assert key in story
    assert story["conflicts"][0]["positions"][1]["value"] == "14"


def test_article_api_has_clean_text_and_removed(client: TestClient) -> None:
    article = client.get("/api/articles/a1.txt").json()
    assert article["clean_text"].startswith("Le pont")
    assert article["removed"] == ["Photo : AFP"]


@pytest.mark.parametrize("path", ["/api/stories/nope", "/api/articles/nope"])
def test_missing_things_are_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize("query", ["effondré", "EFFONDRE", 'pont" OR (', "*", "NEAR("])
def test_search_never_fails(client: TestClient, query: str) -> None:
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["hits"], list)


def test_search_is_accent_insensitive(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "effondre"}).json()["hits"]
    assert {h["article"] for h in hits} == {"a1.txt", "a2.txt"}


@pytest.mark.parametrize("path", ["/", "/stories/s1", "/stories/s2", "/articles/a1.txt", "/articles/hostile.html",
                                  "/search?q=pont", "/stories/none"])
def test_every_page_has_the_csp_and_no_script(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert _active_content(response.text) == []


def test_hostile_story_is_escaped(client: TestClient) -> None:
    page = client.get("/stories/s2").text
    assert "&lt;script&gt;" in page
    assert HOSTILE_TITLE not in page


def test_story_page_shows_every_part(client: TestClient) -> None:
    page = client.get("/stories/s1").text
    for marker in ('id="summary"', 'id="matrix"', 'id="quotes"', 'id="entities"', 'id="timeline"',
                   'id="conflicts"', 'class="chart"', 'class="cite"', "disputes"):
        assert marker in page


def test_ingest_requires_a_token_beyond_loopback(db: str, settings) -> None:  # type: ignore[no-untyped-def]
    open_client = TestClient(create_app(db=db, settings=settings, loopback_only=False))
    assert open_client.post("/api/ingest", content=b"{}").status_code == 403
    guarded = TestClient(create_app(db=db, settings=settings, token="s3cret", loopback_only=False))
    assert guarded.post("/api/ingest", content=b"{}").status_code == 401
    response = guarded.post("/api/ingest", content=b"", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 400
    assert "empty" in response.json()["error"]


def test_ingest_size_limit(db: str, settings) -> None:  # type: ignore[no-untyped-def]
    small = settings.replace("serve", max_post_bytes=100)
    response = TestClient(create_app(db=db, settings=small)).post("/api/ingest", content=b"x" * 500)
    assert response.status_code == 413
    assert "limit" in response.json()["error"]


def test_ingest_reports_bad_lines(client: TestClient) -> None:
    body = "\n".join(["{not json", json.dumps({"id": "empty", "text": ""})]).encode()
    response = client.post("/api/ingest", content=body)
    assert response.status_code == 200
    result = response.json()
    assert result["added"] == []
    assert {e["line"] for e in result["errors"]} == {1, 2}


def test_unknown_job_is_404(client: TestClient) -> None:
    assert client.get("/api/jobs/nothing").status_code == 404


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/ingest"} <= set(paths)


@pytest.mark.parametrize(("host", "expected"), [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                                 ("0.0.0.0", False), ("192.168.1.4", False)])
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_views_matrix_and_chart(db: str) -> None:
    from recoupe.store import open_store

    with open_store(db) as store:
        brief = store.brief("s1")
        articles = {a.id: a for a in store.articles(brief.articles)}
    outlets, rows = source_matrix(brief, articles)
    assert outlets == ["Le Quotidien", "Info Matin"]
    assert rows[0].cells == ["reports", "reports"]
    assert rows[1].cells == ["reports", "disputes"]
    points, ticks = timeline_chart(brief)
    assert len(points) == 1 and ticks[0][1] == "2024-03-12"


def test_chart_ticks_do_not_print_over_each_other() -> None:
    from recoupe.records import StoryBrief, TimelineEvent

    days = ["2023-05", "2023-09-10", "2023-09-12", "2023-09-13T11:43", "2023-09-13"]
    brief = StoryBrief(id="s", title="t", language="fr", articles=[],
                       timeline=[TimelineEvent(day, f"event {day}", []) for day in days])
    points, ticks = timeline_chart(brief)
    assert len(points) == len(days)
    assert [label for _, label in ticks] == ["2023-05", "2023-09-10"]
    assert all(b[0] - a[0] >= CHART_TICK_SPACING for a, b in itertools.pairwise(ticks))
