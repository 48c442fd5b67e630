"""Cleaner: noise out verbatim, metadata found, text kept exactly, offsets mapped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoupe.clean import clean, clean_mapped, content_hash, rules_for
from recoupe.read import read_inputs
from recoupe.records import RawDoc
from recoupe.settings import CleanSettings, ReadSettings

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
SETTINGS = CleanSettings()


def _raw(body: str, **fields: object) -> RawDoc:
    return RawDoc(input="t", doc_id="t", original=body, body=body, format="text", **fields)  # type: ignore[arg-type]


def _read(path: Path) -> RawDoc:
    [doc] = read_inputs([str(path)], settings=ReadSettings())
    assert isinstance(doc, RawDoc)
    return doc


# ---------------------------------------------------------------- fixture articles

ARTICLES = [
    (
        "fr_inondation.txt",
        {
            "title": "Inondations dans le Gard : la préfecture déclenche le plan Orsec",
            "outlet": "Gard-matin.fr",
            "credits": ["AFP"],
            "published": None,
            "language": "fr",
            "removed": [
                "Image:",
                "Des pompiers évacuent des habitants d’Alès en barque, mardi matin. Photo : AFP",
                "Lire aussi : Les Cévennes face aux épisodes méditerranéens",
                "via AFP",
                "Retrouvez toute l’actu sur Gard-matin.fr",
                "crp-fr-112",
            ],
        },
    ),
    (
        "fr_conseil.txt",
        {
            "title": None,
            "outlet": None,
            "credits": [],
            "published": "2024-03",
            "language": "fr",
            "removed": [
                "date 2024-03",
                "Le maire, Hélène Vasseur, a indiqué que le chantier durera au moins dix-huit mois et coûterait "
                "4,2 millions d’euros.",
                "(Photo Ouest Horizon)",
                "Abonnez-vous à notre newsletter pour ne rien manquer de l’actualité locale.",
            ],
        },
    ),
    (
        "en_wire.txt",
        {
            "title": None,
            "outlet": None,
            "credits": ["Reuters"],
            "published": None,
            "language": "en",
            "removed": [
                "LONDON (Reuters) -",
                "Image:",
                "Lorries queue outside the port of Felixstowe on Tuesday. Photo: Reuters",
                "Read more: Cyber attacks on ports are rising, insurers say",
                "Reporting by Anna Cole; Editing by Mark Potter",
                "Sign up for our daily business newsletter.",
            ],
        },
    ),
    (
        "en_promo.txt",
        {
            "title": "City council approves new cycle lanes after heated debate",
            "outlet": "northerngazette.co.uk",
            "credits": [],
            "published": "2024-03-14",
            "language": "en",
            "removed": [
                "Published: 14 March 2024",
                "© Northern Gazette 2024",
                "Read more on northerngazette.co.uk",
                "Share on Facebook",
                "Follow us on Twitter",
            ],
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), ARTICLES, ids=[name for name, _ in ARTICLES])
def test_fixture_articles(name: str, expected: dict[str, object]) -> None:
    article = clean(_read(FIXTURES / "articles" / name), settings=SETTINGS)
    found = {key: getattr(article, key) for key in expected}
    assert found == expected
    for piece in article.removed:
        assert piece not in article.clean_text


def test_date_header_keeps_the_rest_of_its_line() -> None:
    article = clean(_read(FIXTURES / "articles" / "fr_conseil.txt"), settings=SETTINGS)
    assert article.clean_text.startswith("Le conseil municipal de Rochefort a voté mercredi soir")


def test_original_is_kept_untouched() -> None:
    raw = _read(FIXTURES / "articles" / "fr_inondation.txt")
    article = clean(raw, settings=SETTINGS)
    assert article.original == (FIXTURES / "articles" / "fr_inondation.txt").read_text("utf-8")
    assert (article.id, article.input) == ("fr_inondation.txt", raw.input)


# ------------------------------------------------------------------- rule table


def _body(noise: str) -> str:
    return (
        "Le préfet a annoncé mardi l'évacuation de trois quartiers de la ville.\n\n"
        f"{noise}\n\n"
        "Les habitants pourront rentrer chez eux dès que la décrue sera confirmée."
    )


@pytest.mark.parametrize(
    ("noise", "credits", "outlet"),
    [
        ("Image:", [], None),
        ("[Photo]", [], None),
        ("Vidéo", [], None),
        ("![Une rue inondée](https://example.org/a.jpg)", [], None),
        ('<img src="a.jpg" alt="x">', [], None),
        ("Une rue inondée du centre-ville, mardi. Photo : AFP", [], None),
        ("Une rue inondée du centre-ville, mardi. (Photo Reuters)", [], None),
        ("Une rue inondée du centre-ville, mardi. Crédit photo : Jean Martin", [], None),
        ("Une rue inondée du centre-ville. © Maxppp", [], None),
        ("© AFP 2024", [], None),
        ("Photo : la digue rompue, mardi matin.", [], None),
        ("via REUTERS", ["Reuters"], None),
        ("(AFP)", ["AFP"], None),
        ("— Reuters", ["Reuters"], None),
        ("AFP/Belga", ["AFP", "Belga"], None),
        ("Avec AFP et Belga", ["AFP", "Belga"], None),
        ("Source : Agence France-Presse", ["AFP"], None),
        ("La rédaction avec AP", ["AP"], None),
        ("With Associated Press", ["AP"], None),
        ("Mit Material von dpa", ["DPA"], None),
        ("Con información de EFE", ["EFE"], None),
        ("Fonte: ANSA", ["ANSA"], None),
        ("Bron: ANP", ["ANP"], None),
        ("Fonte: Lusa", ["Lusa"], None),
        ("Источник: ТАСС", ["TASS"], None),
        ("Читайте также: новости региона", [], None),
        ("Lees ook: het weer van morgen", [], None),
        ("Retrouvez toute l’actu sur Metrotime.be", [], "Metrotime.be"),
        ("Découvrez toutes nos infos sur www.exemple-info.fr !", [], "exemple-info.fr"),
        ("Read more on dailyledger.co.uk", [], "dailyledger.co.uk"),
        ("Cet article a été publié initialement sur Le Courrier du Soir.", [], "Le Courrier du Soir"),
        ("(Rédigé par Reuters, édité par le bureau de Paris)", ["Reuters"], None),
        ("L’article Crue de la Seine est apparu en premier sur Exemple-info.fr.", [], "Exemple-info.fr"),
        ("The post Floods in Milan appeared first on The Daily Courier.", [], "The Daily Courier"),
        ("Continue reading…", [], None),
        ("(AFP) — Le Courrier du Soir", ["AFP"], "Le Courrier du Soir"),
        ("Lire aussi : La crue de 2003 en images", [], None),
        ("À LIRE AUSSI", [], None),
        ("Abonnez-vous pour lire la suite", [], None),
        ("Inscrivez-vous à notre newsletter quotidienne", [], None),
        ("Cet article est réservé aux abonnés.", [], None),
        ("Partager sur Facebook", [], None),
        ("Suivez-nous sur Twitter", [], None),
        ("Publicité", [], None),
        ("Réservé aux abonnés", [], None),
        ("Votre navigateur ne prend pas en charge la vidéo.", [], None),
        ("Your browser does not support the video tag.", [], None),
        ("/Photo prise le 17 octobre 2008/REUTERS/Jean Martin", [], None),
        ("Un pompier sur la digue. AFP PHOTO / JEAN MARTIN", [], None),
        ("Related: Floods in Europe", [], None),
        ("Sign up for our free newsletter", [], None),
        ("Advertisement", [], None),
        ("Leggi anche: la piena del Po", [], None),
        ("Lesen Sie auch: Hochwasser in Bayern", [], None),
        ("https://www.exemple-info.fr/article/123", [], None),
        ("#inondations #crue", [], None),
        ("* * *", [], None),
    ],
)
def test_noise_lines_are_removed(noise: str, credits: list[str], outlet: str | None) -> None:
    article = clean(_raw(_body(noise)), settings=SETTINGS)
    assert article.removed == [noise]
    assert (article.credits, article.outlet) == (credits, outlet)
    assert noise not in article.clean_text


@pytest.mark.parametrize(
    "prose",
    [
        "Le photographe a pris une photo de la scène.",
        "Selon l’agence Reuters, le bilan est de trois morts.",
        "L’AFP a confirmé l’information mardi soir.",
        "La newsletter du ministère a révélé ces chiffres.",
        "Le maire a annoncé que la ville serait reconstruite.",
        "Image de marque, photo de famille : la campagne est lancée.",
        "The minister said the newsletter had been sent in error.",
        "The company said its weekly newsletter now reaches two million readers.",
        "According to officials who spoke to Reuters.",
        "Par ailleurs, le gouvernement a débloqué 10 millions d'euros.",
        "Les habitants sont invités à partager leurs photos avec la mairie.",
        "Suivre les consignes des autorités reste la priorité, a rappelé le préfet.",
        "Les abonnés du réseau ont protesté contre la hausse des tarifs.",
        "Le trafic reprendra sur l'axe Paris/Lyon dès jeudi, selon la SNCF.",
        "2024 restera comme l'année des records, selon Météo-France.",
    ],
)
def test_prose_stays(prose: str) -> None:
    article = clean(_raw(_body(prose)), settings=SETTINGS)
    assert article.removed == []
    assert prose in article.clean_text


@pytest.mark.parametrize(
    ("body", "removed", "published", "kept_start"),
    [
        (
            " date 2023-09 Le texte commence ici.\n\nSuite du texte, assez longue pour compter.",
            ["date 2023-09"],
            "2023-09",
            "Le texte commence ici.",
        ),
        (
            "published: 2023-09-13T10:00:00Z | Le texte commence ici.\n\nSuite.",
            ["published: 2023-09-13T10:00:00Z |"],
            "2023-09-13T10:00:00Z",
            "Le texte commence ici.",
        ),
        (
            "Publié le 13/09/2023\nLe texte commence ici.",
            ["Publié le 13/09/2023"],
            "2023-09-13",
            "Le texte commence ici.",
        ),
        ("2023-09-13\nLe texte commence ici.", ["2023-09-13"], "2023-09-13", "Le texte commence ici."),
        ("Mardi 12 mars 2024\n\nLe texte commence ici.", ["Mardi 12 mars 2024"], "2024-03-12",
         "Le texte commence ici."),
        ("Tuesday, March 12, 2024\n\nThe text starts here.", ["Tuesday, March 12, 2024"], "2024-03-12",
         "The text starts here."),
        ("1er mai 2023 à 10h32\nLe texte commence ici.", ["1er mai 2023 à 10h32"], "2023-05-01T10:32",
         "Le texte commence ici."),
        (
            "De notre envoyé spécial à Gao (Mali), jeudi 4 avril 2024\n\nLe texte commence ici.",
            ["De notre envoyé spécial à Gao (Mali), jeudi 4 avril 2024"],
            "2024-04-04",
            "Le texte commence ici.",
        ),
        ("Mardi 12 mars 2024, le texte commence ici.\n\nSuite.", [], None, "Mardi 12 mars 2024, le texte"),
        ("Le 13 septembre, le texte commence ici.\n\nSuite.", [], None, "Le 13 septembre"),
    ],
)
def test_date_headers(body: str, removed: list[str], published: str | None, kept_start: str) -> None:
    article = clean(_raw(body), settings=SETTINGS)
    assert (article.removed, article.published) == (removed, published)
    assert article.clean_text.startswith(kept_start)


@pytest.mark.parametrize(
    ("signature", "outlet"),
    [
        ("Par la rédaction d'Info Express", "Info Express"),
        ("La Rédaction, Metropole Actu", "Metropole Actu"),
        ("By Jane Doe", None),
        ("Par Jean Dupont", None),
    ],
)
def test_signatures_at_the_end(signature: str, outlet: str | None) -> None:
    body = "Premier paragraphe, assez long pour être du texte.\n\nDeuxième paragraphe du même article.\n\n"
    article = clean(_raw(body + signature), settings=SETTINGS)
    assert (article.removed, article.outlet) == ([signature], outlet)


def test_a_staff_sentence_in_the_text_stays() -> None:
    body = "La rédaction a appris mardi que le maire démissionnerait.\n\nLa suite de l'article."
    assert clean(_raw(body), settings=SETTINGS).removed == []


def test_a_feed_cut_mark_goes_and_the_sentence_stays() -> None:
    article = clean(_raw("Le ministre a annoncé une hausse des crédits pour la recherche […]"), settings=SETTINGS)
    assert (article.clean_text, article.removed) == (
        "Le ministre a annoncé une hausse des crédits pour la recherche",
        ["[…]"],
    )


@pytest.mark.parametrize(
    ("tail", "removed"),
    [
        ("ttn-fr-31", ["ttn-fr-31"]),
        ("doc_00042", ["doc_00042"]),
        ("a1b2c3d4e5f6a7b8", ["a1b2c3d4e5f6a7b8"]),
        ("2024", ["2024"]),
        ("Fin", []),
    ],
)
def test_corpus_tags_at_the_edges(tail: str, removed: list[str]) -> None:
    body = "Premier paragraphe, assez long pour être du texte.\n\nDeuxième paragraphe du même article.\n\n" + tail
    assert clean(_raw(body), settings=SETTINGS).removed == removed


def test_a_tag_in_the_middle_is_text() -> None:
    words = ["pluie", "vent", "crue", "digue", "maire", "préfet", "pompiers", "écoles"]
    lines = [f"Le {n}e point concerne {word}." for n, word in enumerate(words)]
    lines.insert(4, "ttn-fr-31")
    assert clean(_raw("\n\n".join(lines)), settings=SETTINGS).removed == []


@pytest.mark.parametrize(
    ("first", "second", "removed"),
    [
        (
            "Le maire a annoncé la fermeture de la piscine pour dix-huit mois de travaux.",
            "Le maire a annoncé la fermeture de la piscine pour dix-huit mois de travaux.",
            True,
        ),
        (
            "On sait que le président organisera un déjeuner en l’honneur de son homologue.",
            "On sait que le président organisera un déjeuner en l’honneur de son invité.",
            True,
        ),
        (
            "Le maire a annoncé la fermeture de la piscine pour dix-huit mois de travaux.",
            "L’opposition a dénoncé la fermeture de la piscine, jugée précipitée et coûteuse.",
            False,
        ),
        ("Court.", "Court.", False),
    ],
)
def test_repeated_paragraphs(first: str, second: str, removed: bool) -> None:
    body = f"{first}\n\nUn paragraphe intermédiaire sans rapport.\n\n{second}"
    article = clean(_raw(body), settings=SETTINGS)
    assert article.removed == ([second] if removed else [])
    assert article.clean_text.startswith(first)


def test_repeat_threshold_is_a_setting() -> None:
    body = (
        "On sait que le président organisera un déjeuner en l’honneur de son homologue.\n\n"
        "On sait que le président organisera un déjeuner en l’honneur de son invité."
    )
    assert clean(_raw(body), settings=CleanSettings(repeat_similarity=1.0)).removed == []


@pytest.mark.parametrize(
    ("body", "raw_title", "title", "text"),
    [
        (
            "Un titre court sans point\nLe texte de l'article commence ici.",
            None,
            "Un titre court sans point",
            "Le texte de l'article commence ici.",
        ),
        (
            "Une phrase complète qui se termine par un point.\nLa suite.",
            None,
            None,
            "Une phrase complète qui se termine par un point.\n\nLa suite.",
        ),
        ("Un titre\nLe texte.", "Un titre", "Un titre", "Le texte."),
        ("Le texte.", "Un autre titre", "Un autre titre", "Le texte."),
        (
            "Le port bat son record\nLe texte.",
            "Le port bat son record - Le Phare",
            "Le port bat son record - Le Phare",
            "Le texte.",
        ),
        ("Le port\nLe texte.", "Le port bat son record", "Le port bat son record", "Le port\n\nLe texte."),
        ("Seule ligne sans point", None, None, "Seule ligne sans point"),
        (
            "Un rapport accable la direction.\nLa perte de 695 millions d'euros ne relèverait pas d'un incident de"
            " marché mais d'un manque de contrôle, selon le rapport.",
            None,
            "Un rapport accable la direction.",
            "La perte de 695 millions d'euros ne relèverait pas d'un incident de marché mais d'un manque de"
            " contrôle, selon le rapport.",
        ),
        (
            "Armstrong et le Tour : on discute…\nLe septuple vainqueur revient à la compétition l'an prochain,"
            " avec le Tour de France pour objectif, a-t-il annoncé.",
            None,
            "Armstrong et le Tour : on discute…",
            "Le septuple vainqueur revient à la compétition l'an prochain, avec le Tour de France pour objectif,"
            " a-t-il annoncé.",
        ),
        (
            "Le maire a annoncé mercredi soir la fermeture de la piscine municipale pour travaux.\n"
            "L'opposition a dénoncé un manque de concertation avec les clubs de natation de la ville.",
            None,
            None,
            "Le maire a annoncé mercredi soir la fermeture de la piscine municipale pour travaux.\n\n"
            "L'opposition a dénoncé un manque de concertation avec les clubs de natation de la ville.",
        ),
    ],
)
def test_title(body: str, raw_title: str | None, title: str | None, text: str) -> None:
    article = clean(_raw(body, title=raw_title), settings=SETTINGS)
    assert (article.title, article.clean_text) == (title, text)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("Ligne coupée au milieu\nd'une phrase qui continue.", "Ligne coupée au milieu d'une phrase qui continue."),
        ("Un paragraphe.\nUn autre paragraphe.", "Un paragraphe.\n\nUn autre paragraphe."),
        ("Des   espaces\tmultiples  ici.", "Des espaces multiples ici."),
        ("  \n\n  Texte entouré de blancs.  \n\n\n", "Texte entouré de blancs."),
        ("« Citation »\u00a0: insécable gardée.", "« Citation »\u00a0: insécable gardée."),
    ],
)
def test_whitespace(body: str, text: str) -> None:
    assert clean(_raw(body), settings=SETTINGS).clean_text == text


# ------------------------------------------------------------------- metadata


def test_language_declared_or_detected() -> None:
    english = "The city council voted on Wednesday night to close the swimming pool for renovation works."
    assert clean(_raw(english), settings=SETTINGS).language == "en"
    assert clean(_raw(english, language="fr-FR"), settings=SETTINGS).language == "fr"
    assert clean(_raw(english, language="xx"), settings=SETTINGS).language == "en"
    assert clean(_raw("Oui."), settings=CleanSettings(default_language="de")).language == "de"


def test_metadata_from_the_reader_wins() -> None:
    body = "Retrouvez toute l’actu sur Metrotime.be"
    raw = _raw(f"Un texte.\n\n{body}", outlet="Le Soir", published="13/09/2023", credits=["afp"])
    article = clean(raw, settings=SETTINGS)
    assert (article.outlet, article.published, article.credits) == ("Le Soir", "2023-09-13", ["AFP"])


def test_outlet_falls_back_to_the_url_host() -> None:
    article = clean(_raw("Un texte.", url="https://www.exemple-info.fr/a/1"), settings=SETTINGS)
    assert article.outlet == "exemple-info.fr"


def test_same_article_from_three_formats_has_one_hash(tmp_path: Path) -> None:
    text = "Premier paragraphe de l'article.\n\nSecond paragraphe, après une ligne vide."
    (tmp_path / "a.txt").write_text(text + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": text.replace("\n\n", "\n")}) + "\n")
    (tmp_path / "c.csv").write_text('id,text\nc,"' + text.replace(" ", "\u00a0", 1) + '"\n')
    hashes = {
        clean(doc, settings=SETTINGS).content_hash
        for doc in read_inputs([str(tmp_path)], settings=ReadSettings())
        if isinstance(doc, RawDoc)
    }
    assert len(hashes) == 1
    assert content_hash("a  b") == content_hash("a\n\nb") != content_hash("a c")


def test_same_article_from_html_and_text_has_one_hash() -> None:
    page = clean(_read(FIXTURES / "mixed" / "page.html"), settings=SETTINGS)
    text = f"{page.title}\n\n{page.clean_text}\n\nRetrouvez toute l'actu sur LePhare.fr\n"
    copy = clean(_raw(text), settings=SETTINGS)
    assert (copy.title, copy.content_hash) == (page.title, page.content_hash)


def test_every_language_table_compiles() -> None:
    ruleset = rules_for(SETTINGS.languages)
    assert len(ruleset.rules["first"]) > 40
    assert {rule.origin.split()[0] for rule in ruleset.rules["first"]} >= {
        f"lang/clean/{name}.toml" for name in ("common", "fr", "en", "de", "es", "it", "nl", "pt", "ru")
    }


# ------------------------------------------------------------- quality gate


def _gold() -> dict[str, dict[str, object]]:
    return json.loads((FIXTURES / "gold" / "gold.json").read_text("utf-8"))


@pytest.mark.gate
def test_gate_removal_precision_recall() -> None:
    gold = _gold()
    true_positive = predicted = expected = 0
    fields_right = fields_total = 0
    for name, truth in gold.items():
        article = clean(_read(FIXTURES / "gold" / name), settings=SETTINGS)
        want = set(truth["removed"])  # type: ignore[arg-type]
        got = set(article.removed)
        true_positive += len(want & got)
        predicted += len(got)
        expected += len(want)
        for key in ("title", "published", "credits", "outlet"):
            fields_total += 1
            fields_right += getattr(article, key) == truth[key]
    precision, recall = true_positive / predicted, true_positive / expected
    # Measured 1.00 / 0.97 and 24/24 fields when pinned; the miss is a German
    # caption that follows its "Foto: dpa" credit instead of preceding it.
    assert precision >= 0.95
    assert recall >= 0.9
    assert fields_right / fields_total >= 0.95


# ---------------------------------------------------------------- properties

NOISE_LINES = [
    "Image:",
    "Photo : AP",
    "via REUTERS",
    "ttn-fr-31",
    " date 2023-09 Début.",
    "Lire aussi : un titre",
    "Retrouvez toute l’actu sur Metrotime.be",
    "Une légende. Photo : AFP",
    "(AFP)",
    "PARIS (AFP) - Texte.",
    "Publié le 13 septembre 2023",
    "© Reuters",
    "Advertisement",
    "#tag",
    "Par Jean Dupont",
]
lines = st.one_of(
    st.sampled_from(NOISE_LINES),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80),
    st.sampled_from(["", " ", "\t", "\u00a0", "\r"]),
)
bodies = st.one_of(
    st.lists(lines, max_size=14).map("\n".join),
    st.lists(lines, max_size=8).map("\n\n".join),
    st.text(max_size=300),
)


def _non_space(text: str) -> str:
    return re.sub(r"\s", "", text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, title=st.one_of(st.none(), st.text(max_size=20)))
def test_cleaning_loses_nothing_and_maps_exactly(body: str, title: str | None) -> None:
    cleaned = clean_mapped(_raw(body, title=title), settings=SETTINGS)
    article = cleaned.article
    text = article.clean_text
    # Every stretch of clean_text is the same stretch of the body.
    covered = [False] * len(text)
    for clean_start, body_start, length in cleaned.segments:
        assert text[clean_start : clean_start + length] == body[body_start : body_start + length]
        covered[clean_start : clean_start + length] = [True] * length
    # What no segment covers is a separator: one space or a paragraph break.
    assert all(char in " \n" for char, hit in zip(text, covered, strict=True) if not hit)
    assert text == text.strip() and "  " not in text and "\n\n\n" not in text
    # Removed pieces are verbatim body spans, in order.
    assert [body[start:end] for start, end in cleaned.removed_spans] == article.removed
    assert [start for start, _ in cleaned.removed_spans] == sorted(start for start, _ in cleaned.removed_spans)
    # Nothing lost: every visible character of the body is in exactly one place.
    spans = [(b, b + n) for _, b, n in cleaned.segments] + list(cleaned.removed_spans)
    if cleaned.title_span:
        spans.append(cleaned.title_span)
    owner = [0] * len(body)
    for start, end in spans:
        for index in range(start, end):
            owner[index] += 1
    assert all(count == 1 for char, count in zip(body, owner, strict=True) if not char.isspace()), (
        "a visible character was lost or counted twice"
    )
    assert len(_non_space(text)) + sum(len(_non_space(p)) for p in article.removed) + (
        len(_non_space(body[slice(*cleaned.title_span)])) if cleaned.title_span else 0
    ) == len(_non_space(body))
    assert article.language in SETTINGS.languages
    assert article.original == body
