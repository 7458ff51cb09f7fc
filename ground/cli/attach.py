"""Which ground `mission console` attaches to: the run flying in the folder, the one named with
`--run`, the one chosen from a list on a terminal, or an endpoint given outright."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flightsw.config import GROUND, access_folder
from flightsw.icd import Endpoints
from ground.api.credentials import Credentials, credentials_in
from ground.api.liveness import Watch, endpoint_watch
from ground.api.session import Session, session_watch, sessions_dir, sessions_in
from ground.errors import ConsoleError, GroundGone

Ask = Callable[[str], str]  # shows a prompt, returns what the person typed


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options that say which ground to attach to, and as whom (console, web)."""
    parser.add_argument("--run", metavar="NAME", help="attach to this run of DATA_DIR")
    parser.add_argument(
        "--control", help="the ground's control endpoint (default: from the run's session)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("runs"),
        help="where `mission run` keeps its runs' sessions (default ./runs)",
    )
    parser.add_argument(
        "--feed", help="the ground's live feed endpoint (default: from the run's session)"
    )
    parser.add_argument(
        "--identity",
        type=Path,
        help="your certificate (a .key_secret file; default: DATA_DIR/keys/identities/"
        "YOUR-USER-NAME.key_secret, which `mission run` makes for who first flies there)",
    )
    parser.add_argument(
        "--access",
        type=Path,
        help="with --control: the ground's access folder, for its key (default: DATA_DIR/keys "
        "if it has one)",
    )


@dataclass(frozen=True, slots=True)
class Target:
    """A ground to attach to: its control and feed endpoints, its archive, how to watch it."""

    name: str  # how the console names it to the operator
    control: str
    feed: str | None
    archive: Path | None
    watch: Watch
    credentials: Credentials | None  # None: a ground open to any local client
    access: Path | None = None  # the ground's access folder (its key, its operators file)


def choose(args: argparse.Namespace, ask: Ask | None, say: Callable[[str], None]) -> Target:
    """The ground `args` point to; `ask` chooses among several live runs (None: not a terminal).

    Raises:
        ConsoleError: several runs fly and none was chosen (the message lists them), or no run
            has the name given.
        GroundGone: the run named is not flying any more (its session is stale).
    """
    data_dir: Path = args.data_dir
    if args.control:
        # An endpoint given outright: the session's feed and archive belong to its own ground.
        access = _outright_access(args)
        return Target(
            args.control,
            args.control,
            args.feed,
            None,
            endpoint_watch(args.control),
            _credentials(access, args.identity),
            access,
        )
    sessions = sessions_in(data_dir)
    live = [session for session in sessions if session.live()]
    if args.run is not None:
        return _attach(
            data_dir, _named(data_dir, sessions, live, args.run), args.feed, args.identity
        )
    if len(live) == 1:
        return _attach(data_dir, live[0], args.feed, args.identity)
    if len(live) > 1:
        if ask is None:
            raise ConsoleError(
                f"{len(live)} runs are flying in {data_dir}/:\n{_listing(live)}\n"
                "choose one with --run NAME"
            )
        return _attach(data_dir, _ask(live, ask), args.feed, args.identity)
    stale = [session.run_name for session in sessions]
    gone = (
        f" (the sessions of {', '.join(stale)} are stale: their processes are gone)"
        if stale
        else ""
    )
    control = Endpoints.default().control
    say(f"no run is flying in {data_dir}/{gone}; trying a ground on the default endpoint {control}")
    feed = args.feed or Endpoints.default().feed
    access = _outright_access(args)
    return Target(
        control,
        control,
        feed,
        None,
        endpoint_watch(control),
        _credentials(access, args.identity),
        access,
    )


def _named(data_dir: Path, sessions: list[Session], live: list[Session], name: str) -> Session:
    for session in sessions:
        if session.run_name == name:
            if session not in live:
                raise GroundGone(
                    f"run {name} is not flying: its processes are gone (its session "
                    f"{session.path(data_dir)} is stale). Its archive is {session.archive}"
                )
            return session
    flying = f"runs flying there:\n{_listing(live)}" if live else "no run is flying there"
    raise ConsoleError(f"no run {name} in {sessions_dir(data_dir)}/; {flying}")


def _ask(live: list[Session], ask: Ask) -> Session:
    """Offer the live runs by number; ask again until one is chosen."""
    menu = "\n".join(f"  {number}. {s.describe()}" for number, s in enumerate(live, 1))
    by_name = {s.run_name: s for s in live}
    while True:
        try:
            answer = ask(
                f"{len(live)} runs are flying:\n{menu}\nattach to which (number or name)? "
            )
        except (EOFError, KeyboardInterrupt):
            raise ConsoleError("no run chosen; name one with --run NAME") from None
        answer = answer.strip()
        if answer in by_name:
            return by_name[answer]
        if answer.isdigit() and 1 <= int(answer) <= len(live):
            return live[int(answer) - 1]


def _attach(data_dir: Path, session: Session, feed: str | None, identity: Path | None) -> Target:
    return Target(
        f"run {session.run_name}",
        session.endpoints.control,
        feed or session.endpoints.feed,
        session.archive,
        session_watch(data_dir, session.run_name),
        _credentials(session.access, identity),
        session.access,
    )


def _outright_access(args: argparse.Namespace) -> Path | None:
    """The access folder of a ground named by its endpoint: `--access`, else the data folder's
    if it has the ground's key; None (an open ground) otherwise."""
    access: Path | None = args.access
    if access is None:
        folder = access_folder(args.data_dir)
        access = folder.path if folder.public_path(GROUND).exists() else None
    return access


def _credentials(access: Path | None, identity: Path | None) -> Credentials | None:
    return None if access is None else credentials_in(access, identity)


def _listing(sessions: list[Session]) -> str:
    return "\n".join(f"  {session.describe()}" for session in sessions)
