"""Typed records passed between the pipeline stages.

Every offset (``start``/``end``) is a Python string index into an article's
``clean_text``; ``clean_text[start:end] == text`` holds for every span record.
Stages take records and return records; none reaches into another's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["person", "place", "organisation", "other"]
ClaimStatus = Literal["corroborated", "single_source", "disputed"]


# --------------------------------------------------------------------------- input


@dataclass(slots=True)
class RawDoc:
    """One document as a reader found it, before cleaning.

    ``original`` is the decoded input exactly as read (HTML markup, feed item
    XML, the JSON line...), kept untouched for the store. ``body`` is the text the
    cleaner works on (for HTML and feeds: the extracted main text).
    """

    input: str
    doc_id: str
    original: str
    body: str
    format: str
    line: int | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    credits: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InputError:
    """An input that could not be used, with a reason a person can act on."""

    input: str
    reason: str
    line: int | None = None


@dataclass(slots=True)
class Article:
    """A cleaned article. ``clean_text`` is what every evidence offset points into."""

    id: str
    input: str
    original: str
    clean_text: str
    language: str
    content_hash: str
    format: str = "text"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    credits: list[str] = field(default_factory=list)
    published: str | None = None
    removed: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str | None = None
    story: str | None = None


# --------------------------------------------------------------------- annotations


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity mention; ``text`` excludes any honorific, kept in ``title``."""

    start: int
    end: int
    text: str
    type: EntityType
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Quotation:
    """A direct quotation: ``text`` is the words inside the marks, verbatim.

    ``speaker`` is the surface form of the named speaker as resolved inside the
    article (a pronoun or an inversion is resolved to the last named speaker);
    ``speaker_role`` keeps a role description ("le porte-parole du Kremlin") that
    the story-level cross-check may resolve to a named person.
    """

    start: int
    end: int
    text: str
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_role: str | None = None


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A temporal expression.

    ``value`` is the ISO 8601 value at its true precision when it could be
    resolved; ``rule`` is a resolution rule understood by
    :func:`recoupe.annotate.dates.resolve_rule`, kept so that an article with no
    date can be resolved later against a date inferred from its story.
    """

    start: int
    end: int
    text: str
    value: str | None
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a parsed sentence; ``head`` is the index of its governor in the
    sentence's tokens (its own index for the root)."""

    start: int
    end: int
    lemma: str
    pos: str
    dep: str
    head: int
    morph: str = ""


@dataclass(frozen=True, slots=True)
class Parse:
    """The dependency parse of one sentence (``start``/``end`` as the sentence's)."""

    start: int
    end: int
    tokens: list[Token]


@dataclass(slots=True)
class Annotations:
    article_id: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    parses: list[Parse] = field(default_factory=list)


# ------------------------------------------------------------------- collection


@dataclass(slots=True)
class CopyGroups:
    """Copies and rewrites found across a collection.

    ``duplicate_of`` maps an article to the earlier article it repeats (exact or
    near-exact copy). ``dispatch`` maps every article to the id of its group of
    copies and rewrites of one dispatch; articles with the same group count as one
    independent source.
    """

    duplicate_of: dict[str, str] = field(default_factory=dict)
    dispatch: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class StoryInput:
    """What the cross-check of one story needs."""

    id: str
    articles: list[Article]
    annotations: dict[str, Annotations]
    copies: CopyGroups


# ------------------------------------------------------------------- the brief


@dataclass(frozen=True, slots=True)
class Evidence:
    article: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Entity:
    id: str
    name: str
    type: EntityType
    variants: list[str]
    articles: list[str]
    mentions: int


@dataclass(slots=True)
class Rendering:
    article: str
    text: str
    start: int
    end: int
    cue: str | None = None


@dataclass(slots=True)
class Quote:
    id: str
    speaker: str | None
    speaker_name: str | None
    renderings: list[Rendering]


@dataclass(slots=True)
class Claim:
    id: str
    text: str
    evidence: list[Evidence]
    independent_sources: int
    status: ClaimStatus


@dataclass(slots=True)
class Position:
    value: str
    evidence: list[Evidence]


@dataclass(slots=True)
class Conflict:
    id: str
    about: str
    positions: list[Position]


@dataclass(slots=True)
class TimelineEvent:
    date: str
    text: str
    evidence: list[Evidence]


@dataclass(slots=True)
class SummarySentence:
    text: str
    evidence: list[Evidence]


@dataclass(slots=True)
class StoryBrief:
    id: str
    title: str
    language: str
    articles: list[str]
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)


@dataclass(slots=True)
class Brief:
    generated_at: str
    articles: list[Article]
    stories: list[StoryBrief]
    errors: list[InputError] = field(default_factory=list)
