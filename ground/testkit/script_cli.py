"""`mission script FILE...`: run scenarios against freshly launched processes, with a report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from flightsw.cli import EXIT_FAILED, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, exit_codes
from flightsw.config import ConfigError
from ground.api import mission_time
from ground.cli import check_config
from ground.errors import LaunchError, RuleError, ScenarioError
from ground.testkit.api import HilApi
from ground.testkit.pool import MissionPool, MissionSpec
from ground.testkit.report import TextReporter
from ground.testkit.scenario import Outcome, Scenario, load_scenario, run_scenario


def add_parser(commands: Any) -> None:
    script = commands.add_parser(
        "script",
        help="run scenario files (test kit API) against fresh processes and report each step",
        description="Run scenarios: each FILE defines MISSION and run(hil). Scenarios of the same "
        "mission share one pair of processes, reset to a new spacecraft and archive for each. "
        + exit_codes(
            ok="all passed",
            failed="a scenario failed",
            usage="a file is not a scenario, or a mission config is wrong",
            runtime="the processes could not start",
        ),
    )
    script.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario files")
    script.add_argument(
        "--data-dir",
        type=Path,
        default=Path("runs"),
        help="where each scenario's archive and the process logs go (default ./runs)",
    )
    script.add_argument(
        "--mission", help="fly this mission instead of the scenario's MISSION (name or config path)"
    )
    script.add_argument(
        "--light-time-s", type=float, help="fixed one-way light time instead of the config's"
    )
    script.add_argument(
        "--colour", choices=("auto", "always", "never"), default="auto", help="colour the report"
    )


def run_script(args: argparse.Namespace) -> int:
    colour = {"auto": None, "always": True, "never": False}[args.colour]
    out = Console(file=sys.stdout, force_terminal=colour, no_color=colour is False, highlight=False)
    try:
        scenarios = [load_scenario(path) for path in args.files]
        specs = [
            MissionSpec(
                args.mission or scenario.spec.config,
                args.light_time_s if args.light_time_s is not None else scenario.spec.light_time_s,
            )
            for scenario in scenarios
        ]
        for config in dict.fromkeys(spec.config for spec in specs):
            check_config(config)  # every mission's config, before the first scenario flies
    except (ScenarioError, ConfigError, RuleError) as error:
        print(f"mission script: {error}", file=sys.stderr)
        return EXIT_USAGE
    pool = MissionPool(args.data_dir)
    outcomes: list[Outcome] = []
    try:
        for scenario, spec in zip(scenarios, specs, strict=True):
            outcomes.append(_run_one(scenario, spec, pool, out, colour))
    except LaunchError as error:
        print(f"mission script: {error}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        pool.stop_all()
    passed = sum(outcome.passed for outcome in outcomes)
    style = "bold green" if passed == len(outcomes) else "bold red"
    out.print(Text(f"{passed} of {len(outcomes)} scenario(s) passed", style=style))
    return EXIT_OK if passed == len(outcomes) else EXIT_FAILED


def _run_one(
    scenario: Scenario, spec: MissionSpec, pool: MissionPool, out: Console, colour: bool | None
) -> Outcome:
    out.print(Text(f"Scenario: {scenario.title}", style="bold"))
    out.print(Text(f"  {scenario.path} — mission {spec.config}", style="dim"))
    mission = pool.shared(spec, scenario.path.stem)
    reporter = TextReporter(out.file, colour)
    outcome = run_scenario(scenario, HilApi(mission.client, reporter, mission))
    span = f"{mission_time(outcome.start_s)} .. {mission_time(outcome.end_s)}"
    counts = f"{reporter.tally.verbs_passed} checks passed"
    if outcome.passed:
        verdict = Text(
            f"PASSED  {counts}; mission time {span}; wall {outcome.wall_s:.1f} s", "green"
        )
    else:
        where = f" at step {outcome.failed_at}" if outcome.failed_at else ""
        verdict = Text(f"FAILED{where}: {type(outcome.error).__name__}", "bold red")
        if reporter.tally.verbs_failed == 0:  # not a verb's failure: show what the scenario raised
            verdict.append(f"\n  {outcome.error!r}")
    out.print(verdict)
    out.print(Text(f"  archive {mission.archive_path}\n", style="dim"))
    return outcome
