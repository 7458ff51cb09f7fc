"""SIGTERM, SIGHUP and SIGINT become `Stopped` on `mission`'s main thread, once."""

from __future__ import annotations

import signal

import pytest

from ground.cli.signals import StopOnSignals, describe
from ground.errors import Stopped


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_the_first_signal_raises_stopped_naming_it(signum: signal.Signals) -> None:
    with StopOnSignals() as signals, pytest.raises(Stopped) as stopped:
        signal.raise_signal(signum)
    assert (stopped.value.signum, stopped.value.name) == (signum, signum.name)
    assert signals.received is stopped.value


def test_once_stopping_a_signal_only_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with StopOnSignals() as signals:
        signals.hold()
        signal.raise_signal(signal.SIGTERM)  # raises nothing: the stop is under way
    assert "mission: SIGTERM: already stopping, please wait" in capsys.readouterr().out


def test_the_handlers_before_are_back_afterwards() -> None:
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    with StopOnSignals():
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {signum: signal.getsignal(signum) for signum in before} == before


def test_sigint_is_described_as_what_a_person_typed() -> None:
    assert describe(Stopped(signal.SIGINT, "SIGINT")) == "Ctrl-C (SIGINT)"
    assert describe(Stopped(signal.SIGHUP, "SIGHUP")) == "SIGHUP"
