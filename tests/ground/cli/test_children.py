"""How `mission` starts, stops and describes its children."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ground.cli import children


def test_a_child_runs_in_its_own_process_group_with_its_output_in_its_log(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    log.write_text("before\n")
    child = children.start(
        [sys.executable, "-c", "import os; print(os.getpgid(0))"], log, dict(os.environ)
    )
    assert child.wait(60) == 0
    before, group = log.read_text().split()
    assert before == "before"  # appended: a restarted child's log keeps the history
    assert int(group) == child.pid != os.getpgid(0)


def test_terminate_stops_a_child_with_sigterm_and_gives_its_code(tmp_path: Path) -> None:
    child = children.start(
        [sys.executable, "-c", "import signal; signal.pause()"], tmp_path / "log", dict(os.environ)
    )
    assert children.terminate(child) == -15
    assert children.terminate(child) == -15  # a second time, nothing more


def test_an_end_is_described_in_words_and_a_log_by_its_last_lines(tmp_path: Path) -> None:
    assert children.exit_status(3) == "exited with code 3"
    assert children.exit_status(-9) == "was killed by SIGKILL"
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {n}\n" for n in range(20)))
    assert children.tail(log, lines=2) == "    line 18\n    line 19"
    assert children.tail(tmp_path / "none.log") == "    (no log)"
