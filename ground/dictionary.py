"""The spacecraft's command and telemetry dictionary as the ground uses it.

It comes from the flight side over the sim port (one source of truth); the ground uses it to
validate commands before uplink and to complete names in the console.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from flightsw.icd import CommandError, CommandSpec, MissionDictionary
from ground.errors import CommandRefused, UnknownName

DEFAULT_HK_PERIOD_S = 10.0
_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+")


def is_parameter_name(name: str) -> bool:
    """Whether `name` is spelt like a full parameter name, `subsystem.parameter`."""
    return _PARAMETER_NAME.fullmatch(name) is not None


def hk_period_s(raw: dict[str, Any], parameter: str) -> float:
    """How often `subsystem.parameter` is reported, from the flight dictionary's raw form."""
    subsystem = parameter.split(".", 1)[0]
    for entry in raw.get("subsystems", []):
        if entry["name"] == subsystem:
            return float(entry.get("hk_period_s") or DEFAULT_HK_PERIOD_S)
    return DEFAULT_HK_PERIOD_S


@dataclass(frozen=True, slots=True)
class Dictionary:
    """Commands, parameters and faults by their full `subsystem.name`."""

    mission: str
    apids: dict[str, int]
    commands: dict[str, CommandSpec]
    parameters: dict[str, dict[str, Any]]
    faults: dict[str, dict[str, Any]]
    raw: dict[str, Any]

    @classmethod
    def from_flight(cls, flight: MissionDictionary) -> Dictionary:
        """Index the spacecraft's dictionary (as the sim port serves it) by full names."""
        commands: dict[str, CommandSpec] = {}
        parameters: dict[str, dict[str, Any]] = {}
        faults: dict[str, dict[str, Any]] = {}
        for subsystem in flight.subsystems:
            name = subsystem.name
            for command in subsystem.commands:
                commands[f"{name}.{command.name}"] = command
            for param in subsystem.telemetry:
                parameters[f"{name}.{param.name}"] = param.to_dict()
            for fault in subsystem.faults:
                faults[f"{name}.{fault.name}"] = fault.to_dict()
        return cls(
            flight.mission, dict(flight.apids), commands, parameters, faults, flight.to_dict()
        )

    def parameter_columns(self) -> list[tuple[str, str, str, str]]:
        """`(subsystem, name, kind, unit)` of every parameter, in the dictionary's order: what
        the archive makes a column for (`Archive.declare_parameters`)."""
        columns = []
        for full_name, spec in self.parameters.items():
            subsystem, _, name = full_name.partition(".")
            columns.append((subsystem, name, str(spec.get("kind", "float")), str(spec["unit"])))
        return columns

    @property
    def names_by_apid(self) -> dict[int, str]:
        return {apid: name for name, apid in self.apids.items()}

    def command(self, full_name: str) -> tuple[str, CommandSpec]:
        """The subsystem and spec of `subsystem.command`, or UnknownName with close matches."""
        spec = self.commands.get(full_name)
        if spec is None:
            raise UnknownName(f"no command {full_name!r}{self._suggest(full_name, self.commands)}")
        return full_name.split(".", 1)[0], spec

    def validate(
        self, full_name: str, args: dict[str, Any]
    ) -> tuple[str, CommandSpec, dict[str, Any]]:
        """Check a command before uplink; raise UnknownName or CommandError with the reason."""
        subsystem, spec = self.command(full_name)
        try:
            checked = spec.validate(args)
        except CommandError as error:
            raise CommandRefused(f"{full_name}: {error.reason}") from None
        return subsystem, spec, checked

    def check_parameter(self, name: str) -> None:
        if name not in self.parameters:
            raise UnknownName(f"no parameter {name!r}{self._suggest(name, self.parameters)}")

    def check_fault(self, subsystem: str, fault: str) -> None:
        if f"{subsystem}.{fault}" not in self.faults:
            raise UnknownName(
                f"no fault {subsystem}.{fault}{self._suggest(f'{subsystem}.{fault}', self.faults)}"
            )

    @staticmethod
    def _suggest(name: str, known: dict[str, Any]) -> str:
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
        if close:
            return f"; did you mean {', '.join(close)}?"
        prefix = name.split(".", 1)[0] + "."
        same_subsystem = [k for k in known if k.startswith(prefix)]
        if same_subsystem:
            return f"; {prefix[:-1]} has {', '.join(sorted(same_subsystem))}"
        return ""
