"""The control API without sockets: typed requests in, typed replies out, never a crash."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flightsw.config import Operator, Role, load_mission, resolve_config
from flightsw.executive import mission_dictionary
from flightsw.icd import simport
from flightsw.subsystems.registry import build_models
from ground.api import (
    Acknowledge,
    AddBlackout,
    AuditReply,
    CommandReply,
    Export,
    ExportReply,
    FeedEvent,
    GetAlarms,
    GetAudit,
    GetStatus,
    GetTelemetry,
    InjectFault,
    ListCommands,
    QueueChanged,
    QueueReply,
    Refusal,
    Reply,
    Request,
    SendCommand,
    SetQueue,
    Shutdown,
    StatusReply,
    Step,
    StepReply,
    TlmReply,
    encode,
)
from ground.archive.store import Archive
from ground.dictionary import Dictionary
from ground.link.channel import Channel, LightTime
from ground.process.control import ControlApi, OnSimReply, immediate
from ground.process.service import GroundService
from ground.rules.alarms import AlarmManager
from ground.rules.engine import RuleEngine
from ground.vocabulary import QueueState


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    config = load_mission(resolve_config("leo_smallsat"))
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


class Ground:
    """A control API on a real service, with the spacecraft played by lists."""

    def __init__(self, dictionary: Dictionary, folder: Path) -> None:
        self.published: list[FeedEvent] = []
        self.sim_requests: list[simport.SimRequest] = []
        self.sim_replies: list[simport.SimReply] = []
        self.steps: list[float] = []
        self.stopped = False
        self.service = GroundService(
            dictionary,
            Archive.create(folder, "run"),
            RuleEngine([]),
            AlarmManager(),
            Channel(LightTime("fixed", 0.0)),
            publish=self.published.append,
            uplink=lambda arrival_s, frame: None,
        )
        self.api = ControlApi(self.service, self._sim, self._step, self._stop)

    def _sim(self, request: simport.SimRequest, on_reply: OnSimReply) -> None:
        self.sim_requests.append(request)
        on_reply(self.sim_replies.pop(0) if self.sim_replies else simport.TimeReply(time_s=0.0))

    def _step(self, seconds: float, on_reply: OnSimReply) -> None:
        self.steps.append(seconds)
        on_reply(simport.ClockReply(time_s=seconds, downlink_sent=0, truth_sent=0, range_m=None))

    def _stop(self) -> None:
        self.stopped = True

    def answers(self, payload: bytes) -> list[Reply | Refusal]:
        replies: list[Reply | Refusal] = []
        self.api.handle(payload, replies.append)
        return replies

    def refusal(self, request: Any) -> str:
        (reply,) = self.answers(msgpack.packb(request))
        assert isinstance(reply, Refusal), reply
        return reply.error


@pytest.fixture
def ground(dictionary: Dictionary, tmp_path: Path) -> Iterator[Ground]:
    made = Ground(dictionary, tmp_path)
    yield made
    made.service.archive.close()


def test_a_typed_request_gets_its_typed_reply(ground: Ground) -> None:
    (reply,) = ground.answers(encode(GetStatus()))
    assert isinstance(reply, StatusReply)
    assert reply.status.mission == "leo-smallsat"
    (reply,) = ground.answers(encode(GetTelemetry("power.battery_soc")))
    assert reply == TlmReply(name="power.battery_soc", time_s=None, value=None)


@pytest.mark.parametrize(
    ("request_", "said"),
    [
        ([1, 2], "a request is a map with an `op` string"),
        ({"seconds": 1.0}, "a request is a map with an `op` string"),
        ({"op": 7}, "a request is a map with an `op` string"),
        ({"op": "fly"}, "unknown op 'fly'; ops: ack, alarm_log"),
        ({"op": "step"}, "step needs `seconds`: a duration in seconds"),
        ({"op": "step", "seconds": "ten"}, "step: `seconds` must be a duration in seconds"),
        ({"op": "step", "seconds": math.nan}, "got nan"),
        ({"op": "step", "seconds": math.inf}, "got inf"),
        ({"op": "step", "seconds": -1.0}, "step: `seconds` must be a duration in seconds, 0 to"),
        ({"op": "step", "seconds": 1.0, "at": 2}, "step has no field `at`; it takes `seconds`"),
        ({"op": "shelve", "name": "a", "duration_s": 0.0}, "more than 0 and finite; got 0"),
        ({"op": "tlm", "name": "battery_soc"}, "`name` must be a full name, subsystem.name"),
        ({"op": "queue", "state": "open"}, "one of enabled, blocked, disabled, or null"),
        ({"op": "history", "name": "power.battery_soc", "start_s": -math.inf}, "got -inf"),
        (
            {"op": "cmd", "name": "power.x", "args": [1]},
            "`args` must be a map of names to values; got a list",
        ),
        ({"op": "events", "min_severity": 5}, "an event severity, 1 (info) to 4 (high); got 5"),
    ],
)
def test_a_malformed_request_is_refused_saying_what_to_send(
    ground: Ground, request_: Any, said: str
) -> None:
    assert said in ground.refusal(request_)


def test_a_request_that_is_not_msgpack_is_refused(ground: Ground) -> None:
    (reply,) = ground.answers(b"\xc1not msgpack")
    assert isinstance(reply, Refusal)
    assert reply.error.startswith("the request is not msgpack")


def test_the_api_keeps_serving_after_a_malformed_request(ground: Ground) -> None:
    ground.refusal({"op": "step", "seconds": math.nan})
    (reply,) = ground.answers(encode(Step(5.0)))
    assert isinstance(reply, StepReply) and reply.time_s == 5.0
    assert reply.ground.mission == "leo-smallsat"
    assert ground.steps == [5.0]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(max_size=64))
def test_any_bytes_get_exactly_one_reply(ground: Ground, payload: bytes) -> None:
    (reply,) = ground.answers(payload)
    assert isinstance(reply, Reply | Refusal)


def test_the_ground_refusing_names_the_reason(ground: Ground) -> None:
    assert ground.refusal({"op": "tlm", "name": "power.battery_sco"}).startswith(
        "no parameter 'power.battery_sco'; did you mean power.battery_soc"
    )
    assert ground.refusal({"op": "command", "id": 42}).startswith("no command with id 42 in memory")


def test_a_defect_in_a_handler_is_answered_and_logged_not_fatal(
    ground: Ground, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(request: GetAlarms) -> Reply:
        raise AttributeError("'Commander' object has no attribute '_stage'")

    ground.api.handlers[GetAlarms] = immediate(broken)
    error = ground.refusal({"op": "alarms"})
    assert "failed to carry out 'alarms'" in error and "keeps running" in error
    assert "'Commander'" not in error  # the reply says what happened, the log has the detail
    assert "_stage" in caplog.text


def test_setting_the_queue_publishes_the_change(ground: Ground) -> None:
    (reply,) = ground.answers(encode(SetQueue(QueueState.BLOCKED)))
    assert reply == QueueReply(state=QueueState.BLOCKED, held=[], released=[])
    assert ground.published == [QueueChanged(time_s=0.0, state=QueueState.BLOCKED, held=0)]


def test_a_spacecraft_refusal_comes_back_as_it_was_said(ground: Ground) -> None:
    ground.sim_replies.append(simport.Refused(error="set_rate needs a realtime clock"))
    assert ground.refusal({"op": "set_rate", "rate": 2.0}) == "set_rate needs a realtime clock"
    assert ground.sim_requests == [simport.SetRateRequest(2.0)]


def test_a_spacecraft_answer_of_the_wrong_kind_is_refused_not_fatal(ground: Ground) -> None:
    # (An answer that does not decode is a refusal before it gets here: test_sim_replies.py.)
    ground.sim_replies.append(simport.Done())
    assert ground.refusal({"op": "set_rate", "rate": 2.0}) == (
        "the spacecraft answered with a Done, not a RateReply"
    )


def test_an_export_comes_to_the_client_in_pages_and_nothing_is_written_on_the_ground(
    ground: Ground, tmp_path: Path
) -> None:
    for number in range(25):
        ground.service.ground_event("drill", 1, f"drill {number}")
    before = sorted(path.name for path in tmp_path.iterdir())

    text, offset = "", 0
    while True:
        (reply,) = ground.answers(encode(Export(what="events", offset=offset, limit=10)))
        assert isinstance(reply, ExportReply)
        text += reply.csv
        offset += reply.rows
        if not reply.more:
            break

    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:5] == ["id", "time_s", "received_s", "subsystem", "name"]
    message = header.index("message")
    drills = [row[message] for row in rows if row[header.index("name")] == "drill"]
    assert drills == [f"drill {number}" for number in range(25)]
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # no file anywhere


def test_an_export_asks_no_path_and_takes_none() -> None:
    assert "path" not in Export.__struct_fields__


# -- roles and the audit trail ------------------------------------------------------------------

OBSERVER = Operator("flight-dynamics", Role.OBSERVER, b"o" * 40)
OPERATOR = Operator("capcom", Role.OPERATOR, b"p" * 40)
CONDUCTOR = Operator("tc", Role.TEST_CONDUCTOR, b"t" * 40)


def answer_for(ground: Ground, caller: Operator, request: Request[Any]) -> Reply | Refusal:
    replies: list[Reply | Refusal] = []
    ground.api.handle(encode(request), replies.append, caller)
    (reply,) = replies
    return reply


@pytest.mark.parametrize(
    ("caller", "request_", "needed"),
    [
        (OBSERVER, SendCommand("power.heater_on", {}), "operator"),
        (OBSERVER, Acknowledge("power.battery_low"), "operator"),
        (OBSERVER, SetQueue(state=QueueState.BLOCKED), "operator"),
        (OPERATOR, InjectFault("power", "array_degraded", {"fraction": 0.5}), "test-conductor"),
        (OPERATOR, Step(10.0), "test-conductor"),
        (OPERATOR, Shutdown(spacecraft=True), "test-conductor"),
        (OPERATOR, AddBlackout(10.0, 20.0), "test-conductor"),
    ],
)
def test_a_role_is_refused_what_it_may_not_do_and_the_refusal_is_audited(
    ground: Ground, caller: Operator, request_: Request[Any], needed: str
) -> None:
    reply = answer_for(ground, caller, request_)

    assert isinstance(reply, Refusal)
    assert f"needs the {needed} role" in reply.error and caller.name in reply.error
    assert not ground.sim_requests and not ground.steps and not ground.stopped
    assert ground.service.control_refused["forbidden"] == 1
    (entry,) = answer_for(ground, OBSERVER, GetAudit()).audit  # type: ignore[union-attr]
    assert (entry.operator, entry.role, entry.action) == (caller.name, caller.role, request_.op())
    assert entry.outcome.startswith("refused:") and "needs the" in entry.outcome


def test_an_observer_reads_without_a_trace_in_the_audit(ground: Ground) -> None:
    for request in (GetStatus(), GetAlarms(), SetQueue(), GetAudit()):
        assert not isinstance(answer_for(ground, OBSERVER, request), Refusal)

    assert answer_for(ground, OBSERVER, GetAudit()) == AuditReply(audit=[], segment=1)


def test_what_goes_beyond_reading_is_audited_with_who_when_and_how_it_ended(
    ground: Ground,
) -> None:
    answer_for(ground, CONDUCTOR, Step(30.0))
    sent = answer_for(ground, OPERATOR, SendCommand("fdir.enter_safe_mode", {"reason": "drill"}))
    answer_for(ground, CONDUCTOR, InjectFault("power", "array_degraded", {"fraction": 0.3}))

    audit = answer_for(ground, OBSERVER, GetAudit())
    assert isinstance(audit, AuditReply) and isinstance(sent, CommandReply)
    assert [(e.operator, e.action) for e in audit.audit] == [
        ("tc", "step"), ("capcom", "cmd"), ("tc", "inject")
    ]  # fmt: skip
    step, command, _ = audit.audit
    assert step.role == "test-conductor" and step.outcome == "done"
    assert command.outcome == f"command #{sent.command.id} sent"
    assert '"reason":"drill"' in command.request
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.utc) for e in audit.audit)
    assert [e.time_s for e in audit.audit] == sorted(e.time_s for e in audit.audit)
    only = answer_for(ground, OBSERVER, GetAudit(operator="capcom"))
    assert [e.action for e in only.audit] == ["cmd"]  # type: ignore[union-attr]


def test_a_command_is_archived_as_sent_by_the_authenticated_operator_not_the_claimed_one(
    ground: Ground,
) -> None:
    sent = answer_for(ground, OPERATOR, SendCommand("fdir.enter_safe_mode", {}, source="mallory"))

    assert isinstance(sent, CommandReply) and sent.command.operator == "capcom"
    (listed,) = answer_for(ground, OBSERVER, ListCommands()).commands  # type: ignore[union-attr]
    assert "by capcom" in str(listed)


def test_a_hazardous_command_needs_confirmation_from_the_ground_itself(ground: Ground) -> None:
    off = SendCommand("power.load_off", {"consumer": "payload_camera"})
    refused = answer_for(ground, OPERATOR, off)

    assert isinstance(refused, Refusal) and "hazardous" in refused.error
    confirmed = SendCommand("power.load_off", {"consumer": "payload_camera"}, confirm=True)
    assert isinstance(answer_for(ground, OPERATOR, confirmed), CommandReply)


def test_a_request_answered_after_the_archive_closed_is_still_answered(ground: Ground) -> None:
    ground.service.archive.close()

    reply = answer_for(ground, CONDUCTOR, Step(5.0))  # audited: its row cannot be written

    assert not isinstance(reply, Refusal) and ground.steps == [5.0]
