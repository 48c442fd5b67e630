"""Plain text: one article per file; the cleaner finds its title, header and trailer lines."""

from __future__ import annotations

from collections.abc import Iterator

from ..records import InputError, RawDoc
from .base import Source
from .decode import repair


def read_text(text: str, source: Source) -> Iterator[RawDoc | InputError]:
    yield RawDoc(input=source.input, doc_id=source.doc_id, original=text, body=repair(text), format="text")
