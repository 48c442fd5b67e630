"""Article metadata: language, publication date at its known precision, outlet and credits.

Dates are written as ISO 8601 cut at the precision the source gives ("2023",
"2023-09", "2023-09-13", "2023-09-13T10:32", "2023-09-13T10:32:00+02:00"):
never invent a day or an hour that the source did not state.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from urllib.parse import urlsplit

from .langdata import load_table

_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_LETTERS = re.compile(r"[^\W\d_]")
# A time may follow behind a short connector ("16/11/2024 à 08h15", "16.11.2024, 8:15").
_NUMERIC = re.compile(
    r"(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})"
    r"(?:\W*[^\W\d]{0,3}\W+(?P<H>\d{1,2})\s*[hH:.]\s*(?P<M>\d{2}))?"
)


def parse_date(value: str | None, *, languages: tuple[str, ...] = ()) -> str | None:
    """``value`` as ISO 8601 at the precision it states, or None when it is no date."""
    if not value:
        return None
    text = value.strip()
    if not text or len(text) > 80:
        return None
    return _from_iso(text) or _from_numeric(text) or _from_rfc2822(text) or _from_words(text, tuple(sorted(languages)))


def _valid(year: int, month: int = 1, day: int = 1, hour: int = 0, minute: int = 0, second: int = 0) -> bool:
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return 1000 <= year <= 2999


def _from_iso(text: str) -> str | None:
    match = _ISO.fullmatch(text) or _COMPACT.fullmatch(text)
    if match is None:
        return None
    parts = match.groupdict()
    numbers = [int(parts[key]) for key in ("y", "m", "d", "H", "M", "S") if parts.get(key)]
    if not _valid(*numbers):
        return None
    out = f"{numbers[0]:04d}"
    for number, sep in zip(numbers[1:], "--T::", strict=False):
        out += f"{sep}{number:02d}"
    tz = parts.get("tz")
    if tz and len(numbers) > 3:
        if tz != "Z":
            digits = tz[1:].replace(":", "")
            tz = f"{tz[0]}{digits[:2]}:{digits[2:4] or '00'}"
        out += tz
    return out


def _from_numeric(text: str) -> str | None:
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
    # Day first, as in most of the languages served; month first only when the
    # first number cannot be a month and the second can.
    day, month = (first, second) if second <= 12 else (second, first)
    if match["H"] is None:
        return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else None
    hour, minute = int(match["H"]), int(match["M"])
    if not _valid(year, month, day, hour, minute):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"


def _from_rfc2822(text: str) -> str | None:
    if "," not in text and not re.search(r"\d{1,2} \w{3} \d{4} \d", text):
        return None
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if stamp is None or not _valid(stamp.year):
        return None
    return stamp.isoformat()


@cache
def _word_parser(languages: tuple[str, ...]) -> object:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(languages) or None,
        settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False, "RETURN_TIME_AS_PERIOD": True},
    )


def _from_words(text: str, languages: tuple[str, ...]) -> str | None:
    # Words are needed ("13 septembre 2023"); a lone number or a relative word
    # ("hier") would be resolved against today, which is no publication date.
    if not re.search(r"\d{4}", text) or not re.search(r"[^\W\d_]{3}", text):
        return None
    parser = _word_parser(languages)
    try:
        data = parser.get_date_data(text)  # type: ignore[attr-defined]
    except (ValueError, OverflowError, LookupError, TypeError):
        return None
    stamp = data.date_obj
    if stamp is None or not _valid(stamp.year):
        return None
    if data.period == "year":
        return f"{stamp.year:04d}"
    if data.period == "month":
        return f"{stamp.year:04d}-{stamp.month:02d}"
    if data.period == "time":
        return stamp.strftime("%Y-%m-%dT%H:%M")
    return stamp.strftime("%Y-%m-%d")


# ------------------------------------------------------------------ outlets, credits


def normalise_outlet(name: str | None) -> str | None:
    """A publication name as it should be shown: trimmed, no "www.", no trailing punctuation."""
    if not name:
        return None
    text = " ".join(name.split()).strip(" .,;:!|-–—·")
    text = re.sub(r"^(?:https?://)?www\.", "", text, flags=re.IGNORECASE)
    if not text or len(text) > 100:
        return None
    return text


def outlet_from_url(url: str | None) -> str | None:
    """The host of ``url`` without "www.", as a last resort for the outlet."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return normalise_outlet(host)


@cache
def agency_names() -> dict[str, str]:
    """Every spelling of an agency -> its canonical name, from the ``[agencies]``
    table of lang/clean/common.toml."""
    table = load_table("clean", "common").get("agencies", {})
    names: dict[str, str] = {}
    for canonical, spellings in table.items():
        for spelling in (canonical, *spellings):
            names[spelling] = canonical
    return names


@cache
def _agency_keys() -> dict[str, str]:
    return {spelling.casefold(): canonical for spelling, canonical in agency_names().items()}


def normalise_credit(name: str) -> str | None:
    """The canonical name of a credited agency ("REUTERS" -> "Reuters"); other names trimmed."""
    text = " ".join(name.split()).strip(" .,;:()[]-–—")
    if not text:
        return None
    return _agency_keys().get(text.casefold(), text)


# ------------------------------------------------------------------------ language


@cache
def _identifier(languages: tuple[str, ...]) -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(
    text: str, *, languages: tuple[str, ...], default: str, min_letters: int = 40, max_chars: int = 240
) -> str:
    """The language of ``text`` among ``languages``; ``default`` when the text is too short to tell.

    Only a prefix is classified: py3langid walks it byte by byte in Python, and a
    few sentences are enough to tell these languages apart.
    """
    sample = text[:max_chars]
    if len(languages) == 1 or len(_LETTERS.findall(sample)) < min_letters:
        return default
    language, _score = _identifier(languages).classify(sample)  # type: ignore[attr-defined]
    return str(language)
