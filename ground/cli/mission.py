"""`mission`: run both processes together, attach a console, or plot, replay, export or mend a run."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from flightsw.cli import EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, add_clock_options, add_version
from flightsw.clock import wall_time_s
from flightsw.config import ConfigError
from flightsw.icd import Endpoints
from ground.api import GetAlarms, GetStatus, GroundClient, GroundStatus, Session, Step
from ground.archive.store import Archive, default_run_name
from ground.cli import archive_cli
from ground.cli import replay as replay_cli
from ground.cli.launcher import launch
from ground.console.complete import (
    ConsoleCompleter,
    Vocabulary,
    history_path,
    prompt_session,
)
from ground.console.live_view import LiveView
from ground.console.verbs import Console
from ground.errors import ClientError, GroundError, LaunchError, PlotError
from ground.plots.figures import check_names, plot_parameters, plot_run
from ground.plots.groups import unit_of
from ground.plots.text import terminal_plot
from ground.process import check_config
from ground.testkit import script_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mission", description="Fly a mission: spacecraft and ground together."
    )
    add_version(parser, "mission")
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
    add_clock_options(run)
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
    console.add_argument(
        "--feed", help="the ground's live feed endpoint (default: from DATA_DIR/session.json)"
    )

    plot = commands.add_parser("plot", help="draw an archived run as PNG figures or text charts")
    plot.add_argument("archive", type=Path, help="a run's archive, e.g. runs/day.sqlite")
    plot.add_argument(
        "--out", type=Path, help="where the PNGs go (default: ARCHIVE's folder/<run>-plots)"
    )
    plot.add_argument("--start-s", type=float, help="first mission second to draw (default: start)")
    plot.add_argument("--end-s", type=float, help="last mission second to draw (default: end)")
    plot.add_argument(
        "--param",
        dest="params",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="draw these parameters (full names, e.g. power.battery_soc) instead of the groups",
    )
    plot.add_argument(
        "--terminal", action="store_true", help="print each --param as a text chart; no files"
    )
    plot.add_argument(
        "--segment",
        type=int,
        help="which segment of a run flown by more than one spacecraft (default: the last)",
    )

    replay_cli.add_parsers(commands)
    script_cli.add_parser(commands)
    archive_cli.add_parser(commands)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="mission %(levelname)s: %(message)s")
    try:
        if args.command == "run":
            return run_mission(args)
        if args.command == "plot":
            return run_plot(args)
        if args.command == "replay":
            return replay_cli.run_replay(args)
        if args.command == "export":
            return replay_cli.run_export(args)
        if args.command == "script":
            return script_cli.run_script(args)
        if args.command == "archive":
            return archive_cli.run_archive(args)
        return run_console(args)
    except (ConfigError, GroundError) as error:
        print(f"mission: {error}", file=sys.stderr)
        return EXIT_RUNTIME if isinstance(error, LaunchError | ClientError) else EXIT_USAGE


def run_mission(args: argparse.Namespace) -> int:
    config = check_config(args.config).mission  # the whole config, before starting anything
    mode = args.clock or config.clock.mode
    run_name = args.run_name or default_run_name(config.name)
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
        ingest = status.ingest
        print(
            f"mission: stopped at T+{status.time_s:.1f} s; {ingest.frames} frames "
            f"({ingest.refused} refused, {ingest.frames_missing} missing), {status.events} events, "
            f"{status.alarms_active} alarms active; archive {mission.archive_path}"
        )
    return EXIT_OK


def fly(client: GroundClient, view: LiveView, mode: str, args: argparse.Namespace) -> None:
    """Advance (stepped) or follow (realtime) the mission until the duration is reached.

    In realtime the wait between redraws is a wait on the live feed, so the view keeps up.
    """
    mission_name = client.call(GetStatus()).status.mission
    last_draw_s = wall_time_s()
    while True:
        if mode == "stepped":
            time_s = client.call(Step(args.step_s), timeout_s=600.0).time_s
            view.pump(timeout_ms=0)
        else:
            view.pump(timeout_ms=int(args.refresh_s * 1000))
            time_s = client.call(GetStatus()).status.time_s
        finished = args.duration_s is not None and time_s >= args.duration_s
        if wall_time_s() - last_draw_s >= (5.0 if args.headless else args.refresh_s) or finished:
            if args.headless:
                print(f"mission: T+{time_s:,.0f} s", flush=True)
            else:
                view.render(time_s, header=mission_name)
            last_draw_s = wall_time_s()
        if finished:
            return


def _status_or_none(client: GroundClient) -> GroundStatus | None:
    try:
        return client.call(GetStatus(), timeout_s=5.0).status
    except ClientError:
        return None


def run_console(args: argparse.Namespace) -> int:
    session = Session.read(args.data_dir)
    known = session.endpoints if session is not None else Endpoints.default()
    control = args.control or known.control
    # A session's feed and archive belong to its own ground: trust them only for its control.
    same = session is not None and control == known.control
    feed = args.feed or (known.feed if control == known.control else None)
    archive = session.archive if session is not None and same else None
    with GroundClient(control, timeout_s=10.0) as client:
        console = Console(client, feed_endpoint=feed, archive_path=archive)
        try:
            if args.script is not None:
                with args.script.open() as lines:
                    return console.run_script(lines)
            if not sys.stdin.isatty():
                return console.run_script(sys.stdin)
            return interactive(console, control, args.data_dir)
        finally:
            console.close()


def interactive(console: Console, endpoint: str, data_dir: Path) -> int:
    """Line editing, a persistent history and Tab completion from the dictionary."""
    completer = ConsoleCompleter(
        Vocabulary.from_dictionary(console.dictionary, console.verbs),
        alarms=lambda: [alarm.name for alarm in console.client.call(GetAlarms()).alarms],
    )
    session = prompt_session(completer, history_path(data_dir))
    console.render.line(
        f"mission console on {endpoint}; `help` lists the verbs, Tab completes, `quit` leaves"
    )
    while True:
        try:
            line = session.prompt("mission> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line, as in a shell
        except EOFError:
            return EXIT_OK
        if not console.run_line(line):
            return EXIT_OK


def run_plot(args: argparse.Namespace) -> int:
    """Draw the run's groups (no --param), the named parameters, or text charts of them."""
    if args.terminal:
        if not args.params:
            raise PlotError(
                "--terminal draws the parameters named by --param, e.g. --param power.battery_soc"
            )
        width = min(max(shutil.get_terminal_size((80, 24)).columns - 1, 40), 120)
        with Archive.open(args.archive) as archive:
            check_names(archive, args.params)
            segments = archive.segments()
            segment = args.segment or max((s.segment for s in segments), default=1)
            which = f", segment {segment} of {len(segments)}" if len(segments) > 1 else ""
            for name in args.params:
                samples = archive.parameter_history(name, args.start_s, args.end_s, segment)
                unit = unit_of(name)
                print(f"{name}{f' ({unit})' if unit else ''}: {len(samples)} samples{which}")
                print(terminal_plot(samples, width=width) if samples else "  (none in this range)")
        return EXIT_OK
    out = args.out or args.archive.parent / f"{args.archive.stem}-plots"
    if args.params:
        stem = "-".join(args.params) if len(args.params) <= 3 else f"{len(args.params)}-parameters"
        path = out / f"{args.archive.stem}-{stem}.png"
        written = [
            plot_parameters(args.archive, args.params, path, args.start_s, args.end_s, args.segment)
        ]
    else:
        written = plot_run(args.archive, out, args.start_s, args.end_s, args.segment)
    if not written:
        raise PlotError(
            f"{args.archive} has no power, thermal, life support or navigation data in this "
            "range; widen it, or name parameters with --param"
        )
    for path in written:
        print(f"mission: wrote {path}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
