"""The ``recoupe`` command. It only parses options and calls the library.

User errors (bad options, missing data, unusable inputs) end with a one-line
message and exit code 2, never a traceback; each unusable input is reported on
stderr and in the brief while the rest of the batch goes through.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .errors import ConfigError, RecoupeError
from .records import InputError
from .settings import Settings, load_settings

T = TypeVar("T")

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_BELOW_FLOOR = 1

EVALUATIONS = ("clustering", "quotes", "entities", "summary", "timeline", "takein")
BENCHMARKS = ("ingest", "cluster", "annotate", "crosscheck", "serve")

DEFAULT_DATA = Path("..") / "shared" / "data"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _command(sub: Any, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\nExample:\n  {example}",
        formatter_class=_Formatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recoupe",
        description="Turn a pile or a stream of news articles into cross-checked story briefs.",
        formatter_class=_Formatter,
        epilog="Example:\n  recoupe brief articles/ --format markdown -o brief.md",
    )
    parser.add_argument("--version", action="version", version=f"recoupe {__version__}")
    parser.add_argument("--config", metavar="FILE", help="a TOML settings file overriding the defaults")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or notes, only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    brief = _command(
        sub, "brief", "Read articles and write the cross-checked brief of every story found.",
        "recoupe brief articles/ feed.xml --format html -o brief.html",
    )
    brief.add_argument("paths", nargs="*", metavar="PATH", help="files, directories (recursive) or - for stdin")
    brief.add_argument("--format", choices=("json", "markdown", "html"), default="json")
    brief.add_argument("--include-text", action="store_true", help="add each article's clean text (JSON)")
    brief.add_argument("-o", "--output", metavar="FILE", help="write there instead of stdout")
    brief.add_argument("--db", metavar="FILE", help="a store to add to first (default: a temporary one)")
    brief.add_argument("--story", metavar="ID", action="append", help="only this story (repeatable)")
    brief.add_argument("--words", type=int, metavar="N",
                       help="summary length in words (default 100; its last sentence may run past it)")

    ingest = _command(
        sub, "ingest", "Add articles to a persistent store (the same content twice is one article).",
        "recoupe ingest articles/ --db news.db",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--db", metavar="FILE", required=True)
    ingest.add_argument("--timings", action="store_true", help="print seconds per step as JSON on stderr")

    stories = _command(sub, "stories", "List the stories of a store.", "recoupe stories --db news.db")
    stories.add_argument("--db", metavar="FILE", required=True)
    stories.add_argument("--json", action="store_true", help="one JSON object per story")
    stories.add_argument("--limit", type=int, default=100, help="at most N stories, newest first (default 100)")

    search = _command(
        sub, "search", "Full-text search of a store (accent- and case-insensitive).",
        'recoupe search "cosmodrome" --db news.db',
    )
    search.add_argument("query")
    search.add_argument("--db", metavar="FILE", required=True)
    search.add_argument("--limit", type=int, default=20, help="at most N hits, best first (default 20)")

    cluster = _command(
        sub, "cluster", "Finish, re-derive or re-check the stories of a store (after new settings or a version).",
        "recoupe cluster --db news.db --rebuild",
    )
    cluster.add_argument("--db", metavar="FILE", required=True)
    cluster.add_argument("--rebuild", action="store_true", help="re-derive every story from scratch")
    cluster.add_argument("--recheck", action="store_true", help="cross-check every story again")

    check = _command(
        sub, "check", "Report inconsistencies of a store (an interrupted run, a crash) and fix them.",
        "recoupe check --db news.db --repair",
    )
    check.add_argument("--db", metavar="FILE", required=True)
    check.add_argument("--repair", action="store_true", help="fix what is found (finish interrupted work)")

    errors = _command(
        sub, "errors", "List the input errors logged in a store, last seen first.", "recoupe errors --db news.db"
    )
    errors.add_argument("--db", metavar="FILE", required=True)
    errors.add_argument("--limit", type=int, default=100, help="at most N errors (default 100)")
    errors.add_argument("--json", action="store_true", help="one JSON object per error")

    demo = _command(
        sub, "demo", "Run the whole pipeline on the bundled demo corpus and say where the brief is.",
        "recoupe demo -o out/",
    )
    demo.add_argument("-o", "--output", metavar="DIR", default="out", help="folder for brief.json/.md/.html")

    evaluate = _command(
        sub, "eval", "Measure stages against gold data (reads ../shared/data by default).",
        "recoupe eval clustering quotes --data ../shared/data --floors eval/floors.toml",
    )
    evaluate.add_argument("names", nargs="+", choices=EVALUATIONS, metavar="NAME",
                          help=f"what to measure: {', '.join(EVALUATIONS)}")
    evaluate.add_argument("--data", metavar="DIR", default=str(DEFAULT_DATA), help="the gold data folder")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--floors", metavar="FILE",
                          help="a TOML file of pinned minimum figures: exit 1 when one is not reached")

    bench = _command(
        sub, "bench", "Print speed and memory figures of a stage on generated articles.",
        "recoupe bench ingest --sizes 10000",
    )
    bench.add_argument("name", choices=BENCHMARKS)
    bench.add_argument("--sizes", type=int, nargs="+", metavar="N", help="numbers of articles")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")

    serve = _command(
        sub, "serve", "Serve the web UI and the HTTP API on a store.", "recoupe serve --db news.db --port 8000"
    )
    serve.add_argument("--db", metavar="FILE", required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--token", help="token required for writes (default: $RECOUPE_TOKEN)")
    return parser


class _Console:
    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet

    def note(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr)

    def input_errors(self, errors: Sequence[InputError]) -> None:
        for error in errors:
            where = f"{error.input}:{error.line}" if error.line is not None and ":" not in error.input else error.input
            print(f"recoupe: skipped {where}: {error.reason}", file=sys.stderr)

    def progress(self, items: Iterable[T], label: str, total: int | None) -> Iterable[T]:
        if self.quiet:
            return items
        from tqdm import tqdm

        return tqdm(items, desc=label, total=total, unit="", leave=False, file=sys.stderr, disable=None)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="recoupe: %(name)s: %(message)s"
    )
    console = _Console(quiet=args.quiet)
    try:
        settings = load_settings(args.config)
        return int(_COMMANDS[args.command](args, settings, console))
    except RecoupeError as exc:
        print(f"recoupe: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("recoupe: interrupted; everything committed before stays in the store", file=sys.stderr)
        return 130


def _open(db: str | None, *, create: bool = True) -> Any:
    from .store import open_store

    return open_store(db, create=create)


def _run_brief(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from . import pipeline
    from .models import Models
    from .render import render
    from .takein import TakeInReport, take_in

    if args.words is not None:
        settings = settings.replace("crosscheck", summary_words=args.words)
    if not args.paths and args.db is None:
        raise ConfigError("give articles to read (PATH... or - for stdin), or --db FILE to brief a store")
    with tempfile.TemporaryDirectory(prefix="recoupe-") as scratch, _open(
        args.db or str(Path(scratch) / "brief.db")
    ) as store:
        report = TakeInReport()
        story_ids = args.story
        if args.paths:
            report = take_in(
                args.paths, store=store, settings=settings, models=Models(), stdin=sys.stdin.buffer,
                progress=console.progress,
            )
            console.input_errors(report.errors)
            if not report.articles:
                console.note("recoupe: no article could be used")
            story_ids = story_ids or pipeline.stories_of(store, report.articles)
        brief = pipeline.build_brief(store, story_ids=story_ids, taken_in=report.articles, errors=report.errors)
    text = render(brief, format=args.format, include_text=args.include_text)
    _write(text, args.output, console)
    console.note(f"recoupe: {len(brief.articles)} article(s), {len(brief.stories)} story(ies)")
    if args.paths and not report.articles:
        return EXIT_USER_ERROR
    return EXIT_OK


def _write(text: str, output: str | None, console: _Console) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
    console.note(f"recoupe: wrote {path}")


def _run_ingest(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .models import Models
    from .takein import take_in

    with _open(args.db) as store:
        report = take_in(
            args.paths, store=store, settings=settings, models=Models(), stdin=sys.stdin.buffer,
            progress=console.progress,
        )
        console.input_errors(report.errors)
        console.note(
            f"recoupe: {len(report.added)} new article(s), {len(report.articles) - len(report.added)} already "
            f"stored, {len(report.errors)} input(s) skipped; {store.count_stories()} story(ies) in {args.db}"
        )
        if args.timings:
            print(json.dumps({"articles": len(report.articles), "added": len(report.added),
                              "seconds": report.timings}), file=sys.stderr)
    return EXIT_OK if report.articles else EXIT_USER_ERROR


def _run_stories(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    with _open(args.db) as store:
        rows = store.stories(limit=args.limit)
    for row in rows:
        if args.json:
            print(json.dumps({f: getattr(row, f) for f in row.__slots__}, ensure_ascii=False))
        else:
            dates = " → ".join(d for d in dict.fromkeys([row.first_published, row.last_published]) if d)
            print(f"{row.id}\t{row.article_count} article(s)\t{dates or 'undated'}\t{row.title}")
    return EXIT_OK


def _run_search(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .store import SNIPPET_CLOSE, SNIPPET_OPEN

    with _open(args.db) as store:
        hits = store.search(args.query, limit=args.limit)
    for hit in hits:
        snippet = " ".join(hit.snippet.replace(SNIPPET_OPEN, "[").replace(SNIPPET_CLOSE, "]").split())
        print(f"{hit.article}\t{hit.story or '-'}\t{' '.join((hit.title or '').split())}\n    {snippet}")
    console.note(f"recoupe: {len(hits)} hit(s)")
    return EXIT_OK


def _run_cluster(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .models import Models
    from .takein import finish, rebuild

    with _open(args.db) as store:
        if args.recheck:
            store.invalidate_briefs()
        if args.rebuild:
            report = rebuild(store, settings=settings, models=Models(), progress=console.progress)
        else:
            report = finish(store, settings=settings, models=Models(), progress=console.progress)
        console.note(f"recoupe: {len(report.stories)} story(ies) (re)briefed; {store.count_stories()} in {args.db}")
    return EXIT_OK


def _run_check(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .check import check_store, repair_store
    from .models import Models

    with _open(args.db, create=False) as store:
        problems = check_store(store, settings=settings)
        for problem in problems:
            print(f"{problem.kind}\t{problem.count}\t{problem.detail}")
        if not problems:
            console.note(f"recoupe: {args.db} is consistent")
            return EXIT_OK
        if not args.repair:
            console.note(f"recoupe: {len(problems)} kind(s) of problem; --repair fixes them")
            return EXIT_BELOW_FLOOR
        repair_store(store, problems, settings=settings, models=Models(), progress=console.progress)
        left = check_store(store, settings=settings)
        for problem in left:
            print(f"left\t{problem.kind}\t{problem.count}\t{problem.detail}")
        console.note("recoupe: repaired" if not left else f"recoupe: {len(left)} kind(s) of problem left")
    return EXIT_OK if not left else EXIT_BELOW_FLOOR


def _run_errors(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    with _open(args.db, create=False) as store:
        rows = store.error_log(limit=args.limit)
        total = store.count_errors()
    for row in rows:
        where = f"{row.input}:{row.line}" if row.line is not None else row.input
        if args.json:
            print(json.dumps({f: getattr(row, f) for f in row.__slots__}, ensure_ascii=False))
        else:
            print(f"{where}\t{row.reason}\tseen {row.seen}×, last {row.last_seen}")
    console.note(f"recoupe: {len(rows)} of {total} logged input error(s)")
    return EXIT_OK


def _run_demo(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from importlib import resources

    corpus = resources.files("recoupe").joinpath("demo/corpus")
    folder = Path(args.output)
    with resources.as_file(corpus) as corpus_path:
        for fmt, suffix in (("json", "json"), ("markdown", "md"), ("html", "html")):
            argv = ["brief", str(corpus_path), "--format", fmt, "-o", str(folder / f"brief.{suffix}")]
            if fmt == "json":
                argv.append("--include-text")
            code = _run_brief(build_parser().parse_args(argv), settings, _Console(quiet=True))
            if code != EXIT_OK:
                return code
    print(f"The demo brief is in {folder.resolve()}/ (brief.html to read, brief.md, brief.json)")
    return EXIT_OK


def _run_eval(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .evaluate.gate import check, load_floors
    from .models import Models

    floors = load_floors(Path(args.floors)) if args.floors else []
    models = Models()
    reports = {}
    for name in dict.fromkeys(args.names):
        module = importlib.import_module(f"recoupe.evaluate.{name}")
        reports[name] = report = module.evaluate(Path(args.data), settings=settings, models=models)
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.format() + "\n")
        sys.stdout.flush()
    verdicts = check(reports, floors)
    for verdict in verdicts:
        print(verdict.line(), file=sys.stderr if args.json else sys.stdout)
    failed = [v for v in verdicts if not v.passed]
    if failed:
        print(f"recoupe: {len(failed)} figure(s) below their floor in {args.floors}", file=sys.stderr)
        return EXIT_BELOW_FLOOR
    return EXIT_OK


def _run_bench(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .models import Models

    module = importlib.import_module(f"recoupe.bench.{args.name}")
    report = module.run(sizes=args.sizes, settings=settings, models=Models())
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.format())
    return EXIT_OK


def _run_serve(args: argparse.Namespace, settings: Settings, console: _Console) -> int:
    from .web import serve

    serve(db=args.db, host=args.host, port=args.port, token=args.token, settings=settings)
    return EXIT_OK


_COMMANDS = {
    "brief": _run_brief,
    "ingest": _run_ingest,
    "stories": _run_stories,
    "search": _run_search,
    "cluster": _run_cluster,
    "check": _run_check,
    "errors": _run_errors,
    "demo": _run_demo,
    "eval": _run_eval,
    "bench": _run_bench,
    "serve": _run_serve,
}

if __name__ == "__main__":
    sys.exit(main())
