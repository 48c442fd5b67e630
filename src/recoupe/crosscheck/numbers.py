"""Quantities, dates and times found in a statement, normalised so that they compare.

« environ 40 secondes », "a 40-second handshake" and « quarante secondes » all become
``duration = 40.0`` (seconds); « deux missiles » and "2 missiles" become ``count:missile = 2``;
« 11h43 (heure de Séoul) » becomes a time of day in UTC. The words behind this live in
``recoupe/lang/claims/<lang>.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..langdata import load_table

# Words, digit groups (with thin/narrow spaces as thousands separators) and unit symbols.
_TOKEN = re.compile(r"\d+(?:[\u00a0\u202f ]\d{3})*(?:[.,]\d+)?|[^\W\d_]+|[%€$]")
_DIGITS = re.compile(r"\d")
# The two values below bound what reads as a year and a day of the month.
_YEARS = range(1800, 2101)
_DAYS = range(1, 32)
# Relative gap under which two approximate values ("environ 40", "about 42") still agree.
_APPROXIMATE_TOLERANCE = 0.15


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value stated in a text: ``text == source[start:end]``.

    ``kind`` says what is measured ("duration", "distance", "money:EUR", "count:missile",
    "date", "year", "time", "weekday"); ``value`` is in the base unit of that kind (seconds,
    metres...); ``label`` is a normalised rendering for people ("40 s", "09-13", "11:43Z").
    """

    start: int
    end: int
    text: str
    kind: str
    value: float
    label: str
    approximate: bool = False
    zone: float | None = None


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True, slots=True)
class _Lexicon:
    numbers: dict[str, float]
    multipliers: dict[str, float]
    approximate_numbers: dict[str, float]
    units: dict[str, tuple[str, float]]
    count_nouns: dict[str, str]
    links: frozenset[str]
    hedges: tuple[str, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    first_day: frozenset[str]
    time_separators: tuple[str, ...]
    time_zones: tuple[tuple[str, float], ...]
    function_words: frozenset[str]
    caption: re.Pattern[str] | None


def fold(word: str) -> str:
    """Lower case without accents, for matching words across spellings."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def lexicon(language: str) -> _Lexicon:
    """The claims table of ``language``, falling back to English words when it has none."""
    table: dict[str, Any] = load_table("claims", language) or load_table("claims", "en")
    dates = table.get("dates", {})
    phrases = table.get("phrases", {})
    statements = table.get("statements", {})
    months: dict[str, int] = {}
    for names in (dates.get("months", []), dates.get("month_abbreviations", [])):
        for index, name in enumerate(names, start=1):
            months.setdefault(name.lower(), index)
    return _Lexicon(
        numbers={k.lower(): float(v) for k, v in table.get("numbers", {}).items()},
        multipliers={k.lower(): float(v) for k, v in table.get("multipliers", {}).items()},
        approximate_numbers={k.lower(): float(v) for k, v in table.get("approximate_numbers", {}).items()},
        units={k.lower(): (str(v[0]), float(v[1])) for k, v in table.get("units", {}).items()},
        count_nouns={k.lower(): str(v) for k, v in table.get("count_nouns", {}).items()},
        links=frozenset(_strip_apostrophe(w.lower()) for w in phrases.get("links", [])),
        hedges=tuple(sorted((h.lower() for h in phrases.get("hedges", [])), key=len, reverse=True)),
        months=months,
        weekdays={name.lower(): i for i, name in enumerate(dates.get("weekdays", []))},
        first_day=frozenset(w.lower() for w in dates.get("first_day", [])),
        time_separators=tuple(dates.get("time_separators", [":"])),
        time_zones=tuple(
            sorted(((k, float(v)) for k, v in table.get("time_zones", {}).items()), key=lambda kv: -len(kv[0]))
        ),
        function_words=frozenset(w.lower() for w in statements.get("function_words", [])),
        caption=_caption_pattern(statements.get("caption_markers", [])),
    )


def _caption_pattern(markers: list[str]) -> re.Pattern[str] | None:
    """Captions and credits: a line that starts with a marker, or "Photo : AP" inside it."""
    if not markers:
        return None
    names = "|".join(map(re.escape, markers))
    return re.compile(rf"^(?:{names})\b|\b(?:{names})\s*:")


def _strip_apostrophe(word: str) -> str:
    return word.rstrip("'’")


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), m.group().lower()) for m in _TOKEN.finditer(text)]


def _digits_value(token: str) -> float | None:
    if not _DIGITS.match(token):
        return None
    compact = re.sub(r"[\u00a0\u202f ]", "", token).replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        return None


def _gap(text: str, left: _Token, right: _Token) -> str:
    return text[left.end : right.start]


def find_quantities(text: str, language: str) -> list[Quantity]:
    """Every date, time, year and measured or counted quantity in ``text``, in text order."""
    lex = lexicon(language)
    tokens = _tokens(text)
    found: list[Quantity] = []
    used: set[int] = set()
    found.extend(_times(text, lex, tokens, used))
    found.extend(_dates(text, lex, tokens, used))
    found.extend(_amounts(text, lex, tokens, used))
    found.sort(key=lambda q: q.start)
    return found


def _times(text: str, lex: _Lexicon, tokens: list[_Token], used: set[int]) -> list[Quantity]:
    out = []
    for i in range(len(tokens) - 1):
        hour_token, sep_token = tokens[i], tokens[i + 1]
        hour = _digits_value(hour_token.text)
        if hour is None or not hour.is_integer() or not 0 <= hour <= 23:
            continue
        gap = _gap(text, hour_token, sep_token)
        minutes_token: _Token | None = None
        if sep_token.text in lex.time_separators and gap.strip() == "":
            # "11h43" / "11 h 43": the separator is a word token
            if i + 2 < len(tokens) and re.fullmatch(r"\d{2}", tokens[i + 2].text) and \
                    _gap(text, sep_token, tokens[i + 2]).strip() == "":
                minutes_token = tokens[i + 2]
            elif sep_token.text.isalpha():
                minutes_token = None
            else:
                continue
            end_token = minutes_token or sep_token
        elif gap in lex.time_separators and re.fullmatch(r"\d{2}", sep_token.text):
            # "11:43": the separator is punctuation between two digit tokens
            minutes_token = end_token = sep_token
        else:
            continue
        if minutes_token is None and sep_token.text.isalpha() and i + 2 < len(tokens) \
                and tokens[i + 2].lower not in lex.links and tokens[i + 2].lower.isalpha() \
                and _gap(text, sep_token, tokens[i + 2]).strip() == "":
            continue
        minute = float(minutes_token.text) if minutes_token else 0.0
        if minute >= 60:
            continue
        end = end_token.end
        zone = _zone_after(text, end, lex)
        zone_offset = zone[1] if zone else None
        if zone:
            end = zone[0]
        label = f"{int(hour):02d}:{int(minute):02d}"
        if zone_offset is not None:
            label += _offset_label(zone_offset)
        out.append(Quantity(hour_token.start, end, text[hour_token.start : end], "time",
                            hour * 60 + minute, label, zone=zone_offset))
        used.update(range(i, i + 3 if minutes_token and minutes_token is not sep_token else i + 2))
    return out


def _offset_label(offset: float) -> str:
    if offset == 0:
        return "Z"
    sign = "+" if offset > 0 else "-"
    hours = int(abs(offset))
    return f"{sign}{hours:02d}:{round((abs(offset) - hours) * 60):02d}"


def _zone_after(text: str, end: int, lex: _Lexicon) -> tuple[int, float] | None:
    """A stated time zone right after a time ("11h43 heure de Séoul", "3:00 GMT", "(GMT)")."""
    window = text[end : end + 40]
    stripped = window.lstrip(" \u00a0(")
    offset = len(window) - len(stripped)
    for phrase, hours in lex.time_zones:
        if stripped.startswith(phrase):
            return end + offset + len(phrase), hours
    return None


def _dates(text: str, lex: _Lexicon, tokens: list[_Token], used: set[int]) -> list[Quantity]:
    out = []
    i = 0
    while i < len(tokens):
        if i in used:
            i += 1
            continue
        token = tokens[i]
        day = _day_value(token, lex)
        month = lex.months.get(token.lower.rstrip("."))
        if day is not None and i + 1 < len(tokens) and tokens[i + 1].lower in lex.months:
            # day-month order: "13 septembre 2023"
            month_index = lex.months[tokens[i + 1].lower]
            last = i + 1
            first = i - 1 if i > 0 and tokens[i - 1].lower in lex.weekdays else i
            year = _year_at(tokens, last + 1)
            if year is not None:
                last += 1
            out.append(_date(text, tokens[first], tokens[last], year, month_index, day))
            used.update(range(first, last + 1))
            i = last + 1
            continue
        if month is not None and token.text[:1].isupper() and i + 1 < len(tokens) \
                and _day_value(tokens[i + 1], lex) is not None:
            # month-day order: "September 13, 2023"
            day_value = _day_value(tokens[i + 1], lex)
            assert day_value is not None
            last = i + 1
            first = i - 1 if i > 0 and tokens[i - 1].lower in lex.weekdays else i
            year = _year_at(tokens, last + 1)
            if year is not None:
                last += 1
            out.append(_date(text, tokens[first], tokens[last], year, month, day_value))
            used.update(range(first, last + 1))
            i = last + 1
            continue
        i += 1
    for i, token in enumerate(tokens):
        if i in used:
            continue
        if token.lower in lex.weekdays:
            out.append(Quantity(token.start, token.end, token.text, "weekday",
                                float(lex.weekdays[token.lower]), token.lower))
            used.add(i)
            continue
        value = _digits_value(token.text)
        if value is not None and re.fullmatch(r"\d{4}", token.text) and int(value) in _YEARS \
                and not _unit_follows(text, tokens, i, lex):
            out.append(Quantity(token.start, token.end, token.text, "year", value, token.text))
            used.add(i)
    return out


def _day_value(token: _Token, lex: _Lexicon) -> int | None:
    if token.lower in lex.first_day:
        return 1
    if re.fullmatch(r"\d{1,2}", token.text) and int(token.text) in _DAYS:
        return int(token.text)
    return None


def _year_at(tokens: list[_Token], index: int) -> int | None:
    if index < len(tokens) and re.fullmatch(r"\d{4}", tokens[index].text) and int(tokens[index].text) in _YEARS:
        return int(tokens[index].text)
    return None


def _date(text: str, first: _Token, last: _Token, year: int | None, month: int, day: int) -> Quantity:
    label = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return Quantity(first.start, last.end, text[first.start : last.end], "date",
                    float((year or 0) * 10000 + month * 100 + day), label)


def _unit_follows(text: str, tokens: list[_Token], index: int, lex: _Lexicon) -> bool:
    nxt = _next_word(text, tokens, index, lex)
    return nxt is not None and tokens[nxt].lower in lex.units


def _next_word(text: str, tokens: list[_Token], index: int, lex: _Lexicon) -> int | None:
    """The token after ``tokens[index]`` that may name its unit, skipping link words ("de")."""
    j = index + 1
    while j < len(tokens) and tokens[j].lower in lex.links and j - index <= 2:
        j += 1
    if j >= len(tokens):
        return None
    gap = text[tokens[index].end : tokens[j].start]
    if any(c in gap for c in ".;:!?()«»\"\n"):
        return None
    return j


def _number_run(text: str, tokens: list[_Token], i: int, lex: _Lexicon) -> tuple[float, int, bool] | None:
    """The value of a number starting at ``tokens[i]``, its last token and whether it is approximate."""
    token = tokens[i]
    value = _digits_value(token.text)
    if value is not None:
        last = i
    elif token.lower in lex.approximate_numbers:
        return lex.approximate_numbers[token.lower], i, True
    elif token.lower in lex.numbers:
        value, last = _number_words(text, tokens, i, lex)
    else:
        return None
    while last + 1 < len(tokens) and tokens[last + 1].lower in lex.multipliers \
            and _gap(text, tokens[last], tokens[last + 1]).strip() == "":
        value *= lex.multipliers[tokens[last + 1].lower]
        last += 1
    return value, last, False


def _number_words(text: str, tokens: list[_Token], i: int, lex: _Lexicon) -> tuple[float, int]:
    total, current, last = 0.0, 0.0, i
    j = i
    while j < len(tokens) and tokens[j].lower in lex.numbers:
        word_value = lex.numbers[tokens[j].lower]
        if word_value == 100:
            current = max(current, 1) * 100
        elif word_value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += word_value
        last = j
        # compounds join by a hyphen, a space or a linking word ("cent vingt", "vingt et un", "forty-two")
        if j + 1 < len(tokens) and _gap(text, tokens[j], tokens[j + 1]) in ("-", " ") \
                and tokens[j + 1].lower in lex.numbers:
            j += 1
            continue
        if j + 2 < len(tokens) and tokens[j + 1].lower in ("et", "and") and tokens[j + 2].lower in lex.numbers:
            j += 2
            continue
        break
    return total + current, last


def _amounts(text: str, lex: _Lexicon, tokens: list[_Token], used: set[int]) -> list[Quantity]:
    out = []
    i = 0
    while i < len(tokens):
        if i in used:
            i += 1
            continue
        run = _number_run(text, tokens, i, lex)
        if run is None:
            i += 1
            continue
        value, last, approximate = run
        symbol_before = i > 0 and tokens[i - 1].text in ("$", "€") and tokens[i - 1].end == tokens[i].start
        unit_index = _next_word(text, tokens, last, lex)
        kind: str | None = None
        factor = 1.0
        end_token = tokens[last]
        start_token = tokens[i]
        if symbol_before:
            kind, factor = lex.units[tokens[i - 1].text]
            start_token = tokens[i - 1]
        elif unit_index is not None and tokens[unit_index].lower in lex.units:
            kind, factor = lex.units[tokens[unit_index].lower]
            end_token = tokens[unit_index]
        elif unit_index is not None and _is_noun_like(tokens[unit_index], lex):
            noun = tokens[unit_index].lower
            kind = "count:" + lex.count_nouns.get(noun, _singular(fold(noun)))
            end_token = tokens[unit_index]
        is_word_one = _digits_value(tokens[i].text) is None and value == 1 and last == i
        if kind is None or (is_word_one and not kind.startswith(("duration", "distance", "money", "mass"))):
            # a bare number, or "un"/"one" as an article: nothing checkable
            i = last + 1
            continue
        approximate = approximate or _hedged(text, start_token.start, lex)
        amount = value * factor
        out.append(Quantity(start_token.start, end_token.end, text[start_token.start : end_token.end],
                            kind, amount, _amount_label(kind, amount), approximate))
        used.update(range(i, tokens.index(end_token) + 1))
        i = tokens.index(end_token) + 1
    return out


def _is_noun_like(token: _Token, lex: _Lexicon) -> bool:
    return token.text.isalpha() and len(token.text) >= 3 and token.lower not in lex.function_words \
        and token.lower not in lex.numbers and token.lower not in lex.months


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _hedged(text: str, start: int, lex: _Lexicon) -> bool:
    before = text[max(0, start - 30) : start].lower().rstrip()
    for hedge in lex.hedges:
        if before.endswith(hedge) and (len(before) == len(hedge) or not before[-len(hedge) - 1].isalnum()):
            return True
    return False


# Display units, largest first: a value shows in the largest unit that divides it evenly.
_DISPLAY_UNITS = {
    "duration": ((31536000.0, "y"), (86400.0, "d"), (3600.0, "h"), (60.0, "min"), (1.0, "s")),
    "distance": ((1000.0, "km"), (1.0, "m")),
    "mass": ((1000.0, "t"), (1.0, "kg")),
    "percent": ((1.0, "%"),),
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _amount_label(kind: str, value: float) -> str:
    dimension, _, detail = kind.partition(":")
    if detail:
        return f"{_number(value)} {detail}"
    for size, name in _DISPLAY_UNITS.get(dimension, ((1.0, ""),)):
        if value >= size and (value / size).is_integer():
            return f"{_number(value / size)} {name}".strip()
    return f"{_number(value)} {_DISPLAY_UNITS.get(dimension, ((1.0, ''),))[-1][1]}".strip()


def disagree(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities of one kind state different values (after normalisation)."""
    if a.kind != b.kind:
        return False
    if a.kind == "date":
        year_a, year_b = int(a.value) // 10000, int(b.value) // 10000
        if year_a and year_b and year_a != year_b:
            return True
        return int(a.value) % 10000 != int(b.value) % 10000
    if a.kind == "time":
        if (a.zone is None) != (b.zone is None):
            return False
        minutes_a = a.value - 60 * (a.zone or 0)
        minutes_b = b.value - 60 * (b.zone or 0)
        return abs((minutes_a - minutes_b) % 1440) > 0.5 and abs((minutes_b - minutes_a) % 1440) > 0.5
    if a.approximate or b.approximate:
        high = max(abs(a.value), abs(b.value))
        return high > 0 and abs(a.value - b.value) / high > _APPROXIMATE_TOLERANCE
    return abs(a.value - b.value) > 1e-9
