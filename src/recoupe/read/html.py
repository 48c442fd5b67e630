"""HTML pages: trafilatura finds the main text and the page metadata."""

from __future__ import annotations

from collections.abc import Iterator

import trafilatura

from ..errors import InputProblem
from ..metadata import parse_date
from ..records import InputError, RawDoc
from .base import Source
from .decode import repair


def read_html(text: str, source: Source) -> Iterator[RawDoc | InputError]:
    try:
        document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=False)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputProblem(f"the HTML page cannot be parsed ({exc})") from exc
    body = getattr(document, "text", None) if document is not None else None
    if not body or not body.strip():
        raise InputProblem("no article text found in the HTML page (is it a page listing links?)")
    title = getattr(document, "title", None)
    extra = {
        name: value
        for name in ("author", "description", "categories", "tags")
        if (value := getattr(document, name, None))
    }
    yield RawDoc(
        input=source.input,
        doc_id=source.doc_id,
        original=text,
        body=repair(body),
        format="html",
        title=repair(title) if title else None,
        url=getattr(document, "url", None),
        outlet=getattr(document, "sitename", None) or getattr(document, "hostname", None),
        published=parse_date(getattr(document, "date", None)),
        language=getattr(document, "language", None),
        extra=extra,
    )
