"""The pages in Debian's Chromium, driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .web_fixtures import build_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("RECOUPE_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from recoupe.settings import load_settings
    from recoupe.web.app import create_app

    db = tmp_path_factory.mktemp("browser") / "web.db"
    build_store(db)
    port = _free_port()
    config = uvicorn.Config(create_app(db=str(db), settings=load_settings()), host="127.0.0.1", port=port,
                            log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


def test_clicking_a_citation_shows_its_span(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/stories/s1")
    assert page.locator("h1").inner_text() == "Effondrement du pont de Sainte-Marie"
    first_citation = page.locator("#summary a.cite").first
    target = first_citation.get_attribute("href")
    assert target is not None
    panel = page.locator(target)
    assert not panel.is_visible()
    first_citation.click()
    assert panel.is_visible()
    assert panel.locator("mark").inner_text() == "Le pont de Sainte-Marie s'est effondré mardi."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)
    page.close()


def test_hostile_articles_run_no_script_and_keep_the_layout(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("/", "/stories/s2", "/articles/hostile.html", "/search?q=script"):
        page.goto(f"{server}{path}")
        assert page.title() != "pwned"
        assert page.evaluate("document.scripts.length") == 0
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is wider than the window by {overflow}px"
        header_box = page.locator("header.top").bounding_box()
        assert header_box is not None and header_box["y"] == 0
    assert dialogs == []
    page.close()
