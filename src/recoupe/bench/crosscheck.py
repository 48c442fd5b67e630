"""``recoupe bench crosscheck``: time of the whole cross-check of one generated story.

A story of N articles (default 10 and 50) is generated from a few facts told in varied
words, with background sentences and some copies of one dispatch, about 30 sentences an
article. The articles are annotated first (not timed); the time is that of
:func:`recoupe.crosscheck.cross_check`: entities, quotes, claims, conflicts, timeline and
summary, including the sentence embeddings.
"""

from __future__ import annotations

import hashlib
import random
import time

from ..annotate import annotate_many
from ..crosscheck import cross_check
from ..models import Models
from ..records import Article, CopyGroups, StoryInput
from ..report import Report
from ..settings import Settings

# Each fact in several wordings; {n} varies where a source may give another figure.
_FACTS = [
    ["Un violent incendie s'est déclaré mardi soir dans l'usine chimique Novachim de {town}.",
     "L'usine Novachim de {town} a pris feu mardi soir.",
     "Mardi soir, le feu a pris dans un entrepôt de l'usine chimique de {town}."],
    ["Environ {n} pompiers ont été mobilisés pour lutter contre les flammes.",
     "{n} sapeurs-pompiers ont combattu l'incendie toute la nuit.",
     "Les secours ont engagé quelque {n} pompiers et une trentaine d'engins."],
    ["Trois ouvriers ont été légèrement blessés et transportés à l'hôpital.",
     "Le sinistre a fait trois blessés légers parmi les employés de l'équipe de nuit."],
    ["Le feu a été maîtrisé après six heures d'intervention, selon la préfecture.",
     "Il a fallu six heures aux secours pour venir à bout des flammes."],
    ["« Nous ferons toute la lumière sur les causes de cet incendie », a déclaré la préfète Claire Dumas.",
     "La préfète Claire Dumas a promis de « faire toute la lumière » sur l'origine du sinistre."],
    ["L'usine, qui emploie 250 salariés, fabrique des solvants pour l'industrie automobile.",
     "Le site de Novachim compte 250 employés et produit des solvants."],
]
_TOWNS = ["Villeneuve-sur-Lot", "Villeneuve"]
_BACKGROUND = [
    "Le maire {name} a réuni le conseil municipal {day} pour évoquer {topic}.",
    "Selon {name}, {topic} reste la priorité de la commune depuis {year}.",
    "Les habitants de {place} se disent inquiets pour {topic}, a rapporté {name}.",
    "En {year}, un premier incident avait déjà touché {place}, sans faire de victime.",
    "{name} a rappelé que {topic} avait coûté {amount} millions d'euros à la région.",
    "Une réunion publique sur {topic} est prévue {day} à {place}.",
]
_NAMES = ["Paul Ferrand", "Jeanne Martin", "Luc Bernard", "Sophie Garnier", "Marc Lefèvre", "Anne Roux"]
_PLACES = ["la salle des fêtes", "la zone industrielle", "le quartier du Port", "la mairie annexe"]
_TOPICS = ["la sécurité industrielle", "la qualité de l'air", "l'emploi local", "la rénovation du site",
           "le plan de prévention des risques", "la circulation des camions"]
_DAYS = ["lundi", "jeudi", "vendredi prochain", "le 14 mars", "la semaine prochaine"]


def generate_story(size: int, *, seed: int = 5) -> StoryInput:
    """A story of ``size`` articles of about 30 sentences; every fifth article copies an earlier one."""
    rng = random.Random(seed)
    articles: list[Article] = []
    dispatch: dict[str, str] = {}
    for number in range(size):
        article_id = f"gen-{number:03d}"
        if number % 5 == 4 and articles:
            original = articles[rng.randrange(len(articles))]
            text = original.clean_text.replace("six heures", "cinq heures", 1)
            dispatch[article_id] = dispatch[original.id]
        else:
            text = _article_text(rng)
            dispatch[article_id] = article_id
        articles.append(Article(
            id=article_id, input=article_id, original=text, clean_text=text, language="fr",
            content_hash=hashlib.sha256(text.encode()).hexdigest(), title=None, outlet=f"outlet-{number % 17}",
        ))
    return StoryInput(f"bench-{size}", articles, {}, CopyGroups(dispatch=dispatch))


def _article_text(rng: random.Random) -> str:
    sentences = []
    for wordings in rng.sample(_FACTS, k=rng.randint(3, len(_FACTS))):
        figure = rng.choice([120, 120, 120, 100, 150])
        sentences.append(rng.choice(wordings).format(town=rng.choice(_TOWNS), n=figure))
    while len(sentences) < 30:
        sentences.append(rng.choice(_BACKGROUND).format(
            name=rng.choice(_NAMES), place=rng.choice(_PLACES), topic=rng.choice(_TOPICS),
            day=rng.choice(_DAYS), year=rng.randint(1990, 2022), amount=rng.randint(2, 40),
        ))
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def run(*, sizes: list[int] | None = None, settings: Settings, models: Models) -> Report:
    rows = []
    models.embedder.encode(["échauffement"])
    for size in sizes or [10, 50]:
        story = generate_story(size)
        annotations = annotate_many(story.articles, settings=settings, models=models)
        story.annotations = {a.article_id: a for a in annotations}
        sentences = sum(len(a.sentences) for a in annotations)
        started, cpu = time.perf_counter(), time.process_time()
        brief = cross_check(story, settings=settings, models=models)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows.append({
            "articles": size,
            "sentences": sentences,
            "claims": len(brief.claims),
            "conflicts": len(brief.conflicts),
            "seconds": seconds,
            "cpu seconds": cpu,
        })
    return Report(
        title="Cross-check of one generated story",
        rows=rows,
        notes=["seconds: cross_check only (entities, quotes, claims, conflicts, timeline, summary); "
               "annotation and model loading not counted; cpu seconds: this process, all threads "
               "(wall time grows when other jobs share the cores)"],
    )
