"""``recoupe eval quotes``: direct quotations against PolNeAR (English) and the RPM2 gold (French).

Gold quotations
    polnear-en (dev): a direct quote is the text between a pair of quotation
    marks that overlaps the Content of an attribution, marks and surrounding
    spaces excluded, three words or more (shorter ones are scare quotes by the
    task's definition). Quoted parts of one attribution separated only by text
    outside its Content (an incise: "“A,” he said, “B.”") make one quote. Its
    speaker is the attribution's Source. An article annotated by several people
    is read from its first annotation file in name order.
    quotes-fr: ``eval/gold/quotes-fr/rpm2-quotes.jsonl`` (see its GUIDELINES.md).

Span matching
    overlap(pred, gold) = |pred ∩ gold| / max(|pred|, |gold|) in characters;
    predictions and gold are paired one to one, best overlap first; a pair
    counts at the loose threshold (0.3) or the strict one (0.8).

Speaker accuracy
    over the loose pairs whose gold speaker is known. The predicted speaker is
    ``speaker`` or else ``speaker_role``. After folding (case, accents), a gold
    speaker with capitalised words is matched when any of those words of three
    letters or more (the surname, usually; a capitalised article such as "The"
    does not count) is a word of the prediction. A gold speaker without one (a
    generic "a source", which the French gold writes as null) is matched by a
    null prediction or by the prediction's last word; a role the prediction
    resolved to a name ("the mayor" -> Bill de Blasio) is matched by its role
    phrase too. A PolNeAR Source that is a pronoun is replaced by the nearest
    earlier Source of the same article that has a capitalised word; a pronoun
    with none, or an attribution without Source, is left out of the speaker
    figure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..annotate.entities import find_mentions
from ..annotate.quotes import find_quotations, fold
from ..annotate.sentences import split_sentences
from ..errors import DataUnavailable
from ..models import Models
from ..records import Article, Quotation
from ..report import Report
from ..settings import Settings

LOOSE, STRICT = 0.3, 0.8
_MARKS_OPEN = {"“": "”", '"': '"', "«": "»"}
_ARTICLES = frozenset({"the", "this", "that", "these", "those", "his", "her", "its", "their", "our", "one", "another"})
_PRONOUNS = frozenset({"he", "she", "i", "we", "they", "him", "her", "his", "it", "you", "them"})
GOLD_FR = Path(__file__).resolve().parents[3] / "eval" / "gold" / "quotes-fr"


@dataclass(frozen=True, slots=True)
class GoldQuote:
    start: int
    end: int
    speaker: str | None
    known: bool


@dataclass(slots=True)
class Scores:
    gold: int = 0
    predicted: int = 0
    loose: int = 0
    strict: int = 0
    speaker_pairs: int = 0
    speaker_right: int = 0

    def add(self, other: Scores) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, name: str, documents: int) -> dict[str, object]:
        row: dict[str, object] = {"set": name, "docs": documents, "gold": self.gold, "predicted": self.predicted}
        for label, hits in (("loose", self.loose), ("strict", self.strict)):
            p = hits / self.predicted if self.predicted else 0.0
            r = hits / self.gold if self.gold else 0.0
            row[f"P {label}"], row[f"R {label}"] = p, r
            row[f"F1 {label}"] = 2 * p * r / (p + r) if p + r else 0.0
        row["speaker acc"] = self.speaker_right / self.speaker_pairs if self.speaker_pairs else 0.0
        return row


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(a[1] - a[0], b[1] - b[0], 1)


def speaker_matches(predicted: str | None, gold: str | None) -> bool:
    """The speaker rule of the module docstring."""
    names = [
        w for w in re.findall(r"[\w'\-]+", gold or "") if w[:1].isupper() and len(w) >= 3 and fold(w) not in _ARTICLES
    ]
    words = set(re.findall(r"[\w'\-]+", fold(predicted or "")))
    if names:
        return any(fold(n) in words or fold(n).removesuffix("'s") in words for n in names)
    if predicted is None:
        return True
    head = re.findall(r"[\w'\-]+", fold(predicted))
    gold_words = {w.rstrip("s") for w in re.findall(r"[\w'\-]+", fold(gold or ""))}
    return bool(head) and head[-1].rstrip("s") in gold_words


def score_document(quotations: Sequence[Quotation], gold: Sequence[GoldQuote]) -> Scores:
    """Span and speaker scores of one document."""
    scores = Scores(gold=len(gold), predicted=len(quotations))
    pairs = sorted(
        (
            (overlap((q.start, q.end), (g.start, g.end)), i, j)
            for i, q in enumerate(quotations)
            for j, g in enumerate(gold)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for ratio, i, j in pairs:
        if ratio < LOOSE or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        scores.loose += 1
        scores.strict += ratio >= STRICT
        if gold[j].known:
            q = quotations[i]
            scores.speaker_pairs += 1
            scores.speaker_right += speaker_matches(q.speaker or _role_name(q.speaker_role), gold[j].speaker) or (
                q.speaker is not None
                and q.speaker_role is not None
                and speaker_matches(_role_name(q.speaker_role), gold[j].speaker)
            )
    return scores


def _role_name(role: str | None) -> str | None:
    return re.sub(r"^(?:the|a|an|le|la|les|l['’])\s*", "", role, flags=re.IGNORECASE) if role else None


# ------------------------------------------------------------------- polnear


def _brat(path: Path) -> tuple[dict[str, tuple[str, list[tuple[int, int]], str]], list[dict[str, str]]]:
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 3:
            kind, _, positions = fields[1].partition(" ")
            fragments = [tuple(int(x) for x in part.split()) for part in positions.split(";")]
            spans[fields[0]] = (kind, [(a, b) for a, b in fragments], fields[2])
        elif line.startswith("E") and len(fields) >= 2:
            relations.append(dict(part.split(":", 1) for part in fields[1].split() if ":" in part))
    return spans, relations


def _quoted(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Stretches between quotation marks in text[lo:hi] (marks just outside count too)."""
    found = []
    i, opened, mark = max(0, lo - 1), None, ""
    while i < min(len(text), hi + 1):
        c = text[i]
        if opened is None and c in _MARKS_OPEN and (c != '"' or i == 0 or not text[i - 1].isalnum()):
            opened, mark = i, c
        elif opened is not None and c == _MARKS_OPEN[mark]:
            found.append((opened + 1, i))
            opened = None
        i += 1
    if opened is not None:
        found.append((opened + 1, min(len(text), hi)))
    stripped = []
    for a, b in found:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if len(text[a:b].split()) >= 3:
            stripped.append((a, b))
    return stripped


def polnear_gold(text: str, ann: Path) -> list[GoldQuote]:
    spans, relations = _brat(ann)
    sources = sorted(
        (frags[0][0], body)
        for kind, frags, body in spans.values()
        if kind == "Source" and any(w[:1].isupper() for w in body.split() if w.lower() not in _PRONOUNS)
    )
    gold: list[GoldQuote] = []
    for relation in relations:
        content = spans.get(relation.get("Content", ""))
        if content is None:
            continue
        fragments = content[1]
        parts = sorted({q for a, b in fragments for q in _quoted(text, a, b)})
        if not parts:
            continue
        groups = [[parts[0]]]
        for part in parts[1:]:
            gap = range(groups[-1][-1][1], part[0])
            narrated = any(text[i].isalnum() and any(a <= i < b for a, b in fragments) for i in gap)
            if narrated or "\n" in text[gap.start : gap.stop]:
                groups.append([part])
            else:
                groups[-1].append(part)
        source = spans.get(relation.get("Source", ""))
        speaker, known = (source[2], True) if source else (None, False)
        if speaker is not None and fold(speaker).strip() in _PRONOUNS:
            earlier = [body for at, body in sources if at < source[1][0][0]] if source else []
            speaker, known = (earlier[-1], True) if earlier else (None, False)
        gold.extend(GoldQuote(g[0][0], g[-1][1], speaker, known) for g in groups)
    return sorted(set(gold), key=lambda g: g.start)


def _polnear(root: Path) -> Iterable[tuple[str, str, list[GoldQuote]]]:
    texts = root / "polnear-en" / "dev" / "text"
    anns = root / "polnear-en" / "dev" / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise DataUnavailable(
            f"PolNeAR dev data not found under {root / 'polnear-en'}; expected dev/text and dev/attributions"
        )
    for path in sorted(texts.glob("*.txt")):
        candidates = sorted(anns.glob(f"{path.stem}_*.ann"))
        if candidates:
            text = path.read_text(encoding="utf-8")
            yield path.stem, text, polnear_gold(text, candidates[0])


def _french(root: Path, gold_root: Path) -> Iterable[tuple[str, str, list[GoldQuote]]]:
    documents = root / "rpm2-fr" / "documents"
    by_doc: dict[str, list[GoldQuote]] = {}
    for line in (gold_root / "rpm2-quotes.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            by_doc.setdefault(item["doc"], []).append(GoldQuote(item["start"], item["end"], item["speaker"], True))
    for name in (gold_root / "documents.txt").read_text(encoding="utf-8").split():
        path = documents / name
        if not path.is_file():
            raise DataUnavailable(f"RPM2 document {path} named by {gold_root / 'documents.txt'} is missing")
        text = path.open(encoding="utf-8-sig").read().replace("\r\n", "\n")
        yield name, text, by_doc.get(name, [])


def run_set(
    documents: Iterable[tuple[str, str, list[GoldQuote]]],
    language: str,
    extract: Callable[[Article], list[Quotation]],
) -> tuple[Scores, int]:
    total, count = Scores(), 0
    for doc_id, text, gold in documents:
        article = Article(doc_id, doc_id, text, text, language, doc_id)
        total.add(score_document(extract(article), gold))
        count += 1
    return total, count


def evaluate(data_root: Path, *, settings: Settings, models: Models, gold_root: Path | None = None) -> Report:
    """Span P/R/F1 (loose, strict) and speaker accuracy on polnear-en dev and the French gold."""

    def extract(article: Article) -> list[Quotation]:
        sentences = split_sentences(article.clean_text, article.language)
        mentions = find_mentions(article, sentences, models=models, settings=settings.annotate)
        return find_quotations(article, sentences, mentions, settings=settings.annotate)

    report = Report("Quotations: span P/R/F1 at overlap 0.3 (loose) and 0.8 (strict), speaker accuracy")
    scores, count = run_set(_polnear(Path(data_root)), "en", extract)
    report.rows.append(scores.row("polnear-en dev (direct)", count))
    french = Path(gold_root) if gold_root is not None else GOLD_FR
    if (french / "rpm2-quotes.jsonl").is_file():
        scores, count = run_set(_french(Path(data_root), french), "fr", extract)
        report.rows.append(scores.row("rpm2-fr quotes gold", count))
    else:
        report.notes.append(f"French gold not found at {french}; only English measured.")
    report.notes.append("overlap = |pred ∩ gold| / max(|pred|, |gold|); pairs one to one, best first.")
    return report
