"""The small story of tests/fixtures/crosscheck: four articles (one in English, one an altered copy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from recoupe.records import Article, CopyGroups, StoryInput

FIXTURE = Path(__file__).parent / "fixtures" / "crosscheck" / "incendie.json"


def fixture_data() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text("utf-8"))


def load_story(*, extra: list[dict[str, str]] | None = None, dispatch: dict[str, str] | None = None) -> StoryInput:
    """The fixture story, with ``extra`` articles added and ``dispatch`` groups overridden."""
    data = fixture_data()
    rows = [*data["articles"], *(extra or [])]
    articles = [
        Article(id=r["id"], input=r["id"], original=r["text"], clean_text=r["text"], language=r["language"],
                content_hash=r["id"], title=r.get("title"), outlet=r.get("outlet"))
        for r in rows
    ]
    groups = {**data["dispatch"], **(dispatch or {})}
    return StoryInput(data["id"], articles, {}, CopyGroups(dispatch={a.id: groups.get(a.id, a.id) for a in articles}))
