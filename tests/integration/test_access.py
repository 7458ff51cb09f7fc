"""Who may connect, as whom, between the real processes: CURVE, roles and the audit trail.

`mission run`'s launcher provisions the data folder (this user the first test conductor); the
test adds an observer and an operator as `mission keys add` would, and a stranger makes a key
of their own. Each connects with a real client over the real sockets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import zmq
from flying import LEO, LIGHT_TIME_S

from flightsw.config import (
    SPACECRAFT,
    AccessFolder,
    Certificate,
    Role,
    add_operator,
    local_user,
    make_certificate,
    read_certificate,
    remove_operator,
)
from flightsw.icd import connect_securely, simport
from ground.api import (
    Credentials,
    GetAudit,
    GetStatus,
    GroundClient,
    InjectFault,
    ListCommands,
    SendCommand,
    SendPing,
    Step,
)
from ground.cli.launcher import Mission, launch
from ground.errors import ClientError

pytestmark = pytest.mark.integration

REFUSAL_BOUND_S = 10.0  # wall seconds: a bound on failure; a refused key is told at once


@pytest.fixture(scope="module")
def mission(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mission]:
    flying = launch(
        LEO, tmp_path_factory.mktemp("access"), "access", clock="stepped",
        light_time_s=LIGHT_TIME_S,
    )  # fmt: skip
    try:
        yield flying
    finally:
        flying.stop()


def folder(mission: Mission) -> AccessFolder:
    assert mission.access is not None  # the launcher always secures both processes
    return AccessFolder(mission.access)


def client_as(mission: Mission, name: str, role: Role | None) -> GroundClient:
    """A client with a new certificate for `name`, in the operators file as `role` (None: a
    stranger whose key no one added)."""
    access = folder(mission)
    identity = access.identity_path(name)
    certificate = make_certificate(identity)
    if role is not None:
        add_operator(access.operators_path, name, role, certificate.public)
    credentials = Credentials(certificate, access.public("ground"), identity)
    return GroundClient(mission.endpoints.control, REFUSAL_BOUND_S, credentials=credentials)


def test_an_unknown_key_cannot_connect_and_is_told_so(mission: Mission) -> None:
    with (
        client_as(mission, "stranger", None) as stranger,
        pytest.raises(ClientError, match=r"refused the key .* operators file"),
    ):
        stranger.call(GetStatus())

    status = mission.client.call(GetStatus()).status
    assert status.control.connections_refused >= 1
    assert status.control.requests > 0  # the user's own client is served all along


def test_an_observer_reads_but_cannot_command_and_the_refusal_is_audited(
    mission: Mission,
) -> None:
    with client_as(mission, "flight-dynamics", Role.OBSERVER) as observer:
        assert observer.call(GetStatus()).status.mission == "leo-smallsat"
        with pytest.raises(ClientError, match="flight-dynamics is an observer: 'cmd' needs"):
            observer.call(SendCommand("fdir.enter_safe_mode", {"reason": "not mine"}))
        with pytest.raises(ClientError, match="needs the test-conductor role"):
            observer.call(Step(10.0))

    audit = mission.client.call(GetAudit(operator="flight-dynamics")).audit
    assert [(e.action, e.role) for e in audit] == [("cmd", "observer"), ("step", "observer")]
    assert all(e.outcome.startswith("refused: ") for e in audit)
    assert not any(
        c.name == "fdir.enter_safe_mode" for c in mission.client.call(ListCommands()).commands
    )


def test_an_operator_commands_under_their_own_name_but_cannot_inject(mission: Mission) -> None:
    with client_as(mission, "capcom", Role.OPERATOR) as operator:
        sent = operator.call(SendPing()).command
        with pytest.raises(ClientError, match="needs the test-conductor role"):
            operator.call(InjectFault("power", "array_degraded", {"fraction": 0.5}))

    assert sent.operator == "capcom"
    mission.client.call(Step(10.0))
    (entry,) = mission.client.call(GetAudit(operator="capcom")).audit[:1]
    assert entry.action == "ping" and entry.outcome == f"command #{sent.id} sent"


def test_a_test_conductor_injects_and_the_audit_says_who_when_and_how_it_ended(
    mission: Mission,
) -> None:
    reply = mission.client.call(InjectFault("power", "array_degraded", {"fraction": 0.5}))

    audit = mission.client.call(GetAudit(operator=local_user())).audit
    injection = next(e for e in audit if e.action == "inject")
    assert injection.role == "test-conductor" and injection.outcome == "done"
    assert injection.time_s == pytest.approx(reply.time_s, abs=1.0)
    assert '"fault":"array_degraded"' in injection.request


def test_a_revoked_key_is_refused_at_its_next_request(mission: Mission) -> None:
    with client_as(mission, "leaver", Role.OPERATOR) as leaver:
        leaver.call(GetStatus())
        remove_operator(folder(mission).operators_path, "leaver")

        with pytest.raises(ClientError, match="revoked"):
            leaver.call(GetStatus())


def ask_sim_port(mission: Mission, own: Certificate) -> bool:
    """Whether the spacecraft's sim port answers a status request from a client with this
    key pair (else it refuses the key), within the failure bound."""
    context: zmq.Context[Any] = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    failures = socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    connect_securely(socket, folder(mission).public(SPACECRAFT), own.public, own.secret)
    try:
        socket.connect(mission.endpoints.sim)
        socket.send_multipart([b"", simport.encode(simport.StatusRequest())])
        poller = zmq.Poller()
        poller.register(socket, zmq.POLLIN)
        poller.register(failures, zmq.POLLIN)
        ready = dict(poller.poll(int(REFUSAL_BOUND_S * 1000)))
        assert ready, "neither an answer nor a refusal came from the sim port"
        return socket in ready
    finally:
        socket.disable_monitor()
        failures.close(linger=0)
        socket.close(linger=0)
        context.term()


def test_the_sim_port_admits_test_conductors_only(mission: Mission) -> None:
    access = folder(mission)
    operator = make_certificate(access.identity_path("fido"))
    add_operator(access.operators_path, "fido", Role.OPERATOR, operator.public)
    stranger = make_certificate(access.path / "strangers" / "x.key_secret")

    assert ask_sim_port(mission, read_certificate(access.identity_path(local_user())))
    assert not ask_sim_port(mission, operator)
    assert not ask_sim_port(mission, stranger)
