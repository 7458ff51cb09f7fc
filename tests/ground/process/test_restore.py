"""A ground that picks its run up again takes back alarms, rule states, values and commands."""

from __future__ import annotations

from pathlib import Path

from grounds import Ground, ground_on, new_ground, power, soc_low

from ground.archive import AlarmRecord, Archive
from ground.process.restore import UNSHELVED, fold_alarm_log, restore
from ground.vocabulary import AlarmState, RuleState


def crashed_and_reopened(ground: Ground) -> Ground:
    """What a crash leaves (the archive, committed) under a fresh ground with the same rules."""
    path = ground.service.archive.path
    ground.service.archive.close()
    return ground_on(Archive.open(path, readonly=False), soc_low())


def test_an_alarm_comes_back_as_the_operator_left_it_with_its_rule_in_the_same_state(
    tmp_path: Path,
) -> None:
    live = new_ground(tmp_path, soc_low())
    live.downlink(power(0, 10.0, soc=0.2), until_s=15.0)
    live.service.acknowledge("battery_soc", "ops", "known")
    resumed = crashed_and_reopened(live)
    restored = restore(resumed.service, now_s=40.0)

    [alarm] = resumed.service.alarms.active()
    assert (alarm.name, alarm.state, alarm.ack_operator) == (
        "battery_soc",
        AlarmState.ACKNOWLEDGED,
        "ops",
    )
    assert alarm.rule_state is RuleState.RED_LOW
    assert resumed.service.latest("power.battery_soc") == (10.0, 0.2)
    assert (restored.alarms, restored.reports, restored.reconciled) == (1, 1, 0)
    # Back in limits, the acknowledged alarm clears, as it would have on the first ground.
    resumed.downlink(power(1, 40.0, soc=0.8), until_s=45.0)
    assert resumed.service.alarms.active() == []


def test_a_shelved_alarm_shows_again_since_its_shelve_s_end_is_not_archived(
    tmp_path: Path,
) -> None:
    live = new_ground(tmp_path, soc_low())
    live.downlink(power(0, 10.0, soc=0.2), until_s=15.0)
    live.service.shelve("battery_soc", 3600.0, "ops")
    resumed = crashed_and_reopened(live)
    restored = restore(resumed.service, now_s=40.0)
    assert restored.unshelved == 1
    assert [a.name for a in resumed.service.alarms.active()] == ["battery_soc"]
    assert resumed.values("SELECT kind, comment FROM alarms ORDER BY id")[-1] == (
        "unshelved",
        UNSHELVED,
    )


def test_a_violation_whose_alarm_the_crash_lost_raises_it_on_resumption(tmp_path: Path) -> None:
    live = new_ground(tmp_path)  # no rules: the report is archived, no alarm is
    live.downlink(power(0, 10.0, soc=0.2), until_s=15.0)
    resumed = crashed_and_reopened(live)
    restored = restore(resumed.service, now_s=40.0)
    assert restored.reconciled == 1
    assert resumed.values("SELECT time_s, name, kind FROM alarms") == [
        (40.0, "battery_soc", "triggered")
    ]


def test_commands_in_flight_are_interrupted_and_numbering_goes_on(tmp_path: Path) -> None:
    live = new_ground(tmp_path)
    first = live.service.commander.ping()
    resumed = crashed_and_reopened(live)
    assert restore(resumed.service, now_s=40.0).interrupted == 1
    assert resumed.values("SELECT status FROM commands WHERE id = ?", first.id) == [
        ("interrupted",)
    ]
    second = resumed.service.commander.ping()
    assert (second.apid, second.seq) == (first.apid, first.seq + 1)


def record(
    kind: str, time_s: float, severity: str = "critical", operator: str | None = None
) -> AlarmRecord:
    return AlarmRecord(0, time_s, "soc", kind, severity, "soc < 0.3", 0.2, operator, None)


def test_the_alarm_log_folds_into_the_alarms_alive_at_its_end() -> None:
    assert fold_alarm_log([record("triggered", 1.0), record("returned", 2.0),
                           record("acknowledged", 3.0), record("cleared", 3.0)]) == {}  # fmt: skip
    alive = fold_alarm_log(
        [
            record("triggered", 1.0, "warning"),
            record("acknowledged", 2.0, operator="ops"),
            record("escalated", 3.0, "critical"),
        ]
    )["soc"]
    assert (alive.severity, alive.acknowledged, alive.trigger_time_s) == ("critical", False, 1.0)
