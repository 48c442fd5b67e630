"""Readers: every format, ids and inputs, encodings, and bad input turned into errors."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoupe.read import read_bytes, read_inputs
from recoupe.read.base import Source
from recoupe.records import InputError, RawDoc
from recoupe.settings import ReadSettings

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
MIXED = FIXTURES / "mixed"
# Every file of the mixed folder is under this size except big.txt.
SMALL_LIMIT = ReadSettings(max_bytes=16 * 1024)


@pytest.fixture(scope="module")
def mixed() -> list[RawDoc | InputError]:
    return list(read_inputs([str(MIXED)], settings=SMALL_LIMIT))


def _docs(items: list[RawDoc | InputError]) -> dict[str, RawDoc]:
    return {item.doc_id: item for item in items if isinstance(item, RawDoc)}


def _errors(items: list[RawDoc | InputError]) -> list[InputError]:
    return [item for item in items if isinstance(item, InputError)]


@pytest.mark.parametrize(
    ("file", "line", "reason"),
    [
        ("report.pdf", None, "binary file (PDF?) — recoupe reads text, HTML, JSON Lines, RSS/Atom and CSV"),
        ("empty.txt", None, "empty file"),
        ("big.txt", None, "file is 18.9 KB, over the 16.0 KB limit (read.max_bytes)"),
        ("broken.jsonl", 2, "line 2: not valid JSON (Expecting ',' delimiter at column 83)"),
        ("broken.jsonl", 5, "line 5: expected a JSON object, got a list"),
        ("broken.jsonl", 6, 'line 6: no article text (expected a "text", "body", "content" field with text)'),
        ("not_a_feed.xml", None, "not an RSS/Atom feed (no <rss>, <feed> or <rdf:RDF> root element)"),
        ("feed.rss", None, "item 2 (Vide): no content or summary text"),
        ("table.csv", 6, "line 6: 8 fields where the header has 7"),
        ("table.csv", 7, 'line 7: no article text (expected a "text", "body", "content" field with text)'),
    ],
)
def test_bad_inputs_become_errors(mixed: list[RawDoc | InputError], file: str, line: int | None, reason: str) -> None:
    assert InputError(str(MIXED / file), reason, line) in _errors(mixed)


def test_no_other_errors_in_the_mixed_folder(mixed: list[RawDoc | InputError]) -> None:
    assert len(_errors(mixed)) == 10


@pytest.mark.parametrize(
    ("doc_id", "input", "format", "title", "published", "outlet", "starts"),
    [
        ("a-1", "array.json#1", "json", "Tempête sur la Bretagne", "2024-02", None, "Des rafales"),
        ("a-2", "array.json#2", "json", "Retour au calme", None, None, "Le vent"),
        (
            "j-1",
            "broken.jsonl:1",
            "jsonl",
            "Grève à la SNCF",
            "2024-03-14T08:30:00+01:00",
            "Exemple Info",
            "Les syndicats",
        ),
        ("j-3", "broken.jsonl:4", "jsonl", None, "2024-03-14", None, "Le trafic"),
        (
            "urn:uuid:dl-0042",
            "feed.atom",
            "feed",
            "Rail strike called off after late-night talks",
            "2024-02-03T07:45:00Z",
            "Daily Ledger",
            "The rail union called off",
        ),
        (
            "ei-2024-0101",
            "feed.rss",
            "feed",
            "Séisme au Japon : pas d’alerte au tsunami",
            "2024-01-01T10:12:00+01:00",
            "Exemple Info - Monde",
            "Un séisme de magnitude 6,2",
        ),
        ("latin1_fr.txt", "latin1_fr.txt", "text", None, None, None, "Le ministre de l'économie"),
        ("nested/note.md", "nested/note.md", "text", None, None, None, "Brève : la mairie"),
        (
            "page.html",
            "page.html",
            "html",
            "Le port de Marseille bat son record de trafic",
            "2024-01-22",
            "Le Phare du Sud",
            "Le port de Marseille bat son record de trafic\nLe Grand Port maritime",
        ),
        ("c-1", "table.csv:2", "csv", "Hausse du prix du pain", "2024-03-02", "La Gazette", "Le prix de la baguette"),
        ("c-2", "table.csv:3", "csv", "Multi-line", "2024-03", "La Gazette", "Premier paragraphe"),
    ],
)
def test_documents_of_every_format(
    mixed: list[RawDoc | InputError],
    doc_id: str,
    input: str,
    format: str,
    title: str | None,
    published: str | None,
    outlet: str | None,
    starts: str,
) -> None:
    doc = _docs(mixed)[doc_id]
    assert (doc.input, doc.format, doc.title, doc.published, doc.outlet) == (
        str(MIXED / input),
        format,
        title,
        published,
        outlet,
    )
    assert doc.body.startswith(starts)


def test_every_readable_document_is_read_in_name_order(mixed: list[RawDoc | InputError]) -> None:
    inputs = [item.input for item in mixed if isinstance(item, RawDoc)]
    assert len(inputs) == 11
    assert [name.split(":")[0].split("#")[0] for name in inputs] == sorted(
        name.split(":")[0].split("#")[0] for name in inputs
    )
    assert not any(".hidden" in name for name in inputs)


def test_unknown_fields_are_kept_and_metadata_mapped(mixed: list[RawDoc | InputError]) -> None:
    docs = _docs(mixed)
    assert docs["j-1"].extra == {"section": "société"}
    assert docs["j-1"].url == "https://www.exemple-info.fr/societe/greve-1"
    assert docs["j-1"].language == "fr"
    assert docs["a-2"].language == "fr-FR"
    assert docs["c-1"].extra == {"Section": "conso"}
    assert docs["c-2"].body == "Premier paragraphe de l'article.\n\nSecond paragraphe, après une ligne vide."
    assert docs["c-2"].original.startswith("c-2,Multi-line,") and docs["c-2"].original.endswith(
        'vide.",2024-03,La Gazette,fr,conso'
    )
    assert docs["page.html"].extra["author"] == "Claire Bonnet"
    assert docs["ei-2024-0101"].url == "https://www.exemple-info.fr/monde/seisme-japon"
    assert docs["ei-2024-0101"].original.startswith("<item>")
    assert "<p>" not in docs["ei-2024-0101"].body


def test_a_file_argument_is_named_by_its_file_name() -> None:
    path = str(MIXED / "nested" / "note.md")
    [doc] = read_inputs([path], settings=ReadSettings())
    assert isinstance(doc, RawDoc)
    assert (doc.doc_id, doc.input) == ("note.md", path)


def test_the_default_limit_reads_the_big_file() -> None:
    [doc] = read_inputs([str(MIXED / "big.txt")], settings=ReadSettings())
    assert isinstance(doc, RawDoc)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"id": "s1", "text": "Un texte venu de stdin."}\n', ("s1", "-:1", "jsonl")),
        (b"Un article en texte brut.\n", ("stdin", "-", "text")),
        (
            b"<rss><channel><item><guid>g</guid><description>Du texte.</description></item></channel></rss>",
            ("g", "-", "feed"),
        ),
    ],
)
def test_stdin_is_sniffed(data: bytes, expected: tuple[str, str, str]) -> None:
    [doc] = read_inputs(["-"], settings=ReadSettings(), stdin=io.BytesIO(data))
    assert isinstance(doc, RawDoc)
    assert (doc.doc_id, doc.input, doc.format) == expected


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        (None, "no standard input was given to read from"),
        (io.BytesIO(b"x" * 200), "standard input is over the 100 bytes limit (read.max_bytes)"),
        (io.BytesIO(b""), "empty file"),
    ],
)
def test_stdin_problems(stdin: io.BytesIO | None, reason: str) -> None:
    assert list(read_inputs(["-"], settings=ReadSettings(max_bytes=100), stdin=stdin)) == [InputError("-", reason)]


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / ".hidden.txt").write_text("Caché.")
    assert list(read_inputs([str(tmp_path)], settings=ReadSettings())) == [
        InputError(str(tmp_path), "the folder has no files to read (hidden files and folders are skipped)")
    ]


@pytest.mark.parametrize(
    ("record", "published", "body"),
    [
        ({"text": ["Premier.", "Second."], "published": 1694600000}, "2023-09-13T10:13:20Z", "Premier.\n\nSecond."),
        ({"text": "Texte.", "published": 1694600000000}, "2023-09-13T10:13:20Z", "Texte."),
        ({"text": "Texte.", "published": "mercredi"}, None, "Texte."),
        ({"text": "Texte.", "published": True}, None, "Texte."),
    ],
)
def test_json_values_of_other_shapes(record: dict[str, object], published: str | None, body: str) -> None:
    data = json.dumps(record).encode()
    [doc] = read_bytes(data, Source("a.jsonl", "a.jsonl"), name="a.jsonl", settings=ReadSettings())
    assert isinstance(doc, RawDoc)
    assert (doc.published, doc.body) == (published, body)


def test_a_pipe_in_a_folder_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert list(read_inputs([str(tmp_path)], settings=ReadSettings())) == [
        InputError(
            str(tmp_path / "pipe"), "not a regular file (a pipe, socket or device); give it on its own to read it"
        )
    ]


def test_missing_path() -> None:
    assert list(read_inputs(["/no/such/file.txt"], settings=ReadSettings())) == [
        InputError("/no/such/file.txt", "cannot read: no such file or folder")
    ]


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locked.txt"
    target.write_text("Du texte.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert list(read_inputs([str(target)], settings=ReadSettings())) == [
        InputError(str(target), "cannot read: permission denied")
    ]


MOJIBAKE = "Le préfet a déclaré « l’alerte rouge »."


@pytest.mark.parametrize(
    ("data", "body"),
    [
        (MOJIBAKE.encode("utf-8"), MOJIBAKE),
        (b"\xef\xbb\xbf" + MOJIBAKE.encode("utf-8"), MOJIBAKE),
        (MOJIBAKE.encode("utf-16"), MOJIBAKE),
        ("Le préfet a déclaré l'alerte à Nîmes.".encode("latin-1"), "Le préfet a déclaré l'alerte à Nîmes."),
        (MOJIBAKE.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"), MOJIBAKE),
        (b"Ligne un.\r\nLigne deux.\r\n", "Ligne un.\nLigne deux.\n"),
    ],
)
def test_encodings_are_detected_and_repaired(data: bytes, body: str) -> None:
    [doc] = read_bytes(data, Source("x.txt", "x.txt"), name="x.txt", settings=ReadSettings())
    assert isinstance(doc, RawDoc)
    assert doc.body == body


@pytest.mark.parametrize(
    ("name", "data", "format"),
    [
        (
            "page.txt",
            b"<!DOCTYPE html><html><body><p>" + b"Un paragraphe assez long. " * 20 + b"</p></body></html>",
            "html",
        ),
        (
            "news",
            b'<?xml version="1.0"?>\n<rss><channel><item><description>Texte.</description></item></channel></rss>',
            "feed",
        ),
        ("dump", b'{"text": "Un texte."}\n', "jsonl"),
        ("items.json", b'{\n  "id": "one",\n  "text": "Un seul objet sur plusieurs lignes."\n}\n', "jsonl"),
        ("table.tsv", b"id\ttext\nt1\tUn texte.\n", "csv"),
        ("notes.txt", b'{"not": "json in a .txt stays text"}', "text"),
    ],
)
def test_format_by_extension_and_content(name: str, data: bytes, format: str) -> None:
    [doc] = read_bytes(data, Source(name, name), name=name, settings=ReadSettings())
    assert isinstance(doc, RawDoc)
    assert doc.format == format


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (PNG image?)"),
        ("a.txt", b"\x00\x01\x02\x03" * 50, "binary file (unknown binary format?)"),
        ("a.txt", b"   \n\t\n", "empty file"),
        ("a.txt", b"\x7f\n", "empty file (no text, only blanks or control characters)"),
        ("a.json", b"[1, 2", "not valid JSON (Expecting ',' delimiter at line 1, column 6)"),
        ("a.json", b'["x"]', "item 1: expected a JSON object, got a string"),
        (
            "a.csv",
            b"id,title\n1,x\n",
            "the CSV header has no text column (found id, title; expected one of text, body, content)",
        ),
        (
            "a.html",
            b"<html><head><title>x</title></head><body><script>var a;</script></body></html>",
            "no article text found",
        ),
        (
            "a.atom",
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
            "the feed has no items",
        ),
    ],
)
def test_reasons_a_person_can_act_on(name: str, data: bytes, reason: str) -> None:
    [error] = read_bytes(data, Source(name, name), name=name, settings=ReadSettings())
    assert isinstance(error, InputError)
    assert error.reason.startswith(reason)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(
            st.dictionaries(
                st.sampled_from(["id", "text", "title", "published", "url", "x"]),
                st.one_of(st.text(max_size=30), st.integers(), st.none()),
                max_size=5,
            ),
            max_size=4,
        ).map(lambda rows: "\n".join(json.dumps(row) for row in rows).encode()),
    ),
    name=st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.json", "a.xml", "a.rss", "a.csv", "a.tsv", "a"]),
)
def test_readers_never_raise(data: bytes, name: str) -> None:
    limits = dataclasses.replace(ReadSettings(), max_bytes=300)
    for item in read_bytes(data, Source(name, name), name=name, settings=limits):
        assert isinstance(item, (RawDoc, InputError))
        if isinstance(item, InputError):
            assert item.reason
        else:
            assert item.body.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries({"id": st.text(max_size=8), "text": st.text(min_size=1, max_size=40)}).map(
                json.dumps
            ),
            # Printable text; a leading "[" would make the whole file one JSON array.
            st.text(
                alphabet=st.characters(blacklist_characters="[", blacklist_categories=["Cs", "Cc", "Zl", "Zp"]),
                max_size=40,
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_json_line_gives_one_document_or_one_error(lines: list[str]) -> None:
    data = "\n".join(lines).encode()
    items = list(read_bytes(data, Source("a.jsonl", "a.jsonl"), name="a.jsonl", settings=ReadSettings()))
    if not data.strip():
        assert items == [InputError("a.jsonl", "empty file")]
        return
    numbered = [number for number, line in enumerate(lines, start=1) if line.strip()]
    assert [item.line for item in items] == numbered


_ITEM_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ITEM_TEXT, _ITEM_TEXT), min_size=1, max_size=5))
def test_every_feed_item_gives_one_document_or_one_error(items: list[tuple[str, str]]) -> None:
    entries = "".join(
        f"<item><guid>g{n}</guid><title>{escape(title)}</title><description>{escape(text)}</description></item>"
        for n, (title, text) in enumerate(items)
    )
    data = f'<?xml version="1.0" encoding="utf-8"?><rss><channel><title>F</title>{entries}</channel></rss>'
    results = list(read_bytes(data.encode(), Source("f.rss", "f.rss"), name="f.rss", settings=ReadSettings()))
    assert len(results) == len(items)
    for n, result in enumerate(results):
        if isinstance(result, RawDoc):
            assert result.doc_id == f"g{n}" and result.body.strip()
        else:
            assert result.reason.startswith(f"item {n + 1}")
