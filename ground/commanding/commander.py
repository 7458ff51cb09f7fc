"""Everything that goes up: validation, confirmation, the command queue, numbering and tracking.

The command queue follows Yamcs: ENABLED passes commands on, BLOCKED holds them until it is
released (or enabled again), DISABLED refuses them. A command the dictionary marks hazardous is
only sent with an explicit confirmation. Every command, refused ones too, is archived with its
stages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flightsw.icd import (
    RELEASE_MARGIN_S,
    CommandError,
    InsertActivity,
    Message,
    PerformFunction,
    Ping,
)
from ground.api.feed import CommandStaged, FeedEvent, QueueChanged
from ground.archive.store import Archive
from ground.commanding.tracker import CommandTracker, StageUpdate, TrackedCommand
from ground.dictionary import Dictionary
from ground.errors import CommandRefused, GroundError
from ground.link.channel import Channel
from ground.vocabulary import CommandStatus, QueueState

log = logging.getLogger(__name__)

HELD_COMMANDS = 1000
"""Commands a blocked queue holds; more are refused (and archived as refused)."""

Publish = Callable[[FeedEvent], None]
Send = Callable[[float, bytes], None]


@dataclass(slots=True)
class Held:
    """A command the blocked queue holds, ready to go as it is."""

    command: TrackedCommand
    frame: bytes


class Commander:
    """Turn operator requests into numbered, tracked, archived telecommands on the channel."""

    def __init__(
        self,
        dictionary: Dictionary,
        archive: Archive,
        channel: Channel,
        publish: Publish,
        send: Send,
        now_s: Callable[[], float],
    ) -> None:
        self.dictionary = dictionary
        self.archive = archive
        self.channel = channel
        self.publish = publish
        self.send = send
        # What a frame becomes before it crosses the channel: signed, when telecommands are
        # authenticated (the runtime sets it), so that the channel's bit errors land on the
        # signed frame and the spacecraft refuses it (bad_crc), as the radio would deliver it.
        self.protect: Callable[[bytes], bytes | None] = lambda frame: frame
        self.now_s = now_s
        self.tracker = CommandTracker()
        self.queue_state = QueueState.ENABLED
        self.held: list[Held] = []

    # -- what operators send ---------------------------------------------------------------------

    def command(
        self,
        full_name: str,
        args: dict[str, Any],
        source: str = "operator",
        release_s: float | None = None,
        confirm: bool = False,
    ) -> TrackedCommand:
        """Validate and send a subsystem command (TC[8,1]); with `release_s`, time-tag it (TC[11,4]).

        Raises CommandRefused (archived as refused) for an unknown command, a bad argument, a
        hazardous command without `confirm`, a disabled queue or a release time too soon.
        """
        try:
            subsystem, spec, checked = self.dictionary.validate(full_name, args)
            if spec.hazardous and not confirm:
                raise CommandRefused(
                    f"{full_name} is hazardous ({spec.description}); send it again with confirm=true"
                )
            self._check_queue(full_name)
            if release_s is not None:
                self._check_release(full_name, release_s)
        except (CommandRefused, GroundError, CommandError) as error:
            self._refused(full_name, args, source, str(error))
            raise CommandRefused(str(error)) from None
        apid = self.dictionary.apids[subsystem]
        message = PerformFunction(full_name.split(".", 1)[1], checked)
        if release_s is None:
            return self._send(full_name, apid, message, checked, source)
        return self._schedule(full_name, apid, message, checked, source, release_s)

    def ping(self, target: str = "executive", source: str = "operator") -> TrackedCommand:
        if target not in self.dictionary.apids:
            raise CommandRefused(
                f"no application {target!r} (known: {', '.join(self.dictionary.apids)})"
            )
        self._check_queue(f"{target}.ping")
        return self._send(f"{target}.ping", self.dictionary.apids[target], Ping(), {}, source)

    def service(self, name: str, message: Message, source: str = "operator") -> TrackedCommand:
        """A telecommand of the flight software's own services (schedule, storage)."""
        self._check_queue(f"executive.{name}")
        return self._send(
            f"executive.{name}",
            self.dictionary.apids["executive"],
            message,
            message.to_body(),
            source,
        )

    # -- the queue -------------------------------------------------------------------------------

    def set_queue(self, state: QueueState) -> list[TrackedCommand]:
        """Enable, block or disable the queue; enabling sends what was held, disabling drops it."""
        self.queue_state = state
        self.publish(QueueChanged(time_s=self.now_s(), state=state, held=len(self.held)))
        if state == QueueState.ENABLED:
            return self.release()
        if state == QueueState.DISABLED:
            for held in self.held:
                self.stage(
                    self._refuse_tracked(held.command, "dropped: the command queue was disabled")
                )
            self.held = []
        return []

    def release(self) -> list[TrackedCommand]:
        """Send every held command now, in the order it was queued."""
        held, self.held = self.held, []
        for item in held:
            self._transmit(item.command, item.frame)
        return [item.command for item in held]

    def _check_queue(self, name: str) -> None:
        if self.queue_state == QueueState.DISABLED:
            raise CommandRefused(
                f"{name}: the command queue is disabled; enable it (`queue enabled`) to send"
            )

    def _check_release(self, name: str, release_s: float) -> None:
        earliest_s = self.now_s() + self.channel.one_way_s() + RELEASE_MARGIN_S
        if release_s < earliest_s:
            raise CommandRefused(
                f"{name} at {release_s:g} s: too soon; with the light time the earliest release is {earliest_s:.3f} s"
            )

    # -- numbering, archiving, sending -----------------------------------------------------------

    def _new(self, name: str, apid: int, message: Message, args: dict[str, Any], source: str,
             status: CommandStatus, time_tag_s: float | None = None) -> tuple[TrackedCommand, bytes]:  # fmt: skip
        seq, frame = self.tracker.encode(apid, message)
        shown = {k: (f"<{len(v)} octets>" if isinstance(v, bytes) else v) for k, v in args.items()}
        now_s = self.now_s()
        command_id = self.archive.record_command(
            now_s,
            name,
            shown,
            apid=apid,
            seq=seq,
            status=status,
            source=source,
            time_tag_s=time_tag_s,
        )
        command = TrackedCommand(
            command_id, name, shown, apid, seq, now_s, float("inf"), status=status, source=source
        )
        self.tracker.track(command)
        return command, frame

    def _send(
        self, name: str, apid: int, message: Message, args: dict[str, Any], source: str
    ) -> TrackedCommand:
        if self.queue_state == QueueState.BLOCKED:
            if len(self.held) >= HELD_COMMANDS:
                reason = (
                    f"{name}: the blocked queue already holds {len(self.held)} commands; "
                    "release or disable it (`queue release`, `queue disabled`) first"
                )
                self._refused(name, args, source, reason)
                raise CommandRefused(reason)
            command, frame = self._new(name, apid, message, args, source, CommandStatus.QUEUED)
            self.held.append(Held(command, frame))
            self._publish_stage(command, CommandStatus.QUEUED, self.now_s())
            log.info("queued %s (queue blocked, %d held)", name, len(self.held))
            return command
        command, frame = self._new(name, apid, message, args, source, CommandStatus.SENT)
        self._transmit(command, frame)
        return command

    def _transmit(self, command: TrackedCommand, frame: bytes) -> None:
        now_s = self.now_s()
        round_trip_s = 2 * self.channel.one_way_s()
        self.tracker.open_windows(command, now_s, round_trip_s)
        if command.status == CommandStatus.QUEUED:
            command.status = CommandStatus.SENT
            self.archive.update_command_status(command.id, CommandStatus.SENT)
        command.stages[CommandStatus.SENT] = now_s
        self.archive.record_verification(command.id, now_s, CommandStatus.SENT, True, None, None)
        protected = self.protect(frame)
        passage = None if protected is None else self.channel.up(now_s, protected)
        if passage is not None:
            self.send(passage.due_s, passage.frame)
        self._publish_stage(command, CommandStatus.SENT, now_s)
        log.info("uplinked %s (apid %d seq %d)", command.name, command.apid, command.seq)

    def _schedule(self, name: str, apid: int, message: Message, args: dict[str, Any], source: str,
                  release_s: float) -> TrackedCommand:  # fmt: skip
        command, frame = self._new(
            name, apid, message, args, source, CommandStatus.SCHEDULED, release_s
        )
        self.tracker.open_windows(command, release_s, 2 * self.channel.one_way_s())
        command.sent_s = self.now_s()
        self._publish_stage(command, CommandStatus.SCHEDULED, self.now_s(), release_s)
        self.service("schedule_insert", InsertActivity(release_s, frame), source)
        return command

    def _refused(self, name: str, args: dict[str, Any], source: str, reason: str) -> None:
        shown = {k: (f"<{len(v)} octets>" if isinstance(v, bytes) else v) for k, v in args.items()}
        now_s = self.now_s()
        command_id = self.archive.record_command(
            now_s, name, shown, status=CommandStatus.REFUSED, source=source
        )
        command = TrackedCommand(
            command_id,
            name,
            shown,
            -1,
            -1,
            now_s,
            now_s,
            status=CommandStatus.REFUSED,
            reason=reason,
            source=source,
        )
        self.tracker.remember(command)
        self.archive.record_verification(
            command_id, now_s, CommandStatus.REFUSED, False, None, reason
        )
        self._publish_stage(command, CommandStatus.REFUSED, now_s)
        log.info("refused %s: %s", name, reason)

    def _refuse_tracked(self, command: TrackedCommand, reason: str) -> StageUpdate:
        command.status = CommandStatus.REFUSED
        command.reason = reason
        command.stages[CommandStatus.REFUSED] = self.now_s()
        return StageUpdate(command, CommandStatus.REFUSED, self.now_s(), False, 0, reason)

    # -- verification ----------------------------------------------------------------------------

    def stage(self, update: StageUpdate) -> None:
        """Archive and publish a stage a command reached (or failed at, or timed out in)."""
        command = update.command
        self.archive.record_verification(
            command.id, update.time_s, update.stage, update.ok, update.code, update.reason
        )
        self.archive.update_command_status(command.id, command.status)
        self._publish_stage(command, update.stage, update.time_s)

    def _publish_stage(
        self,
        command: TrackedCommand,
        stage: CommandStatus,
        time_s: float,
        release_s: float | None = None,
    ) -> None:
        self.publish(
            CommandStaged(time_s=time_s, stage=stage, command=command.record(), release_s=release_s)
        )
