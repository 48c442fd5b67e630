"""JSON Lines (one article object per line), a JSON array of such objects, or one object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import InputProblem
from ..records import InputError, RawDoc
from .base import Source, record_to_rawdoc


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


def read_jsonl(text: str, source: Source) -> Iterator[RawDoc | InputError]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _read_array(stripped, source)
        return
    lines = text.split("\n")
    if stripped.startswith("{") and "\n" in stripped.strip() and _is_one_object(stripped):
        lines = [stripped]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(
                source.input,
                f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})",
                number,
            )
            continue
        if not isinstance(record, dict):
            yield InputError(source.input, f"line {number}: expected a JSON object, got {_kind(record)}", number)
            continue
        try:
            yield record_to_rawdoc(
                record,
                source=source,
                input=f"{source.input}:{number}",
                default_id=f"{source.doc_id}:{number}",
                line=number,
                original=line.strip(),
                format="jsonl",
            )
        except InputProblem as problem:
            yield InputError(source.input, problem.reason, number)


def _is_one_object(text: str) -> bool:
    """A pretty-printed single object spans lines; JSON Lines never does."""
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _read_array(text: str, source: Source) -> Iterator[RawDoc | InputError]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputProblem(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", line=exc.lineno
        ) from exc
    if not isinstance(items, list):
        raise InputProblem(f"expected a JSON array of article objects, got {_kind(items)}")
    for index, record in enumerate(items, start=1):
        where = f"{source.input}#{index}"
        if not isinstance(record, dict):
            yield InputError(source.input, f"item {index}: expected a JSON object, got {_kind(record)}")
            continue
        try:
            yield record_to_rawdoc(
                record,
                source=source,
                input=where,
                default_id=f"{source.doc_id}#{index}",
                line=None,
                original=json.dumps(record, ensure_ascii=False),
                format="json",
            )
        except InputProblem as problem:
            yield InputError(source.input, f"item {index}: {problem.reason}")
