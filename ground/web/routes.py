"""Which HTTP route carries which control request: the one table of the API's plain routes.

A route's path names some of its request's fields (`/api/commands/{id}` fills `GetCommand.id`);
the others come from the query string of a GET and from the JSON body of a POST or DELETE. The
request type declares every field, its type and its range once (`ground.api.requests`), and the
web checks what it was given against it before the ground sees anything. Routes that do more than
forward one request (a subsystem's summary, a decimated history) are in `ground.web.app`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from ground.api import (
    Acknowledge,
    AddBlackout,
    ClearFault,
    Crash,
    DeleteScheduled,
    DumpRecorder,
    Export,
    GetAlarmLog,
    GetAlarms,
    GetAudit,
    GetCommand,
    GetDictionary,
    GetEvents,
    GetFaults,
    GetReports,
    GetRules,
    GetStatus,
    GetTelemetry,
    GetTimeline,
    GetTruth,
    InjectFault,
    ListCommands,
    Pause,
    Request,
    RequestSchedule,
    RequestStoreStatus,
    Reset,
    Resume,
    SendCommand,
    SendPing,
    SetQueue,
    SetRate,
    Shelve,
    Shutdown,
    Step,
    Unshelve,
)

Method = Literal["GET", "POST", "DELETE"]


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP route and the control request it makes."""

    method: Method
    path: str
    request: type[Request[Any]]
    tag: str  # the group the API documentation shows it in
    summary: str
    example: dict[str, Any] | None = None  # a body (or query) worth showing in the docs

    @property
    def path_fields(self) -> tuple[str, ...]:
        return path_fields(self.path)


def path_fields(path: str) -> tuple[str, ...]:
    """The fields a route's path names: `("subsystem", "fault")` for
    `/api/faults/{subsystem}/{fault}/inject`."""
    return tuple(re.findall(r"{(\w+)}", path))


ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/status", GetStatus, "clock", "Mission time, the link, ingest and alarm counts"),
    Route("POST", "/api/clock/step", Step, "clock", "Let mission time pass on a stepped clock",
          {"seconds": 60.0}),
    Route("POST", "/api/clock/pause", Pause, "clock", "Pause a realtime clock"),
    Route("POST", "/api/clock/resume", Resume, "clock", "Resume a paused realtime clock"),
    Route("POST", "/api/clock/rate", SetRate, "clock", "Set a realtime clock's rate",
          {"rate": 10.0}),
    Route("GET", "/api/dictionary", GetDictionary, "telemetry",
          "The flight dictionary: subsystems, parameters, commands, faults"),
    Route("GET", "/api/parameters/{name}", GetTelemetry, "telemetry",
          "The latest value of a parameter (`power.battery_soc`)"),
    Route("GET", "/api/reports", GetReports, "telemetry",
          "The latest on-board schedule report and recorder status"),
    Route("GET", "/api/events", GetEvents, "events",
          "Archived events at a severity or worse, in a time range", {"min_severity": 2}),
    Route("GET", "/api/timeline", GetTimeline, "events",
          "Events, commands, verifications, alarms and injections in time order"),
    Route("GET", "/api/audit", GetAudit, "events",
          "Who asked for what beyond reading, and every refusal"),
    Route("GET", "/api/alarms", GetAlarms, "alarms", "The active (unshelved) alarms"),
    Route("GET", "/api/alarms/log", GetAlarmLog, "alarms", "Every step of the alarms' lives"),
    Route("GET", "/api/rules", GetRules, "alarms",
          "Every rule, its state now, and a limit rule's bands (limit colours and lines)"),
    Route("POST", "/api/alarms/{name}/acknowledge", Acknowledge, "alarms",
          "Acknowledge an alarm", {"comment": "battery cell failure known, FDIR on it"}),
    Route("POST", "/api/alarms/{name}/shelve", Shelve, "alarms",
          "Hide an alarm for a number of mission seconds", {"duration_s": 600.0}),
    Route("POST", "/api/alarms/{name}/unshelve", Unshelve, "alarms",
          "Show a shelved alarm again"),
    Route("GET", "/api/commands", ListCommands, "commands", "Every command of this run"),
    Route("POST", "/api/commands", SendCommand, "commands",
          "Validate and uplink a command (time-tagged with `release_s`)",
          {"name": "power.set_heater", "args": {"on": True}}),
    Route("GET", "/api/commands/{id}", GetCommand, "commands",
          "A command's state and verification stages"),
    Route("POST", "/api/ping", SendPing, "commands", "TC[17,1] to an application",
          {"target": "executive"}),
    Route("GET", "/api/queue", SetQueue, "commands", "The command queue"),
    Route("POST", "/api/queue", SetQueue, "commands",
          "Enable, block or disable the command queue, or release what it holds",
          {"state": "blocked"}),
    Route("POST", "/api/schedule/report", RequestSchedule, "commands",
          "Ask the spacecraft for its on-board schedule (TC[11,9])"),
    Route("DELETE", "/api/schedule/{id}", DeleteScheduled, "commands",
          "Delete a time-tagged activity on board (TC[11,5])"),
    Route("POST", "/api/recorder/dump", DumpRecorder, "commands",
          "Play back the on-board recorder over a time range (TC[15,9])",
          {"start_s": 0.0, "end_s": 3600.0}),
    Route("POST", "/api/recorder/status", RequestStoreStatus, "commands",
          "Ask for the on-board recorder's status (TC[15,12])"),
    Route("GET", "/api/faults", GetFaults, "faults", "The fault catalogue"),
    Route("POST", "/api/faults/{subsystem}/{fault}/inject", InjectFault, "faults",
          "Inject a fault with the catalogue's parameters", {"params": {}}),
    Route("POST", "/api/faults/{subsystem}/{fault}/clear", ClearFault, "faults",
          "Clear an injected fault"),
    Route("POST", "/api/blackouts", AddBlackout, "faults",
          "No link, either way, over a mission time range", {"start_s": 100.0, "end_s": 400.0}),
    Route("POST", "/api/faults/{subsystem}/crash", Crash, "faults",
          "Make a subsystem's actor fail on its next tick (a supervision test)"),
    Route("GET", "/api/truth/{subsystem}", GetTruth, "faults",
          "The simulation's true state of a subsystem"),
    Route("POST", "/api/runs", Reset, "archive",
          "Fly a new spacecraft from the config, archived as a new run", {"run_name": "pass-2"}),
    Route("POST", "/api/shutdown", Shutdown, "archive",
          "Stop the ground (and with `spacecraft`, the spacecraft first)", {"spacecraft": True}),
    Route("GET", "/api/export/{what}", Export, "archive",
          "A page of an archive table, or of a parameter, as CSV text", {"limit": 100}),
)  # fmt: skip
"""Every plain route of the API, in the order the documentation lists them."""
