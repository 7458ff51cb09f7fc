"""Every numeric argument of every control-API and sim-port request refuses NaN, ±inf and
values out of its range, saying which field; read off the request types, so none is missed."""

from __future__ import annotations

import math
from typing import Any

import msgpack
import msgspec.inspect as mi
import pytest

from flightsw.errors import MessageError
from flightsw.icd import simport
from ground.api import REQUEST_TYPES, decode_request
from ground.errors import ControlError

VALID: dict[str, Any] = {
    "name": "power.battery_soc", "what": "frames", "path": "out.csv", "run_name": "next",
    "subsystem": "power", "fault": "short", "phase": "stop",
}  # fmt: skip
"""A good value for each required non-numeric field, so a refusal can only be the number's."""


def numeric(info: mi.Type) -> mi.FloatType | mi.IntType | None:
    """The number type of a field (through `| None`), or None if it takes no number."""
    if isinstance(info, mi.Metadata):
        return numeric(info.type)
    if isinstance(info, mi.UnionType):
        found = [numeric(member) for member in info.types]
        return next((kind for kind in found if kind is not None), None)
    return info if isinstance(info, mi.FloatType | mi.IntType) else None


def bad_values(kind: mi.FloatType | mi.IntType) -> list[float]:
    """NaN and ±inf (for a float), and the first values past each bound."""
    bad: list[float] = [math.nan, math.inf, -math.inf] if isinstance(kind, mi.FloatType) else []
    step = 1 if isinstance(kind, mi.IntType) else 1e-3
    if kind.ge is not None:
        bad.append(kind.ge - step)
    if kind.gt is not None:
        bad.append(kind.gt)
    if kind.le is not None:
        bad.append(kind.le * 1.5 + step if kind.le > 0 else kind.le + step)
    if kind.lt is not None:
        bad.append(kind.lt)
    return bad


def cases(types: tuple[type, ...]) -> list[tuple[str, str, float, dict[str, Any]]]:
    """(op, field, bad value, the request's other required fields) for every numeric field."""
    found = []
    for request in types:
        info = mi.type_info(request)
        assert isinstance(info, mi.StructType)
        op = str(info.tag)
        required = {f.name: VALID.get(f.name, 1) for f in info.fields if f.required}
        for field in info.fields:
            kind = numeric(field.type)
            if kind is None:
                continue
            found += [(op, field.name, value, required) for value in bad_values(kind)]
    return found


CONTROL = cases(REQUEST_TYPES)
SIM = cases(simport.REQUESTS)


def test_every_request_with_numbers_is_covered() -> None:
    assert {op for op, *_ in CONTROL} >= {"step", "set_rate", "shelve", "dump", "blackout", "cmd",
                                          "events", "history", "command", "schedule_delete"}  # fmt: skip
    assert {op for op, *_ in SIM} == {"step", "sync", "set_rate", "reset"}


@pytest.mark.parametrize(("op", "field", "value", "required"), CONTROL)
def test_a_control_request_refuses_a_bad_number_naming_the_field(
    op: str, field: str, value: float, required: dict[str, Any]
) -> None:
    with pytest.raises(ControlError) as caught:
        decode_request(msgpack.packb({"op": op, **required, field: value}))
    assert caught.value.reason == "bad_value"
    assert f"`{field}`" in str(caught.value)


@pytest.mark.parametrize(("op", "field", "value", "required"), SIM)
def test_a_sim_port_request_refuses_a_bad_number_naming_the_field(
    op: str, field: str, value: float, required: dict[str, Any]
) -> None:
    with pytest.raises(MessageError) as caught:
        simport.decode_request(msgpack.packb({"op": op, **required, field: value}))
    assert caught.value.reason in ("out_of_range", "wrong_type")
    assert f"{op} request: {field} — expected" in caught.value.detail
