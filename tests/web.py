"""`mission web` as a real process beside a launched mission, and its callers as real clients."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
from processes import STOP_WITHIN_S, Output, kill_if_alive, wait_for_exit

from flightsw.config import (
    AccessFolder,
    Role,
    add_operator,
    local_user,
    make_certificate,
    read_certificate,
)

ANSWER_WITHIN_S = 30.0  # wall seconds: a bound on failure (a step of the clock answers once done)


class Web:
    """A running `mission web`: where it serves, its output, and a way to stop it."""

    def __init__(self, process: subprocess.Popen[bytes], output: Output) -> None:
        self.process = process
        self.output = output
        found = re.search(r"at (http://[\d.]+:\d+)/", output.text)
        assert found, output.text
        self.base = found.group(1)
        self._clients: dict[str | None, httpx.Client] = {}

    def client(self, key: str | None) -> httpx.Client:
        """An HTTP client showing `key` (None: no key at all), closed with the web."""
        if key not in self._clients:
            headers = {} if key is None else {"Authorization": f"Bearer {key}"}
            self._clients[key] = httpx.Client(
                base_url=self.base, headers=headers, timeout=ANSWER_WITHIN_S
            )
        return self._clients[key]

    def close_clients(self) -> None:
        for client in self._clients.values():
            client.close()

    def feed_url(self, key: str, **query: object) -> str:
        text = urlencode({"key": key, **query})
        return f"{self.base.replace('http', 'ws', 1)}/api/feed?{text}"

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then its exit code and all it wrote."""
        self.process.send_signal(signal.SIGTERM)
        text = self.output.rest()
        code = self.process.wait(STOP_WITHIN_S)
        return code, text


@contextmanager
def serving(data_dir: Path) -> Iterator[Web]:
    """`mission web` on a free port for the run flying in `data_dir`; killed after, whatever
    happens."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ground.cli.mission",
            "web",
            "--data-dir",
            str(data_dir),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        output = Output(process.stdout.fileno())
        output.expect("mission web: serving")
        web = Web(process, output)
        try:
            yield web
        finally:
            web.close_clients()
    finally:
        if not wait_for_exit(process.pid, 0):
            kill_if_alive(process.pid)
        process.wait(STOP_WITHIN_S)
        assert process.stdout is not None
        process.stdout.close()


def operator_key(access: Path, name: str, role: Role) -> str:
    """A new certificate for `name`, in the operators file as `role`; its secret key, which
    the web takes as the operator's bearer token."""
    folder = AccessFolder(access)
    certificate = make_certificate(folder.identity_path(name))
    add_operator(folder.operators_path, name, role, certificate.public)
    return certificate.secret.decode()


def own_key(access: Path) -> str:
    """The key of who launched the mission (its first test conductor)."""
    return read_certificate(AccessFolder(access).identity_path(local_user())).secret.decode()


HEATER_ALARM = "avionics_heater_off"  # configs/rules/leo_smallsat.toml: heater on, should be off


def step(conductor: httpx.Client, seconds: float) -> float:
    """Let mission time pass, as the test conductor `conductor` shows; the mission time after."""
    reply = conductor.post("/api/clock/step", json={"seconds": seconds})
    assert reply.status_code == 200, reply.text
    time_s: float = reply.json()["time_s"]
    return time_s


@contextmanager
def heater_stuck_on(conductor: httpx.Client) -> Iterator[float]:
    """The small satellite's avionics heater stuck on for a minute, its alarm raised; the
    mission time by then. After, whatever happened: the fault cleared, the heater back to
    normal and its alarm acknowledged, so the next test finds the rule GREEN and no alarm."""
    inject = {"params": {"heater": "avionics"}}
    reply = conductor.post("/api/faults/thermal/heater_stuck_on/inject", json=inject)
    assert reply.status_code == 200, reply.text
    try:
        yield step(conductor, 60.0)
    finally:
        conductor.post("/api/faults/thermal/heater_stuck_on/clear")
        step(conductor, 60.0)
        alarms = conductor.get("/api/alarms").json()["alarms"]
        if any(alarm["name"] == HEATER_ALARM for alarm in alarms):
            conductor.post(f"/api/alarms/{HEATER_ALARM}/acknowledge", json={})
