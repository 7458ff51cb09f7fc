"""The spacecraft assembled from a mission config: actors, executive and the dictionary."""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

import pykka
import zmq

from flightsw.clock import Clock, RealtimeClock, SteppedClock
from flightsw.config.mission import DEFAULT_HK_PERIOD_S, EXECUTIVE, MissionConfig
from flightsw.executive.actors.bus import SoftwareBus
from flightsw.executive.actors.downlink import DownlinkActor
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.executive import Executive, started_event
from flightsw.executive.messages import GetState
from flightsw.executive.recorder import Recorder
from flightsw.executive.supervisor import Supervisor
from flightsw.executive.tc_security import TcAuthenticator
from flightsw.executive.telemetry import TELEMETRY as EXECUTIVE_TELEMETRY
from flightsw.icd.dictionary import MissionDictionary, SubsystemDictionary
from flightsw.icd.rekey import AUTHENTICATED_COMMANDS
from flightsw.subsystems.registry import build_models
from flightsw.subsystems.topics import NAVIGATION, NavigationFix

log = logging.getLogger(__name__)


def make_clock(config: MissionConfig) -> Clock:
    if config.clock.mode == "stepped":
        return SteppedClock()
    return RealtimeClock(rate=config.clock.rate)


class Spacecraft:
    """Everything that flies: build it with `start`, take it down with `stop`."""

    def __init__(
        self,
        config: MissionConfig,
        context: zmq.Context[Any],
        downlink_endpoint: str,
        stopping: threading.Event | None = None,
        authenticator: TcAuthenticator | None = None,
    ) -> None:
        """`stopping`, once set, keeps the executive and the downlink from waiting on anything:
        the process is stopping (see `Executive` and `DownlinkActor`). With `authenticator`,
        only authenticated telecommands are taken from the uplink."""
        self.config = config
        self.clock = make_clock(config)
        self.models = build_models(config)
        self.bus = SoftwareBus.start()
        self.supervisor = Supervisor(self.bus, config.clock.tick_s)
        self.downlink = DownlinkActor.start(
            context,
            downlink_endpoint,
            blocking=self.clock.stepped,
            recorder=Recorder(config.recorder_capacity_frames),
            stopping=stopping,
        )
        for model in self.models:
            self.supervisor.start(
                model,
                config.apids[model.name],
                config.hk_periods_s[model.name],
                tick_period_s=config.tick_periods_s[model.name],
            )
        executive_apid = config.apids[EXECUTIVE]
        self.dispatcher = Dispatcher(config.apids, self.supervisor, executive_apid)
        self.dispatcher.authenticator = authenticator
        self.executive = Executive(
            self.clock,
            config.clock.tick_s,
            self.supervisor,
            self.dispatcher,
            self.bus,
            self.downlink,
            executive_apid,
            stopping=stopping,
        )
        self.executive.emit(EXECUTIVE, started_event(config.name, [m.name for m in self.models]))
        self.executive.flush()

    def stop(self) -> None:
        self.executive.flush()
        self.supervisor.stop_all()
        self.downlink.stop(timeout=10)
        self.bus.stop(timeout=10)

    # -- what the sim port serves ----------------------------------------------------------------

    def dictionary(self) -> MissionDictionary:
        """The command and telemetry dictionary of this spacecraft (one source of truth)."""
        return mission_dictionary(self.config, self.models, self.executive.hk_period_s)

    def truth(self, subsystem: str) -> dict[str, Any]:
        """The true state of one subsystem, as plain data."""
        state = self.supervisor.ask(subsystem, GetState())
        return _plain(
            dataclasses.asdict(state)
            if dataclasses.is_dataclass(state) and not isinstance(state, type)
            else state
        )

    def navigation_fix(self) -> NavigationFix | None:
        """The navigation model's last good fix (true state), or None without navigation."""
        member = self.supervisor.members.get("navigation")
        if member is None:
            return None
        fix = member.model.publish(member.last_good_state).get(NAVIGATION)
        return fix if isinstance(fix, NavigationFix) else None

    def downlink_closes(self) -> bool | None:
        """Whether the radio's signal reaches the ground: the transmitter on, powered and not
        failed, and the link budget's margin not below zero. None without a comms subsystem.

        The ground's channel hears nothing while it does not: what the spacecraft sends then
        reaches only its recorder.
        """
        member = self.supervisor.members.get("comms")
        if member is None:
            return None
        state = member.last_good_state
        on = getattr(state, "transmitter_on", True) and getattr(state, "powered", True)
        budget = getattr(state, "budget", None)
        closes = budget is None or budget.margin_db >= 0.0
        return bool(on and not getattr(state, "transmitter_failed", False) and closes)

    def range_m(self) -> float | None:
        """True range to the ground station (or Earth), for light time."""
        fix = self.navigation_fix()
        return None if fix is None else float(fix.station_range_m)


def mission_dictionary(
    config: MissionConfig, models: list[Any], executive_hk_period_s: float = DEFAULT_HK_PERIOD_S
) -> MissionDictionary:
    """The dictionary the sim port serves: every subsystem's APID, commands, faults and telemetry."""
    executive = SubsystemDictionary(
        EXECUTIVE,
        config.apids[EXECUTIVE],
        AUTHENTICATED_COMMANDS if config.security.authenticate else (),
        (),
        EXECUTIVE_TELEMETRY,
        executive_hk_period_s,
        config.clock.tick_s,
    )
    subsystems = [executive] + [
        SubsystemDictionary(
            m.name,
            config.apids[m.name],
            m.commands,
            m.faults,
            m.telemetry,
            config.hk_periods_s[m.name],
            config.tick_periods_s[m.name],
        )
        for m in models
    ]
    return MissionDictionary(
        config.name,
        config.description,
        config.context.epoch_unix_s,
        config.clock.tick_s,
        dict(config.apids),
        tuple(subsystems),
    )


def _plain(value: Any) -> Any:
    """Tuples to lists and numpy scalars to floats, so msgpack can carry a state."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def stop_all_actors() -> None:
    pykka.ActorRegistry.stop_all(timeout=10)
