"""The clusterer's nodes and members as JSON-able values, and back."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import numpy as np

from .vectors import Node


@dataclass(slots=True)
class Member:
    """An article kept one by one while its story may still be regrouped.

    ``sims`` caches its similarities to the articles it was compared with; its
    density is the mean of the highest of them.
    """

    node: Node
    blocks: list[str]
    story: str
    seq: int
    sims: dict[str, float]


def node_state(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "size": node.size,
        "first": node.first,
        "last": node.last,
        "touched": node.touched,
        "terms": node.terms,
        "entities": node.entities,
        "numbers": node.numbers,
        "counts": node.counts,
        "vector": _encode_vector(node.vector),
        "members": node.members,
        "core": None if node.core is None else node_state(node.core),
        "density": node.density,
    }


def node_from_state(item: dict[str, Any]) -> Node:
    return Node(
        id=item["id"],
        size=item["size"],
        first=item["first"],
        last=item["last"],
        touched=item["touched"],
        terms={lang: dict(terms) for lang, terms in item["terms"].items()},
        entities=dict(item["entities"]),
        numbers=dict(item["numbers"]),
        counts=dict(item["counts"]),
        vector=_decode_vector(item["vector"]),
        members=list(item["members"]),
        core=None if item["core"] is None else node_from_state(item["core"]),
        density=float(item["density"]),
    )


def member_state(member: Member) -> dict[str, Any]:
    return {
        "node": node_state(member.node),
        "blocks": member.blocks,
        "story": member.story,
        "seq": member.seq,
        "sims": member.sims,
    }


def member_from_state(item: dict[str, Any]) -> Member:
    return Member(
        node=node_from_state(item["node"]),
        blocks=list(item["blocks"]),
        story=item["story"],
        seq=int(item["seq"]),
        sims=dict(item["sims"]),
    )


def _encode_vector(vector: np.ndarray | None) -> str | None:
    if vector is None:
        return None
    return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")


def _decode_vector(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float32)
