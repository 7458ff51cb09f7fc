"""`ground`: run mission control against a spacecraft process."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from flightsw.cli import (
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    add_process_options,
    exit_codes,
    log_to_stderr,
    stop_on_signals,
)
from flightsw.config import ConfigError, MissionConfig, load_mission
from flightsw.icd import Endpoints, simport
from ground.archive.store import Archive, default_run_name
from ground.dictionary import Dictionary
from ground.errors import GroundError, LinkError
from ground.link.channel import Channel, ChannelConfig, LightTime, read_blackouts
from ground.process.runtime import GroundRuntime
from ground.process.service import GroundService
from ground.process.sockets import GroundSockets, ask_spacecraft
from ground.rules.alarms import AlarmManager
from ground.rules.engine import RuleEngine
from ground.rules.loader import load_rules

log = logging.getLogger("ground")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ground",
        description="Run mission control: light-time channel, ingest, archive, rules, alarms, commanding, control API.",
        epilog=exit_codes(
            ok="stopped cleanly",
            usage="bad config or arguments",
            runtime="could not start (port in use, no spacecraft), or stopped with rows not "
            "written to the archive (saved to a spill file, or lost: the log says which)",
        ),
    )
    parser.add_argument(
        "--config", required=True, help="mission config (TOML), the same file the spacecraft flies"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where run archives go (default: the config's [ground] data_dir, else ./runs)",
    )
    parser.add_argument(
        "--run-name", help="archive file name without extension (default: MISSION-YYYYmmdd-HHMMSS)"
    )
    for name, what in (
        ("uplink", "spacecraft's telecommand socket to connect to"),
        ("downlink", "endpoint to bind for telemetry"),
        ("sim", "spacecraft's sim port to connect to"),
        ("truth", "spacecraft's truth feed to connect to"),
        ("control", "endpoint to bind for the control API"),
        ("feed", "endpoint to bind for the live feed"),
    ):
        parser.add_argument(f"--{name}", help=what)
    parser.add_argument(
        "--light-time-s",
        type=float,
        help="override the config's one-way light time with this fixed value",
    )
    parser.add_argument(
        "--sim-timeout-s",
        type=float,
        default=30.0,
        help="wall seconds the spacecraft has to answer a sim-port request (default 30; a step gets more)",
    )
    parser.add_argument(
        "--wait-s",
        type=float,
        default=60.0,
        help="wall seconds to wait for the spacecraft at start (default 60)",
    )
    add_process_options(parser, "ground")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log_to_stderr("ground", args.log_level)
    try:
        config = load_mission(args.config)
        endpoints = config.endpoints.with_overrides(
            **{
                k: getattr(args, k)
                for k in ("uplink", "downlink", "sim", "truth", "control", "feed")
            }
        )
        # Read now so a bad config is refused before any socket opens; each run builds its own.
        read_blackouts(config.link.channel)
        ChannelConfig.from_section(config.link.channel, config.context.seed)
        rules_path = (
            config.resolve(config.ground.str("rules")) if config.ground.has("rules") else None
        )
        rules = load_rules(rules_path) if rules_path is not None else []
    except (ConfigError, GroundError) as error:
        log.error("%s", error)
        return EXIT_USAGE
    try:
        sockets = GroundSockets(endpoints)
    except LinkError as error:
        log.error("%s", error)
        return EXIT_RUNTIME
    runtime: GroundRuntime | None = None
    code = EXIT_OK
    try:
        dictionary = wait_for_spacecraft(sockets, endpoints, args.wait_s)
        build_service = service_builder(config, args, dictionary, rules_path)
        service = build_service(args.run_name or default_run_name(config.name))
        archive = service.archive
        runtime = GroundRuntime(sockets, service, args.sim_timeout_s, build_service)
        if args.exit_with_parent:
            runtime.parent_pid = os.getppid()
        stop_on_signals(runtime.stop, log)
        log.info(
            "%s: archive %s, %d rules, light time %s; control API on %s, live feed on %s",
            config.name,
            archive.path,
            len(rules),
            f"{config.link.one_way_light_time_s:g} s"
            if config.link.light_time_model == "fixed"
            else "from range",
            endpoints.control,
            endpoints.feed,
        )
        runtime.run()
    except (LinkError, GroundError) as error:
        log.error("%s", error)
        code = EXIT_RUNTIME
    finally:
        if runtime is not None:
            closed = runtime.close()
            if not closed.complete or runtime.archive_full:
                code = EXIT_RUNTIME
            log.info(
                "stopped; archive %s closed at mission time %.1f s%s",
                closed.path,
                runtime.service.now_s,
                "" if closed.complete else " without every row (see above)",
            )
        sockets.close()
    return code


def service_builder(
    config: MissionConfig,
    args: argparse.Namespace,
    dictionary: Dictionary,
    rules_path: Path | None,
) -> Callable[[str], GroundService]:
    """A function that builds a fresh ground (archive `run_name`, rules, alarms, channel).

    Start-up builds the first; a reset (a test kit's, between tests) builds the next, so nothing
    of one run's state (alarm states, command history, channel randomness) leaks into another.
    """

    def build(run_name: str) -> GroundService:
        archive = open_archive(config, args.data_dir, run_name)
        # What a replay needs to rebuild this ground without the spacecraft (ground.replay.engine).
        archive.set_meta("dictionary", json.dumps(dictionary.raw))
        archive.set_meta("rules", None if rules_path is None else str(rules_path))
        rules = load_rules(rules_path) if rules_path is not None else []
        channel = Channel(
            light_time(config, args.light_time_s),
            read_blackouts(config.link.channel),
            ChannelConfig.from_section(config.link.channel, config.context.seed),
        )
        return GroundService(
            dictionary,
            archive,
            RuleEngine(rules),
            AlarmManager(),
            channel,
            publish=lambda event: None,
            uplink=lambda arrival_s, frame: None,
        )

    return build


def light_time(config: MissionConfig, override_s: float | None) -> LightTime:
    if override_s is None:
        return LightTime(config.link.light_time_model, config.link.one_way_light_time_s)
    if not 0 <= override_s <= 3600:
        raise GroundError(f"--light-time-s must be 0..3600 s, got {override_s:g}")
    return LightTime("fixed", override_s)


def wait_for_spacecraft(sockets: GroundSockets, endpoints: Endpoints, wait_s: float) -> Dictionary:
    """Ask the sim port for the dictionary, saying so while the spacecraft is not there yet."""
    waited_s = 0.0
    while True:
        reply = ask_spacecraft(sockets, simport.DictionaryRequest(), timeout_ms=2000)
        if isinstance(reply, simport.DictionaryReply):
            return Dictionary.from_flight(reply.dictionary)
        if isinstance(reply, simport.Refused):
            raise LinkError(f"the spacecraft refused the dictionary request: {reply.error}")
        waited_s += 2.0
        if waited_s >= wait_s:
            raise LinkError(
                f"no spacecraft answered on {endpoints.sim} within {wait_s:g} s; start `flightsw` first "
                "(or use `mission run`, which starts both)"
            )
        log.info(
            "waiting for the spacecraft's sim port at %s (%.0f s so far)", endpoints.sim, waited_s
        )


def open_archive(config: MissionConfig, data_dir: Path | None, run_name: str) -> Archive:
    if data_dir is None:
        has_own = config.ground.has("data_dir")
        data_dir = config.resolve(config.ground.str("data_dir")) if has_own else Path("runs")
    archive = Archive.create(data_dir, run_name)  # makes the folder, or says why it cannot
    archive.set_meta("mission", config.name)
    archive.set_meta("config", str(config.path))
    archive.set_meta("seed", config.context.seed)
    archive.set_meta("epoch_unix_s", config.context.epoch_unix_s)
    return archive


if __name__ == "__main__":
    sys.exit(main())
