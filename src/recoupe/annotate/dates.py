"""Temporal expressions of news text, resolved to ISO 8601 at their true precision.

Per-language tables (``lang/dates/<language>.toml``) find the expressions; each
one gets a *rule*, ``key=value`` fields joined by ``;``, that says how to compute
its value from an anchor (the publication date), so that an article without a
date can be resolved later against a date inferred from its story:

``date=2023-09-13``    absolute, at its precision (``2023-09``, ``2019``)
``md=09-12;wd=1``      day and month: the year nearest the anchor; with ``wd`` the
                       nearest year in which that day falls on that weekday
``m=05``               a month: the latest on or before the anchor month, or the
                       first on or after it with ``dir=future``
``dom=12;wd=1``        "mardi 12": the month nearest the anchor, on the side of the
                       tense, whose 12th is that weekday
``day=-1``             days from the anchor ("hier", "il y a un jour")
``wd=2;dir=past``      a weekday (Monday = 0), see below
``week=-1`` ``month=1`` ``year=0``   calendar periods (weeks in ISO form, 2023-W36)
``shift=-1``           days added to the resolved day ("la veille" of a dated event)
``time=11:43;tz=Asia/Seoul``   minute precision once the day is known
``since=1``            a starting point ("depuis 2019"), not the date of an event
``until=1``            an end point ("jusqu'au 24 août"), not the date of an event either
``told=past``          its clause is in a past tense (table ``past`` patterns): it happened
``part=late``          what ISO cannot say (late May, Wednesday morning); kept as a note
``dp=it:ieri``         resolved by dateparser, for languages without a table

Weekdays: news reports in the past tense, so a bare weekday is the most recent such
day on or before the publication date (``dir=past``). When its sentence speaks of
the future (table ``future`` patterns) it is the first such day on or after it
(``dir=future``); "dernier"/"last" means strictly before, "prochain"/"next"
strictly after. A weekday written with a day and a month ("mardi 12 septembre")
defers to them and only serves to pick the year.

"La veille", "le lendemain" and a bare hour count from the day their sentence
tells, else from the day the sentence before tells, else from publication.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..langdata import load_table
from ..records import Article, Sentence, TimeExpression

_YEAR = r"(?:1[89]|20)\d\d"
_CLAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s")
_DAY_KEYS = ("date", "md", "dom", "wd", "dir", "day", "shift", "dp")
# A weekday may pick a year this far from the anchor: a day and month fall on the
# same weekday again after 5, 6 or 11 years.
_WEEKDAY_YEARS = 11
# "mardi 12" names the nearest month whose 12th is a Tuesday, looked for this many months around.
_WEEKDAY_MONTHS = 6
# A day and month told in the past tense are taken from the past year up to this far back.
_PAST_REACH = dt.timedelta(days=300)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    kind: str
    fields: dict[str, str]


# ----------------------------------------------------------------------- patterns


def _words(items: Iterable[str]) -> str:
    """An alternation of table phrases, longest first, with flexible spaces and apostrophes."""
    parts = []
    for item in sorted(set(items), key=len, reverse=True):
        escaped = re.sub(r"\\? ", r"\\s+", re.escape(item))
        parts.append(re.sub("['’]", "['’]", escaped))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _names(names: Iterable[str], table: dict[str, Any]) -> str:
    """Weekday or month names; written with a capital only, where the language says so."""
    if not table.get("capitalised_names", False):
        return _words(names)
    return "(?-i:" + _words([n[:1].upper() + n[1:] for n in names] + [n.upper() for n in names]) + ")"


def _lookup(table: dict[str, Any], phrase: str) -> Any:
    """The value of ``phrase`` in ``table``, matched as the patterns match it."""
    key = re.sub(r"\s+", " ", phrase.casefold().replace("’", "'"))
    for name, value in table.items():
        if name.casefold().replace("’", "'") == key:
            return value
    raise KeyError(phrase)


class _Lexicon:
    """The compiled patterns of one language."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table
        self.weekdays = [w.casefold() for w in table["weekdays"]]
        self.months: dict[str, int] = table["months"]
        self.period_before: dict[str, str] = table.get("period_before", {})
        self.since = {s.casefold().replace("’", "'") for s in table.get("since", ())}
        self.until = {s.casefold().replace("’", "'") for s in table.get("until", ())}
        self.articles = {a.casefold().replace("’", "'") for a in table.get("articles", ())}
        self.numeric_order: str = table.get("numeric_order", "dmy")
        times = table.get("times", {})
        self.future = [re.compile(p, re.IGNORECASE) for p in table.get("future", ())]
        self.past = [re.compile(p, re.IGNORECASE) for p in table.get("past", ())]
        wd = f"(?P<wd>{_names(self.weekdays, table)})"
        month = f"(?P<m>{_names(self.months, table)})"
        join = _words(table.get("joiners", ()))
        suffix = _words(table.get("day_suffixes", ()))
        day = rf"(?P<d>[0-3]?\d)(?:{suffix})?(?!\d)"
        year = rf"(?P<y>{_YEAR})(?!\d)"
        parts = _words(table.get("parts", {}))
        pre = _words(self.period_before)
        events = _words(table.get("event_days", {}))
        # "jeudi 13" is a date only when the number ends the phrase: "jeudi 13 recours" counts appeals.
        day_end = rf"(?=\s*[,.;:)–—]|\s*$|\s+(?:{_words(times.get('before', ()))})\s)"
        post = rf"(?:\s+(?P<post>{_words(table.get('weekday_after', {}))}))?(?:\s+(?P<part>{parts}))?"
        orders = {
            "dmy": rf"(?:{wd},?\s+)?(?:(?P<from>[0-3]?\d)(?:{suffix})?\s?[-–]\s?)?{day}\.?\s+(?:{join}\s*)?{month}"
            rf"(?:,?\s+(?:{join}\s*)?{year})?{post}",
            "mdy": rf"(?:{wd},?\s+)?{month}\s+{day}(?:,?\s+{year})?{post}",
        }
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            ("date", _compile(orders[order])) for order in table.get("orders", ("dmy",))
        ]
        self.patterns += [
            ("iso", _compile(rf"(?<![\w-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-3]\d))?(?![\w-])")),
            ("numeric", _compile(rf"(?<![\w/.-])(?P<a>[0-3]?\d)([/.-])(?P<b>[01]?\d)\2{year}(?![\w/-])")),
            ("month", _compile(rf"(?P<pre>{pre})\s*(?:{join}\s*)?{month}(?:\s+(?:{join}\s*)?{year})?{post}")),
            ("month", _compile(rf"{month}\s+(?:{join}\s*)?{year}")),
            ("year", _compile(rf"(?P<pre>{pre})\s*(?:{join}\s*)?{year}")),
            (
                "weekday",
                _compile(
                    rf"(?:(?P<pre>{_words(table.get('weekday_before', {}))})\s+)?{wd}"
                    rf"(?:\s+(?P<part>{parts}))?(?:\s+(?P<post>{_words(table.get('weekday_after', {}))}))?"
                ),
            ),
            (
                "weekday_day",
                _compile(
                    rf"(?:(?P<pre>{_words(table.get('weekday_before', {}))})\s+)?{wd},?\s+{day}"
                    rf"(?:\s+(?P<part>{parts}))?{day_end}"
                ),
            ),
            ("day", _compile(rf"(?P<day>{_words(table.get('days', {}))})(?:\s+(?P<part>{parts}))?")),
            ("event_day", _compile(rf"(?P<ev>{events})(?:\s+(?P<part>{parts}))?")),
            ("period", _compile(rf"(?P<period>{_words(table.get('periods', {}))})")),
        ]
        ago = table.get("ago")
        if ago:
            before = rf"(?:{_words(ago.get('before', ()))})\s+" if ago.get("before") else ""
            after = rf"\s+(?:{_words(ago.get('after', ()))})" if ago.get("after") else ""
            count = rf"(?P<n>\d{{1,3}}|{_words(ago.get('numbers', {}))})"
            self.patterns.append(
                ("ago", _compile(rf"{before}{count}\s+(?P<unit>{_words(ago['units'])}){after}"))
            )
        if times:
            self.patterns.append(("time", _compile(_time_pattern(times, table.get("time_zones", {})))))

    def find(self, text: str) -> list[_Found]:
        candidates = []
        for kind, pattern in self.patterns:
            for match in pattern.finditer(text):
                found = self._read(kind, match, text)
                if found is not None:
                    candidates.append(found)
        kept: list[_Found] = []
        for found in sorted(candidates, key=lambda f: (f.start - f.end, f.start)):
            if all(found.end <= k.start or found.start >= k.end for k in kept):
                kept.append(found)
        return sorted(kept, key=lambda f: f.start)

    def _read(self, kind: str, match: re.Match[str], text: str) -> _Found | None:
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        fields = _FIELD_READERS[kind](self, groups)
        if fields is None:
            return None
        # What comes before the date proper, its own leading word included ("jusqu'" + "en 2020").
        before = text[max(0, match.start() - 30) : match.start()] + groups.get("pre", "")
        if self._ends_with(before, self.since):
            fields["since"] = "1"
        if self._ends_with(before, self.until):
            fields["until"] = "1"
        return _Found(match.start(), match.end(), kind, fields)

    def _ends_with(self, text: str, words: set[str]) -> bool:
        """Whether ``text`` ends with one of ``words``, then maybe an article."""
        before = _norm(text).split()
        while before and before[-1] in self.articles:
            before.pop()
        tail = " ".join(before[-5:])
        return any(tail.endswith(word) and (len(tail) == len(word) or tail[-len(word) - 1] in " '")
                   for word in words)

    def tense_near(self, text: str, window: tuple[int, int], at: tuple[int, int]) -> str | None:
        """"future" or "past" as told in ``text[window]`` about the expression at ``at``.

        The verb that dates an expression comes before it ("étaient entrés samedi",
        "will be announced on Wednesday"), so the markers before it decide, a future one
        over a past one (its auxiliary governs the participle); only without any, those
        after it ("la journée d'action du 16 octobre, prévue de longue date")."""
        before: set[str] = set()
        after: set[str] = set()
        for tense, patterns in (("future", self.future), ("past", self.past)):
            for pattern in patterns:
                for match in pattern.finditer(text, *window):
                    (after if match.start() >= at[1] else before).add(tense)
        side = before or after
        return "future" if "future" in side else "past" if side else None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)


def _time_pattern(times: dict[str, Any], zones: dict[str, str]) -> str:
    zone = _words(zones)

    def one(n: int) -> str:
        marks = _words(times.get("marks", ()))
        ampm = _words(times.get("am_pm", ()))
        words = _words(times.get("words", ()))
        named = _words(times.get("named", {}))
        return (
            rf"(?:(?P<h{n}>[01]?\d|2[0-3])\s?(?:{marks})\s?(?P<mi{n}>[0-5]\d)?(?!\d)(?:\s(?!{zone})(?:{words}))?"
            rf"(?:\s?(?P<ap{n}>{ampm}))?"
            rf"|(?P<g{n}>1[0-2]|0?\d)\s?(?P<ag{n}>{ampm})"
            rf"|(?P<w{n}>[01]?\d|2[0-3])\s(?:{words})"
            rf"|(?P<n{n}>{named}))"
        )

    before = _words(times.get("before", ()))
    joins = _words(times.get("range", ()))
    return (
        rf"(?:(?P<pre>{before})\s+)?{one(1)}(?:\s*(?:{joins})\s*{one(2)})?"
        rf"(?:\s*\((?P<tz>{zone})\)|,?\s+(?P<tzb>{zone}))?"
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold().replace("’", "'")).strip()


# --------------------------------------------------------------- match -> fields


def _date_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    month = _lookup(lex.months, g["m"])
    fields = _day_month_fields(lex, int(g["d"]), month, g.get("y"), g.get("wd"))
    if fields is not None and "from" in g:
        fields["until"] = "1"  # "8-24 août": the end of a span, not the day of an event
    return None if fields is None else _told_after(lex, fields, g)


def _told_after(lex: _Lexicon, fields: dict[str, str], g: dict[str, str]) -> dict[str, str]:
    """A day or month followed by "dernier"/"prochain" or a part of the day."""
    if "post" in g and "date" not in fields:
        last = _lookup(lex.table.get("weekday_after", {}), g["post"]) == "last"
        fields["dir"] = "past" if last else "future"
    return _with_part(fields, _lookup(lex.table["parts"], g["part"]) if "part" in g else "")


def _day_month_fields(
    lex: _Lexicon, day: int, month: int, year: str | None, weekday: str | None
) -> dict[str, str] | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(int(year or 2024), month)[1]:
        return None
    if year:
        return {"date": f"{year}-{month:02d}-{day:02d}"}
    fields = {"md": f"{month:02d}-{day:02d}"}
    if weekday:
        fields["wd"] = str(lex.weekdays.index(weekday.casefold()))
    return fields


def _iso_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    if "d" in g:
        return _day_month_fields(lex, int(g["d"]), int(g["m"]), g["y"], None)
    return {"date": f"{g['y']}-{g['m']}"}


def _numeric_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    day, month = (g["a"], g["b"]) if lex.numeric_order == "dmy" else (g["b"], g["a"])
    return _day_month_fields(lex, int(day), int(month), g["y"], None)


def _month_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    month = _lookup(lex.months, g["m"])
    fields = {"date": f"{g['y']}-{month:02d}"} if "y" in g else {"m": f"{month:02d}"}
    fields = _told_after(lex, fields, {k: v for k, v in g.items() if k != "part"})
    return _with_part(fields, _lookup(lex.period_before, g["pre"]) if "pre" in g else "")


def _year_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    return _with_part({"date": g["y"]}, _lookup(lex.period_before, g["pre"]))


def _weekday_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    fields = {"wd": str(lex.weekdays.index(g["wd"].casefold()))}
    direction = ""
    if "pre" in g:
        direction = _lookup(lex.table.get("weekday_before", {}), g["pre"])
    if "post" in g:
        direction = _lookup(lex.table.get("weekday_after", {}), g["post"])
    if direction:
        fields["dir"] = direction
    return _with_part(fields, _lookup(lex.table["parts"], g["part"]) if "part" in g else "")


def _weekday_day_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    if not 1 <= int(g["d"]) <= 31:
        return None
    fields = {"dom": str(int(g["d"])), "wd": str(lex.weekdays.index(g["wd"].casefold()))}
    return _with_part(fields, _lookup(lex.table["parts"], g["part"]) if "part" in g else "")


def _day_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    fields = {"day": str(_lookup(lex.table["days"], g["day"]))}
    return _with_part(fields, _lookup(lex.table["parts"], g["part"]) if "part" in g else "")


def _event_day_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    fields = {"shift": str(_lookup(lex.table["event_days"], g["ev"]))}
    return _with_part(fields, _lookup(lex.table["parts"], g["part"]) if "part" in g else "")


def _period_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    return _parse(_lookup(lex.table["periods"], g["period"]))


def _ago_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    ago = lex.table["ago"]
    count = int(g["n"]) if g["n"].isdigit() else int(_lookup(ago.get("numbers", {}), g["n"]))
    return {_lookup(ago["units"], g["unit"]): str(-count)}


def _time_fields(lex: _Lexicon, g: dict[str, str]) -> dict[str, str] | None:
    if ("w1" in g or "n1" in g) and "pre" not in g:
        return None  # "24 heures" without a preposition is a duration; "midi" alone a region
    if "n1" in g:
        hour, minute = (int(x) for x in _lookup(lex.table["times"]["named"], g["n1"]).split(":"))
        ampm = ""
    else:
        hour, minute, ampm = _clock(g, 1)
    if ampm:
        hour = hour % 12 + (12 if ampm.casefold().startswith("p") else 0)
    fields = {"time": f"{hour:02d}:{minute:02d}"}
    zone = g.get("tz") or g.get("tzb")
    if zone:
        tz = _lookup(lex.table["time_zones"], zone)
        if tz:
            fields["tz"] = tz
    return fields


def _clock(g: dict[str, str], n: int) -> tuple[int, int, str]:
    if f"h{n}" in g:
        ampm = g.get(f"ap{n}") or g.get(f"ap{3 - n}") or g.get(f"ag{3 - n}", "")
        return int(g[f"h{n}"]), int(g.get(f"mi{n}", "0")), ampm
    if f"g{n}" in g:
        return int(g[f"g{n}"]), 0, g[f"ag{n}"]
    return int(g.get(f"w{n}", "0")), 0, ""


def _with_part(fields: dict[str, str], part: str) -> dict[str, str]:
    if part:
        fields["part"] = part
    return fields


_FIELD_READERS = {
    "date": _date_fields,
    "iso": _iso_fields,
    "numeric": _numeric_fields,
    "month": _month_fields,
    "year": _year_fields,
    "weekday": _weekday_fields,
    "weekday_day": _weekday_day_fields,
    "day": _day_fields,
    "event_day": _event_day_fields,
    "period": _period_fields,
    "ago": _ago_fields,
    "time": _time_fields,
}


@cache
def _lexicon(language: str) -> _Lexicon | None:
    table = load_table("dates", language)
    return _Lexicon(table) if table else None


def inferred_note(language: str) -> str:
    """How the language says that a date rests on an inferred publication date."""
    table = load_table("dates", language) or load_table("dates", "en")
    return str(table.get("inferred_note", "(date inferred)"))


# ---------------------------------------------------------------- find_times


def find_times(article: Article, sentences: list[Sentence]) -> list[TimeExpression]:
    """The temporal expressions of ``article``, resolved against its publication date.

    A full publication date anchors every expression; a partial one ("2023-09")
    still gives the year of "12 septembre" or "en août". Unresolved expressions
    keep their rule for :func:`resolve_rule`.
    """
    text = article.clean_text
    lexicon = _lexicon(article.language)
    if lexicon is None:
        return _dateparser_times(article)
    anchor, year = parse_anchor(article.published)
    found = lexicon.find(text)
    spans = [(s.start, s.end) for s in sentences] or [(0, len(text))]
    rules = _contextual_rules(found, spans, text, lexicon)
    return [
        TimeExpression(f.start, f.end, text[f.start : f.end], _resolve(_parse(rule), anchor, year), rule)
        for f, rule in zip(found, rules, strict=True)
    ]


def parse_anchor(published: str | None) -> tuple[dt.date | None, int | None]:
    """A publication date as (full date or None, year or None)."""
    if not published:
        return None, None
    match = re.match(rf"({_YEAR})(?:-(\d\d)(?:-(\d\d))?)?", published.strip())
    if match is None:
        return None, None
    year = int(match.group(1))
    if match.group(3):
        try:
            return dt.date(year, int(match.group(2)), int(match.group(3))), year
        except ValueError:
            return None, year
    return None, year


def _contextual_rules(
    found: list[_Found], spans: list[tuple[int, int]], text: str, lexicon: _Lexicon
) -> list[str]:
    """Rules of the expressions, completed from their sentence: tense, event day, day of a time.

    "La veille" and a bare hour count from the day their sentence tells, else from
    the day the sentence before tells (narration goes on: "Il est arrivé mardi 12.
    Le lendemain, ..."), else from publication.
    """
    def sentence_of(f: _Found) -> int:
        return next((i for i, s in enumerate(spans) if s[0] <= f.start < s[1]), -1)

    tensed = []
    for f in found:
        fields = dict(f.fields)
        index = sentence_of(f)
        window = _clause_around(text, f, spans[index] if index >= 0 else (f.start, f.end))
        tense = lexicon.tense_near(text, window, (f.start, f.end))
        if ("wd" in fields or "m" in fields or "md" in fields) and "dir" not in fields:
            fields["dir"] = "future" if tense == "future" else "past"
        if _gives_day(fields) and tense == "past":
            fields["told"] = "past"
        tensed.append(_Found(f.start, f.end, f.kind, fields))
    days_by_sentence: dict[int, list[_Found]] = {}
    for f in tensed:
        if f.kind not in ("time", "event_day") and _gives_day(f.fields):
            days_by_sentence.setdefault(sentence_of(f), []).append(f)
    rules: list[str] = []
    for f in tensed:
        index = sentence_of(f)
        fields = f.fields
        if f.kind in ("event_day", "time"):
            same = [d for d in days_by_sentence.get(index, []) if d is not f] if index >= 0 else []
            reference = _nearest(f, same, text, prefer_before=f.kind == "event_day")
            before = days_by_sentence.get(index - 1) if index > 0 else None
            if reference is not None:
                fields = {**_day_part(reference.fields), **fields}
            elif before:
                fields = {**_day_part(before[-1].fields), **fields}
            else:
                fields = {"day": "0", **fields}
        rules.append(_format(fields))
    return rules


def _clause_around(text: str, f: _Found, sentence: tuple[int, int]) -> tuple[int, int]:
    """The bounds of the clause holding ``f``, or the sentence's when the clause holds nothing but ``f``."""
    left = max((m.end() for m in _CLAUSE.finditer(text, sentence[0], f.start)), default=sentence[0])
    right = next((m.start() for m in _CLAUSE.finditer(text, f.end, sentence[1])), sentence[1])
    if len(text[left:right].split()) - len(text[f.start : f.end].split()) < 2:
        return sentence
    return left, right


def _gives_day(fields: dict[str, str]) -> bool:
    return any(k in fields for k in ("md", "wd", "day", "dp")) or len(fields.get("date", "")) == 10


def _day_part(fields: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if k in _DAY_KEYS}


def _nearest(f: _Found, others: Sequence[_Found], text: str, *, prefer_before: bool) -> _Found | None:
    """The other day expression closest to ``f``, same clause first."""
    def cost(o: _Found) -> tuple[int, int, int]:
        lo, hi = (o.end, f.start) if o.end <= f.start else (f.end, o.start)
        return (
            1 if _CLAUSE.search(text, lo, hi) else 0,
            0 if (o.start < f.start) == prefer_before else 1,
            hi - lo,
        )

    return min(others, key=cost) if others else None


# ---------------------------------------------------------------- rules


def _parse(rule: str) -> dict[str, str]:
    fields = {}
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        fields[key.strip()] = value.strip()
    return fields


def _format(fields: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in fields.items())


def rule_fields(rule: str) -> dict[str, str]:
    """The fields of a rule, for callers that weigh expressions by kind."""
    return _parse(rule)


def resolve_rule(rule: str, anchor: dt.date) -> str | None:
    """The ISO value of ``rule`` for an article published on ``anchor``."""
    return _resolve(_parse(rule), anchor, anchor.year)


def resolve_in_year(rule: str, year: int) -> str | None:
    """The ISO value of ``rule`` when only the year of publication is known (None if it needs more)."""
    return _resolve(_parse(rule), None, year)


def needs_anchor(rule: str) -> bool:
    """Whether the value of ``rule`` depends on the publication date."""
    return "date" not in _parse(rule)


def _resolve(f: dict[str, str], anchor: dt.date | None, year: int | None) -> str | None:
    value = _base_value(f, anchor, year)
    if value is None:
        return None
    if "shift" in f or "time" in f:
        if len(value) != 10:
            return None if "shift" in f else value
        day = dt.date.fromisoformat(value) + dt.timedelta(days=int(f.get("shift", "0")))
        value = day.isoformat()
        if "time" in f:
            value += "T" + f["time"] + _offset(f.get("tz", ""), day, f["time"])
    return value


def _base_value(f: dict[str, str], anchor: dt.date | None, year: int | None) -> str | None:
    if "date" in f:
        return f["date"]
    if "md" in f:
        return _month_day(f, anchor, year)
    if "m" in f:
        return _month(int(f["m"]), f.get("dir", "past"), anchor, year)
    if "dp" in f:
        return _dateparser_value(f["dp"], anchor) if anchor else None
    if anchor is None:
        return None
    if "dom" in f:
        return _weekday_of_month(int(f["dom"]), int(f["wd"]), f.get("dir", "past"), anchor)
    if "wd" in f:
        return _weekday(int(f["wd"]), f.get("dir", "past"), anchor).isoformat()
    if "week" in f:
        iso = (anchor + dt.timedelta(weeks=int(f["week"]))).isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if "month" in f:
        index = anchor.year * 12 + anchor.month - 1 + int(f["month"])
        return f"{index // 12}-{index % 12 + 1:02d}"
    if "year" in f:
        return str(anchor.year + int(f["year"]))
    return (anchor + dt.timedelta(days=int(f.get("day", "0")))).isoformat()


def _month_day(f: dict[str, str], anchor: dt.date | None, year: int | None) -> str | None:
    month, day = (int(x) for x in f["md"].split("-"))
    reference = anchor or (dt.date(year, 7, 1) if year else None)
    if reference is None:
        return None
    spread = _WEEKDAY_YEARS if "wd" in f else (1 if anchor else 0)
    candidates = []
    for y in range(reference.year - spread, reference.year + spread + 1):
        if day > calendar.monthrange(y, month)[1]:
            continue
        candidate = dt.date(y, month, day)
        if "wd" in f and candidate.weekday() != int(f["wd"]):
            continue
        distance = abs(candidate - reference) if anchor else dt.timedelta(days=365 * abs(y - reference.year))
        candidates.append((distance, candidate > reference, candidate))
    if not candidates:
        return _month_day({"md": f["md"]}, anchor, year) if "wd" in f else None
    if anchor is not None and "wd" not in f:
        candidates = _by_tense(candidates, f.get("dir", "past"), anchor, since="since" in f)
    return min(candidates)[2].isoformat()


def _by_tense(
    candidates: list[tuple[dt.timedelta, bool, dt.date]], direction: str, anchor: dt.date, *, since: bool
) -> list[tuple[dt.timedelta, bool, dt.date]]:
    """Days told in the future tense lie ahead; in the past tense, behind unless that is too far;
    a starting point ("depuis le 3 mai") always behind."""
    if direction == "future":
        return [c for c in candidates if c[2] >= anchor] or candidates
    reach = dt.timedelta(days=366) if since else _PAST_REACH
    recent = [c for c in candidates if c[2] <= anchor and c[0] <= reach]
    return recent or candidates


def _weekday_of_month(day: int, weekday: int, direction: str, anchor: dt.date) -> str | None:
    """ "mardi 12": the month, near the anchor, whose 12th is a Tuesday (behind it unless told ahead)."""
    found = []
    for shift in range(-_WEEKDAY_MONTHS, _WEEKDAY_MONTHS + 1):
        index = anchor.year * 12 + anchor.month - 1 + shift
        year, month = divmod(index, 12)
        if day <= calendar.monthrange(year, month + 1)[1]:
            candidate = dt.date(year, month + 1, day)
            if candidate.weekday() == weekday:
                found.append(candidate)
    ahead = direction in ("future", "next")
    fitting = [c for c in found if (c >= anchor if ahead else c <= anchor)] or found
    return min(fitting, key=lambda c: abs(c - anchor)).isoformat() if fitting else None


def _month(month: int, direction: str, anchor: dt.date | None, year: int | None) -> str | None:
    if anchor is None:
        return f"{year}-{month:02d}" if year else None
    y = anchor.year
    if direction == "future" and month < anchor.month:
        y += 1
    elif direction != "future" and month > anchor.month:
        y -= 1
    return f"{y}-{month:02d}"


def _weekday(weekday: int, direction: str, anchor: dt.date) -> dt.date:
    if direction in ("future", "next"):
        ahead = (weekday - anchor.weekday()) % 7
        return anchor + dt.timedelta(days=ahead or (7 if direction == "next" else 0))
    back = (anchor.weekday() - weekday) % 7
    return anchor - dt.timedelta(days=back or (7 if direction == "last" else 0))


def _offset(zone: str, day: dt.date, clock: str) -> str:
    if not zone or zone[0] in "+-":
        return zone
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    hour, minute = (int(x) for x in clock.split(":"))
    delta = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=info).utcoffset()
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# ------------------------------------------------- languages without a table


_PERIOD_LENGTH = {"year": 4, "month": 7, "week": 10, "day": 10, "time": 10}


def _dateparser_value(spec: str, anchor: dt.date) -> str | None:
    from dateparser.date import DateDataParser

    language, _, phrase = spec.partition(":")
    base = dt.datetime(anchor.year, anchor.month, anchor.day, 12)
    data = DateDataParser(
        languages=[language], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    ).get_date_data(phrase)
    if data.date_obj is None:
        return None
    return data.date_obj.date().isoformat()[: _PERIOD_LENGTH.get(data.period or "day", 10)]


def _dateparser_times(article: Article) -> list[TimeExpression]:
    """Expressions found by dateparser's search, for a language that has no table."""
    from dateparser.search import search_dates

    text = article.clean_text
    anchor, _ = parse_anchor(article.published)
    probe = dt.date(2001, 1, 1)
    try:
        hits = search_dates(text, languages=[article.language]) or []
    except (ValueError, KeyError):
        return []
    out: list[TimeExpression] = []
    cursor = 0
    for phrase, _ in hits:
        start = text.find(phrase, cursor)
        if start < 0 or not re.search(r"\w", phrase):
            continue
        cursor = start + len(phrase)
        spec = f"{article.language}:{phrase}"
        fixed = _dateparser_value(spec, probe)
        if fixed is None:
            continue
        absolute = fixed == _dateparser_value(spec, dt.date(2011, 6, 15))
        rule = f"date={fixed}" if absolute else f"dp={spec}"
        value = _resolve(_parse(rule), anchor, None)
        out.append(TimeExpression(start, cursor, phrase, value, rule))
    return out
