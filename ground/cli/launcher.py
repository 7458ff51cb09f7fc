"""Start the spacecraft and ground processes on free ports, and always stop them again."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from flightsw.clock import wall_utc
from flightsw.config import (
    SPACECRAFT,
    AccessFolder,
    MissionConfig,
    access_folder,
    keys_path,
    local_user,
    new_keys,
    provision,
    read_certificate,
    resolve_config,
)
from flightsw.icd import HOST, Endpoints, connect_securely
from ground.api import (
    GetStatus,
    GroundClient,
    Reset,
    Session,
    Shutdown,
    Step,
    credentials_in,
    subscribe,
)
from ground.cli import children
from ground.cli.children import STOP_TIMEOUT_S, Child
from ground.errors import ClientError, LaunchError, PortTaken
from ground.process import check_config

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0
PORT_ATTEMPTS = 3
"""Launches tried on fresh free ports when a port chosen free was taken before a process bound
it (another program, or another launch on this host, chose it in between)."""
BIND_REFUSED = "Address already in use"  # what a process's log says of a port taken (EADDRINUSE)


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
    """Two running processes and a client of the ground's control API.

    `session_name` names the run's session file (`DATA_DIR/sessions/NAME.json`); `run_name` the
    archive the ground writes now, which a reset (or a restarted ground that cannot resume)
    changes.
    """

    config: Path
    endpoints: Endpoints
    data_dir: Path
    log_dir: Path
    run_name: str
    flight: Child
    ground: Child
    client: GroundClient
    ground_args: list[str]  # the ground's command line, but for `--run-name` (for a restart)
    env: dict[str, str]
    ground_preexec: Callable[[], None] | None = None  # at every start of the ground
    keys: Path | None = None  # the telecommand key file both processes take (None: no auth)
    access: Path | None = None  # the access folder both processes take (None: open sockets)
    session_name: str = ""
    started: str = ""
    stopped: bool = False
    log_stem: str = ""  # the logs' names: the first run's, kept across resets and restarts

    def __post_init__(self) -> None:
        self.session_name = self.session_name or self.run_name
        self.log_stem = self.log_stem or self.run_name

    @property
    def archive_path(self) -> Path:
        return self.data_dir / f"{self.run_name}.sqlite"

    def log_path(self, program: str) -> Path:
        """`flightsw`'s or `ground`'s log, one each for the processes' whole life."""
        return self.log_dir / f"{self.log_stem}.{program}.log"

    @property
    def flight_log(self) -> Path:
        """Where the spacecraft process writes its log."""
        return self.log_path("flightsw")

    def reset(self, run_name: str) -> Path:
        """Fly a new spacecraft from the config and archive from now on as `run_name` (stepped).

        The same processes carry on: cheaper than a new launch, and a test cannot tell the
        difference (a test checks that the archives are identical). The new run has its own
        session; the old one's ends.
        """
        reply = self.client.call(Reset(run_name), timeout_s=STOP_TIMEOUT_S + 30.0)
        self.session().remove(self.data_dir)
        self.run_name = self.session_name = run_name
        _settle(self)  # as a launch does, so the new run begins as a fresh one, audit and all
        self.session().write(self.data_dir)
        return Path(reply.archive)

    def restart_ground(self, run_name: str, resume: bool) -> None:
        """Start the ground again (it died) on the same endpoints, archiving as `run_name`;
        with `resume`, `ground --resume` picks up that run where the dead one left it.

        Raises:
            LaunchError: the new ground died while starting, or did not answer.
        """
        args = [*self.ground_args, "--run-name", run_name, *(["--resume"] if resume else [])]
        self.ground = children.start(
            args, self.log_path("ground"), self.env, preexec=self.ground_preexec
        )
        self.run_name = run_name
        _wait_ready(self)
        self.session().write(self.data_dir)

    def session(self) -> Session:
        """Where this mission's ground is, for `mission console --data-dir` to find it."""
        return Session(
            self.session_name,
            self.archive_path,
            self.endpoints,
            config=self.config,
            flightsw_pid=self.flight.pid,
            ground_pid=self.ground.pid,
            mission_pid=os.getpid(),
            started=self.started,
            access=self.access,
        )

    def feed(self, *topics: bytes) -> zmq.Socket[Any]:
        """A subscriber to the ground's live feed (`topics`, or every event), connected."""
        return subscribe(
            zmq.Context.instance(), self.endpoints.feed, self.client.credentials, topics or (b"",)
        )

    def secure_to_ground(self, socket: zmq.Socket[Any]) -> None:
        """Make `socket` a client of the ground's control API or live feed, as this user;
        before it connects."""
        if self.client.credentials is not None:
            self.client.credentials.secure(socket)

    def secure_to_spacecraft(self, socket: zmq.Socket[Any]) -> None:
        """Make `socket` a client of the spacecraft's sim port or truth feed, as this user (a
        test conductor, as `mission run` provisions them); before it connects."""
        if self.access is None:
            return
        folder = AccessFolder(self.access)
        own = read_certificate(folder.identity_path(local_user()))
        connect_securely(socket, folder.public(SPACECRAFT), own.public, own.secret)

    def alive(self) -> bool:
        return not self.stopped and self.flight.poll() is None and self.ground.poll() is None

    def stop_spacecraft(self) -> int:
        """Stop the spacecraft and wait for it: first, so that its last frames reach a ground
        that is still there to take them. Its exit code.

        Through the ground first, while both run: the ground stops it knowingly (no silence
        alarm for a planned stop); then SIGTERM, should it still run.
        """
        if self.ground.poll() is None and self.flight.poll() is None:
            with contextlib.suppress(ClientError):
                self.client.call(Shutdown(spacecraft=True, ground=False), timeout_s=5.0)
        return children.terminate(self.flight)

    def stop_ground(self) -> int:
        """SIGTERM the ground and wait: it takes in what it has received, closes the archive."""
        return children.terminate(self.ground)

    def stop(self) -> None:
        """Stop the spacecraft, then the ground; never leaves an orphan, nor the session.

        Safe to call more than once (a test may stop a mission before its fixture does).
        """
        if self.stopped:
            return
        self.stopped = True
        try:
            # The ground is stopped once the spacecraft's process is gone, so every frame it
            # sent is on the ground's socket by then.
            self.stop_spacecraft()
            self.stop_ground()
        finally:
            self.client.close()
            self.session().remove(self.data_dir)

    def __enter__(self) -> Mission:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def provision_keys(config: MissionConfig, data_dir: Path) -> Path | None:
    """The key file both processes take (None: the mission does not authenticate telecommands):
    DATA_DIR/keys/MISSION.toml, made on a first run so that a single user is never held up."""
    if not config.security.authenticate:
        return None
    path = keys_path(data_dir, config.name)
    if path.exists():
        return path
    try:
        new_keys(path, config.name)
    except FileExistsError:
        return path  # a run starting beside this one made it a moment ago
    log.warning("made a telecommand key for %s in %s (mode 600; keep it secret)", config.name, path)
    return path


def provision_access(data_dir: Path) -> AccessFolder:
    """The access folder both processes take, DATA_DIR/keys: its certificates and operators
    file made on a first run (this user the first test conductor), so that a single user is
    never held up and no one else on the host can connect.

    Raises:
        LaunchError: the folder cannot be written, or a file there is unusable.
    """
    folder = access_folder(data_dir)
    try:
        made = provision(folder, local_user())
    except OSError as error:
        raise LaunchError(f"cannot make the access folder {folder.path}: {error}") from None
    for what in made:
        log.warning("made %s", what)
    return folder


def flight_command(
    config: Path, endpoints: Endpoints, log_level: str, clock: str | None, rate: float | None
) -> list[str]:
    """`flightsw`'s command line: the config, the endpoints, and to go with this process."""
    args = [
        sys.executable, "-m", "flightsw", "--config", str(config), "--log-level", log_level,
        "--uplink", endpoints.uplink, "--downlink", endpoints.downlink,
        "--sim", endpoints.sim, "--truth", endpoints.truth,
        "--exit-with-parent", str(os.getpid()),
    ]  # fmt: skip
    if clock:
        args += ["--clock", clock]
    if rate:
        args += ["--rate", str(rate)]
    return args


def ground_command(
    config: Path,
    endpoints: Endpoints,
    data_dir: Path,
    log_level: str,
    light_time_s: float | None,
    sim_timeout_s: float | None,
    silence_s: float | None,
) -> list[str]:
    """`ground`'s command line, but for `--run-name`: a restarted ground takes the same."""
    args = [
        sys.executable, "-m", "ground", "--config", str(config), "--log-level", log_level,
        "--data-dir", str(data_dir), "--exit-with-parent", str(os.getpid()),
        *[f"--{name}={value}" for name, value in endpoints.as_dict().items()],
    ]  # fmt: skip
    if light_time_s is not None:
        args += ["--light-time-s", str(light_time_s)]
    if sim_timeout_s is not None:
        args += ["--sim-timeout-s", str(sim_timeout_s)]
    if silence_s is not None:
        args += ["--silence-s", str(silence_s)]
    return args


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
    ground_truth: str | None = None,
    endpoints: Endpoints | None = None,
    ground_preexec: Callable[[], None] | None = None,
) -> Mission:
    """Start `flightsw` and `ground` for `config` on free loopback ports; wait until both answer.

    `config` is a file or the name of a shipped mission. Both processes stop by themselves
    should this process die without stopping them (`--exit-with-parent`): every launch
    passes it, so no way of starting a mission can leave orphans behind. The run's session is
    written once the ground answers. `endpoints` are chosen free unless given (and chosen
    again, up to PORT_ATTEMPTS times, if one is taken before a process binds it). With
    `ground_truth` the ground takes its truth feed from there rather than from the spacecraft
    (a test standing in the middle of it). `ground_preexec` runs in the ground's child process
    just before it starts, at every start (a test sets the ground's resource limits there).

    Raises:
        ConfigError, RuleError: the config or its rule file is wrong; nothing was started.
        LaunchError: a process would not start.
    """
    config = resolve_config(config)
    # The whole file and its rules, here, before any process or log file.
    mission_config = check_config(config).mission
    keys = provision_keys(mission_config, data_dir)
    access = provision_access(data_dir)
    logs = log_dir or data_dir
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(extra_env or {})}

    def started_on(endpoints: Endpoints) -> Mission:
        """Both processes on `endpoints`, answering; PortTaken if one of them was taken."""
        ground_endpoints = endpoints.with_overrides(truth=ground_truth)
        flight_args = flight_command(config, endpoints, log_level, clock, rate)
        if keys is not None:
            flight_args += ["--keys", str(keys)]
        ground_args = ground_command(
            config, ground_endpoints, data_dir, log_level, light_time_s, sim_timeout_s, silence_s
        )
        if keys is not None:
            ground_args += ["--keys", str(keys)]
        flight_args += ["--access", str(access.path)]
        ground_args += ["--access", str(access.path)]
        try:  # before anything starts
            credentials = credentials_in(access.path)
        except ClientError as error:
            raise LaunchError(str(error)) from None
        flight = children.start(flight_args, logs / f"{run_name}.flightsw.log", env)
        try:
            ground = children.start(
                [*ground_args, "--run-name", run_name],
                logs / f"{run_name}.ground.log",
                env,
                preexec=ground_preexec,
            )
        except BaseException:
            children.terminate(flight)
            raise
        client = GroundClient(
            endpoints.control, timeout_s=30.0, credentials=credentials, feed_endpoint=endpoints.feed
        )
        mission = Mission(
            config, endpoints, data_dir, logs, run_name, flight, ground, client, ground_args, env,
            ground_preexec, started=wall_utc(), keys=keys, access=access.path,
        )  # fmt: skip
        try:
            _wait_ready(mission)
            _settle(mission)
            mission.session().write(data_dir)
        except BaseException:
            mission.stop()
            raise
        return mission

    chosen = endpoints is None
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            return started_on(endpoints or Endpoints.on_ports(free_ports(6)))
        except PortTaken:
            if not chosen or attempt == PORT_ATTEMPTS:
                raise
            log.warning("a port chosen free was taken meanwhile; launching again on others")
    raise AssertionError("unreachable: the last attempt returns or raises")


def _wait_ready(mission: Mission) -> None:
    """Until the ground answers; LaunchError, quoting its log, if either process dies first."""
    waited_s = 0.0
    while True:
        for name, process in (("flightsw", mission.flight), ("ground", mission.ground)):
            if process.poll() is not None:
                last_words = children.tail(mission.log_path(name))
                died = PortTaken if BIND_REFUSED in last_words else LaunchError
                raise died(
                    f"{name} {children.exit_status(process.returncode)} while starting; the "
                    f"last lines of its log ({mission.log_path(name)}):\n{last_words}"
                )
        try:
            mission.client.call(GetStatus(), timeout_s=1.0)
            return
        except ClientError:
            waited_s += 1.0
            if waited_s >= READY_TIMEOUT_S:
                raise LaunchError(
                    f"the ground did not answer within {READY_TIMEOUT_S:g} s; see the logs in "
                    f"{mission.log_dir}"
                ) from None


def _settle(mission: Mission) -> None:
    """On a stepped clock, wait until what the spacecraft sent as it started (its start-up
    event) is on the ground, so it is taken in before the first step in every run alike."""
    try:
        mission.client.call(Step(0.0), timeout_s=READY_TIMEOUT_S)
    except ClientError as error:
        if "needs a stepped clock" not in str(error):
            raise
