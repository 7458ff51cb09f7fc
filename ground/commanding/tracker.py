"""Commanding: build telecommands, number them per APID, and track their verification stages.

A command's life on the ground is a `CommandStatus` (ground.vocabulary). Acceptance and
completion each have a window that includes the round-trip light time; a command whose stage
does not come in its window is TIMED_OUT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flightsw.icd import (
    SEQUENCE_MODULO,
    ErrorCode,
    Message,
    Stage,
    Verification,
    encode_body,
    encode_tc,
)
from ground.api.records import Command
from ground.vocabulary import CommandStatus

COMMANDS_KEPT = 10_000
"""Commands a tracker keeps in memory: every one still waiting for a stage, and the newest
finished ones up to this many (the archive keeps every command ever sent or refused)."""

_STAGE_NAMES = {
    Stage.ACCEPTED: CommandStatus.ACCEPTED,
    Stage.STARTED: CommandStatus.STARTED,
    Stage.PROGRESS: CommandStatus.PROGRESS,
    Stage.COMPLETED: CommandStatus.COMPLETED,
}


@dataclass(slots=True)
class TrackedCommand:
    """A command sent by the ground and what has been heard of it."""

    id: int
    name: str
    args: dict[str, Any]
    apid: int
    seq: int
    sent_s: float
    deadline_s: float  # completion window closes
    status: CommandStatus = CommandStatus.SENT
    accept_deadline_s: float = math.inf  # acceptance window closes
    stages: dict[CommandStatus, float] = field(default_factory=dict)
    code: int = 0
    reason: str = ""
    source: str = ""  # who sent it (archived in the commands table's `source`)

    def record(self) -> Command:
        """What the control API and the live feed tell of this command, as it is now."""
        return Command(
            id=self.id,
            name=self.name,
            args=self.args,
            apid=self.apid,
            seq=self.seq,
            sent_s=self.sent_s,
            status=self.status,
            stages=dict(self.stages),
            code=self.code,
            error=ErrorCode(self.code).name if self.code in ErrorCode._value2member_map_ else "",
            reason=self.reason,
            operator=self.source,
        )


@dataclass(frozen=True, slots=True)
class StageUpdate:
    """A stage a command reached (or failed at) at a mission time."""

    command: TrackedCommand
    stage: CommandStatus
    time_s: float
    ok: bool
    code: int = 0
    reason: str = ""


_NOT_FOLLOWED = (CommandStatus.FAILED, CommandStatus.TIMED_OUT, CommandStatus.INTERRUPTED)


class CommandTracker:
    """Number outgoing telecommands and match the verification reports that come back."""

    def __init__(
        self,
        source_id: int = 1,
        acceptance_margin_s: float = 10.0,
        completion_margin_s: float = 30.0,
    ) -> None:
        self.source_id = source_id
        self.acceptance_margin_s = acceptance_margin_s
        self.completion_margin_s = completion_margin_s
        self._seq: dict[int, int] = {}
        self._by_request: dict[tuple[int, int], TrackedCommand] = {}
        self.commands: dict[int, TrackedCommand] = {}

    def encode(self, apid: int, message: Message) -> tuple[int, bytes]:
        """Encode `message` as the next telecommand on `apid`; return its sequence count and frame."""
        seq = self._seq.get(apid, 0)
        self._seq[apid] = (seq + 1) % SEQUENCE_MODULO
        return seq, encode_tc(
            apid, seq, message.service, message.subtype, encode_body(message), self.source_id
        )

    def track(self, command: TrackedCommand) -> None:
        """Follow a sent command's verification reports by its APID and sequence count."""
        self.remember(command)
        self._by_request[(command.apid, command.seq)] = command

    def remember(self, command: TrackedCommand) -> None:
        """Keep a command for `commands`; past `COMMANDS_KEPT`, forget the oldest finished ones
        (a tenth of the bound at a time, so a flood costs one sweep per thousand commands)."""
        self.commands[command.id] = command
        if len(self.commands) <= COMMANDS_KEPT:
            return
        excess = len(self.commands) - COMMANDS_KEPT + COMMANDS_KEPT // 10
        finished = [c.id for c in self.commands.values() if c.status.final][:excess]
        for command_id in finished:
            forgotten = self.commands.pop(command_id)
            if self._by_request.get((forgotten.apid, forgotten.seq)) is forgotten:
                del self._by_request[(forgotten.apid, forgotten.seq)]

    def deadline_s(self, sent_s: float, round_trip_s: float) -> float:
        return sent_s + round_trip_s + self.completion_margin_s

    def open_windows(self, command: TrackedCommand, sent_s: float, round_trip_s: float) -> None:
        """Start a command's verification windows from the moment it leaves (or is released)."""
        command.sent_s = sent_s
        command.accept_deadline_s = sent_s + round_trip_s + self.acceptance_margin_s
        command.deadline_s = sent_s + round_trip_s + self.completion_margin_s

    def on_verification(self, report: Verification, time_s: float) -> StageUpdate | None:
        """Apply a TM[1,x] report; None if it quotes no command this ground sent."""
        tracked = self._by_request.get((report.request_apid, report.request_seq))
        if tracked is None or tracked.status in _NOT_FOLLOWED:
            return None
        stage = Stage(report.stage)
        if stage.failed:
            tracked.status = CommandStatus.FAILED
            tracked.code = report.code
            tracked.reason = report.reason
            tracked.stages[CommandStatus.FAILED] = time_s
            return StageUpdate(
                tracked, CommandStatus.FAILED, time_s, False, report.code, report.reason
            )
        name = _STAGE_NAMES[stage]
        tracked.stages[name] = time_s
        if tracked.status != CommandStatus.COMPLETED:
            tracked.status = name
        return StageUpdate(tracked, name, time_s, True)

    def expire(self, now_s: float) -> list[StageUpdate]:
        """Mark TIMED_OUT every command whose acceptance or completion window has closed."""
        expired = []
        for tracked in self.commands.values():
            if tracked.status.final or tracked.status == CommandStatus.QUEUED:
                continue
            if CommandStatus.ACCEPTED not in tracked.stages and now_s > tracked.accept_deadline_s:
                window_s = tracked.accept_deadline_s - tracked.sent_s
                tracked.reason = f"not accepted within {window_s:.1f} s of sending"
            elif now_s > tracked.deadline_s:
                window_s = tracked.deadline_s - tracked.sent_s
                tracked.reason = f"no completion within {window_s:.1f} s of sending"
            else:
                continue
            expired.append(_time_out(tracked, now_s, tracked.reason))
        return expired

    def give_up(self, now_s: float, reason: str) -> list[StageUpdate]:
        """Mark TIMED_OUT, for `reason`, every command still awaiting its verification: the
        spacecraft has fallen silent and no report will come."""
        return [
            _time_out(tracked, now_s, reason)
            for tracked in self.commands.values()
            if not tracked.status.final and tracked.status != CommandStatus.QUEUED
        ]

    def pending(self) -> list[TrackedCommand]:
        return [c for c in self.commands.values() if not c.status.final]

    def interrupt(self, time_s: float, reason: str) -> list[StageUpdate]:
        """Mark INTERRUPTED every command sent to a spacecraft that is gone (held ones stay held:
        they go to the next one when the queue lets them)."""
        interrupted = []
        for tracked in self.pending():
            if tracked.status == CommandStatus.QUEUED:
                continue
            tracked.status = CommandStatus.INTERRUPTED
            tracked.reason = reason
            tracked.stages[CommandStatus.INTERRUPTED] = time_s
            interrupted.append(
                StageUpdate(tracked, CommandStatus.INTERRUPTED, time_s, False, 0, reason)
            )
        return interrupted

    def continue_numbering(self, next_seq: dict[int, int]) -> None:
        """Number the next telecommand of each APID from `next_seq` (a run picked up again:
        a verification of an earlier command must not be taken for a new one's)."""
        self._seq.update({apid: seq % SEQUENCE_MODULO for apid, seq in next_seq.items()})


def _time_out(tracked: TrackedCommand, now_s: float, reason: str) -> StageUpdate:
    tracked.status = CommandStatus.TIMED_OUT
    tracked.reason = reason
    tracked.stages[CommandStatus.TIMED_OUT] = now_s
    return StageUpdate(tracked, CommandStatus.TIMED_OUT, now_s, False, 0, reason)
