"""Cleaning: RawDoc -> Article, a pure function of the document and the settings.

Noise is recognised line by line with the rules of ``lang/clean/*.toml``
(common ones plus those of every configured language, so boilerplate copied from
a site in another language is caught too); repeated paragraphs are found after.
Everything taken out goes verbatim into ``Article.removed``. The text that stays
is never rewritten inside a line: only runs of spaces are collapsed and lines are
joined into paragraphs (``"\\n\\n"``) or, for hard-wrapped prose, with one space.
:func:`clean_mapped` also returns where every piece of ``clean_text`` comes from
in ``raw.body``, which is what keeps offsets exact.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from . import metadata
from .errors import ConfigError
from .langdata import load_table
from .records import Article, RawDoc
from .settings import CleanSettings

KINDS = ("date", "tag", "image", "caption", "credit", "promo", "byline", "boilerplate")
_MATCHES = ("line", "start", "end")
_WHERE = ("any", "edge", "first")
_NO_LIMIT = 1 << 30

_LINE = re.compile(r"[^\r\n]+")
# Runs of ASCII blanks collapse to one space; every other character is kept.
_BLANKS = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_FRAGMENT = re.compile(r"\{\{(\w+)\}\}")
_SENTENCE_END = '.!?:;»”"…)]'
_NEAR_WINDOW = 200
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    match: str
    where: str
    max_chars: int
    regex: re.Pattern[str]
    origin: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An article with the map of its text back to ``raw.body``.

    ``segments`` are ``(clean_start, body_start, length)`` triples: equal stretches
    of ``clean_text`` and ``raw.body``; outside them clean_text only has the
    separators (spaces and paragraph breaks). ``removed_spans`` are the body spans
    of ``article.removed``; ``title_span`` the body span of a title found in the body.
    """

    article: Article
    segments: tuple[tuple[int, int, int], ...]
    removed_spans: tuple[tuple[int, int], ...]
    title_span: tuple[int, int] | None


# ------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules in kind order, by line position, with merged prefilters.

    Most lines are prose that no rule takes. A merged pattern (the union of the
    "line" rules that could apply to a line of that position and size) tells so in
    one call; only a line it accepts is tried rule by rule, so the merged patterns
    are a superset test and never decide alone.
    """

    rules: dict[str, tuple[Rule, ...]]
    # The rules to try when the merged prefilter rejects the line, with and
    # without the gated ones (tried only when a line holds one of their words).
    partial: dict[str, tuple[Rule, ...]]
    ungated: dict[str, tuple[Rule, ...]]
    merged: dict[tuple[str, int], re.Pattern[str]]
    needs: tuple[str, ...]


_POSITIONS = {"first": ("first", "edge", "any"), "edge": ("edge", "any"), "any": ("any",)}
# Size classes of the merged prefilters: a short line can be a caption, a credit
# or a promo; a long one only a few kinds of leftovers.
_SIZES = (60, 120, 250, 400, _NO_LIMIT)
_GROUP_NAME = re.compile(r"\(\?P<\w+>")


@cache
def rules_for(languages: tuple[str, ...]) -> RuleSet:
    """The cleaning rules of lang/clean/common.toml and of ``languages``."""
    common = load_table("clean", "common")
    fragments = dict(common.get("fragments", {}))
    fragments["agency"] = agency_pattern()
    fragments["written_date"] = written_date_pattern(languages)
    rules: list[Rule] = []
    for name in ("common", *languages):
        table = common if name == "common" else load_table("clean", name)
        for index, spec in enumerate(table.get("rules", [])):
            rules.append(_compile(spec, fragments, f"lang/clean/{name}.toml rule {index + 1}"))
    rules.sort(key=lambda rule: KINDS.index(rule.kind))
    by_position = {
        position: tuple(rule for rule in rules if rule.where in allowed) for position, allowed in _POSITIONS.items()
    }
    merged: dict[tuple[str, int], re.Pattern[str]] = {}
    for position, candidates in by_position.items():
        lower = 0
        for size in _SIZES if position == "any" else (_NO_LIMIT,):
            merged[position, size] = _merge(
                (index, r)
                for index, r in enumerate(candidates)
                if r.match == "line" and not r.needs and r.max_chars > lower
            )
            lower = size
    partial = {position: tuple(r for r in rs if r.match != "line" or r.needs) for position, rs in by_position.items()}
    words = sorted({word for rule in rules for word in rule.needs})
    return RuleSet(
        rules=by_position,
        partial=partial,
        ungated={position: tuple(r for r in rs if not r.needs) for position, rs in partial.items()},
        merged=merged,
        needs=tuple(words),
    )


def _merge(rules: Iterable[tuple[int, Rule]]) -> re.Pattern[str]:
    """One pattern for the rules, each alternative named after the rule's index so
    that a match says which rule to try first."""
    alternatives = [
        f"(?P<_{index}>"
        + ("(?i:" if rule.regex.flags & re.IGNORECASE else "(?:")
        + _GROUP_NAME.sub("(?:", rule.regex.pattern)
        + "))"
        for index, rule in rules
    ]
    # (?!) never matches: the union of no rule.
    return re.compile("|".join(alternatives) or "(?!)", re.DOTALL)


@cache
def agency_pattern() -> str:
    names = sorted(metadata.agency_names(), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names) + r")(?!\w)"


def written_date_pattern(languages: Iterable[str]) -> str:
    """A full date in words in any of ``languages`` ("mardi 12 mars 2024", "Tuesday, March 12, 2024",
    "12. März 2024"), with an optional time; built from the weekday and month names of lang/dates."""
    forms: list[str] = []
    for language in languages:
        table = load_table("dates", language)
        if not table:
            continue
        weekday = _alternatives(table.get("weekdays", []))
        month = _alternatives(table.get("months", {}))
        suffix = _alternatives(table.get("day_suffixes", []))
        joiner = _alternatives(table.get("joiners", []))
        day = r"\d{1,2}" + (rf"(?:{suffix})?" if suffix else "") + r"\.?"
        join = rf"(?:\s+(?:{joiner}))?" if joiner else ""
        orders = {"dmy": rf"{day}{join}\s+(?:{month}){join}", "mdy": rf"(?:{month})\s+{day},?"}
        forms.extend(
            rf"(?:(?:{weekday}),?\s+)?{orders[order]}\s+\d{{4}}"
            for order in table.get("orders", ["dmy"])
            if order in orders
        )
    if not forms:
        return "(?!)"
    time = r"(?:\s*,?\s*(?:[^\W\d]{1,3}\s+)?\d{1,2}\s*[h:.]\s*\d{2})?"
    return "(?:" + "|".join(forms) + ")" + time


def _alternatives(words: Iterable[str]) -> str:
    """Words as regex alternatives, longest first so "juil." is tried before "juil"."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in ordered)


@cache
def _agency_regex() -> re.Pattern[str]:
    return re.compile(agency_pattern(), re.IGNORECASE)


def _compile(spec: dict[str, Any], fragments: dict[str, str], origin: str) -> Rule:
    kind = spec.get("kind")
    match = spec.get("match", "line")
    where = spec.get("where", "any")
    if kind not in KINDS or match not in _MATCHES or where not in _WHERE:
        raise ConfigError(
            f"{origin}: kind must be one of {KINDS}, match one of {_MATCHES}, where one of {_WHERE}; "
            f"got kind={kind!r} match={match!r} where={where!r}"
        )

    def fragment(found: re.Match[str]) -> str:
        if found[1] not in fragments:
            raise ConfigError(f"{origin}: unknown fragment {{{{{found[1]}}}}}; known: {sorted(fragments)}")
        return fragments[found[1]]

    pattern = _FRAGMENT.sub(fragment, str(spec.get("pattern", "")))
    flags = re.DOTALL if spec.get("case") else re.DOTALL | re.IGNORECASE
    try:
        regex = re.compile(pattern, flags)
    except re.error as exc:
        raise ConfigError(f"{origin}: the pattern is not a valid regular expression: {exc}") from exc
    default_limit = _NO_LIMIT if match != "line" else 300
    needs = tuple(str(word).lower() for word in spec.get("needs", ()))
    return Rule(kind, match, where, int(spec.get("max_chars", default_limit)), regex, origin, needs)


# ---------------------------------------------------------------------- cleaning


@dataclass(slots=True)
class _Found:
    """What the rules found in one document."""

    removed: list[tuple[int, int]] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    outlet: str | None = None
    published: str | None = None
    updated: str | None = None


def clean(raw: RawDoc, *, settings: CleanSettings) -> Article:
    """The cleaned article of ``raw``; pure and never raises on any text."""
    return clean_mapped(raw, settings=settings).article


def clean_mapped(raw: RawDoc, *, settings: CleanSettings) -> Cleaned:
    body = raw.body
    ruleset = rules_for(settings.languages)
    found = _Found()
    pieces = list(_scan(body, ruleset, settings, found))
    blocks = _paragraphs(body, pieces)
    blocks = _drop_repeats(body, blocks, settings, found)
    blocks, title, title_span = _take_title(body, blocks, raw.title)
    clean_text, segments = _render(body, blocks)

    found.removed.sort()
    extra = dict(raw.extra)
    if found.updated:
        extra.setdefault("updated", found.updated)
    credits = _unique([*raw.credits, *found.credits])
    article = Article(
        id=raw.doc_id,
        input=raw.input,
        original=raw.original,
        clean_text=clean_text,
        language=_language(raw.language, clean_text, settings),
        content_hash=content_hash(clean_text),
        format=raw.format,
        title=title,
        url=raw.url,
        outlet=metadata.normalise_outlet(raw.outlet) or found.outlet or metadata.outlet_from_url(raw.url),
        credits=credits,
        published=metadata.parse_date(raw.published, languages=settings.languages) or found.published,
        removed=[body[start:end] for start, end in found.removed],
        extra=extra,
    )
    return Cleaned(article, tuple(segments), tuple(found.removed), title_span)


def content_hash(clean_text: str) -> str:
    """sha256 of the text with compatibility forms and all whitespace normalised.

    The same article read from two formats differs in paragraph breaks and
    no-break spaces, not in words, so those do not count.
    """
    normalised = " ".join(unicodedata.normalize("NFKC", clean_text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _language(declared: str | None, text: str, settings: CleanSettings) -> str:
    if declared:
        code = declared.strip().lower().replace("_", "-").split("-")[0]
        if code in settings.languages:
            return code
    return metadata.detect_language(text, languages=settings.languages, default=settings.default_language)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        normalised = metadata.normalise_credit(name)
        if normalised:
            seen.setdefault(normalised, None)
    return list(seen)


def _scan(body: str, ruleset: RuleSet, settings: CleanSettings, found: _Found) -> Iterator[tuple[int, int]]:
    """The kept (start, end) piece of every non-blank line, after the rules took theirs."""
    lines = [_strip(body, m.start(), m.end()) for m in _LINE.finditer(body)]
    lines = [(start, end) for start, end in lines if start < end]
    last = len(lines) - 1
    gates = _gate_words(body, lines, ruleset.needs)
    caption_pending = False
    for index, (start, end) in enumerate(lines):
        edge = index < settings.edge_lines or index > last - settings.edge_lines
        position = "first" if index == 0 else "edge" if edge else "any"
        text = body[start:end]
        present = gates[index]
        rule, match = _first_match(
            ruleset, text, position=position, present=present, found=found, languages=settings.languages
        )
        if rule is None or match is None:
            if caption_pending and _reads_as_caption(body, text, end, settings):
                found.removed.append((start, end))
            else:
                yield start, end
            caption_pending = False
            continue
        caption_pending = rule.kind == "image"
        if rule.match == "line":
            found.removed.append((start, end))
            continue
        cut_start, cut_end = _strip(body, start + match.start(), start + match.end())
        if cut_start < cut_end:
            found.removed.append((cut_start, cut_end))
        keep = (start + match.end(), end) if rule.match == "start" else (start, start + match.start())
        keep = _strip(body, *keep)
        if keep[0] < keep[1]:
            yield keep


def _gate_words(body: str, lines: list[tuple[int, int]], needs: tuple[str, ...]) -> list[set[str]]:
    """The gate words of each line, found with str.find over the lower-cased body
    (a dozen C scans cost less than one regex alternation walked in Python's engine)."""
    lowered = body.lower()
    if len(lowered) != len(body):
        return [{word for word in needs if word in body[s:e].lower()} for s, e in lines]
    starts = [start for start, _ in lines]
    gates: list[set[str]] = [set() for _ in lines]
    for word in needs:
        position = lowered.find(word)
        while position != -1:
            line = bisect_right(starts, position) - 1
            if line >= 0 and position < lines[line][1]:
                gates[line].add(word)
            position = lowered.find(word, position + 1)
    return gates


def _reads_as_caption(body: str, text: str, end: int, settings: CleanSettings) -> bool:
    """Whether the short line after an image placeholder is its caption.

    Captions go without a final full stop, or stand apart from the text with a
    wider gap below them (a flattened figure); a sentence set like the others
    is the article going on after a picture without a caption.
    """
    if len(text) > settings.caption_max_chars:
        return False
    if text[-1] not in _SENTENCE_END:
        return True
    return body.count("\n", end, len(body) - len(body[end:].lstrip())) >= 3


def _first_match(
    ruleset: RuleSet, text: str, *, position: str, present: set[str], found: _Found, languages: tuple[str, ...]
) -> tuple[Rule | None, re.Match[str] | None]:
    size = len(text)
    bound = next(limit for limit in _SIZES if size <= limit) if position == "any" else _NO_LIMIT
    merged = ruleset.merged[position, bound].fullmatch(text)
    # Alternatives are tried in rule order, so no ungated line rule before the
    # one that matched can match; a line no such rule takes skips them all.
    first_line_rule = int(merged.lastgroup[1:]) if merged is not None and merged.lastgroup else _NO_LIMIT
    if merged is not None:
        candidates = ruleset.rules[position]
    else:
        candidates = ruleset.partial[position] if present else ruleset.ungated[position]
    for index, rule in enumerate(candidates):
        if rule.needs and present.isdisjoint(rule.needs):
            continue
        if rule.match == "line":
            if size > rule.max_chars or (not rule.needs and index < first_line_rule and merged is not None):
                continue
            match = rule.regex.fullmatch(text)
        elif rule.match == "start":
            match = rule.regex.match(text)
        else:
            match = rule.regex.search(text)
        if match is not None and match.end() > match.start() and _take(match, found, languages):
            return rule, match
    return None, None


def _take(match: re.Match[str], found: _Found, languages: tuple[str, ...]) -> bool:
    """Record the metadata a match carries; False when its date is no date after all."""
    groups = {name: value for name, value in match.groupdict().items() if value}
    published = metadata.parse_date(groups["date"], languages=languages) if "date" in groups else None
    updated = metadata.parse_date(groups["updated"], languages=languages) if "updated" in groups else None
    if ("date" in groups and published is None) or ("updated" in groups and updated is None):
        return False
    if published and found.published is None:
        found.published = published
    if updated and found.updated is None:
        found.updated = updated
    if "agency" in groups:
        found.credits.extend(m[0] for m in _agency_regex().finditer(groups["agency"]))
    if "outlet" in groups and found.outlet is None:
        found.outlet = metadata.normalise_outlet(groups["outlet"])
    return True


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(body: str, pieces: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Pieces grouped into paragraphs: a line is joined to the one before only when
    that one stops mid-sentence and this one goes on in lower case (hard wrapping)."""
    blocks: list[list[tuple[int, int]]] = []
    for start, end in pieces:
        if blocks:
            _prev_start, prev_end = blocks[-1][-1]
            gap = body[prev_end:start]
            if (
                gap.count("\n") + gap.count("\r") - gap.count("\r\n") == 1
                and gap.strip() == ""
                and body[prev_end - 1] not in _SENTENCE_END
                and body[start].islower()
            ):
                blocks[-1].append((start, end))
                continue
        blocks.append([(start, end)])
    return blocks


def _key(body: str, block: list[tuple[int, int]]) -> str:
    """The paragraph's words (with their punctuation), lower-cased and sorted: a
    reordered or lightly edited repeat stays close to the original under a plain
    edit ratio."""
    return " ".join(sorted(" ".join(body[s:e] for s, e in block).casefold().split()))


def _drop_repeats(
    body: str, blocks: list[list[tuple[int, int]]], settings: CleanSettings, found: _Found
) -> list[list[tuple[int, int]]]:
    kept: list[list[tuple[int, int]]] = []
    seen: set[str] = set()
    earlier: list[str] = []
    cutoff = settings.repeat_similarity * 100
    for block in blocks:
        if sum(end - start for start, end in block) >= settings.min_repeat_chars:
            key = _key(body, block)
            # Exact repeats are looked up anywhere; near ones among the last
            # _NEAR_WINDOW paragraphs, so a page of thousands stays linear.
            near = earlier[-_NEAR_WINDOW:]
            if key in seen or (near and process.extractOne(key, near, scorer=fuzz.ratio, score_cutoff=cutoff)):
                found.removed.append((block[0][0], block[-1][1]))
                continue
            seen.add(key)
            earlier.append(key)
        kept.append(block)
    return kept


def _take_title(
    body: str, blocks: list[list[tuple[int, int]]], title: str | None
) -> tuple[list[list[tuple[int, int]]], str | None, tuple[int, int] | None]:
    """The title: the reader's, or a first line that reads as a headline.

    A first paragraph repeating the reader's title (an HTML page's <h1>, which
    may lack the " - Site name" the <title> carries) is the title, not text; so is
    a short first line without final punctuation followed by more text, the shape
    of a plain-text article with its headline on top.
    """
    if not blocks:
        return blocks, title, None
    first = blocks[0]
    span = (first[0][0], first[-1][1])
    text = body[span[0] : span[1]]
    if title is not None:
        words, title_words = _WORDS.findall(text.casefold()), _WORDS.findall(title.casefold())
        if words == title_words or (len(words) >= 3 and title_words[: len(words)] == words):
            return blocks[1:], title, span
        return blocks, title, None
    if len(blocks) > 1 and len(first) == 1:
        following = sum(end - start for start, end in blocks[1])
        if _looks_like_title(text, following):
            return blocks[1:], text, span
    return blocks, None, None


def _looks_like_title(text: str, following: int) -> bool:
    """A headline: a short line opening with a capital, without final punctuation;
    or a very short one with a full stop ("Un rapport accable la direction.",
    "Tous sauf...") when the paragraph after it is several times longer, as a
    headline's body is."""
    words = len(text.split())
    if not (2 <= words <= 25 and len(text) <= 160) or text[-1] in ",;:":
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "«\"“'‘"):
        return False
    return text[-1] not in ".…" or (words <= 12 and following >= 3 * len(text))


def _render(body: str, blocks: list[list[tuple[int, int]]]) -> tuple[str, list[tuple[int, int, int]]]:
    out: list[str] = []
    segments: list[tuple[int, int, int]] = []
    size = 0
    for number, block in enumerate(blocks):
        for index, (start, end) in enumerate(block):
            if index or number:
                separator = " " if index else "\n\n"
                out.append(separator)
                size += len(separator)
            position = start
            piece = body[start:end]
            # Most lines have no run to collapse; plain membership tests say so
            # faster than the regex would.
            runs = "  " in piece or "\t" in piece or "\f" in piece or "\v" in piece
            for blank in _BLANKS.finditer(body, start, end) if runs else ():
                segments.append((size, position, blank.start() - position))
                out.append(body[position : blank.start()] + " ")
                size += blank.start() - position + 1
                position = blank.end()
            segments.append((size, position, end - position))
            out.append(body[position:end])
            size += end - position
    return "".join(out), segments
