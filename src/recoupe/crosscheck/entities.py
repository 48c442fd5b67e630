"""Entities of one story: the mentions of all its articles merged into the things they name.

Two spellings name one thing when their normalised keys agree: accents and
case folded, hyphens and spaces ignored, transliteration variants
(ch/tch/tsch/tsj, y/i, ou/u...) and exonyms (Poutine/Putin) mapped by the
per-language tables. People are compared name part by name part, so two full
names that differ in a given name never merge. A bare surname ("Kim",
"M. Kim") joins the one full name it can mean: the one already introduced in
its article when it first appears, else the one every other article chose,
else the only candidate of the story; otherwise it stays an entity of its own.
Other names also merge on a strict fuzzy match of their keys (Angara/Angar)
and through abbreviations the text defines ("RDPC (République démocratique
populaire de Corée)").

Candidate pairs come from blocking on keys and name parts, never from all
pairs of the story.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from ..annotate.entities import tables
from ..langdata import available_languages, load_table
from ..records import Entity, EntityType, Mention, StoryInput

# Keys at least this long may merge on a fuzzy match; shorter names differ by a
# letter too often (Iran/Iraq, Mali/Bali).
_FUZZY_MIN_LENGTH = 6
_FUZZY_THRESHOLD = 90.0
_TYPE_ORDER: tuple[EntityType, ...] = ("person", "place", "organisation", "other")
_ABBREVIATION = re.compile(r"[A-ZÀ-Þ]{2,8}")
_PARENTHESIS = re.compile(r"\(([^()\n]{2,160})\)")
_ELIDED = re.compile(r"^\w[’']")
_SPLIT = re.compile(r"[\s\-‐‑–]+")


# ------------------------------------------------------------- normalisation


@dataclass(frozen=True, slots=True)
class _Rules:
    transliteration: re.Pattern[str]
    replacements: dict[str, str]
    exonyms: dict[str, str]
    particles: frozenset[str]


@cache
def _rules() -> _Rules:
    """Rules of every shipped language together: a French text may spell a
    Russian name the English or the Dutch way."""
    replacements: dict[str, str] = {}
    exonyms: dict[str, str] = {}
    particles: set[str] = set()
    for language in available_languages("entities"):
        table = load_table("entities", language)
        replacements.update({fold(k): v for k, v in table.get("transliteration", {}).items()})
        exonyms.update({fold(k): fold(v) for k, v in table.get("exonyms", {}).items()})
        particles.update(fold(p) for p in table.get("function_words", ()))
    ordered = sorted(replacements, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in ordered)) if ordered else re.compile(r"(?!)")
    return _Rules(pattern, replacements, exonyms, frozenset(particles))


def fold(text: str) -> str:
    """Lower case without accents, with one kind of apostrophe."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _phonetic(part: str, rules: _Rules) -> str:
    spelled = rules.transliteration.sub(lambda m: rules.replacements[m.group()], part)
    letters = re.sub(r"[^\w]", "", spelled)
    return re.sub(r"(\w)\1+", r"\1", letters)


@lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, ...]:
    """The normalised parts of a name: folded, exonyms mapped, transliteration keyed."""
    rules = _rules()
    folded = " ".join(fold(name).split())
    folded = rules.exonyms.get(folded) or rules.exonyms.get(folded.replace(".", " ").strip(), folded)
    folded = " ".join(folded.replace(".", " ").split())
    parts: list[str] = []
    for raw in _SPLIT.split(folded):
        if not raw:
            continue
        mapped = rules.exonyms.get(raw, raw)
        parts.extend(p for p in (_phonetic(w, rules) for w in _SPLIT.split(mapped)) if p)
    return tuple(parts)


# -------------------------------------------------------------------- merging


@dataclass(slots=True)
class _Item:
    article: str
    order: int
    mention: Mention
    parts: tuple[str, ...]
    gender: str | None
    type: EntityType = "other"

    @property
    def key(self) -> str:
        return " ".join(self.parts)


_BareKey = tuple[str | None, str, str | None]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


@dataclass(slots=True)
class EntityIndex:
    """The entities of one story, and the way back from a mention or a name to its entity."""

    entities: list[Entity]
    _by_mention: dict[tuple[str, int, int], str] = field(repr=False)
    _by_key: dict[str, str] = field(repr=False)
    _bare: dict[_BareKey, str] = field(repr=False)
    _languages: tuple[str, ...] = field(repr=False)
    _names: dict[str, str] = field(repr=False)
    _types: dict[str, EntityType] = field(repr=False)

    def entity_for_mention(self, article_id: str, mention: Mention) -> str | None:
        return self._by_mention.get((article_id, mention.start, mention.end))

    def entity_for_name(self, name: str, *, article_id: str | None = None) -> str | None:
        """The entity a surface name ("M. Kim", "le président Poutine") stands for, if any.

        A name with a title stands for a person: "le porte-parole du Kremlin"
        is not the Kremlin.
        """
        title, bare_name = _strip_titles(name, self._languages)
        found = self._resolve(title, bare_name, article_id)
        if found is not None and title is not None and self._types[found] != "person":
            return None
        return found

    def _resolve(self, title: str | None, bare_name: str, article_id: str | None) -> str | None:
        parts = name_parts(bare_name)
        if not parts:
            return None
        key = " ".join(parts)
        gender = tables(self._languages[0] if self._languages else "").gender(title)
        if len(parts) == 1:
            for scope in (article_id, None):
                for sex in dict.fromkeys((gender, None)):
                    found = self._bare.get((scope, key, sex))
                    if found is not None:
                        return found
        if key in self._by_key:
            return self._by_key[key]
        holders = {
            entity
            for other, entity in self._by_key.items()
            if len(other.split()) > len(parts) and _contains(other.split(), list(parts))
        }
        return holders.pop() if len(holders) == 1 else None

    def name_of(self, entity_id: str) -> str:
        return self._names[entity_id]


def _strip_titles(name: str, languages: tuple[str, ...]) -> tuple[str | None, str]:
    """The title words of ``name`` (None without any) and the name without them."""
    text = " ".join(name.split())
    title: str | None = None
    changed = True
    while changed:
        changed = False
        for language in languages:
            table = tables(language)
            first = text.split(" ", 1)[0]
            if first.lower() in table.function_words and " " in text:
                text = text.split(" ", 1)[1]
                changed = True
            prefix = table.title_prefix.match(text)
            if prefix and prefix.end() < len(text):
                title = title or prefix.group().strip()
                text = text[prefix.end() :]
                changed = True
    return title, text


def merge_entities(story: StoryInput) -> EntityIndex:
    """Entities of the story, most mentioned first (ids e1, e2...)."""
    items = _items(story)
    _vote_types(items)
    union = _Union()
    node_of: dict[int, str] = {}
    people = [i for i in items if i.type == "person"]
    full = [i for i in people if len(i.parts) > 1]
    for item in full:
        node_of[id(item)] = "p:" + item.key
        union.find(node_of[id(item)])
    _join_partial_names({i.key for i in full}, union)
    bare = _bind_bare_names([i for i in people if len(i.parts) == 1], full, union)
    for item in people:
        if len(item.parts) == 1:
            node_of[id(item)] = bare[(item.article, item.key, item.gender)]
    others = [i for i in items if i.type != "person"]
    for item in others:
        node_of[id(item)] = f"{item.type}:{item.key}"
        union.find(node_of[id(item)])
    _join_fuzzy({node_of[id(i)] for i in others}, union)
    _join_abbreviations(story, items, node_of, union)
    return _build(story, items, node_of, union, bare)


def _items(story: StoryInput) -> list[_Item]:
    items = []
    for article in story.articles:
        annotations = story.annotations.get(article.id)
        if annotations is None:
            continue
        for order, mention in enumerate(annotations.mentions):
            parts = name_parts(mention.text)
            if parts:
                gender = tables(article.language).gender(mention.title)
                items.append(_Item(article.id, order, mention, parts, gender, mention.type))
    return items


def _vote_types(items: list[_Item]) -> None:
    """One type per key across the story: a name the model typed differently in
    different sentences takes its most frequent type."""
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for item in items:
        votes[item.key][item.mention.type] += 1
    for item in items:
        counts = votes[item.key]
        item.type = max(_TYPE_ORDER, key=lambda t: (counts[t], -_TYPE_ORDER.index(t)))


def _join_partial_names(keys: set[str], union: _Union) -> None:
    """A shorter full name ("Vladimir Poutine" in "Vladimir Vladimirovitch Poutine")
    joins the only longer name that contains it, part for part and in order."""
    by_part: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        for part in key.split():
            by_part[part].add(key)
    for key in keys:
        parts = key.split()
        holders = {
            other for other in by_part[parts[-1]] if len(other.split()) > len(parts) and _contains(other.split(), parts)
        }
        roots = {union.find("p:" + h) for h in holders}
        if len(roots) == 1:
            union.join("p:" + key, roots.pop())


def _contains(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return any(longer[i : i + size] == shorter for i in range(len(longer) - size + 1))


class _Surnames:
    """Full-name mentions by their last and by their first part, for the bare-name look-ups."""

    def __init__(self, full: list[_Item], union: _Union) -> None:
        self.union = union
        self.last: dict[str, list[_Item]] = defaultdict(list)
        self.first: dict[str, list[_Item]] = defaultdict(list)
        self.cache: dict[str, dict[str, dict[str, int]]] = {}
        for item in full:
            self.last[item.parts[-1]].append(item)
            self.first[item.parts[0]].append(item)

    def candidates(self, key: str) -> dict[str, dict[str, int]]:
        """Full-name entities a bare name may mean, each with the position of its
        first full mention in every article that has one: by surname (last part)
        first, else by first part (family names written first, as in Korean)."""
        if key not in self.cache:
            found: dict[str, dict[str, int]] = defaultdict(dict)
            for item in self.last.get(key) or self.first.get(key, []):
                seen = found[self.union.find("p:" + item.key)]
                seen[item.article] = min(item.order, seen.get(item.article, item.order))
            self.cache[key] = found
        return self.cache[key]


def _genders(full: list[_Item], union: _Union) -> dict[str, str | None]:
    """The gender of each full-name entity, when its titles tell one and only one."""
    seen: dict[str, set[str]] = {}
    for item in full:
        genders = seen.setdefault(union.find("p:" + item.key), set())
        if item.gender is not None:
            genders.add(item.gender)
    return {root: next(iter(g)) if len(g) == 1 else None for root, g in seen.items()}


def _narrow(roots: set[str], gender: str | None, genders: dict[str, str | None]) -> set[str]:
    """Roots a name of ``gender`` may mean: no contradicting gender, and the
    ones known to have that gender when there are several."""
    if gender is None:
        return roots
    compatible = {r for r in roots if genders.get(r) in (None, gender)}
    confirmed = {r for r in compatible if genders.get(r) == gender}
    return confirmed if len(compatible) > 1 and len(confirmed) == 1 else compatible


def _bind_bare_names(bare: list[_Item], full: list[_Item], union: _Union) -> dict[_BareKey, str]:
    """The node each bare name joins, per article (key (article, name, gender))
    and for the story as a whole (key (None, name, gender))."""
    genders = _genders(full, union)
    surnames = _Surnames(full, union)
    binding: dict[_BareKey, str] = {}
    first_use: dict[tuple[str, str, str | None], int] = {}
    for item in bare:
        first_use.setdefault((item.article, item.key, item.gender), item.order)
    chosen: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    undecided = []
    for (article, key, gender), order in first_use.items():
        candidates = surnames.candidates(key)
        in_article = {r for r, first in candidates.items() if article in first}
        before = {r for r, first in candidates.items() if first.get(article, order) < order}
        before, in_article = _narrow(before, gender, genders), _narrow(in_article, gender, genders)
        pick = before if len(before) == 1 else in_article
        if len(pick) == 1:
            binding[(article, key, gender)] = next(iter(pick))
            chosen[(key, gender)].add(binding[(article, key, gender)])
        else:
            undecided.append((article, key, gender))
    for key, gender in {(i.key, i.gender) for i in bare}:
        # what the articles chose for the same title gender; an untitled name also
        # tells which person a titled one may mean, not the other way round
        agreed = _narrow(chosen[(key, gender)] | (chosen[(key, None)] if gender else set()), gender, genders)
        roots = _narrow(set(surnames.candidates(key)), gender, genders)
        if len(agreed) == 1:
            binding[(None, key, gender)] = next(iter(agreed))
        elif len(roots) == 1 and not agreed:
            binding[(None, key, gender)] = next(iter(roots))
        else:
            node = f"bare:{key}:{gender or ''}"
            binding[(None, key, gender)] = node
            union.find(node)
    # With no full name to join, "Tissot" and "M. Tissot" are one person unless the story
    # also has "Mme Tissot": the untitled name then stays apart, as it could be either.
    lone: dict[str, list[str]] = defaultdict(list)
    for (scope, key, _), node in binding.items():
        if scope is None and node.startswith("bare:"):
            lone[key].append(node)
    for nodes in lone.values():
        if len(nodes) == 2 and any(n.endswith(":") for n in nodes):
            union.join(*nodes)
    for article, key, gender in undecided:
        binding[(article, key, gender)] = binding[(None, key, gender)]
    return binding


def _join_fuzzy(nodes: set[str], union: _Union) -> None:
    """Same-type names whose keys are nearly equal (Angara/Angar), blocked by type
    and first letter so only plausible pairs are compared."""
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in nodes:
        kind, key = node.split(":", 1)
        compact = key.replace(" ", "")
        if len(compact) >= _FUZZY_MIN_LENGTH:
            blocks[(kind, compact[0])].append(node)
    for members in blocks.values():
        members.sort()
        spelled = [m.split(":", 1)[1].replace(" ", "") for m in members]
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if abs(len(spelled[i]) - len(spelled[j])) > 2:
                    continue
                if fuzz.ratio(spelled[i], spelled[j]) >= _FUZZY_THRESHOLD:
                    union.join(members[i], members[j])


def _join_abbreviations(story: StoryInput, items: list[_Item], node_of: dict[int, str], union: _Union) -> None:
    """An abbreviation joins the long form its article spells out next to it."""
    node_by_key: dict[str, str] = {}
    for item in items:
        node_by_key.setdefault(item.key, node_of[id(item)])
    particles = _rules().particles
    for article in story.articles:
        for short, long in _definitions(article.clean_text):
            expansion = _expansion(short, long, particles)
            if expansion is None:
                continue
            short_node = node_by_key.get(" ".join(name_parts(short)))
            long_node = node_by_key.get(" ".join(name_parts(expansion)))
            if short_node is not None and long_node is not None:
                union.join(short_node, long_node)


def _definitions(text: str) -> list[tuple[str, str]]:
    """(abbreviation, text it may abbreviate) for every "long (ABBR)" and "ABBR (long)"."""
    pairs = []
    for match in _PARENTHESIS.finditer(text):
        inside = match.group(1).strip()
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 160) : match.start()].rstrip()
        if _ABBREVIATION.fullmatch(inside):
            pairs.append((inside, before))
            continue
        last = before.rsplit(None, 1)[-1] if before else ""
        if _ABBREVIATION.fullmatch(last):
            pairs.append((last, inside))
    return pairs


def _expansion(short: str, long: str, particles: frozenset[str]) -> str | None:
    """The words at the end of ``long`` whose initials spell ``short``, if any
    (an elided article before the first word left out: "l'Organisation")."""
    words = long.split()
    bare = [_ELIDED.sub("", w) for w in words]
    letters = fold(short)
    for size in range(len(letters), min(len(words), len(letters) + 4) + 1):
        tail = bare[-size:]
        initials = "".join(fold(w)[0] for w in tail if fold(w) not in particles)
        if initials == letters and fold(tail[0]) not in particles:
            return " ".join([tail[0], *words[len(words) - size + 1 :]]).strip(" ,;:")
    return None


def _build(
    story: StoryInput,
    items: list[_Item],
    node_of: dict[int, str],
    union: _Union,
    bare: dict[_BareKey, str],
) -> EntityIndex:
    groups: dict[str, list[_Item]] = defaultdict(list)
    order_of = {a.id: n for n, a in enumerate(story.articles)}
    for item in items:
        groups[union.find(node_of[id(item)])].append(item)
    ranked = sorted(
        groups.items(),
        key=lambda g: (-len(g[1]), min((order_of[i.article], i.order) for i in g[1])),
    )
    entities = []
    id_of_root: dict[str, str] = {}
    by_mention: dict[tuple[str, int, int], str] = {}
    by_key: dict[str, str] = {}
    for number, (root, members) in enumerate(ranked, start=1):
        entity_id = f"e{number}"
        id_of_root[root] = entity_id
        surfaces = Counter(i.mention.text for i in members)
        first_seen: dict[str, tuple[int, int]] = {}
        for i in sorted(members, key=lambda i: (order_of[i.article], i.order)):
            first_seen.setdefault(i.mention.text, (order_of[i.article], i.order))
        variants = sorted(surfaces, key=lambda s: (-surfaces[s], first_seen[s]))
        types = Counter(i.type for i in members)
        entities.append(
            Entity(
                id=entity_id,
                name=_canonical(surfaces, first_seen),
                type=max(_TYPE_ORDER, key=lambda t: (types[t], -_TYPE_ORDER.index(t))),
                variants=variants,
                articles=sorted({i.article for i in members}, key=order_of.__getitem__),
                mentions=len(members),
            )
        )
        for item in members:
            by_mention[(item.article, item.mention.start, item.mention.end)] = entity_id
            if len(item.parts) > 1 or item.type != "person":
                by_key.setdefault(item.key, entity_id)
    bare_ids = {scope: id_of_root[union.find(node)] for scope, node in bare.items() if union.find(node) in id_of_root}
    languages = tuple(sorted({a.language for a in story.articles}))
    return EntityIndex(
        entities,
        by_mention,
        by_key,
        bare_ids,
        languages,
        {e.id: e.name for e in entities},
        {e.id: e.type for e in entities},
    )


def _canonical(surfaces: Counter[str], first_seen: dict[str, tuple[int, int]]) -> str:
    """The fullest frequent form: among the forms of several words when there are
    any, those seen at least twice (all when none is), the one with most words,
    then the most frequent, then the first."""
    forms = [s for s in surfaces if len(name_parts(s)) > 1] or list(surfaces)
    frequent = [s for s in forms if surfaces[s] >= 2] or forms
    return max(frequent, key=lambda s: (len(name_parts(s)), surfaces[s], tuple(-x for x in first_seen[s])))
