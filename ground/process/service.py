"""The ground's work, without sockets: ingest, archive, rules, alarms, commanding and time.

The runtime feeds it frames and truth time and gives it two ways out (uplink and live feed);
everything here is plain method calls, so it is tested and benchmarked without a network.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter, deque
from collections.abc import Callable
from itertools import groupby
from operator import attrgetter
from typing import Any, Literal

import msgspec

from flightsw.clock import wall_utc
from flightsw.config import Operator
from flightsw.icd import (
    MAX_AHEAD_S,
    Deframer,
    DumpStore,
    EventReport,
    FrameError,
    Housekeeping,
    Message,
    Packet,
    ParameterValues,
    Pong,
    Scalar,
    ScheduleReport,
    Severity,
    StoredFrames,
    StoreStatus,
    TimeReport,
    TransferFrame,
    Verification,
    decode,
    peek_frame_time_s,
    split_message,
)
from ground.api import (
    AlarmChanged,
    ChannelStatus,
    ControlCounts,
    DumpArrived,
    Event,
    EventArrived,
    FaultInjected,
    FeedEvent,
    GroundStatus,
    IngestCounts,
    LinkChanged,
    PlaybackCounts,
    PongArrived,
    ReceivedSchedule,
    ReceivedStoreStatus,
    ReportArrived,
    Request,
    RuleChanged,
    SequenceGap,
    Silence,
    TelemetryArrived,
    TruthCounts,
)
from ground.archive.store import Archive
from ground.commanding.commander import Commander
from ground.commanding.tracker import CommandTracker, StageUpdate
from ground.dictionary import Dictionary
from ground.errors import ArchiveError
from ground.link.channel import Blackouts, Channel, DelayLine
from ground.link.ingest import IngestChecks, SeenFrames
from ground.link.truth import TruthIntake
from ground.process.archive_watch import ArchiveWatch
from ground.process.records import alarm_entry
from ground.process.recovery import Gap, Recovery
from ground.process.refused import RefusedFrames
from ground.rules.alarms import AlarmManager, AlarmTransition
from ground.rules.engine import Report, RuleEngine, RuleTransition

log = logging.getLogger(__name__)

# Why an archived frame is history, not the present (the `reason` of its row): unwrapped from a
# recorder dump, or sent before this ground attached and come late (ground.process.attachment).
PLAYBACK = "playback"
LATE = "late"

PONGS_KEPT = 1000
"""Pongs remembered (APID, reception time): the newest; the archive has every one."""

BATCH_REPORTS = 64
"""Housekeeping reports landed before the rules judge them together (`RuleEngine.update_reports`),
at most: enough to judge a column at a time, few enough that an alarm follows its frame within a
millisecond or two (landing a report costs the ground about 25 us). On the live feed the
telemetry of a batch comes before the alarms its reports raise; anything else (an event, a
verification) comes after the alarms of the reports that landed before it."""

Publish = Callable[[FeedEvent], None]
Uplink = Callable[[float, bytes], None]


def parameters_by_application(dictionary: Dictionary) -> dict[str, frozenset[str]]:
    """The parameter names of each application, as the dictionary declares them."""
    names: dict[str, set[str]] = {application: set() for application in dictionary.apids}
    for full_name in dictionary.parameters:
        application, _, parameter = full_name.partition(".")
        names.setdefault(application, set()).add(parameter)
    return {application: frozenset(params) for application, params in names.items()}


class GroundService:
    """Everything mission control does with what comes down and what goes up."""

    def __init__(
        self,
        dictionary: Dictionary,
        archive: Archive,
        rules: RuleEngine,
        alarms: AlarmManager,
        channel: Channel,
        publish: Publish,
        uplink: Uplink,
        batch_reports: int = BATCH_REPORTS,
    ) -> None:
        """`batch_reports` of 1 judges each report as it lands (the path batches are tested
        against)."""
        self.dictionary = dictionary
        self.archive = archive
        archive.declare_parameters(dictionary.parameter_columns())  # a column each, typed
        self.rules = rules
        self.batch_reports = batch_reports
        self._unjudged: list[Report] = []  # landed, not yet seen by the rules
        # The rules as loaded, before any telemetry: a new spacecraft is judged from scratch.
        self.pristine_rules = copy.deepcopy(rules)
        self.alarms = alarms
        self.channel = channel
        self.archive_watch = ArchiveWatch(archive)
        self.publish = publish
        self.uplink = uplink
        self.names_by_apid = dictionary.names_by_apid
        self.checks = IngestChecks(self.names_by_apid, parameters_by_application(dictionary))
        # Every refusal is counted (`checks`); a flood's first frames are archived in full.
        self.refused = RefusedFrames(archive, lambda event: self.publish(event))
        self.truth = TruthIntake()  # the runtime hands it the truth feed's messages
        self.downlink = DelayLine()  # transfer frames on their way down
        self.deframer = Deframer()
        self.frame_count_jumps = 0  # losses the frame count showed (each logged rarely)
        self.commander = Commander(
            dictionary, archive, channel,
            publish=lambda event: self.publish(event),
            send=lambda arrival_s, frame: self.uplink(arrival_s, frame),
            now_s=lambda: self.now_s,
        )  # fmt: skip
        self.now_s = 0.0
        # The latest report of each subsystem: a value is looked up when asked for, not stored
        # per parameter on every packet.
        self.latest_reports: dict[str, tuple[float, dict[str, Any]]] = {}
        # Values a partial report (a TC[20,1] answer) brought since, each with its own time.
        self.answered: dict[str, dict[str, tuple[float, Scalar]]] = {}
        self.events_received = 0
        self.control_requests = 0  # control API requests, and those refused by reason
        self.control_refused = Counter[str]()
        # How many connections the gatekeeper refused (the runtime sets it with access control).
        self.connections_refused: Callable[[], int] = lambda: 0
        self.pongs: deque[tuple[int, float]] = deque(maxlen=PONGS_KEPT)
        self.last_frame_s: float | None = None
        self.seen = SeenFrames()
        self.playback_recovered = 0
        self.playback_duplicates = 0
        # The latest on-board reports, as they came down.
        self.schedule_report: ReceivedSchedule | None = None
        self.store_status: ReceivedStoreStatus | None = None
        self.recovery: Recovery | None = None  # what a run picked up again gets back
        self.silence: Silence | None = None  # while it is silent (ground.process.silence)

    # -- time ------------------------------------------------------------------------------------

    def one_way_light_time_s(self) -> float:
        return self.channel.one_way_s()

    @property
    def blackouts(self) -> Blackouts:
        return self.channel.blackouts

    def advance(
        self,
        now_s: float,
        range_m: float | None = None,
        station_visible: bool | None = None,
        downlink_closes: bool | None = None,
    ) -> None:
        """Truth of `now_s`: the link as it has it, then the clock (`run_clock`)."""
        self.update_link(now_s, range_m, station_visible, downlink_closes)
        self.run_clock(now_s)

    def run_clock(self, now_s: float) -> None:
        """Mission time has reached `now_s`: deliver what is due, check what is late.

        Truth moves it, and in realtime the ground's running clock between truth messages
        (ground.process.clock); it never goes back.
        """
        if now_s < self.now_s:
            return
        self.now_s = now_s
        try:
            for in_flight in self.downlink.release(now_s):
                landed: TransferFrame = in_flight.payload  # type: ignore[assignment]
                self._land(landed, in_flight.due_s)
        finally:  # what landed is judged, even if the archive refused a later packet
            self.judge_landed()
        for update in self.commands.expire(now_s):
            self.record_stage(update)
        self.record_alarms(self.alarms.update(now_s, self._judged(self.rules.tick(now_s))))
        self.refused.summarise(now_s)

    def land_in_flight(self) -> None:
        """The run is closing: deliver every frame still in flight, each at its due time.

        They reached the antenna and were accepted; the clock moves on by at most the light time,
        as it would have had the run gone on, rather than the archive losing the last light
        time's worth of telemetry (minutes of it on the way to Mars).
        """
        last_due_s = self.downlink.last_due_s()
        if last_due_s is not None:
            self.run_clock(max(last_due_s, self.now_s))

    def keep_archive(self, now_s: float) -> None:
        """Commit the archive's pending rows; while it cannot be written, retry on a backoff
        and keep its alarm up (`ground.process.archive_watch`)."""
        news = self.archive_watch.poll(now_s)
        if news is None:
            return
        self.record_alarms(self.alarms.update(now_s, [news.transition]))
        event = news.resumed
        if event is not None:
            self.archive.record_event(event.time_s, event.subsystem, event.name, event.severity,
                                      event.message, event.params, received_s=event.received_s)  # fmt: skip
            self.publish(EventArrived(event=event))
            self.archive.try_flush()  # the alarm's return and this event reach the file now

    def update_link(
        self,
        now_s: float,
        range_m: float | None = None,
        station_visible: bool | None = None,
        downlink_closes: bool | None = None,
    ) -> None:
        """The link as the spacecraft's truth at `now_s` has it: range, view, signal."""
        change = self.channel.update(now_s, range_m, station_visible, downlink_closes)
        if change is not None:
            self._link_change(change, now_s)

    # -- downlink --------------------------------------------------------------------------------

    def on_downlink_message(self, message: bytes) -> None:
        """A downlink message reached the antenna: each of its transfer frames crosses the
        channel on its own (`on_downlink_frame`)."""
        for frame in self._frames_of(message):
            self.on_downlink_frame(frame)

    def on_downlink_frame(self, frame: bytes) -> None:
        """A transfer frame reached the antenna: the channel decides its fate (lost, bits
        flipped, when it lands); the frame is checked then (its FECF catches the flipped bits),
        and its packets are taken out when it lands, after light time."""
        sent_s = peek_frame_time_s(frame)
        due_s: float | None = None  # where the channel could not read a send time: on arrival
        # A send time read from an unchecked frame is believed only if it could be true: one
        # far ahead would hold a rate-limited transmitter busy for every frame after it (such a
        # frame is checked at once, and refused).
        if sent_s is not None and sent_s <= self.now_s + MAX_AHEAD_S:
            passage = self.channel.down(sent_s, frame)
            if passage is None:
                return
            frame, due_s = passage.frame, passage.due_s
        try:
            checked = self.checks.transfer_frame(frame, self.now_s)
        except FrameError as error:
            self._refuse(frame, error, None)
            return
        if due_s is None:
            due_s = checked.time_s + self.channel.one_way_s()
        if not self.downlink.push(checked.time_s, due_s, checked):
            full = f"{len(self.downlink)} transfer frames are on their way down already"
            self.checks.count("in_flight_full")
            self._refuse(frame, FrameError("in_flight_full", full), None)
            return
        if due_s <= self.now_s:
            self.advance(self.now_s)

    def on_late_message(self, message: bytes) -> None:
        """A message the spacecraft sent before this ground attached comes now (it waited in the
        spacecraft's socket while no ground listened): history, archived without the rules and
        without crossing the channel, whose picture of that time is gone."""
        for frame in self._frames_of(message):
            try:
                checked = self.checks.transfer_frame(frame)
            except FrameError as error:
                self._refuse(frame, error, None)
                continue
            for packet in self._packets_of(checked):
                self.replay_frame(packet, self.now_s, LATE)

    def _frames_of(self, message: bytes) -> list[bytes]:
        """The transfer frames of a downlink message; none (refused, counted) if it is not
        whole frames."""
        try:
            return split_message(message)
        except FrameError as error:
            self.checks.transfer_frames += 1
            self.checks.refuse_transfer_frame(error.reason)
            self._refuse(message, error, None)
            return []

    def _packets_of(self, frame: TransferFrame) -> list[bytes]:
        """The packets a checked transfer frame completes, in order; what its frame count says
        was lost before it is counted."""
        deframed = self.deframer.take(frame)
        if deframed.frames_lost or deframed.octets_dropped:
            self.checks.transfer_frames_lost += deframed.frames_lost
            self.checks.octets_dropped += deframed.octets_dropped
            self.frame_count_jumps += 1
            if self.frame_count_jumps in (1, 10, 100) or self.frame_count_jumps % 1000 == 0:
                log.warning(
                    "%d transfer frames lost on the way before frame %d (%d octets of cut "
                    "packets dropped; %d such losses so far); the packets' sequence counts say "
                    "which",
                    deframed.frames_lost,
                    frame.channel_count,
                    deframed.octets_dropped,
                    self.frame_count_jumps,
                )
        return deframed.packets

    def _land(self, frame: TransferFrame, received_s: float) -> None:
        """A transfer frame lands: each packet it completes is checked and delivered."""
        for octets in self._packets_of(frame):
            try:
                packet = self.checks.parse(octets, self.now_s)
            except FrameError as error:
                self._refuse(octets, error, None)
                continue
            self._deliver((packet, octets), received_s)

    def replay_frame(self, frame: bytes, received_s: float, history: str | None = None) -> None:
        """A recorded frame reaches the ground again at its recorded `received_s` (a replay).

        The channel is bypassed (the frame crossed it when it was recorded): the frame is
        checked and delivered at once, so rules and alarms see it at the mission time they saw
        it live. Time moves to `received_s` without a tick; the replay calls `advance` for that.
        A frame that was history when it was recorded (`LATE`) is history again.
        """
        self.now_s = max(self.now_s, received_s)
        try:
            packet = self.checks.parse(frame)
        except FrameError as error:
            self._refuse(frame, error, None)
            return
        try:
            self._deliver((packet, frame), received_s, history)
        finally:
            self.judge_landed()

    def replay_refused_transfer_frame(self, octets: bytes, received_s: float) -> None:
        """A transfer frame refused when it was recorded is checked again at its recorded time
        (a replay), and refused again for the same reason."""
        self.now_s = max(self.now_s, received_s)
        try:
            self.checks.transfer_frame(octets)
        except FrameError as error:
            self._refuse(octets, error, None)

    def ground_event(
        self, name: str, severity: int, text: str, params: dict[str, Any] | None = None
    ) -> None:
        """Something that happened to the ground or the link, now: archived and published as
        an event of the subsystem `ground`."""
        time_s = self.now_s
        params = params or {}
        self.archive.record_event(time_s, "ground", name, severity, text, params, received_s=time_s)
        event = Event(time_s, "ground", name, Severity(severity), text, params, time_s)
        self.publish(EventArrived(event=event))
        log.log(logging.WARNING if severity >= 3 else logging.INFO, "%s", text)

    def _link_change(self, change: str, time_s: float) -> None:
        """Acquisition or loss of signal at the ground station: on the timeline and the feed."""
        text = "acquisition of signal" if change == "aos" else "loss of signal"
        self.archive.record_event(time_s, "ground", change, 1, text, {}, received_s=time_s)
        self.publish(
            LinkChanged(time_s=time_s, change="aos" if change == "aos" else "los", text=text)
        )
        log.info("%s at T+%.1f s", text, time_s)

    def _refuse(self, frame: bytes, error: FrameError, packet: Packet | None) -> None:
        self.refused.refuse(frame, error, packet, self.now_s)

    def _deliver(
        self, item: tuple[Packet, bytes], received_s: float, history: str | None = None
    ) -> None:
        """Archive and act on a frame that has reached the ground.

        A live frame goes through the sequence check; a frame played back from the onboard
        recorder is new only if it did not come down live, and is archived without running
        the rules (its values are history, not the present). A late one (`LATE`) is history
        too, but comes in its place in the sequence.
        """
        packet, frame = item
        if history is not None:
            if packet in self.seen:
                self.playback_duplicates += 1
                return
            if history == PLAYBACK:
                self.playback_recovered += 1
        try:
            message = self.checks.body(packet)
        except FrameError as error:
            self._refuse(frame, error, packet)
            return
        self.seen.add(packet)
        gap = None if history == PLAYBACK else self.checks.sequence(packet)
        if gap is not None:
            subsystem = self.names_by_apid.get(gap.apid, str(gap.apid))
            log.warning("sequence gap on %s: %d frames missing", subsystem, gap.missing)
            self.publish(SequenceGap(time_s=received_s, apid=gap.apid, missing=gap.missing))
        self.last_frame_s = received_s
        self.archive.record_frame(
            received_s,
            frame,
            generated_s=packet.time_s,
            apid=packet.apid,
            seq=packet.seq,
            packet_type=int(packet.packet_type),
            service=packet.service,
            subtype=packet.subtype,
            reason=history,
        )
        self._dispatch(packet, message, received_s, history is not None)

    def _dispatch(
        self, packet: Packet, message: Message, received_s: float, playback: bool = False
    ) -> None:
        if not isinstance(message, Housekeeping | ParameterValues):
            self.judge_landed()  # it comes after the alarms of the reports before it, as it landed
        match message:
            case Housekeeping(subsystem, params) | ParameterValues(subsystem, params) if playback:
                self.archive.record_housekeeping(packet.time_s, subsystem, params)
            case Housekeeping(subsystem, params) | ParameterValues(subsystem, params):
                self._housekeeping(subsystem, params, packet.time_s)
            case EventReport(severity, subsystem, name, text, params):
                self.events_received += 1
                self.archive.record_event(
                    packet.time_s, subsystem, name, severity, text, params, received_s=received_s
                )
                event = Event(packet.time_s, subsystem, name, Severity(severity), text, params,
                              received_s)  # fmt: skip
                self.publish(EventArrived(event=event))
            case Verification():
                update = self.commands.on_verification(message, received_s)
                if update is not None:
                    self.record_stage(update)
            case Pong():
                self.pongs.append((packet.apid, received_s))
                self.publish(PongArrived(time_s=received_s, apid=packet.apid))
            case TimeReport():
                pass  # the truth feed already gives the ground mission time
            case StoredFrames(part, parts, frames):
                self._playback(frames, received_s)
                self.publish(
                    DumpArrived(time_s=received_s, part=part, parts=parts, frames=len(frames))
                )
            case ScheduleReport():
                self.schedule_report = ReceivedSchedule(received_s, message)
                self.publish(ReportArrived(time_s=received_s, schedule=message))
            case StoreStatus():
                self.store_status = ReceivedStoreStatus(received_s, message)
                self.publish(ReportArrived(time_s=received_s, store=message))

    def _playback(self, frames: list[bytes], received_s: float) -> None:
        for frame in frames:
            try:
                packet = decode(frame)
            except FrameError as error:
                self.checks.count(error.reason)
                self._refuse(frame, error, None)
                continue
            self._deliver((packet, frame), received_s, PLAYBACK)

    def _housekeeping(self, subsystem: str, params: dict[str, Any], time_s: float) -> None:
        self.archive.record_housekeeping(time_s, subsystem, params)
        old = self.latest_reports.get(subsystem)
        if old is not None and not params.keys() >= old[1].keys():
            # A partial report (a TC[20,1] answer) updates the latest values, not replaces them;
            # the values it leaves out keep the time they were measured at.
            answered = self.answered.setdefault(subsystem, {})
            answered.update((param, (time_s, value)) for param, value in params.items())
        else:
            self.latest_reports[subsystem] = (time_s, params)
            earlier = self.answered.get(subsystem)
            if earlier:  # the newer report has its own value of what it carries
                for param in earlier.keys() & params.keys():
                    del earlier[param]
        self.publish(TelemetryArrived(time_s=time_s, subsystem=subsystem, params=params))
        self._unjudged.append((time_s, subsystem, params))
        if len(self._unjudged) >= self.batch_reports:
            self.judge_landed()

    def judge_landed(self) -> None:
        """The rules judge the reports landed since they last did, together; each alarm they
        raise is taken at its report's time."""
        if not self._unjudged:
            return
        reports, self._unjudged = self._unjudged, []
        transitions = self._judged(self.rules.update_reports(reports))
        for time_s, at_once in groupby(transitions, key=attrgetter("time_s")):
            self.record_alarms(self.alarms.update(time_s, list(at_once)))

    def _judged(self, transitions: list[RuleTransition]) -> list[RuleTransition]:
        """Publish each rule's new state (what displays colour values by); `transitions`."""
        for transition in transitions:
            self.publish(
                RuleChanged(
                    time_s=transition.time_s,
                    rule=transition.rule,
                    parameter=self.rules.rule(transition.rule).parameter,
                    state=transition.new_state,
                    value=transition.value,
                )
            )
        return transitions

    def record_alarms(self, transitions: list[AlarmTransition]) -> None:
        """Archive and publish alarm transitions (from rules or from an operator)."""
        for transition in transitions:
            self.archive.record_alarm(
                transition.time_s,
                transition.alarm,
                transition.kind.value,
                transition.severity.label,
                transition.condition,
                transition.value,
                operator=transition.operator or None,
                comment=transition.comment or None,
            )
            log.warning(
                "alarm %s %s (%s): %s",
                transition.alarm,
                transition.kind.value,
                transition.severity.label,
                transition.condition,
            )
            self.publish(AlarmChanged(entry=alarm_entry(transition)))

    def latest(self, name: str) -> tuple[float, Scalar] | None:
        """The newest value of `subsystem.param` and its mission time, if any has come down."""
        subsystem, _, param = name.partition(".")
        answer = self.answered.get(subsystem, {}).get(param)
        if answer is not None:
            return answer
        report = self.latest_reports.get(subsystem)
        if report is None or param not in report[1]:
            return None
        return report[0], report[1][param]

    # -- operator actions on alarms --------------------------------------------------------------

    def acknowledge(self, name: str, operator: str, comment: str = "") -> None:
        self.record_alarms(self.alarms.acknowledge(name, self.now_s, operator, comment))

    def shelve(self, name: str, duration_s: float, operator: str = "", comment: str = "") -> None:
        self.record_alarms(self.alarms.shelve(name, self.now_s, duration_s, operator, comment))

    def unshelve(self, name: str, operator: str = "", comment: str = "") -> None:
        self.record_alarms(self.alarms.unshelve(name, self.now_s, operator, comment))

    # -- uplink ----------------------------------------------------------------------------------

    @property
    def commands(self) -> CommandTracker:
        return self.commander.tracker

    def record_stage(self, update: StageUpdate) -> None:
        """Archive and publish a stage a command reached; the end of a recovery's dump closes it."""
        self.commander.stage(update)
        if self.recovery is not None and self.recovery.due():
            self.archive.flush()
            outcome = self.recovery.finish(self.archive)
            name, severity, text = self.recovery.describe(outcome, self.names_by_apid)
            self.ground_event(name, severity, text, self.recovery.params(outcome))

    def recover(self, gap: Gap) -> Recovery:
        """Ask the onboard recorder for the frames `gap` lacks (a run picked up again).

        The dump plays back every frame of the interval; those archived before the crash are
        noted as seen first, so the playback takes only the missing ones.
        """
        self.seen.add_keys(self.archive.frame_keys(gap.segment, gap.start_s, gap.end_s))
        command = self.commander.service(
            "store_dump", DumpStore(gap.start_s, gap.end_s), source="ground"
        )
        self.recovery = Recovery(gap, command)
        return self.recovery

    # -- faults ----------------------------------------------------------------------------------

    def record_audit(self, caller: Operator, request: Request[Any] | None, outcome: str) -> None:
        """Archive who asked the control API for what (`request`; None: it did not decode),
        at this mission time and UTC, and how it ended."""
        action = "undecodable request" if request is None else request.op()
        asked = "" if request is None else msgspec.json.encode(request).decode()
        try:
            self.archive.record_audit(
                self.now_s, wall_utc(), caller.name, caller.role.value, action, asked, outcome
            )
        except ArchiveError as error:  # the archive has closed (a stop): the reply still goes
            log.warning(
                "%s's %s (%s) could not be audited: %s", caller.name, action, outcome, error
            )

    def record_injection(
        self, subsystem: str, fault: str, action: Literal["inject", "clear"], params: dict[str, Any]
    ) -> None:
        self.archive.record_injection(self.now_s, subsystem, fault, action, params)
        self.publish(
            FaultInjected(
                time_s=self.now_s, subsystem=subsystem, fault=fault, action=action, params=params
            )
        )

    # -- status ----------------------------------------------------------------------------------

    def status(self) -> GroundStatus:
        """Where mission time is, the link, ingest counters, alarm and command counts."""
        return GroundStatus(
            mission=self.dictionary.mission,
            time_s=self.now_s,
            one_way_light_time_s=self.one_way_light_time_s(),
            range_m=self.channel.range_m,
            in_flight_down=len(self.downlink),
            last_frame_s=self.last_frame_s,
            ingest=msgspec.convert(
                {**self.checks.counters(), "refused_archived": self.refused.archived},
                IngestCounts,
            ),
            truth=msgspec.convert(self.truth.counters(), TruthCounts),
            channel=msgspec.convert(self.channel.status(), ChannelStatus),
            playback=PlaybackCounts(self.playback_recovered, self.playback_duplicates),
            control=ControlCounts(
                self.control_requests,
                sum(self.control_refused.values()),
                dict(self.control_refused),
                self.connections_refused(),
            ),
            events=self.events_received,
            commands_pending=len(self.commands.pending()),
            alarms_active=len(self.alarms.active()),
            segment=self.archive.segment,
            recovery=None if self.recovery is None else self.recovery.status(),
            silence=self.silence,
            archive=self.archive_watch.status(),
        )
