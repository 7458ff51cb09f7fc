"""Reports judged a batch at a time give what they give one at a time: the same transitions, in
the same order, at the same mission times, and rules left in the same state."""

from __future__ import annotations

import math
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from ground.rules.engine import Quiet, Report, Rule, RuleEngine, RuleTransition
from ground.rules.kinds import (
    CombinationRule,
    DeltaRule,
    ExpectedRule,
    LimitBands,
    LimitRule,
    StalenessRule,
)
from ground.rules.parameter_rule import RuleOptions
from ground.vocabulary import AlarmSeverity

WARNING, CRITICAL = AlarmSeverity.WARNING, AlarmSeverity.CRITICAL


def every_kind() -> list[Rule]:
    """One of each kind and mechanism: persistence, staleness, modes, per-mode limits."""
    return [
        LimitRule(
            "soc", CRITICAL, "power.soc", LimitBands(0.2, 0.3, None, None),
            limits_by_mode={"safe": LimitBands(0.1, 0.15, None, None)},
            options=RuleOptions(persistence=2, stale_after_s=30.0),
        ),
        LimitRule("volts", WARNING, "power.volts", LimitBands(24.0, 26.0, 34.0, 36.0)),
        DeltaRule("soc_jump", WARNING, "power.soc", 0.3),
        DeltaRule(
            "volts_rate", WARNING, "power.volts", 2.0, per_second=True,
            options=RuleOptions(modes=frozenset({"nominal"})),
        ),
        ExpectedRule("array", WARNING, "power.array", True, options=RuleOptions(persistence=3)),
        StalenessRule("heartbeat", CRITICAL, "fdir.ticks", options=RuleOptions(stale_after_s=20.0)),
        CombinationRule("power_trouble", CRITICAL, "any", ["soc", "volts"]),
    ]  # fmt: skip


def one_at_a_time(
    engine: RuleEngine, batches: Sequence[Sequence[Report]], ticks_s: Sequence[float]
) -> list[RuleTransition]:
    changed: list[RuleTransition] = []
    for batch, tick_s in zip(batches, ticks_s, strict=True):
        for time_s, subsystem, params in batch:
            changed += engine.update_report(time_s, subsystem, params)
        changed += engine.tick(tick_s)
    return changed


def in_batches(
    engine: RuleEngine, batches: Sequence[Sequence[Report]], ticks_s: Sequence[float]
) -> list[RuleTransition]:
    changed: list[RuleTransition] = []
    for batch, tick_s in zip(batches, ticks_s, strict=True):
        changed += engine.update_reports(batch)
        changed += engine.tick(tick_s)
    return changed


# Values near each rule's thresholds, mostly nominal (so most batches move nothing), with the
# values rules cannot judge: NaN, text, a missing parameter.
socs = st.sampled_from([0.9, 0.9, 0.8, 0.85, 0.25, 0.12, 0.05, math.nan, "low", None])
volts = st.sampled_from([30.0, 30.0, 30.5, 31.0, 25.0, 35.0, 40.0, 20.0, math.nan, None])
arrays = st.sampled_from([True, True, True, False, 1, "on", None])
modes = st.sampled_from(["nominal", "nominal", "nominal", "safe", None])


@st.composite
def report_streams(draw: st.DrawFn) -> tuple[list[list[Report]], list[float]]:
    """Batches of power and FDIR reports, times never going back (some repeated), and the
    time of the staleness tick after each batch."""
    batches: list[list[Report]] = []
    ticks_s: list[float] = []
    time_s = 0.0
    for _ in range(draw(st.integers(1, 12))):
        batch: list[Report] = []
        for _ in range(draw(st.integers(1, 8))):
            time_s += draw(st.sampled_from([0.0, 1.0, 1.0, 2.5, 25.0]))
            if draw(st.booleans()):
                power = {"soc": draw(socs), "volts": draw(volts), "array": draw(arrays)}
                batch.append((time_s, "power", {k: v for k, v in power.items() if v is not None}))
            else:
                fdir = {"mode": draw(modes), "ticks": time_s}
                batch.append((time_s, "fdir", {k: v for k, v in fdir.items() if v is not None}))
        batches.append(batch)
        ticks_s.append(time_s + draw(st.sampled_from([0.0, 5.0, 40.0])))
    return batches, ticks_s


@settings(max_examples=400, deadline=None)
@given(stream=report_streams())
def test_batches_give_the_transitions_reports_give_one_at_a_time(
    stream: tuple[list[list[Report]], list[float]],
) -> None:
    batches, ticks_s = stream
    single, batched = RuleEngine(every_kind()), RuleEngine(every_kind())
    assert in_batches(batched, batches, ticks_s) == one_at_a_time(single, batches, ticks_s)
    assert batched.states() == single.states()
    # What the rules remember (persistence counts, the last sample's time, a delta's previous
    # sample) shows in what the same next reports do to each.
    after = [[(ticks_s[-1] + 1.0, "power", {"soc": 0.25, "volts": 36.5, "array": False})]] * 3
    later_s = [ticks_s[-1] + 1.0 + 40.0 * i for i in range(1, 4)]
    assert one_at_a_time(batched, after, later_s) == one_at_a_time(single, after, later_s)


def test_a_nominal_batch_moves_nothing_and_keeps_the_staleness_clock_running_from_its_last_sample() -> (
    None
):
    engine = RuleEngine(every_kind())
    engine.tick(0.0)
    nominal: list[Report] = [
        (float(t), "power", {"soc": 0.9, "volts": 30.0, "array": True}) for t in range(10)
    ] + [(9.0, "fdir", {"mode": "nominal", "ticks": 9.0})]
    engine.update_report(0.0, "fdir", {"mode": "nominal", "ticks": 0.0})
    assert engine.update_reports(nominal) == []
    # soc was last sampled at 9 s: 30 s after is not stale yet, 30.5 s after is.
    assert [t.rule for t in engine.tick(9.0 + 30.0)] == ["heartbeat"]  # 20 s after its 9 s
    went_stale = engine.tick(9.0 + 30.5)
    assert [(t.rule, t.time_s) for t in went_stale] == [("soc", 39.5), ("power_trouble", 39.5)]


class CountingLimit(LimitRule):
    """A limit rule that counts how it was given its samples."""

    __slots__ = ("sampled", "settled")

    def __init__(self) -> None:
        super().__init__("volts", WARNING, "power.volts", LimitBands(24.0, 26.0, 34.0, 36.0))
        self.sampled = self.settled = 0

    def sample(self, time_s: float, value: object) -> RuleTransition | None:  # type: ignore[override]
        self.sampled += 1
        return super().sample(time_s, value)  # type: ignore[arg-type]

    def settle(self, quiet: Quiet) -> None:
        self.settled += 1
        super().settle(quiet)


def test_a_nominal_batch_is_judged_a_column_at_a_time_and_a_violating_one_report_by_report() -> (
    None
):
    rule = CountingLimit()
    engine = RuleEngine([rule])
    engine.tick(0.0)
    engine.update_reports([(float(t), "power", {"volts": 30.0}) for t in range(10)])
    assert (rule.settled, rule.sampled) == (1, 0)
    moved = engine.update_reports([(float(t), "power", {"volts": 30.0 + t}) for t in range(10)])
    assert [(t.rule, t.time_s) for t in moved] == [("volts", 5.0), ("volts", 7.0)]  # > 34, > 36
    assert (rule.settled, rule.sampled) == (1, 10)


def test_values_a_rule_cannot_judge_do_not_refresh_its_staleness_in_a_batch() -> None:
    soc = LimitRule(
        "soc", CRITICAL, "power.soc", LimitBands(red_low=0.2),
        options=RuleOptions(stale_after_s=30.0),
    )  # fmt: skip
    engine = RuleEngine([soc])
    engine.update_reports([(0.0, "power", {"soc": 0.9})])
    unjudgeable: list[Report] = [(t, "power", {"soc": math.nan}) for t in (10.0, 20.0, 29.0)]
    unjudgeable.append((29.5, "power", {"soc": "low"}))
    assert engine.update_reports(unjudgeable) == []
    assert [(t.rule, t.new_state.value) for t in engine.tick(30.5)] == [("soc", "STALE")]
