"""The sim port: the test harness' umbilical (clock control, faults, truth), never delayed.

Requests and replies are msgpack maps. Every request has `op`; every reply has `ok`, and an
`error` saying what was wrong and what to do when `ok` is false. The ops are listed in
docs/icd.md ("Sim port").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flightsw.clock import RealtimeClock
from flightsw.errors import ClockError, SimPortError
from flightsw.executive.messages import InjectCrash, LinkCounters
from flightsw.executive.spacecraft import Spacecraft
from flightsw.icd.margins import MAX_STEP_S

log = logging.getLogger(__name__)


class SimPort:
    """Serve sim-port requests against one spacecraft."""

    def __init__(
        self,
        spacecraft: Spacecraft,
        await_uplink: Callable[[int], None],
        on_shutdown: Callable[[], None],
        on_reset: Callable[[str, int], dict[str, Any]] | None = None,
        truth_sent: Callable[[], int] = lambda: 0,
    ) -> None:
        self.truth_sent = truth_sent
        self.spacecraft = spacecraft
        self.await_uplink = await_uplink
        self.on_shutdown = on_shutdown
        self.on_reset = on_reset
        self.injections = 0
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "status": self._status,
            "dictionary": lambda _: {"dictionary": self.spacecraft.dictionary()},
            "step": self._step,
            "sync": self._sync,
            "pause": self._pause,
            "resume": self._resume,
            "set_rate": self._set_rate,
            "inject": self._inject,
            "clear": self._clear,
            "faults": self._faults,
            "truth": self._truth,
            "crash": self._crash,
            "reset": self._reset,
            "shutdown": self._shutdown,
        }

    def handle(self, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict) or not isinstance(request.get("op"), str):
            return {
                "ok": False,
                "error": "a request is a map with an `op` string; ops: " + ", ".join(self.handlers),
            }
        handler = self.handlers.get(request["op"])
        if handler is None:
            return {
                "ok": False,
                "error": f"unknown op {request['op']!r}; ops: {', '.join(self.handlers)}",
            }
        try:
            return {"ok": True, **handler(request)}
        except (SimPortError, ClockError) as error:
            return {"ok": False, "error": str(error)}
        except (KeyError, TypeError, ValueError) as error:
            return {"ok": False, "error": f"bad {request['op']} request: {error!r}"}
        except Exception as error:  # the spacecraft flies on; the harness hears what went wrong
            log.exception("sim-port %s failed", request["op"])
            return {
                "ok": False,
                "error": f"{request['op']} failed inside the flight software: {error!r}",
            }

    # -- clock -----------------------------------------------------------------------------------

    def _status(self, _: dict[str, Any]) -> dict[str, Any]:
        executive = self.spacecraft.executive
        clock = self.spacecraft.clock
        return {
            "mission": self.spacecraft.config.name,
            "time_s": self._now_s(),
            "mode": "stepped" if clock.stepped else "realtime",
            "rate": executive.rate(),
            "paused": bool(getattr(clock, "paused", False)),
            "tick_s": executive.tick_s,
            "ticks": executive.ticks,
            "downlink_sent": executive.frames_sent,
            "range_m": self.spacecraft.range_m(),
            "executive": executive.housekeeping(),
        }

    def _step(self, request: dict[str, Any]) -> dict[str, Any]:
        """Advance a stepped clock by `seconds`, after the uplink frames the ground sent arrive."""
        if not self.spacecraft.clock.stepped:
            raise SimPortError(
                "step needs a stepped clock; this run is realtime (use pause/resume/set_rate)"
            )
        seconds = float(request["seconds"])
        if not 0 <= seconds <= MAX_STEP_S:
            raise SimPortError(f"step of {seconds} s is outside 0..{MAX_STEP_S:g} s")
        self.await_uplink(int(request.get("uplink_sent", 0)))
        self.spacecraft.executive.run_until(self._now_s() + seconds)
        return self._sync({})

    def _now_s(self) -> float:
        """Mission time: a stepped clock may stand between two ticks (a step shorter than one)."""
        clock = self.spacecraft.clock
        return clock.now_s() if clock.stepped else self.spacecraft.executive.time_s

    def _sync(self, request: dict[str, Any]) -> dict[str, Any]:
        """Where time is and how many frames have left, so the ground can wait for all of them."""
        if "uplink_sent" in request:
            self.await_uplink(int(request["uplink_sent"]))
        executive = self.spacecraft.executive
        executive.flush()
        counters = self.spacecraft.downlink.ask(LinkCounters(), timeout=10)
        return {
            "time_s": self._now_s(),
            "downlink_sent": counters["frames_sent"],
            "truth_sent": self.truth_sent(),
            "range_m": self.spacecraft.range_m(),
        }

    def _realtime_clock(self) -> RealtimeClock:
        clock = self.spacecraft.clock
        if not isinstance(clock, RealtimeClock):
            raise SimPortError(
                "pause, resume and set_rate need a realtime clock; this run is stepped (use step)"
            )
        return clock

    def _pause(self, _: dict[str, Any]) -> dict[str, Any]:
        self._realtime_clock().pause()
        return {"time_s": self.spacecraft.clock.now_s()}

    def _resume(self, _: dict[str, Any]) -> dict[str, Any]:
        self._realtime_clock().resume()
        return {"time_s": self.spacecraft.clock.now_s()}

    def _set_rate(self, request: dict[str, Any]) -> dict[str, Any]:
        self._realtime_clock().set_rate(float(request["rate"]))
        return {"rate": float(request["rate"])}

    # -- faults and truth ------------------------------------------------------------------------

    def _inject(self, request: dict[str, Any]) -> dict[str, Any]:
        subsystem, fault = str(request["subsystem"]), str(request["fault"])
        params = request.get("params") or {}
        report = self.spacecraft.executive.inject(subsystem, fault, dict(params))
        if not report.ok:
            raise SimPortError(f"cannot inject {subsystem}.{fault}: {report.reason}")
        self.injections += 1
        log.warning("fault injected: %s.%s %s", subsystem, fault, params)
        return {"time_s": self.spacecraft.executive.time_s}  # it acts from the last tick

    def _clear(self, request: dict[str, Any]) -> dict[str, Any]:
        subsystem, fault = str(request["subsystem"]), str(request["fault"])
        report = self.spacecraft.executive.clear(subsystem, fault)
        if not report.ok:
            raise SimPortError(f"cannot clear {subsystem}.{fault}: {report.reason}")
        log.warning("fault cleared: %s.%s", subsystem, fault)
        return {"time_s": self.spacecraft.executive.time_s}

    def _faults(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"faults": {m.name: [f.to_dict() for f in m.faults] for m in self.spacecraft.models}}

    def _truth(self, request: dict[str, Any]) -> dict[str, Any]:
        subsystem = str(request["subsystem"])
        if subsystem not in self.spacecraft.supervisor.members:
            raise SimPortError(
                f"no subsystem {subsystem!r} (known: {', '.join(self.spacecraft.supervisor.members)})"
            )
        return {
            "time_s": self.spacecraft.executive.time_s,
            "state": self.spacecraft.truth(subsystem),
        }

    def _crash(self, request: dict[str, Any]) -> dict[str, Any]:
        """Make a subsystem's actor fail on its next tick, to exercise supervision."""
        subsystem = str(request["subsystem"])
        if subsystem not in self.spacecraft.supervisor.members:
            raise SimPortError(
                f"no subsystem {subsystem!r} (known: {', '.join(self.spacecraft.supervisor.members)})"
            )
        self.spacecraft.supervisor.ask(subsystem, InjectCrash())
        log.warning("software fault injected into %s", subsystem)
        return {"time_s": self.spacecraft.executive.time_s}

    def _reset(self, request: dict[str, Any]) -> dict[str, Any]:
        """Replace the spacecraft with a new one built from the config (stepped clock only).

        `phase` "stop" takes the spacecraft down and says how many frames it sent; "start" flies
        the new one. Nothing else may come between the two.
        """
        if not self.spacecraft.clock.stepped:
            raise SimPortError("reset needs a stepped clock; restart a realtime run instead")
        if self.on_reset is None:
            raise SimPortError("this spacecraft cannot be reset")
        reply = self.on_reset(str(request["phase"]), int(request.get("uplink_sent", 0)))
        self.injections = 0
        return reply

    def _shutdown(self, _: dict[str, Any]) -> dict[str, Any]:
        self.on_shutdown()
        return {}
