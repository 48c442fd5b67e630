"""What every reader shares: where a document came from, and records to RawDoc."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import InputProblem
from ..metadata import parse_date
from ..records import RawDoc
from .decode import repair


@dataclass(frozen=True, slots=True)
class Source:
    """One input file (or stdin): ``input`` as the user named it, ``doc_id`` its id base."""

    input: str
    doc_id: str


# Field names accepted for each RawDoc field, in order of preference, compared
# case-insensitively: exporters disagree on names, the meaning is the same.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid", "doc_id", "article_id"),
    "url": ("url", "link", "href", "uri"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article", "maintext"),
    "published": ("published", "date", "pubdate", "published_at", "publication_date", "datetime", "time"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher", "media"),
    "language": ("language", "lang", "locale"),
    "credits": ("credits", "credit", "agency", "agencies"),
}


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _credits(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, list):
        return [str(item).strip() for item in value if isinstance(item, (str, int)) and str(item).strip()]
    return []


def record_to_rawdoc(
    record: Mapping[str, Any],
    *,
    source: Source,
    input: str,
    default_id: str,
    line: int | None,
    original: str,
    format: str,
) -> RawDoc:
    """A RawDoc from a JSON object or a CSV row; fields it does not know go to ``extra``.

    Raises InputProblem when the record has no text.
    """
    lowered = {str(key).strip().lower(): key for key in record}
    picked: dict[str, Any] = {}
    used: set[Any] = set()
    for name, aliases in FIELDS.items():
        for alias in aliases:
            key = lowered.get(alias)
            if key is not None and record[key] not in (None, ""):
                picked[name] = record[key]
                used.add(key)
                break
    text = picked.get("text")
    if isinstance(text, list) and all(isinstance(part, str) for part in text):
        # Some exporters keep the paragraphs as a list.
        text = "\n\n".join(text)
    if not isinstance(text, str) or not text.strip():
        where = f"line {line}: " if line is not None else ""
        names = ", ".join(f'"{alias}"' for alias in FIELDS["text"][:3])
        raise InputProblem(f"{where}no article text (expected a {names} field with text)", line=line)
    extra = {str(key): value for key, value in record.items() if key not in used}
    published_raw = _scalar(picked.get("published"))
    published = _from_timestamp(picked.get("published")) or parse_date(published_raw)
    if published_raw and published is None:
        extra["published_raw"] = published_raw
    title = _scalar(picked.get("title"))
    return RawDoc(
        input=input,
        doc_id=_scalar(picked.get("id")) or default_id,
        original=original,
        body=repair(text),
        format=format,
        line=line,
        title=repair(title) if title else None,
        url=_scalar(picked.get("url")),
        outlet=_scalar(picked.get("outlet")) or _nested_name(picked.get("outlet")),
        published=published,
        language=_scalar(picked.get("language")),
        credits=_credits(picked.get("credits")),
        extra=json.loads(json.dumps(extra, default=str)),
    )


def _nested_name(value: Any) -> str | None:
    """``{"name": "Le Monde"}``-style sources, as some news APIs export them."""
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("title"))
    return None


def _from_timestamp(value: Any) -> str | None:
    """A Unix time in seconds or milliseconds, as APIs export dates, in UTC."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = value / 1000 if 1e11 < value < 1e14 else value
    if not 1e8 < seconds < 1e10:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")
