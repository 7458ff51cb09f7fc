"""A ground that picked its run up again asks the recorder for what it lacks, and counts the rest."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from grounds import POWER_APID, Ground, completed, dump, new_ground, power

from flightsw.icd import DumpStore, decode_body
from ground.process.attachment import Attachment
from ground.process.recovery import find_gap


def flown_to(now_s: float, made: int) -> Attachment:
    """The spacecraft at `now_s`, having made `made` power frames (and nothing else)."""
    return Attachment(generation=1, time_s=now_s, tick_s=1.0, downlink_sent=made, truth_sent=0,
                      uplink_received=0, generated=MappingProxyType({POWER_APID: made}))  # fmt: skip


@pytest.fixture
def ground(tmp_path: Path) -> Ground:
    """A ground that archived power frames 0..4 (made at T+1..5 s) before it died."""
    ground = new_ground(tmp_path)
    ground.downlink(*(power(seq, 1.0 + seq) for seq in range(5)), until_s=10.0)
    return ground


def recover(ground: Ground, dumped: list[int]) -> None:
    """Ask for the gap up to T+20 s (10 frames made), then let the dump of `dumped` come down."""
    gap = find_gap(ground.service.archive, 1, flown_to(20.0, 10), segment_start_s=0.0)
    assert gap is not None
    ground.service.now_s = 20.0
    ground.service.recover(gap)
    [asked] = ground.sent()
    assert decode_body(asked) == DumpStore(start_s=5.0, end_s=20.0)  # from the last archived
    frames = [power(seq, 1.0 + seq) for seq in dumped]
    ground.downlink(dump(frames, seq=0, time_s=22.0), completed(asked, seq=1, time_s=22.0),
                    until_s=30.0)  # fmt: skip


def test_the_gap_is_what_the_spacecraft_made_and_the_archive_lacks(ground: Ground) -> None:
    gap = find_gap(ground.service.archive, 1, flown_to(20.0, 10), segment_start_s=0.0)
    assert gap is not None
    assert (gap.start_s, gap.end_s, gap.missing) == (5.0, 20.0, {POWER_APID: 5})
    assert find_gap(ground.service.archive, 1, flown_to(20.0, 5), segment_start_s=0.0) is None


def test_the_dump_brings_back_only_what_the_archive_lacks_and_says_so(ground: Ground) -> None:
    recover(ground, dumped=[4, 5, 6, 7, 8, 9])  # 4 was archived before the crash
    status = ground.service.status()
    assert status.recovery is not None and status.recovery.done and status.recovery.lost == 0
    assert (status.playback.recovered, status.playback.duplicates) == (5, 1)
    assert ground.values("SELECT seq FROM frames WHERE apid = ? ORDER BY seq", POWER_APID) == [
        (seq,) for seq in range(10)
    ]
    [(name, severity)] = ground.values(
        "SELECT name, severity FROM events WHERE subsystem = 'ground'"
    )
    assert (name, severity) == ("telemetry_recovered", 1)


def test_what_the_recorder_no_longer_held_is_a_counted_loss_with_its_interval(
    ground: Ground,
) -> None:
    recover(ground, dumped=[7, 8, 9])  # 5 and 6 were overwritten onboard
    status = ground.service.status()
    assert status.recovery is not None and status.recovery.done and status.recovery.lost == 2
    [(name, severity, message, params)] = ground.values(
        "SELECT name, severity, message, params FROM events WHERE subsystem = 'ground'"
    )
    assert (name, severity) == ("telemetry_lost", 3)
    assert message.startswith("2 of the 5 frames missed while the ground was down are lost")
    assert "made between T+5.0 s and T+20.0 s" in str(message)
    assert '"lost_apid_17":2' in str(params) and '"start_s":5.0' in str(params)
