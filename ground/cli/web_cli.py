"""`mission web`: the HTTP API and live feed of a running ground, served on loopback."""

from __future__ import annotations

import argparse
import contextlib
import signal
import socket
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import uvicorn

from flightsw.cli import EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, STOP_SIGNALS, exit_codes, signal_name
from ground.cli import attach
from ground.web.app import make_app
from ground.web.callers import Callers
from ground.web.guard import LOOPBACK_NAMES
from ground.web.relay import FeedRelay

DEFAULT_PORT = 8080


class _Server(uvicorn.Server):
    """Stops serving on SIGTERM, SIGHUP or SIGINT, then returns (uvicorn's own handling would
    raise the signal again once stopped, ending the process before it says so). The handlers
    are in place from `stop_on_signals` on, before the first line says where it serves, so a
    signal that comes while it starts is not lost."""

    stopped_by = ""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the handlers are `stop_on_signals`'s

    @contextlib.contextmanager
    def stop_on_signals(self) -> Iterator[None]:
        def stop(signum: int, frame: FrameType | None) -> None:
            self.stopped_by = signal_name(signum)
            self.should_exit = True

        previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def add_parser(commands: Any) -> None:
    """Add the `web` subcommand to `mission`'s subparsers."""
    web = commands.add_parser(
        "web",
        help="serve a running ground's HTTP API and live feed",
        description="Attach to the run flying in DATA_DIR (as `mission console` does) and serve "
        "its HTTP API (/api/..., documented at /api/docs) and its live feed (the WebSocket "
        "/api/feed) on loopback. Callers show their operator key as a bearer token (`mission "
        "keys token` prints yours); the ground checks each one's role. It says where it serves "
        "on its first line, and stops on Ctrl-C or SIGTERM. "
        + exit_codes(
            ok="stopped",
            usage="bad arguments, or an open ground served beyond this host",
            runtime="could not serve (the port is taken) or follow the ground's live feed",
        ),
    )
    attach.add_options(web)
    web.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to serve on (default 127.0.0.1: this host only; anything else "
        "should be behind TLS, since keys travel in each request)",
    )
    web.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="a proxy's public address whose pages may use this web, e.g. https://ops.lab:443 "
        "(repeatable; by default only the address served)",
    )
    web.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the port (default {DEFAULT_PORT}; 0 picks a free one, named on the first line)",
    )


def run_web(args: argparse.Namespace) -> int:
    """Serve until stopped; the first line on stdout says where."""
    target = attach.choose(args, None, lambda text: print(f"mission: {text}", file=sys.stderr))
    if target.access is None and args.host not in LOOPBACK_NAMES:
        print(
            f"mission: {target.name} takes any local client (it has no access folder): served "
            f"on {args.host}, anyone who reaches this host could command the spacecraft. Serve "
            "it on 127.0.0.1, or fly with keys (`mission run` gives every run an access folder)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        listening = socket.create_server((args.host, args.port))
    except OSError as error:
        print(
            f"mission: cannot serve on {args.host}:{args.port}: {error.strerror or error}; "
            "choose another with --port (0 picks a free one)",
            file=sys.stderr,
        )
        return EXIT_RUNTIME
    port = listening.getsockname()[1]
    callers = Callers(target.control, target.watch, target.access)
    relay = None if target.feed is None else FeedRelay(target.feed, target.credentials)
    server = _Server(
        uvicorn.Config(
            make_app(callers, relay, args.host, port, tuple(args.allow_origin)),
            log_level="warning",
            access_log=False,
            ws="websockets-sansio",
        )
    )
    address = f"http://{args.host}:{port}"
    try:
        with server.stop_on_signals():
            if relay is not None:
                relay.start()
            print(
                f"mission web: serving {target.name} at {address}/ "
                f"(API documentation at {address}/api/docs)",
                flush=True,
            )
            server.run(sockets=[listening])
    finally:
        if relay is not None:
            relay.stop()
        callers.close()
        listening.close()
    print(f"mission web: stopped ({server.stopped_by or 'done'})", flush=True)
    return EXIT_OK
