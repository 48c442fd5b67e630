"""``recoupe bench annotate``: throughput of the per-article annotation.

Articles of about 500 words are generated from French news sentences with
people (with and without titles), places, organisations and quotations, so
that the recogniser and the quotation finder meet the cases they meet in news.
The figure is that of :func:`recoupe.annotate.annotate_many` as the pipeline
runs it (sentences, named entities with spaCy's ``ner`` component and the
clean-up rules, quotations, temporal expressions), with one and with two
processes, and the peak resident memory (children included).
"""

from __future__ import annotations

import hashlib
import random
import resource
import time
from collections.abc import Sequence

from ..annotate import annotate_many
from ..models import Models
from ..records import Article
from ..report import Report
from ..settings import Settings

_PEOPLE = [
    ("M.", "Antoine Lefèvre"),
    ("Mme", "Sophie Marchand"),
    ("le ministre", "Hugo Bertrand"),
    ("la présidente", "Claire Dumas"),
    ("le maire", "Julien Roussel"),
    ("M.", "Karim Benali"),
    ("la députée", "Nadia Haddad"),
    ("le porte-parole", "Paul Girard"),
    ("Mme", "Élise Moreau"),
]
_PLACES = ["Lyon", "Marseille", "Bordeaux", "Bruxelles", "Genève", "Toulouse", "Lille", "Nantes", "Strasbourg"]
_ORGS = [
    "la SNCF",
    "l'Assemblée nationale",
    "la Commission européenne",
    "l'Organisation mondiale de la santé",
    "le Conseil constitutionnel",
    "la Banque de France",
    "Air France",
    "l'Insee",
]
_TEMPLATES = [
    "{title} {name} a présenté mardi à {place} un plan de relance de plusieurs milliards d'euros.",
    "Selon {org}, les chiffres publiés jeudi confirment un net ralentissement de l'activité à {place}.",
    "« Nous ne laisserons personne sur le bord de la route », a déclaré {title} {name} devant la presse.",
    "« La situation reste préoccupante, mais elle s'améliore », a estimé {surname} lors d'un déplacement à {place}.",
    "{name} doit rencontrer les représentants de {org} la semaine prochaine à {place}.",
    "Interrogé par les journalistes, {title} {surname} a refusé de commenter les accusations de l'opposition.",
    "Les syndicats ont appelé à une grève nationale, tandis que {org} promet une concertation rapide.",
    "À {place}, plusieurs centaines de personnes se sont rassemblées devant la préfecture samedi matin.",
    "« Il faut agir vite », a ajouté {name}, qui s'exprimait au nom de {org}.",
    "Le texte sera examiné en commission avant un vote solennel prévu au début du mois prochain.",
    "D'après un rapport de {org}, le nombre de demandeurs d'emploi a reculé de 2,3 % sur un an.",
    "{title} {name} a rappelé que le gouvernement s'était engagé à ne pas augmenter les impôts.",
]
ARTICLE_WORDS = 500


def generate_articles(count: int, *, seed: int = 11) -> list[Article]:
    """``count`` French articles of about :data:`ARTICLE_WORDS` words each."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        paragraphs: list[str] = []
        words = 0
        while words < ARTICLE_WORDS:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                title, name = rng.choice(_PEOPLE)
                sentence = rng.choice(_TEMPLATES).format(
                    title=title,
                    name=name,
                    surname=name.split()[-1],
                    place=rng.choice(_PLACES),
                    org=rng.choice(_ORGS),
                )
                sentences.append(sentence[0].upper() + sentence[1:])
                words += len(sentence.split())
            paragraphs.append(" ".join(sentences))
        text = "\n\n".join(paragraphs)
        digest = hashlib.sha256(text.encode()).hexdigest()
        articles.append(
            Article(
                id=f"b{n:05d}", input=f"bench/{n}", original=text, clean_text=text, language="fr", content_hash=digest
            )
        )
    return articles


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (spaCy's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(articles: Sequence[Article], *, processes: int, settings: Settings, models: Models) -> dict[str, object]:
    options = settings.replace("annotate", ner_processes=processes)
    wall, cpu = time.perf_counter(), _cpu()
    notes = annotate_many(articles, settings=options, models=models)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {
        "processes": processes,
        "seconds": round(wall, 2),
        "articles_per_s": round(len(articles) / wall, 1),
        "cpu_s": round(cpu, 2),
        # what the same work gives when it has the cores to itself, spread over two of them
        "articles_per_s_2_idle_cores": round(2 * len(articles) / cpu, 1),
        "mentions": sum(len(n.mentions) for n in notes),
        "quotations": sum(len(n.quotations) for n in notes),
        "peak_mb": round(_peak_mb()),
    }


def run(*, sizes: list[int] | None = None, settings: Settings, models: Models) -> Report:
    report = Report(
        title=f"Annotation throughput (sentences, named entities, quotations, dates), French articles of"
        f" ~{ARTICLE_WORDS} words"
    )
    # warm-up: model loading is not part of the throughput
    annotate_many(generate_articles(2, seed=1), settings=settings, models=models)
    for size in sizes or [200]:
        articles = generate_articles(size)
        words = sum(len(a.clean_text.split()) for a in articles)
        for processes in (1, 2):
            row: dict[str, object] = {"articles": size, "words": words}
            row.update(_measure(articles, processes=processes, settings=settings, models=models))
            report.rows.append(row)
    report.notes.append(
        "Goal: >= 40 articles/s on 2 cores. articles_per_s is wall time on this machine as it is (shared"
        " cores); articles_per_s_2_idle_cores divides the CPU time by two."
    )
    report.notes.append("peak_mb is the peak resident memory of this process plus its largest child, model included.")
    return report
