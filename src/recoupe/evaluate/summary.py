"""``recoupe eval summary``: ROUGE recall of the story summaries on RPM2 (French).

For each batch ``TNN_Cc`` the 10 articles form one story; its summary at 100 words is
scored against the 4 human references with ROUGE-1 and ROUGE-2 recall, beside three
baselines run on the same sentences: lead (first sentences of the articles in turn),
LexRank and TextRank (sumy, with a pysbd sentence tokenizer since NLTK data cannot be
downloaded here).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..crosscheck.claims import align_statements
from ..crosscheck.summary import summarise
from ..errors import DataUnavailable, MissingDependency
from ..models import Models
from ..records import Article, CopyGroups, StoryInput
from ..report import Report
from ..settings import Settings
from .rouge import rouge_recall, tokens

WORDS = 100
_BATCH = re.compile(r"^(T\d+_C\d+)_(\d+)\.txt$")


def load_batches(root: Path) -> dict[str, tuple[list[Article], list[str]]]:
    """Batch id -> (articles, reference summaries) from an RPM2 folder."""
    documents, references = root / "documents", root / "references"
    if not documents.is_dir() or not references.is_dir():
        raise DataUnavailable(
            f"RPM2 not found under {root}: expected documents/ and references/ folders "
            "(give the data folder that holds rpm2-fr/)"
        )
    batches: dict[str, tuple[list[Article], list[str]]] = {}
    for path in sorted(documents.glob("*.txt")):
        match = _BATCH.match(path.name)
        if match is None:
            continue
        text = path.read_text("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        title, _, body = text.partition("\n")
        article = Article(
            id=path.stem, input=str(path), original=text, clean_text=body.strip("\n"), language="fr",
            content_hash=hashlib.sha256(text.encode()).hexdigest(), title=title.strip() or None,
        )
        batches.setdefault(match.group(1), ([], []))[0].append(article)
    for batch, (_, refs) in batches.items():
        for path in sorted(references.glob(f"{batch}_A*.txt")):
            refs.append(path.read_text("utf-8-sig"))
    missing = [b for b, (_, refs) in batches.items() if not refs]
    if not batches or missing:
        raise DataUnavailable(f"RPM2 under {root} has no documents or batches without references: {missing}")
    return batches


def _story(batch: str, articles: list[Article]) -> StoryInput:
    return StoryInput(batch, articles, {}, CopyGroups(dispatch={a.id: a.id for a in articles}))


class _PysbdTokenizer:
    """The sumy tokenizer interface on pysbd sentences and Unicode words (no NLTK data)."""

    def __init__(self, language: str) -> None:
        import pysbd

        self._segmenter = pysbd.Segmenter(language=language, clean=False)
        self.language = language

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.strip() for s in self._segmenter.segment(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        return tokens(sentence)


def _word_budget(words: int) -> Callable[[list[Any]], list[Any]]:
    """A sumy "count" that keeps the best-rated sentences until ``words`` words are reached."""

    def take(infos: list[Any]) -> list[Any]:
        kept, total = [], 0
        for info in infos:
            if total >= words:
                break
            kept.append(info)
            total += len(tokens(str(info.sentence)))
        return kept

    return take


def _sumy_baselines(articles: list[Article], words: int) -> dict[str, str]:
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
    except ImportError as exc:
        raise MissingDependency("sumy", "eval", "The LexRank and TextRank baselines") from exc
    tokenizer = _PysbdTokenizer("fr")
    paragraphs = [
        Paragraph([Sentence(s, tokenizer) for s in tokenizer.to_sentences(a.clean_text)]) for a in articles
    ]
    document = ObjectDocumentModel(paragraphs)
    out = {}
    for name, summarizer in (("lexrank", LexRankSummarizer()), ("textrank", TextRankSummarizer())):
        chosen = summarizer(document, _word_budget(words))
        out[name] = " ".join(str(s) for s in chosen)
    return out


def _lead(articles: list[Article], words: int) -> str:
    """First sentences of the articles in turn (first of each, then second of each...)."""
    tokenizer = _PysbdTokenizer("fr")
    sentences = [tokenizer.to_sentences(a.clean_text) for a in articles]
    kept: list[str] = []
    total, depth = 0, 0
    while total < words and any(depth < len(s) for s in sentences):
        for article_sentences in sentences:
            if depth < len(article_sentences) and total < words:
                kept.append(article_sentences[depth])
                total += len(tokens(article_sentences[depth]))
        depth += 1
    return " ".join(kept)


def evaluate(data_root: Path, *, settings: Settings, models: Models) -> Report:
    batches = load_batches(Path(data_root) / "rpm2-fr")
    systems = ("recoupe", "lead", "lexrank", "textrank")
    rows: list[dict[str, Any]] = []
    totals = {s: [0.0, 0.0] for s in systems}
    seconds = 0.0
    for batch, (articles, references) in sorted(batches.items()):
        story = _story(batch, articles)
        started = time.perf_counter()
        alignment = align_statements(story, models=models, settings=settings.crosscheck)
        summary = summarise(story, alignment, words=WORDS, settings=settings.crosscheck)
        seconds += time.perf_counter() - started
        texts = {"recoupe": " ".join(s.text for s in summary), "lead": _lead(articles, WORDS),
                 **_sumy_baselines(articles, WORDS)}
        row: dict[str, Any] = {"batch": batch}
        for system in systems:
            r1 = rouge_recall(texts[system], references, 1, limit=WORDS)
            r2 = rouge_recall(texts[system], references, 2, limit=WORDS)
            totals[system][0] += r1
            totals[system][1] += r2
            row[f"{system} R1"] = r1
            row[f"{system} R2"] = r2
        rows.append(row)
    count = len(rows)
    mean: dict[str, Any] = {"batch": "mean"}
    for system in systems:
        mean[f"{system} R1"] = totals[system][0] / count
        mean[f"{system} R2"] = totals[system][1] / count
    rows.append(mean)
    best_r2 = max(mean[f"{s} R2"] for s in systems[1:])
    notes = [
        f"ROUGE recall at {WORDS} words, Unicode words, lower case, accents kept, no stemming; "
        f"{count} batches x 4 references.",
        f"recoupe R2 vs best baseline: {mean['recoupe R2'] / best_r2 - 1:+.1%}; "
        f"recoupe R1 above every baseline: {all(mean['recoupe R1'] > mean[f'{s} R1'] for s in systems[1:])}.",
        f"recoupe alignment + summary time: {seconds:.1f} s for {count} stories.",
    ]
    return Report(title="Summary ROUGE recall on RPM2 (fr)", rows=rows, notes=notes)
