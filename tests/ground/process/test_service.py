"""The ground service without sockets: a frame whose body does not match the ICD is refused,
counted and archived as refused, and ingest goes on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest

from flightsw.icd import Housekeeping, encode_body, encode_tm
from flightsw.icd.dictionary import MissionDictionary, ParamSpec, SubsystemDictionary
from ground.archive.store import Archive
from ground.dictionary import Dictionary
from ground.link.channel import Channel, LightTime
from ground.process.service import GroundService
from ground.rules.alarms import AlarmManager
from ground.rules.engine import RuleEngine

POWER_APID = 17
DICTIONARY = MissionDictionary(
    "test",
    "a spacecraft with a battery",
    0.0,
    1.0,
    {"executive": 1, "power": POWER_APID},
    (
        SubsystemDictionary("executive", 1, (), (), ()),
        SubsystemDictionary("power", POWER_APID, (), (), (ParamSpec("battery_soc", "", "charge"),)),
    ),
)


@pytest.fixture
def ground(tmp_path: Path) -> Iterator[tuple[GroundService, list[tuple[str, dict[str, Any]]]]]:
    published: list[tuple[str, dict[str, Any]]] = []
    archive = Archive.create(tmp_path, "run")
    service = GroundService(
        Dictionary.from_flight(DICTIONARY),
        archive,
        RuleEngine([]),
        AlarmManager(),
        Channel(LightTime("fixed", 0.0)),
        publish=lambda topic, data: published.append((topic, data)),
        uplink=lambda arrival_s, frame: None,
    )
    yield service, published
    archive.close()


def housekeeping_frame(seq: int, time_s: float, body: bytes) -> bytes:
    return encode_tm(POWER_APID, seq, 3, 25, time_s, body)


def archived_frames(service: GroundService) -> list[tuple[int, int, str | None]]:
    service.archive.flush()
    with sqlite3.connect(service.archive.path) as connection:
        return connection.execute("SELECT seq, ok, reason FROM frames ORDER BY id").fetchall()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subsystem": "power", "params": [0.5]}, "params"),
        ({"subsystem": "power", "params": {"battery_soc": [0.5]}}, "params['battery_soc']"),
        ({"subsystem": 17, "params": {"battery_soc": 0.5}}, "subsystem"),
        ({"subsystem": "power.bus", "params": {}}, "subsystem"),
    ],
)
def test_a_housekeeping_body_of_the_wrong_type_is_refused_and_ingest_goes_on(
    ground: tuple[GroundService, list[tuple[str, dict[str, Any]]]],
    body: dict[str, Any],
    field: str,
) -> None:
    service, published = ground
    bad = housekeeping_frame(0, 1.0, msgpack.packb(body))  # a good CRC around a bad body
    service.on_downlink_frame(bad)
    good = housekeeping_frame(1, 2.0, encode_body(Housekeeping("power", {"battery_soc": 0.4})))
    service.advance(2.0)
    service.on_downlink_frame(good)

    counters = service.status()["ingest"]
    assert counters["refused_by_reason"] == {"bad_body": 1}
    assert (counters["frames"], counters["good"]) == (2, 1)
    (_, refused_ok, reason), (_, good_ok, _) = archived_frames(service)
    assert (refused_ok, good_ok) == (0, 1)
    assert reason is not None and reason.startswith(f"bad_body: Housekeeping: {field} — expected")
    refusals = [data for topic, data in published if topic == "frame_refused"]
    assert [r["reason"] for r in refusals] == ["bad_body"]
    assert service.latest("power.battery_soc") == (2.0, 0.4)  # still ingesting


def test_a_malformed_truth_message_is_counted_with_its_reason(
    ground: tuple[GroundService, list[tuple[str, dict[str, Any]]]],
) -> None:
    service, _ = ground
    assert service.truth.take(msgpack.packb({"generation": 1, "time_s": "soon"})) is None
    assert service.truth.take(b"\xc1") is None
    truth = service.status()["truth"]
    assert truth["refused_by_reason"] == {"wrong_type": 1, "not_msgpack": 1}
    assert truth["received"] == 2
