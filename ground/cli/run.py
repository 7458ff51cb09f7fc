"""`mission run`: start both processes, fly, watch over them, and stop them in order whatever ends it.

A run ends when its duration is flown, on SIGTERM, SIGHUP or SIGINT (Ctrl-C), or when the
spacecraft dies (or the ground dies more often than it may be restarted). Whatever ends it,
the spacecraft is stopped first and the ground last, so the ground takes in every frame; the
terminal says what happened; the session is removed. Exit codes: 0 when the run was stopped
cleanly, on purpose; 3 when a process was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from flightsw.cli import EXIT_OK, EXIT_RUNTIME
from flightsw.clock import wall_time_s
from ground.api import GetStatus, GroundStatus, Step
from ground.api.session import sessions_in
from ground.cli import children
from ground.cli.launcher import Mission, launch
from ground.cli.signals import StopOnSignals, describe
from ground.cli.supervise import Supervisor
from ground.console.live_view import LiveView
from ground.errors import ClientError, GroundGone, LaunchError, ProcessLost, Stopped

STEP_TIMEOUT_S = 600.0
STATUS_TIMEOUT_S = 5.0
HEADLESS_EVERY_S = 5.0  # wall seconds between progress lines without the live view


def say(text: str) -> None:
    print(f"mission: {text}", flush=True)


def claim_run_name(data_dir: Path, wanted: str, chosen: bool) -> str:
    """The run's name: `wanted`, or (not `chosen` by the user) the first free `wanted-N`.

    Clears the folder's stale sessions first, saying so. A name a live run holds is refused:
    its session, archive and logs would be another run's.

    Raises:
        LaunchError: `chosen` is the name of a run that is flying.
    """
    live: set[str] = set()
    for session in sessions_in(data_dir):
        if session.live():
            live.add(session.run_name)
        else:
            session.remove(data_dir)
            say(f"removed the stale session of run {session.run_name} (its processes are gone)")
    if chosen:
        if wanted in live:
            raise LaunchError(
                f"run {wanted} is already flying in {data_dir}/; choose another --run-name, or "
                f"attach to it with `mission console --data-dir {data_dir} --run {wanted}`"
            )
        return wanted
    name, number = wanted, 1
    while name in live or (data_dir / f"{name}.sqlite").exists():
        number += 1
        name = f"{wanted}-{number}"
    return name


def run(args: argparse.Namespace, mission_name: str, mode: str, run_name: str) -> int:
    """Fly `run_name` until it ends; stop both processes in order; the exit code."""
    data_dir: Path = args.data_dir
    code = EXIT_OK
    mission: Mission | None = None
    supervisor: Supervisor | None = None
    view: LiveView | None = None
    status: GroundStatus | None = None
    with StopOnSignals() as signals:
        try:
            say(f"starting {mission_name} ({mode} clock); archive and logs in {data_dir}/")
            mission = launch(args.config, data_dir, run_name, clock=args.clock, rate=args.rate)
            supervisor = Supervisor(mission, say)
            mission.client.watch = supervisor.gone
            view = LiveView(
                mission.endpoints.feed, sys.stdout, credentials=mission.client.credentials
            )
            say(
                f"running as {run_name}; attach a console with `mission console --data-dir "
                f"{data_dir}` (and `--run {run_name}` while other runs fly there)"
            )
            fly(mission, supervisor, view, mission_name, mode, args)
        except Stopped as stopped:
            say(f"{describe(stopped)}: stopping the spacecraft, then the ground")
        except ProcessLost as lost:
            say(str(lost))
            code = EXIT_RUNTIME
        finally:
            signals.hold()  # from here on nothing may cut the stop short
            if view is not None:
                view.close()
            if mission is not None:
                status = finish(mission, supervisor.reported if supervisor else set())
    if mission is not None:
        summary(mission, status)
    return code


def finish(mission: Mission, reported: set[int]) -> GroundStatus | None:
    """Stop the spacecraft, ask the ground where it got to, stop it; its last status.

    `reported`: the pids whose end the terminal has been told of already.
    """
    if mission.ground.poll() is not None and mission.ground.pid not in reported:
        code = mission.ground.returncode
        say(
            f"the ground (pid {mission.ground.pid}) {children.exit_status(code)}; its log is "
            f"{mission.log_path('ground')}"
        )
    mission.stop_spacecraft()
    ground = mission.ground  # the spacecraft's end is no reason to give up on the ground now
    mission.client.watch = lambda: None if ground.poll() is None else "the ground has stopped"
    status = None
    if mission.ground.poll() is None:
        with contextlib.suppress(ClientError):  # the summary says it could not be had
            status = mission.client.call(GetStatus(), timeout_s=STATUS_TIMEOUT_S).status
    mission.stop()
    return status


def summary(mission: Mission, status: GroundStatus | None) -> None:
    stopped = "both processes have stopped"
    if status is None:
        say(f"{stopped}; the ground's last status could not be had; archive {mission.archive_path}")
        return
    ingest = status.ingest
    say(
        f"stopped at T+{status.time_s:.1f} s; {ingest.frames} packets in "
        f"{ingest.transfer_frames} transfer frames ({ingest.refused} refused, "
        f"{ingest.frames_missing} missing), {status.events} events, {status.alarms_active} alarms "
        f"active; {stopped}; archive {mission.archive_path}"
    )


def fly(
    mission: Mission,
    supervisor: Supervisor,
    view: LiveView,
    mission_name: str,
    mode: str,
    args: argparse.Namespace,
) -> None:
    """Advance (stepped) or follow (realtime) the mission until the duration is reached.

    In realtime the wait between redraws is a wait on the live feed, so the view keeps up.
    Between waits (and during one, through the client's watch) the supervisor looks at both
    processes: a ground that died is restarted before the run goes on.
    """
    client = mission.client
    last_draw_s = wall_time_s()
    flowing = False  # telemetry has reached the ground (said once)
    while True:
        supervisor.check()
        try:
            if mode == "stepped":
                step = client.call(Step(args.step_s), timeout_s=STEP_TIMEOUT_S)
                time_s, ground = step.time_s, step.ground
                view.pump(timeout_ms=0)
            else:
                view.pump(timeout_ms=int(args.refresh_s * 1000))
                ground = client.call(GetStatus()).status
                time_s = ground.time_s
        except GroundGone:
            continue  # the check says what happened and acts on it
        if not flowing and ground.ingest.frames > 0 and args.headless:
            flowing = True
            say(f"telemetry is coming down (T+{time_s:,.0f} s)")
        finished = args.duration_s is not None and time_s >= args.duration_s
        every_s = HEADLESS_EVERY_S if args.headless else args.refresh_s
        if wall_time_s() - last_draw_s >= every_s or finished:
            if args.headless:
                say(f"T+{time_s:,.0f} s")
            else:
                view.render(time_s, header=mission_name)
            last_draw_s = wall_time_s()
        if finished:
            return
