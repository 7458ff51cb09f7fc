"""Where each socket of the link and the sim port lives; shared by both processes and `mission`."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

HOST = "127.0.0.1"
DEFAULT_BASE_PORT = 15550


@dataclass(frozen=True, slots=True)
class Endpoints:
    """ZeroMQ endpoints. Each process binds what it receives or serves, and connects the rest.

    uplink: spacecraft binds (PULL), ground connects (PUSH) — telecommands.
    downlink: ground binds (PULL), spacecraft connects (PUSH) — telemetry.
    sim: spacecraft binds (ROUTER) — clock control, faults, truth queries.
    truth: spacecraft binds (PUB) — truth time and range after every tick.
    control: ground binds (ROUTER) — the control API for the console, scripts and tests.
    feed: ground binds (PUB) — the live feed of telemetry, events, alarms and commands.
    """

    uplink: str
    downlink: str
    sim: str
    truth: str
    control: str
    feed: str

    @classmethod
    def on_ports(cls, ports: list[int], host: str = HOST) -> Endpoints:
        names = [f.name for f in fields(cls)]
        if len(ports) != len(names):
            raise ValueError(f"need {len(names)} ports, got {len(ports)}")
        return cls(
            **{name: f"tcp://{host}:{port}" for name, port in zip(names, ports, strict=True)}
        )

    @classmethod
    def default(cls) -> Endpoints:
        return cls.on_ports([DEFAULT_BASE_PORT + i for i in range(len(fields(cls)))])

    def with_overrides(self, **overrides: str | None) -> Endpoints:
        return replace(self, **{k: v for k, v in overrides.items() if v})

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def bind_form(endpoint: str) -> str:
    """`tcp://localhost:5` binds as `tcp://127.0.0.1:5`; ZeroMQ binds only to interfaces or *."""
    return endpoint.replace("://localhost:", f"://{HOST}:")
