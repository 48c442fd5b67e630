"""The library in one call: ``recoupe.brief(paths)`` for a pile, ``recoupe.open(db)`` for a store.

Both go through :func:`recoupe.takein.take_in`, like the CLI and the web server,
and keep the models loaded for as long as the session lives.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .models import Models
from .pipeline import build_brief, stories_of
from .records import Brief, StoryBrief
from .settings import Settings, load_settings
from .store import Store, StoryFilter, StorySummary, open_store
from .takein import Item, TakeInReport, finish, take_in


class Session:
    """A store with the models loaded once: take articles in, list stories, read briefs.

    ``Session`` is what :func:`open` returns; use it as a context manager (or call
    :meth:`close`) so the store is closed.
    """

    def __init__(self, store: Store, *, settings: Settings, models: Models | None = None) -> None:
        self.store = store
        self.settings = settings
        self.models = models if models is not None else Models()

    def take_in(self, items: Iterable[Item]) -> TakeInReport:
        """Take in paths (files, folders), :class:`~recoupe.RawDoc` records or input errors;
        every story they touch is brought up to date."""
        return take_in(items, store=self.store, settings=self.settings, models=self.models)

    def finish(self) -> TakeInReport:
        """Finish whatever an interrupted run left (see :func:`recoupe.takein.finish`)."""
        return finish(self.store, settings=self.settings, models=self.models)

    def stories(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[StorySummary]:
        """The store's stories, most recent first; ``filters`` are :class:`~recoupe.store.StoryFilter`'s."""
        return self.store.stories(filters=StoryFilter(**filters) if filters else None, limit=limit, offset=offset)

    def brief(self, story_id: str) -> StoryBrief:
        """The brief of one story; raises :class:`~recoupe.NotFound`."""
        return self.store.brief(story_id)

    def briefs(self, story_ids: Sequence[str] | None = None) -> Brief:
        """The whole brief (the contract's object) of these stories, or of all of them."""
        return build_brief(self.store, story_ids=story_ids)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(
    db: str | Path | None = None,
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    models: Models | None = None,
) -> Session:
    """A session on the store at ``db``: an SQLite file (created if missing), a
    ``postgresql://`` URL, or None for a throw-away in-memory store. ``models`` shares
    models another session has loaded already."""
    return Session(open_store(db), settings=settings or load_settings(config), models=models)


def brief(
    paths: Iterable[Item],
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    words: int | None = None,
    models: Models | None = None,
) -> Brief:
    """The brief of every story found in ``paths`` (files, folders, or raw documents),
    made in a throw-away store; bad inputs are in its ``errors``."""
    chosen = settings or load_settings(config)
    if words is not None:
        chosen = chosen.replace("crosscheck", summary_words=words)
    with open(None, settings=chosen, models=models) as session:
        report = session.take_in(builtins.list(paths))
        return build_brief(
            session.store,
            story_ids=stories_of(session.store, report.articles),
            taken_in=report.articles,
            errors=report.errors,
        )


__all__ = ["Session", "brief", "open"]
