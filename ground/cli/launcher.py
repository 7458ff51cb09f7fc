"""Start the spacecraft and ground processes on free ports, and always stop them again."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flightsw.config import resolve_config
from flightsw.icd import HOST, Endpoints
from ground.api import GetStatus, GroundClient, Reset, Session, Shutdown, Step
from ground.errors import ClientError, LaunchError
from ground.process import check_config

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now, found by letting the OS choose (all held until all are chosen)."""
    holders = []
    try:
        for _ in range(count):
            holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            holder.bind((HOST, 0))
            holders.append(holder)
        return [holder.getsockname()[1] for holder in holders]
    finally:
        for holder in holders:
            holder.close()


@dataclass
class Mission:
    """Two running processes and a client of the ground's control API."""

    config: Path
    endpoints: Endpoints
    data_dir: Path
    run_name: str
    flight: subprocess.Popen[bytes]
    ground: subprocess.Popen[bytes]
    client: GroundClient
    logs: list[IO[bytes]] = field(default_factory=list)
    stopped: bool = False
    flight_log: Path | None = None  # where the spacecraft process writes its log

    @property
    def archive_path(self) -> Path:
        return self.data_dir / f"{self.run_name}.sqlite"

    def reset(self, run_name: str) -> Path:
        """Fly a new spacecraft from the config and archive from now on as `run_name` (stepped).

        The same processes carry on: cheaper than a new launch, and a test cannot tell the
        difference (a test checks that the archives are identical).
        """
        reply = self.client.call(Reset(run_name), timeout_s=STOP_TIMEOUT_S + 30.0)
        self.run_name = run_name
        self.session().write(self.data_dir)
        return Path(reply.archive)

    def session(self) -> Session:
        """Where this mission's ground is, for `mission console --data-dir` to find it."""
        return Session(
            self.run_name,
            self.archive_path,
            self.endpoints,
            config=self.config,
            flightsw_pid=self.flight.pid,
            ground_pid=self.ground.pid,
        )

    def alive(self) -> bool:
        return not self.stopped and self.flight.poll() is None and self.ground.poll() is None

    def stop(self) -> None:
        """Ask both processes to stop, then make sure they have; never leaves an orphan.

        Safe to call more than once (a test may stop a mission before its fixture does).
        """
        if self.stopped:
            return
        self.stopped = True
        if self.ground.poll() is None:  # a ground that has exited cannot pass the word on
            with contextlib.suppress(ClientError):
                self.client.call(Shutdown(spacecraft=True), timeout_s=5.0)
        for process in (self.ground, self.flight):
            _terminate(process)
        self.client.close()
        for stream in self.logs:
            stream.close()

    def __enter__(self) -> Mission:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop within %g s; killing it", process.pid, STOP_TIMEOUT_S)
            process.kill()
            process.wait()


def launch(
    config: Path | str,
    data_dir: Path,
    run_name: str,
    clock: str | None = None,
    rate: float | None = None,
    log_dir: Path | None = None,
    log_level: str = "INFO",
    light_time_s: float | None = None,
    sim_timeout_s: float | None = None,
    silence_s: float | None = None,
    extra_env: dict[str, str] | None = None,
    exit_with_parent: bool = False,
    ground_truth: str | None = None,
    endpoints: Endpoints | None = None,
    ground_preexec: Callable[[], None] | None = None,
) -> Mission:
    """Start `flightsw` and `ground` for `config` on free loopback ports; wait until both answer.

    `config` is a file or the name of a shipped mission. With `exit_with_parent` both processes
    stop by themselves should this process die without stopping them (a killed test run).
    `endpoints` are chosen free unless given. With `ground_truth` the ground takes its truth
    feed from there rather than from the spacecraft (a test standing in the middle of it).
    `ground_preexec` runs in the ground's child process just before it starts (a test sets
    the ground's resource limits there).

    Raises:
        ConfigError, RuleError: the config or its rule file is wrong; nothing was started.
        LaunchError: a process would not start.
    """
    config = resolve_config(config)
    check_config(config)  # the whole file and its rules, here, before any process or log file
    endpoints = endpoints or Endpoints.on_ports(free_ports(6))
    ground_endpoints = endpoints.with_overrides(truth=ground_truth)
    log_dir = log_dir or data_dir
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(extra_env or {})}
    flight_args = [
        sys.executable, "-m", "flightsw", "--config", str(config), "--log-level", log_level,
        "--uplink", endpoints.uplink, "--downlink", endpoints.downlink,
        "--sim", endpoints.sim, "--truth", endpoints.truth,
    ]  # fmt: skip
    if clock:
        flight_args += ["--clock", clock]
    if rate:
        flight_args += ["--rate", str(rate)]
    ground_args = [
        sys.executable, "-m", "ground", "--config", str(config), "--log-level", log_level,
        "--data-dir", str(data_dir), "--run-name", run_name,
        *[f"--{name}={value}" for name, value in ground_endpoints.as_dict().items()],
    ]  # fmt: skip
    if exit_with_parent:
        flight_args.append("--exit-with-parent")
        ground_args.append("--exit-with-parent")
    if light_time_s is not None:
        ground_args += ["--light-time-s", str(light_time_s)]
    if sim_timeout_s is not None:
        ground_args += ["--sim-timeout-s", str(sim_timeout_s)]
    if silence_s is not None:
        ground_args += ["--silence-s", str(silence_s)]
    flight_log = (log_dir / f"{run_name}.flightsw.log").open("wb")
    ground_log = (log_dir / f"{run_name}.ground.log").open("wb")
    flight = subprocess.Popen(flight_args, stdout=flight_log, stderr=subprocess.STDOUT, env=env)
    ground = subprocess.Popen(
        ground_args,
        stdout=ground_log,
        stderr=subprocess.STDOUT,
        env=env,
        preexec_fn=ground_preexec,
    )
    client = GroundClient(endpoints.control, timeout_s=30.0)
    mission = Mission(
        config, endpoints, data_dir, run_name, flight, ground, client, [flight_log, ground_log],
        flight_log=Path(flight_log.name),
    )  # fmt: skip
    try:
        _wait_ready(mission, log_dir)
        _settle(mission)
    except BaseException:
        mission.stop()
        raise
    mission.session().write(data_dir)
    return mission


def _wait_ready(mission: Mission, log_dir: Path) -> None:
    waited_s = 0.0
    while True:
        for name, process in (("flightsw", mission.flight), ("ground", mission.ground)):
            if process.poll() is not None:
                tail = _tail(log_dir / f"{mission.run_name}.{name}.log")
                raise LaunchError(
                    f"{name} exited with code {process.returncode} while starting:\n{tail}"
                )
        try:
            mission.client.call(GetStatus(), timeout_s=1.0)
            return
        except ClientError:
            waited_s += 1.0
            if waited_s >= READY_TIMEOUT_S:
                raise LaunchError(
                    f"the ground did not answer within {READY_TIMEOUT_S:g} s; see the logs in {log_dir}"
                ) from None


def _settle(mission: Mission) -> None:
    """On a stepped clock, wait until what the spacecraft sent as it started (its start-up
    event) is on the ground, so it is taken in before the first step in every run alike."""
    try:
        mission.client.call(Step(0.0), timeout_s=READY_TIMEOUT_S)
    except ClientError as error:
        if "needs a stepped clock" not in str(error):
            raise


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
