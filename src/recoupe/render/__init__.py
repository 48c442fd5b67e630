"""Views of a Brief: the contract's JSON, Markdown, and a standalone HTML file."""

from __future__ import annotations

from ..errors import ConfigError
from ..records import Brief
from .html import render_html
from .json import brief_dict, render_json
from .markdown import render_markdown

FORMATS = ("json", "markdown", "html")


def render(brief: Brief, *, format: str, include_text: bool = False) -> str:
    if format == "json":
        return render_json(brief, include_text=include_text)
    if format == "markdown":
        return render_markdown(brief)
    if format == "html":
        return render_html(brief)
    raise ConfigError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "brief_dict", "render", "render_html", "render_json", "render_markdown"]
