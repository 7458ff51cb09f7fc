"""The test kit's API: what a test or a scenario does to the spacecraft, through mission control.

Verbs follow F Prime's integration-test API and COSMOS scripting: `send_command`,
`send_and_await_completion`, `tlm`, `await_telemetry`, `await_event`, `assert_event`,
`await_alarm`, `assert_no_alarms`, `check`, `wait_check`, `inject_fault`, `clear_fault`,
`advance`, history searches, and `audit` (who did what). Every budget (`within=`) is in mission seconds: on the stepped
clock a wait steps the simulation until the thing happens or the budget is spent, so an hour of
mission time costs what simulating it costs, never an hour.

Everything goes through the ground's control API, as an operator's would: telemetry is what the
ground received (after light time), commands are validated against the flight dictionary and
verified by their TM[1] reports. Only fault injection and `truth` use the sim port.
"""

from __future__ import annotations

from typing import Any

from flightsw.icd import FaultSpec
from ground.api import (
    AddBlackout,
    AuditEntry,
    ClearFault,
    DumpRecorder,
    GetAudit,
    GetFaults,
    GetStatus,
    GetTruth,
    GroundStatus,
    InjectFault,
    mission_time,
)
from ground.errors import CommandFailed, HilFailure, HilTimeout
from ground.testkit.alarm_verbs import AlarmVerbs
from ground.testkit.command_verbs import CommandVerbs
from ground.testkit.core import _args_text
from ground.testkit.event_verbs import EventVerbs
from ground.testkit.records import Command
from ground.testkit.telemetry_verbs import TelemetryVerbs

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True


class HilApi(TelemetryVerbs, EventVerbs, AlarmVerbs, CommandVerbs):
    """Drive one mission (a ground and its spacecraft) from a test."""

    def inject_fault(self, subsystem: str, fault: str, **params: Any) -> float:
        """Inject a fault from the catalogue (`faults()`); return the mission time."""
        with self._verb(f"inject_fault {subsystem}.{fault} {_args_text(params)}".rstrip()) as verb:
            reply = self._call(InjectFault(subsystem, fault, params))
            verb.detail = f"at {mission_time(reply.time_s)}"
            return reply.time_s

    def clear_fault(self, subsystem: str, fault: str) -> float:
        with self._verb(f"clear_fault {subsystem}.{fault}") as verb:
            reply = self._call(ClearFault(subsystem, fault))
            verb.detail = f"at {mission_time(reply.time_s)}"
            return reply.time_s

    def faults(self) -> dict[str, FaultSpec]:
        """The fault catalogue: `subsystem.fault` → its description and parameters."""
        return self._call(GetFaults()).faults

    def truth(self, subsystem: str) -> dict[str, Any]:
        """The simulation's true state of a subsystem (what no telemetry may show)."""
        return self._call(GetTruth(subsystem)).state

    def blackout(self, start_s: float, end_s: float) -> None:
        """No link between these mission times (both ways)."""
        with self._verb(f"blackout {mission_time(start_s)} .. {mission_time(end_s)}"):
            self._call(AddBlackout(start_s, end_s))

    def dump_recorder(self, start_s: float, end_s: float, within: float = 600.0) -> Command:
        """Play back what the onboard recorder holds in a time range; wait until it is done."""
        with self._verb(f"dump_recorder {mission_time(start_s)} .. {mission_time(end_s)}"):
            command = self._call(DumpRecorder(start_s, end_s)).command
            return self.await_command(command, "completed", within)

    def audit(self, operator: str | None = None) -> list[AuditEntry]:
        """Who asked the ground for what beyond reading, and what it refused, of this run (of
        one operator if named): each with mission time, UTC, role and outcome."""
        return self._call(GetAudit(operator=operator)).audit

    def ground_status(self) -> GroundStatus:
        """The ground's status: link, ingest counters, playback, alarm counts."""
        return self._call(GetStatus()).status


__all__ = ["CommandFailed", "HilApi", "HilFailure", "HilTimeout"]
