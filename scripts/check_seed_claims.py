"""Check the cross-check against the seed articles (acceptance points 2-4 of issue 5).

Usage: .venv/bin/python scripts/check_seed_claims.py [SEEDS_DIR]

Builds one story from the seeds, then two variants: a copy of one seed with a changed
number under another outlet name, and one seed added twice under two outlet names.
Prints the claims that several seeds support, the conflicts, and the checks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
import time
from pathlib import Path

from recoupe.annotate import annotate_many
from recoupe.clean import clean
from recoupe.crosscheck import cross_check
from recoupe.models import Models
from recoupe.read import read_inputs
from recoupe.records import Article, CopyGroups, InputError, StoryInput
from recoupe.settings import load_settings


def _copy(article: Article, article_id: str, text: str, outlet: str) -> Article:
    return dataclasses.replace(article, id=article_id, clean_text=text, outlet=outlet,
                               content_hash=hashlib.sha256(text.encode()).hexdigest())


def _story(articles: list[Article], dispatch: dict[str, str], settings, models) -> StoryInput:
    annotations = {a.article_id: a for a in annotate_many(articles, settings=settings, models=models)}
    groups = CopyGroups(dispatch={a.id: dispatch.get(a.id, a.id) for a in articles})
    return StoryInput("seeds", articles, annotations, groups)


def _verbatim(brief, articles: dict[str, Article]) -> bool:
    spans = [e for c in brief.claims for e in c.evidence]
    spans += [e for c in brief.conflicts for p in c.positions for e in p.evidence]
    spans += [e for s in brief.summary for e in s.evidence]
    spans += [e for t in brief.timeline for e in t.evidence]
    return all(articles[e.article].clean_text[e.start : e.end] == e.text for e in spans)


# Facts several seeds tell, each as a pattern that finds it in a sentence.
FACTS = {
    "handshake of about 40 seconds": r"40 secondes",
    "two ballistic missiles fired": r"deux missiles balistiques",
    "armoured train": r"train blindé",
    "visit of the Angara rocket site": r"Angara?\b",
    "help to build satellites": r"construire des satellites",
    "first meeting since 2019": r"depuis 2019",
}


def _facts(brief, story: StoryInput, settings) -> bool:
    """Each fact is one claim with >= 2 sources and evidence from every seed whose statements tell it."""
    from recoupe.crosscheck.claims import extract_statements

    statements = extract_statements(story, settings.crosscheck)
    ok = True
    for name, pattern in FACTS.items():
        telling = {s.article for s in statements if re.search(pattern, s.text)}
        best = max(
            brief.claims,
            key=lambda c: len(telling & {e.article for e in c.evidence if re.search(pattern, e.text)}),
        )
        covered = {e.article for e in best.evidence if re.search(pattern, e.text)}
        passed = best.independent_sources >= 2 and telling <= covered
        ok = ok and passed
        print(f"  {'ok ' if passed else 'NO '} {name}: told by {sorted(a[:3] for a in telling)}, "
              f"claim has {sorted(a[:3] for a in covered)} ({best.independent_sources} sources)")
    return ok


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds")
    settings, models = load_settings(), Models()
    seeds = [clean(raw, settings=settings.clean) for raw in read_inputs([str(root)], settings=settings.read)
             if not isinstance(raw, InputError)]
    seed_story = _story(seeds, {}, settings, models)
    brief = cross_check(seed_story, settings=settings, models=models)
    print(f"title: {brief.title}\n")
    print("claims told by two seeds or more:")
    for claim in brief.claims:
        if claim.independent_sources >= 2:
            print(f"  [{claim.independent_sources} {claim.status}] {claim.text[:110]}")
            for e in claim.evidence:
                print(f"      {e.article[:3]}: {e.text[:100]}")
    print("\nsummary:")
    for sentence in brief.summary:
        print(f"  {sentence.text}  <- {sorted({e.article[:3] for e in sentence.evidence})}")
    print("\nconflicts among the seeds:")
    for conflict in brief.conflicts:
        print(f"  {conflict.about}: " + " | ".join(f"{p.value} ({len(p.evidence)})" for p in conflict.positions))
    print("\nfacts told by several seeds:")
    ok = _facts(brief, seed_story, settings)
    verbatim = _verbatim(brief, {a.id: a for a in seeds})
    print(f"\nevidence verbatim: {verbatim}")
    ok = ok and verbatim

    original = seeds[0]
    changed_text = original.clean_text.replace("40 secondes", "10 secondes").replace("mercredi matin", "jeudi matin")
    changed = _copy(original, original.id + "-copy", changed_text, "another-outlet")
    story = _story([*seeds, changed], {changed.id: original.id}, settings, models)
    brief_changed = cross_check(story, settings=settings, models=models)
    wanted = {"duration": False, "weekday": False}
    for conflict in brief_changed.conflicts:
        values = {p.value for p in conflict.positions}
        if {"40 s", "10 s"} <= values:
            wanted["duration"] = True
        if {"mercredi", "jeudi"} <= values:
            wanted["weekday"] = True
        print(f"  changed copy -> {conflict.about}: " + " | ".join(
            f"{p.value} <- {[e.article[:8] for e in p.evidence]}" for p in conflict.positions))
    print(f"changed number reported: {wanted['duration']}; changed day reported: {wanted['weekday']}")
    ok = ok and all(wanted.values()) and _verbatim(brief_changed, {a.id: a for a in story.articles})

    twice = [*seeds, _copy(seeds[1], seeds[1].id + "-bis", seeds[1].clean_text, "outlet-bis")]
    story = _story(twice, {twice[-1].id: seeds[1].id}, settings, models)
    start = time.perf_counter()
    brief_twice = cross_check(story, settings=settings, models=models)
    elapsed = time.perf_counter() - start
    before = max(c.independent_sources for c in brief.claims)
    after = max(c.independent_sources for c in brief_twice.claims)
    grows = any(
        c.independent_sources > len({e.article.removesuffix("-bis") for e in c.evidence}) for c in brief_twice.claims
    )
    print(f"seed added twice: max independent sources {before} -> {after}; any count above seeds: {grows}"
          f" ({elapsed:.2f} s)")
    ok = ok and not grows and after <= before
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
