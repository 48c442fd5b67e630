"""Session fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from recoupe.models import Models
from recoupe.records import StoryBrief, StoryInput
from recoupe.settings import Settings, load_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def models() -> Models:
    """The real models (spaCy French, USE multilingual), loaded once for the whole run."""
    return Models()


def _misquoted(brief: StoryBrief, story: StoryInput) -> list[str]:
    """Evidence of ``brief`` that is not verbatim in the clean text of its article."""
    texts = {a.id: a.clean_text for a in story.articles}
    spans = [e for item in (*brief.summary, *brief.claims, *brief.timeline) for e in item.evidence]
    spans += [e for conflict in brief.conflicts for position in conflict.positions for e in position.evidence]
    found = [(e.article, e.start, e.end, e.text) for e in spans]
    found += [(r.article, r.start, r.end, r.text) for quote in brief.quotes for r in quote.renderings]
    return [f"{a}[{s}:{e}] {t!r}" for a, s, e, t in found if texts.get(a, "")[s:e] != t]


@pytest.fixture(autouse=True, scope="session")
def every_brief_quotes_its_sources_verbatim() -> Iterator[None]:
    """Each brief any test makes through the cross-check cites only exact spans of clean_text."""
    import recoupe.crosscheck
    import recoupe.takein

    original = recoupe.crosscheck.cross_check

    def checked(story: StoryInput, **options: Any) -> StoryBrief:
        brief = original(story, **options)
        bad = _misquoted(brief, story)
        assert not bad, f"story {story.id}: evidence not verbatim in clean_text: {bad[:5]}"
        return brief

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recoupe.crosscheck, "cross_check", checked)
        patch.setattr(recoupe.takein, "cross_check", checked)
        yield
