"""`mission`: run both processes together, or attach a console to a running ground."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from flightsw import __version__
from flightsw.clock import wall_stamp, wall_time_s
from flightsw.config import load_mission
from flightsw.endpoints import Endpoints
from flightsw.errors import FlightSwError
from ground.client import ClientError, GroundClient
from ground.console import Console
from ground.errors import GroundError
from ground.launcher import LaunchError, launch, read_session
from ground.live_view import LiveView

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_RUNTIME = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mission", description="Fly a mission: spacecraft and ground together."
    )
    parser.add_argument("--version", action="version", version=f"mission {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="start flightsw and ground for a config and show live telemetry"
    )
    run.add_argument("config", type=Path, help="mission config, e.g. configs/leo_smallsat.toml")
    run.add_argument(
        "--duration-s",
        type=float,
        help="stop after this many mission seconds (default: run until Ctrl-C)",
    )
    run.add_argument(
        "--clock", choices=("stepped", "realtime"), help="override the config's clock mode"
    )
    run.add_argument("--rate", type=float, help="override the config's clock rate (realtime)")
    run.add_argument(
        "--step-s",
        type=float,
        default=60.0,
        help="mission seconds per step in stepped mode (default 60)",
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        default=Path("runs"),
        help="where archives and logs go (default ./runs)",
    )
    run.add_argument("--run-name", help="archive name (default MISSION-YYYYmmdd-HHMMSS)")
    run.add_argument(
        "--headless", action="store_true", help="no live view; print a progress line now and then"
    )
    run.add_argument(
        "--refresh-s", type=float, default=1.0, help="wall seconds between redraws (default 1)"
    )

    console = commands.add_parser("console", help="the operator console on a running ground")
    console.add_argument(
        "--control", help="the ground's control endpoint (default: from DATA_DIR/session.json)"
    )
    console.add_argument(
        "--data-dir", type=Path, default=Path("runs"), help="where `mission run` left session.json"
    )
    console.add_argument(
        "--script", type=Path, help="read console lines from this file instead of stdin"
    )

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="mission %(levelname)s: %(message)s")
    try:
        if args.command == "run":
            return run_mission(args)
        return run_console(args)
    except (FlightSwError, GroundError) as error:
        print(f"mission: {error}", file=sys.stderr)
        return EXIT_RUNTIME if isinstance(error, LaunchError | ClientError) else EXIT_USAGE


def run_mission(args: argparse.Namespace) -> int:
    config = load_mission(args.config)  # refuse a bad config before starting anything
    mode = args.clock or config.clock.mode
    run_name = args.run_name or f"{config.name}-{wall_stamp()}"
    print(
        f"mission: starting {config.name} ({mode} clock); archive and logs in {args.data_dir}/",
        flush=True,
    )
    mission = launch(args.config, args.data_dir, run_name, clock=args.clock, rate=args.rate)
    view = LiveView(mission.endpoints.feed, sys.stdout)
    print(
        f"mission: running; attach a console with `mission console --data-dir {args.data_dir}`",
        flush=True,
    )
    try:
        fly(mission.client, view, mode, args)
    except KeyboardInterrupt:
        print("\nmission: Ctrl-C, stopping both processes", flush=True)
    finally:
        status = _status_or_none(mission.client)
        mission.stop()
        view.close()
    if status is not None:
        ingest = status["ingest"]
        print(
            f"mission: stopped at T+{status['time_s']:.1f} s; {ingest['frames']} frames "
            f"({ingest['refused']} refused, {ingest['frames_missing']} missing), {status['events']} events, "
            f"{status['alarms_active']} alarms active; archive {mission.archive_path}"
        )
    return 0


def fly(client: GroundClient, view: LiveView, mode: str, args: argparse.Namespace) -> None:
    """Advance (stepped) or follow (realtime) the mission until the duration is reached.

    In realtime the wait between redraws is a wait on the live feed, so the view keeps up.
    """
    mission_name = client.call("status")["mission"]
    last_draw_s = wall_time_s()
    while True:
        if mode == "stepped":
            time_s = float(client.call("step", seconds=args.step_s, timeout_s=600.0)["time_s"])
            view.pump(timeout_ms=0)
        else:
            view.pump(timeout_ms=int(args.refresh_s * 1000))
            time_s = float(client.call("status")["time_s"])
        finished = args.duration_s is not None and time_s >= args.duration_s
        if wall_time_s() - last_draw_s >= (5.0 if args.headless else args.refresh_s) or finished:
            if args.headless:
                print(f"mission: T+{time_s:,.0f} s", flush=True)
            else:
                view.render(time_s, header=mission_name)
            last_draw_s = wall_time_s()
        if finished:
            return


def _status_or_none(client: GroundClient) -> dict[str, object] | None:
    try:
        return client.call("status", timeout_s=5.0)
    except ClientError:
        return None


def run_console(args: argparse.Namespace) -> int:
    endpoint = args.control
    if endpoint is None:
        session = read_session(args.data_dir)
        endpoint = session["endpoints"]["control"] if session else Endpoints.default().control
    with GroundClient(endpoint, timeout_s=10.0) as client:
        console = Console(client)
        if args.script is not None:
            with args.script.open() as lines:
                return console.run_script(lines)
        if not sys.stdin.isatty():
            return console.run_script(sys.stdin)
        return interactive(console, endpoint)


def interactive(console: Console, endpoint: str) -> int:
    print(f"mission console on {endpoint}; `help` lists the verbs, `quit` leaves")
    while True:
        try:
            line = input("mission> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not console.run_line(line):
            return 0


if __name__ == "__main__":
    sys.exit(main())
