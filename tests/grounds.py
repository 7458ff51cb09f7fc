"""A ground service from real parts on a real archive, and the frames to feed it.

Only its two ways out (the live feed and the uplink) are lists that collect what they are
given; every frame is a real CCSDS packet built with the ICD.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from flightsw.config import load_mission
from flightsw.executive import mission_dictionary
from flightsw.icd import (
    EventReport,
    Housekeeping,
    Message,
    Packet,
    Scalar,
    Stage,
    StoredFrames,
    Verification,
    decode,
    encode_body,
    encode_tm,
)
from flightsw.subsystems import build_models
from ground.api import FeedEvent
from ground.archive import Archive
from ground.dictionary import Dictionary
from ground.link import Channel, LightTime
from ground.process.service import GroundService
from ground.rules import AlarmManager, AlarmSeverity, LimitBands, LimitRule, Rule, RuleEngine
from tests.downlink import down

LIGHT_TIME_S = 2.0
EXECUTIVE_APID = 1  # leo_smallsat's [apids]
POWER_APID = 17
NOMINAL_SOC = 0.9


def leo_dictionary() -> Dictionary:
    """The flight dictionary of the shipped small LEO satellite, as its sim port serves it."""
    config = load_mission("leo_smallsat")
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


def tm(message: Message, *, seq: int, time_s: float, apid: int = POWER_APID) -> bytes:
    """A telemetry frame carrying `message`, generated at `time_s` mission seconds."""
    return encode_tm(apid, seq, message.service, message.subtype, time_s, encode_body(message))


def power(seq: int, time_s: float, soc: float = NOMINAL_SOC) -> bytes:
    """A power housekeeping frame with its battery's state of charge."""
    return tm(Housekeeping("power", {"battery_soc": soc}), seq=seq, time_s=time_s)


def event(seq: int, time_s: float, name: str = "started") -> bytes:
    message = EventReport(1, "executive", name, f"{name} at T+{time_s:g} s")
    return tm(message, seq=seq, time_s=time_s, apid=EXECUTIVE_APID)


def dump(frames: list[bytes], *, seq: int, time_s: float) -> bytes:
    """A TM[15,16] recorder dump in one part."""
    return tm(StoredFrames(1, 1, frames), seq=seq, time_s=time_s, apid=EXECUTIVE_APID)


def completed(command: Packet, *, seq: int, time_s: float) -> bytes:
    """The TM[1,7] completion of a telecommand."""
    message = Verification(Stage.COMPLETED, command.apid, command.seq)
    return tm(message, seq=seq, time_s=time_s, apid=command.apid)


def soc_low() -> Rule:
    """Battery charge under 0.3 is red."""
    return LimitRule("battery_soc", AlarmSeverity.CRITICAL, "power.battery_soc",
                     LimitBands(red_low=0.3))  # fmt: skip


@dataclass
class Ground:
    """A GroundService with what it published and uplinked collected."""

    service: GroundService
    published: list[FeedEvent] = field(default_factory=list)
    uplinked: list[tuple[float, bytes]] = field(default_factory=list)

    def downlink(self, *frames: bytes, until_s: float) -> None:
        """Frames reach the antenna; mission time then runs to `until_s`."""
        for frame in frames:
            down(self.service, frame)
        self.service.advance(until_s)

    def sent(self) -> list[Packet]:
        """The telecommands uplinked, decoded."""
        return [decode(frame) for _, frame in self.uplinked]

    def values(self, sql: str, *args: object) -> list[tuple[Scalar | None, ...]]:
        """Rows of the archive as another reader of the file sees them."""
        archive = self.service.archive
        archive.flush()
        uri = f"{archive.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as reader:
            return list(reader.execute(sql, args).fetchall())


def ground_on(archive: Archive, *rules: Rule) -> Ground:
    """A ground writing to `archive`, judging with `rules`, on a fixed light time."""
    ground = Ground(
        GroundService(
            leo_dictionary(),
            archive,
            RuleEngine(list(rules)),
            AlarmManager(),
            Channel(LightTime("fixed", LIGHT_TIME_S)),
            publish=lambda event: None,
            uplink=lambda arrival_s, frame: None,
        )
    )
    ground.service.publish = ground.published.append
    ground.service.uplink = lambda arrival_s, frame: ground.uplinked.append((arrival_s, frame))
    return ground


def new_ground(directory: Path, *rules: Rule, run: str = "run") -> Ground:
    archive = Archive.create(directory, run)
    archive.begin_segment(0.0, "the run began")
    return ground_on(archive, *rules)
