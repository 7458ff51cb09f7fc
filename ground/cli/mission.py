"""`mission`: run both processes together, attach a console, or plot, replay, export or mend a run."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from prompt_toolkit.patch_stdout import patch_stdout

from flightsw.cli import (
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    add_clock_options,
    add_version,
    exit_codes,
)
from flightsw.config import ConfigError
from ground.api import GetAlarms, GroundClient
from ground.archive.store import Archive, default_run_name
from ground.cli import archive_cli, attach, export_cli, keys_cli, web_cli
from ground.cli import replay as replay_cli
from ground.cli import run as flight
from ground.console.announce import Announcer
from ground.console.complete import (
    ConsoleCompleter,
    Vocabulary,
    history_path,
    prompt_session,
)
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
        "run",
        help="start flightsw and ground for a config and show live telemetry",
        description="Start flightsw and ground for a config, fly, and show live telemetry. "
        "Both are watched: a ground that dies is restarted (at most 3 times in 10 minutes, with "
        "`ground --resume`), a spacecraft that dies ends the run. SIGTERM, SIGHUP and Ctrl-C "
        "stop the spacecraft, then the ground, which archives every frame first. Each run "
        "keeps its session in DATA_DIR/sessions/ while it flies. "
        + exit_codes(
            ok="stopped cleanly (the duration flown, or a signal)",
            usage="bad config or arguments",
            runtime="could not start, or lost a process on the way",
        ),
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

    console = commands.add_parser(
        "console",
        help="the operator console on a running ground",
        description="Attach to the run flying in DATA_DIR (its session in DATA_DIR/sessions/). "
        "With several flying there, a terminal is asked which; a script must name one with "
        "--run. The console says at once when its ground is gone. "
        + exit_codes(
            ok="done",
            failed="a check failed or a command was refused",
            usage="bad arguments, or several runs fly and none was chosen",
            runtime="the ground is gone, or did not answer",
        ),
    )
    attach.add_options(console)
    console.add_argument(
        "--script", type=Path, help="read console lines from this file instead of stdin"
    )

    plot = commands.add_parser(
        "plot",
        help="draw an archived run as PNG figures or text charts",
        description="Draw a run: a figure per subsystem (power, thermal, life support and "
        "navigation as their operators read them; every other subsystem's numbers by unit), or "
        "the parameters named with --param. Each panel shows the limits the ground judged by "
        "(dashed, yellow and red), its alarms (shaded), commands sent (dotted), faults injected "
        "or cleared (dash-dot), eclipses (grey) and notable events; units come from the "
        "dictionary.",
    )
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
    export_cli.add_parser(commands)
    script_cli.add_parser(commands)
    archive_cli.add_parser(commands)
    keys_cli.add_parser(commands)
    web_cli.add_parser(commands)

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
            return export_cli.run_export(args)
        if args.command == "script":
            return script_cli.run_script(args)
        if args.command == "archive":
            return archive_cli.run_archive(args)
        if args.command == "keys":
            return keys_cli.run_keys(args)
        if args.command == "web":
            return web_cli.run_web(args)
        return run_console(args)
    except (ConfigError, GroundError) as error:
        print(f"mission: {error}", file=sys.stderr)
        return EXIT_RUNTIME if isinstance(error, LaunchError | ClientError) else EXIT_USAGE


def run_mission(args: argparse.Namespace) -> int:
    config = check_config(args.config).mission  # the whole config, before starting anything
    mode = args.clock or config.clock.mode
    wanted = args.run_name or default_run_name(config.name)
    run_name = flight.claim_run_name(args.data_dir, wanted, chosen=args.run_name is not None)
    return flight.run(args, config.name, mode, run_name)


def run_console(args: argparse.Namespace) -> int:
    terminal = sys.stdin.isatty() and args.script is None
    target = attach.choose(
        args, input if terminal else None, lambda text: print(f"mission: {text}")
    )
    with GroundClient(
        target.control,
        timeout_s=10.0,
        watch=target.watch,
        credentials=target.credentials,
        feed_endpoint=target.feed,
    ) as client:
        console = Console(client, feed_endpoint=target.feed, archive_path=target.archive)
        try:
            if args.script is not None:
                with args.script.open() as lines:
                    return console.run_script(lines)
            if not sys.stdin.isatty():
                return console.run_script(sys.stdin)
            return interactive(console, f"{target.name} ({target.control})", args.data_dir)
        finally:
            console.close()


def interactive(console: Console, ground: str, data_dir: Path) -> int:
    """Line editing, a persistent history, Tab completion from the dictionary, and what happens
    said above the prompt as it happens (`ground.console.announce`)."""
    completer = ConsoleCompleter(
        Vocabulary.from_dictionary(console.dictionary, console.verbs),
        alarms=lambda: [alarm.name for alarm in console.client.call(GetAlarms()).alarms],
    )
    session = prompt_session(completer, history_path(data_dir))
    if console.feed_endpoint is not None:
        # print() finds sys.stdout when it is called: patch_stdout's, above the prompt
        console.announcer = Announcer(
            console.feed_endpoint,
            console.client.credentials,
            lambda text: print(text, flush=True),
            colour=console.render.tty,
        )
        console.announcer.start()
    console.render.line(
        f"mission console on {ground}; `help` lists the verbs, Tab completes, `quit` leaves; "
        "alarms, commands that end and events are said as they happen (`announce` for less)"
    )
    try:
        with patch_stdout(raw=True):
            while True:
                try:
                    line = session.prompt("mission> ")
                except KeyboardInterrupt:
                    continue  # Ctrl-C clears the line, as in a shell
                except EOFError:
                    return EXIT_OK
                if not console.run_line(line):
                    return EXIT_OK
    finally:
        if console.announcer is not None:
            console.announcer.stop()


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
