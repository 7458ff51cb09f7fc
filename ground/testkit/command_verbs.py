"""Command verbs: send telecommands and follow their verification."""

from __future__ import annotations

from typing import Any

from ground.api import GetCommand, ListCommands, SendCommand, mission_time
from ground.errors import ClientError, CommandFailed
from ground.testkit.core import ApiCore, _args_text
from ground.testkit.failures import explain
from ground.testkit.records import Command
from ground.vocabulary import CommandStatus

DEFAULT_COMMAND_WITHIN_S = 120.0

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True


class CommandVerbs(ApiCore):
    """send_command, await_command, send_and_await_completion."""

    def send_command(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        confirm: bool = False,
        release_s: float | None = None,
    ) -> Command:
        """Validate and uplink `subsystem.command`; fail at once if the ground refuses it.

        `confirm` is needed for hazardous commands; `release_s` time-tags the command to run on
        board at that mission time (TC[11]).
        """
        with self._verb(f"send_command {name} {_args_text(args)}".rstrip()) as verb:
            request = SendCommand(
                name, args or {}, source="test", release_s=release_s, confirm=confirm
            )
            try:
                command = self.client.call(request).command
            except ClientError as error:
                raise CommandFailed(f"{name} refused by the ground: {error}") from None
            if command.failed:
                raise CommandFailed(f"{command}")
            if release_s is not None:
                self._release_s[command.id] = release_s
            verb.detail = f"id {command.id}, {command.status}"
            return command

    def commands(self) -> list[Command]:
        """Every command of this run, in the order they were sent."""
        return self._call(ListCommands()).commands

    def command(self, command: Command | int) -> Command:
        """The latest state of a command."""
        number = command if isinstance(command, int) else command.id
        return self._call(GetCommand(number)).command

    def await_command(
        self,
        command: Command | int,
        stage: str = "completed",
        within: float = DEFAULT_COMMAND_WITHIN_S,
    ) -> Command:
        """Wait until the command reaches `stage` (accepted, started, completed); fail if it fails.

        `stage="failed"` expects the command to fail (refused on board, failed, timed out) and
        fails if it completes. A time-tagged command's budget starts at its release time.
        """
        number = command if isinstance(command, int) else command.id
        expect_failure = stage == "failed"
        with self._verb(f"await_command {number} {stage} within {within:g} s") as verb:
            release_s = self._release_s.get(number)
            if release_s is not None and release_s > self.now_s:
                self._step(release_s - self.now_s)  # nothing to hear before it runs on board

            def look() -> Command | None:
                current = self.command(number)
                done = current.status == CommandStatus.COMPLETED
                if current.failed or stage in current.stages or done:
                    return current
                return None

            poll_s = max(1.0, self._round_trip_s() / 8)
            current, start_s, end_s = self._until(look, within, poll_s)
            if expect_failure and current is not None and current.failed:
                verb.detail = f"{current.status}: {current.error} {current.reason}".strip()
                return current
            if expect_failure or current is None or current.failed or stage not in current.stages:
                latest = current or self.command(number)
                raise CommandFailed(
                    explain(
                        f"{latest} — awaited stage {stage!r} within {within:g} s",
                        window=(start_s, end_s),
                        events=self.events(since=start_s),
                        now_s=end_s,
                    )
                )
            verb.detail = f"{stage} at {mission_time(current.stages[CommandStatus(stage)])}"
            return current

    def send_and_await_completion(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        within: float = DEFAULT_COMMAND_WITHIN_S,
        confirm: bool = False,
    ) -> Command:
        """Send a command and wait for its completion report (TM[1,7]); fail if it fails."""
        with self._verb(f"send_and_await_completion {name} {_args_text(args)}".rstrip()) as verb:
            command = self.send_command(name, args, confirm=confirm)
            done = self.await_command(command, "completed", within)
            verb.detail = (
                f"id {done.id} completed at {mission_time(done.stages[CommandStatus.COMPLETED])}"
            )
            return done
