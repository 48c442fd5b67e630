"""Per-language data tables shipped with the package.

Language knowledge (cue verbs, weekday names, honorifics, cleaning patterns...)
lives in ``recoupe/lang/<stage>/<language>.toml``, never in code branches, so a
language is added by writing tables, not by editing stages.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_table(stage: str, language: str) -> dict[str, Any]:
    """The table of ``stage`` for ``language``; an empty table when none ships."""
    node = resources.files("recoupe").joinpath(f"lang/{stage}/{language}.toml")
    if not node.is_file():
        return {}
    return tomllib.loads(node.read_text("utf-8"))


@cache
def available_languages(stage: str) -> tuple[str, ...]:
    """Languages that have a table for ``stage``."""
    folder = resources.files("recoupe").joinpath(f"lang/{stage}")
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))
