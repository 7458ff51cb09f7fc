"""The console's status says what a ground that picked its run up again has got back."""

from __future__ import annotations

from ground.api import RecoveryStatus
from ground.console.render import recovery_line


def recovery(done: bool, lost: int) -> RecoveryStatus:
    return RecoveryStatus(segment=1, start_s=200.0, end_s=3720.0, missing=2462, done=done,
                          lost=lost)  # fmt: skip


def test_the_recovery_line_says_what_is_on_its_way_what_came_back_and_what_is_lost() -> None:
    assert recovery_line(recovery(False, 0)) == (
        "2462 frames of T+200.0..T+3720.0 s on their way from the recorder"
    )
    assert recovery_line(recovery(True, 0)) == "all 2462 frames of T+200.0..T+3720.0 s recovered"
    assert recovery_line(recovery(True, 12)) == (
        "12 of 2462 frames of T+200.0..T+3720.0 s lost (recorder overwritten)"
    )
