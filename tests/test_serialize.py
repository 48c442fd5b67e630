"""Records to JSON-able values and back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoupe.errors import InputProblem
from recoupe.records import (
    Annotations,
    Article,
    Brief,
    Claim,
    CopyGroups,
    Entity,
    Evidence,
    InputError,
    Mention,
    Quotation,
    Quote,
    Rendering,
    Sentence,
    StoryBrief,
    SummarySentence,
    TimeExpression,
    TimelineEvent,
)
from recoupe.serialize import from_jsonable, to_jsonable

EV = Evidence(article="a1", start=0, end=5, text="Paris")

SAMPLES: list[Any] = [
    Article(id="a1", input="x.txt", original="o", clean_text="Paris", language="fr", content_hash="h",
            credits=["AFP"], extra={"n": [1, {"k": None}]}),
    Annotations(
        article_id="a1",
        sentences=[Sentence(0, 5, "Paris")],
        mentions=[Mention(0, 5, "Paris", "place", title=None)],
        quotations=[Quotation(0, 5, "Paris", speaker="M. X", speaker_start=1, speaker_end=2)],
        times=[TimeExpression(0, 5, "Paris", "2024-05", rule=None)],
    ),
    CopyGroups(duplicate_of={"a2": "a1"}, dispatch={"a1": "a1", "a2": "a1"}),
    Brief(
        generated_at="2024-05-01T00:00:00Z",
        articles=[],
        stories=[
            StoryBrief(
                id="s1", title="T", language="fr", articles=["a1"],
                summary=[SummarySentence("Paris", [EV])],
                entities=[Entity("e1", "Paris", "place", ["Paris"], ["a1"], 1)],
                quotes=[Quote("q1", None, None, [Rendering("a1", "Paris", 0, 5)])],
                claims=[Claim("c1", "Paris", [EV], 1, "single_source")],
                timeline=[TimelineEvent("2024-05", "Paris", [EV])],
            )
        ],
        errors=[InputError("bad.bin", "binary", line=None)],
    ),
]


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_records_round_trip_through_json(record: Any) -> None:
    data = json.loads(json.dumps(to_jsonable(record)))
    assert from_jsonable(type(record), data) == record


def test_dataclass_becomes_dict_of_all_fields_in_order() -> None:
    assert to_jsonable(EV) == {"article": "a1", "start": 0, "end": 5, "text": "Paris"}
    assert list(to_jsonable(SAMPLES[0])) == [
        "id", "input", "original", "clean_text", "language", "content_hash", "format", "title", "url",
        "outlet", "credits", "published", "removed", "extra", "duplicate_of", "story",
    ]


def test_missing_fields_take_defaults_and_unknown_keys_are_ignored() -> None:
    data = {"id": "s", "title": "t", "language": "fr", "articles": [], "added_later": 1}
    assert from_jsonable(StoryBrief, data) == StoryBrief(id="s", title="t", language="fr", articles=[])


@pytest.mark.parametrize(
    ("cls", "data", "where"),
    [
        (Evidence, {"article": "a", "start": "0", "end": 1, "text": "x"}, "start"),
        (Evidence, {"article": "a", "start": True, "end": 1, "text": "x"}, "start"),
        (Evidence, {"article": "a", "end": 1, "text": "x"}, "required"),
        (Mention, {"start": 0, "end": 1, "text": "x", "type": "animal"}, "type"),
        (StoryBrief, {"id": "s", "title": "t", "language": "fr", "articles": [3]}, "articles.0"),
        (Claim, {"id": "c", "text": "t", "evidence": [{"article": "a"}], "independent_sources": 1,
                 "status": "disputed"}, "evidence.0"),
        (Annotations, [], "object"),
    ],
)
def test_data_that_does_not_fit_says_where(cls: type, data: Any, where: str) -> None:
    with pytest.raises(InputProblem, match=where):
        from_jsonable(cls, data)


@dataclass
class Generic:
    pair: tuple[int, str]
    many: tuple[float, ...] = ()
    table: dict[str, list[int]] = field(default_factory=dict)
    either: int | str | None = None
    anything: Any = None


def test_generic_hints_are_followed() -> None:
    value = Generic(pair=(1, "a"), many=(1.0, 2.5), table={"k": [1]}, either="x", anything={"z": [1]})
    assert from_jsonable(Generic, json.loads(json.dumps(to_jsonable(value)))) == value
    assert from_jsonable(Generic, {"pair": [1, "a"], "many": [1, 2]}).many == (1.0, 2.0)


def test_unsupported_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="set"):
        to_jsonable({"x": {1, 2}})


@given(
    st.builds(
        Quotation,
        start=st.integers(0, 10**6), end=st.integers(0, 10**6), text=st.text(),
        cue=st.none() | st.text(), cue_start=st.none() | st.integers(0, 99),
        speaker=st.none() | st.text(), speaker_role=st.none() | st.text(),
    )
)
def test_any_quotation_round_trips(quotation: Quotation) -> None:
    assert from_jsonable(Quotation, json.loads(json.dumps(to_jsonable(quotation)))) == quotation
