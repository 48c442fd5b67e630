from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoupe.annotate.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Il pleut. Il vente.", "fr", ["Il pleut.", "Il vente."]),
        ("M. Kim est arrivé. Mme Dupont aussi.", "fr", ["M. Kim est arrivé.", "Mme Dupont aussi."]),
        (
            "« Je suis heureux. Nous avons le temps », a-t-il dit. Puis il est parti.",
            "fr",
            ["« Je suis heureux. Nous avons le temps », a-t-il dit.", "Puis il est parti."],
        ),
        ("« C'est fini. » Il est parti.", "fr", ["« C'est fini. »", "Il est parti."]),
        ("Titre sans point\nPremier paragraphe. Second.", "fr", ["Titre sans point", "Premier paragraphe.", "Second."]),
        ('Mr. J. Smith said "Go. Now." Then he left.', "en", ['Mr. J. Smith said "Go. Now."', "Then he left."]),
        ("It cost 3.5 million. Nobody paid.", "en", ["It cost 3.5 million.", "Nobody paid."]),
        ("Quoi ? Vraiment ! Oui…", "fr", ["Quoi ?", "Vraiment !", "Oui…"]),
        ("", "fr", []),
        ("no language table. Still splits.", "xx", ["no language table.", "Still splits."]),
    ],
)
def test_split_sentences(text: str, language: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, language)] == expected


@given(st.text())
def test_offsets_are_exact_and_ordered(text: str) -> None:
    sentences = split_sentences(text, "fr")
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
