"""Attaching to a spacecraft: its counts when the ground met it, and what arrives from before.

The stepping handshakes compare counts (docs/icd.md, "Stepping handshake"): a truth message or a
step reply says how many downlink messages and truth messages the spacecraft has sent, and the ground
waits until it has received as many. A ground that comes up beside a spacecraft that has been
flying (after a crash, or started late) cannot count from zero: it asks the sim port's `status`
and starts from the spacecraft's own counts. What the spacecraft sent before that answer and
still reaches the ground is told apart:

- a downlink message by its first packet's sequence count (a message begins with a packet,
  docs/icd.md): the spacecraft's first packet on an APID after the attachment carries the count
  `generated[apid]` (modulo 16384); messages arrive in the order sent, so every message before
  the first that begins with such a packet is from before (`Backlog`);
- a truth message by its time: ticks only move forward, and the attachment was answered at or
  after the last tick whose truth was sent before it. Such a truth is dropped: its frames are
  part of the attachment's count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from flightsw.icd import (
    SEQUENCE_MODULO,
    Truth,
    first_packet,
    peek_tm_identity,
    peek_tm_time_s,
    simport,
)


@dataclass(frozen=True, slots=True)
class Attachment:
    """The spacecraft's counts when this ground attached to it (its sim port's `status`)."""

    generation: int
    time_s: float
    tick_s: float
    downlink_sent: int
    truth_sent: int
    uplink_received: int
    generated: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    # The last telecommand sequence number it took, by SPI (empty: it does not authenticate).
    tc_sequence: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    tc_active_spi: int | None = None  # the key it takes telecommands under now
    uplink_waiting: int = 0  # telecommands on board waiting for their arrival time

    @classmethod
    def from_status(cls, reply: simport.StatusReply) -> Attachment:
        return cls(
            generation=reply.generation,
            time_s=reply.time_s,
            tick_s=reply.tick_s,
            downlink_sent=reply.downlink_sent,
            truth_sent=reply.truth_sent,
            uplink_received=reply.uplink_received,
            generated=MappingProxyType(dict(reply.generated)),
            tc_sequence=MappingProxyType(dict(reply.tc_sequence)),
            tc_active_spi=reply.tc_active_spi,
            uplink_waiting=_count(reply.executive.get("uplink_queued")),
        )

    @classmethod
    def fresh(cls, tick_s: float, generation: int = 1) -> Attachment:
        """A spacecraft that has sent nothing yet (a reset's new one)."""
        return cls(generation=generation, time_s=0.0, tick_s=tick_s, downlink_sent=0,
                   truth_sent=0, uplink_received=0)  # fmt: skip

    def first_after(self, apid: int, seq: int) -> bool:
        """Whether frame `seq` of `apid` is the first the spacecraft made there after attaching."""
        return seq == self.generated.get(apid, 0) % SEQUENCE_MODULO

    def sent_before(self, truth: Truth) -> bool:
        """Whether this spacecraft's `truth` was sent before the attachment was answered.

        Both times are the spacecraft's own numbers, not rounded on the way: the first tick after
        the attachment is a whole tick later.
        """
        return truth.time_s <= self.time_s

    def describe(self) -> str:
        frames = sum(self.generated.values())
        return (
            f"generation {self.generation} at T+{self.time_s:.1f} s, {frames} frames made, "
            f"{self.downlink_sent} sent"
        )


@dataclass(frozen=True, slots=True)
class Known:
    """What a ground last knew of a spacecraft: from its archive, or from what came down since
    it attached. Within one spacecraft each of these only grows."""

    time_s: float
    downlink_sent: int = 0
    generated: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    generation: int | None = None


def why_another(known: Known, now: Attachment) -> str | None:
    """Why the spacecraft attached `now` cannot be the one `known` described, or None if it can.

    A tick of slack on the time absorbs what is stamped between ticks: a telecommand's answer
    carries its arrival time, which the status (the last tick's time) may not have reached.
    """
    if known.generation is not None and now.generation != known.generation:
        return f"its generation went from {known.generation} to {now.generation}"
    if now.time_s + now.tick_s < known.time_s:
        return f"its mission time went back from T+{known.time_s:.1f} s to T+{now.time_s:.1f} s"
    if now.downlink_sent < known.downlink_sent:
        return f"its frame count went back from {known.downlink_sent} to {now.downlink_sent}"
    for apid, count in sorted(known.generated.items()):
        made = now.generated.get(apid, 0)
        if made < count:
            return f"it has made {made} frames on APID {apid}, where {count} were known"
    return None


class Backlog:
    """The frames a spacecraft sent before the attachment that still reach the ground.

    They come first (a socket keeps their order). Until the first frame sent after the
    attachment arrives, the ground cannot know how many of the frames sent before were lost (to
    a ground that died holding them): it counts those that come as if none were, and when the
    backlog is over adds those that never came, so its count is the spacecraft's again. The
    backlog is over at the first frame sent after the attachment, or once nothing has come for
    `QUIET_S` wall seconds (a stepped spacecraft sends nothing until it is stepped).
    """

    QUIET_S = 2.0

    __slots__ = ("attachment", "last_s", "open", "received")

    def __init__(self, attachment: Attachment, now_s: float) -> None:
        self.attachment = attachment
        self.open = attachment.downlink_sent > 0
        self.received = 0
        self.last_s = now_s  # wall time of the last arrival

    def take(self, message: bytes, now_s: float) -> int:
        """Note a downlink message arriving at wall time `now_s`; return how many messages the
        ground's count grows by: this one, and those lost before it when it ends the backlog."""
        if not self.open:
            return 1
        identity = peek_tm_identity(first_packet(message))
        if identity is not None and self.attachment.first_after(*identity):
            return 1 + self._close()
        self.received += 1
        self.last_s = now_s
        return 1

    def settle(self, now_s: float) -> int:
        """End a backlog that has been quiet long enough; return the frames it lost (0: none,
        or still open)."""
        if self.open and now_s - self.last_s > self.QUIET_S:
            return self._close()
        return 0

    def _close(self) -> int:
        self.open = False
        return max(self.attachment.downlink_sent - self.received, 0)


class Flying:
    """The spacecraft a ground flies with: its attachment, and what has come of it since.

    It tells which truth messages to take in, and notices the signs of another spacecraft (a
    restarted or replaced process): a frame that starts an APID's count again from before the
    ground's clock, truth whose time or counts go back, or of a generation no reset retired.
    A sign is only a reason to ask the spacecraft's status; `why_another` decides.
    """

    def __init__(self, attachment: Attachment, retired: set[int] | None = None) -> None:
        self.attachment = attachment
        # None between a reset's stop and start: no truth belongs to the run then.
        self.generation: int | None = attachment.generation
        self.retired = retired if retired is not None else set()  # a reset's old generations
        self.last_truth: Truth | None = None  # the latest taken in

    def suspects(self, truth: Truth) -> str | None:
        """What in `truth` is a sign of another spacecraft (None: nothing)."""
        if self.generation is None or truth.generation in self.retired:
            return None
        if truth.generation != self.generation:
            return f"truth of generation {truth.generation} where {self.generation} flew"
        last = self.last_truth
        if last is not None and (
            truth.time_s < last.time_s or truth.downlink_sent < last.downlink_sent
        ):
            return (
                f"truth went back from T+{last.time_s:.1f} s to T+{truth.time_s:.1f} s "
                f"({last.downlink_sent} frames sent to {truth.downlink_sent})"
            )
        return None

    def takes(self, truth: Truth) -> bool:
        """Whether to take `truth` in (once `suspects` has found nothing): not a reset's old
        spacecraft's late words, nor one sent before the attachment, whose counts include it."""
        if self.generation is None or truth.generation in self.retired:
            return False
        if self.last_truth is None and self.attachment.sent_before(truth):
            return False
        self.last_truth = truth
        return True

    def suspects_frame(self, message: bytes, ground_now_s: float) -> bool:
        """Whether a downlink message's first packet starts an APID's count again from a tick or
        more before the ground's clock: the start-up event of a spacecraft that has just
        started, under a ground that had been flying with another."""
        packet = first_packet(message)
        identity = peek_tm_identity(packet)
        if identity is None or identity[1] != 0:
            return False
        sent_s = peek_tm_time_s(packet)
        return sent_s is not None and sent_s + self.attachment.tick_s < ground_now_s

    def known(self) -> Known:
        """What came down of the spacecraft since the ground attached to it."""
        attachment, last = self.attachment, self.last_truth
        return Known(
            time_s=max(attachment.time_s, 0.0 if last is None else last.time_s),
            downlink_sent=max(attachment.downlink_sent, 0 if last is None else last.downlink_sent),
            generated=attachment.generated,
            generation=self.generation,
        )


def _count(value: object) -> int:
    """A count from the executive's housekeeping, 0 if it is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
