"""CSV (or TSV) with a header row naming the fields, as in JSON Lines."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator

from ..errors import InputProblem
from ..records import InputError, RawDoc
from .base import FIELDS, Source, record_to_rawdoc

# A whole article fits in one cell; the csv module's default 128 KB cap would
# reject long ones, and read.max_bytes already bounds what reaches the parser.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(text: str, source: Source, *, tab: bool = False) -> Iterator[RawDoc | InputError]:
    head = text[:8192]
    if tab:
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(head.split("\n", 1)[0], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputProblem("the CSV file has no header row") from exc
    consumed.clear()
    names = [name.strip() for name in header]
    if not set(FIELDS["text"]) & {name.lower() for name in names}:
        raise InputProblem(
            f"the CSV header has no text column (found {', '.join(names)[:200]}; expected one of text, body, content)",
            line=1,
        )
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputError(source.input, f"line {start}: not valid CSV ({exc})", start)
            start = reader.line_num + 1
            consumed.clear()
            continue
        line, start = start, reader.line_num + 1
        original = "".join(consumed).rstrip("\r\n")
        consumed.clear()
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield InputError(source.input, f"line {line}: {len(row)} fields where the header has {len(names)}", line)
            continue
        try:
            yield record_to_rawdoc(
                dict(zip(names, row, strict=True)),
                source=source,
                input=f"{source.input}:{line}",
                default_id=f"{source.doc_id}:{line}",
                line=line,
                original=original,
                format="csv",
            )
        except InputProblem as problem:
            yield InputError(source.input, problem.reason, line)
