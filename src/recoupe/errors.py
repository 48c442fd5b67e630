"""The one exception tree of recoupe.

RecoupeError
├── ConfigError            a setting or option has a value that cannot work
├── MissingDependency      an optional extra is not installed
├── InputProblem           an input cannot be used (the batch goes on; see records.InputError)
├── StoreError             the store cannot be opened, migrated or written
│   └── StoreVersionError  the store was written by a newer recoupe
├── NotFound               an article, a story or a brief asked for does not exist
└── DataUnavailable        an evaluation or benchmark data set is not where it should be

The CLI and the HTTP API turn these into messages and status codes at the edge;
anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations


class RecoupeError(Exception):
    """Base of every error recoupe raises on purpose."""


class ConfigError(RecoupeError, ValueError):
    """A setting or an option has a value that cannot work."""


class MissingDependency(RecoupeError, ImportError):
    """An optional dependency is missing; the message says which extra installs it."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the package {package!r}, which is not installed. "
            f"Install it with: pip install 'recoupe[{extra}]'"
        )
        self.package = package
        self.extra = extra


class InputProblem(RecoupeError):
    """An input cannot be used. Readers turn it into an InputError record."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class StoreError(RecoupeError):
    """The store cannot be opened, migrated or written."""


class StoreVersionError(StoreError):
    """The store's schema is newer than this version of recoupe understands."""


class NotFound(RecoupeError, LookupError):
    """An article, story or brief that was asked for does not exist."""


class DataUnavailable(RecoupeError):
    """An evaluation or benchmark data set is missing or malformed."""
