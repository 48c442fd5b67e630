"""Ingest speed and memory: read, clean, copies and store on generated articles.

Articles are generated (French and English, 300 to 600 words, with the noise
lines a site adds, and about one in ten a copy or a light rewrite of an earlier
one), written as text files and one JSON Lines file in a temporary folder, then
run through the real stages. Wall and CPU time are both reported: on a shared
machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..clean import clean
from ..dedupe import find_copies
from ..models import Models
from ..read import read_inputs
from ..records import Article, CopyGroups, InputError, RawDoc
from ..report import Report
from ..settings import Settings
from ..store import StoryFilter, open_store

T = TypeVar("T")

DEFAULT_SIZES = [10_000]
JSONL_SHARE = 0.2
COPY_SHARE = 0.05
REWRITE_SHARE = 0.05
STORE_BATCH = 1000
GOAL = 500.0
QUERY_REPEATS = 40

_VOCABULARY: dict[str, dict[str, Any]] = {
    "fr": {
        "subjects": ["le gouvernement", "la ministre", "le maire", "les syndicats", "l'entreprise",
                     "le tribunal", "la police", "les habitants", "le président du conseil régional",
                     "l'opposition", "la direction", "les secours", "le préfet", "les enquêteurs"],
        "verbs": ["a annoncé", "a confirmé", "a démenti", "a présenté", "a critiqué", "a décidé",
                  "a rappelé", "a promis", "a reporté", "a dénoncé", "a rejeté", "a salué"],
        "objects": ["un plan d'investissement", "la fermeture du site", "une hausse des tarifs",
                    "un accord avec les salariés", "le projet de loi", "une enquête administrative",
                    "la réouverture de la ligne", "un budget en baisse", "de nouvelles mesures",
                    "le calendrier des travaux", "une aide exceptionnelle", "la suppression de postes"],
        "links": ["selon un communiqué publié", "d'après plusieurs sources", "lors d'une conférence de presse",
                  "à l'issue d'une réunion", "dans un entretien accordé à la presse locale",
                  "au terme de longues négociations"],
        "times": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "la veille",
                  "en fin de matinée", "dans la soirée"],
        "fillers": ["Cette décision intervient après plusieurs mois de tensions.",
                    "Les détails doivent être précisés dans les prochains jours.",
                    "Plusieurs élus ont demandé des explications.",
                    "Le dossier sera examiné en commission la semaine prochaine.",
                    "Aucune date n'a encore été fixée."],
        "noise": ["Publicité", "Lire aussi : {title}", "Abonnez-vous à notre newsletter",
                  "Partager sur Facebook", "Partager sur X", "Réservé aux abonnés",
                  "Votre navigateur ne prend pas en charge la vidéo.", "© {agency}",
                  "Crédit photo : {agency}"],
        "units": ["millions d'euros.", "habitants.", "salariés.", "kilomètres."],
        "sentence": "{subject} {verb} {when} {obj} à {place}, {link}, pour {number} {unit}",
        "function_words": ["le", "la", "les", "de", "des", "du", "un", "une", "et", "à", "en", "pour", "que",
                           "qui", "dans", "sur", "par", "au", "avec", "ne", "pas", "plus", "a", "est", "sont",
                           "ont", "été", "cette", "ce", "son", "sa", "leurs", "mais", "aussi", "selon"],
        "byline": "Par {name}",
        "quote": "« {q} », a déclaré {name}.",
    },
    "en": {
        "subjects": ["the government", "the minister", "the mayor", "the unions", "the company",
                     "the court", "police", "residents", "the regional council", "the opposition",
                     "the board", "emergency services", "the governor", "investigators"],
        "verbs": ["announced", "confirmed", "denied", "unveiled", "criticised", "approved",
                  "recalled", "promised", "postponed", "condemned", "rejected", "welcomed"],
        "objects": ["an investment plan", "the closure of the plant", "a rise in fares",
                    "a deal with workers", "the draft bill", "an official inquiry",
                    "the reopening of the line", "a reduced budget", "new measures",
                    "the timetable for the works", "emergency funding", "job cuts"],
        "links": ["according to a statement", "citing several sources", "at a news conference",
                  "after a meeting", "in an interview with local media", "after lengthy negotiations"],
        "times": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
                  "on Sunday", "the day before", "late in the morning", "in the evening"],
        "fillers": ["The decision follows months of tension.",
                    "Details are expected in the coming days.",
                    "Several councillors have asked for an explanation.",
                    "The matter will go before a committee next week.",
                    "No date has been set yet."],
        "noise": ["Advertisement", "Read more: {title}", "Sign up for our newsletter",
                  "Share on Facebook", "Share on X", "Subscribers only",
                  "Your browser does not support the video tag.", "© {agency}", "Photo: {agency}"],
        "units": ["million pounds.", "residents.", "workers.", "miles."],
        "sentence": "{subject} {verb} {obj} in {place} {when}, {link}, for {number} {unit}",
        "function_words": ["the", "of", "and", "to", "in", "a", "for", "that", "on", "with", "was", "is",
                           "by", "at", "from", "has", "have", "had", "been", "its", "their", "but", "also",
                           "not", "more", "which", "who", "will", "would", "this", "after", "over", "said"],
        "byline": "By {name}",
        "quote": '"{q}," {name} said.',
    },
}
_AGENCIES = ["AFP", "Reuters", "AP", "DPA", "ANSA"]
_SYLLABLES = ["ba", "ren", "lo", "mi", "tar", "sel", "vu", "kor", "an", "del", "fi", "mon", "ga", "tis",
              "ro", "ne", "quel", "bru", "sa", "ver"]


@dataclass(frozen=True, slots=True)
class Generated:
    """One generated article: its fields, and the article it copies or rewrites."""

    id: str
    language: str
    title: str
    outlet: str
    published: str
    credits: list[str]
    body: str
    copies: str | None = None
    rewrites: str | None = None


def _name(rng: random.Random, parts: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(parts)
    )


def _lexicon(rng: random.Random, size: int) -> list[str]:
    return list(dict.fromkeys("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)))


_LEXICON = _lexicon(random.Random(3), 40_000)
# Content words follow a Zipf-like law, so shingle statistics look like prose:
# a few words everywhere, most words rare.
_ZIPF_WEIGHTS = list(itertools.accumulate(1.0 / rank for rank in range(1, len(_LEXICON) + 1)))


def _prose_sentence(rng: random.Random, words: dict[str, Any]) -> str:
    tokens = [
        rng.choice(words["function_words"])
        if rng.random() < 0.45
        else rng.choices(_LEXICON, cum_weights=_ZIPF_WEIGHTS)[0]
        for _ in range(rng.randint(10, 28))
    ]
    return " ".join(tokens).capitalize() + "."


def _paragraph(rng: random.Random, words: dict[str, Any], place: str, people: list[str]) -> str:
    sentences = [_prose_sentence(rng, words) for _ in range(rng.randint(1, 3))]
    for _ in range(rng.randint(0, 2)):
        sentence = words["sentence"].format(
            **{key: rng.choice(words[key + "s"]) for key in ("subject", "verb", "link", "unit")},
            obj=rng.choice(words["objects"]),
            when=rng.choice(words["times"]),
            place=place,
            number=rng.randint(2, 900),
        )
        if rng.random() < 0.5:
            sentence = sentence[:-1] + f", {_name(rng, 1).lower()} {_name(rng, 1).lower()}."
        sentences.append(sentence[0].upper() + sentence[1:])
    if rng.random() < 0.4:
        quote = " ".join(_name(rng, 1).lower() for _ in range(rng.randint(6, 14)))
        sentences.append(words["quote"].format(q=quote.capitalize(), name=rng.choice(people)))
    if rng.random() < 0.5:
        sentences.append(rng.choice(words["fillers"]))
    return " ".join(sentences)


def _original(rng: random.Random, n: int) -> Generated:
    language = "fr" if rng.random() < 0.6 else "en"
    words = _VOCABULARY[language]
    place = _name(rng, 1)
    people = [_name(rng) for _ in range(3)]
    title = f"{place} : {rng.choice(words['subjects'])} {rng.choice(words['verbs'])} {rng.choice(words['objects'])}"
    target = rng.randint(300, 600)
    paragraphs: list[str] = []
    count = 0
    while count < target:
        paragraphs.append(_paragraph(rng, words, place, people))
        count += len(paragraphs[-1].split())
    credits = [rng.choice(_AGENCIES)] if rng.random() < 0.4 else []
    return Generated(
        id=f"g{n:06d}",
        language=language,
        title=title[0].upper() + title[1:],
        outlet=f"{_name(rng, 1)} {rng.choice(['Matin', 'Soir', 'Times', 'Post', 'Info'])}",
        published=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(5, 22):02d}:00:00",
        credits=credits,
        body="\n\n".join(paragraphs),
    )


def _derived(rng: random.Random, n: int, source: Generated, *, rewrite: bool) -> Generated:
    body = source.body
    if rewrite:
        paragraphs = body.split("\n\n")
        if len(paragraphs) > 3:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        tokens = "\n\n".join(paragraphs).split(" ")
        for _ in range(max(1, len(tokens) // 40)):
            tokens[rng.randrange(len(tokens))] = _name(rng, 1).lower()
        body = " ".join(tokens)
    return Generated(
        id=f"g{n:06d}",
        language=source.language,
        title=source.title if not rewrite else source.title + " " + _name(rng, 1).lower(),
        outlet=f"{_name(rng, 1)} {rng.choice(['Matin', 'Soir', 'Times', 'Post', 'Info'])}",
        published=source.published,
        credits=source.credits,
        body=body,
        copies=None if rewrite else source.id,
        rewrites=source.id if rewrite else None,
    )


def generate(count: int, *, seed: int = 11) -> Iterator[Generated]:
    """``count`` articles, about one in ten a copy or a rewrite of an earlier one."""
    rng = random.Random(seed)
    originals: list[Generated] = []
    for n in range(count):
        roll = rng.random()
        if originals and roll < COPY_SHARE + REWRITE_SHARE:
            yield _derived(rng, n, rng.choice(originals), rewrite=roll >= COPY_SHARE)
        else:
            article = _original(rng, n)
            originals.append(article)
            yield article


def _noisy_text(rng: random.Random, article: Generated) -> str:
    words = _VOCABULARY[article.language]
    agency = article.credits[0] if article.credits else article.outlet
    lines = [article.title, "", words["byline"].format(name=_name(rng)), article.published[:10], ""]
    for paragraph in article.body.split("\n\n"):
        lines += [paragraph, ""]
        if rng.random() < 0.25:
            lines += [rng.choice(words["noise"]).format(title=article.title, agency=agency), ""]
    lines += [rng.choice(words["noise"]).format(title=article.title, agency=agency) for _ in range(2)]
    return "\n".join(lines) + "\n"


def write_corpus(articles: list[Generated], folder: Path, *, seed: int = 5) -> None:
    """Text files in folders of 1000, and a share of the articles in one JSON Lines file."""
    rng = random.Random(seed)
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as jsonl:
        for n, article in enumerate(articles):
            if rng.random() < JSONL_SHARE:
                record = {
                    "id": article.id, "title": article.title, "text": article.body, "outlet": article.outlet,
                    "published": article.published, "language": article.language, "credits": article.credits,
                }
                jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                continue
            sub = folder / f"part{n // 1000:03d}"
            sub.mkdir(exist_ok=True)
            (sub / f"{article.id}.txt").write_text(_noisy_text(rng, article), encoding="utf-8")


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass(slots=True)
class _Timing:
    wall: float = 0.0
    cpu: float = 0.0

    def add(self, other: _Timing) -> _Timing:
        return _Timing(self.wall + other.wall, self.cpu + other.cpu)


def _timed(fn: Callable[[], T]) -> tuple[T, _Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, _Timing(time.perf_counter() - wall, time.process_time() - cpu)


def _row(size: int, stage: str, count: int, timing: _Timing) -> dict[str, object]:
    return {
        "articles": size,
        "stage": stage,
        "wall_s": round(timing.wall, 2),
        "cpu_s": round(timing.cpu, 2),
        "articles_per_s_wall": round(count / timing.wall, 1) if timing.wall else None,
        "articles_per_s_cpu": round(count / timing.cpu, 1) if timing.cpu else None,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _store_all(path: Path, articles: list[Article], copies: CopyGroups) -> None:
    with open_store(path) as store:
        for start in range(0, len(articles), STORE_BATCH):
            store.add_articles(articles[start : start + STORE_BATCH])
        store.save_copies(copies)


def _query_latency(path: Path) -> str:
    """Median and 95th percentile of the reads the web pages make, with stories of five articles."""
    with open_store(path) as store:
        stored = list(store.articles())
        store.assign_stories({a.id: f"story{n // 5:05d}" for n, a in enumerate(stored)})
        story = f"story{len(stored) // 10 // 5:05d}"
        rare = max(stored[len(stored) // 3].clean_text.split(), key=len)
        reads: dict[str, Callable[[], object]] = {
            "list 50 stories": lambda: store.stories(limit=50),
            "page 20 of stories": lambda: store.stories(limit=50, offset=950),
            "count stories": lambda: store.count_stories(),
            "stories in English": lambda: store.stories(filters=StoryFilter(language="en")),
            "one story's articles and annotations": lambda: (
                list(store.articles(ids := store.story_articles(story))),
                store.annotations(ids),
            ),
            "search a rare word": lambda: store.search(rare),
        }
        figures = []
        for name, read in reads.items():
            times = sorted(_timed(read)[1].wall * 1000 for _ in range(QUERY_REPEATS))
            p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
            figures.append(f"{name} {p50:.1f}/{p95:.1f}")
    return "; ".join(figures)


def _agreement(generated: list[Generated], copies: CopyGroups, ids: dict[str, str]) -> str:
    """How many generated copies and rewrites landed in their source's group."""
    group = {g: copies.dispatch.get(a) for g, a in ids.items()}
    derived = [g for g in generated if g.copies or g.rewrites]
    joined = sum(
        1 for g in derived if group.get(g.id) is not None and group.get(g.id) == group.get(g.copies or g.rewrites or "")
    )
    originals = {g.id for g in generated if not (g.copies or g.rewrites)}
    merged = len(originals) - len({group.get(g) for g in originals})
    return (
        f"copies and rewrites generated: {len(derived)}, found in their source's group: {joined}; "
        f"originals wrongly merged: {merged}; duplicate_of links found: {len(copies.duplicate_of)}"
    )


def run_size(size: int, *, settings: Settings) -> tuple[list[dict[str, object]], list[str]]:
    generated = list(generate(size))
    with tempfile.TemporaryDirectory(prefix="recoupe-bench-") as tmp:
        folder = Path(tmp) / "inputs"
        folder.mkdir()
        write_corpus(generated, folder)
        items, read_time = _timed(lambda: list(read_inputs([str(folder)], settings=settings.read)))
        raws = [item for item in items if isinstance(item, RawDoc)]
        errors = [item for item in items if isinstance(item, InputError)]
        articles, clean_time = _timed(lambda: [clean(raw, settings=settings.clean) for raw in raws])
        copies, copy_time = _timed(lambda: find_copies(articles, settings=settings.dedupe))
        _, store_time = _timed(lambda: _store_all(Path(tmp) / "bench.db", articles, copies))
        latency = _query_latency(Path(tmp) / "bench.db")
    ids = {Path(a.id).stem: a.id for a in articles}
    pipeline = read_time.add(clean_time).add(copy_time)
    rows = [
        _row(size, "read", len(raws), read_time),
        _row(size, "clean", len(articles), clean_time),
        _row(size, "copies", len(articles), copy_time),
        _row(size, "store add", len(articles), store_time),
        _row(size, "read+clean+copies", len(articles), pipeline),
        _row(size, "overall", len(articles), pipeline.add(store_time)),
    ]
    notes = [
        f"{size} articles: {len(raws)} read, {len(errors)} input errors; " + _agreement(generated, copies, ids),
        f"store queries at {len(articles)} articles (p50/p95 ms over {QUERY_REPEATS} runs): {latency}",
        f"read+clean+copies: {len(articles) / pipeline.wall:.0f} articles/s wall, "
        f"{len(articles) / pipeline.cpu:.0f} articles/s CPU (goal {GOAL:.0f}/s)",
    ]
    return rows, notes


def run(*, sizes: list[int] | None = None, settings: Settings, models: Models) -> Report:
    """Time the ingest stages on generated corpora of each size (no model is used)."""
    report = Report(title="Ingest: read, clean, copies, store")
    for size in sizes or DEFAULT_SIZES:
        rows, notes = run_size(size, settings=settings)
        report.rows.extend(rows)
        report.notes.extend(notes)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report.notes.append(
        "peak_rss_mb is the process peak so far (ru_maxrss); "
        + (f"load average at the end: {load:.1f} on {os.cpu_count()} cores" if load is not None else "")
    )
    return report
