"""The executive's own housekeeping parameters, each declared once with how it is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flightsw.subsystems.telemetry import TelemetryPoint, point, specs

if TYPE_CHECKING:
    from flightsw.executive.executive import Executive

POINTS: tuple[TelemetryPoint[Executive], ...] = (
    point("ticks", "", "ticks run since start", lambda e: e.ticks, "int"),
    point("tc_accepted", "", "telecommands accepted", lambda e: e.dispatcher.accepted, "int"),
    point("tc_completed", "", "telecommands completed", lambda e: e.dispatcher.completed, "int"),
    point("tc_failed", "", "telecommands failed at any stage",
          lambda e: e.dispatcher.failed, "int"),
    point("tc_frames_refused", "", "uplink frames refused (CRC, header, envelope)",
          lambda e: sum(e.dispatcher.frames_refused.values()), "int"),
    point("actor_restarts", "", "subsystem actors restarted after a failure",
          lambda e: sum(m.restarts for m in e.supervisor.members.values()), "int"),
    point("uplink_queued", "", "telecommands received, waiting for their arrival time",
          lambda e: e.uplink_queued, "int"),
    point("time_since_tc_s", "s",
          "mission time since the last telecommand arrived (command-loss timer)",
          lambda e: e.time_s - e.last_tc_s),
    point("onboard_commands", "",
          "commands carried out onboard on a subsystem's request (FDIR, schedule)",
          lambda e: e.dispatcher.onboard_commands, "int"),
    point("schedule_activities", "", "time-tagged commands waiting in the onboard schedule",
          lambda e: len(e.schedule), "int"),
    point("schedule_enabled", "", "the schedule releases activities",
          lambda e: e.schedule.enabled, "bool"),
    point("schedule_released", "", "activities released since start",
          lambda e: e.schedule.released, "int"),
    point("store_dumps", "", "recorder dumps carried out", lambda e: e.services.dumps, "int"),
)  # fmt: skip

TELEMETRY = specs(POINTS)  # what the ground is told about the executive's parameters
