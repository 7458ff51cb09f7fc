"""`flightsw`: run the spacecraft process."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import signal
import sys
from types import FrameType

from flightsw import __version__
from flightsw.config.mission import MissionConfig, load_mission
from flightsw.errors import FlightSwError
from flightsw.process.runtime import FlightRuntime

EXIT_CONFIG = 2
EXIT_RUNTIME = 3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="flightsw",
        description="Run the spacecraft: subsystem actors, executive, link and sim port.",
        epilog="Exit codes: 0 stopped cleanly, 2 bad config or arguments, 3 could not start (e.g. port in use).",
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
        "--clock", choices=("stepped", "realtime"), help="override the config's clock mode"
    )
    parser.add_argument("--rate", type=float, help="override the config's clock rate (realtime)")
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started this one goes away (test harnesses use it)",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.add_argument("--version", action="version", version=f"flightsw {__version__}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s flightsw %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    log = logging.getLogger("flightsw")
    try:
        config = load_mission(args.config)
        if args.clock or args.rate:
            config = override_clock(config, args.clock, args.rate)
        endpoints = config.endpoints.with_overrides(
            uplink=args.uplink, downlink=args.downlink, sim=args.sim, truth=args.truth
        )
    except FlightSwError as error:
        log.error("%s", error)
        return EXIT_CONFIG
    try:
        runtime = FlightRuntime(config, endpoints)
    except FlightSwError as error:
        log.error("%s", error)
        return EXIT_RUNTIME

    if args.exit_with_parent:
        runtime.parent_pid = os.getppid()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        runtime.stop()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        runtime.run()
    finally:
        runtime.close()
        log.info("stopped at mission time %.1f s", runtime.spacecraft.executive.time_s)
    return 0


def override_clock(config: MissionConfig, mode: str | None, rate: float | None) -> MissionConfig:
    """The config with its clock mode or rate replaced from the command line."""
    clock = dataclasses.replace(
        config.clock,
        mode=mode or config.clock.mode,
        rate=rate if rate is not None else config.clock.rate,
    )
    if clock.rate <= 0:
        raise FlightSwError(f"--rate must be positive, got {clock.rate}")
    return dataclasses.replace(config, clock=clock)


if __name__ == "__main__":
    sys.exit(main())
