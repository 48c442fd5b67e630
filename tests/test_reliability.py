"""A killed ingest, or several at once, never leaves a store wrong.

Real ``recoupe ingest`` processes are killed (SIGKILL, with their worker processes)
at points spread over every step of the take-in, then one more run is made; and
several processes take articles into one store at the same time, on SQLite and on
PostgreSQL. After that every article is stored, in a story and in the clustering
state, every story has a brief, and ``recoupe check`` finds nothing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

from recoupe.check import check_store
from recoupe.settings import Settings
from recoupe.store import Stage, open_store

from .test_store import BACKENDS, POSTGRES_URL, empty_postgres

pytestmark = pytest.mark.models

DEMO = Path(str(resources.files("recoupe").joinpath("demo/corpus")))
SOURCES = sorted(p for p in DEMO.iterdir() if p.suffix == ".txt")
# The log line each step writes when it starts (recoupe -v): kills are aimed just after them.
STEPS = ("stored:", "copies:", "annotating", "assigning", "cross-checking")
KILLS = 20


def write_batch(folder: Path, number: int, size: int) -> list[str]:
    """``size`` new articles: demo texts, each with a paragraph of its own so none is a repeat."""
    folder.mkdir(parents=True)
    names = []
    for k in range(size):
        source = SOURCES[(number * size + k) % len(SOURCES)]
        text = source.read_text("utf-8")
        update = f"Mise à jour {number}-{k} : la préfecture publiera un nouveau bilan à {8 + k} heures."
        name = f"n{number:02d}_{k}_{source.name}"
        (folder / name).write_text(f"{text.rstrip()}\n\n{update}\n", "utf-8")
        names.append(name)
    return names


def ingest(paths: list[Path], db: str, *, verbose: bool = False) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "recoupe", "-v" if verbose else "-q", "ingest", *map(str, paths), "--db", db]
    # A session of its own, so that the kill takes the annotation workers with it.
    return subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True
    )


def assert_consistent(db: str, expected: int, settings: Settings) -> None:
    with open_store(db) as store:
        assert store.count_articles() == expected
        assert store.pending(Stage.ASSIGNED, limit=None) == []
        assert store.stale_stories(limit=None) == []
        assert check_store(store, settings=settings) == []
        for story_id in store.story_ids():
            assert store.brief(story_id).id == story_id
    for command in (["check", "--db", db], ["brief", "--db", db, "-o", os.devnull]):
        done = subprocess.run([sys.executable, "-m", "recoupe", "-q", *command], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_twenty_kill_nines_then_a_rerun_leave_the_store_whole(tmp_path: Path, settings: Settings) -> None:
    rng = random.Random(20261204)
    db = str(tmp_path / "killed.db")
    folders, hit = [], []
    for trial in range(KILLS):
        folder = tmp_path / f"batch{trial:02d}"
        write_batch(folder, trial, 2)
        folders.append(folder)
        aim = STEPS[trial % len(STEPS)]
        process = ingest([folder], db, verbose=True)
        assert process.stderr is not None
        reached = None
        for line in process.stderr:
            if aim in line:
                reached = aim
                break
        time.sleep(rng.uniform(0.0, 0.3))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        hit.append(reached or "end")
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every step was interrupted at least once (a step with no work to do logs nothing).
    assert set(STEPS) - {"cross-checking"} <= set(hit), hit
    rerun = ingest(folders, db)
    _, errors = rerun.communicate()
    assert rerun.returncode == 0, errors
    assert_consistent(db, 2 * KILLS, settings)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_ingests_all_land(tmp_path: Path, settings: Settings, backend: str, writers: int) -> None:
    if backend == "postgres":
        assert POSTGRES_URL is not None
        empty_postgres(POSTGRES_URL)
        db = POSTGRES_URL
    else:
        db = str(tmp_path / "shared.db")
    folders = []
    for number in range(writers):
        folder = tmp_path / f"writer{number}"
        write_batch(folder, number, 3)
        folders.append(folder)
    processes = [ingest([folder], db) for folder in folders]
    for process in processes:
        _, errors = process.communicate()
        assert process.returncode == 0, errors
    assert_consistent(db, 3 * writers, settings)
