"""The ground service without sockets: light time, ingest checks, gaps, playback, reports, alarms.

Every frame is a real CCSDS packet built with the ICD, the archive a real SQLite file; only the
service's two ways out (the live feed and the uplink) are lists that collect what they are given.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

import msgpack
import pytest

from flightsw.config import load_mission
from flightsw.errors import FrameError
from flightsw.executive import mission_dictionary
from flightsw.icd import (
    FRAME_LENGTH,
    EventReport,
    Framer,
    Housekeeping,
    Message,
    ParameterValues,
    Scalar,
    StoredFrames,
    crc16_ccitt_false,
    encode_body,
    encode_tm,
    peek_tm_time_s,
    sdls,
)
from flightsw.subsystems import build_models
from ground.api import (
    AlarmChanged,
    AlarmEntry,
    DumpArrived,
    EventArrived,
    FeedEvent,
    FrameRefused,
    IngestCounts,
    PlaybackCounts,
    SequenceGap,
)
from ground.archive import Archive
from ground.dictionary import Dictionary
from ground.link import Channel, ChannelConfig, LightTime
from ground.process.service import GroundService
from ground.rules import AlarmManager, AlarmSeverity, LimitBands, LimitRule, RuleEngine
from ground.vocabulary import AlarmTransitionKind
from tests.downlink import down, message

LIGHT_TIME_S = 2.0
E = TypeVar("E", bound=FeedEvent)
EXECUTIVE_APID = 1  # leo_smallsat's [apids]: the executive answers dump requests
POWER_APID = 17
THERMAL_APID = 18
NOMINAL_POWER: dict[str, Scalar] = {
    "battery_soc": 0.9,
    "bus_voltage_v": 30.5,
    "array_enabled": True,
}


# -- frames --------------------------------------------------------------------------------------


def tm(message: Message, *, seq: int, time_s: float, apid: int = POWER_APID) -> bytes:
    """A telemetry frame carrying `message`, generated at `time_s` mission seconds."""
    return encode_tm(apid, seq, message.service, message.subtype, time_s, encode_body(message))


def power_report(seq: int, time_s: float, **changed: Scalar) -> bytes:
    """A power housekeeping frame: nominal values but for those `changed`."""
    return tm(Housekeeping("power", {**NOMINAL_POWER, **changed}), seq=seq, time_s=time_s)


def thermal_report(seq: int, time_s: float) -> bytes:
    return tm(
        Housekeeping("thermal", {"avionics_temp_c": 21.0}),
        seq=seq,
        time_s=time_s,
        apid=THERMAL_APID,
    )


def power_answer(seq: int, time_s: float, **values: Scalar) -> bytes:
    """A TM[20,2] answer to TC[20,1]: only the power parameters asked for."""
    return tm(ParameterValues("power", values), seq=seq, time_s=time_s)


def dump(*frames: bytes, seq: int, time_s: float) -> bytes:
    """A TM[15,16] recorder dump in one part, carrying `frames` as they were first sent."""
    return tm(StoredFrames(1, 1, list(frames)), seq=seq, time_s=time_s, apid=EXECUTIVE_APID)


# -- a ground from real parts --------------------------------------------------------------------


class FrameRow(NamedTuple):
    """One row of the archive's frames table."""

    received_s: float
    generated_s: float | None
    apid: int | None
    seq: int | None
    ok: bool
    reason: str | None


@dataclass
class Ground:
    """A GroundService with what it published and uplinked collected."""

    service: GroundService
    published: list[FeedEvent]
    uplinked: list[tuple[float, bytes]]

    def downlink(self, *frames: bytes) -> None:
        """Frames reach the antenna; mission time then runs until the last has crossed the
        light time."""
        for frame in frames:
            down(self.service, frame)
        sent_s = [time_s for frame in frames if (time_s := peek_tm_time_s(frame)) is not None]
        if sent_s:
            self.service.advance(max(sent_s) + LIGHT_TIME_S)

    def on(self, topic: type[E]) -> list[E]:
        """What was published on one topic of the live feed, in order."""
        return [event for event in self.published if isinstance(event, topic)]

    def ingest(self) -> IngestCounts:
        return self.service.status().ingest

    def playback(self) -> PlaybackCounts:
        return self.service.status().playback

    def archived_frames(self) -> list[FrameRow]:
        """The frames table as another reader of the file sees it, in order of receipt."""
        archive = self.service.archive
        archive.flush()
        with closing(sqlite3.connect(f"{archive.path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT received_s, generated_s, apid, seq, ok, reason FROM frames ORDER BY id"
            ).fetchall()
        return [FrameRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    """The flight dictionary of the shipped small LEO satellite, as its sim port serves it."""
    config = load_mission("leo_smallsat")
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


@pytest.fixture
def ground(tmp_path: Path, dictionary: Dictionary) -> Iterator[Ground]:
    """A ground with one rule (battery charge under 0.3 is red) and a fixed 2 s light time."""
    soc_low = LimitRule(
        "battery_soc",
        AlarmSeverity.CRITICAL,
        "power.battery_soc",
        LimitBands(red_low=0.3),
    )
    published: list[FeedEvent] = []
    uplinked: list[tuple[float, bytes]] = []
    service = GroundService(
        dictionary,
        Archive.create(tmp_path, "run"),
        RuleEngine([soc_low]),
        AlarmManager(),
        Channel(LightTime("fixed", LIGHT_TIME_S)),
        publish=published.append,
        uplink=lambda arrival_s, frame: uplinked.append((arrival_s, frame)),
    )
    yield Ground(service, published, uplinked)
    service.archive.close()


# -- light time ----------------------------------------------------------------------------------


def test_a_frame_is_delivered_only_once_it_has_crossed_the_light_time(ground: Ground) -> None:
    ground.service.advance(10.0)
    down(ground.service, power_report(0, 10.0))
    ground.service.advance(11.9)
    assert ground.service.latest("power.battery_soc") is None
    assert ground.archived_frames() == []
    assert ground.service.status().in_flight_down == 1
    ground.service.advance(12.0)
    assert ground.service.latest("power.battery_soc") == (10.0, 0.9)  # when it was measured
    assert ground.archived_frames() == [FrameRow(12.0, 10.0, POWER_APID, 0, True, None)]
    assert ground.service.status().in_flight_down == 0
    assert ground.service.status().last_frame_s == 12.0


def test_the_rules_judge_a_frame_when_it_arrives_not_when_it_was_sent(ground: Ground) -> None:
    ground.service.advance(10.0)
    down(ground.service, power_report(0, 10.0, battery_soc=0.1))
    ground.service.advance(11.9)
    assert ground.on(AlarmChanged) == []
    ground.service.advance(12.0)
    assert [alarm.entry.kind for alarm in ground.on(AlarmChanged)] == ["triggered"]


def test_a_frame_the_ground_handles_late_is_stamped_with_its_arrival_time(ground: Ground) -> None:
    ground.service.advance(20.0)
    down(ground.service, power_report(0, 10.0))
    assert ground.archived_frames() == [FrameRow(12.0, 10.0, POWER_APID, 0, True, None)]


def test_a_replayed_frame_skips_the_channel_and_keeps_its_recorded_time(ground: Ground) -> None:
    ground.service.replay_frame(power_report(0, 10.0), received_s=12.5)
    assert ground.archived_frames() == [FrameRow(12.5, 10.0, POWER_APID, 0, True, None)]
    assert ground.service.now_s == 12.5


# -- sequence gaps -------------------------------------------------------------------------------


def test_a_missing_sequence_count_is_reported_once_with_the_number_missing(ground: Ground) -> None:
    ground.downlink(*(power_report(seq, float(seq)) for seq in (0, 1, 4, 5, 6)))
    assert ground.on(SequenceGap) == [
        SequenceGap(time_s=4.0 + LIGHT_TIME_S, apid=POWER_APID, missing=2)
    ]
    assert (ground.ingest().gaps, ground.ingest().frames_missing) == (1, 2)


def test_the_count_wrapping_from_16383_to_0_is_not_a_gap(ground: Ground) -> None:
    ground.downlink(*(power_report(seq, float(i)) for i, seq in enumerate((16382, 16383, 0, 1))))
    assert ground.on(SequenceGap) == []
    assert (ground.ingest().gaps, ground.ingest().frames_missing) == (0, 0)


def test_a_gap_across_the_wrap_counts_only_the_frames_missing(ground: Ground) -> None:
    ground.downlink(power_report(16382, 0.0), power_report(1, 1.0))  # 16383 and 0 were lost
    assert ground.on(SequenceGap) == [
        SequenceGap(time_s=1.0 + LIGHT_TIME_S, apid=POWER_APID, missing=2)
    ]


def test_each_apid_keeps_its_own_sequence_count(ground: Ground) -> None:
    ground.downlink(
        power_report(40, 0.0),
        thermal_report(0, 0.5),
        power_report(41, 1.0),
        thermal_report(1, 1.5),
        power_report(42, 2.0),
        thermal_report(3, 2.5),
    )
    assert ground.on(SequenceGap) == [
        SequenceGap(time_s=2.5 + LIGHT_TIME_S, apid=THERMAL_APID, missing=1)
    ]


# -- recorder playback ---------------------------------------------------------------------------


def test_frames_that_came_down_live_and_again_in_a_dump_are_archived_once(ground: Ground) -> None:
    live = [power_report(seq, float(seq)) for seq in range(3)]
    ground.downlink(*live)
    ground.downlink(dump(*live, seq=0, time_s=10.0))
    assert ground.playback() == PlaybackCounts(recovered=0, duplicates=3)
    assert [(row.apid, row.seq) for row in ground.archived_frames()] == [
        (POWER_APID, 0),
        (POWER_APID, 1),
        (POWER_APID, 2),
        (EXECUTIVE_APID, 0),  # the dump itself
    ]
    assert ground.on(DumpArrived) == [DumpArrived(time_s=12.0, part=1, parts=1, frames=3)]


def test_frames_only_in_the_dump_are_recovered_and_archived_as_playback(ground: Ground) -> None:
    recorded = [
        power_report(0, 0.0, battery_soc=0.90),
        power_report(1, 1.0, battery_soc=0.89),
        power_report(2, 2.0, battery_soc=0.88),
    ]
    ground.downlink(recorded[0], recorded[2])  # the middle one was lost on the way down
    ground.downlink(dump(*recorded, seq=0, time_s=10.0))
    assert ground.playback() == PlaybackCounts(recovered=1, duplicates=2)
    assert ground.archived_frames()[-1] == FrameRow(12.0, 1.0, POWER_APID, 1, True, "playback")
    assert ground.service.archive.parameter_history("power.battery_soc") == [
        (0.0, 0.90),
        (1.0, 0.89),
        (2.0, 0.88),
    ]


def test_a_recovered_frame_is_history_and_runs_no_rules(ground: Ground) -> None:
    recorded = [power_report(0, 0.0), power_report(1, 1.0, battery_soc=0.1), power_report(2, 2.0)]
    ground.downlink(recorded[0], recorded[2])
    ground.downlink(dump(*recorded, seq=0, time_s=10.0))
    assert ground.playback().recovered == 1
    assert ground.on(AlarmChanged) == []
    assert ground.service.archive.alarms() == []
    assert ground.service.latest("power.battery_soc") == (2.0, 0.9)  # the present is unchanged


def test_a_recovered_frame_is_not_a_sequence_gap(ground: Ground) -> None:
    recorded = [power_report(seq, float(seq)) for seq in range(4)]
    ground.downlink(recorded[0], recorded[1], recorded[3])  # seq 2 lost: one gap
    ground.downlink(dump(recorded[2], seq=0, time_s=10.0))
    ground.downlink(power_report(4, 20.0))
    assert ground.on(SequenceGap) == [
        SequenceGap(time_s=3.0 + LIGHT_TIME_S, apid=POWER_APID, missing=1)
    ]
    assert (ground.ingest().gaps, ground.ingest().frames_missing) == (1, 1)
    assert ground.playback().recovered == 1


def test_a_recovered_answer_is_history_too(ground: Ground) -> None:
    ground.downlink(power_report(0, 0.0))
    answer = power_answer(1, 1.0, battery_soc=0.1)  # lost on the way down
    ground.downlink(power_report(2, 2.0))
    ground.downlink(dump(answer, seq=0, time_s=10.0))
    assert ground.playback().recovered == 1
    assert ground.on(AlarmChanged) == []
    assert ground.service.latest("power.battery_soc") == (2.0, 0.9)
    assert ground.service.archive.parameter_history("power.battery_soc") == [
        (0.0, 0.9),
        (1.0, 0.1),
        (2.0, 0.9),
    ]


# -- partial reports -----------------------------------------------------------------------------


def test_an_answer_updates_the_values_it_carries_and_keeps_the_others(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0))
    ground.downlink(power_answer(1, 15.0, battery_soc=0.8))
    assert ground.service.latest("power.battery_soc") == (15.0, 0.8)
    kept = ground.service.latest("power.bus_voltage_v")
    assert kept is not None and kept[1] == 30.5


def test_a_value_an_answer_leaves_out_keeps_the_time_it_was_measured(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0))
    ground.downlink(power_answer(1, 15.0, battery_soc=0.8))
    assert ground.service.latest("power.bus_voltage_v") == (10.0, 30.5)


def test_a_full_report_after_an_answer_replaces_every_value(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0))
    ground.downlink(power_answer(1, 15.0, battery_soc=0.8))
    ground.downlink(power_report(2, 20.0, battery_soc=0.7))
    assert ground.service.latest("power.battery_soc") == (20.0, 0.7)
    assert ground.service.latest("power.bus_voltage_v") == (20.0, 30.5)


def test_a_value_only_ever_answered_outlives_the_next_report(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0))
    ground.downlink(power_answer(1, 15.0, battery_charge_wh=61.0))  # not in housekeeping
    ground.downlink(power_report(2, 20.0))
    assert ground.service.latest("power.battery_charge_wh") == (15.0, 61.0)
    assert ground.service.latest("power.battery_soc") == (20.0, 0.9)


def test_an_answer_is_judged_by_the_rules_like_a_report(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0))
    ground.downlink(power_answer(1, 15.0, battery_soc=0.1))
    assert [(a.entry.name, a.entry.kind, a.entry.time_s) for a in ground.on(AlarmChanged)] == [
        ("battery_soc", "triggered", 15.0)
    ]


# -- refusals ------------------------------------------------------------------------------------

GOOD = power_report(0, 1.0)
BAD_FRAMES = [  # packets in good transfer frames: what a spacecraft whose software errs sends
    ("bad_crc", GOOD[:-1] + bytes([GOOD[-1] ^ 0xFF])),
    ("bad_crc", GOOD[:10]),  # cut short: its length takes the octets after it, and its CRC fails
    ("bad_version", bytes([GOOD[0] | 0b001 << 5]) + GOOD[1:]),  # packet version 1, not 0
    ("unknown_apid", encode_tm(0x123, 0, 3, 25, 1.0, encode_body(Housekeeping("power", {})))),
    ("unknown_service", encode_tm(POWER_APID, 0, 99, 1, 1.0)),
    ("bad_body", encode_tm(POWER_APID, 0, 3, 25, 1.0, b"\xc1")),  # 0xc1 is never msgpack
]


@pytest.mark.parametrize(("reason", "bad"), BAD_FRAMES, ids=[reason for reason, _ in BAD_FRAMES])
def test_a_bad_frame_is_refused_with_its_reason_and_the_next_good_one_is_ingested(
    ground: Ground, reason: str, bad: bytes
) -> None:
    ground.downlink(bad)
    ground.downlink(power_report(1, 5.0))
    ingest = ground.ingest()
    assert ingest.refused_by_reason == {reason: 1}
    assert (ingest.frames, ingest.good, ingest.refused) == (2, 1, 1)
    assert [refusal.reason for refusal in ground.on(FrameRefused)] == [reason]
    refused, good = ground.archived_frames()
    assert not refused.ok
    assert refused.reason is not None and refused.reason.startswith(f"{reason}: ")
    assert good == FrameRow(5.0 + LIGHT_TIME_S, 5.0, POWER_APID, 1, True, None)
    assert ground.service.latest("power.battery_soc") == (5.0, 0.9)


def damaged_message(message: bytes, reason: str) -> bytes:
    """`message` damaged so that its first transfer frame is refused for `reason`."""
    octets = bytearray(message)
    if reason == "bad_frame_crc":
        octets[100] ^= 0x10  # a bit error on the way
    elif reason == "bad_frame_header":
        octets[0] ^= 0x01  # another spacecraft's id
        octets[FRAME_LENGTH - 2 : FRAME_LENGTH] = crc16_ccitt_false(
            octets[: FRAME_LENGTH - 2]
        ).to_bytes(2, "big")
    elif reason == "bad_first_header_pointer":
        octets[4:6] = (0x9800 | 1500).to_bytes(2, "big")  # a pointer past the 1100-octet field
        octets[FRAME_LENGTH - 2 : FRAME_LENGTH] = crc16_ccitt_false(
            octets[: FRAME_LENGTH - 2]
        ).to_bytes(2, "big")
    else:
        del octets[-3:]  # bad_frame_length
    return bytes(octets)


@pytest.mark.parametrize(
    "reason", ["bad_frame_crc", "bad_frame_header", "bad_first_header_pointer", "bad_frame_length"]
)
def test_a_bad_transfer_frame_is_refused_whole_and_the_next_message_is_ingested(
    ground: Ground, reason: str
) -> None:
    framer = Framer()
    ground.service.on_downlink_message(
        damaged_message(message(framer, power_report(0, 1.0)), reason)
    )
    ground.service.on_downlink_message(message(framer, power_report(1, 5.0)))
    ground.service.advance(5.0 + LIGHT_TIME_S)
    ingest = ground.ingest()
    assert ingest.refused_by_reason == {reason: 1}
    assert (ingest.transfer_frames, ingest.transfer_frames_refused) == (2, 1)
    assert (ingest.frames, ingest.good) == (1, 1)  # the damaged frame's packet never came out
    assert [refusal.reason for refusal in ground.on(FrameRefused)] == [reason]
    assert ground.service.latest("power.battery_soc") == (5.0, 0.9)


def test_a_lost_transfer_frame_is_counted_and_its_packets_are_a_sequence_gap(
    ground: Ground,
) -> None:
    framer = Framer()
    first, lost, last = (message(framer, power_report(n, 1.0 + n)) for n in range(3))
    ground.service.on_downlink_message(first)
    ground.service.on_downlink_message(last)  # `lost` never reached the antenna
    ground.service.advance(3.0 + LIGHT_TIME_S)
    ingest = ground.ingest()
    assert (ingest.transfer_frames, ingest.transfer_frames_lost) == (2, 1)
    assert (ingest.good, ingest.gaps, ingest.frames_missing) == (2, 1, 1)
    assert len(lost) == FRAME_LENGTH


def test_a_packet_longer_than_a_frame_is_joined_across_frames(ground: Ground) -> None:
    long_text = "x" * 3000  # an event's message over two and a half frames
    packet = tm(EventReport(1, "power", "long", long_text, {}), seq=0, time_s=1.0)
    sent = message(Framer(), packet)
    assert len(sent) == 3 * FRAME_LENGTH
    ground.service.on_downlink_message(sent)
    ground.service.advance(1.0 + LIGHT_TIME_S)
    assert [event.event.message for event in ground.on(EventArrived)] == [long_text]
    assert ground.ingest().transfer_frames == 3


WRONG_TYPES = [
    ("params", {"subsystem": "power", "params": [0.5]}),
    ("params['battery_soc']", {"subsystem": "power", "params": {"battery_soc": [0.5]}}),
    ("subsystem", {"subsystem": 17, "params": {"battery_soc": 0.5}}),
    ("subsystem", {"subsystem": "power.bus", "params": {}}),
]


@pytest.mark.parametrize(("field", "body"), WRONG_TYPES, ids=[str(b) for _, b in WRONG_TYPES])
def test_a_housekeeping_body_of_the_wrong_type_is_refused_naming_the_field_and_ingest_goes_on(
    ground: Ground, field: str, body: dict[str, object]
) -> None:
    ground.downlink(encode_tm(POWER_APID, 0, 3, 25, 1.0, msgpack.packb(body)))  # a good CRC
    ground.downlink(power_report(1, 5.0))
    ingest = ground.ingest()
    assert ingest.refused_by_reason == {"bad_body": 1}
    assert (ingest.frames, ingest.good, ingest.refused) == (2, 1, 1)
    (refusal,) = ground.on(FrameRefused)
    assert refusal.detail.startswith(f"Housekeeping: {field} — expected")
    refused, good = ground.archived_frames()
    assert not refused.ok and refused.reason == f"bad_body: {refusal.detail}"
    assert good.ok
    assert ground.service.latest("power.battery_soc") == (5.0, 0.9)


def test_a_malformed_truth_message_is_counted_with_its_reason(ground: Ground) -> None:
    assert ground.service.truth.take(msgpack.packb({"generation": 1, "time_s": "soon"})) is None
    assert ground.service.truth.take(b"\xc1") is None
    truth = ground.service.status().truth
    assert truth.refused_by_reason == {"wrong_type": 1, "not_msgpack": 1}
    assert (truth.received, truth.refused) == (2, 2)
    assert truth.last_refusal.startswith("Truth: not msgpack")


def test_a_frame_lost_to_a_bad_crc_shows_as_a_gap_when_the_next_arrives(ground: Ground) -> None:
    corrupted = power_report(1, 1.0)
    corrupted = corrupted[:-1] + bytes([corrupted[-1] ^ 0xFF])
    ground.downlink(power_report(0, 0.0), corrupted, power_report(2, 2.0))
    assert ground.on(SequenceGap) == [
        SequenceGap(time_s=2.0 + LIGHT_TIME_S, apid=POWER_APID, missing=1)
    ]


# -- alarms --------------------------------------------------------------------------------------


def test_a_limit_violation_raises_an_alarm_that_is_archived_and_published(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0, battery_soc=0.1))
    condition = "power.battery_soc < 0.3 (red)"
    assert ground.on(AlarmChanged) == [
        AlarmChanged(
            entry=AlarmEntry(
                time_s=10.0,
                name="battery_soc",
                kind=AlarmTransitionKind.TRIGGERED,
                severity=AlarmSeverity.CRITICAL,
                condition=condition,
                value=0.1,
            )
        )
    ]
    [record] = ground.service.archive.alarms()
    assert (record.time_s, record.name, record.kind, record.severity) == (
        10.0,
        "battery_soc",
        "triggered",
        "critical",
    )
    assert (record.condition, record.value) == (condition, 0.1)
    assert ground.service.status().alarms_active == 1


def test_a_value_back_in_limits_returns_the_alarm_to_normal(ground: Ground) -> None:
    ground.downlink(power_report(0, 10.0, battery_soc=0.1), power_report(1, 20.0))
    assert [(a.entry.kind, a.entry.time_s) for a in ground.on(AlarmChanged)] == [
        ("triggered", 10.0),
        ("returned", 20.0),
    ]
    assert [record.kind for record in ground.service.archive.alarms()] == ["triggered", "returned"]


# -- authenticated telecommands and the channel --------------------------------------------------


def test_the_channel_damages_a_telecommand_after_it_is_signed_so_the_spacecraft_refuses_it(
    tmp_path: Path, dictionary: Dictionary
) -> None:
    """Bit errors on the uplink must land on the signed frame: signed after them, a damaged
    telecommand would carry a good CRC and a good MAC, and run as something else."""
    key = bytes(range(32))
    uplinked: list[tuple[float, bytes]] = []
    noisy = ChannelConfig(bit_error_rate=1e-2, seed=3)  # about 3 flipped bits a telecommand
    service = GroundService(
        dictionary,
        Archive.create(tmp_path, "run"),
        RuleEngine([]),
        AlarmManager(),
        Channel(LightTime("fixed", LIGHT_TIME_S), config=noisy),
        publish=lambda event: None,
        uplink=lambda arrival_s, frame: uplinked.append((arrival_s, frame)),
    )
    numbers = iter(range(1, 1000))
    service.commander.protect = lambda frame: sdls.secure(frame, 1, next(numbers), key)
    for _ in range(20):
        service.commander.ping()
    service.archive.close()

    damaged = []
    for _, frame in uplinked:
        try:
            sdls.open_secured(frame, {1: key})
        except FrameError as error:
            damaged.append(error.reason)
    assert len(damaged) >= 15 and set(damaged) <= {"bad_crc", "length_mismatch"}


def test_a_refused_transfer_frame_replayed_is_refused_again_for_the_same_reason(
    ground: Ground,
) -> None:
    damaged = damaged_message(message(Framer(), power_report(0, 1.0)), "bad_frame_crc")
    ground.service.replay_refused_transfer_frame(damaged, 3.0)
    assert ground.ingest().refused_by_reason == {"bad_frame_crc": 1}
    assert ground.ingest().frames == 0  # not taken for a packet
