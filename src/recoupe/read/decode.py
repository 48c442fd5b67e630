"""Bytes to text: binary sniffing, encoding detection and mojibake repair.

Every failure is an :class:`~recoupe.errors.InputProblem` whose reason tells the
person what the file is and what recoupe can read instead.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
import ftfy

from ..errors import InputProblem

READABLE = "recoupe reads text, HTML, JSON Lines, RSS/Atom and CSV"

# Signatures of the binary formats people most often drop into a news folder by
# mistake; naming the format makes the reason actionable.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP, DOCX or ODT"),
    (b"\xd0\xcf\x11\xe0", "Word or Excel 97"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF media"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3", "SQLite database"),
    (b"ID3", "MP3 audio"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control bytes that never occur in text; tab, newlines, form feed and escape do.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_SNIFF = 8192
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise InputProblem(f"file is {human_size(size)}, over the {human_size(limit)} limit (read.max_bytes)")


def _binary_kind(data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:_SNIFF]
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    if head.count(0) or controls > len(head) // 100:
        return "unknown binary format"
    return None


def decode(data: bytes) -> str:
    """The text of ``data``; raises InputProblem for empty, binary or undecodable bytes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputProblem(
                    f"the file starts with a {encoding} byte order mark but byte {exc.start + len(bom)} "
                    f"is not {encoding}; re-save it as UTF-8"
                ) from exc
            return _non_empty(text)
    if not data.strip():
        raise InputProblem("empty file")
    kind = _binary_kind(data)
    if kind is not None:
        raise InputProblem(f"binary file ({kind}?) — {READABLE}")
    try:
        return _non_empty(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputProblem(
            "cannot decode the bytes as text (not UTF-8 and no other encoding fits); re-save it as UTF-8"
        )
    best = matches[0]
    # Short texts fit many code pages equally well; the Western one is then the
    # likeliest for the languages served (cp1250 would turn "à" into "ŕ").
    tied = (m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01)
    chosen = next((m for m in tied if m.encoding in _WESTERN), best)
    return _non_empty(str(chosen))


def _non_empty(text: str) -> str:
    # Control characters are dropped by repair(): a file of nothing else is empty too.
    if not _CONTROLS.sub("", text).strip():
        raise InputProblem("empty file (no text, only blanks or control characters)")
    return text


# ftfy costs milliseconds per article, so it only runs where mojibake, stray C1
# controls, a replacement character or HTML entities may hide: a UTF-8 lead byte
# read as Latin-1/cp1252 followed by a continuation byte read the same way
# ("Ã©", "â€™") is the signature of text decoded with the wrong codec.
_MOJIBAKE = re.compile(
    "[\x80-\x9f\ufffd]|[\xc2-\xef]"
    "[\xa0-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_ENTITY = re.compile("&#?\\w+;")
# Quotes stay curly and full-width forms stay as written: later stages quote the
# text verbatim and must find the same characters the author used.
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, explain=False)
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def repair(text: str) -> str:
    """Mojibake and control characters fixed, line breaks made ``\\n``, NFC."""
    if _MOJIBAKE.search(text) or ("&" in text and _ENTITY.search(text)):
        return ftfy.fix_text(text, _FTFY)
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
