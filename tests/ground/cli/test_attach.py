"""Which run `mission console` attaches to: the one flying, the one named, the one chosen."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flightsw.icd import Endpoints
from ground.api.session import Session
from ground.cli.attach import choose
from ground.errors import ConsoleError, GroundGone


def a_pid_that_has_exited() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def flying(data_dir: Path, name: str, first_port: int, pid: int | None = None) -> Session:
    session = Session(
        name,
        data_dir / f"{name}.sqlite",
        Endpoints.on_ports(list(range(first_port, first_port + 6))),
        ground_pid=os.getpid() if pid is None else pid,
        started=f"2026-01-01T00:00:0{first_port % 10}+0000",
    )
    session.write(data_dir)
    return session


def arguments(data_dir: Path, run: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(
        data_dir=data_dir, run=run, control=None, feed=None, identity=None, access=None
    )


def never_asked(prompt: str) -> str:
    raise AssertionError(f"asked {prompt!r}")


def test_the_one_run_flying_is_the_one_attached_to(tmp_path: Path) -> None:
    flying(tmp_path, "old", 7001, pid=a_pid_that_has_exited())  # stale: not a candidate
    day = flying(tmp_path, "day", 7011)
    target = choose(arguments(tmp_path), never_asked, print)
    assert (target.name, target.control, target.feed) == (
        "run day",
        day.endpoints.control,
        day.endpoints.feed,
    )
    assert target.archive == day.archive


def test_a_script_is_refused_the_choice_among_several_runs_with_the_list(tmp_path: Path) -> None:
    flying(tmp_path, "first", 7001)
    flying(tmp_path, "second", 7012)
    with pytest.raises(ConsoleError) as refused:
        choose(arguments(tmp_path), None, print)
    text = str(refused.value)
    assert text.startswith(f"2 runs are flying in {tmp_path}/:\n  first (")
    assert "\n  second (" in text and text.endswith("choose one with --run NAME")


def test_a_terminal_is_asked_which_run_until_it_names_one(tmp_path: Path) -> None:
    flying(tmp_path, "first", 7001)
    second = flying(tmp_path, "second", 7012)
    answers = iter(["", "7", "banana", "2"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    assert choose(arguments(tmp_path), ask, print).control == second.endpoints.control
    assert len(prompts) == 4 and "  1. first (" in prompts[0] and "  2. second (" in prompts[0]
    by_name = choose(arguments(tmp_path), lambda prompt: "first", print)
    assert by_name.name == "run first"


def test_run_names_the_run_and_a_stale_or_unknown_one_is_refused(tmp_path: Path) -> None:
    flying(tmp_path, "first", 7001)
    second = flying(tmp_path, "second", 7012)
    flying(tmp_path, "old", 7023, pid=a_pid_that_has_exited())
    assert choose(arguments(tmp_path, "second"), never_asked, print).control == (
        second.endpoints.control
    )
    with pytest.raises(GroundGone, match="run old is not flying: its processes are gone"):
        choose(arguments(tmp_path, "old"), never_asked, print)
    with pytest.raises(ConsoleError, match=r"no run nope in .*; runs flying there:\n  first"):
        choose(arguments(tmp_path, "nope"), never_asked, print)


def test_with_no_run_flying_the_console_tries_the_default_endpoint_and_says_so(
    tmp_path: Path,
) -> None:
    flying(tmp_path, "old", 7001, pid=a_pid_that_has_exited())
    said: list[str] = []
    target = choose(arguments(tmp_path), never_asked, said.append)
    assert target.control == Endpoints.default().control
    assert said == [
        f"no run is flying in {tmp_path}/ (the sessions of old are stale: their processes are "
        f"gone); trying a ground on the default endpoint {Endpoints.default().control}"
    ]
