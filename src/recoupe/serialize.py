"""Records to JSON-able values and back, driven by the dataclasses' type hints.

One generic mapping serves the store (annotations and briefs kept as JSON) and
the renderers (the brief contract), so a field added to a record in
:mod:`recoupe.records` needs no change here. Converters are built once per type
and cached: rebuilding thousands of annotations must stay cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InputProblem

T = TypeVar("T")

_SCALARS = (str, int, float, bool, type(None))


def to_jsonable(obj: Any) -> Any:
    """A value made only of dicts, lists, strings, numbers, booleans and None.

    Dataclasses become dicts with every field (in declaration order), tuples
    become lists; dict keys are kept (they are strings in every record).
    """
    if isinstance(obj, _SCALARS):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_jsonable(getattr(obj, name)) for name in _field_names(type(obj))}
    if isinstance(obj, list | tuple):
        return [to_jsonable(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_jsonable(value) for key, value in obj.items()}
    raise TypeError(f"cannot turn a {type(obj).__name__} into JSON: {obj!r:.80}")


def from_jsonable(cls: type[T], data: Any) -> T:
    """Rebuild a ``cls`` (a record dataclass, or any hinted type) from JSON data.

    Missing fields take their defaults; unknown keys are ignored so that data
    written by a newer recoupe still loads. Data that does not fit raises
    :class:`InputProblem` saying which field is wrong.
    """
    try:
        return typing.cast(T, _converter(typing.cast(Any, cls))(data))
    except _Mismatch as exc:
        raise InputProblem(f"cannot read a {_type_name(cls)}: {exc}") from exc


class _Mismatch(Exception):
    def __init__(self, path: str, expected: str, got: Any) -> None:
        super().__init__(f"{path or 'value'}: expected {expected}, got {got!r:.60}")
        self.path = path
        self.expected = expected
        self.got = got

    def under(self, key: str) -> _Mismatch:
        return _Mismatch(f"{key}.{self.path}" if self.path else key, self.expected, self.got)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp)


@functools.cache
def _converter(tp: Any) -> Callable[[Any], Any]:
    if tp is Any:
        return _identity
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_converter(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        return _union_converter(args)
    if origin is typing.Literal:
        return _literal_converter(args)
    if origin is list or tp is list:
        return _sequence_converter(list, args[0] if args else Any)
    if origin is tuple or tp is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence_converter(tuple, args[0])
        return _sequence_converter(tuple, Any) if not args else _fixed_tuple_converter(args)
    if origin is dict or tp is dict:
        return _dict_converter(args[1] if args else Any)
    if tp in _SCALARS:
        return _scalar_converter(tp)
    raise TypeError(f"from_jsonable does not handle the type {tp!r}")


def _identity(value: Any) -> Any:
    return value


def _dataclass_converter(cls: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, f.init) for f in dataclasses.fields(cls)]
    # Converters are looked up lazily: records may refer to themselves or to
    # each other, and building them eagerly would recurse forever.
    names = [name for name, init in fields if init]

    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Mismatch("", f"an object for {cls.__name__}", value)
        kwargs = {}
        for name in names:
            if name in value:
                try:
                    kwargs[name] = _converter(hints[name])(value[name])
                except _Mismatch as exc:
                    raise exc.under(name) from None
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise _Mismatch("", f"all required fields of {cls.__name__}", sorted(value)) from exc

    return convert


def _union_converter(args: tuple[Any, ...]) -> Callable[[Any], Any]:
    options = [a for a in args if a is not type(None)]
    nullable = len(options) < len(args)
    expected = " or ".join(_type_name(a) for a in args)

    def convert(value: Any) -> Any:
        if value is None and nullable:
            return None
        for option in options:
            try:
                return _converter(option)(value)
            except _Mismatch:
                continue
        raise _Mismatch("", expected, value)

    return convert


def _literal_converter(args: tuple[Any, ...]) -> Callable[[Any], Any]:
    allowed = frozenset(args)

    def convert(value: Any) -> Any:
        if value not in allowed:
            raise _Mismatch("", f"one of {sorted(map(str, allowed))}", value)
        return value

    return convert


def _sequence_converter(kind: type, item: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _Mismatch("", "a list", value)
        item_converter = _converter(item)
        out = []
        for index, element in enumerate(value):
            try:
                out.append(item_converter(element))
            except _Mismatch as exc:
                raise exc.under(str(index)) from None
        return kind(out)

    return convert


def _fixed_tuple_converter(args: tuple[Any, ...]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, list | tuple) or len(value) != len(args):
            raise _Mismatch("", f"a list of {len(args)} items", value)
        return tuple(_converter(a)(v) for a, v in zip(args, value, strict=True))

    return convert


def _dict_converter(item: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Mismatch("", "an object", value)
        item_converter = _converter(item)
        out = {}
        for key, element in value.items():
            try:
                out[key] = item_converter(element)
            except _Mismatch as exc:
                raise exc.under(str(key)) from None
        return out

    return convert


def _scalar_converter(tp: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        # bool is an int in Python but never a valid count or offset in a record.
        if isinstance(value, tp) and not (tp is not bool and isinstance(value, bool)):
            return value
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        raise _Mismatch("", tp.__name__, value)

    return convert
