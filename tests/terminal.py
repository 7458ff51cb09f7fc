"""A terminal for a test: run a command in a pseudo-terminal, as a person at a keyboard would.

`python tests/terminal.py COMMAND...` runs COMMAND as the session leader of a new pseudo-terminal
(so Ctrl-C typed there is the terminal's SIGINT, sent to the foreground process group, exactly as
at a shell), copies what it writes to this process' stdout, and types a line of this process'
stdin into it: `ctrl-c` types Ctrl-C, `type TEXT` types TEXT without Enter, any other line is
typed and Enter pressed. It exits with COMMAND's exit code (128 + N when a signal
ended it). Run in a process of its own, so the test run itself never forks.
"""

from __future__ import annotations

import os
import pty
import select
import sys

KEYS = {b"ctrl-c": b"\x03"}


def main(command: list[str]) -> int:
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, at the terminal
        os.execvp(command[0], command)
    typed = sys.stdin.buffer.raw  # type: ignore[attr-defined]
    watching = [terminal, typed]
    while True:
        readable, _, _ = select.select(watching, [], [])
        if terminal in readable:
            try:
                written = os.read(terminal, 65536)
            except OSError:  # the command has gone, and the terminal with it
                written = b""
            if not written:
                break
            sys.stdout.buffer.write(written)
            sys.stdout.buffer.flush()
        if typed in readable:
            line = typed.readline()
            if not line:
                watching.remove(typed)
            elif line.strip() in KEYS:
                os.write(terminal, KEYS[line.strip()])
            elif line.startswith(b"type "):
                os.write(terminal, line[len(b"type ") :].rstrip(b"\n"))
            else:
                os.write(terminal, line.rstrip(b"\n") + b"\r")
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
