"""Dependency parses of the sentences that need one.

Speaker attribution reads the subject of a speech verb and statements read a
predicate and its arguments, so both want syntax. Parsing every sentence would
double the cost of annotation, so only the sentences a stage asks for are
parsed (those holding a quotation mark, a speech cue or a number), once, and
the parse is stored with the other annotations for every later stage to read.

A language without a parser model (see :data:`recoupe.models.SPACY_MODELS`)
gets no parse, and the stages fall back to their rules for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Models
from ..records import Article, Parse, Sentence, Token
from ..settings import AnnotateSettings

# The statistical recogniser has its own pass (entities.find_mentions_many).
_NOT_FOR_PARSING = ("ner",)


def parse_sentences(
    requests: Iterable[tuple[Article, Sequence[Sentence]]],
    *,
    models: Models,
    settings: AnnotateSettings,
) -> dict[str, list[Parse]]:
    """The parses of the given sentences of each article (no entry for a language without a parser)."""
    by_language: dict[str, list[tuple[str, Sentence]]] = {}
    for article, sentences in requests:
        by_language.setdefault(article.language, []).extend((article.id, s) for s in sentences)
    parses: dict[str, list[Parse]] = {}
    for language, wanted in by_language.items():
        nlp = models.spacy(language)
        if nlp is None or "parser" not in nlp.pipe_names:
            continue
        disable = [name for name in _NOT_FOR_PARSING if name in nlp.pipe_names]
        docs = nlp.pipe((s.text for _, s in wanted), batch_size=settings.ner_batch_size, disable=disable)
        for (article_id, sentence), doc in zip(wanted, docs, strict=True):
            parses.setdefault(article_id, []).append(_parse(sentence, doc))
    return parses


def _parse(sentence: Sentence, doc: object) -> Parse:
    tokens = [
        Token(
            start=sentence.start + token.idx,
            end=sentence.start + token.idx + len(token.text),
            lemma=token.lemma_ or token.text,
            pos=token.pos_,
            dep=token.dep_,
            head=token.head.i,
            morph=str(token.morph),
        )
        for token in doc  # type: ignore[attr-defined]
    ]
    return Parse(start=sentence.start, end=sentence.end, tokens=tokens)


def subtree(parse: Parse, index: int) -> list[int]:
    """The indices of the tokens a token governs, itself included, in sentence order."""
    children: dict[int, list[int]] = {}
    for i, token in enumerate(parse.tokens):
        if token.head != i:
            children.setdefault(token.head, []).append(i)
    out, todo = [], [index]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(children.get(node, ()))
    return sorted(out)


__all__ = ["parse_sentences", "subtree"]
