"""The child processes `mission` starts: how they are started, stopped and described.

Each child runs in its own process group, with no terminal input. Ctrl-C at a terminal sends
SIGINT to the whole foreground group (and a closing terminal SIGHUP): in `mission`'s group,
both children would stop at the moment `mission` is told to, in any order, and a ground that
stopped first would lose the spacecraft's last frames. In their own group only `mission` hears
the terminal, and it stops them in order: the spacecraft, then the ground. Should `mission` be
killed outright, `--exit-with-parent` takes them down with it.
"""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from flightsw.cli import signal_name

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 15.0  # wall seconds a child has to stop after SIGTERM before it is killed
TAIL_LINES = 15

Child = subprocess.Popen[bytes]


def start(
    args: list[str],
    log_path: Path,
    env: dict[str, str],
    preexec: Callable[[], None] | None = None,
) -> Child:
    """Start `args` with its output appended to `log_path`, in a process group of its own.

    `preexec` runs in the child just before `args` (a test's resource limits).
    """
    with log_path.open("ab") as output:  # the child holds its own copy of the descriptor
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            process_group=0,
            preexec_fn=preexec,
        )


def terminate(process: Child) -> int:
    """SIGTERM, then wait; kill it if it has not stopped within STOP_TIMEOUT_S. Its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop within %g s; killing it", process.pid, STOP_TIMEOUT_S)
            process.kill()
            process.wait()
    return process.returncode


def exit_status(returncode: int) -> str:
    """`exited with code 1`, or `was killed by SIGKILL`: how a child ended, in words."""
    if returncode < 0:
        return f"was killed by {signal_name(-returncode)}"
    return f"exited with code {returncode}"


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log, indented for a terminal message."""
    try:
        last = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "    (no log)"
    return "\n".join(f"    {line}" for line in last) or "    (an empty log)"
