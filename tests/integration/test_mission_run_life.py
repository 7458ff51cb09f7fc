"""`mission run` through signals, a killed parent and dead children: every real process, no orphan."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path

import pytest
from processes import archived_frames, mission_run, packets_sent, wait_for_exit

from ground.api.session import Session

pytestmark = pytest.mark.integration

HEADLESS = ("--headless",)
CHILDREN_GO_WITHIN_S = 10.0  # a killed mission's children stop by themselves, within this bound
PROMPT_AFTER_CHILDREN_S = 3.0  # Ctrl-C returns this soon after both children have stopped


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_to_mission_run_stops_the_spacecraft_then_the_ground_and_says_so(
    tmp_path: Path, signum: signal.Signals
) -> None:
    with mission_run(tmp_path, "signalled", *HEADLESS) as run:
        pids = run.flying()
        run.output.expect("telemetry is coming down")
        os.kill(run.process.pid, signum)
        code, said = run.ends()
    assert code == 0, said
    name = "Ctrl-C (SIGINT)" if signum == signal.SIGINT else signum.name
    assert f"mission: {name}: stopping the spacecraft, then the ground" in said
    assert "both processes have stopped" in said
    for child in ("flightsw", "ground"):
        assert wait_for_exit(pids[child], within_s=0.0), f"{child} outlived mission run"
    assert not run.session_path.exists()  # the run ended cleanly: its session with it
    # The ground stopped last and kept everything the spacecraft sent.
    sent = packets_sent(tmp_path / "signalled.flightsw.log")
    assert sent > 0 and archived_frames(tmp_path / "signalled.sqlite") == sent


def test_the_children_of_a_killed_mission_run_stop_by_themselves(tmp_path: Path) -> None:
    with mission_run(tmp_path, "orphaned", *HEADLESS) as run:
        pids = run.flying()
        os.kill(run.process.pid, signal.SIGKILL)  # no handler, no cleanup: only they can act
        run.process.wait()
        for child in ("flightsw", "ground"):
            assert wait_for_exit(pids[child], CHILDREN_GO_WITHIN_S), f"{child} was orphaned"
    ground_log = (tmp_path / "orphaned.ground.log").read_text()
    assert "orphaned.sqlite closed at mission time" in ground_log  # a clean stop, not a death
    stale = Session.read(run.session_path)  # left behind, but known for what it is
    assert stale is not None and not stale.live()


def test_ctrl_c_at_a_terminal_returns_promptly_once_both_children_have_stopped(
    tmp_path: Path,
) -> None:
    with mission_run(tmp_path, "typed", terminal=True) as run:
        pids = run.flying()
        handles = {name: os.pidfd_open(pid) for name, pid in pids.items()}
        try:
            assert run.process.stdin is not None
            run.process.stdin.write(b"ctrl-c\n")
            run.process.stdin.flush()
            typed_s = time.monotonic()
            ended_s = {}
            while len(ended_s) < len(handles):
                readable, _, _ = select.select(
                    [h for n, h in handles.items() if n not in ended_s], [], [], 60.0
                )
                assert readable, f"still running 60 s after Ctrl-C: {set(handles) - set(ended_s)}"
                for name, handle in handles.items():
                    if handle in readable:
                        ended_s[name] = time.monotonic()
        finally:
            for handle in handles.values():
                os.close(handle)
        code, said = run.ends()
    children_s = max(ended_s["flightsw"], ended_s["ground"])
    print(
        f"\nCtrl-C: children stopped after {children_s - typed_s:.3f} s, mission returned "
        f"{ended_s['mission'] - children_s:.3f} s later ({ended_s['mission'] - typed_s:.3f} s)"
    )
    assert code == 0, said
    assert "Ctrl-C (SIGINT): stopping the spacecraft, then the ground" in said
    assert ended_s["mission"] - children_s < PROMPT_AFTER_CHILDREN_S


def test_a_killed_ground_is_restarted_and_the_terminal_says_so(tmp_path: Path) -> None:
    with mission_run(tmp_path, "restarted", *HEADLESS) as run:
        pids = run.flying()
        os.kill(pids["ground"], signal.SIGKILL)
        said = run.output.expect("the ground is back")
        assert f"mission: the ground (pid {pids['ground']}) was killed by SIGKILL" in said
        assert "the last lines of its log" in said and "ground INFO" in said  # quoted
        assert "restarting the ground (restart 1 of 3 in 10 minutes)" in said
        again = run.session_pids()
        assert again["ground"] != pids["ground"] and again["flightsw"] == pids["flightsw"]
        assert not wait_for_exit(again["ground"], within_s=0.0)  # the new one runs
        os.kill(run.process.pid, signal.SIGTERM)
        code, said = run.ends()
    assert code == 0, said
    assert wait_for_exit(again["ground"], within_s=0.0)


def test_a_killed_spacecraft_ends_the_run_with_what_happened_and_exit_code_3(
    tmp_path: Path,
) -> None:
    with mission_run(tmp_path, "lost", *HEADLESS) as run:
        pids = run.flying()
        os.kill(pids["flightsw"], signal.SIGKILL)
        code, said = run.ends()
    assert code == 3, said
    assert f"the spacecraft (flightsw, pid {pids['flightsw']}) was killed by SIGKILL" in said
    assert "nothing is left to fly: stopping the ground" in said
    assert "both processes have stopped" in said
    assert wait_for_exit(pids["ground"], within_s=0.0)
    assert not run.session_path.exists()
