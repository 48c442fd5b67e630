"""Named-entity mentions of one article.

The statistical recogniser (spaCy, when a model ships for the language) finds
the spans; rules from the per-language tables then make them usable for a
cross-check: an honorific or role before a name goes to ``Mention.title``,
determiners and common nouns glued to a name are cut off, spans never cross a
line, a name cut short is completed when its full form occurs in the same
article, and later occurrences of a found name that the model missed are added.
Languages without a model fall back to a recogniser of capitalised sequences.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..langdata import available_languages, load_table
from ..models import Models
from ..records import Article, EntityType, Mention, Sentence
from ..settings import AnnotateSettings

# spaCy label schemes (WikiNER for the French models, OntoNotes for English);
# labels absent here (dates, numbers, nationalities) are not names.
SPACY_TYPES: dict[str, EntityType] = {
    "PER": "person",
    "PERSON": "person",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
    "ORG": "organisation",
    "MISC": "other",
    "EVENT": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
}

_TOKEN = re.compile(r"\w+[’'](?=\w)|\w+(?:[-.]\w+)*|[^\w\s]")
_CAPITALISED_NEXT = re.compile(r"[ \u00a0-]([^\W\d_][\w’'-]*)")
_MIN_PROPAGATED = 3
_INITIAL_GAP = re.compile(r"\. ?")
_WORD_BEFORE = re.compile(r"(\w+)\s+$")


@dataclass(frozen=True, slots=True)
class EntityTables:
    """The entity tables of one language, ready for matching."""

    honorifics: frozenset[str]
    function_words: frozenset[str]
    particles: frozenset[str]
    heads: frozenset[str]
    stop: frozenset[str]
    generic: frozenset[str]
    possessives: tuple[str, ...]
    leading_cut: frozenset[str]
    place_prepositions: frozenset[str]
    organisation_words: frozenset[str]
    exonyms: dict[str, tuple[str, ...]]
    genders: dict[str, str]
    title_words: frozenset[str]
    title_prefix: re.Pattern[str]
    title_before: re.Pattern[str]

    def is_stop(self, token: str) -> bool:
        return token in self.stop or token in self.generic or token.lower() in self.function_words

    def gender(self, title: str | None) -> str | None:
        """The gender a title tells ("f" for "Mme" or "sœur", "m" for "président russe"), if any."""
        if not title:
            return None
        words = title.lower().replace(".", "").split()
        for size in (2, 1):
            found = self.genders.get(" ".join(words[:size]))
            if found is not None:
                return found
        return None

    def cuts(self, token: str) -> bool:
        """A lower-case word inside a span that cannot belong to a name (a weekday...)."""
        return token.islower() and token not in self.function_words and token.capitalize() in self.stop


@cache
def tables(language: str) -> EntityTables:
    """Tables for ``language``; honorifics and roles of every shipped language are added
    because quoted foreign titles ("Mr", "Dr") occur in any text."""
    data = load_table("entities", language)
    honorifics: set[str] = set()
    roles: set[str] = set()
    genders: dict[str, str] = {}
    for other in available_languages("entities"):
        table = load_table("entities", other)
        honorifics.update(table.get("honorifics", ()))
        roles.update(table.get("roles", ()))
        for gender, key in (("f", "female_titles"), ("m", "male_titles")):
            genders.update({t.lower().replace(".", ""): gender for t in table.get(key, ())})
    honorific_words = {h.rstrip(".") for h in honorifics}
    title = "|".join(
        [rf"{re.escape(h)}\.?" for h in sorted(honorific_words, key=len, reverse=True)]
        + [re.escape(r) for r in sorted(roles, key=len, reverse=True)]
    )
    modifier = data.get("role_modifier_pattern", "").strip("^$")
    # A function word is never a modifier: "président de Ferralys" names the company's
    # president, and "de" only looks like an adjective ending in -e.
    function_words = "|".join(re.escape(w) for w in sorted(data.get("function_words", ()), key=len, reverse=True))
    not_function = rf"(?!(?:{function_words})(?![\w'’]))" if function_words else ""
    # the modifier is in lower case even where titles match in any case ("Mme Claire Martin")
    modifier_part = rf"(?:\s+{not_function}(?-i:{modifier}))?" if modifier else ""
    prefix = rf"(?:{title}){modifier_part}\s+"
    # an apposition puts a comma between the role and the name ("sa sœur, Hélène Vidal")
    before = rf"(?:{title}){modifier_part},?\s+"
    return EntityTables(
        honorifics=frozenset(honorific_words),
        function_words=frozenset(w.lower() for w in data.get("function_words", ())),
        particles=frozenset(data.get("name_particles", ())),
        heads=frozenset(data.get("name_heads", ())),
        stop=frozenset(data.get("stop_capitalised", ())),
        generic=frozenset(data.get("generic_nouns", ())),
        possessives=tuple(data.get("possessive_suffixes", ())),
        leading_cut=frozenset(data.get("leading_cut", ())),
        place_prepositions=frozenset(data.get("place_prepositions", ())),
        organisation_words=frozenset(data.get("organisation_words", ())),
        exonyms=_by_first_word(data.get("exonyms", {})),
        genders=genders,
        title_words=frozenset(w.lower().rstrip(".") for t in honorifics | roles for w in t.split()),
        title_prefix=re.compile(rf"(?:{prefix})+", re.IGNORECASE),
        title_before=re.compile(rf"(?<![\w.])(?:{before})+$", re.IGNORECASE),
    )


def _by_first_word(names: dict[str, str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(name.split()[0], []).append(name)
    return {word: tuple(sorted(found, key=len, reverse=True)) for word, found in grouped.items()}


def find_mentions(
    article: Article, sentences: list[Sentence], *, models: Models, settings: AnnotateSettings
) -> list[Mention]:
    """Entity mentions of ``article`` in text order, offsets exact into its clean text."""
    return find_mentions_many([article], {article.id: sentences}, models=models, settings=settings)[article.id]


def find_mentions_many(
    articles: Sequence[Article],
    sentences_by_id: dict[str, list[Sentence]],
    *,
    models: Models,
    settings: AnnotateSettings,
) -> dict[str, list[Mention]]:
    """Mentions of many articles; spaCy runs once per language over all their texts."""
    result: dict[str, list[Mention]] = {}
    by_language: dict[str, list[Article]] = {}
    for article in articles:
        by_language.setdefault(article.language, []).append(article)
    for language, group in by_language.items():
        nlp = models.spacy(language)
        table = tables(language)
        if nlp is None:
            for article in group:
                spans = _capitalised_spans(article.clean_text, sentences_by_id.get(article.id, []), table)
                result[article.id] = _finish(article.clean_text, spans, table)
            continue
        disable = [name for name in nlp.pipe_names if name != "ner"]
        # One process: annotate_many spreads whole articles over processes, rules included.
        docs = nlp.pipe((a.clean_text for a in group), batch_size=settings.ner_batch_size, disable=disable)
        for article, doc in zip(group, docs, strict=True):
            spans = [
                (ent.start_char, ent.end_char, SPACY_TYPES[ent.label_]) for ent in doc.ents if ent.label_ in SPACY_TYPES
            ]
            result[article.id] = _finish(article.clean_text, spans, table)
    return result


# ----------------------------------------------------------------- clean-up rules


def _finish(text: str, spans: Iterable[tuple[int, int, EntityType]], table: EntityTables) -> list[Mention]:
    mentions: list[Mention] = []
    for start, end, kind in spans:
        mentions.extend(_clean(text, start, end, kind, table))
    mentions = _complete(text, _dedupe(mentions))
    mentions = _propagate(text, mentions, table)
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _clean(text: str, start: int, end: int, kind: EntityType, table: EntityTables) -> list[Mention]:
    """The usable parts of one recognised span (one per line it covers)."""
    found = []
    position = start
    for segment in text[start:end].split("\n"):
        seg_start = position
        position += len(segment) + 1
        tokens = [(seg_start + m.start(), seg_start + m.end()) for m in _TOKEN.finditer(segment)]
        cut = [i for i, (a, b) in enumerate(tokens) if table.cuts(text[a:b])]
        if cut:
            tokens = tokens[cut[-1] + 1 :]
        title: str | None = None
        head_word = text[tokens[0][0] : tokens[0][1]] if tokens else ""
        exonym_start = any(text.startswith(x, tokens[0][0]) for x in table.exonyms.get(head_word, ()))
        while tokens and not exonym_start:
            head = text[tokens[0][0] : tokens[0][1]]
            prefix = table.title_prefix.match(text, tokens[0][0], seg_start + len(segment))
            if prefix is None and len(tokens) > 2 and kind == "person" and head[0].isupper():
                # a nationality before a capitalised role ("German Chancellor Olaf Scholz")
                prefix = table.title_prefix.match(text, tokens[1][0], seg_start + len(segment))
            honorific = prefix is not None and prefix.group().split()[0].rstrip(".") in table.honorifics
            if prefix and prefix.end() < seg_start + len(segment) and (kind == "person" or honorific):
                # a role word opens some names ("General Motors"), an honorific never does
                kind = "person"
                title = _title_text(text[tokens[0][0] : prefix.end()])
                tokens = [t for t in tokens if t[0] >= prefix.end()]
            elif _weak_head(head, table):
                tokens = tokens[1:]
            else:
                break
        while tokens and _weak_tail(text[tokens[-1][0] : tokens[-1][1]], table):
            tokens = tokens[:-1]
        if not tokens:
            continue
        s, e = tokens[0][0], tokens[-1][1]
        e -= next((len(p) for p in table.possessives if text.endswith(p, s, e) and e - len(p) > s + 1), 0)
        name = text[s:e]
        words = [text[a:b] for a, b in tokens]
        if not _acceptable(name, words, table):
            continue
        if title is None and kind == "person":
            title = _title_before(text, s, table)
        found.append(Mention(s, e, name, kind, title))
    return found


def _weak_head(token: str, table: EntityTables) -> bool:
    """A word cut from the front of a span: punctuation, a determiner, a sentence
    opener ("Selon"), a common noun ("cosmodrome russe de Vostotchny")."""
    if not token[0].isalnum() or token in table.function_words or token in table.leading_cut:
        return True
    if token in table.stop and token.lower() not in table.function_words:
        return True
    return token.islower() and token not in table.heads


def _weak_tail(token: str, table: EntityTables) -> bool:
    elided = token + "’" in table.function_words or token + "'" in table.function_words
    return not token[0].isalnum() or token in table.function_words or elided


def _acceptable(name: str, words: list[str], table: EntityTables) -> bool:
    if table.title_prefix.fullmatch(name + " "):
        return False
    first = words[0]
    named = first[0].isupper() or first in table.heads or (not first.islower() and first.isalpha())
    if len(name) < 2 or not (named or (name[0].isdigit() and any(c.isalpha() for c in name))):
        return False
    if name[0].isdigit() and not name[-1].isalpha():
        return False
    return not all(table.is_stop(w) or not w[0].isalnum() for w in words)


def _title_text(prefix: str) -> str:
    return " ".join(prefix.replace(",", " ").split())


def _title_before(text: str, start: int, table: EntityTables) -> str | None:
    line_start = text.rfind("\n", 0, start) + 1
    window = max(line_start, start - 60)
    # most names have no title: a set look-up spares the regular expression
    if not any(w.lower().rstrip(".,") in table.title_words for w in text[window:start].split()[-4:]):
        return None
    match = table.title_before.search(text, window, start)
    if match is None:
        return None
    return _title_text(match.group())


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Mentions without overlaps; the longer one wins."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _complete(text: str, mentions: list[Mention]) -> list[Mention]:
    """A name the model cut short ("Kim Jong" before "Un") takes the following
    capitalised words when that longer form is a mention elsewhere in the article."""
    forms = {m.text for m in mentions}
    completed: list[Mention] = []
    for index, mention in enumerate(mentions):
        limit = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
        end = mention.end
        best = mention.end
        while (follow := _CAPITALISED_NEXT.match(text, end)) and follow.end() <= limit:
            if not follow.group(1)[0].isupper():
                break
            end = follow.end()
            if text[mention.start : end] in forms:
                best = end
        if best != mention.end:
            mention = Mention(mention.start, best, text[mention.start : best], mention.type, mention.title)
        completed.append(mention)
    return _dedupe(completed)


def _propagate(text: str, mentions: list[Mention], table: EntityTables) -> list[Mention]:
    """Later occurrences of a recognised name that the model missed, with the type it has most."""
    votes: dict[str, Counter[EntityType]] = {}
    for mention in mentions:
        if len(mention.text) >= _MIN_PROPAGATED and mention.text not in table.stop:
            votes.setdefault(mention.text, Counter())[mention.type] += 1
    if not votes:
        return mentions
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(votes, key=len, reverse=True)) + r")(?![\w-])"
    )
    taken = sorted((m.start, m.end) for m in mentions)
    added = []
    for match in pattern.finditer(text):
        if _overlaps(taken, match.start(), match.end()):
            continue
        kind = votes[match.group()].most_common(1)[0][0]
        title = _title_before(text, match.start(), table) if kind == "person" else None
        added.append(Mention(match.start(), match.end(), match.group(), kind, title))
    return mentions + added


def _overlaps(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    index = bisect.bisect_left(intervals, (end, end))
    return any(s < end and start < e for s, e in intervals[max(0, index - 2) : index])


# ----------------------------------------------------- fallback without a model


def _capitalised_spans(text: str, sentences: list[Sentence], table: EntityTables) -> list[tuple[int, int, EntityType]]:
    """Runs of capitalised words (joined by name particles), typed by simple cues.

    A lone capitalised word that opens a sentence and is seen in lower case
    elsewhere in the article is an ordinary word, not a name.
    """
    starts = {s.start for s in sentences}
    lowered = {m.group() for m in re.finditer(r"(?<![\w-])[^\W\d_][\w-]*", text) if m.group()[0].islower()}
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    spans: list[tuple[int, int, EntityType]] = []
    index = 0
    while index < len(tokens):
        if not _is_cap(tokens[index][2]):
            index += 1
            continue
        last = index
        probe = index + 1
        while probe < len(tokens):
            word = tokens[probe][2]
            between = text[tokens[probe - 1][1] : tokens[probe][0]]
            initial = len(tokens[probe - 1][2]) == 1 and _INITIAL_GAP.fullmatch(between) is not None
            if "\n" in between or (between and not between.isspace() and not initial):
                break
            if _is_cap(word):
                last = probe
            elif word not in table.particles:
                break
            probe += 1
        run = tokens[index : last + 1]
        index = last + 1
        if run[0][0] in starts and len(run) > 1 and table.is_stop(run[0][2]):
            run = run[1:]
        if run[0][0] in starts and len(run) == 1 and (run[0][2].lower() in lowered or table.is_stop(run[0][2])):
            continue
        spans.append((run[0][0], run[-1][1], _guess_type(text, run, table)))
    surnames = {text[e - len(text[s:e].split()[-1]) : e] for s, e, k in spans if k == "person" and " " in text[s:e]}
    return [(s, e, "person" if text[s:e] in surnames else k) for s, e, k in spans]


def _is_cap(word: str) -> bool:
    return word[0].isupper() and any(c.isalpha() for c in word)


def _guess_type(text: str, run: list[tuple[int, int, str]], table: EntityTables) -> EntityType:
    words = [w for _, _, w in run]
    titled = table.title_prefix.match(text, run[0][0], run[-1][1])
    if _title_before(text, run[0][0], table) is not None or (titled and titled.end() < run[-1][1]):
        return "person"
    if any(w in table.organisation_words for w in words):
        return "organisation"
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return "organisation"
    before = _WORD_BEFORE.search(text, max(0, run[0][0] - 30), run[0][0])
    if len(words) == 1 and before is not None and before.group(1) in table.place_prepositions:
        return "place"
    if 2 <= len(words) <= 4 and all(w[0].isupper() and not table.is_stop(w) for w in words):
        return "person"
    return "other"
