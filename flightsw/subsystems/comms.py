"""Communications: the downlink budget to the ground station, and the radio's switches.

The budget (all in decibels) follows the usual chain:

    EIRP   = 10·log10(P_tx) + G_antenna − line loss − fault loss          dBW
    L_fs   = 20·log10(4πd/λ),  λ = c/f                                    dB (free-space path loss)
    C/N0   = EIRP − L_fs − other losses + G/T − 10·log10(k)               dB-Hz
    Eb/N0  = C/N0 − 10·log10(R)                                           dB
    margin = Eb/N0 − required Eb/N0                                       dB

with G/T = ground antenna gain − 10·log10(system noise temperature). The link is up when the
ground station is visible, the margin is at least zero and the transmitter is on, powered and
healthy. The high-gain antenna is steered by its own gimbal, so it is usable whatever the
attitude mode, except while attitude control has failed (navigation reports `drift`): then
only its side-lobe gain reaches Earth.

Configuration: `CommsConfig` (every key optional; defaults are a small LEO satellite on X band
with a 10 W transmitter and a 5 m ground dish).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec
from flightsw.icd.services import Severity
from flightsw.physics.constants import BOLTZMANN_J_K, SPEED_OF_LIGHT_M_S
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.telemetry import TelemetryPoint, point
from flightsw.subsystems.topics import (
    COMMS,
    DRIFT,
    NAVIGATION,
    POWER,
    CommsStatus,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    load_topic,
)

BOLTZMANN_DBW_K_HZ = 10.0 * math.log10(BOLTZMANN_J_K)  # −228.6 dBW/K/Hz
ANTENNAS = ("high_gain", "low_gain")
# Standard CCSDS-style telemetry rates offered by the modem, bits per second.
RATES_BPS = tuple(str(2**k * 1000) for k in range(0, 14))  # 1 kbps … 8.192 Mbps
MIN_RANGE_M = 1.0  # the budget is not meant for the near field; keep log10 finite


def wavelength_m(frequency_hz: float) -> float:
    return SPEED_OF_LIGHT_M_S / frequency_hz


def free_space_path_loss_db(range_m: float, frequency_hz: float) -> float:
    """L_fs = 20·log10(4πd/λ)."""
    return 20.0 * math.log10(4.0 * math.pi * range_m / wavelength_m(frequency_hz))


def watts_to_dbw(power_w: float) -> float:
    return 10.0 * math.log10(power_w)


@dataclass(frozen=True, slots=True)
class CommsConfig:
    """`[subsystems.comms]`; the defaults' sources: docs/references.md#spacecraft-engineering."""

    frequency_hz: float = 8.4e9  # X-band deep-space/EO downlink allocation, 8.4 GHz
    transmit_power_w: float = 10.0  # RF output
    high_gain_dbi: float = 30.0
    high_gain_mispointed_dbi: float = -10.0  # side lobe, while attitude control is lost
    low_gain_dbi: float = 3.0
    line_loss_db: float = 1.0  # cables, diplexer
    other_losses_db: float = 3.0  # pointing, polarisation, atmosphere, implementation
    ground_gain_dbi: float = 50.0  # a 5 m dish at X band (55 % efficiency gives ≈ 51 dBi)
    ground_noise_temp_k: float = 150.0
    required_ebn0_db: float = 9.6  # uncoded BPSK at BER 1e-5 (Sklar, Digital Communications)
    downlink_rate_bps: float = 64_000.0  # one of RATES_BPS
    antenna: str = "low_gain"
    transmitter_on: bool = True
    receiver_power_w: float = 3.0  # always listening
    transmitter_power_w: float = 30.0  # DC input while the transmitter is on (≈ 33 % efficient)


_BOUNDS: dict[str, tuple[float, float, str]] = {
    "frequency_hz": (1e6, 1e12, "Hz"),
    "transmit_power_w": (1e-6, 1e5, "W"),
    "high_gain_dbi": (-50.0, 90.0, "dBi"),
    "high_gain_mispointed_dbi": (-90.0, 90.0, "dBi"),
    "low_gain_dbi": (-50.0, 90.0, "dBi"),
    "line_loss_db": (0.0, 100.0, "dB"),
    "other_losses_db": (0.0, 100.0, "dB"),
    "ground_gain_dbi": (-50.0, 100.0, "dBi"),
    "ground_noise_temp_k": (1.0, 1e6, "K"),
    "required_ebn0_db": (-10.0, 50.0, "dB"),
    "receiver_power_w": (0.0, 1e4, "W"),
    "transmitter_power_w": (0.0, 1e5, "W"),
}


@dataclass(frozen=True, slots=True)
class LinkBudget:
    """One evaluation of the downlink budget."""

    range_m: float
    path_loss_db: float
    eirp_dbw: float
    received_dbw: float
    cn0_dbhz: float
    ebn0_db: float
    margin_db: float


# Until navigation reports a range there is no budget: its figures read zero (0 dBm received).
NO_BUDGET = LinkBudget(0.0, 0.0, 0.0, -30.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class CommsState:
    """Radio settings, faults, the last budget and the contact record."""

    antenna: str
    transmitter_on: bool
    rate_bps: float
    powered: bool = True
    station_visible: bool = False
    attitude_ok: bool = True
    range_m: float | None = None  # None until navigation reports a range
    budget: LinkBudget | None = None
    link_up: bool = False
    last_contact_s: float = 0.0  # mission start counts as contact: ground just released it
    time_s: float = 0.0
    downlinked_bits: float = 0.0
    transmitter_failed: bool = False
    antenna_loss_db: float = 0.0


class CommsModel(Subsystem[CommsState]):
    """X-band downlink budget with a selectable antenna and data rate."""

    name: ClassVar[str] = "comms"
    subscribes: tuple[str, ...] = (NAVIGATION, POWER)
    commands: tuple[CommandSpec, ...] = (
        CommandSpec(
            "antenna_select",
            "Downlink through the high-gain or the low-gain antenna",
            (ArgSpec("antenna", "enum", choices=ANTENNAS),),
        ),
        CommandSpec("transmitter", "Switch the transmitter on or off", (ArgSpec("on", "bool"),)),
        CommandSpec(
            "set_rate",
            "Select the downlink data rate",
            (ArgSpec("rate_bps", "enum", "bit/s", choices=RATES_BPS),),
        ),
    )
    faults: tuple[FaultSpec, ...] = (
        FaultSpec("transmitter_failure", "The transmitter's power amplifier fails: no downlink"),
        FaultSpec(
            "antenna_degraded",
            "Extra loss in the RF path shared by both antennas (feed, diplexer, cable)",
            (ArgSpec("loss_db", "float", "dB", 0.0, 100.0, default=6.0),),
        ),
    )

    def __init__(self, context: MissionContext, config: CommsConfig | None = None) -> None:
        self.context = context
        self.config = config or CommsConfig()
        self.telemetry_points = telemetry_points(self)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> CommsModel:
        """Read `[subsystems.comms]`: every field of CommsConfig, each optional."""
        defaults = CommsConfig()
        values: dict[str, Any] = {
            key: section.float(key, getattr(defaults, key), low, high, unit)
            for key, (low, high, unit) in _BOUNDS.items()
        }
        rate_bps = section.float(
            "downlink_rate_bps",
            defaults.downlink_rate_bps,
            minimum=float(RATES_BPS[0]),
            maximum=float(RATES_BPS[-1]),
            unit="bit/s",
        )
        if str(int(rate_bps)) not in RATES_BPS or not rate_bps.is_integer():
            raise section.error("downlink_rate_bps", f"expected one of {', '.join(RATES_BPS)}")
        return cls(
            context,
            CommsConfig(
                **values,
                downlink_rate_bps=rate_bps,
                antenna=section.str("antenna", defaults.antenna, ANTENNAS),
                transmitter_on=section.bool("transmitter_on", defaults.transmitter_on),
            ),
        )

    # -- physics -------------------------------------------------------------------------------

    def antenna_gain_dbi(self, antenna: str, attitude_ok: bool) -> float:
        if antenna == "low_gain":
            return self.config.low_gain_dbi
        return self.config.high_gain_dbi if attitude_ok else self.config.high_gain_mispointed_dbi

    def budget(
        self, range_m: float, antenna: str, attitude_ok: bool, rate_bps: float, extra_loss_db: float
    ) -> LinkBudget:
        """The downlink budget at `range_m` (formulae in the module docstring)."""
        c = self.config
        range_m = max(range_m, MIN_RANGE_M)
        path_loss_db = free_space_path_loss_db(range_m, c.frequency_hz)
        eirp_dbw = (
            watts_to_dbw(c.transmit_power_w)
            + self.antenna_gain_dbi(antenna, attitude_ok)
            - c.line_loss_db
            - extra_loss_db
        )
        at_ground_dbw = eirp_dbw - path_loss_db - c.other_losses_db
        g_over_t_db_k = c.ground_gain_dbi - 10.0 * math.log10(c.ground_noise_temp_k)
        cn0_dbhz = at_ground_dbw + g_over_t_db_k - BOLTZMANN_DBW_K_HZ
        ebn0_db = cn0_dbhz - 10.0 * math.log10(rate_bps)
        return LinkBudget(
            range_m=range_m,
            path_loss_db=path_loss_db,
            eirp_dbw=eirp_dbw,
            received_dbw=at_ground_dbw + c.ground_gain_dbi,
            cn0_dbhz=cn0_dbhz,
            ebn0_db=ebn0_db,
            margin_db=ebn0_db - c.required_ebn0_db,
        )

    def _evaluate(self, state: CommsState) -> CommsState:
        """`state` with the budget and link status recomputed from its geometry and settings."""
        if state.range_m is None:
            return replace(state, link_up=False)
        budget = self.budget(
            state.range_m, state.antenna, state.attitude_ok, state.rate_bps, state.antenna_loss_db
        )
        link_up = (
            state.station_visible
            and state.transmitter_on
            and state.powered
            and not state.transmitter_failed
            and budget.margin_db >= 0.0
        )
        return replace(state, budget=budget, link_up=link_up)

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> CommsState:
        c = self.config
        return CommsState(c.antenna, c.transmitter_on, c.downlink_rate_bps)

    def step(
        self, state: CommsState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[CommsState]:
        fix, power = inputs.get(NAVIGATION), inputs.get(POWER)
        now_s = time_s + dt_s
        new = replace(
            state,
            time_s=now_s,
            powered=power.powered(self.name) if isinstance(power, PowerStatus) else True,
        )
        if isinstance(fix, NavigationFix):
            new = replace(
                new,
                station_visible=fix.station_visible,
                attitude_ok=fix.attitude_mode != DRIFT,
                range_m=fix.station_range_m,
            )
        new = self._evaluate(new)
        if new.link_up:
            sent_bits = new.downlinked_bits + new.rate_bps * dt_s
            new = replace(new, last_contact_s=now_s, downlinked_bits=sent_bits)
        return Outcome(new, tuple(_transitions(state, new)))

    def publish(self, state: CommsState) -> Mapping[str, Any]:
        margin_db = state.budget.margin_db if state.budget is not None else -math.inf
        status = CommsStatus(
            link_up=state.link_up,
            antenna=state.antenna,
            transmitter_on=state.transmitter_on,
            downlink_rate_bps=state.rate_bps,
            link_margin_db=margin_db,
            last_contact_s=state.last_contact_s,
        )
        return {
            COMMS: status,
            load_topic(self.name): LoadDemand(self.name, self.load_power_w(state)),
        }

    def load_power_w(self, state: CommsState) -> float:
        transmitter_w = self.config.transmitter_power_w if state.transmitter_on else 0.0
        return self.config.receiver_power_w + transmitter_w

    def execute(
        self, state: CommsState, command: str, args: Mapping[str, Any]
    ) -> Outcome[CommsState]:
        if command == "antenna_select":
            new = replace(state, antenna=args["antenna"])
        elif command == "transmitter":
            new = replace(state, transmitter_on=args["on"])
        elif command == "set_rate":
            new = replace(state, rate_bps=float(args["rate_bps"]))
        else:
            return super().execute(state, command, args)
        # The budget changes at once, but the link status waits for the next tick to report.
        new = self._evaluate(new)
        return Outcome(replace(new, link_up=state.link_up))

    def inject(self, state: CommsState, fault: str, params: Mapping[str, Any]) -> CommsState:
        if fault == "transmitter_failure":
            return replace(state, transmitter_failed=True)
        if fault == "antenna_degraded":
            return replace(state, antenna_loss_db=params["loss_db"])
        raise FaultError(f"comms has no fault {fault!r}")

    def clear(self, state: CommsState, fault: str) -> CommsState:
        if fault == "transmitter_failure":
            return replace(state, transmitter_failed=False)
        if fault == "antenna_degraded":
            return replace(state, antenna_loss_db=0.0)
        raise FaultError(f"comms has no fault {fault!r}")


def _budget(state: CommsState) -> LinkBudget:
    return state.budget or NO_BUDGET


def telemetry_points(m: CommsModel) -> tuple[TelemetryPoint[CommsState], ...]:
    """Every parameter of comms model `m`, in report order."""
    return (
        point("link_up", "", "downlink closed to the ground station", lambda s: s.link_up, "bool"),
        point("antenna", "", "high_gain or low_gain", lambda s: s.antenna, "str"),
        point("transmitter_on", "", "transmitter commanded on", lambda s: s.transmitter_on, "bool"),
        point("powered", "", "power reports comms switched on", lambda s: s.powered, "bool"),
        point("downlink_rate_bps", "bit/s", "selected data rate", lambda s: s.rate_bps),
        point("link_margin_db", "dB", "Eb/N0 above the required value",
              lambda s: _budget(s).margin_db),
        point("ebn0_db", "dB", "energy per bit over noise density at the ground",
              lambda s: _budget(s).ebn0_db),
        point("cn0_dbhz", "dB-Hz", "carrier over noise density at the ground",
              lambda s: _budget(s).cn0_dbhz),
        point("signal_dbm", "dBm", "power received by the ground antenna",
              lambda s: _budget(s).received_dbw + 30.0),
        point("eirp_dbw", "dBW", "effective isotropic radiated power",
              lambda s: _budget(s).eirp_dbw),
        point("path_loss_db", "dB", "free-space path loss", lambda s: _budget(s).path_loss_db),
        point("range_km", "km", "slant range to the ground station",
              lambda s: _budget(s).range_m / 1e3),
        point("station_visible", "", "a ground station above its horizon mask",
              lambda s: s.station_visible, "bool"),
        point("last_contact_s", "s", "mission time the link was last up",
              lambda s: s.last_contact_s),
        point("time_since_contact_s", "s", "seconds since the link was last up",
              lambda s: s.time_s - s.last_contact_s),
        point("downlinked_mbit", "Mbit", "data sent since mission start",
              lambda s: s.downlinked_bits / 1e6),
        point("load_power_w", "W", "electrical demand", m.load_power_w),
        point("transmitter_failed", "", "fault active", lambda s: s.transmitter_failed, "bool"),
        point("antenna_loss_db", "dB", "injected RF path loss", lambda s: s.antenna_loss_db),
        point("faults_active", "", "number of injected faults active",
              lambda s: int(s.transmitter_failed + (s.antenna_loss_db > 0.0)), "int"),
    )  # fmt: skip


def _transitions(old: CommsState, new: CommsState) -> list[Event]:
    """Acquisition and loss of signal, with the reason the link dropped."""
    if new.link_up and not old.link_up:
        margin_db = new.budget.margin_db if new.budget is not None else 0.0
        text = f"downlink acquired, margin {margin_db:.1f} dB"
        return [event("acquisition_of_signal", Severity.INFO, text, margin_db=margin_db)]
    if old.link_up and not new.link_up:
        if not new.station_visible:
            why = "station below the horizon"
        elif new.transmitter_failed or not new.powered or not new.transmitter_on:
            why = "transmitter not radiating"
        else:
            why = "link margin below zero"
        return [event("loss_of_signal", Severity.INFO, f"downlink lost: {why}", reason=why)]
    return []
