"""The dispatcher and telecommand bodies: a service field of the wrong type is refused at
acceptance with BAD_BODY (TM[1,2]), and no body whatever raises into the tick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgpack
import pytest
from fakes import CounterModel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import bodies_for, msgpack_values

from flightsw.executive.actors.bus import SoftwareBus
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.supervisor import Supervisor
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.messages import Verification, messages
from flightsw.icd.packet import PacketType, encode_tc
from flightsw.icd.services import Stage

APIDS = {"executive": 1, "counter": 16}
TELECOMMANDS = [(s, t, cls) for d, s, t, cls in messages() if d is PacketType.TC]


@pytest.fixture
def dispatcher() -> Iterator[Dispatcher]:
    supervisor = Supervisor(SoftwareBus.start(), 1.0)
    supervisor.start(CounterModel(), APIDS["counter"], hk_period_s=5.0)
    yield Dispatcher(APIDS, supervisor, APIDS["executive"])


def verifications(
    dispatcher: Dispatcher, apid: int, service: int, subtype: int, body: Any
) -> list[Verification]:
    frame = encode_tc(apid, 3, service, subtype, msgpack.packb(body, use_bin_type=True))
    out = dispatcher.handle_frame(frame, 10.0)
    return [p.message for p in out if isinstance(p.message, Verification)]


@pytest.mark.parametrize(
    ("apid", "service", "subtype", "body", "field"),
    [
        (16, 8, 1, {"command": 5, "args": {}}, "PerformFunction: command"),
        (16, 8, 1, {"command": "set_rate", "args": [1.0]}, "PerformFunction: args"),
        (16, 3, 31, {"period_s": "often"}, "SetReportInterval: period_s"),
        (16, 3, 31, {"period_s": 0.0}, "SetReportInterval: period_s"),
        (16, 20, 1, {"names": "count"}, "ReadParameters: names"),
        (1, 11, 4, {"release_s": "later", "tc": b"\x18"}, "InsertActivity: release_s"),
        (1, 11, 4, {"release_s": 30.0, "tc": "a frame"}, "InsertActivity: tc"),
        (1, 11, 5, {"id": "3"}, "DeleteActivity: id"),
        (1, 11, 15, {"shift_s": None}, "TimeShiftSchedule: shift_s"),
        (1, 15, 9, {"start_s": 0.0, "end_s": float("inf")}, "DumpStore: end_s"),
        (1, 15, 11, {"before_s": [1]}, "DeleteStore: before_s"),
    ],
)  # fmt: skip
def test_a_service_field_of_the_wrong_type_fails_acceptance_with_bad_body(
    dispatcher: Dispatcher, apid: int, service: int, subtype: int, body: Any, field: str
) -> None:
    (report,) = verifications(dispatcher, apid, service, subtype, body)
    assert (report.stage, report.code) == (Stage.ACCEPT_FAILED, ErrorCode.BAD_BODY)
    assert report.reason.startswith(f"{field} — expected"), report.reason
    assert dispatcher.failures == {"bad_body": 1}


def test_no_telecommand_body_whatever_raises_into_the_tick(dispatcher: Dispatcher) -> None:
    @settings(
        max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        service, subtype, cls = data.draw(st.sampled_from(TELECOMMANDS))
        body = data.draw(st.one_of(bodies_for(cls), msgpack_values))
        apid = data.draw(st.sampled_from([1, 16, 99]))
        reports = verifications(dispatcher, apid, service, subtype, body)
        assert reports, "every telecommand is answered"
        assert all(r.stage in set(Stage) for r in reports)

    check()
