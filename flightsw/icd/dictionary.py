"""The command, fault and telemetry dictionary: one source of truth shared with the ground.

The specs are frozen msgspec structs, so the dictionary crosses the sim port as typed values
(`MissionDictionary`) and is checked as it is decoded. `to_dict` gives the plain form the
ground archives and serves, in the order it always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from flightsw.errors import CommandError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.fields import NAME_CHARS, Apid, Name, SubsystemName, Text
from flightsw.icd.fields import Scalar as Scalar  # what a telemetry value is, with the link types
from flightsw.icd.refusals import refusal

ArgKind = Literal["float", "int", "bool", "str", "enum", "bytes", "map"]
ParamKind = Literal["float", "int", "bool", "str"]
"""The type of a telemetry parameter's value, one of the four kinds of `Scalar`."""
Unit = Annotated[
    str, Meta(max_length=NAME_CHARS, extra={"words": "a unit of at most 64 characters"})
]
Bound = int | float | None  # an int stays an int: the archived dictionary keeps what was sent
Period = Annotated[float, Meta(gt=0.0, le=86_400.0, extra={"words": "a number of seconds > 0"})]


class ArgSpec(Struct, frozen=True):
    """One argument of a command or a fault: its type, unit and allowed values."""

    name: Name
    kind: ArgKind = "float"
    unit: Unit = ""
    minimum: Bound = None
    maximum: Bound = None
    choices: tuple[Name, ...] = ()
    default: Any = None
    description: Text = ""

    def validate(self, value: Any) -> Any:
        """Return `value` converted to this argument's type, or raise CommandError(BAD_ARGUMENT)."""
        if self.kind == "bytes":
            if not isinstance(value, bytes | bytearray):
                raise self._refuse(value, "expected bytes")
            if self.maximum is not None and len(value) > self.maximum:
                raise self._refuse(f"<{len(value)} octets>", f"longer than {self.maximum:g} octets")
            return bytes(value)
        if self.kind == "map":
            if not isinstance(value, dict):
                raise self._refuse(value, "expected a map of name to value")
            return dict(value)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise self._refuse(value, "expected true or false")
            return value
        if self.kind in ("str", "enum"):
            if not isinstance(value, str):
                raise self._refuse(value, "expected a string")
            if self.kind == "enum" and value not in self.choices:
                raise self._refuse(value, f"expected one of {', '.join(self.choices)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._refuse(value, f"expected a number ({self.kind})")
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise self._refuse(value, "expected a whole number")
            value = int(value)
        else:
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise self._refuse(value, "expected a finite number")
        if self.minimum is not None and value < self.minimum:
            raise self._refuse(value, f"below the minimum {self.minimum:g}{self.unit_suffix}")
        if self.maximum is not None and value > self.maximum:
            raise self._refuse(value, f"above the maximum {self.maximum:g}{self.unit_suffix}")
        return value

    @property
    def unit_suffix(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def describe(self) -> str:
        """A one-line signature such as `set_point_c: float [-40, 60] degC`."""
        text = f"{self.name}: {self.kind}"
        if self.kind == "enum":
            text += " {" + "|".join(self.choices) + "}"
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            text += f" [{low}, {high}]"
        if self.unit:
            text += f" {self.unit}"
        if self.default is not None:
            text += f" = {self.default!r}"
        return text

    def _refuse(self, value: Any, why: str) -> CommandError:
        return CommandError(ErrorCode.BAD_ARGUMENT, f"argument {self.name}={value!r}: {why}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "choices": list(self.choices),
            "default": self.default,
            "description": self.description,
        }


def validate_args(specs: tuple[ArgSpec, ...], args: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Check `args` against `specs`: no unknown names, nothing missing, every value in range."""
    if not isinstance(args, Mapping):
        raise CommandError(
            ErrorCode.BAD_ARGUMENT, f"{what}: arguments must be a map of name to value"
        )
    known = {spec.name for spec in specs}
    unknown = sorted(set(args) - known)
    if unknown:
        expected = ", ".join(sorted(known)) or "none"
        raise CommandError(
            ErrorCode.BAD_ARGUMENT,
            f"{what}: unknown argument {', '.join(map(str, unknown))} (expected: {expected})",
        )
    checked: dict[str, Any] = {}
    for spec in specs:
        if spec.name in args:
            checked[spec.name] = spec.validate(args[spec.name])
        elif spec.default is not None:
            checked[spec.name] = spec.default
        else:
            raise CommandError(
                ErrorCode.BAD_ARGUMENT, f"{what}: missing argument {spec.describe()}"
            )
    return checked


class CommandSpec(Struct, frozen=True):
    """A command a subsystem accepts through TC[8,1]."""

    name: Name
    description: Text
    args: tuple[ArgSpec, ...] = ()
    hazardous: bool = False

    def validate(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return validate_args(self.args, args, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "args": [arg.to_dict() for arg in self.args],
            "hazardous": self.hazardous,
        }


class FaultSpec(Struct, frozen=True):
    """A fault a subsystem can have injected through the sim port."""

    name: Name
    description: Text
    params: tuple[ArgSpec, ...] = ()

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return validate_args(self.params, params, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "params": [arg.to_dict() for arg in self.params],
        }


class ParamSpec(Struct, frozen=True):
    """A housekeeping parameter: its name inside the subsystem, unit and meaning."""

    name: Name
    unit: Unit
    description: Text
    kind: ParamKind = "float"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "description": self.description,
            "kind": self.kind,
        }


class SubsystemDictionary(Struct, frozen=True):
    """Everything the ground needs to know about one subsystem."""

    name: SubsystemName
    apid: Apid
    commands: tuple[CommandSpec, ...]
    faults: tuple[FaultSpec, ...]
    telemetry: tuple[ParamSpec, ...]
    hk_period_s: Period = 10.0
    tick_period_s: Period = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "apid": self.apid,
            "hk_period_s": self.hk_period_s,
            "tick_period_s": self.tick_period_s,
            "commands": [c.to_dict() for c in self.commands],
            "faults": [f.to_dict() for f in self.faults],
            "telemetry": [p.to_dict() for p in self.telemetry],
        }


class MissionDictionary(Struct, frozen=True):
    """The whole dictionary of one spacecraft, as the sim port's `dictionary` op serves it."""

    mission: Text
    description: Text
    epoch_unix_s: int | float
    tick_s: Period
    apids: dict[SubsystemName, Apid]
    subsystems: tuple[SubsystemDictionary, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mission": self.mission,
            "description": self.description,
            "epoch_unix_s": self.epoch_unix_s,
            "tick_s": self.tick_s,
            "apids": dict(self.apids),
            "subsystems": [s.to_dict() for s in self.subsystems],
        }


def dictionary_from_json(text: str | bytes) -> MissionDictionary:
    """A dictionary as the ground archives it (`to_dict` as JSON), checked; else MessageError."""
    try:
        return msgspec.json.decode(text, type=MissionDictionary)
    except msgspec.DecodeError as error:  # a ValidationError is one too
        raise refusal("dictionary", MissionDictionary, error) from None


def with_choices(
    specs: tuple[CommandSpec, ...] | tuple[FaultSpec, ...], arg: str, choices: tuple[str, ...]
) -> Any:
    """`specs` with every argument named `arg` turned into an enumeration of `choices`.

    Models whose names come from their config (heaters, instruments, sensors) declare such an
    argument as a string and narrow it per instance, so the ground can validate and complete it.
    """
    narrowed: list[CommandSpec | FaultSpec] = []
    for spec in specs:
        args = spec.args if isinstance(spec, CommandSpec) else spec.params
        new_args = tuple(
            ArgSpec(
                a.name,
                "enum",
                a.unit,
                choices=choices,
                default=a.default,
                description=a.description,
            )
            if a.name == arg
            else a
            for a in args
        )
        if isinstance(spec, CommandSpec):
            narrowed.append(CommandSpec(spec.name, spec.description, new_args, spec.hazardous))
        else:
            narrowed.append(FaultSpec(spec.name, spec.description, new_args))
    return tuple(narrowed)
