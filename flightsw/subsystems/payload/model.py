"""Payload: science instruments with modes, power draw, data production and self-protection.

Each instrument has a switch on the payload's own power distribution (`power_on` / `power_off`)
behind the spacecraft's `payload` switch in `power.status`. While both are on it runs in one of
its powered modes, draws that mode's power and writes that mode's data rate into the shared
onboard mass memory until the memory is full. Mode `off` is reserved: it is what a switched-off
(or unpowered) instrument reports, so `set_mode` refuses it; `power_on` boots into the first
other mode listed.

Faults. `over_current` adds power to an instrument's draw; once the draw has stayed above the
instrument's limit for `overcurrent_trip_s`, the payload's current limiter switches it off
(status `overcurrent_trip`, a MEDIUM event) — level-1 FDIR, the unit protecting itself. `hang`
freezes the instrument: no data, and mode commands fail, until it loses power (`power_off`
then `power_on`, or the bus switch going off) — a power cycle is the only cure, as on real
instruments.

Keys of `[subsystems.payload]` (all optional):

    storage_capacity_mb = 2048.0     # shared mass memory; MB = 10^6 bytes
    overcurrent_trip_s = 5.0         # how long a draw may exceed the limit before the trip
    [[subsystems.payload.instruments]]   # see payload.config; without them two default ones fly
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec, with_choices
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.payload.config import (
    DEFAULT_INSTRUMENTS,
    MAX_INSTRUMENTS,
    OFF,
    Instrument,
    read_instrument,
)
from flightsw.subsystems.payload.state import BITS_PER_MB, InstrumentState, PayloadState
from flightsw.subsystems.payload.telemetry import telemetry_points
from flightsw.subsystems.topics import POWER, LoadDemand, PowerStatus, load_topic


def _instrument_arg() -> ArgSpec:
    return ArgSpec("instrument", "str", description="an instrument named in the payload config")


class PayloadModel(Subsystem[PayloadState]):
    """Instruments drawing power by mode, filling the mass memory, protected by a limiter."""

    name: ClassVar[str] = "payload"
    subscribes = (POWER,)
    commands = (
        CommandSpec(
            "power_on", "Switch an instrument on (boots into its first mode)", (_instrument_arg(),)
        ),
        CommandSpec("power_off", "Switch an instrument off (clears a hang)", (_instrument_arg(),)),
        CommandSpec(
            "set_mode",
            "Change a switched-on instrument's mode",
            (_instrument_arg(), ArgSpec("mode", "str", description="one of its powered modes")),
        ),
        CommandSpec("clear_storage", "Delete all stored science data (after it has been dumped)"),
    )
    faults = (
        FaultSpec(
            "over_current",
            "An instrument draws extra power; its limiter trips it after overcurrent_trip_s",
            (_instrument_arg(), ArgSpec("extra_w", "float", "W", 0.0, 1000.0, default=10.0)),
        ),
        FaultSpec(
            "hang",
            "An instrument stops making data and ignores mode changes until power-cycled",
            (_instrument_arg(),),
        ),
    )

    def __init__(
        self,
        context: MissionContext,
        instruments: tuple[Instrument, ...],
        storage_capacity_mb: float = 2048.0,
        overcurrent_trip_s: float = 5.0,
    ) -> None:
        self.context = context
        self.instruments = instruments
        self.index = {inst.name: i for i, inst in enumerate(instruments)}
        self.storage_capacity_bits = storage_capacity_mb * BITS_PER_MB
        self.overcurrent_trip_s = overcurrent_trip_s
        # The instruments come from the config, so the telemetry list is per instance.
        self.telemetry_points = telemetry_points(self)
        names = tuple(self.index)
        self.commands = with_choices(type(self).commands, "instrument", names)
        self.faults = with_choices(type(self).faults, "instrument", names)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> PayloadModel:
        """Read `[subsystems.payload]` (keys in the module docstring)."""
        if section.has("instruments"):
            tables = section.sections("instruments", MAX_INSTRUMENTS)
        else:
            defaults = Section({"instruments": DEFAULT_INSTRUMENTS}, section.path, section.prefix)
            tables = defaults.sections("instruments")
        instruments = tuple(read_instrument(table) for table in tables)
        if len({inst.name for inst in instruments}) != len(instruments):
            raise section.error("instruments", "instrument names must be unique")
        return cls(
            context,
            instruments,
            section.float("storage_capacity_mb", 2048.0, 0.001, 1e9, "MB"),
            section.float("overcurrent_trip_s", 5.0, 0.0, 3600.0, "s"),
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> PayloadState:
        return PayloadState(tuple(InstrumentState(inst.initial_mode) for inst in self.instruments))

    def step(
        self, state: PayloadState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[PayloadState]:
        status = inputs.get(POWER)
        # No power model on the bus (a bench test): the payload is taken as powered.
        bus_on = status.powered(self.name) if isinstance(status, PowerStatus) else True
        events: list[Event] = []
        free_bits = max(0.0, self.storage_capacity_bits - state.stored_bits)
        updated = []
        for inst, old in zip(self.instruments, state.instruments, strict=True):
            new, trip = self._step_instrument(inst, old, bus_on, dt_s)
            events.extend(trip)
            running = bus_on and new.switched_on and new.status == "ok"
            rate_bps = inst.mode_rate_bps(new.mode) if running else 0.0
            bits = min(rate_bps * dt_s, free_bits)
            free_bits -= bits
            updated.append(
                replace(
                    new, stored_bits=new.stored_bits + bits, produced_bits=new.produced_bits + bits
                )
            )
        full = free_bits <= 0.0
        if full and not state.storage_full:
            events.append(event("storage_full", Severity.LOW, "payload mass memory full"))
        new_state = PayloadState(tuple(updated), bus_on, full)
        return Outcome(new_state, tuple(events))

    def _step_instrument(
        self, inst: Instrument, old: InstrumentState, bus_on: bool, dt_s: float
    ) -> tuple[InstrumentState, tuple[Event, ...]]:
        """The instrument after `dt_s`, and the event of its limiter tripping it, if it did."""
        if not bus_on:
            # Losing the bus is a power cycle: a hang clears and the instrument will reboot.
            mode = inst.boot_mode if old.switched_on else OFF
            return replace(_unhung(old), mode=mode, power_w=0.0, over_limit_s=0.0), ()
        if not old.switched_on:
            return replace(old, power_w=0.0, over_limit_s=0.0), ()
        draw_w = inst.mode_power_w(old.mode) + old.extra_w
        over_s = old.over_limit_s + dt_s if draw_w > inst.max_power_w else 0.0
        if over_s > self.overcurrent_trip_s:
            text = f"{inst.name} tripped off: drew {draw_w:.1f} W over {inst.max_power_w:g} W"
            trip = event(
                "instrument_overcurrent_trip",
                Severity.MEDIUM,
                text,
                instrument=inst.name,
                power_w=draw_w,
            )
            off = replace(old, mode=OFF, status="overcurrent_trip", power_w=0.0, over_limit_s=0.0)
            return off, (trip,)
        return replace(old, power_w=draw_w, over_limit_s=over_s), ()

    def publish(self, state: PayloadState) -> Mapping[str, Any]:
        # The demand is what the switched-on instruments want, whether or not the bus is on,
        # so the power model sees the right load the moment it switches the payload back on.
        demand_w = sum(
            inst.mode_power_w(s.mode) + s.extra_w
            for inst, s in zip(self.instruments, state.instruments, strict=True)
            if s.switched_on
        )
        return {load_topic(self.name): LoadDemand(self.name, demand_w)}

    def execute(
        self, state: PayloadState, command: str, args: Mapping[str, Any]
    ) -> Outcome[PayloadState]:
        if command == "clear_storage":
            cleared = tuple(replace(s, stored_bits=0.0) for s in state.instruments)
            text = "payload mass memory cleared"
            return Outcome(
                replace(state, instruments=cleared, storage_full=False),
                (event("storage_cleared", Severity.INFO, text),),
            )
        i = self._index(args["instrument"], command, is_command=True)
        inst, old = self.instruments[i], state.instruments[i]
        if command == "power_on":
            if old.switched_on:
                return Outcome(state)  # already on: nothing to do, and a hang stays
            new = replace(old, mode=inst.boot_mode, status="ok", over_limit_s=0.0)
            text = f"{inst.name} on in {inst.boot_mode}"
        elif command == "power_off":
            new = replace(_unhung(old), mode=OFF, power_w=0.0, over_limit_s=0.0)
            text = f"{inst.name} off"
        elif command == "set_mode":
            mode = args["mode"]
            if mode not in inst.modes[1:]:
                known = ", ".join(inst.modes[1:])
                why = f"no powered mode {mode!r} (modes: {known}; power_off switches it off)"
                raise CommandError(ErrorCode.BAD_ARGUMENT, f"set_mode: {inst.name} has {why}")
            if not old.switched_on:
                raise CommandError(
                    ErrorCode.NOT_ALLOWED, f"set_mode: {inst.name} is off; send power_on first"
                )
            if old.status == "hung":
                why = "does not respond; power-cycle it (power_off, then power_on)"
                raise CommandError(ErrorCode.EXECUTION_FAILED, f"set_mode: {inst.name} {why}")
            new = replace(old, mode=mode)
            text = f"{inst.name} in {mode}"
        else:
            return super().execute(state, command, args)
        instruments = _replaced(state.instruments, i, new)
        return Outcome(
            replace(state, instruments=instruments),
            (event("instrument_mode", Severity.INFO, text, instrument=inst.name, mode=new.mode),),
        )

    def inject(self, state: PayloadState, fault: str, params: Mapping[str, Any]) -> PayloadState:
        i = self._index(params["instrument"], fault, is_command=False)
        old = state.instruments[i]
        if fault == "over_current":
            new = replace(old, extra_w=params["extra_w"])
        elif fault == "hang":
            if not old.switched_on:
                raise FaultError(f"hang: {self.instruments[i].name} is off; power it on first")
            new = replace(old, status="hung")
        else:
            raise FaultError(f"payload has no fault {fault!r}")
        return replace(state, instruments=_replaced(state.instruments, i, new))

    def clear(self, state: PayloadState, fault: str) -> PayloadState:
        if fault == "over_current":
            return replace(
                state, instruments=tuple(replace(s, extra_w=0.0) for s in state.instruments)
            )
        if fault == "hang":
            return replace(state, instruments=tuple(_unhung(s) for s in state.instruments))
        raise FaultError(f"payload has no fault {fault!r}")

    def _index(self, name: str, what: str, is_command: bool) -> int:
        if name in self.index:
            return self.index[name]
        reason = f"{what}: no instrument {name!r} (instruments: {', '.join(self.index) or 'none'})"
        if is_command:
            raise CommandError(ErrorCode.BAD_ARGUMENT, reason)
        raise FaultError(reason)


def _unhung(s: InstrumentState) -> InstrumentState:
    """`s` after losing power, which is what cures a hang."""
    return replace(s, status="ok") if s.status == "hung" else s


def _replaced(
    items: tuple[InstrumentState, ...], i: int, new: InstrumentState
) -> tuple[InstrumentState, ...]:
    return (*items[:i], new, *items[i + 1 :])
