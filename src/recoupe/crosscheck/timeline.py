"""The timeline of a story: dated events merged across its sources, each with evidence.

Many reports give only weekdays ("mercredi matin") and some give no publication
date at all. :func:`infer_story_dates` dates such an article from its story (a
date heading its text counts as its publication date). Among the days within a
week after those the story dates, the anchor chosen is, in this order of
preference: one on or after every date it gives itself in the past tense, the one
under which its relative expressions land on days other reports also tell
(weighted by how alike the sentences are; "hier" must also be told alike, a
weekday already has to fall right), the one under which the days it tells lie
closest together, the nearest to the other reports' publication dates, the day the
story dates most often, the nearest after its own latest date, the earliest.
A partial publication date ("2023-09") bounds the choice; days written without a
year take it from the publication years, else from the first year after the
latest one the story mentions in which their weekday falls right.

:func:`build_timeline` resolves every expression against these anchors and groups
what several sources tell on one day into events, each with its evidence.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..annotate.dates import (
    find_times,
    inferred_note,
    needs_anchor,
    parse_anchor,
    resolve_in_year,
    resolve_rule,
    rule_fields,
)
from ..annotate.sentences import split_sentences
from ..records import Article, Evidence, Sentence, StoryInput, TimeExpression, TimelineEvent

# An anchor is sought this many days after each day the story dates explicitly:
# a report is published on the day of the last event it tells or in the week after.
_ANCHOR_REACH = 7
# A day written out ("mercredi 13 septembre") vouches more than one told relative to another guess.
_EXPLICIT_BONUS = 0.1
# "Hier" fits any day, so it vouches for an anchor only when its sentence tells what
# another report tells on that day; a weekday already has to fall on the right day.
_LOOSE_MIN_SIMILARITY = 0.15
# Years from the latest one a story mentions, in which a weekday-dated day may fall.
_WEAK_YEARS = 6
# A date given with its year ("13 août 2004") or with no past tense around it ("la journée
# d'action du 16 octobre") may be a reference back or a plan: it vouches at this weight only.
_UNTOLD_WEIGHT = 0.5
# Rounds of inference: each lets articles dated in the round before vouch for others.
_ROUNDS = 3
# A date at the very start of a text is its dateline or a metadata header, not an event.
_DATELINE_WORDS = 3
# An event is trimmed to its clauses when its sentence is longer than this (words).
_LONG_SENTENCE = 45
_MIN_CLAUSE_WORDS = 16
# A clause with fewer words than this besides its dates is a time stamp, not an event.
_MIN_EVENT_WORDS = 4
_CLAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s")
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class _Read:
    """One article with its sentences and time expressions."""

    article: Article
    sentences: list[Sentence]
    times: list[TimeExpression]
    published: dt.date | None
    prefix: str | None
    dateline: TimeExpression | None


@dataclass(frozen=True, slots=True)
class _Known:
    """A day the story dates: where, by which words, and in what context."""

    article: str
    text: str
    tokens: frozenset[str]
    relative: bool
    happened: bool


@dataclass(slots=True)
class _Told:
    """One dated clause of one article: a candidate event."""

    article: str
    order: int
    value: str
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    explicit: bool
    inferred: bool


@dataclass(slots=True)
class _Event:
    members: list[_Told] = field(default_factory=list)


# ------------------------------------------------------------------- reading


def _read(story: StoryInput) -> list[_Read]:
    out = []
    for article in story.articles:
        notes = story.annotations.get(article.id)
        if notes is not None:
            sentences, times = notes.sentences, notes.times
        else:
            sentences = split_sentences(article.clean_text, article.language)
            times = find_times(article, sentences)
        published, _ = parse_anchor(article.published)
        dateline = _dateline(article, times) if published is None else None
        if dateline is not None and dateline.value and len(dateline.value) >= 10:
            published = dt.date.fromisoformat(dateline.value[:10])
        prefix = _partial(article.published) or (dateline.value[:10] if dateline and dateline.value else None)
        out.append(_Read(article, sentences, times, published, prefix, dateline))
    return out


def _partial(published: str | None) -> str | None:
    match = re.match(r"\d{4}(?:-\d\d){0,2}", (published or "").strip())
    return match.group() if match else None


def _dateline(article: Article, times: list[TimeExpression]) -> TimeExpression | None:
    """The absolute date an article opens with, if any: its publication date."""
    for t in times:
        if _in_dateline(article, t) and t.value:
            return t
    return None


def _in_dateline(article: Article, t: TimeExpression) -> bool:
    """A date heading the text: a full day, or a month written in figures ("2023-09"), among
    its first words. "Hier, ..." or "En 2019, ..." open a sentence instead."""
    if len(_WORD.findall(article.clean_text[: t.start])) >= _DATELINE_WORDS or t.start >= 60:
        return False
    value = t.value or ""
    written = len(value) >= 10 or (len(value) >= 7 and t.text[:1].isdigit())
    return written and not needs_anchor(t.rule or "") and not _is_since(t)


def _sentence_of(read: _Read, t: TimeExpression) -> tuple[int, int]:
    for s in read.sentences:
        if s.start <= t.start < s.end:
            return s.start, s.end
    return t.start, t.end


def _is_since(t: TimeExpression) -> bool:
    """A starting or end point ("depuis 2019", "jusqu'au 24 août"), not the date of an event."""
    fields = rule_fields(t.rule or "")
    return "since" in fields or "until" in fields


# ---------------------------------------------------------------- similarity


class _Similarity:
    """Weighted word overlap of two passages; words frequent in the story weigh little."""

    def __init__(self, passages: Iterable[frozenset[str]]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for tokens in passages:
            counts.update(tokens)
            total += 1
        self._idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in counts.items()}
        self._norms: dict[frozenset[str], float] = {}

    def __call__(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        shared = self._mass(a & b)
        return shared / math.sqrt(self._norm(a) * self._norm(b))

    def _mass(self, tokens: Iterable[str]) -> float:
        weight = self._idf.get
        return sum(weight(t, 1.0) ** 2 for t in tokens)

    def _norm(self, tokens: frozenset[str]) -> float:
        if tokens not in self._norms:
            self._norms[tokens] = self._mass(tokens)
        return self._norms[tokens]


def _tokens(text: str) -> frozenset[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return frozenset(w[:5] for w in _WORD.findall(plain) if len(w) > 3 and not w.isdigit())


def _context_tokens(text: str, sentence: tuple[int, int], t: TimeExpression) -> frozenset[str]:
    """Words of the sentence around ``t``, without the words of the date itself."""
    return _tokens(text[sentence[0] : t.start] + " " + text[t.end : sentence[1]])


# ---------------------------------------------------------------- inference


def infer_story_dates(story: StoryInput) -> dict[str, tuple[str, str]]:
    """Publication dates of the story's articles that have no full one: id -> (ISO date, how)."""
    reads = _read(story)
    undated = [r for r in reads if r.published is None]
    from_dateline = {
        r.article.id: (r.published.isoformat(), f"from the date the text opens with, '{r.dateline.text}'")
        for r in reads
        if r.dateline is not None and r.published is not None
    }
    if not undated:
        return from_dateline
    years = _story_years(reads)
    similarity = _Similarity(
        _context_tokens(r.article.clean_text, _sentence_of(r, t), t) for r in reads for t in r.times
    )
    anchors = {r.article.id: r.published for r in reads if r.published is not None}
    guesses: dict[str, tuple[dt.date, str]] = {}
    for _ in range(_ROUNDS):
        current = anchors | {k: v[0] for k, v in guesses.items()}
        known = _known_days(reads, current, years)
        fresh = {}
        for read in undated:
            guess = _guess(read, known, anchors, years, similarity)
            if guess is not None:
                fresh[read.article.id] = guess
        if fresh == guesses:
            break
        guesses = fresh
    return from_dateline | {k: (d.isoformat(), how) for k, (d, how) in guesses.items()}


def _story_years(reads: list[_Read]) -> list[tuple[int, bool]]:
    """Years an undated day and month may belong to, the likeliest first, each with whether
    only a weekday can confirm it.

    Publication years come first. A story is told after the dates it mentions, so next
    come the years from the latest one mentioned on, which a weekday must confirm ("mercredi
    2 juillet" fell on a Wednesday in 2008, the first such year after 2007). Last, the
    years of the full dates the story writes out, the latest first.
    """
    published: Counter[int] = Counter()
    written: set[int] = set()
    mentioned: set[int] = set()
    for r in reads:
        if r.prefix:
            published[int(r.prefix[:4])] += 1
        for t in r.times:
            if not t.value or needs_anchor(t.rule or ""):
                continue
            mentioned.add(int(t.value[:4]))
            if len(t.value) >= 10 and not _is_since(t):
                written.add(int(t.value[:4]))
    ordered = [(y, False) for y in sorted(published, key=lambda y: (-published[y], -y))]
    latest = max(mentioned, default=None)
    if latest is not None:
        # From the year before: the latest year mentioned may lie ahead ("son mandat s'achève fin 2009").
        window = [(y, True) for y in range(latest - 1, latest + _WEAK_YEARS) if y not in published]
        # A year a weekday confirms for one day of the story also dates its days told without one.
        confirmed = Counter(
            int(value[:4])
            for r in reads
            for t in r.times
            if "wd" in rule_fields(t.rule or "") and "md" in rule_fields(t.rule or "")
            and (value := _value(t, None, ordered + window))
        )
        ordered += [(y, False) for y in sorted(confirmed, key=lambda y: (-confirmed[y], -y)) if y not in published]
        ordered += [w for w in window if w[0] not in confirmed]
    ordered += [(y, False) for y in sorted(written - {y for y, _ in ordered}, reverse=True)]
    return ordered


def _value(t: TimeExpression, anchor: dt.date | None, years: list[tuple[int, bool]]) -> str | None:
    """The value of ``t`` under ``anchor``, or from the story's years when it needs only a year."""
    rule = t.rule or ""
    if anchor is not None and rule:
        return resolve_rule(rule, anchor)
    if t.value:
        return t.value
    fields = rule_fields(rule)
    if "md" not in fields and "m" not in fields:
        return None
    for year, weak in years:
        if weak and "wd" not in fields:
            continue
        value = resolve_in_year(rule, year)
        if value and value.startswith(str(year)):
            return value
    return None


def _known_days(
    reads: list[_Read], anchors: dict[str, dt.date], years: list[tuple[int, bool]]
) -> dict[dt.date, list[_Known]]:
    known: dict[dt.date, list[_Known]] = {}
    for r in reads:
        anchor = anchors.get(r.article.id)
        restated = _restatements(r.article.clean_text, r.times)
        for t in r.times:
            if _is_since(t) or _in_dateline(r.article, t) or any(a <= t.start < b for a, b in restated):
                continue
            value = _value(t, anchor, years)
            if value is None or len(value) < 10:
                continue
            fields = rule_fields(t.rule or "")
            if "shift" in fields and "day" in fields:
                continue  # "the next day" with no day in its sentence: a guess, not a witness
            if fields.get("dir") == "future":
                continue  # what is announced may not happen on that day: no witness either
            relative = needs_anchor(t.rule or "") and "md" not in fields
            tokens = _context_tokens(r.article.clean_text, _sentence_of(r, t), t)
            day = dt.date.fromisoformat(value[:10])
            # News tells its own days without the year; a date written with its year, or with
            # no past tense around it, is often a reference back or a plan.
            happened = relative or (fields.get("told") == "past" and "date" not in fields)
            known.setdefault(day, []).append(_Known(r.article.id, t.text, tokens, relative, happened))
    return known


def _guess(
    read: _Read,
    known: dict[dt.date, list[_Known]],
    anchors: dict[str, dt.date],
    years: list[tuple[int, bool]],
    similarity: _Similarity,
) -> tuple[dt.date, str] | None:
    me = read.article.id
    text = read.article.clean_text
    relative = []
    own: list[tuple[dt.date, str, tuple[int, int], bool]] = []
    restated = _restatements(text, read.times)
    for t in read.times:
        if _is_since(t) or not t.rule or any(a <= t.start < b for a, b in restated):
            continue
        fields = rule_fields(t.rule)
        sentence = _sentence_of(read, t)
        if needs_anchor(t.rule) and "md" not in fields:
            told_from_publication = "shift" not in fields or "day" not in fields
            if told_from_publication and any(k in fields for k in ("wd", "day")):
                relative.append((t, _context_tokens(text, sentence, t), "wd" not in fields, sentence))
            continue
        value = _value(t, None, years)
        if value and len(value) >= 10 and fields.get("dir") != "future":
            own.append((dt.date.fromisoformat(value[:10]), t.text, sentence, fields.get("told") == "past"))
    others = [d for k, d in anchors.items() if k != me]
    evidence: dict[dt.date, list[_Known]] = {}
    for day, entries in known.items():
        # Only other reports vouch: an article's own dates would confirm its own reading of them.
        # Copies of one dispatch tell a day in the same words: one of them is enough to compare with.
        distinct = {k.tokens: k for k in reversed(entries) if k.article != me}
        if distinct:
            evidence[day] = list(reversed(distinct.values()))
    seeds = set(evidence) | set(others) | {mine[0] for mine in own}
    candidates = {s + dt.timedelta(days=k) for s in seeds for k in range(_ANCHOR_REACH + 1)}
    if read.prefix:
        candidates = {c for c in candidates if c.isoformat().startswith(read.prefix)}
    if not candidates:
        return None

    matches: dict[tuple[int, str], tuple[float, str] | None] = {}

    def match(index: int, value: str) -> tuple[float, str] | None:
        """How well relative expression ``index`` fits the story's mentions of day ``value``."""
        if (index, value) not in matches:
            t, tokens, loose, sentence = relative[index]
            day = dt.date.fromisoformat(value[:10])
            entries = evidence.get(day)
            # "Hier, 12 août, ...": a date set beside the relative one says which day it is.
            beside = next((w for d, w, where, _ in own if d == day and where == sentence), None)
            found = None
            if beside is not None:
                found = 2.0, f"'{t.text}' = '{beside}' (same sentence)"
            elif entries:
                best = max(entries, key=lambda k: similarity(tokens, k.tokens) + _EXPLICIT_BONUS * (not k.relative))
                alike = similarity(tokens, best.tokens)
                if alike >= _LOOSE_MIN_SIMILARITY or not loose:
                    strength = 1.0 + alike + _EXPLICIT_BONUS * (not best.relative)
                    if not best.happened:
                        strength *= _UNTOLD_WEIGHT
                    found = strength, f"'{t.text}' = '{best.text}' ({best.article})"
            matches[index, value] = found
        return matches[index, value]

    def support(anchor: dt.date) -> tuple[float, list[str]]:
        score, why = 0.0, []
        for index, (t, *_) in enumerate(relative):
            value = resolve_rule(t.rule or "", anchor)
            found = match(index, value) if value else None
            if found is not None:
                score += found[0]
                why.append(found[1])
        return score, why

    latest_own = max((mine[0] for mine in own), default=None)
    told_days = [day for day, _, _, happened in own if happened]

    def spread(anchor: dt.date) -> int:
        """Days between the first and the last day the article tells under ``anchor``: a report
        tells days close together, so a weekday read a week back from a guessed date is unlikely."""
        values = (resolve_rule(t.rule or "", anchor) for t, *_ in relative)
        days = told_days + [dt.date.fromisoformat(v[:10]) for v in values if v and len(v) >= 10]
        return (max(days) - min(days)).days if days else 0

    def key(anchor: dt.date) -> tuple[int, float, int, int, int, int, int]:
        return (
            # What it tells in a past tense has happened by the time it was written.
            sum(day <= anchor for day, _, _, happened in own if happened),
            support(anchor)[0],
            -spread(anchor),
            -min((abs((anchor - d).days) for d in others), default=0),
            len(evidence.get(anchor, ())),
            -abs((anchor - latest_own).days) if latest_own else 0,
            -anchor.toordinal(),
        )

    best = max(candidates, key=key)
    score, why = support(best)
    if score:
        how = "inferred from the story: " + "; ".join(list(dict.fromkeys(why))[:3])
    elif others:
        how = "inferred from the publication dates of the other articles of the story"
    elif evidence.get(best) or not own:
        how = "inferred: the day the story dates most often"
    else:
        how = "inferred: the latest date it gives itself"
    if own and not score:
        how += f", on or after '{max(own)[1]}'"
    if read.prefix:
        how += f" (within its partial date {read.prefix})"
    return best, how


# ----------------------------------------------------------------- timeline


def build_timeline(
    story: StoryInput, *, inferred: dict[str, tuple[str, str]] | None = None, similarity: float = 0.2
) -> list[TimelineEvent]:
    """Dated events of the story in date order, merged across sources, each with its evidence.

    ``inferred`` gives publication dates for undated articles (computed when not
    given); an event whose date rests only on such an inferred date says so.
    ``similarity`` is the weighted word overlap above which two sources telling
    something on the same day are taken to tell the same event.
    """
    reads = _read(story)
    if inferred is None:
        inferred = infer_story_dates(story)
    years = _story_years(reads)
    told: list[_Told] = []
    for order, r in enumerate(reads):
        guess = inferred.get(r.article.id)
        anchor = r.published or (dt.date.fromisoformat(guess[0]) if guess else None)
        told.extend(_told(r, order, anchor, r.published is None and guess is not None, years))
    alike = _Similarity(_tokens(s.text) for r in reads for s in r.sentences)
    by_day: dict[str, list[_Told]] = {}
    for item in told:
        by_day.setdefault(_day(item.value), []).append(item)
    events = [e for items in by_day.values() for e in _group(items, alike, similarity)]
    languages = Counter(r.article.language for r in reads)
    note = inferred_note(languages.most_common(1)[0][0]) if languages else ""
    timeline = [_event(e, note) for e in events]
    return sorted(timeline, key=lambda e: (_period_start(e.date), len(e.date), e.text))


def _group(items: list[_Told], alike: _Similarity, threshold: float) -> list[_Event]:
    """Clauses of one day grouped by average-link agglomeration: one group per event.

    Average rather than single link, so that two events of one day that share a few
    words through one loosely worded clause do not chain into one.
    """
    n = len(items)
    links = np.array([[alike(a.tokens, b.tokens) for b in items] for a in items], dtype=float).reshape(n, n)
    np.fill_diagonal(links, -1.0)
    sizes = np.ones(n)
    groups = [[item] for item in items]
    while n > 1:
        i, j = divmod(int(np.argmax(links)), len(items))
        if links[i, j] < threshold:
            break
        merged = (sizes[i] * links[i] + sizes[j] * links[j]) / (sizes[i] + sizes[j])
        links[i], links[:, i] = merged, merged
        links[i, i] = -1.0
        links[j], links[:, j] = -1.0, -1.0
        sizes[i] += sizes[j]
        groups[i], groups[j] = groups[i] + groups[j], []
        n -= 1
    return [_Event(group) for group in groups if group]


def _told(
    read: _Read, order: int, anchor: dt.date | None, anchor_inferred: bool, years: list[tuple[int, bool]]
) -> list[_Told]:
    """The dated clauses of one article, the most precise value kept per sentence and day."""
    text = read.article.clean_text
    dated: list[tuple[TimeExpression, str]] = []
    restated = _restatements(text, read.times)
    for t in read.times:
        if _is_since(t) or _in_dateline(read.article, t) or any(a <= t.start < b for a, b in restated):
            continue
        value = _value(t, anchor, years) if needs_anchor(t.rule or "") else t.value
        if value:
            dated.append((t, value))
    best: dict[tuple[tuple[int, int], str], tuple[TimeExpression, str]] = {}
    for t, value in dated:
        slot = (_sentence_of(read, t), _day(value))
        if slot not in best or len(value) > len(best[slot][1]):
            best[slot] = (t, value)
    out = []
    for (sentence, day), (t, value) in best.items():
        others = [u for u, v in dated if _day(v) != day and _sentence_of(read, u) == sentence]
        start, end = _clause(text, sentence, t, others)
        dates = sum(len(_WORD.findall(u.text)) for u in read.times if start <= u.start < end)
        if len(_WORD.findall(text[start:end])) - dates < _MIN_EVENT_WORDS:
            continue
        relies = needs_anchor(t.rule or "")
        written = not relies or "md" in rule_fields(t.rule or "")
        out.append(
            _Told(
                article=read.article.id,
                order=order,
                value=value,
                start=start,
                end=end,
                text=text[start:end],
                tokens=_tokens(text[start : t.start] + " " + text[t.end : end]),
                explicit=written,
                inferred=relies and anchor_inferred and not _fixed_by_prefix(t, value, read.prefix),
            )
        )
    return out


def _restatements(text: str, times: list[TimeExpression]) -> list[tuple[int, int]]:
    """Parentheses opened right after a date: the same moment in other words
    ("11h43 (04h43 à Paris mardi)"), not events of their own."""
    spans = []
    for t in times:
        opening = text.find("(", t.end, t.end + 4)
        if opening >= 0:
            closing = text.find(")", opening)
            spans.append((opening, closing if closing >= 0 else len(text)))
    return spans


def _fixed_by_prefix(t: TimeExpression, value: str, prefix: str | None) -> bool:
    """Whether the known part of a partial publication date alone gives ``value``."""
    return bool(prefix) and resolve_in_year(t.rule or "", int(str(prefix)[:4])) == value


def _clause(
    text: str, sentence: tuple[int, int], t: TimeExpression, others: list[TimeExpression]
) -> tuple[int, int]:
    """The part of the sentence that tells what happened at ``t``: whole when short and single-dated."""
    s, e = sentence
    if not others and len(_WORD.findall(text[s:e])) <= _LONG_SENTENCE:
        return s, e
    cuts = [s] + [m.end() for m in _CLAUSE.finditer(text, s, e)] + [e]
    pieces = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
    index = next(i for i, (a, b) in enumerate(pieces) if a <= t.start < b or b == e)
    lo = hi = index

    def free(i: int) -> bool:
        a, b = pieces[i]
        return not any(a <= u.start < b for u in others)

    while len(_WORD.findall(text[pieces[lo][0] : pieces[hi][1]])) < _MIN_CLAUSE_WORDS:
        if lo > 0 and free(lo - 1):
            lo -= 1
        elif hi < len(pieces) - 1 and free(hi + 1):
            hi += 1
        else:
            break
    start, end = pieces[lo][0], pieces[hi][1]
    while start < end and not text[start].isalnum() and text[start] not in "«“\"'":
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:(—–-"):
        end -= 1
    return start, end


def _day(value: str) -> str:
    return value[:10]


def _event(event: _Event, note: str) -> TimelineEvent:
    members = event.members
    values = [m.value for m in members]
    precise = max(values, key=lambda v: (len(v), values.count(v)))
    date = precise if all(precise.startswith(v) for v in values) else _day(precise)
    lead = min(members, key=lambda m: (not m.explicit, m.inferred, len(m.text)))
    text = lead.text
    if all(m.inferred for m in members) and note:
        text = f"{text} {note}"
    spans = dict.fromkeys((m.article, m.start, m.end, m.text) for m in sorted(members, key=lambda m: m.order))
    return TimelineEvent(date=date, text=text, evidence=[Evidence(*span) for span in spans])


def _period_start(value: str) -> dt.date:
    week = re.match(r"(\d{4})-W(\d\d)", value)
    if week:
        return dt.date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
    parts = [int(p) for p in re.findall(r"\d+", value[:10])]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
