"""Web UI and HTTP API (``recoupe serve``); needs the ``serve`` extra."""

from __future__ import annotations

import os

from ..errors import MissingDependency
from ..settings import Settings


def serve(*, db: str, host: str, port: int, token: str | None, settings: Settings) -> None:
    try:
        import uvicorn

        from .app import create_app, is_loopback
    except ImportError as exc:
        raise MissingDependency(exc.name or "fastapi", "serve", "The web UI and HTTP API") from exc
    token = token or os.environ.get("RECOUPE_TOKEN") or None
    app = create_app(db=db, settings=settings, token=token, loopback_only=is_loopback(host))
    uvicorn.run(app, host=host, port=port, log_level="warning")


__all__ = ["serve"]
