"""Refusals in words: msgspec's complaint about a message turned into what an operator reads.

`refusal` says which message, which field and what was expected, from the same declarations
the decoder checked (`Housekeeping: params — expected a map of parameter name to ..., got a
list`), quoting the offending value where it can; `words(type)` gives the expectation alone, as
docs/icd.md's field tables print it. The decoder's own wording never reaches a reader.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi

from flightsw.errors import MessageError
from flightsw.icd.fields import FLOAT_MAX

QUOTE_CHARS = 40  # of an offending string or key quoted in a refusal

_AT = re.compile(
    r"^(?P<what>.*?)(?: - at `key` in `\$(?P<keys>[^`]*)`| - at `\$(?P<path>[^`]*)`)?$", re.S
)
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\.\.\.\]")
_GOT = {
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "bool": "true/false",
    "bytes": "binary data",
    "array": "a list",
    "object": "a map",
    "null": "nil",
    "None": "nil",
    "ext": "a msgpack extension",
}


def refusal(
    what: str, type_: Any, error: msgspec.MsgspecError, data: bytes | None = None, value: Any = None
) -> MessageError:
    """Turn msgspec's complaint into a MessageError: `<what>: <field> — <what was expected>`.

    `data` (the octets) or `value` (converted plain data) is read again only here, on the
    refusal path, to quote the offending value and to find the member of a tagged union.
    """
    if not isinstance(error, msgspec.ValidationError):  # (a ValidationError is a DecodeError)
        return MessageError("not_msgpack", f"{what}: not msgpack ({error})")
    match = _AT.match(str(error))
    assert match is not None  # the pattern matches any text
    text, keys = match["what"], match["keys"] is not None
    steps = _steps(match["keys"] if keys else match["path"] or "")
    if data is not None:
        value = _raw(data)
    root = _type_info(type_)
    member = _member(_unwrap(root), value) if isinstance(_unwrap(root), mi.UnionType) else None
    if member is not None:  # a tagged union: say which kind (`step request: seconds — ...`)
        what = f"{member.tag} {what}"
    if text.startswith("Object missing required field"):
        steps.append(text.split("`")[1])
        declared = _declared(root, value, steps)
        expected = "" if declared is None else f"; expected {words(declared)}"
        if _is_tag(root, steps):
            expected = f"; {steps[0]}s: {', '.join(_tags(root))}"
        return MessageError("missing_field", f"{what}: {_field_name(steps)} — missing{expected}")
    if not text.startswith(("Expected", "Invalid")):  # a check of the message's own, in words
        return MessageError("bad_value", f"{what}: {text}")
    got = _got(text)
    if not steps:  # the body itself is not a map
        return MessageError("wrong_type", f"{what}: the body is {got}, expected a map")
    if _is_tag(root, steps):
        known = ", ".join(_tags(root))
        tag = _at(value, steps)
        # Quote a name; only say the kind of anything else (a map's repr is not the user's words).
        shown = repr(_clip(tag)) if isinstance(tag, str) else (got or "of another kind")
        return MessageError("unknown_kind", f"unknown {steps[0]} {shown}; {steps[0]}s: {known}")
    declared = _declared(root, value, steps, keys)
    expected = "something else" if declared is None else words(declared)
    field = _field_name(steps)
    if keys:
        field = f"a key of {field}"
    elif steps[-1] == "..." and got is not None:  # msgspec names no key: find the first culprit
        key = _first_key(_at(value, steps[:-1]), got)
        field += "" if key is None else f"[{_clip(key)!r}]"
    if got is not None:
        return MessageError("wrong_type", f"{what}: {field} — expected {expected}, got {got}")
    offending = None if keys else _quote(_at(value, steps))
    tail = "" if offending is None else f", got {offending}"
    return MessageError("out_of_range", f"{what}: {field} — expected {expected}{tail}")


def _got(text: str) -> str | None:
    found = re.search(r", got `([^`]*)`$", text)
    if found is None:
        return None
    return _GOT.get(found[1], found[1])


def _steps(path: str) -> list[str]:
    steps: list[str] = []
    for field, index in _STEP.findall(path):
        steps.append(field or index or "...")
    return steps


def _field_name(steps: list[str]) -> str:
    text = ""
    for step in steps:
        if step == "...":
            continue
        text += f"[{step}]" if step.isdigit() else (f".{step}" if text else step)
    return text


def _raw(data: bytes) -> Any:
    try:
        return msgspec.msgpack.decode(data)
    except (msgspec.MsgspecError, ValueError, TypeError):  # not msgpack, unhashable keys...
        return None


def _at(value: Any, steps: list[str]) -> Any:
    for step in steps:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _first_key(mapping: Any, got: str) -> str | None:
    """The key of the first value that is what msgspec says it got (it names no key)."""
    if not isinstance(mapping, dict):
        return None
    for key, item in mapping.items():
        if _kind(item) == got:
            return str(key)
    return None


def _kind(value: Any) -> str:
    for types, word in (
        (bool, "true/false"),
        (int, "a whole number"),
        (float, "a number"),
        (str, "a string"),
        (bytes, "binary data"),
        (list, "a list"),
        (dict, "a map"),
        (type(None), "nil"),
    ):
        if isinstance(value, types):
            return word
    return "a msgpack extension"


def _quote(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return repr(_clip(value))
    if isinstance(value, bytes):
        return f"{len(value)} octets"
    if isinstance(value, list | dict):
        return f"{_kind(value)} of {len(value)}"
    return repr(value)


def _clip(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _unwrap(info: Any) -> Any:
    while isinstance(info, mi.Metadata):
        info = info.type
    return info


def _declared(root: Any, value: Any, steps: list[str], keys: bool = False) -> Any:
    """The declared type at `steps` from the top (a map's key type with `keys`)."""
    info = root
    for i, step in enumerate(steps):
        info = _unwrap(info)
        if isinstance(info, mi.UnionType):  # a tagged union: the member the tag names
            info = _member(info, _at(value, steps[:i]))
            if info is None:
                return None
        if isinstance(info, mi.StructType):
            info = next((f.type for f in info.fields if f.encode_name == step), None)
        elif isinstance(info, mi.DictType):
            info = info.value_type
        elif isinstance(info, mi.ListType | mi.VarTupleType):
            info = info.item_type
        else:
            return None
        if info is None:
            return None
    if keys:
        inner = _unwrap(info)
        return inner.key_type if isinstance(inner, mi.DictType) else None
    return info


def _member(union: mi.UnionType, value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    for member in map(_unwrap, union.types):
        tagged = isinstance(member, mi.StructType) and member.tag_field is not None
        if tagged and value.get(member.tag_field) == member.tag:
            return member
    return None


def _is_tag(root: Any, steps: list[str]) -> bool:
    info = _unwrap(root)
    members = info.types if isinstance(info, mi.UnionType) else (info,)
    return len(steps) == 1 and any(
        isinstance(_unwrap(m), mi.StructType) and _unwrap(m).tag_field == steps[0] for m in members
    )


@functools.lru_cache(maxsize=256)
def _type_info(type_: Any) -> mi.Type:
    """msgspec's account of a declared type, made once per type: it takes milliseconds (every
    annotation evaluated again), and a flood of refusals would pay it for every one."""
    return mi.type_info(type_)


def _tags(root: Any) -> list[str]:
    info = _unwrap(root)
    members = info.types if isinstance(info, mi.UnionType) else (info,)
    return [str(_unwrap(m).tag) for m in members if isinstance(_unwrap(m), mi.StructType)]


def words(info: Any) -> str:
    """What a value of a declared type must be, in words (a type or its `msgspec.inspect` form).

    A type annotated with `Meta(extra={"words": ...})` says it in its own words.
    """
    if not isinstance(info, mi.Type):
        info = _type_info(info)
    if isinstance(info, mi.Metadata):
        if info.extra and "words" in info.extra:
            return str(info.extra["words"])
        return words(info.type)
    for kind, say in _DESCRIBE.items():
        if isinstance(info, kind):
            return say(info)
    return type(info).__name__


def _list_words(t: Any) -> str:
    bound = "" if t.max_length is None else f" (at most {t.max_length})"
    return f"a list{bound} of: {words(t.item_type)}"


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _bounds(t: Any) -> str:
    low = t.ge if t.ge is not None and t.ge != -FLOAT_MAX else None
    high = t.le if t.le is not None and t.le != FLOAT_MAX else None
    if low is not None and high is not None and t.gt is None and t.lt is None:
        return f" from {low:g} to {high:g}"
    text = ""
    for bound, sign in ((low, ">="), (t.gt, ">"), (high, "<="), (t.lt, "<")):
        if bound is not None:
            text += f"{' and' if text else ''} {sign} {bound:g}"
    return text


def _float_words(t: mi.FloatType) -> str:
    finite = (t.ge is not None or t.gt is not None) and (t.le is not None or t.lt is not None)
    return ("a finite number" if finite else "a number") + _bounds(t)


def _length(t: Any, unit: str) -> str:
    low, high = t.min_length, t.max_length
    if low and high is not None:
        return f" of {low} to {high} {unit}"
    if high is not None:
        return f" of at most {high} {unit}"
    if low:
        return f" of at least {low} {unit}"
    return ""


_DESCRIBE: dict[type, Callable[[Any], str]] = {
    mi.BoolType: lambda _: "true/false",
    mi.NoneType: lambda _: "nil",
    mi.AnyType: lambda _: "any msgpack value",
    mi.IntType: lambda t: "a whole number" + _bounds(t),
    mi.FloatType: _float_words,
    mi.StrType: lambda t: "a string" + _length(t, "characters"),
    mi.BytesType: lambda t: "binary data" + _length(t, "octets"),
    mi.LiteralType: lambda t: "one of " + ", ".join(repr(v) for v in t.values),
    mi.DictType: lambda t: f"a map (keys: {words(t.key_type)}; values: {words(t.value_type)})",
    mi.ListType: _list_words,
    mi.VarTupleType: _list_words,
    mi.StructType: lambda t: "a map with " + ", ".join(f.encode_name for f in t.fields),
    mi.UnionType: lambda t: _or([words(m) for m in t.types]),
}
