"""Replay a recorded run's frames through a fresh ground, as if live, into a new archive.

    GroundError (ground.errors)
    └── ReplayError    the recording cannot be replayed (defined in ground.replay.pacing)

The recorded archive is opened read-only; the dictionary and rules path stored in its meta
(by `ground.process.main`) rebuild a GroundService writing to `<run>-replay.sqlite`. Every recorded
frame goes back in receipt order at its recorded receipt time, so every rule transition and
alarm gets the mission time it got live. At one mission time the live order is kept: frames
first, then the tick (`GroundService.advance`, where staleness is judged), then what an operator
did (acknowledgements and fault injections, read back from the recording; a shelve's
duration is not recorded, so shelves are not replayed).

Staleness is judged at every receipt time and on a grid of `tick_s`, where the live ground
judged it whenever the truth feed arrived. In a stepped sprint live truth can overtake
telemetry still in transit and flap a staleness alarm for nothing; a replay does not repeat
that flapping, and otherwise finds staleness within `tick_s` of when the live ground did.

A run of several segments (another spacecraft flew under the same ground) is replayed segment
after segment, each from its own T+0: the replay's ground starts the next segment where the
live one did, and frames that came late to the live ground (sent before it attached) are
history again.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flightsw.icd import MessageError, dictionary_from_json, reasons
from ground.archive.frame_blocks import RawFrames
from ground.archive.schema import MetaValue, SegmentRecord, open_file
from ground.archive.store import DEFAULT_BATCH_ROWS, Archive
from ground.dictionary import Dictionary
from ground.errors import GroundError, ReplayError
from ground.link.channel import Channel, LightTime
from ground.process.segments import begin_segment
from ground.process.service import LATE, GroundService, Publish
from ground.replay.pacing import Pacer, Wait
from ground.rules.alarms import AlarmManager
from ground.rules.engine import RuleEngine
from ground.rules.loader import load_rules

__all__ = ["Replay", "ReplayError", "ReplaySummary", "replay", "replay_run_name"]

log = logging.getLogger(__name__)

TICK_S = 1.0  # mission seconds between staleness checks, as often as the live truth feed
FRAME, TICK, ACTION = 0, 1, 2  # order at one mission time
# A frame unwrapped from a TM[15,16] dump is recorded with this reason; the dump itself is
# replayed and unwraps again, so these copies are left out.
PLAYBACK_REASON = "playback"
TRANSFER_FRAME_REFUSED = "transfer frame"  # a row that holds a refused transfer frame's octets


def _history(reason: str | None) -> str | None:
    """How a row is replayed: history (`LATE`), a refused transfer frame, or a live packet."""
    if reason == LATE:
        return LATE
    if reason is not None and reason.partition(":")[0] in reasons.TRANSFER_FRAME:
        return TRANSFER_FRAME_REFUSED
    return None


# Good and refused frames alike: a frame refused live is refused again, at the same time.
_FRAMES = (
    "SELECT received_s, reason, block, block_offset, length FROM frames "
    "WHERE reason IS NOT ? AND segment = ? "
    "ORDER BY received_s, id"
)
_SPAN = "SELECT min(received_s), max(received_s), count(*) FROM frames WHERE reason IS NOT ?"
_SEGMENT_SPAN = (
    "SELECT min(received_s), max(received_s) FROM frames WHERE reason IS NOT ? AND segment = ?"
)


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    """What a replay did: frames fed, alarm transitions raised, where it wrote them."""

    source: Path
    archive_path: Path
    frames: int
    frames_recorded: int
    refused: int
    alarm_transitions: int
    operator_actions: int
    end_s: float
    finished: bool

    def describe(self) -> str:
        ended = "finished" if self.finished else "stopped early"
        return (
            f"replay {ended} at T+{self.end_s:.1f} s: {self.frames} of {self.frames_recorded} "
            f"frames replayed ({self.refused} refused), {self.alarm_transitions} alarm "
            f"transitions, {self.operator_actions} operator actions; archive {self.archive_path}"
        )


@dataclass(frozen=True, slots=True)
class OperatorAction:
    """Something an operator did live that the frames do not carry."""

    kind: str  # "ack" or "injection"
    args: tuple[Any, ...]


def replay_run_name(out_dir: Path, source: Path) -> str:
    """`<run>-replay`, or `<run>-replay-2`, `-3`… when that archive (or a leftover of it) exists."""
    stem = f"{source.stem}-replay"
    name, number = stem, 1
    while any((out_dir / f"{name}.sqlite{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        number += 1
        name = f"{stem}-{number}"
    return name


def recorded_dictionary(meta: dict[str, MetaValue], path: Path) -> Dictionary:
    raw = meta.get("dictionary")
    if not isinstance(raw, str):
        raise ReplayError(
            f"{path} holds no spacecraft dictionary (it was recorded before the ground stored "
            "it): it cannot be replayed; fly the run again with this version of the ground"
        )
    try:
        return Dictionary.from_flight(dictionary_from_json(raw))
    except MessageError as error:
        raise ReplayError(f"{path} holds a dictionary this ground cannot read: {error}") from None


def recorded_rules(meta: dict[str, MetaValue], path: Path, override: Path | None) -> Path | None:
    """The rules to judge with: `override`, else the recorded run's rule file (None: no rules)."""
    if override is not None:
        return override
    if "rules" not in meta:
        raise ReplayError(
            f"{path} does not say which rules it was judged with; name a rule file with --rules"
        )
    recorded = meta["rules"]
    return None if recorded is None else Path(str(recorded))


class Replay:
    """One recorded run, ready to be replayed into a fresh GroundService.

    Made and run on one thread (both archives are sqlite connections). `service.publish` may be
    replaced before `run` to put the replay on a live feed.
    """

    def __init__(
        self,
        source: Path | str,
        out_dir: Path | str,
        rules_path: Path | str | None = None,
        *,
        tick_s: float = TICK_S,
        publish: Publish | None = None,
    ) -> None:
        if not (tick_s > 0 and math.isfinite(tick_s)):
            raise ReplayError(f"tick_s must be a positive number of seconds, got {tick_s}")
        self.source_path = Path(source)
        self.tick_s = tick_s
        # The frames query needs the `reason` column, which the reader's API leaves out.
        self._connection = open_file(self.source_path, readonly=True, busy_timeout_s=5.0)
        self.source = Archive(
            self._connection, self.source_path, readonly=True, batch_rows=DEFAULT_BATCH_ROWS
        )
        try:
            meta = self.source.meta()
            dictionary = recorded_dictionary(meta, self.source_path)
            rules_file = recorded_rules(
                meta, self.source_path, None if rules_path is None else Path(rules_path)
            )
            rules = load_rules(rules_file) if rules_file is not None else []
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            copied = {k: v for k, v in meta.items() if k not in ("schema_version", "rules")}
            self.archive = Archive.create(
                out,
                replay_run_name(out, self.source_path),
                {
                    **copied,
                    "rules": None if rules_file is None else str(rules_file),
                    "replay_of": str(self.source_path),
                },
            )
            self.segments = self.source.segments() or [SegmentRecord(1, 0.0, None, "the run began")]
            self.archive.begin_segment(self.segments[0].start_s, self.segments[0].reason)
        except BaseException:
            self.source.close()
            raise
        self.rules_path = rules_file
        self.service = GroundService(
            dictionary,
            self.archive,
            RuleEngine(rules),
            AlarmManager(),
            Channel(LightTime("fixed", 0.0)),  # unused: recorded frames have crossed it
            publish=publish or (lambda event: None),
            uplink=self._no_uplink,
        )
        self.frames = 0
        self.actions = 0
        self._ticked_s: float | None = None

    @staticmethod
    def _no_uplink(arrival_s: float, frame: bytes) -> None:
        raise ReplayError("replay: there is no spacecraft to uplink to")

    # -- what is replayed ------------------------------------------------------------------------

    def span(self) -> tuple[float | None, float | None, int]:
        """First and last receipt time of the frames to replay, and how many there are."""
        first_s, last_s, count = self._connection.execute(_SPAN, (PLAYBACK_REASON,)).fetchone()
        return first_s, last_s, int(count)

    def _frames(self, segment: int) -> Iterator[tuple[float, int, Any]]:
        cursor = self._connection.execute(_FRAMES, (PLAYBACK_REASON, segment))
        blocks = RawFrames(self._connection)
        while batch := cursor.fetchmany(512):
            for received_s, reason, raw in blocks.attach(batch, 2):
                yield received_s, FRAME, (raw, _history(reason))

    def _ticks(self, first_s: float, last_s: float) -> Iterator[tuple[float, int, Any]]:
        number = math.ceil(first_s / self.tick_s)
        while (time_s := number * self.tick_s) <= last_s:
            yield time_s, TICK, None
            number += 1

    def _actions(self, segment: int) -> list[tuple[float, int, Any]]:
        """Acknowledgements and fault injections made live, which no frame carries."""
        actions: list[tuple[float, int, Any]] = [
            (
                row.time_s,
                ACTION,
                OperatorAction("ack", (row.name, row.operator or "", row.comment or "")),
            )
            for row in self.source.alarms(segment=segment)
            if row.kind == "acknowledged"
        ]
        actions += [
            (row.time_s, ACTION, OperatorAction("injection", (row.subsystem, row.fault, row.action, row.params)))
            for row in self.source.injections(segment=segment)
        ]  # fmt: skip
        return sorted(actions, key=lambda item: item[0])

    # -- running ---------------------------------------------------------------------------------

    def run(
        self,
        pacer: Pacer,
        wait: Wait | None = None,
        stopped: Callable[[], bool] = lambda: False,
    ) -> ReplaySummary:
        """Feed the recording to the service, paced by `pacer`; `wait` is called while it waits.

        `wait` is also called with 0 at every tick, so a runtime answers its control socket
        even at speed 0. Returns early (finished=False) once `stopped()` is true.
        """
        if wait is None:
            if pacer.speed > 0:
                raise ReplayError("a paced replay needs a wait (run it in a ReplayRuntime)")
            wait = _no_wait
        finished = True
        for segment in self.segments:
            if segment.segment > 1:
                begin_segment(self.service, segment.start_s, segment.reason)
                self._ticked_s = None
                pacer.restart()
            if not self._run_segment(segment.segment, pacer, wait, stopped):
                finished = False
                break
        return self.summary(finished)

    def _run_segment(
        self, segment: int, pacer: Pacer, wait: Wait, stopped: Callable[[], bool]
    ) -> bool:
        """Replay one segment; False if `stopped()` turned true first."""
        first_s, last_s = self._connection.execute(
            _SEGMENT_SPAN, (PLAYBACK_REASON, segment)
        ).fetchone()
        schedule: Iterator[tuple[float, int, Any]] = iter(())
        if first_s is not None and last_s is not None:
            schedule = heapq.merge(
                self._frames(segment), self._ticks(first_s, last_s), self._actions(segment),
                key=lambda item: (item[0], item[1]),
            )  # fmt: skip
        pending_s: float | None = None  # a time whose frames are in, its tick still to do
        for time_s, kind, payload in schedule:
            if pending_s is not None and (time_s > pending_s or kind != FRAME):
                self._tick(pending_s)
                pending_s = None
            if not pacer.wait_until(time_s, wait, stopped):
                return False
            if kind == FRAME:
                raw, history = payload
                if history == TRANSFER_FRAME_REFUSED:
                    self.service.replay_refused_transfer_frame(raw, time_s)
                else:
                    self.service.replay_frame(raw, time_s, history)
                self.frames += 1
                pending_s = time_s
            elif kind == TICK:
                self._tick(time_s)
                wait(0.0)
            else:
                self._act(payload)
        if pending_s is not None:
            self._tick(pending_s)
        return True

    def summary(self, finished: bool = False) -> ReplaySummary:
        """What has been replayed so far (flushed to the new archive first)."""
        self.archive.flush()
        refused = self.service.checks.counters()["refused"]
        return ReplaySummary(
            source=self.source_path,
            archive_path=self.archive.path,
            frames=self.frames,
            frames_recorded=self.span()[2],
            refused=refused if isinstance(refused, int) else 0,
            alarm_transitions=len(self.archive.alarms()),
            operator_actions=self.actions,
            end_s=self.service.now_s,
            finished=finished,
        )

    def _tick(self, time_s: float) -> None:
        if self._ticked_s == time_s:
            return
        self._ticked_s = time_s
        self.service.advance(time_s)

    def _act(self, action: OperatorAction) -> None:
        try:
            if action.kind == "ack":
                self.service.acknowledge(*action.args)
            else:
                self.service.record_injection(*action.args)
        except GroundError as error:  # e.g. other rules (--rules) raised no such alarm
            log.warning("replay: %s skipped: %s", action.kind, error)
            return
        self.actions += 1

    def close(self) -> None:
        """Close both archives (the new one after a last flush)."""
        try:
            self.archive.close()
        finally:
            self.source.close()

    def __enter__(self) -> Replay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _no_wait(timeout_s: float) -> None:
    """At speed 0 nothing is waited for, and without a runtime there is nothing to serve."""


def replay(
    archive_path: Path | str,
    out_dir: Path | str,
    rules_path: Path | str | None = None,
    speed: float = 0.0,
    *,
    wait: Wait | None = None,
    publish: Publish | None = None,
    tick_s: float = TICK_S,
) -> ReplaySummary:
    """Replay the run recorded in `archive_path` into a new archive in `out_dir`.

    Args:
        archive_path: the recorded run (opened read-only).
        out_dir: where `<run>-replay.sqlite` (or `-replay-2`…) is written.
        rules_path: rules to judge with; default, the recorded run's own rule file.
        speed: mission seconds per wall second; 0 replays as fast as possible.
        wait: called with the wall seconds to wait while pacing (needed when speed > 0).
        publish: where the live-feed messages go (default: nowhere).
        tick_s: mission seconds between staleness checks.

    Raises:
        ReplayError: the recording lacks what a replay needs, or the speed is not usable.
        ArchiveError, RuleError: the archive or the rule file cannot be read.
    """
    pacer = Pacer(speed)
    with Replay(archive_path, out_dir, rules_path, tick_s=tick_s, publish=publish) as run:
        return run.run(pacer, wait)
