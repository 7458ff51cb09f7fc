"""The control API: what the console, scripts and tests may ask of the ground.

Requests and replies are msgpack maps over a ZeroMQ ROUTER socket. Every request has `op`;
every reply has `ok`, and `error` (what was wrong, what to do) when `ok` is false. Ops that
need the spacecraft (step, inject…) are answered once the spacecraft has answered, so a client
simply waits for its reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flightsw.icd import (
    CommandError,
    DeleteActivity,
    DumpStore,
    FrameError,
    ReportSchedule,
    ReportStore,
    simport,
)
from ground.errors import ControlError, GroundError
from ground.process.service import GroundService

Reply = dict[str, Any]
Respond = Callable[[Reply], None]
SimRequest = Callable[[simport.SimRequest, Callable[[simport.SimReply], None]], None]

log = logging.getLogger(__name__)


class ControlApi:
    """Route control requests to the ground service, or through it to the spacecraft."""

    def __init__(
        self,
        service: GroundService,
        sim: SimRequest,
        step: Callable[[float, Respond], None],
        stop: Callable[[], None],
        reset: Callable[[str, Respond], None] | None = None,
    ) -> None:
        self.service = service
        self.sim = sim
        self.step = step
        self.stop = stop
        self.reset = reset
        self.ops: dict[str, Callable[[dict[str, Any], Respond], None]] = {
            "status": self._now(lambda r: self.service.status()),
            "dictionary": self._now(lambda r: {"dictionary": self.service.dictionary.raw}),
            "cmd": self._now(self._cmd),
            "ping": self._now(
                lambda r: {
                    "command": self.service.commander.ping(
                        str(r.get("target", "executive"))
                    ).to_dict()
                }
            ),
            "command": self._now(self._command),
            "commands": self._now(
                lambda r: {
                    "commands": [c.to_dict() for c in self.service.commands.commands.values()]
                }
            ),
            "tlm": self._now(self._tlm),
            "history": self._now(self._history),
            "events": self._now(self._events),
            "alarms": self._now(
                lambda r: {"alarms": [a.to_dict() for a in self.service.alarms.active()]}
            ),
            "alarm_log": self._now(self._alarm_log),
            "ack": self._now(self._ack),
            "shelve": self._now(self._shelve),
            "faults": self._now(lambda r: {"faults": self.service.dictionary.faults}),
            "inject": self._inject,
            "clear": self._clear,
            "step": self._step,
            "pause": self._forward("pause"),
            "resume": self._forward("resume"),
            "set_rate": self._forward("set_rate", "rate"),
            "truth": self._forward("truth", "subsystem"),
            "crash": self._crash,
            "shutdown": self._shutdown,
            "reset": self._reset,
            "schedule": self._now(
                lambda r: {
                    "command": self.service.commander.service(
                        "schedule_report", ReportSchedule()
                    ).to_dict()
                }
            ),
            "schedule_delete": self._now(
                lambda r: {
                    "command": self.service.commander.service(
                        "schedule_delete", DeleteActivity(int(r["id"]))
                    ).to_dict()
                }
            ),
            "dump": self._now(
                lambda r: {
                    "command": self.service.commander.service(
                        "store_dump", DumpStore(float(r["start_s"]), float(r["end_s"]))
                    ).to_dict()
                }
            ),
            "store": self._now(
                lambda r: {
                    "command": self.service.commander.service(
                        "store_report", ReportStore()
                    ).to_dict()
                }
            ),
            "blackout": self._now(self._blackout),
            "queue": self._now(self._queue),
            "timeline": self._now(self._timeline),
            "export": self._now(self._export),
            "reports": self._now(
                lambda r: {
                    "reports": {
                        k: {"time_s": t, **body} for k, (t, body) in self.service.reports.items()
                    }
                }
            ),
        }

    def handle(self, request: Any, respond: Respond) -> None:
        if not isinstance(request, dict) or not isinstance(request.get("op"), str):
            respond(
                {
                    "ok": False,
                    "error": "a request is a map with an `op` string; ops: "
                    + ", ".join(sorted(self.ops)),
                }
            )
            return
        op = self.ops.get(request["op"])
        if op is None:
            respond(
                {
                    "ok": False,
                    "error": f"unknown op {request['op']!r}; ops: {', '.join(sorted(self.ops))}",
                }
            )
            return
        try:
            op(request, respond)
        except (GroundError, CommandError, FrameError, KeyError, TypeError, ValueError) as error:
            text = (
                str(error)
                if isinstance(error, GroundError | CommandError | FrameError | ValueError)
                else f"bad {request['op']} request: {error!r}"
            )
            respond({"ok": False, "error": text})
        except Exception as error:  # a defect of the ground: say so, keep the archive running
            log.exception("control op %r failed", request["op"])
            respond(
                {
                    "ok": False,
                    "error": f"the ground failed to carry out {request['op']!r} ({error!r}); "
                    "it keeps running, and its log has the traceback",
                }
            )

    @staticmethod
    def _now(
        function: Callable[[dict[str, Any]], Reply],
    ) -> Callable[[dict[str, Any], Respond], None]:
        def op(request: dict[str, Any], respond: Respond) -> None:
            respond({"ok": True, **function(request)})

        return op

    # -- commands and telemetry ------------------------------------------------------------------

    def _cmd(self, request: dict[str, Any]) -> Reply:
        args = request.get("args") or {}
        if not isinstance(args, dict):
            raise ControlError("args must be a map of argument name to value")
        release_s = request.get("release_s")
        tracked = self.service.commander.command(
            str(request["name"]),
            args,
            str(request.get("source", "operator")),
            None if release_s is None else float(release_s),
            confirm=bool(request.get("confirm", False)),
        )
        return {"command": tracked.to_dict()}

    def _command(self, request: dict[str, Any]) -> Reply:
        command = self.service.commands.commands.get(int(request["id"]))
        if command is None:
            raise ControlError(f"no command with id {request['id']}")
        return {"command": command.to_dict()}

    def _tlm(self, request: dict[str, Any]) -> Reply:
        name = str(request["name"])
        self.service.dictionary.check_parameter(name)
        latest = self.service.latest(name)
        if latest is None:
            return {"name": name, "time_s": None, "value": None}
        return {"name": name, "time_s": latest[0], "value": latest[1]}

    def _history(self, request: dict[str, Any]) -> Reply:
        name = str(request["name"])
        self.service.dictionary.check_parameter(name)
        self.service.archive.flush()
        rows = self.service.archive.parameter_history(
            name, request.get("start_s"), request.get("end_s")
        )
        return {"name": name, "samples": [[t, v] for t, v in rows]}

    def _events(self, request: dict[str, Any]) -> Reply:
        self.service.archive.flush()
        rows = self.service.archive.events(
            min_severity=int(request.get("min_severity", 1)),
            start_s=request.get("start_s"),
            end_s=request.get("end_s"),
        )
        return {"events": [row._asdict() for row in rows]}

    def _alarm_log(self, request: dict[str, Any]) -> Reply:
        """Every alarm transition (triggered, acknowledged, cleared, ...) in a time range."""
        self.service.archive.flush()
        rows = self.service.archive.alarms(
            request.get("start_s"), request.get("end_s"), request.get("name")
        )
        return {"alarm_log": [row._asdict() for row in rows]}

    def _ack(self, request: dict[str, Any]) -> Reply:
        operator = str(request.get("operator", "operator"))
        self.service.acknowledge(str(request["name"]), operator, str(request.get("comment", "")))
        return {}

    def _shelve(self, request: dict[str, Any]) -> Reply:
        operator = str(request.get("operator", "operator"))
        self.service.shelve(
            str(request["name"]),
            float(request["duration_s"]),
            operator,
            str(request.get("comment", "")),
        )
        return {}

    def _queue(self, request: dict[str, Any]) -> Reply:
        """Set the command queue (`state`: enabled, blocked, disabled) or `release` what it holds."""
        commander = self.service.commander
        released = []
        if "state" in request:
            released = commander.set_queue(str(request["state"]))
        elif request.get("release"):
            released = commander.release()
        return {
            "state": commander.queue_state,
            "held": [held.command.to_dict() for held in commander.held],
            "released": [command.to_dict() for command in released],
        }

    def _timeline(self, request: dict[str, Any]) -> Reply:
        self.service.archive.flush()
        return {
            "timeline": self.service.archive.timeline(request.get("start_s"), request.get("end_s"))
        }

    def _export(self, request: dict[str, Any]) -> Reply:
        self.service.archive.flush()
        path = str(request["path"])
        rows = self.service.archive.export_csv(str(request["what"]), path)
        return {"path": path, "rows": rows}

    def _blackout(self, request: dict[str, Any]) -> Reply:
        window = self.service.blackouts.add(float(request["start_s"]), float(request["end_s"]))
        self.service.publish(
            "blackout",
            {"time_s": self.service.now_s, "start_s": window.start_s, "end_s": window.end_s},
        )
        return {"start_s": window.start_s, "end_s": window.end_s}

    # -- through the sim port --------------------------------------------------------------------

    def _inject(self, request: dict[str, Any], respond: Respond) -> None:
        subsystem, fault = str(request["subsystem"]), str(request["fault"])
        self.service.dictionary.check_fault(subsystem, fault)
        params = dict(request.get("params") or {})

        def done(reply: simport.SimReply) -> None:
            def record() -> None:
                self.service.record_injection(subsystem, fault, "inject", params)

            self._settled(reply, respond, record)

        sent = simport.request("inject", subsystem=subsystem, fault=fault, params=params)
        self.sim(sent, done)

    def _clear(self, request: dict[str, Any], respond: Respond) -> None:
        subsystem, fault = str(request["subsystem"]), str(request["fault"])
        self.service.dictionary.check_fault(subsystem, fault)

        def done(reply: simport.SimReply) -> None:
            def record() -> None:
                self.service.record_injection(subsystem, fault, "clear", {})

            self._settled(reply, respond, record)

        self.sim(simport.request("clear", subsystem=subsystem, fault=fault), done)

    def _settled(
        self, reply: simport.SimReply, respond: Respond, record: Callable[[], None]
    ) -> None:
        """Once the frames a fault's injection made are on the ground, archive the injection
        (`record`) and answer.

        A step of zero seconds waits for them, as a step does for its own: otherwise they could
        be taken in before or during the next step, as it happens, judged with the link of that
        moment, and archived before or after the injection's row; a stepped run would not
        repeat. A realtime clock refuses the step, and the reply goes at once.
        """
        if not reply.ok:
            respond(reply.as_map())
            return

        def settled(_: Reply) -> None:
            record()
            respond(reply.as_map())

        self.step(0.0, settled)

    def _crash(self, request: dict[str, Any], respond: Respond) -> None:
        subsystem = str(request["subsystem"])

        def done(reply: simport.SimReply) -> None:
            if reply.ok:
                self.service.record_injection(subsystem, "software_crash", "inject", {})
            respond(reply.as_map())

        self.sim(simport.request("crash", subsystem=subsystem), done)

    def _step(self, request: dict[str, Any], respond: Respond) -> None:
        seconds = float(request["seconds"])
        if not seconds >= 0:
            raise ControlError(f"step needs seconds >= 0, got {seconds}")
        self.step(seconds, respond)

    def _forward(self, op: str, *keys: str) -> Callable[[dict[str, Any], Respond], None]:
        def forward(request: dict[str, Any], respond: Respond) -> None:
            sent = simport.request(op, **{key: request[key] for key in keys})
            self.sim(sent, lambda reply: respond(reply.as_map()))

        return forward

    def _reset(self, request: dict[str, Any], respond: Respond) -> None:
        run_name = str(request["run_name"])
        if not run_name or "/" in run_name or run_name.startswith("."):
            raise ControlError(f"run_name {run_name!r} is not a plain file name")
        if self.reset is None:
            raise ControlError("this ground cannot be reset")
        self.reset(run_name, respond)

    def _shutdown(self, request: dict[str, Any], respond: Respond) -> None:
        def done(_: object) -> None:
            respond({"ok": True})
            self.stop()

        if request.get("spacecraft", False):
            self.sim(simport.ShutdownRequest(), done)
        else:
            done(None)
