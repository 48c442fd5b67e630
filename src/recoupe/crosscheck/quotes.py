"""One statement across outlets: the renderings of a quotation linked into one quote.

Each quotation of the story first gets its speaker entity: from its named
speaker, or, for a role ("le porte-parole du Kremlin"), from the person the
story names with a role of the same kind ("le porte-parole de la présidence
russe, Dmitri Peskov"); role modifiers that share no word are compared by
multilingual embeddings. Two quotations in different articles are renderings of
one statement when their speakers agree and their words are close: multilingual
embeddings of the whole quotation and of its sentences (a longer or shorter cut
shares a sentence), or, for cuts in one language, most content words in common.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ..annotate.quotes import RoleHolder, fold, quote_table, rank_role_holders, role_group, role_holders
from ..annotate.sentences import split_sentences
from ..models import Models
from ..records import Mention, Quotation, Quote, Rendering, StoryInput
from .entities import EntityIndex

# Cosine of USE-multilingual vectors above which two cuts say the same thing,
# and above which a role phrase matches a role named elsewhere in the story.
SAME_STATEMENT = 0.72
SAME_ROLE = 0.55
# Share of the shorter cut's content words found in the longer one.
SAME_WORDS = 0.6


@dataclass(slots=True)
class _Item:
    article: str
    quotation: Quotation
    language: str
    entity: str | None
    name: str | None


def _story_holders(story: StoryInput) -> list[tuple[str, RoleHolder]]:
    found: list[tuple[str, RoleHolder]] = []
    for article in story.articles:
        table = quote_table(article.language)
        annotations = story.annotations.get(article.id)
        if table is None or annotations is None:
            continue
        names = [(m.start, m.end) for m in annotations.mentions if m.type == "person"]
        found.extend((article.id, h) for h in role_holders(article.clean_text, names, table))
    return found


def _resolve_role(
    role: str, language: str, holders: list[tuple[str, RoleHolder]], models: Models
) -> tuple[str, RoleHolder] | None:
    """The person the story names with ``role``: same group, shared modifier, else closest embedding."""
    table = quote_table(language)
    if table is None:
        return None
    ranked = rank_role_holders(role, [h for _, h in holders], table)
    if ranked:
        return next((aid, h) for aid, h in holders if h is ranked[0])
    group = role_group(role, table)
    same = [(aid, h) for aid, h in holders if group and h.group == group[1]]
    if not same:
        return None
    vectors = models.embedder.encode([role, *(h.role for _, h in same)])
    scores = vectors[1:] @ vectors[0]
    best = int(np.argmax(scores))
    others = [scores[i] for i, (_, h) in enumerate(same) if fold(h.name) != fold(same[best][1].name)]
    if scores[best] >= SAME_ROLE and (not others or scores[best] - max(others) >= 0.03):
        return same[best]
    return None


def _speaker(
    item_article: str,
    quotation: Quotation,
    language: str,
    entities: EntityIndex,
    holders: list[tuple[str, RoleHolder]],
    models: Models,
) -> tuple[str | None, str | None]:
    """(entity id, display name) of a quotation's speaker."""
    if quotation.speaker is not None:
        entity = named_speaker(item_article, quotation, entities)
        return entity, entities.name_of(entity) if entity else quotation.speaker
    if quotation.speaker_role is not None:
        found = _resolve_role(quotation.speaker_role, language, holders, models)
        if found is not None:
            aid, holder = found
            entity = entities.entity_for_name(holder.name, article_id=aid)
            return entity, entities.name_of(entity) if entity else holder.name
    return None, None


def named_speaker(article_id: str, quotation: Quotation, entities: EntityIndex) -> str | None:
    """The entity of the speaker a quotation names: its mention's, else the one its name stands for."""
    if quotation.speaker is None:
        return None
    if quotation.speaker_start is not None and quotation.speaker_end is not None:
        mention = Mention(quotation.speaker_start, quotation.speaker_end, quotation.speaker, "person")
        found = entities.entity_for_mention(article_id, mention)
        if found is not None:
            return found
    return entities.entity_for_name(quotation.speaker, article_id=article_id)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 3}


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(b)] = self.find(a)


def _similarity(items: list[_Item], models: Models) -> np.ndarray:
    """Best cosine between two quotations, whole or sentence by sentence."""
    chunks: list[str] = []
    owner: list[int] = []
    for index, item in enumerate(items):
        text = item.quotation.text
        parts = [s.text for s in split_sentences(text, item.language)] or [text]
        for part in dict.fromkeys([text, *parts]):
            chunks.append(part)
            owner.append(index)
    vectors = models.embedder.encode(chunks)
    cosine = vectors @ vectors.T
    # Chunks are grouped by quotation, so the best pair per two quotations is a
    # maximum over contiguous blocks.
    starts = np.flatnonzero(np.r_[True, np.diff(np.asarray(owner)) != 0])
    per_item = np.maximum.reduceat(cosine, starts, axis=0)
    return np.maximum.reduceat(per_item, starts, axis=1)


def link_quotes(story: StoryInput, entities: EntityIndex, *, models: Models) -> list[Quote]:
    """The quotes of a story, each with its renderings across articles, most rendered first."""
    holders = _story_holders(story)
    items: list[_Item] = []
    for article in story.articles:
        annotations = story.annotations.get(article.id)
        for quotation in annotations.quotations if annotations else []:
            entity, name = _speaker(article.id, quotation, article.language, entities, holders, models)
            items.append(_Item(article.id, quotation, article.language, entity, name))
    if not items:
        return []
    keys = [item.entity or (fold(item.name) if item.name else None) for item in items]
    union = _Union(len(items))
    similarity = _similarity(items, models)
    words = [_words(item.quotation.text) for item in items]
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.article == b.article or not keys[i] or keys[i] != keys[j]:
                continue
            shorter = min(len(words[i]), len(words[j]))
            shared = len(words[i] & words[j]) / max(1, shorter)
            if similarity[i, j] >= SAME_STATEMENT or (shared >= SAME_WORDS and shorter >= 3):
                union.join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[union.find(index)].append(index)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), members[0]))
    quotes = []
    for number, members in enumerate(ordered, start=1):
        entity, name = _majority([items[i] for i in members])
        renderings = [
            Rendering(
                article=items[i].article,
                text=items[i].quotation.text,
                start=items[i].quotation.start,
                end=items[i].quotation.end,
                cue=items[i].quotation.cue,
            )
            for i in members
        ]
        quotes.append(Quote(id=f"q{number}", speaker=entity, speaker_name=name, renderings=renderings))
    return quotes


def _majority(items: list[_Item]) -> tuple[str | None, str | None]:
    known = Counter((item.entity, item.name) for item in items if item.entity or item.name)
    if not known:
        return None, None
    return known.most_common(1)[0][0]
