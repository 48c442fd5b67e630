"""Readers: files, folders and stdin to raw documents, never raising on bad input.

Each input that cannot be used becomes an :class:`~recoupe.records.InputError`
with a reason a person can act on; everything else is read.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..errors import InputProblem
from ..records import InputError, RawDoc
from ..settings import ReadSettings
from .base import Source
from .decode import check_size, decode, human_size
from .feed import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .sniff import detect_format
from .tabular import read_csv
from .text import read_text

__all__ = ["read_bytes", "read_inputs"]

Reader = Callable[[str, Source], Iterator[RawDoc | InputError]]

_READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "feed": read_feed,
    "csv": read_csv,
    "tsv": lambda text, source: read_csv(text, source, tab=True),
}


def read_inputs(
    paths: Sequence[str], *, settings: ReadSettings, stdin: BinaryIO | None = None
) -> Iterator[RawDoc | InputError]:
    """Raw documents and input errors from files, folders (recursive, sorted, hidden
    entries skipped) and ``"-"`` for stdin, in order."""
    for arg in paths:
        if arg == "-":
            yield from _read_stdin(stdin, settings)
            continue
        path = Path(arg)
        if path.is_dir():
            yield from _read_dir(path, settings)
        else:
            yield from _read_file(path, Source(arg, path.name), settings)


def read_bytes(data: bytes, source: Source, *, name: str, settings: ReadSettings) -> Iterator[RawDoc | InputError]:
    """The documents in ``data``; ``name`` (a file name) hints at the format."""
    try:
        check_size(len(data), settings.max_bytes)
        text = decode(data)
        reader = _READERS[detect_format(name, text, settings)]
        yield from reader(text, source)
    except InputProblem as problem:
        yield InputError(source.input, problem.reason, problem.line)


def _read_stdin(stdin: BinaryIO | None, settings: ReadSettings) -> Iterator[RawDoc | InputError]:
    if stdin is None:
        yield InputError("-", "no standard input was given to read from")
        return
    try:
        data = stdin.read(settings.max_bytes + 1)
    except OSError as exc:
        yield InputError("-", f"cannot read standard input: {_os_reason(exc)}")
        return
    if len(data) > settings.max_bytes:
        yield InputError("-", f"standard input is over the {human_size(settings.max_bytes)} limit (read.max_bytes)")
        return
    yield from read_bytes(data, Source("-", "stdin"), name="", settings=settings)


def _read_file(path: Path, source: Source, settings: ReadSettings) -> Iterator[RawDoc | InputError]:
    try:
        size = path.stat().st_size
        check_size(size, settings.max_bytes)
        data = path.read_bytes()
    except InputProblem as problem:
        yield InputError(source.input, problem.reason)
        return
    except OSError as exc:
        yield InputError(source.input, f"cannot read: {_os_reason(exc)}")
        return
    yield from read_bytes(data, source, name=path.name, settings=settings)


def _read_dir(root: Path, settings: ReadSettings) -> Iterator[RawDoc | InputError]:
    empty = True
    for path, problem in _walk(root):
        empty = False
        relative = path.relative_to(root).as_posix()
        if problem is not None:
            yield InputError(str(path), problem)
        else:
            yield from _read_file(path, Source(str(path), relative), settings)
    if empty:
        yield InputError(str(root), "the folder has no files to read (hidden files and folders are skipped)")


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under ``folder`` in name order; a folder that cannot be listed is reported."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield folder, f"cannot read the folder: {_os_reason(exc)}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            # Folder links are not followed: a link to a parent would never end.
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as exc:
            yield path, f"cannot read: {_os_reason(exc)}"
            continue
        if is_dir:
            yield from _walk(path)
        elif is_file or entry.is_symlink():
            yield path, None
        else:
            # A pipe or a device in a folder would block the read or never end.
            yield path, "not a regular file (a pipe, socket or device); give it on its own to read it"


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return exc.strerror or str(exc)
