"""``recoupe check``: what an interrupted run, a crash or a bug left inconsistent in a store.

The store counts what its own tables disagree on (:meth:`Store.diagnose`); the
clustering state is compared with the stories the articles are in. A repair
undoes each kind of damage so that the take-in steps redo the work
(:meth:`Store.heal`, then :func:`recoupe.takein.finish`), and re-derives every
story when the clustering state has lost track of some articles.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Models
from .settings import Settings
from .store.base import PROBLEMS, Store
from .stories import disagreements
from .takein import Progress, finish, no_progress, rebuild

CLUSTERING = "clustering"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    count: int
    detail: str


def check_store(store: Store, *, settings: Settings) -> list[Problem]:
    """Every kind of inconsistency found, with how many items it touches."""
    problems = [Problem(kind, count, PROBLEMS[kind]) for kind, count in store.diagnose().items()]
    lost = disagreements(store, settings=settings)
    if lost:
        problems.append(
            Problem(
                CLUSTERING,
                len(lost),
                f"articles the clustering state does not hold where the store does, e.g. {lost[:3]}",
            )
        )
    return problems


def repair_store(
    store: Store, problems: list[Problem], *, settings: Settings, models: Models, progress: Progress = no_progress
) -> None:
    """Fix what :func:`check_store` found."""
    kinds = [p.kind for p in problems]
    store.heal(kinds)
    if CLUSTERING in kinds:
        rebuild(store, settings=settings, models=models, progress=progress)
    else:
        finish(store, settings=settings, models=models, progress=progress)


__all__ = ["Problem", "check_store", "repair_store"]
