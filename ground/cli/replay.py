"""`mission replay`: a recorded run again as if live, through the rules, for the console."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK
from flightsw.clock import wall_time_s, wall_utc
from flightsw.icd import Endpoints
from ground.api import Session
from ground.cli.launcher import free_ports
from ground.cli.signals import StopOnSignals, describe
from ground.console.live_view import LiveView
from ground.errors import Stopped
from ground.replay.engine import Replay
from ground.replay.pacing import Pacer
from ground.replay.runtime import ReplayRuntime, ReplaySockets


def add_parsers(commands: Any) -> None:
    """Add the `replay` subcommand to `mission`'s subparsers."""
    replay = commands.add_parser(
        "replay",
        help="replay a run's archive through the rules and the live feed, as if live",
        description="Feed a recorded run's frames through a fresh ground at their recorded "
        "times into a new archive (<run>-replay.sqlite next to DATA_DIR); attach a console with "
        "`mission console --data-dir DATA_DIR` while it runs.",
    )
    replay.add_argument("archive", type=Path, help="a run's archive, e.g. runs/day.sqlite")
    replay.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="mission seconds per wall second (default 60; 0: as fast as possible)",
    )
    replay.add_argument(
        "--rules", type=Path, help="judge with this rule file (default: the run's own rules)"
    )
    replay.add_argument(
        "--data-dir",
        type=Path,
        help="where the new archive and the replay's session go (default: the archive's folder)",
    )
    replay.add_argument(
        "--headless", action="store_true", help="no live view; print a progress line now and then"
    )
    replay.add_argument(
        "--refresh-s", type=float, default=1.0, help="wall seconds between redraws (default 1)"
    )


def run_replay(args: argparse.Namespace) -> int:
    """Replay on free ports, its session written while it runs, the live view unless headless.

    The replay's ground runs in this process and starts no other: a killed replay leaves no
    process behind, only a stale session that the next `mission run` there clears.
    """
    Pacer(args.speed)  # refuse a bad speed before anything is made
    data_dir = args.data_dir or args.archive.parent
    endpoints = Endpoints.on_ports(free_ports(6))
    replay = Replay(args.archive, data_dir, args.rules)
    try:
        sockets = ReplaySockets(endpoints)
    except BaseException:
        replay.close()
        raise
    runtime = ReplayRuntime(sockets, replay)
    view = None if args.headless else LiveView(endpoints.feed, sys.stdout)
    if view is not None:  # the view shows alarms; log lines would only tear its redraws
        logging.getLogger("ground.process.service").setLevel(logging.ERROR)
    replayed = replay.archive.path
    session = Session(
        replayed.stem,
        replayed,
        endpoints,
        replay_of=args.archive,
        mission_pid=os.getpid(),
        started=wall_utc(),
    )
    with StopOnSignals() as signals:
        try:
            session.write(data_dir)
            pace = "as fast as possible" if args.speed == 0 else f"at {args.speed:g}x"
            print(
                f"mission: replaying {args.archive} {pace} into {replay.archive.path}; attach a "
                f"console with `mission console --data-dir {data_dir}`",
                flush=True,
            )
            progress = _Progress(view, args, str(replay.service.dictionary.mission))
            try:
                summary = runtime.run(args.speed, progress)
            except Stopped as stopped:
                signals.hold()
                print(f"\nmission: {describe(stopped)}, stopping the replay", flush=True)
                summary = replay.summary(finished=False)
            progress(replay.service.now_s, final=True)
        finally:
            signals.hold()
            session.remove(data_dir)
            runtime.close()
            if view is not None:
                view.close()
            sockets.close()
    print(f"mission: {summary.describe()}")
    return EXIT_OK


class _Progress:
    """The idle hook of a replay: redraw the live view, or print progress when headless."""

    def __init__(self, view: LiveView | None, args: argparse.Namespace, mission: str) -> None:
        self.view = view
        self.headless = args.headless
        self.every_s = 5.0 if args.headless else args.refresh_s
        self.header = f"{mission} (replay)"
        self.last_draw_s = wall_time_s()

    def __call__(self, time_s: float, final: bool = False) -> None:
        if self.view is not None:
            self.view.pump(timeout_ms=0)
        if not final and wall_time_s() - self.last_draw_s < self.every_s:
            return
        if self.view is not None:
            self.view.render(time_s, header=self.header)
        elif not final:
            print(f"mission: replay at T+{time_s:,.0f} s", flush=True)
        self.last_draw_s = wall_time_s()
