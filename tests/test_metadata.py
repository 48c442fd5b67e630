"""Metadata helpers: dates at their known precision, outlets, credits, language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoupe.metadata import (
    detect_language,
    normalise_credit,
    normalise_outlet,
    outlet_from_url,
    parse_date,
)
from recoupe.settings import SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", "2023"),
        ("2023-09", "2023-09"),
        ("2023-9", "2023-09"),
        ("2023-09-13", "2023-09-13"),
        ("20230913", "2023-09-13"),
        ("2023-09-13T10:32", "2023-09-13T10:32"),
        ("2023-09-13 10:32:05", "2023-09-13T10:32:05"),
        ("2023-09-13T10:32:05Z", "2023-09-13T10:32:05Z"),
        ("2023-09-13T10:32:05.123+0200", "2023-09-13T10:32:05+02:00"),
        ("13/09/2023", "2023-09-13"),
        ("13.09.2023", "2023-09-13"),
        ("09/13/2023", "2023-09-13"),
        ("16/11/2024 à 08h15", "2024-11-16T08:15"),
        ("16.11.2024, 8:15", "2024-11-16T08:15"),
        ("11/16/2024 at 8.15", "2024-11-16T08:15"),
        ("16/11/2024 à 25h15", None),
        ("Wed, 13 Sep 2023 10:32:00 +0200", "2023-09-13T10:32:00+02:00"),
        ("13 septembre 2023", "2023-09-13"),
        ("septembre 2023", "2023-09"),
        ("mercredi 13 septembre 2023 à 10h32", "2023-09-13T10:32"),
        ("14 March 2024", "2024-03-14"),
        ("2023-13", None),
        ("2023-02-30", None),
        ("hier", None),
        ("", None),
        (None, None),
        ("le président a parlé", None),
    ],
)
def test_parse_date_keeps_the_precision_given(value: str | None, expected: str | None) -> None:
    assert parse_date(value, languages=("fr", "en")) == expected


@given(st.text(max_size=60))
def test_parse_date_never_raises(value: str) -> None:
    result = parse_date(value, languages=("fr", "en"))
    assert result is None or result[:4].isdigit()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Metrotime.be", "Metrotime.be"),
        ("www.lemonde.fr", "lemonde.fr"),
        ("  Le   Phare du Sud. ", "Le Phare du Sud"),
        ("", None),
        (None, None),
        ("x" * 200, None),
    ],
)
def test_normalise_outlet(name: str | None, expected: str | None) -> None:
    assert normalise_outlet(name) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.exemple-info.fr/monde/article-1", "exemple-info.fr"),
        ("http://news.example.com:8080/x", "news.example.com"),
        ("not a url", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_outlet_from_url(url: str | None, expected: str | None) -> None:
    assert outlet_from_url(url) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("REUTERS", "Reuters"),
        ("afp", "AFP"),
        ("Agence France-Presse", "AFP"),
        ("Associated Press", "AP"),
        ("(Interfax)", "Interfax"),
        ("Ria Novosti", "RIA Novosti"),
        ("Korean Central News Agency", "KCNA"),
        ("Le Courrier du Soir", "Le Courrier du Soir"),
        ("  ", None),
    ],
)
def test_normalise_credit(name: str, expected: str | None) -> None:
    assert normalise_credit(name) == expected


LANGUAGE_SAMPLES = [
    ("fr", "Le conseil municipal a voté mercredi soir la fermeture de la piscine pour des travaux de rénovation."),
    ("en", "The city council voted on Wednesday night to close the swimming pool for renovation works."),
    ("de", "Der Stadtrat hat am Mittwochabend beschlossen, das Schwimmbad für Renovierungsarbeiten zu schließen."),
    ("es", "El ayuntamiento votó el miércoles por la noche el cierre de la piscina para obras de renovación."),
    ("it", "Il consiglio comunale ha votato mercoledì sera la chiusura della piscina per lavori di ristrutturazione."),
    ("nl", "De gemeenteraad heeft woensdagavond besloten het zwembad te sluiten voor renovatiewerkzaamheden."),
    ("pt", "A câmara municipal votou na quarta-feira à noite o encerramento da piscina para obras de renovação."),
    ("ru", "Городской совет в среду вечером проголосовал за закрытие бассейна на ремонтные работы."),
]


@pytest.mark.parametrize(("language", "text"), LANGUAGE_SAMPLES)
def test_detect_language_among_the_configured_ones(language: str, text: str) -> None:
    assert detect_language(text, languages=SUPPORTED_LANGUAGES, default="fr") == language


@pytest.mark.parametrize(
    ("text", "languages", "default", "expected"),
    [
        ("Oui.", SUPPORTED_LANGUAGES, "fr", "fr"),
        ("OK, thanks", SUPPORTED_LANGUAGES, "en", "en"),
        (LANGUAGE_SAMPLES[1][1], ("fr",), "fr", "fr"),
        (LANGUAGE_SAMPLES[1][1], ("fr", "en"), "fr", "en"),
    ],
)
def test_detect_language_short_or_restricted(
    text: str, languages: tuple[str, ...], default: str, expected: str
) -> None:
    assert detect_language(text, languages=languages, default=default) == expected


def test_detect_language_answers_only_allowed_codes() -> None:
    german = LANGUAGE_SAMPLES[2][1]
    assert detect_language(german, languages=("fr", "en"), default="fr") in ("fr", "en")
