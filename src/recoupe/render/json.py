"""The brief as the contract's JSON (``recoupe.brief/1``)."""

from __future__ import annotations

import json
from typing import Any

from ..records import (
    Article,
    Brief,
    Claim,
    Conflict,
    Entity,
    Evidence,
    InputError,
    Quote,
    StoryBrief,
    SummarySentence,
    TimelineEvent,
)

SCHEMA_ID = "recoupe.brief/1"


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    return {"article": evidence.article, "start": evidence.start, "end": evidence.end, "text": evidence.text}


def article_dict(article: Article, *, include_text: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "input": article.input,
        "title": article.title,
        "outlet": article.outlet,
        "credits": list(article.credits),
        "published": article.published,
        "language": article.language,
        "url": article.url,
    }
    if include_text:
        data["clean_text"] = article.clean_text
    data["removed"] = list(article.removed)
    data["duplicate_of"] = article.duplicate_of
    data["story"] = article.story
    return data


def error_dict(error: InputError) -> dict[str, Any]:
    return {"input": error.input, "line": error.line, "reason": error.reason}


def _entity(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "variants": list(entity.variants),
        "articles": list(entity.articles),
        "mentions": entity.mentions,
    }


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "speaker": quote.speaker,
        "speaker_name": quote.speaker_name,
        "renderings": [
            {"article": r.article, "text": r.text, "start": r.start, "end": r.end, "cue": r.cue}
            for r in quote.renderings
        ],
    }


def _claim(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "text": claim.text,
        "evidence": [evidence_dict(e) for e in claim.evidence],
        "independent_sources": claim.independent_sources,
        "status": claim.status,
    }


def _conflict(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "about": conflict.about,
        "positions": [
            {"value": p.value, "evidence": [evidence_dict(e) for e in p.evidence]} for p in conflict.positions
        ],
    }


def _cited(item: TimelineEvent | SummarySentence) -> dict[str, Any]:
    data: dict[str, Any] = {"text": item.text, "evidence": [evidence_dict(e) for e in item.evidence]}
    if isinstance(item, TimelineEvent):
        data = {"date": item.date, **data}
    return data


def story_dict(story: StoryBrief) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "language": story.language,
        "articles": list(story.articles),
        "summary": [_cited(s) for s in story.summary],
        "entities": [_entity(e) for e in story.entities],
        "quotes": [_quote(q) for q in story.quotes],
        "claims": [_claim(c) for c in story.claims],
        "conflicts": [_conflict(c) for c in story.conflicts],
        "timeline": [_cited(t) for t in story.timeline],
    }


def brief_dict(brief: Brief, *, include_text: bool = False) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "generated_at": brief.generated_at,
        "articles": [article_dict(a, include_text=include_text) for a in brief.articles],
        "errors": [error_dict(e) for e in brief.errors],
        "stories": [story_dict(s) for s in brief.stories],
    }


def render_json(brief: Brief, *, include_text: bool = False) -> str:
    return json.dumps(brief_dict(brief, include_text=include_text), ensure_ascii=False, indent=2) + "\n"
