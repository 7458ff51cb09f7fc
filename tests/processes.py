"""Real processes in tests: wait on their exit and their output, and never leave one behind."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from ground.archive.store import Archive

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = Path(__file__).with_name("terminal.py")
START_WITHIN_S = 90.0  # a mission's start, on a loaded two-core machine
STOP_WITHIN_S = 60.0


def wait_for_exit(pid: int, within_s: float) -> bool:
    """Whether process `pid` has ended (or ends within `within_s`): waits on a pidfd, no polling.

    A zombie (ended, not yet reaped by its parent) has ended.
    """
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([handle], [], [], within_s)
        return bool(readable)
    finally:
        os.close(handle)


def kill_if_alive(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class Output:
    """What a process writes to a pipe, read as it comes, with a bound on every wait."""

    def __init__(self, stream: int) -> None:
        self.stream = stream
        self.text = ""

    def expect(self, wanted: str, within_s: float = START_WITHIN_S) -> str:
        """Read until `wanted` has been written; everything so far. AssertionError at the bound
        or at the end of the output, quoting what came."""
        while wanted not in self.text:
            readable, _, _ = select.select([self.stream], [], [], within_s)
            assert readable, f"no {wanted!r} within {within_s:g} s; the output:\n{self.text}"
            chunk = os.read(self.stream, 65536)
            assert chunk, f"the output ended without {wanted!r}:\n{self.text}"
            self.text += chunk.decode(errors="replace")
        return self.text

    def rest(self, within_s: float = STOP_WITHIN_S) -> str:
        """Read to the end of the output (the process has ended or is ending)."""
        while True:
            readable, _, _ = select.select([self.stream], [], [], within_s)
            assert readable, f"the output did not end within {within_s:g} s:\n{self.text}"
            chunk = os.read(self.stream, 65536)
            if not chunk:
                return self.text
            self.text += chunk.decode(errors="replace")


class MissionRun:
    """`mission run` of the small LEO satellite in a folder, and what became of its processes.

    Whatever a test does, `close` leaves nothing running: `mission run`, and the two processes
    it started (known from its session), are killed if they are still there.
    """

    def __init__(self, data_dir: Path, run_name: str, *args: str, terminal: bool = False) -> None:
        self.data_dir = data_dir
        self.run_name = run_name
        command = [
            sys.executable, "-m", "ground.cli.mission", "run", str(ROOT / "configs" / "leo_smallsat.toml"),
            "--data-dir", str(data_dir), "--run-name", run_name, *args,
        ]  # fmt: skip
        if terminal:  # in a pseudo-terminal of its own, through the test's terminal
            command = [sys.executable, str(TERMINAL), *command]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.process.stdout is not None
        self.output = Output(self.process.stdout.fileno())
        self.pids: dict[str, int] = {}

    @property
    def session_path(self) -> Path:
        return self.data_dir / "sessions" / f"{self.run_name}.json"

    def flying(self) -> dict[str, int]:
        """Wait until the run flies; the pids of `mission`, `flightsw` and `ground`."""
        self.output.expect(f"running as {self.run_name}")
        self.pids = json.loads(self.session_path.read_text())["pids"]
        return self.pids

    def session_pids(self) -> dict[str, int]:
        pids: dict[str, int] = json.loads(self.session_path.read_text())["pids"]
        self.pids = {**self.pids, **pids}
        return pids

    def ends(self, within_s: float = STOP_WITHIN_S) -> tuple[int, str]:
        """Wait for `mission run` to end: its exit code and everything it wrote."""
        text = self.output.rest(within_s)
        return self.process.wait(within_s), text

    def close(self) -> None:
        kill_if_alive(self.process.pid)
        self.process.wait(STOP_WITHIN_S)
        for pid in self.pids.values():
            if pid != self.process.pid:
                kill_if_alive(pid)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@contextlib.contextmanager
def mission_run(
    data_dir: Path, run_name: str, *args: str, terminal: bool = False
) -> Iterator[MissionRun]:
    run = MissionRun(data_dir, run_name, *args, terminal=terminal)
    try:
        yield run
    finally:
        run.close()


def packets_sent(flight_log: Path) -> int:
    """What the spacecraft says it sent down, in the last line of its log."""
    said = flight_log.read_text()
    found = re.findall(r"stopped at mission time [\d.]+ s; (\d+) packets sent", said)
    assert found, f"{flight_log} has no stop line:\n{said[-2000:]}"
    return int(found[-1])


def archived_frames(archive: Path) -> int:
    """Every frame the archive holds, good or refused."""
    with Archive.open(archive) as opened:
        return sum(1 for _ in opened.frames())
