"""Web UI latency under a bounded load on loopback, with a store of generated stories.

The store is filled directly (articles, stories, briefs of realistic size) so the
figure measures the server, not the NLP stages. Requests come from a few client
threads for a fixed number of requests each; the server runs in this process on
127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..models import Models
from ..records import Article, Claim, Entity, Evidence, Quote, Rendering, StoryBrief, SummarySentence, TimelineEvent
from ..report import Report
from ..settings import Settings
from ..store import open_store

ARTICLES_PER_STORY = 10
CLIENTS = 4
REQUESTS_PER_CLIENT = 100
WORDS = (
    "le", "gouvernement", "a", "annoncé", "mardi", "une", "réforme", "des", "retraites", "qui", "doit", "entrer",
    "en", "vigueur", "janvier", "selon", "ministre", "plusieurs", "syndicats", "ont", "appelé", "à", "manifester",
    "dans", "les", "grandes", "villes", "du", "pays",
)


def _text(rng: random.Random, words: int) -> str:
    sentences = []
    while words > 0:
        length = rng.randint(12, 28)
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        words -= length
    return " ".join(sentences)


def fill_store(path: Path, *, articles: int, seed: int = 7) -> list[str]:
    """A store of ``articles`` generated articles in stories of ten, each with a brief; returns story ids."""
    rng = random.Random(seed)
    story_ids = []
    with open_store(path) as store:
        for first in range(0, articles, 1000):
            batch = []
            assignment = {}
            for n in range(first, min(articles, first + 1000)):
                text = _text(rng, 450)
                article = Article(
                    id=f"a{n:06d}", input=f"gen/a{n:06d}.txt", original=text, clean_text=text, language="fr",
                    content_hash=hashlib.sha256(f"{n}{text}".encode()).hexdigest(), title=f"Article {n}",
                    outlet=f"Outlet {n % 37}", published=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                )
                batch.append(article)
                assignment[article.id] = f"s{n // ARTICLES_PER_STORY:05d}"
            store.add_articles(batch)
            store.assign_stories(assignment)
            by_story: dict[str, list[Article]] = {}
            for article in batch:
                by_story.setdefault(assignment[article.id], []).append(article)
            for story_id, members in by_story.items():
                store.save_brief(_brief(story_id, members))
                story_ids.append(story_id)
    return story_ids


def _brief(story_id: str, members: list[Article]) -> StoryBrief:
    def span(article: Article, k: int) -> Evidence:
        start = (k * 97) % max(1, len(article.clean_text) - 120)
        return Evidence(article.id, start, start + 100, article.clean_text[start : start + 100])

    ids = [a.id for a in members]
    return StoryBrief(
        id=story_id, title=members[0].title or story_id, language="fr", articles=ids,
        summary=[SummarySentence(span(members[k], k).text, [span(m, k) for m in members[:3]]) for k in range(4)],
        entities=[
            Entity(f"e{k}", f"Nom {k}", "person", [f"Nom {k}", f"N. {k}"], ids[:5], 5) for k in range(20)
        ],
        quotes=[
            Quote(f"q{k}", f"e{k}", f"Nom {k}", [
                Rendering(m.id, span(m, k).text, span(m, k).start, span(m, k).end, "a déclaré") for m in members[:3]
            ])
            for k in range(6)
        ],
        claims=[
            Claim(f"c{k}", span(members[0], k).text, [span(m, k) for m in members[: 1 + k % 5]], 1 + k % 5,
                  "corroborated" if k % 5 else "single_source")
            for k in range(25)
        ],
        conflicts=[],
        timeline=[TimelineEvent(m.published or "2024", span(m, 1).text, [span(m, 1)]) for m in members[:5]],
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load(url: str, paths: list[str]) -> tuple[list[float], float]:
    import httpx

    latencies: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        with httpx.Client(timeout=30) as http:
            for n in range(REQUESTS_PER_CLIENT):
                started = time.perf_counter()
                http.get(url + paths[(offset + n) % len(paths)]).raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k * 7,)) for k in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def _start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """The server in its own process, so the load generator does not share its interpreter lock."""
    server = subprocess.Popen(
        [sys.executable, "-m", "recoupe", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("the benchmark server did not start within 60 s")


def run(*, sizes: list[int] | None = None, settings: Settings, models: Models) -> Report:
    report = Report(f"Web latency on loopback ({CLIENTS} clients × {REQUESTS_PER_CLIENT} requests per page kind)")
    for size in sizes or [10_000]:
        with tempfile.TemporaryDirectory(prefix="recoupe-bench-") as folder:
            db = Path(folder) / "bench.db"
            story_ids = fill_store(db, articles=size)
            port = _free_port()
            server = _start_server(db, port)
            url = f"http://127.0.0.1:{port}"
            pages = {
                "story list": [f"/?page={1 + k % 20}" for k in range(50)],
                "story page": [f"/stories/{story_ids[(k * 131) % len(story_ids)]}" for k in range(50)],
                "article page": [f"/articles/a{(k * 977) % size:06d}" for k in range(50)],
                "search": [f"/search?q={w}" for w in ("réforme", "syndicats", "ministre", "janvier")],
            }
            for name, paths in pages.items():
                latencies, elapsed = _load(url, paths)
                quantiles = statistics.quantiles(latencies, n=100)
                report.rows.append({
                    "articles": size, "page": name, "requests": len(latencies),
                    "requests/s": len(latencies) / elapsed, "p50 ms": 1000 * quantiles[49],
                    "p95 ms": 1000 * quantiles[94],
                })
            server.terminate()
            server.wait(timeout=30)
    return report
