"""Another spacecraft under a running ground: the old one's segment closes, the next begins."""

from __future__ import annotations

from pathlib import Path

from grounds import POWER_APID, event, new_ground, power, soc_low

from ground.api import SequenceGap
from ground.process.segments import begin_segment
from tests.downlink import down


def test_a_new_segment_closes_the_old_spacecraft_s_business_and_starts_the_ground_afresh(
    tmp_path: Path,
) -> None:
    ground = new_ground(tmp_path, soc_low())
    ground.downlink(power(0, 10.0), power(1, 20.0, soc=0.2), until_s=25.0)
    pending = ground.service.commander.ping()
    down(ground.service, power(2, 30.0, soc=0.2))  # on its way when the old one dies
    assert len(ground.service.alarms.active()) == 1

    assert begin_segment(ground.service, 0.0, "another spacecraft flies: a test") == 2

    service = ground.service
    assert (service.archive.segment, service.now_s) == (2, 0.0)
    assert service.alarms.active() == [] and service.latest("power.battery_soc") is None
    assert service.commands.commands[pending.id].status == "interrupted"
    # The frame that was on its way arrived, in segment 1, and the alarm cleared there too.
    assert ground.values("SELECT segment, generated_s FROM frames WHERE seq = 2") == [(1, 30.0)]
    assert ground.values("SELECT segment, kind, time_s FROM alarms ORDER BY id")[-1] == (
        1,
        "cleared",
        32.0,
    )
    [(number, start_s, wall_time, reason)] = ground.values(
        "SELECT * FROM segments WHERE segment = 2"
    )
    assert (number, start_s, reason) == (2, 0.0, "another spacecraft flies: a test")
    assert wall_time is not None
    assert ground.values("SELECT segment, time_s, name FROM events") == [(2, 0.0, "new_segment")]

    # The new spacecraft counts from 0 (no gap), and its low battery is judged afresh.
    ground.downlink(event(0, 0.0), power(0, 1.0, soc=0.2), until_s=5.0)
    assert [e for e in ground.published if isinstance(e, SequenceGap)] == []
    assert [a.name for a in service.alarms.active()] == ["battery_soc"]
    assert ground.values(
        "SELECT segment, count(*) FROM frames WHERE apid = ? GROUP BY segment", POWER_APID
    ) == [(1, 3), (2, 1)]
