"""docs/icd.md lists every field of every message with the type and range the code declares.

The rows are written from the types themselves (`flightsw.icd.codec.words`); when a type
changes, this test prints the rows the document should hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi

from flightsw.icd import simport
from flightsw.icd.messages import Message, messages
from flightsw.icd.packet import PacketType
from flightsw.icd.refusals import words
from flightsw.icd.storage_schedule import ScheduledActivity
from flightsw.icd.truth import Truth

ICD = Path(__file__).resolve().parents[3] / "docs" / "icd.md"


def default(field: mi.Field) -> str:
    """`required`, or the default as msgpack would say it (nil, true, 0, "", [], {})."""
    if field.required:
        return "required"
    value = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
    if value is None or isinstance(value, bool):
        return {None: "nil", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return f"{value:g}"
    return "[]" if value == [] else repr(value).replace("'", '"')


def rows(name: str, cls: Any, skip: tuple[str, ...] = ()) -> list[str]:
    info = mi.type_info(cls)
    return [
        f"| {name} | `{f.encode_name}` | {words(f.type)} | {default(f)} |"
        for f in info.fields
        if f.encode_name not in skip
    ]


def body_rows() -> list[str]:
    found: list[str] = []
    seen: set[type[Message]] = set()
    for direction, service, subtype, cls in messages():
        if cls in seen:
            continue
        seen.add(cls)
        kind = "TC" if direction is PacketType.TC else "TM"
        where = f"{kind}[{service},x]" if cls.SUBTYPE_FIELD else f"{kind}[{service},{subtype}]"
        found += rows(f"{where} {cls.__name__}", cls, skip=(cls.SUBTYPE_FIELD or "",))
    found += rows("(in ScheduleReport) ScheduledActivity", ScheduledActivity)
    return found


def sim_rows() -> list[str]:
    found: list[str] = []
    for request in simport.REQUESTS:
        found += rows(f"`{request.__struct_config__.tag}` request", request)
    for reply in (*simport.REPLIES, simport.Refused):
        found += rows(reply.__name__, reply, skip=("ok",))
    return found


def missing(expected: list[str]) -> list[str]:
    text = ICD.read_text()
    return [row for row in expected if row not in text]


def test_every_body_field_is_documented_with_its_declared_type() -> None:
    absent = missing(body_rows())
    assert not absent, "docs/icd.md lacks these rows:\n" + "\n".join(absent)


def test_the_truth_feed_and_every_sim_port_message_are_documented() -> None:
    absent = missing(rows("Truth", Truth) + sim_rows())
    assert not absent, "docs/icd.md lacks these rows:\n" + "\n".join(absent)
