"""`ground`: run mission control against a spacecraft process."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from flightsw.cli import (
    EXIT_CANNOT_RESUME,
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    add_process_options,
    exit_codes,
    log_to_stderr,
    stop_on_signals,
    watch_parent,
)
from flightsw.clock import wall_s_at_utc, wall_time_s
from flightsw.config import ConfigError, MissionConfig, keys_path, read_keys
from flightsw.icd import Endpoints, simport
from ground.archive.runs import run_archive
from ground.archive.schema import RULES_JUDGED
from ground.archive.store import Archive, default_run_name
from ground.dictionary import Dictionary
from ground.errors import GroundError, LinkError, ResumeRefused
from ground.link.channel import Blackouts, Channel, LightTime
from ground.link.signer import TcSigner
from ground.process.access import GroundAccess, read_ground_access
from ground.process.attachment import Attachment
from ground.process.clock import GroundClock
from ground.process.mission_config import (
    MAX_SILENCE_S,
    MIN_SILENCE_S,
    GroundConfig,
    check_config,
)
from ground.process.records import rules_judged
from ground.process.recovery import Gap
from ground.process.resume import CONFIG_DIGEST, config_digest, open_for_resume, take_up
from ground.process.runtime import GroundRuntime
from ground.process.service import GroundService
from ground.process.silence import DEFAULT_SILENCE_S
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
            usage="bad config or arguments (or the run exists: add --resume)",
            runtime="could not start (port in use, no spacecraft), or stopped with rows not "
            "written to the archive (saved to a spill file, or lost: the log says which)",
            cannot_resume="--resume refused: the run's archive is missing, damaged, or of another "
            "mission, config or spacecraft (start a new run instead)",
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
    parser.add_argument(
        "--resume",
        action="store_true",
        help="pick up the run --run-name (default: the newest in the data dir) after a crash: "
        "check and reopen its archive, attach to the spacecraft still flying, take back alarms, "
        "rule states and latest values, and dump from the onboard recorder what was missed "
        "(a spacecraft restarted meanwhile begins a new segment)",
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
        help="wall seconds a spacecraft that keeps talking has to answer a sim-port request "
        "(default 30; a step gets more); a silent one has --silence-s",
    )
    parser.add_argument(
        "--silence-s",
        type=float,
        help="wall seconds without a word from the spacecraft, while one is owed, before it is "
        f"declared silent (default: the config's [ground] silence_s, else {DEFAULT_SILENCE_S:g})",
    )
    parser.add_argument(
        "--wait-s",
        type=float,
        default=60.0,
        help="wall seconds to wait for the spacecraft at start (default 60)",
    )
    parser.add_argument(
        "--keys",
        type=Path,
        help="telecommand key file, when the config's [security] authenticate is true "
        "(default: DATA_DIR/keys/MISSION.toml, as `mission keys new` makes it)",
    )
    parser.add_argument(
        "--access",
        type=Path,
        help="access folder (DATA_DIR/keys, as `mission run` makes it): the control API and "
        "live feed then take CURVE connections from the operators file's keys only, each "
        "request within its operator's role, and the ground reaches the sim port with its own "
        "key; without it they are open to any local process",
    )
    add_process_options(parser, "ground")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log_to_stderr("ground", args.log_level)
    # First, before anything slow: a parent killed from now on takes this process with it.
    parent = None if args.exit_with_parent is None else watch_parent(args.exit_with_parent, log)
    try:
        # The whole file, the spacecraft's part and the rule file included, before any socket.
        checked = check_config(args.config)
        config = checked.mission
        endpoints = config.endpoints.with_overrides(
            **{
                k: getattr(args, k)
                for k in ("uplink", "downlink", "sim", "truth", "control", "feed")
            }
        )
        light_time(config, args.light_time_s)
        silence_s = silence_interval_s(checked, args.silence_s)
        signer = tc_signer(config, args.keys or keys_path(data_dir(checked, args), config.name))
        access = ground_access(args.access)
    except (ConfigError, GroundError) as error:
        log.error("%s", error)
        return EXIT_USAGE
    run_name = args.run_name or default_run_name(config.name)
    if not args.resume and run_archive(data_dir(checked, args), run_name).exists():
        log.error(
            "run %s already exists in %s: add --resume to pick it up, or choose another --run-name",
            run_name,
            data_dir(checked, args),
        )
        return EXIT_USAGE
    try:
        sockets = GroundSockets(endpoints, access)
    except LinkError as error:
        log.error("%s", error)
        return EXIT_RUNTIME
    runtime: GroundRuntime | None = None
    code = EXIT_OK
    try:
        dictionary = wait_for_spacecraft(sockets, endpoints, args.wait_s)
        status = spacecraft_status(sockets, endpoints, args.sim_timeout_s)
        attachment = Attachment.from_status(status)
        clock = spacecraft_clock(status)
        build_service = ServiceBuilder(checked, args, dictionary)
        gap: Gap | None = None
        if args.resume:
            archive = open_for_resume(data_dir(checked, args), args.run_name, config, dictionary)
            service = build_service.on(archive)
            gap = take_up(service, attachment)
        else:
            service = build_service(run_name, attachment.time_s)
            service.now_s = attachment.time_s  # a spacecraft in flight: its time, not T+0
        archive = service.archive
        runtime = GroundRuntime(
            sockets, service, args.sim_timeout_s, build_service, clock, silence_s, attachment,
            signer=signer,
        )  # fmt: skip
        runtime.parent = parent
        if gap is not None:
            service.recover(gap)
        stop_on_signals(runtime.stop, log)
        log.info(
            "%s: archive %s, %d rules, light time %s, %s clock, silent after %g s; "
            "control API on %s, live feed on %s",
            config.name,
            archive.path,
            checked.rule_count,
            f"{service.channel.light_time.fixed_s:g} s"
            if service.channel.light_time.model == "fixed"
            else "from range",
            "stepped" if clock.stepped else f"realtime ×{clock.rate:g}",
            silence_s,
            endpoints.control,
            endpoints.feed,
        )
        runtime.run()
    except ResumeRefused as error:
        log.error("%s", error)
        code = EXIT_CANNOT_RESUME
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


class ServiceBuilder:
    """Builds a fresh ground (rules, alarms, channel) on an archive: a new run's (`__call__`), or
    one picked up again (`on`).

    Start-up builds the first; a reset (a test kit's, between tests) builds the next, so nothing
    of one run's state (alarm states, command history, channel randomness) leaks into another.
    """

    def __init__(
        self, checked: GroundConfig, args: argparse.Namespace, dictionary: Dictionary
    ) -> None:
        self.checked = checked
        self.config = checked.mission
        self.rules_path = checked.rules_path
        self.args = args
        self.dictionary = dictionary

    def __call__(self, run_name: str, start_s: float = 0.0) -> GroundService:
        """A new run `run_name`, whose first segment begins at mission time `start_s`."""
        archive = open_archive(self.config, data_dir(self.checked, self.args), run_name)
        # What a replay needs to rebuild this ground without the spacecraft (ground.replay.engine).
        archive.set_meta("dictionary", json.dumps(self.dictionary.raw))
        archive.set_meta("rules", None if self.rules_path is None else str(self.rules_path))
        archive.begin_segment(start_s, "the run began")
        archive.flush()  # the run's identity on disk now: a ground killed at once can resume it
        return self.on(archive)

    def on(self, archive: Archive) -> GroundService:
        """A ground writing to `archive` as it is."""
        config = self.config
        rules = load_rules(self.rules_path) if self.rules_path is not None else []
        archive.set_meta(RULES_JUDGED, rules_judged(rules))
        channel = Channel(
            light_time(config, self.args.light_time_s),
            Blackouts(list(self.checked.blackouts)),
            self.checked.channel,
        )
        return GroundService(
            self.dictionary,
            archive,
            RuleEngine(rules),
            AlarmManager(),
            channel,
            publish=lambda event: None,
            uplink=lambda arrival_s, frame: None,
        )


def ground_access(folder: Path | None) -> GroundAccess | None:
    """Whom the control API and live feed admit; None, said in the log, without `--access`.

    Raises:
        ConfigError: a certificate or the operators file is missing or unusable.
    """
    if folder is None:
        log.warning(
            "the control API and live feed are open to any local process (no --access "
            "folder): anyone here can command, inject faults and shut the mission down"
        )
        return None
    access = read_ground_access(folder)
    log.info(
        "control API and live feed: CURVE, admitting the %d operator(s) of %s",
        len(access.operators.current().by_key),
        access.operators.path,
    )
    return access


def tc_signer(config: MissionConfig, keys: Path) -> TcSigner | None:
    """What signs telecommands, from the key file `keys`; None, said in the log, when the
    config turns authentication off.

    Raises:
        ConfigError: the key file is missing, not its owner's alone, or wrong.
    """
    if not config.security.authenticate:
        log.warning(
            "telecommands go up unauthenticated ([security] authenticate = false in %s)",
            config.path,
        )
        return None
    tc_keys = read_keys(keys)
    log.info("telecommands signed with SPI %d from %s", tc_keys.active_spi, keys)
    return TcSigner(tc_keys, config.name, config.security.window)


def light_time(config: MissionConfig, override_s: float | None) -> LightTime:
    if override_s is None:
        return LightTime(config.link.light_time_model, config.link.one_way_light_time_s)
    if not 0 <= override_s <= 3600:
        raise GroundError(f"--light-time-s must be 0..3600 s, got {override_s:g}")
    return LightTime("fixed", override_s)


def spacecraft_status(
    sockets: GroundSockets, endpoints: Endpoints, timeout_s: float
) -> simport.StatusReply:
    """Where the spacecraft is and what it has sent: the ground's clock and counts start there."""
    reply = ask_spacecraft(
        sockets, simport.StatusRequest(), timeout_ms=int(timeout_s * 1000), tag=b"attach"
    )
    if not isinstance(reply, simport.StatusReply):
        said = "no answer" if reply is None else getattr(reply, "error", type(reply).__name__)
        raise LinkError(
            f"the spacecraft at {endpoints.sim} did not give its status within {timeout_s:g} s: "
            f"{said}; check flightsw's log"
        )
    if reply.time_s > 0.0:
        log.info("attached to a spacecraft in flight: %s", Attachment.from_status(reply).describe())
    return reply


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


def silence_interval_s(checked: GroundConfig, override_s: float | None) -> float:
    """The silence interval: `--silence-s`, else the config's `[ground] silence_s`, else 5 s."""
    if override_s is None:
        return checked.silence_s
    if not MIN_SILENCE_S <= override_s <= MAX_SILENCE_S:
        raise GroundError(
            f"--silence-s must be {MIN_SILENCE_S:g}..{MAX_SILENCE_S:g} s, got {override_s:g}"
        )
    return override_s


def spacecraft_clock(status: simport.StatusReply) -> GroundClock:
    """The ground's clock, stepped or running at the spacecraft's rate, from its status."""
    if status.mode == "stepped":
        return GroundClock(wall_time_s, stepped=True, start_s=status.time_s)
    clock = GroundClock(
        wall_time_s, stepped=False, rate=status.rate, paused=status.paused, start_s=status.time_s
    )
    if status.utc_s is not None:  # as each truth will: when the spacecraft's clock read it
        clock.anchor(status.time_s, wall_s_at_utc(status.utc_s))
    return clock


def data_dir(checked: GroundConfig, args: argparse.Namespace) -> Path:
    """Where run archives go: --data-dir, else the config's [ground] data_dir, else ./runs."""
    if args.data_dir is not None:
        return Path(args.data_dir)
    return checked.data_dir or Path("runs")


def open_archive(config: MissionConfig, directory: Path, run_name: str) -> Archive:
    archive = Archive.create(directory, run_name)  # makes the folder, or says why it cannot
    archive.set_meta("mission", config.name)
    archive.set_meta("config", str(config.path))
    archive.set_meta(CONFIG_DIGEST, config_digest(config))
    archive.set_meta("seed", config.context.seed)
    archive.set_meta("epoch_unix_s", config.context.epoch_unix_s)
    return archive


if __name__ == "__main__":
    sys.exit(main())
