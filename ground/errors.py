"""Exceptions raised by the ground side, every one of them, in one tree.

GroundError
├── RuleError          a rule file or rule definition is wrong (file, key, reason)
├── AlarmError         an operator action on an alarm cannot be done (unknown alarm, bad duration)
├── ArchiveError       the archive cannot do what was asked (unwritable, wrong layout, bad name)
├── UnknownName        a command, parameter or fault the dictionary does not have
├── CommandRefused     a command the ground will not uplink (bad argument, queue, confirmation)
├── ControlError       a control request the ground refuses
├── ClientError        the ground refused a client's request, or did not answer
│   ├── GroundGone     the ground a client talks to is gone (its process, its socket)
│   └── KeyRefused     the ground refused the client's key (or wanted one it did not have)
├── LinkError          a socket could not be bound, or the spacecraft did not answer
├── ResumeRefused      `ground --resume` cannot take the run up (missing, damaged, another mission)
├── LaunchError        a process would not start, or died while starting
│   ├── PortTaken      a port chosen free was taken before the process could bind it
│   └── ProcessLost    a process died under `mission run` and could not be brought back
├── ReplayError        a replay cannot start or go on
├── ConsoleError       a console line that cannot be carried out as written
├── CheckError         a check expression that cannot be read, or a value it cannot judge
├── PlotError          a plot cannot be made as asked
│   ├── UnknownParameter   a parameter the archive never recorded
│   └── PlotsUnavailable   matplotlib is not installed
├── ScenarioError      a scenario file that cannot be run as written
└── HilFailure         a test kit check failed (also an AssertionError, as pytest expects)
    ├── HilTimeout     something awaited did not happen within its mission-time budget
    └── CommandFailed  a telecommand was refused, failed on board, or timed out

Stopped                a signal asked `mission` to stop (a BaseException, as KeyboardInterrupt
                       is: no `except Exception` may take it for a failure and carry on)

Each message says what was wrong and, where it can, what to do.
"""

from __future__ import annotations


class GroundError(Exception):
    """Base of every error the ground side raises on purpose."""


class RuleError(GroundError):
    """A rule file or a rule definition is refused; the message reads `FILE: [KEY] REASON`."""

    def __init__(self, path: str, key: str, reason: str) -> None:
        super().__init__(f"{path}: [{key}] {reason}")
        self.path = path
        self.key = key
        self.reason = reason


class AlarmError(GroundError):
    """An operator action names an alarm that is not active, or gives a bad value."""


class ArchiveError(GroundError):
    """The archive cannot do what was asked; the message says what was wrong and what to do."""


class UnknownName(GroundError):
    """A command, parameter or fault name the dictionary does not have."""


class CommandRefused(GroundError):
    """A command the ground will not uplink (bad argument, queue disabled, not confirmed…)."""


class ControlError(GroundError):
    """A control request the ground refuses; `reason` is a short word the ground counts it
    under (docs/icd.md, "Frames refused": the control API's reasons)."""

    def __init__(self, message: str, reason: str = "declined") -> None:
        super().__init__(message)
        self.reason = reason


class ClientError(GroundError):
    """The ground refused a request (the message is its reason) or did not answer."""


class GroundGone(ClientError):
    """The ground is gone: its process exited or nothing listens on its control socket."""


class KeyRefused(ClientError):
    """The ground refused the client's key at the handshake, or wanted one and it had none."""


class LinkError(GroundError):
    """A socket could not be bound or the spacecraft did not answer."""


class ResumeRefused(GroundError):
    """`ground --resume` will not take a run up: its archive is missing or damaged, or was
    written for another mission, config or spacecraft; the message says which and what to do."""


class LaunchError(GroundError):
    """A process would not start, or died while starting; the message quotes its last words."""


class PortTaken(LaunchError):
    """A process could not bind a port chosen free a moment before: another took it meanwhile."""


class ProcessLost(LaunchError):
    """A process died under `mission run`: the spacecraft, or a ground past its restarts."""


class ReplayError(GroundError):
    """A replay cannot start or go on; the message says what was wrong and what to do."""


class ConsoleError(GroundError):
    """A line the console cannot carry out; the message says how to write it."""


class CheckError(GroundError, ValueError):
    """A check expression cannot be read, or a value cannot be compared with the expected one.

    Also a ValueError: what a caller gave was not a value the check could use.
    """


class PlotError(GroundError):
    """A plot cannot be made as asked; the message says what was wrong and what to do."""


class UnknownParameter(PlotError):
    """A parameter name the archive never recorded."""


class PlotsUnavailable(PlotError):
    """matplotlib is not installed."""


class ScenarioError(GroundError):
    """A scenario file that cannot be run as written (the message says what is missing)."""


class HilFailure(GroundError, AssertionError):
    """A check of the spacecraft failed; the message says what was expected and what was seen."""


class HilTimeout(HilFailure):
    """Something awaited did not happen within its mission-time budget."""


class CommandFailed(HilFailure):
    """A telecommand was refused, failed on board, or timed out."""


class Stopped(BaseException):
    """SIGTERM, SIGHUP or SIGINT asked `mission` to stop; `signum` says which."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name
