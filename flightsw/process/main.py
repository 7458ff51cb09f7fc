"""`flightsw`: run the spacecraft process."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

from flightsw.cli import (
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    add_clock_options,
    add_process_options,
    exit_codes,
    log_to_stderr,
    stop_on_signals,
    watch_parent,
)
from flightsw.config import MissionConfig, check_mission, default_keys_path, read_keys
from flightsw.errors import FlightSwError
from flightsw.executive.tc_security import ReplayState, TcAuthenticator
from flightsw.process.runtime import FlightRuntime
from flightsw.process.sim_access import SimPortAccess, read_sim_access


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="flightsw",
        description="Run the spacecraft: subsystem actors, executive, link and sim port.",
        epilog=exit_codes(
            ok="stopped cleanly",
            usage="bad config or arguments",
            runtime="could not start (e.g. port in use)",
        ),
    )
    parser.add_argument(
        "--config", required=True, help="mission config (TOML), e.g. configs/leo_smallsat.toml"
    )
    parser.add_argument("--uplink", help="endpoint to bind for telecommands (PULL)")
    parser.add_argument(
        "--downlink", help="endpoint of the ground's telemetry socket to connect to (PUSH)"
    )
    parser.add_argument("--sim", help="endpoint to bind for the sim port (ROUTER)")
    parser.add_argument("--truth", help="endpoint to bind for the truth feed (PUB)")
    parser.add_argument(
        "--keys",
        type=Path,
        help="telecommand key file, when the config's [security] authenticate is true "
        "(default: DATA_DIR/keys/MISSION.toml, DATA_DIR being the config's [ground] data_dir, "
        "else ./runs, as `mission keys new` and `mission run` make it)",
    )
    parser.add_argument(
        "--access",
        type=Path,
        help="access folder (DATA_DIR/keys, as `mission run` makes it): the sim port and truth "
        "feed then take CURVE connections from the ground and test conductors only; without "
        "it they are open to any local process",
    )
    add_clock_options(parser)
    add_process_options(parser, "flightsw")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log_to_stderr("flightsw", args.log_level)
    log = logging.getLogger("flightsw")
    # First, before anything slow: a parent killed from now on takes this process with it.
    parent = None if args.exit_with_parent is None else watch_parent(args.exit_with_parent, log)
    try:
        # Every table this process reads, each model's included, before any socket opens.
        config = check_mission(args.config)
        if args.clock or args.rate:
            config = override_clock(config, args.clock, args.rate)
        endpoints = config.endpoints.with_overrides(
            uplink=args.uplink, downlink=args.downlink, sim=args.sim, truth=args.truth
        )
    except FlightSwError as error:
        log.error("%s", error)
        return EXIT_USAGE
    try:
        authenticator = tc_authenticator(config, args.keys, log)
        access = sim_access(args.access, log)
    except (FlightSwError, OSError, ValueError) as error:
        log.error("%s", error)
        return EXIT_USAGE
    try:
        runtime = FlightRuntime(config, endpoints, authenticator, access)
    except FlightSwError as error:
        log.error("%s", error)
        return EXIT_RUNTIME

    runtime.parent = parent
    stop_on_signals(runtime.stop, log)
    try:
        runtime.run()
    finally:
        runtime.close()
        executive = runtime.spacecraft.executive
        log.info(
            "stopped at mission time %.1f s; %d packets sent in %d downlink messages",
            executive.time_s,
            executive.packets_sent,
            executive.frames_sent,
        )
    return EXIT_OK


def tc_authenticator(
    config: MissionConfig, keys: Path | None, log: logging.Logger
) -> TcAuthenticator | None:
    """What checks uplinked telecommands: their keys, and the anti-replay numbers kept beside
    them (`KEYS.arsn.json`); None, said in the log, when the config turns authentication off.

    Raises:
        ConfigError: the key file is missing or not its owner's alone; OSError, ValueError:
        the stored numbers cannot be read.
    """
    if not config.security.authenticate:
        log.warning(
            "telecommand authentication is off ([security] authenticate = false in %s): any "
            "process that reaches the uplink can command this spacecraft",
            config.path,
        )
        return None
    path = keys or default_keys_path(config)
    tc_keys = read_keys(path)
    state = ReplayState(path.with_suffix(".arsn.json"))
    authenticator = TcAuthenticator(
        tc_keys.keys, state, config.security.window, active_spi=tc_keys.active_spi
    )
    log.info(
        "telecommands authenticated with %d key(s) from %s; last sequence numbers taken: %s",
        len(tc_keys.keys),
        path,
        authenticator.last_taken() or "none yet",
    )
    return authenticator


def sim_access(folder: Path | None, log: logging.Logger) -> SimPortAccess | None:
    """Whom the sim port and truth feed admit; None, said in the log, without `--access`.

    Raises:
        ConfigError: a certificate or the operators file is missing or unusable.
    """
    if folder is None:
        log.warning(
            "the sim port and truth feed are open to any local process (no --access folder): "
            "anyone here can inject faults, drive the clock and shut this spacecraft down"
        )
        return None
    access = read_sim_access(folder)
    log.info(
        "sim port and truth feed: CURVE, admitting the ground and %d test conductor(s) of %s",
        len(access.operators.current().test_conductor_keys()),
        access.operators.path,
    )
    return access


def override_clock(config: MissionConfig, mode: str | None, rate: float | None) -> MissionConfig:
    """The config with its clock mode or rate replaced from the command line."""
    clock = dataclasses.replace(
        config.clock,
        mode=mode or config.clock.mode,
        rate=rate if rate is not None else config.clock.rate,
    )
    return dataclasses.replace(config, clock=clock)


if __name__ == "__main__":
    sys.exit(main())
