"""Ingest checks: every downlinked frame is parsed, checked and counted, good or bad.

A transfer frame is checked first (`transfer_frame`: its length, FECF and header, and its
transmit time against the ground's clock); then each packet it carries, when it lands.
Packet checks, in order: the CCSDS header and CRC (`flightsw.icd.packet.decode`), the APID against
the dictionary, the generation time against the ground's clock (at most `MAX_AHEAD_S` ahead),
the body against the ICD and a report against the dictionary (its application is the APID's,
its parameters are the dictionary's), then the per-APID sequence count (a jump is a gap: frames
lost on the way). A refused frame never touches the sequence count, so a forged one cannot make
a real one look lost. A bad frame is counted under its reason and never stops the ground.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass

from flightsw.icd import (
    MAX_AHEAD_S,
    SEQUENCE_MODULO,
    FrameError,
    Housekeeping,
    Message,
    Packet,
    PacketType,
    ParameterValues,
    TransferFrame,
    decode,
    decode_body,
    decode_frame,
)


@dataclass(frozen=True, slots=True)
class Gap:
    """Frames missing on one APID between two that arrived."""

    apid: int
    expected_seq: int
    found_seq: int

    @property
    def missing(self) -> int:
        return (self.found_seq - self.expected_seq) % SEQUENCE_MODULO


def _not_ahead(stamped: str, time_s: float, now_s: float | None) -> None:
    """FrameError `time_ahead` if `time_s` is more than `MAX_AHEAD_S` after the ground's
    mission time `now_s` (None: not checked); `stamped` says what the time is."""
    if now_s is not None and time_s > now_s + MAX_AHEAD_S:
        raise FrameError(
            "time_ahead",
            f"{stamped} at {time_s:.6g} s, more than {MAX_AHEAD_S:g} s after the ground's "
            f"mission time {now_s:.6g} s",
        )


class IngestChecks:
    """Parse and check frames, keeping the counts the ground reports on its status."""

    def __init__(
        self, apid_names: dict[int, str], parameters: dict[str, frozenset[str]] | None = None
    ) -> None:
        self.apid_names = apid_names
        # Each application's parameter names; None: reports are not checked against them.
        self.parameters = parameters
        self.transfer_frames = 0
        self.transfer_frames_refused = 0
        self.transfer_frames_lost = 0  # by the virtual channel frame count
        self.octets_dropped = 0  # of packets cut by a lost frame
        self.frames = 0
        self.good = 0
        self.refused = Counter[str]()
        self.gaps = 0
        self.frames_missing = 0
        self._next_seq: dict[int, int] = {}

    def transfer_frame(self, octets: bytes, now_s: float | None = None) -> TransferFrame:
        """Check a transfer frame, and with `now_s` that it was not sent more than
        `MAX_AHEAD_S` after it; raise FrameError (counted) if it is bad."""
        self.transfer_frames += 1
        try:
            frame = decode_frame(octets)
            _not_ahead("a transfer frame sent", frame.time_s, now_s)
        except FrameError as error:
            self.refuse_transfer_frame(error.reason)
            raise
        return frame

    def refuse_transfer_frame(self, reason: str) -> None:
        """Count a transfer frame (or a downlink message not of whole frames) refused."""
        self.transfer_frames_refused += 1
        self.count(reason)

    def parse(self, frame: bytes, now_s: float | None = None) -> Packet:
        """Check the header and CRC of a downlinked frame, and with `now_s` that it was not
        generated more than `MAX_AHEAD_S` after it; raise FrameError (counted) if it is bad."""
        self.frames += 1
        try:
            packet = decode(frame)
            if packet.packet_type is not PacketType.TM:
                raise FrameError(
                    "not_telemetry", f"a TC packet (APID {packet.apid}) came down the downlink"
                )
            if packet.apid not in self.apid_names:
                raise FrameError("unknown_apid", f"APID {packet.apid} is not in the dictionary")
            _not_ahead("generated", packet.time_s, now_s)
        except FrameError as error:
            self.count(error.reason)
            raise
        return packet

    def count(self, reason: str) -> None:
        """Count a frame refused under `reason` (the checks here count their own)."""
        self.refused[reason] += 1

    def sequence(self, packet: Packet) -> Gap | None:
        """Note the packet's sequence count; return the gap before it, if any."""
        expected = self._next_seq.get(packet.apid)
        self._next_seq[packet.apid] = (packet.seq + 1) % SEQUENCE_MODULO
        if expected is None or expected == packet.seq:
            return None
        gap = Gap(packet.apid, expected, packet.seq)
        self.gaps += 1
        self.frames_missing += gap.missing
        return gap

    def restart(self) -> None:
        """Forget every APID's sequence count: another spacecraft counts from 0 (no gap)."""
        self._next_seq.clear()

    def continue_from(self, last_seq: dict[int, int]) -> None:
        """Expect, on each APID, the frame after `last_seq` (a run picked up again: what was
        lost meanwhile is a gap, and the recorder's dump fills it)."""
        self._next_seq.update({apid: (seq + 1) % SEQUENCE_MODULO for apid, seq in last_seq.items()})

    def body(self, packet: Packet) -> Message:
        """Decode the application data and check a report against the dictionary; raise
        FrameError (counted) if either does not hold."""
        try:
            message = decode_body(packet)
            if isinstance(message, Housekeeping | ParameterValues):
                self._report(packet.apid, message)
        except FrameError as error:
            self.count(error.reason)
            raise
        self.good += 1
        return message

    def _report(self, apid: int, report: Housekeeping | ParameterValues) -> None:
        """A report names its APID's application and only that application's parameters: what
        the ground keeps per application and parameter then grows only with the dictionary."""
        owner = self.apid_names[apid]
        if report.subsystem != owner:
            raise FrameError(
                "wrong_application",
                f"a report of {report.subsystem[:64]!r} on APID {apid}, which is {owner}'s",
            )
        if self.parameters is None:
            return
        names = report.params if isinstance(report, Housekeeping) else report.values
        known = self.parameters.get(owner, frozenset())
        if not names.keys() <= known:
            unknown = sorted(name[:64] for name in names.keys() - known)
            shown = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
            raise FrameError(
                "unknown_parameter",
                f"{owner} has no parameter {shown} in the dictionary ({len(unknown)} unknown)",
            )

    def counters(self) -> dict[str, object]:
        return {
            "transfer_frames": self.transfer_frames,
            "transfer_frames_refused": self.transfer_frames_refused,
            "transfer_frames_lost": self.transfer_frames_lost,
            "octets_dropped": self.octets_dropped,
            "frames": self.frames,
            "good": self.good,
            "refused": sum(self.refused.values()),
            "refused_by_reason": dict(self.refused),
            "gaps": self.gaps,
            "frames_missing": self.frames_missing,
        }


class SeenFrames:
    """The identities (APID, sequence count, generation time) of recent frames, to drop duplicates.

    A recorder dump replays frames that may already have come down live; only those the ground
    missed are new. The memory is bounded: frames older than the last `capacity` are forgotten.
    """

    def __init__(self, capacity: int = 500_000) -> None:
        self.capacity = capacity
        self._order: deque[tuple[int, int, float]] = deque()
        self._seen: set[tuple[int, int, float]] = set()

    @staticmethod
    def key(packet: Packet) -> tuple[int, int, float]:
        return (packet.apid, packet.seq, packet.time_s)

    def add(self, packet: Packet) -> None:
        key = self.key(packet)
        if key in self._seen:
            return
        self._seen.add(key)
        self._order.append(key)
        if len(self._order) > self.capacity:
            self._seen.discard(self._order.popleft())

    def __contains__(self, packet: Packet) -> bool:
        return self.key(packet) in self._seen

    def add_keys(self, keys: Iterable[tuple[int, int, float]]) -> int:
        """Note frames already archived (a run picked up again); return how many."""
        count = 0
        for apid, seq, time_s in keys:
            key = (apid, seq, time_s)
            if key not in self._seen:
                self._seen.add(key)
                self._order.append(key)
                count += 1
        while len(self._order) > self.capacity:
            self._seen.discard(self._order.popleft())
        return count
